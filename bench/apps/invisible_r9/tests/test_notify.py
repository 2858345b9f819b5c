"""SQS notifications: attributes, MD5s, long polls, batches, FIFO."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

import boto3
import pytest
from vault import Vault, sqs_attributes_md5

pytestmark = pytest.mark.aws_cassette


def test_notify_and_receive_checks_md5(vault, observed):
    doc = {"doc_id": Vault.new_doc_id(), "size": 1234, "sha256": hashlib.sha256(b"x").hexdigest()}
    vault.notify("stored", doc)
    got = vault.receive()
    observed("n", len(got))
    observed("ok", [(m["ok_body"], m["ok_attrs"]) for m in got])
    assert json.loads(got[0]["Body"])["doc"] == doc["doc_id"]
    assert got[0]["MessageAttributes"]["size"]["StringValue"] == "1234"


def test_receive_empty_long_poll(vault, observed):
    start = time.monotonic()
    got = vault.receive(wait=1)
    elapsed = time.monotonic() - start
    observed("n", len(got))
    observed("waited_about_a_second", elapsed >= 0.8)


def test_send_batch_ids_and_order(infra, observed):
    sqs = boto3.client("sqs", region_name="eu-west-1")
    entries = [{"Id": uuid.uuid4().hex[:10], "MessageBody": f"m{i}"} for i in range(5)]
    res = sqs.send_message_batch(QueueUrl=infra.queue_url, Entries=entries)
    ok = {s["Id"]: s["MD5OfMessageBody"] for s in res["Successful"]}
    assert set(ok) == {e["Id"] for e in entries}
    for e in entries:
        assert ok[e["Id"]] == hashlib.md5(e["MessageBody"].encode()).hexdigest()
    bodies = []
    for _ in range(3):
        for m in sqs.receive_message(QueueUrl=infra.queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=infra.queue_url, ReceiptHandle=m["ReceiptHandle"])
        if len(bodies) == 5:
            break
    observed("bodies", sorted(bodies))


def test_fifo_dedup_id(observed):
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(
        QueueName=f"vault-{uuid.uuid4().hex[:8]}.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]
    dedup = str(uuid.uuid4())
    a = sqs.send_message(
        QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId=dedup
    )
    b = sqs.send_message(
        QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId=dedup
    )
    observed("same_id", a["MessageId"] == b["MessageId"])
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    )
    observed("n", len(msgs))
    observed("group", msgs[0]["Attributes"].get("MessageGroupId"))
    sqs.delete_queue(QueueUrl=url)


def test_attribute_md5_matches_server(vault, observed):
    attrs = {
        "trace": {"DataType": "String", "StringValue": str(uuid.uuid4())},
        "n": {"DataType": "Number", "StringValue": "42"},
    }
    sent = vault.sqs.send_message(
        QueueUrl=vault.queue_url, MessageBody="probe", MessageAttributes=attrs
    )
    observed("match", sent["MD5OfMessageAttributes"] == sqs_attributes_md5(attrs))
    vault.receive()
