"""Application code: an alerting pipeline.

Its settings live in Secrets Manager (a JSON secret) and SSM Parameter Store (SecureString and
String parameters, read by path); payloads are sealed with KMS; alerts go out on SNS (single
and batch publishes with message attributes) and EventBridge, land on a Kinesis stream that
a reader drains through shard iterators, and every run writes CloudWatch metrics and a
CloudWatch Logs stream. Clients are built by `botocore.session` as well as boto3, with
adaptive retries, a `provide-client-params` default, a `before-parameter-build` tagger and a
`needs-retry` observer; a role assumed through STS gives clients built from the returned
credentials.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

USER_AGENT_EXTRA = "beacon/2.0"
REGION = "eu-central-1"


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 5, "mode": "adaptive"},
        "user_agent_extra": USER_AGENT_EXTRA,
        "region_name": REGION,
    }
    settings.update(overrides)
    return Config(**settings)


class HookLog:
    """Handlers a team registers on its clients: defaults, tags, retries, wire view."""

    def __init__(self, team: str = "ops") -> None:
        self.team = team
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def attach(self, client: Any) -> Any:
        ev = client.meta.events
        ev.register("provide-client-params.sns.Publish", self._default_subject)
        ev.register("before-parameter-build.events.PutEvents", self._tag_source)
        ev.register("needs-retry.*.*", self._needs_retry)
        ev.register("before-send.*.*", self._before_send)
        ev.register("after-call.*.*", self._after_call)
        ev.register("before-call.*.*", self._before_call)
        return client

    def _add(self, **event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def _default_subject(self, params: dict[str, Any], **kwargs: Any) -> None:
        params.setdefault("Subject", f"[{self.team}] alert")

    def _tag_source(self, params: dict[str, Any], **kwargs: Any) -> None:
        for entry in params.get("Entries", []):
            entry.setdefault("Source", f"beacon.{self.team}")

    def _needs_retry(self, attempts: int, response: Any, caught_exception: Any, **kw: Any) -> None:
        status = response[0].status_code if response else None
        self._add(
            hook="needs-retry",
            attempts=attempts,
            status=status,
            exc=type(caught_exception).__name__ if caught_exception else None,
        )

    def _before_call(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        self._add(
            hook="before-call",
            op=model.name,
            body_type=type(params.get("body")).__name__,
            url_path=params.get("url_path"),
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
            content_type=text("Content-Type"),
            target=text("X-Amz-Target"),
            ua_extra=USER_AGENT_EXTRA in text("User-Agent"),
            credential_scope="/".join(auth.split("Credential=")[1].split(",")[0].split("/")[2:])
            if "Credential=" in auth
            else "",
            has_token="X-Amz-Security-Token" in headers,
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


class Beacon:
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
        self.sns = self._client("sns")
        self.kinesis = self._client("kinesis")
        self.events = self._client("events")
        self.secrets = self._client("secretsmanager")
        self.ssm = self._client("ssm")
        self.kms = self._client("kms")
        self.cw = self._client("cloudwatch")
        self.logs = self._client("logs")

    def _client(self, name: str, **overrides: Any) -> Any:
        client = self.session.client(name, config=client_config(**overrides))
        if self.hooks is not None:
            self.hooks.attach(client)
        return client

    # ---- settings ------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        secret = json.loads(
            self.secrets.get_secret_value(SecretId=self.names["secret"])["SecretString"]
        )
        params: dict[str, str] = {}
        pages = self.ssm.get_paginator("get_parameters_by_path").paginate(
            Path=self.names["ssm_path"],
            Recursive=True,
            WithDecryption=True,
            PaginationConfig={"PageSize": 2},
        )
        for page in pages:
            for p in page["Parameters"]:
                params[p["Name"].rsplit("/", 1)[1]] = p["Value"]
        return {"secret": secret, "params": params}

    def rotate_secret(self, new_password: str) -> str:
        current = json.loads(
            self.secrets.get_secret_value(SecretId=self.names["secret"])["SecretString"]
        )
        current["password"] = new_password
        return self.secrets.put_secret_value(
            SecretId=self.names["secret"], SecretString=json.dumps(current)
        )["VersionId"]

    def seal(self, payload: dict[str, Any]) -> str:
        blob = self.kms.encrypt(
            KeyId=self.names["key"],
            Plaintext=json.dumps(payload).encode(),
            EncryptionContext={"app": "beacon"},
        )["CiphertextBlob"]
        return base64.b64encode(blob).decode()

    def unseal(self, sealed: str) -> dict[str, Any]:
        out = self.kms.decrypt(
            CiphertextBlob=base64.b64decode(sealed), EncryptionContext={"app": "beacon"}
        )
        return json.loads(out["Plaintext"])

    # ---- alerts ------------------------------------------------------------------------
    def alert(self, message: str, severity: str, **extra: Any) -> str:
        attrs = {
            "severity": {"DataType": "String", "StringValue": severity},
            "count": {"DataType": "Number", "StringValue": str(extra.pop("count", 1))},
            "raw": {"DataType": "Binary", "BinaryValue": message.encode()[:16]},
        }
        return self.sns.publish(
            TopicArn=self.names["topic"], Message=message, MessageAttributes=attrs, **extra
        )["MessageId"]

    def alert_batch(self, messages: list[str]) -> dict[str, Any]:
        entries = [
            {
                "Id": f"m{i}",
                "Message": m,
                "MessageAttributes": {"n": {"DataType": "Number", "StringValue": str(i)}},
            }
            for i, m in enumerate(messages)
        ]
        return self.sns.publish_batch(
            TopicArn=self.names["topic"], PublishBatchRequestEntries=entries
        )

    def announce(self, detail: dict[str, Any], kind: str = "Alert") -> dict[str, Any]:
        return self.events.put_events(
            Entries=[
                {
                    "EventBusName": self.names["bus"],
                    "DetailType": kind,
                    "Detail": json.dumps(detail),
                    "Time": datetime.now(timezone.utc),
                }
            ]
        )

    # ---- stream ------------------------------------------------------------------------
    def push(self, records: list[dict[str, Any]]) -> list[str]:
        out = self.kinesis.put_records(
            StreamName=self.names["stream"],
            Records=[
                {"Data": json.dumps(r).encode(), "PartitionKey": str(r.get("key", i))}
                for i, r in enumerate(records)
            ],
        )
        return [r["SequenceNumber"] for r in out["Records"]]

    def drain(self, limit: int = 2) -> list[dict[str, Any]]:
        stream = self.names["stream"]
        got: list[dict[str, Any]] = []
        shards = self.kinesis.list_shards(StreamName=stream)["Shards"]
        for shard in shards:
            it = self.kinesis.get_shard_iterator(
                StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while it:
                page = self.kinesis.get_records(ShardIterator=it, Limit=limit)
                got.extend(json.loads(r["Data"]) for r in page["Records"])
                if not page["Records"]:
                    break
                it = page.get("NextShardIterator")
        return got

    # ---- telemetry ---------------------------------------------------------------------
    def put_metrics(self, values: list[float], at: datetime | None = None) -> None:
        at = at or datetime.now(timezone.utc)
        self.cw.put_metric_data(
            Namespace=self.names["namespace"],
            MetricData=[
                {
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Team", "Value": "ops"}],
                    "Timestamp": at - timedelta(seconds=i),
                    "Value": v,
                    "Unit": "Milliseconds",
                }
                for i, v in enumerate(values)
            ],
        )

    def metric_stats(self, minutes: int = 10) -> dict[str, Any]:
        end = datetime.now(timezone.utc) + timedelta(minutes=1)
        return self.cw.get_metric_statistics(
            Namespace=self.names["namespace"],
            MetricName="Latency",
            Dimensions=[{"Name": "Team", "Value": "ops"}],
            StartTime=end - timedelta(minutes=minutes),
            EndTime=end,
            Period=60,
            Statistics=["Sum", "SampleCount", "Maximum"],
        )

    def log(self, stream: str, lines: list[str]) -> str | None:
        now_ms = int(time.time() * 1000)
        out = self.logs.put_log_events(
            logGroupName=self.names["log_group"],
            logStreamName=stream,
            logEvents=[{"timestamp": now_ms + i, "message": m} for i, m in enumerate(lines)],
        )
        return out.get("nextSequenceToken")

    def read_log(self, stream: str, limit: int = 2) -> list[str]:
        lines: list[str] = []
        token = None
        while True:
            kw: dict[str, Any] = {"nextToken": token} if token else {}
            page = self.logs.get_log_events(
                logGroupName=self.names["log_group"],
                logStreamName=stream,
                startFromHead=True,
                limit=limit,
                **kw,
            )
            lines.extend(e["message"] for e in page["events"])
            if page["nextForwardToken"] == token:
                return lines
            token = page["nextForwardToken"]

    # ---- identity ----------------------------------------------------------------------
    def as_role(self, role_arn: str, session_name: str = "beacon") -> Beacon:
        creds = self.session.client("sts", config=client_config()).assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=900
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )
        return Beacon(self.names, session=session, hooks=self.hooks)

    @staticmethod
    def raw_client(service: str, **kwargs: Any) -> Any:
        """A client from botocore.session directly (no boto3)."""
        session = botocore.session.get_session()
        return session.create_client(service, region_name=REGION, config=client_config(), **kwargs)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]
