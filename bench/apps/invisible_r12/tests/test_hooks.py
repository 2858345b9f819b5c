"""What the code sees of botocore's machinery: `choose-signer`, `before-sign`,
`request-created`, `after-call-error`, `client.meta.events`, `parameter_validation=False`,
explicit credentials, a short-circuiting `before-call`."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from ledgerline import REGION, USER_AGENT_EXTRA, Ledger, Wire, client_config

from conftest import CARD_TOKEN, SIGNING_SECRET

pytestmark = pytest.mark.aws_cassette


def test_choose_signer_seen(ledger, wire, orders, observed):
    stored = ledger.record_orders(orders[:1])
    ledger.announce_sqs(stored)
    ledger.put_statement(f"h/{uuid.uuid4()}", b"{}")
    observed(
        "signers",
        sorted(
            {(e["signing_name"], e["region"], e["version"]) for e in wire.by_hook("choose-signer")}
        ),
    )


def test_before_sign_sees_checksums(ledger, wire, observed):
    ledger.put_statement(f"h/{uuid.uuid4()}", b'{"x": 1}', algorithm="SHA256")
    ledger.put_statement(f"h/{uuid.uuid4()}", b'{"x": 2}', algorithm="CRC32")
    signs = wire.by_hook("before-sign")
    observed("ops", [e["op"] for e in signs])
    observed("checksums", [e["checksum"] for e in signs])
    observed("auth_before", [e["has_auth_before"] for e in signs])
    observed("signing_ctx", [e["signing"] for e in signs])


def test_request_created_signed(ledger, wire, orders, observed):
    ledger.record_orders(orders[:2])
    ledger.glue.get_database(Name=ledger.names["database"])
    created = wire.by_hook("request-created")
    observed("signed", [(e["op"], e["signed"], e["ua_extra"], e["token"]) for e in created])
    observed("scopes", sorted({e["scope"] for e in created}))


def test_after_call_error_hook(ledger, wire, observed):
    with pytest.raises(ClientError):
        ledger.sqs.get_queue_url(QueueName=f"missing-{uuid.uuid4().hex[:8]}")
    with pytest.raises(ClientError):
        ledger.glue.get_table(DatabaseName=ledger.names["database"], Name="missing")
    observed("errors", [e["exc"] for e in wire.by_hook("after-call-error")])
    observed("after_call", [(e["op"], e["status"]) for e in wire.by_hook("after-call")])


def test_parameter_validation_off(names, observed):
    ledger = Ledger(names, parameter_validation=False)
    out = ledger.ddb.describe_table(TableName=names["table"])
    observed("table_ok", out["Table"]["TableName"] == names["table"])
    try:
        ledger.ddb.describe_table(TableName=names["table"], Unmodeled="ignored")
        observed("unmodeled", "sent")
    except Exception as e:
        observed("unmodeled", type(e).__name__)
    try:
        ledger.cloudwatch.put_metric_data(
            Namespace="Ledgerline/Loose", MetricData=[{"MetricName": "m", "Value": "3.5"}]
        )
        observed("metric", "sent")
    except Exception as e:
        observed("metric", type(e).__name__)
    try:
        ledger.sqs.get_queue_url(QueueName=42)
        observed("queue", "sent")
    except Exception as e:
        observed("queue", type(e).__name__)


def test_validation_on_rejects_locally(ledger, observed):
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError) as err:
        ledger.cloudwatch.put_metric_data(
            Namespace="Ledgerline/Strict", MetricData=[{"MetricName": "m", "Value": "3.5"}]
        )
    observed("message", str(err.value))


def test_meta_events_register_unregister(ledger, observed):
    seen = []

    def add_attribute(params, **kwargs):
        seen.append(sorted(params))
        for entry in params["Entries"]:
            entry.setdefault("MessageAttributes", {})["source"] = {
                "DataType": "String",
                "StringValue": "ledgerline",
            }

    events = ledger.sqs.meta.events
    events.register("provide-client-params.sqs.SendMessageBatch", add_attribute, unique_id="ll-src")
    ledger.sqs.send_message_batch(
        QueueUrl=ledger.names["queue_url"], Entries=[{"Id": "a", "MessageBody": "with"}]
    )
    events.unregister("provide-client-params.sqs.SendMessageBatch", unique_id="ll-src")
    ledger.sqs.send_message_batch(
        QueueUrl=ledger.names["queue_url"], Entries=[{"Id": "b", "MessageBody": "without"}]
    )
    got = ledger.drain(want=2)
    observed("seen", seen)
    observed(
        "attrs",
        sorted((m["Body"], sorted(m.get("MessageAttributes", {}))) for m in got),
    )


def test_before_call_short_circuit(ledger, observed):
    calls = []

    def cached(model, params, **kwargs):
        calls.append(model.name)
        if model.name == "DescribeTable":
            return (
                AWSResponse("https://cache.invalid/", 200, {}, None),
                {"Table": {"TableName": "cached", "TableStatus": "ACTIVE"}},
            )
        return None

    ledger.ddb.meta.events.register("before-call.dynamodb.*", cached)
    out = ledger.ddb.describe_table(TableName=ledger.names["table"])
    listed = ledger.ddb.list_tables(Limit=100)
    observed("out", {k: v for k, v in out.items() if k != "ResponseMetadata"})
    observed("calls", calls)
    observed("listed", ledger.names["table"] in listed["TableNames"])


def test_explicit_credentials(names, observed):
    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7LEDGER1",
        aws_secret_access_key=SIGNING_SECRET,
        aws_session_token=CARD_TOKEN,
        region_name=REGION,
    )
    wire = Wire()
    ledger = Ledger(names, session=session, wire=wire)
    creds = session.get_credentials().get_frozen_credentials()
    observed("access_key", creds.access_key)
    observed("secret_ok", creds.secret_key == SIGNING_SECRET)
    observed("token_ok", creds.token == CARD_TOKEN)
    out = ledger.sqs.get_queue_attributes(QueueUrl=names["queue_url"], AttributeNames=["QueueArn"])
    observed("arn_ok", out["Attributes"]["QueueArn"].endswith(names["queue_url"].rsplit("/", 1)[1]))
    observed("token_sent", [e["token"] for e in wire.by_hook("request-created")])


def test_client_meta(ledger, observed):
    clients = {
        "ddb": ledger.ddb,
        "s3": ledger.s3,
        "sqs": ledger.sqs,
        "firehose": ledger.firehose,
        "athena": ledger.athena,
        "sesv2": ledger.sesv2,
    }
    observed("regions", {k: c.meta.region_name for k, c in clients.items()})
    observed("protocols", {k: c.meta.service_model.protocol for k, c in clients.items()})
    observed("retries", ledger.ddb.meta.config.retries)
    observed("ua_extra", ledger.s3.meta.config.user_agent_extra == USER_AGENT_EXTRA)
    observed("signature", ledger.s3.meta.config.signature_version)
    observed("partition", ledger.s3.meta.partition)


def test_session_client_without_wire(names, observed):
    s3 = boto3.client("s3", config=client_config())
    out = s3.get_bucket_versioning(Bucket=names["bucket"])
    observed("versioning", out.get("Status"))
    lock = s3.get_object_lock_configuration(Bucket=names["locked_bucket"])
    observed("lock", lock["ObjectLockConfiguration"]["ObjectLockEnabled"])
