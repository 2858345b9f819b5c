"""Application code: a small deployment tool.

It keeps a fleet on EC2 (a VPC, subnets, a security group, tagged instances found by filters,
paginated and waited for), an IAM role and policy for it (IAM is global: us-east-1 signing),
DNS names in Route 53 (rest-xml: change batches and the `resource_record_sets_changed`
waiter), a CloudFormation stack (created, waited for, its outputs and events paginated), a
Step Functions state machine whose executions are started and described, an ECR repository
(images pushed by manifest, a lifecycle policy), certificates in ACM, a Lambda function's
configuration, and release mails through SESv2. Clients carry
`Config(retries={"mode": "standard"}, user_agent_extra=..., region_name=...)` and a team's
handlers: `provide-client-params` (default tags on `RunInstances`), `before-parameter-build`
(a default `ClientRequestToken`), `needs-retry`, `before-call`, `before-send` (the wire's
view) and `after-call`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

USER_AGENT_EXTRA = "harbor/1.4"
REGION = "eu-west-1"
TEAM = "platform"


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 4, "mode": "standard"},
        "user_agent_extra": USER_AGENT_EXTRA,
        "region_name": REGION,
    }
    settings.update(overrides)
    return Config(**settings)


class HookLog:
    """Handlers a team registers on its clients: defaults, tags, retries, wire view."""

    def __init__(self, team: str = TEAM) -> None:
        self.team = team
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def attach(self, client: Any) -> Any:
        ev = client.meta.events
        ev.register("provide-client-params.ec2.RunInstances", self._default_tags)
        ev.register("before-parameter-build.stepfunctions.StartExecution", self._name_run)
        ev.register("needs-retry.*.*", self._needs_retry)
        ev.register("before-call.*.*", self._before_call)
        ev.register("before-send.*.*", self._before_send)
        ev.register("after-call.*.*", self._after_call)
        return client

    def _add(self, **event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def _default_tags(self, params: dict[str, Any], **kwargs: Any) -> None:
        params.setdefault(
            "TagSpecifications",
            [{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": self.team}]}],
        )

    def _name_run(self, params: dict[str, Any], **kwargs: Any) -> None:
        params.setdefault("name", f"{self.team}-{uuid.uuid4().hex[:8]}")

    def _needs_retry(self, attempts: int, response: Any, caught_exception: Any, **kw: Any) -> None:
        self._add(
            hook="needs-retry",
            attempts=attempts,
            status=response[0].status_code if response else None,
            exc=type(caught_exception).__name__ if caught_exception else None,
        )

    def _before_call(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        self._add(
            hook="before-call",
            op=model.name,
            method=params.get("method"),
            url_path=params.get("url_path"),
            query=sorted(params.get("query_string") or {}),
        )

    def _before_send(self, request: Any, **kwargs: Any) -> None:
        headers = request.headers

        def text(name: str) -> str:
            value = headers.get(name) or b""
            return value.decode() if isinstance(value, bytes) else value

        auth = text("Authorization")
        body = request.body
        if hasattr(body, "read"):
            body = b"<stream>"
        self._add(
            hook="before-send",
            method=request.method,
            host=request.url.split("/")[2].split(":")[0].rsplit(".", 2)[-2:] != ["0", "1"],
            path=request.url.split("/", 3)[3].split("?")[0] if request.url.count("/") > 2 else "",
            content_type=text("Content-Type"),
            ua_extra=USER_AGENT_EXTRA in text("User-Agent"),
            scope="/".join(auth.split("Credential=")[1].split(",")[0].split("/")[2:])
            if "Credential=" in auth
            else "",
            body_len=len(body or b""),
        )

    def _after_call(
        self, http_response: Any, parsed: dict[str, Any], model: Any, **kw: Any
    ) -> None:
        meta = parsed.get("ResponseMetadata", {})
        self._add(
            hook="after-call",
            op=model.name,
            status=http_response.status_code,
            retries=meta.get("RetryAttempts"),
            keys=sorted(k for k in parsed if k != "ResponseMetadata"),
        )

    def by_hook(self, hook: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e["hook"] == hook]


class Harbor:
    def __init__(
        self,
        names: dict[str, str],
        *,
        session: boto3.Session | None = None,
        hooks: HookLog | None = None,
    ) -> None:
        self.names = names
        self.session = session or boto3.Session(region_name=REGION)
        self.hooks = hooks
        self.ec2 = self._client("ec2")
        self.iam = self._client("iam", region_name="us-east-1")
        self.route53 = self._client("route53")
        self.cfn = self._client("cloudformation")
        self.sfn = self._client("stepfunctions")
        self.ecr = self._client("ecr")
        self.acm = self._client("acm")
        self.awslambda = self._client("lambda")
        self.mail = self._client("sesv2")

    def _client(self, name: str, **overrides: Any) -> Any:
        client = self.session.client(name, config=client_config(**overrides))
        if self.hooks is not None:
            self.hooks.attach(client)
        return client

    # ---- fleet (EC2) ---------------------------------------------------------------------
    def launch(self, count: int, role: str = "web", **extra: Any) -> list[str]:
        out = self.ec2.run_instances(
            ImageId=self.names["ami"],
            InstanceType="t3.micro",
            MinCount=count,
            MaxCount=count,
            SubnetId=self.names["subnet"],
            SecurityGroupIds=[self.names["sg"]],
            **extra,
        )
        ids = [i["InstanceId"] for i in out["Instances"]]
        self.ec2.create_tags(
            Resources=ids,
            Tags=[{"Key": "role", "Value": role}, {"Key": "fleet", "Value": self.names["fleet"]}],
        )
        return ids

    def fleet(self, role: str | None = None, page_size: int = 5) -> list[dict[str, Any]]:
        filters = [
            {"Name": "tag:fleet", "Values": [self.names["fleet"]]},
            {"Name": "instance-state-name", "Values": ["pending", "running"]},
        ]
        if role:
            filters.append({"Name": "tag:role", "Values": [role]})
        pages = self.ec2.get_paginator("describe_instances").paginate(
            Filters=filters, PaginationConfig={"PageSize": page_size}
        )
        found = []
        for inst in pages.search("Reservations[].Instances[]"):
            tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
            found.append(
                {
                    "id": inst["InstanceId"],
                    "state": inst["State"]["Name"],
                    "role": tags.get("role"),
                    "launched": inst["LaunchTime"],
                    "private_ip": inst.get("PrivateIpAddress"),
                }
            )
        return found

    def wait_running(self, ids: list[str]) -> None:
        self.ec2.get_waiter("instance_running").wait(
            InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )

    def retire(self, ids: list[str]) -> list[str]:
        out = self.ec2.terminate_instances(InstanceIds=ids)
        return [c["CurrentState"]["Name"] for c in out["TerminatingInstances"]]

    def open_port(self, port: int, cidr: str = "10.0.0.0/16") -> dict[str, Any]:
        return self.ec2.authorize_security_group_ingress(
            GroupId=self.names["sg"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "IpRanges": [{"CidrIp": cidr, "Description": f"{TEAM} {port}"}],
                }
            ],
        )

    # ---- identity (IAM) ------------------------------------------------------------------
    def grant(self, actions: list[str], name: str) -> str:
        doc = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
        arn = self.iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc))["Policy"][
            "Arn"
        ]
        self.iam.attach_role_policy(RoleName=self.names["role"], PolicyArn=arn)
        return arn

    def role_policies(self) -> list[str]:
        pages = self.iam.get_paginator("list_attached_role_policies").paginate(
            RoleName=self.names["role"], PaginationConfig={"PageSize": 1}
        )
        return sorted(pages.search("AttachedPolicies[].PolicyName"))

    # ---- DNS (Route 53) ------------------------------------------------------------------
    def publish_name(self, host: str, ips: list[str], ttl: int = 60) -> str:
        out = self.route53.change_resource_record_sets(
            HostedZoneId=self.names["zone"],
            ChangeBatch={
                "Comment": f"harbor {host}",
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": f"{host}.{self.names['domain']}",
                            "Type": "A",
                            "TTL": ttl,
                            "ResourceRecords": [{"Value": ip} for ip in ips],
                        },
                    }
                ],
            },
        )
        change = out["ChangeInfo"]["Id"]
        self.route53.get_waiter("resource_record_sets_changed").wait(
            Id=change, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
        )
        return change

    def names_in_zone(self, page_size: int = 2) -> list[tuple[str, str]]:
        pages = self.route53.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=self.names["zone"], PaginationConfig={"PageSize": page_size}
        )
        return [(r["Name"], r["Type"]) for r in pages.search("ResourceRecordSets[]")]

    # ---- stacks (CloudFormation) ---------------------------------------------------------
    def deploy_stack(self, name: str, bucket_tag: str) -> dict[str, Any]:
        template = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Tag": {"Type": "String"}},
            "Resources": {
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 0}},
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "Tag"}}},
            },
            "Outputs": {
                "QueueName": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}},
                "TopicArn": {"Value": {"Ref": "Topic"}},
            },
        }
        self.cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": "Tag", "ParameterValue": bucket_tag}],
            Tags=[{"Key": "team", "Value": TEAM}],
        )
        self.cfn.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )
        stack = self.cfn.describe_stacks(StackName=name)["Stacks"][0]
        return {
            "status": stack["StackStatus"],
            "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
            "created": stack["CreationTime"],
        }

    def stack_events(self, name: str) -> list[str]:
        pages = self.cfn.get_paginator("describe_stack_events").paginate(StackName=name)
        return [e["ResourceStatus"] for e in pages.search("StackEvents[]")]

    # ---- workflows (Step Functions) ------------------------------------------------------
    def run_workflow(self, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
        start = self.sfn.start_execution(
            stateMachineArn=self.names["machine"], input=json.dumps(payload), **extra
        )
        desc = self.sfn.describe_execution(executionArn=start["executionArn"])
        return {"arn": start["executionArn"], "started": start["startDate"], "desc": desc}

    def executions(self, max_items: int = 10) -> list[str]:
        pages = self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.names["machine"],
            PaginationConfig={"MaxItems": max_items, "PageSize": 2},
        )
        return [e["name"] for e in pages.search("executions[]")]

    # ---- images (ECR) --------------------------------------------------------------------
    def push_image(self, tag: str, layer: str) -> str:
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7023,
                "digest": "sha256:" + layer * (64 // len(layer)),
            },
            "layers": [],
        }
        out = self.ecr.put_image(
            repositoryName=self.names["repo"], imageManifest=json.dumps(manifest), imageTag=tag
        )
        return out["image"]["imageId"]["imageDigest"]

    def image_tags(self) -> list[str]:
        pages = self.ecr.get_paginator("list_images").paginate(
            repositoryName=self.names["repo"], PaginationConfig={"PageSize": 1}
        )
        return sorted(t for t in pages.search("imageIds[].imageTag") if t)

    # ---- mail (SESv2) --------------------------------------------------------------------
    def release_mail(self, version: str, to: list[str]) -> str:
        out = self.mail.send_email(
            FromEmailAddress=self.names["sender"],
            Destination={"ToAddresses": to},
            Content={
                "Simple": {
                    "Subject": {"Data": f"Released {version}"},
                    "Body": {"Text": {"Data": f"harbor shipped {version} at {now_iso()}"}},
                }
            },
        )
        return out["MessageId"]

    # ---- clients of their own ------------------------------------------------------------
    @staticmethod
    def raw_client(service: str, **kwargs: Any) -> Any:
        """A client from botocore.session directly (no boto3)."""
        session = botocore.session.get_session()
        kwargs.setdefault("region_name", REGION)
        return session.create_client(service, config=client_config(), **kwargs)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
