"""moto server while recording (as docs/how-to/moto.md shows), one set of resources per
module (uuid names), and `observed`: what a test saw live is written down while recording
and compared while replaying, so any way replay is visible to the code fails the test."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from ledgerline import REGION, Ledger, Wire

OBSERVATIONS = Path(
    os.environ.get("LEDGERLINE_OBSERVATIONS") or Path(__file__).parent / "observations"
)
# sentinel secrets: they must never reach a cassette (the trial greps for them)
SIGNING_SECRET = "SENTINELr12signingSecret7f3a"
CARD_TOKEN = "SENTINELr12cardT0ken91c"


def _mode(config: pytest.Config) -> str:
    return config.getoption("aws_record_mode") or config.getini("aws_record_mode") or "none"


@pytest.fixture(scope="session", autouse=True)
def moto_when_recording(pytestconfig: pytest.Config) -> Iterator[str | None]:
    if _mode(pytestconfig) == "none":
        yield None
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()


def make_names() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:12]
    s = boto3.Session(region_name=REGION)
    names = {"suffix": suffix, "domain": f"{suffix}.ledger.example.com"}
    ddb = s.client("dynamodb")
    names["table"] = f"ledger-{suffix}"
    ddb.create_table(
        TableName=names["table"],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    ddb.get_waiter("table_exists").wait(
        TableName=names["table"], WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    s3 = s.client("s3")
    names["bucket"] = f"ledger-{suffix}"
    s3.create_bucket(
        Bucket=names["bucket"], CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_bucket_versioning(Bucket=names["bucket"], VersioningConfiguration={"Status": "Enabled"})
    names["locked_bucket"] = f"ledger-locked-{suffix}"
    s3.create_bucket(
        Bucket=names["locked_bucket"],
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    sqs = s.client("sqs")
    names["queue_url"] = sqs.create_queue(QueueName=f"ledger-{suffix}")["QueueUrl"]
    names["fanout_url"] = sqs.create_queue(QueueName=f"ledger-fanout-{suffix}")["QueueUrl"]
    fanout_arn = sqs.get_queue_attributes(
        QueueUrl=names["fanout_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sns = s.client("sns")
    names["topic"] = sns.create_topic(Name=f"ledger-{suffix}")["TopicArn"]
    sns.subscribe(
        TopicArn=names["topic"],
        Protocol="sqs",
        Endpoint=fanout_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    kinesis = s.client("kinesis")
    names["stream"] = f"ledger-{suffix}"
    kinesis.create_stream(StreamName=names["stream"], ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(
        StreamName=names["stream"], WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    names["firehose"] = f"ledger-{suffix}"
    s.client("firehose").create_delivery_stream(
        DeliveryStreamName=names["firehose"],
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/ledger-firehose",
            "BucketARN": f"arn:aws:s3:::{names['bucket']}",
            "Prefix": "firehose/",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        },
    )
    names["bus"] = f"ledger-{suffix}"
    s.client("events").create_event_bus(Name=names["bus"])
    ses = s.client("ses")
    names["sender"] = f"ledger@{names['domain']}"
    ses.verify_domain_identity(Domain=names["domain"])
    ses.verify_email_identity(EmailAddress=names["sender"])
    names["template"] = f"receipt-{suffix}"
    ses.create_template(
        Template={
            "TemplateName": names["template"],
            "SubjectPart": "Your receipt, {{name}}",
            "TextPart": "Total: {{total}}",
            "HtmlPart": "<p>Total: {{total}}</p>",
        }
    )
    glue = s.client("glue")
    names["database"] = f"ledger_{suffix}"
    glue.create_database(DatabaseInput={"Name": names["database"], "Description": "ledger"})
    glue.create_table(
        DatabaseName=names["database"],
        TableInput={
            "Name": "orders",
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "order_id", "Type": "string"},
                    {"Name": "total", "Type": "decimal(12,2)"},
                ],
                "Location": f"s3://{names['bucket']}/lake/orders/",
            },
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "TableType": "EXTERNAL_TABLE",
        },
    )
    return names


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return make_names()


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def ledger(names: dict[str, str], wire: Wire) -> Ledger:
    return Ledger(names, wire=wire)


@pytest.fixture
def customer() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


ORDERS = [
    {
        "customer": "x",
        "total": "19.99",
        "lines": [{"sku": "BOOK-1", "qty": 1, "price": "19.99"}],
        "shipping": {"city": "Lyon", "zip": "69001", "express": True, "notes": None},
        "tags": ["gift", "book"],
    },
    {
        "customer": "x",
        "total": "5.5",
        "lines": [{"sku": "PEN-2", "qty": 2, "price": "2.75"}],
        "shipping": {"city": "Oslo", "zip": "0150", "express": False},
    },
    {
        "customer": "x",
        "total": "120.00",
        "lines": [
            {"sku": "LAMP-3", "qty": 1, "price": "100"},
            {"sku": "BULB-4", "qty": 4, "price": "5"},
        ],
        "shipping": {"city": "Porto", "zip": "4000-001", "express": True},
        "tags": ["home"],
    },
]


@pytest.fixture
def orders(customer: str) -> list[dict[str, Any]]:
    return [{**o, "customer": customer} for o in ORDERS]


class Observed:
    def __init__(self, nodeid: str, recording: bool) -> None:
        self.path = OBSERVATIONS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".json")
        self.recording = recording
        self.values: dict[str, Any] = {}
        self.stored = (
            {} if recording or not self.path.exists() else json.loads(self.path.read_text())
        )

    def __call__(self, name: str, value: Any) -> Any:
        value = json.loads(json.dumps(value, default=str))
        self.values[name] = value
        if not self.recording:
            assert name in self.stored, f"nothing observed live for {name!r}"
            assert value == self.stored[name], (
                f"{name}: replay saw {value!r}, live saw {self.stored[name]!r}"
            )
        return value

    def save(self) -> None:
        if self.recording:
            OBSERVATIONS.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.values, indent=1, sort_keys=True) + "\n")


@pytest.fixture
def observed(request: pytest.FixtureRequest) -> Iterator[Observed]:
    obs = Observed(request.node.nodeid, _mode(request.config) != "none")
    yield obs
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed:
        obs.save()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    if rep.when == "call":
        item.rep_call = rep  # type: ignore[attr-defined]
    return rep
