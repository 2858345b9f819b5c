"""Seat holds on SQS: long polls, visibility timeouts, receive counts, a dead-letter
queue, FIFO groups, delays."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def queue(box, suffix):
    sqs = box.client("sqs")
    dlq = sqs.create_queue(QueueName=f"holds-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=f"holds-{suffix}",
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
        },
    )["QueueUrl"]
    return {"url": url, "dlq": dlq}


def test_long_poll_empty_waits(box, queue, observed):
    start = time.monotonic()
    got = box.next_hold(queue["url"], wait=2)
    waited = time.monotonic() - start
    observed("got", got)
    observed("waited_at_least_1s", waited >= 1.0)
    observed("waited_under_10s", waited < 10)


def test_hold_then_complete(box, queue, observed):
    hold = box.hold_seat(queue["url"], "A-12", "fan-1")
    msg = box.next_hold(queue["url"])
    body = json.loads(msg["Body"])
    observed("hold_matches", body["hold"] == hold)
    observed("seat_attr", msg["MessageAttributes"]["seat"]["StringValue"])
    observed("receive_count", msg["Attributes"]["ApproximateReceiveCount"])
    sent_ms = int(msg["Attributes"]["SentTimestamp"])
    observed("sent_recently", abs(sent_ms / 1000 - time.time()) < 120)
    box.complete_hold(queue["url"], msg)
    observed("after", box.next_hold(queue["url"], wait=1))


def test_hold_invisible_while_held(box, queue, observed):
    box.hold_seat(queue["url"], "B-1", "fan-2")
    first = box.next_hold(queue["url"], hold_for=30)
    observed("first", first is not None)
    observed("second_while_held", box.next_hold(queue["url"], wait=1))


def test_release_hold_by_zero_visibility(box, queue, observed):
    box.hold_seat(queue["url"], "C-3", "fan-3")
    first = box.next_hold(queue["url"], hold_for=30)
    box.extend_hold(queue["url"], first, 0)
    again = box.next_hold(queue["url"], wait=1)
    observed("same_message", again["MessageId"] == first["MessageId"])
    observed("new_receipt", again["ReceiptHandle"] != first["ReceiptHandle"])
    observed("receive_count", again["Attributes"]["ApproximateReceiveCount"])


def test_hold_expires_after_timeout(box, queue, observed):
    box.hold_seat(queue["url"], "D-4", "fan-4")
    box.next_hold(queue["url"], hold_for=1)
    time.sleep(1.5)
    again = box.next_hold(queue["url"], wait=1)
    observed("back", again is not None)
    observed("count", again["Attributes"]["ApproximateReceiveCount"])


def test_extend_hold_keeps_it(box, queue, observed):
    box.hold_seat(queue["url"], "E-5", "fan-5")
    first = box.next_hold(queue["url"], hold_for=1)
    box.extend_hold(queue["url"], first, 20)
    time.sleep(1.5)
    observed("still_held", box.next_hold(queue["url"], wait=1))


def test_abandoned_hold_goes_to_dlq(box, queue, observed):
    box.hold_seat(queue["url"], "F-6", "fan-6")
    for _ in range(2):
        m = box.next_hold(queue["url"], wait=1)
        box.extend_hold(queue["url"], m, 0)
    observed("third", box.next_hold(queue["url"], wait=1))
    sqs = box.client("sqs")
    dead = sqs.receive_message(QueueUrl=queue["dlq"], WaitTimeSeconds=1).get("Messages", [])
    observed("dead", [json.loads(m["Body"])["seat"] for m in dead])


def test_stale_receipt_handle(box, queue, observed):
    box.hold_seat(queue["url"], "G-7", "fan-7")
    first = box.next_hold(queue["url"], hold_for=30)
    box.complete_hold(queue["url"], first)
    try:
        box.extend_hold(queue["url"], first, 10)
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])


def test_fifo_groups_in_order(box, suffix, observed):
    sqs = box.client("sqs")
    url = sqs.create_queue(
        QueueName=f"holds-{suffix}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"},
    )["QueueUrl"]
    sent = []
    for i in range(4):
        out = sqs.send_message(
            QueueUrl=url,
            MessageBody=f"seat-{i}",
            MessageGroupId=f"row-{i % 2}",
            MessageDeduplicationId=str(uuid.uuid4()),
        )
        sent.append(out["SequenceNumber"])
    observed("seq_increasing", sent == sorted(sent, key=int))
    got = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=1,
        MessageSystemAttributeNames=["MessageGroupId", "SequenceNumber"],
    )["Messages"]
    observed("bodies", sorted(m["Body"] for m in got))
    observed("groups", sorted({m["Attributes"]["MessageGroupId"] for m in got}))


def test_fifo_dedup_id(box, suffix, observed):
    sqs = box.client("sqs")
    url = sqs.create_queue(QueueName=f"dedup-{suffix}.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    dedup = str(uuid.uuid4())
    ids = [
        sqs.send_message(
            QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId=dedup
        )["MessageId"]
        for _ in range(2)
    ]
    observed("same_id", ids[0] == ids[1])
    n = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    observed("depth", n["Attributes"]["ApproximateNumberOfMessages"])


def test_delayed_hold(box, queue, observed):
    sqs = box.client("sqs")
    sqs.send_message(QueueUrl=queue["url"], MessageBody="later", DelaySeconds=2)
    observed("now", box.next_hold(queue["url"], wait=0))
    time.sleep(2.2)
    later = box.next_hold(queue["url"], wait=1)
    observed("later", later["Body"] if later else None)
