"""Application code: a small container-yard dispatcher.

Gate events go into Kinesis; bookings arrive on SQS (long polls, message attributes) and
fan out through SNS topics with filter policies; EventBridge routes customs holds; a Step
Functions machine releases containers; manifests are encrypted with KMS and partner
credentials live in Secrets Manager (rotated); the yard's ledger is queried through the
Redshift Data API and its RDS databases are listed by paginators; documents go to S3 and
out by presigned URLs.

Habits on purpose: clients made at import (a module `boto3.Session`, boto3's default
session), one client shared by threads, ids the code derives from the clock and from
`uuid4`/`secrets`, and a partner API token sent on every request in a header.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time
import uuid
from typing import Any

import boto3
from botocore.config import Config

REGION = "ap-southeast-2"
API_TOKEN_HEADER = "X-Shipyard-Partner-Token"


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "region_name": REGION,
        "retries": {"mode": "adaptive", "max_attempts": 4},
        "tcp_keepalive": True,
        "user_agent_appid": "shipyard-dispatch",
    }
    settings.update(overrides)
    return Config(**settings)


def _partner_token() -> str:
    return os.environ.get("SHIPYARD_PARTNER_TOKEN", "")


def add_partner_token(request: Any, **_: Any) -> None:
    # the yard's gateway wants the partner token on every call (a habit, not AWS's)
    token = _partner_token()
    if token:
        request.headers[API_TOKEN_HEADER] = token


def _hooked(client: Any) -> Any:
    client.meta.events.register_first("before-sign.*.*", add_partner_token)
    return client


# clients made at import: a module session and boto3's default session
SESSION = boto3.session.Session(region_name=REGION)
GATE_STREAM_CLIENT = _hooked(SESSION.client("kinesis", config=client_config()))
QUEUE_CLIENT = _hooked(SESSION.client("sqs", config=client_config()))
DEFAULT_SNS = _hooked(boto3.client("sns", config=client_config()))


def yard_id(kind: str) -> str:
    """An id stamped with the clock, a uuid and a random token, as the yard writes them."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{kind}-{stamp}-{uuid.uuid4().hex[:8]}-{secrets.token_hex(3)}"


class Shipyard:
    def __init__(self, *, session: boto3.Session | None = None, **config: Any) -> None:
        self.session = session or boto3.Session(region_name=REGION)
        self.config = client_config(**config)
        self._clients: dict[str, Any] = {}

    def client(self, service: str, **config: Any) -> Any:
        if config:
            return _hooked(self.session.client(service, config=self.config.merge(Config(**config))))
        if service not in self._clients:
            self._clients[service] = _hooked(self.session.client(service, config=self.config))
        return self._clients[service]

    def resource(self, service: str) -> Any:
        res = self.session.resource(service, config=self.config)
        _hooked(res.meta.client)
        return res

    # --- bookings ------------------------------------------------------------------
    def book(self, queue_url: str, container: str, weight: int) -> dict[str, Any]:
        booking = {
            "id": yard_id("bk"),
            "container": container,
            "weight": weight,
            "at": time.time(),
        }
        sent = QUEUE_CLIENT.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(booking),
            MessageAttributes={
                "kind": {"DataType": "String", "StringValue": "booking"},
                "weight": {"DataType": "Number", "StringValue": str(weight)},
                "trace": {"DataType": "Binary", "BinaryValue": uuid.uuid4().bytes},
            },
        )
        return {
            "booking": booking,
            "message_id": sent["MessageId"],
            "md5": sent["MD5OfMessageBody"],
        }

    def take_bookings(self, queue_url: str, wait: int = 1, most: int = 10) -> list[dict]:
        got = QUEUE_CLIENT.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=most,
            WaitTimeSeconds=wait,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        )
        return got.get("Messages", [])

    # --- gate events -----------------------------------------------------------------
    def gate_event(self, stream: str, container: str, lane: int) -> dict[str, Any]:
        event = {"id": yard_id("gate"), "container": container, "lane": lane}
        out = GATE_STREAM_CLIENT.put_record(
            StreamName=stream, Data=json.dumps(event).encode(), PartitionKey=container
        )
        return {"event": event, "shard": out["ShardId"], "seq": out["SequenceNumber"]}

    # --- manifests -------------------------------------------------------------------
    def seal_manifest(self, key_id: str, manifest: dict[str, Any], yard: str) -> bytes:
        return self.client("kms").encrypt(
            KeyId=key_id,
            Plaintext=json.dumps(manifest).encode(),
            EncryptionContext={"yard": yard},
        )["CiphertextBlob"]

    def open_manifest(self, blob: bytes, yard: str) -> dict[str, Any]:
        out = self.client("kms").decrypt(CiphertextBlob=blob, EncryptionContext={"yard": yard})
        return json.loads(out["Plaintext"])

    # --- ledger (Redshift Data) --------------------------------------------------------
    def ledger_query(
        self, sql: str, cluster: str, poll: float = 0.1, most: int = 3
    ) -> dict[str, Any]:
        # polls a few times, then reads what there is (the ledger's small queries are done)
        rsd = self.client("redshift-data")
        sid = rsd.execute_statement(ClusterIdentifier=cluster, Database="ledger", Sql=sql)["Id"]
        polls = 0
        while True:
            polls += 1
            desc = rsd.describe_statement(Id=sid)
            if desc["Status"] in ("FINISHED", "FAILED", "ABORTED") or polls >= most:
                break
            time.sleep(poll)
        result = rsd.get_statement_result(Id=sid) if desc["Status"] != "FAILED" else {}
        return {"id": sid, "polls": polls, "desc": desc, "result": result}
