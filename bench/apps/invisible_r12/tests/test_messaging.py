"""Announcements in batches: SQS `SendMessageBatch`/`DeleteMessageBatch` with typed message
attributes, SNS `PublishBatch` fanned out to a queue."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def queue(ledger):
    url = ledger.sqs.create_queue(QueueName=f"ledger-t-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    ledger.names = {**ledger.names, "queue_url": url}
    return url


def test_send_batch_ids_and_digests(ledger, orders, queue, observed):
    stored = ledger.record_orders(orders)
    out = ledger.announce_sqs(stored)
    observed("successful", len(out["Successful"]))
    observed("failed", out.get("Failed", []))
    observed("fields", sorted(out["Successful"][0]))
    observed("md5_ok", all(len(s["MD5OfMessageBody"]) == 32 for s in out["Successful"]))


def test_drain_and_delete_batch(ledger, orders, queue, observed):
    stored = ledger.record_orders(orders)
    ledger.announce_sqs(stored)
    got = ledger.drain(want=3)
    bodies = sorted((json.loads(m["Body"]) for m in got), key=lambda b: b["sk"])
    observed("count", len(got))
    observed("ids_match", [b["order_id"] for b in bodies] == [o["order_id"] for o in stored])
    observed(
        "attr_types",
        sorted({k: v["DataType"] for k, v in got[0]["MessageAttributes"].items()}.items()),
    )
    digests = {m["MessageAttributes"]["digest"]["BinaryValue"] for m in got}
    observed(
        "digests_ok",
        digests == {hashlib.sha256(o["order_id"].encode()).digest() for o in stored},
    )
    observed("totals", sorted(m["MessageAttributes"]["total"]["StringValue"] for m in got))
    observed(
        "left", ledger.sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", [])
    )


def test_delete_batch_failed_entries(ledger, queue, observed):
    out = ledger.sqs.delete_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": "a", "ReceiptHandle": "not-a-handle"}, {"Id": "b", "ReceiptHandle": "x"}],
    )
    observed("successful", out.get("Successful", []))
    observed(
        "failed", sorted((f["Id"], f["Code"], f["SenderFault"]) for f in out.get("Failed", []))
    )


def test_send_batch_duplicate_ids(ledger, queue, observed):
    with pytest.raises(ClientError) as err:
        ledger.sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}],
        )
    observed("code", err.value.response["Error"]["Code"])
    observed("type", type(err.value).__name__)
    observed("modeled", isinstance(err.value, ledger.sqs.exceptions.BatchEntryIdsNotDistinct))


def test_system_attributes_on_receive(ledger, queue, observed):
    ledger.sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": f"e{i}", "MessageBody": f"body {i}"} for i in range(3)],
    )
    got = ledger.drain(queue, want=3)
    observed("bodies", sorted(m["Body"] for m in got))
    observed("attributes", sorted(got[0].get("Attributes", {})))
    observed("receive_count", sorted(m["Attributes"]["ApproximateReceiveCount"] for m in got))


def test_message_ids_round_trip(ledger, queue, observed):
    out = ledger.sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": uuid.uuid4().hex, "MessageBody": json.dumps({"n": i})} for i in range(4)],
    )
    sent = {s["MessageId"] for s in out["Successful"]}
    got = ledger.drain(queue, want=4)
    observed("same_ids", {m["MessageId"] for m in got} == sent)
    observed("count", len(got))


def test_sns_publish_batch_to_queue(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    out = ledger.announce_sns(stored)
    observed("successful", sorted(s["Id"] for s in out["Successful"]))
    observed("failed", out.get("Failed", []))
    got = ledger.drain(ledger.names["fanout_url"], want=3)
    mine = {o["sk"] for o in stored}
    observed("delivered", sorted(m["Body"] in mine for m in got if m["Body"] in mine))


def test_sns_publish_batch_too_many(ledger, observed):
    with pytest.raises(ClientError) as err:
        ledger.sns.publish_batch(
            TopicArn=ledger.names["topic"],
            PublishBatchRequestEntries=[{"Id": str(i), "Message": "m"} for i in range(11)],
        )
    observed("code", err.value.response["Error"]["Code"])
    observed(
        "modeled",
        isinstance(err.value, ledger.sns.exceptions.TooManyEntriesInBatchRequestException),
    )
