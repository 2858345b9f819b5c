"""What the code sees of botocore's machinery: hooks, retries, user agent, threads,
aiobotocore clients, presigned URLs, response metadata, client config."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from harbor import USER_AGENT_EXTRA, Harbor, client_config

pytestmark = pytest.mark.aws_cassette


def test_needs_retry_sees_each_attempt(harbor, hooks, observed):
    harbor.fleet()
    observed("retry", hooks.by_hook("needs-retry"))


def test_injected_throttle_retried(harbor, hooks, observed):
    """A handler answers the first attempt with a throttle; botocore retries it."""
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body):
            self.body = body

        def stream(self, **kw):
            yield self.body

    state = {"n": 0}

    def throttle_once(request, **kwargs):
        state["n"] += 1
        if state["n"] == 1:
            body = b'{"__type":"ThrottlingException","message":"slow down"}'
            return AWSResponse(
                request.url, 400, {"x-amzn-errortype": "ThrottlingException"}, _Raw(body)
            )
        return None

    harbor.ecr.meta.events.register_first("before-send.ecr.DescribeRepositories", throttle_once)
    out = harbor.ecr.describe_repositories(repositoryNames=[harbor.names["repo"]])
    observed("retries", out["ResponseMetadata"]["RetryAttempts"])
    observed("attempts", state["n"])
    observed("needs_retry", [(e["attempts"], e["status"]) for e in hooks.by_hook("needs-retry")])


def test_user_agent_and_scope(harbor, hooks, names, observed):
    harbor.fleet()
    harbor.iam.get_role(RoleName=names["role"])
    harbor.route53.get_hosted_zone(Id=names["zone"])
    sends = hooks.by_hook("before-send")
    observed("ua", [e["ua_extra"] for e in sends])
    observed("scopes", sorted({e["scope"] for e in sends}))
    assert USER_AGENT_EXTRA in harbor.ec2.meta.config.user_agent_extra


def test_before_call_sees_request_dict(harbor, hooks, names, observed):
    harbor.names_in_zone()
    harbor.ecr.describe_repositories(repositoryNames=[names["repo"]])
    observed("before_call", hooks.by_hook("before-call"))
    observed(
        "wire", [(e["method"], e["path"], e["content_type"]) for e in hooks.by_hook("before-send")]
    )


def test_clients_in_threads(names, observed):
    def work(i):
        h = Harbor(names, session=boto3.session.Session(region_name="eu-west-1"))
        run = h.run_workflow({"thread": i})
        return run["desc"]["status"], threading.current_thread().name

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(6)))
    observed("statuses", sorted(s for s, _ in results))


def test_shared_client_in_threads(harbor, names, observed):
    run = harbor.new_id()

    def push(i):
        return harbor.push_image(f"t{i}-{run}", f"{i}f")

    with ThreadPoolExecutor(4) as pool:
        digests = list(pool.map(push, range(6)))
    observed("count", len(set(digests)))
    observed("tags", sorted(t.split("-")[0] for t in harbor.image_tags() if t.endswith(run)))


def test_client_config_seen(harbor, observed):
    cfg = harbor.ec2.meta.config
    observed("retries", cfg.retries)
    observed("region", harbor.ec2.meta.region_name)
    observed("iam_region", harbor.iam.meta.region_name)
    observed("service_id", harbor.sfn.meta.service_model.service_id)
    observed("signature", harbor.route53.meta.config.signature_version)


def test_aiobotocore_client(names, observed):
    aiobotocore_session = pytest.importorskip("aiobotocore.session")

    async def main():
        session = aiobotocore_session.get_session()
        async with session.create_client("ec2", config=client_config()) as ec2:
            tags = []
            async for page in ec2.get_paginator("describe_instances").paginate(
                Filters=[{"Name": "tag:fleet", "Values": [names["fleet"]]}],
                PaginationConfig={"PageSize": 5},
            ):
                tags += [len(r["Instances"]) for r in page["Reservations"]]
        async with session.create_client("stepfunctions", config=client_config()) as sfn:
            out = await sfn.describe_state_machine(stateMachineArn=names["machine"])
        return tags, out["name"]

    counts, machine = asyncio.run(main())
    observed("has_instances", sum(counts) >= 0)
    observed("machine_ok", machine == names["machine"].rsplit(":", 1)[1])


def test_aiobotocore_gather(names, observed):
    aiobotocore_session = pytest.importorskip("aiobotocore.session")

    async def main():
        session = aiobotocore_session.get_session()
        async with session.create_client("stepfunctions", config=client_config()) as sfn:
            outs = await asyncio.gather(
                *(
                    sfn.start_execution(stateMachineArn=names["machine"], input=f'{{"i": {i}}}')
                    for i in range(4)
                )
            )
        return [o["executionArn"] for o in outs]

    arns = asyncio.run(main())
    observed("count", len(set(arns)))


def test_response_metadata_seen(harbor, names, observed):
    out = harbor.route53.get_hosted_zone(Id=names["zone"])
    meta = out["ResponseMetadata"]
    observed("status", meta["HTTPStatusCode"])
    observed("retries", meta["RetryAttempts"])
    observed("header_names", sorted(meta["HTTPHeaders"]))
    observed("has_request_id", bool(meta.get("RequestId")))
    out = harbor.ec2.describe_vpcs(VpcIds=[names["vpc"]])
    observed("ec2_header_names", sorted(out["ResponseMetadata"]["HTTPHeaders"]))


def test_presigned_url(harbor, names, observed):
    url = harbor.ec2.generate_presigned_url(
        "describe_instances", Params={"InstanceIds": ["i-0123456789abcdef0"]}, ExpiresIn=300
    )
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    q = parse_qs(parts.query)
    observed("params", sorted(q))
    observed("expires", q["X-Amz-Expires"])
    observed("scope", q["X-Amz-Credential"][0].split("/", 2)[2])


def test_raw_body_seen_by_before_parse(harbor, names, observed):
    seen = []

    def grab(response_dict, **kw):
        seen.append(response_dict["body"])

    harbor.iam.meta.events.register("before-parse.iam.GetRole", grab)
    harbor.iam.get_role(RoleName=names["role"])
    observed("is_xml", seen[0].lstrip().startswith(b"<"))
    observed("len", len(seen[0]))
