"""Sales fanned out on SNS to SQS queues: filter policies, raw and enveloped delivery,
FIFO topics, subscriptions paginated."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

pytestmark = pytest.mark.aws_cassette


def _queue(box, name):
    sqs = box.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


@pytest.fixture
def fanout(box, suffix):
    sns = box.client("sns")
    topic = sns.create_topic(Name=f"sales-{suffix}")["TopicArn"]
    vip_url, vip_arn = _queue(box, f"vip-{suffix}")
    all_url, all_arn = _queue(box, f"all-{suffix}")
    cheap_url, cheap_arn = _queue(box, f"cheap-{suffix}")
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=vip_arn,
        Attributes={"FilterPolicy": json.dumps({"tier": ["vip"]}), "RawMessageDelivery": "true"},
    )
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=all_arn)
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=cheap_arn,
        Attributes={
            "FilterPolicy": json.dumps({"price": [{"numeric": ["<", 50]}]}),
            "RawMessageDelivery": "true",
        },
    )
    return {"topic": topic, "vip": vip_url, "all": all_url, "cheap": cheap_url}


SALES = [
    {"seat": "A-1", "tier": "vip", "price": 250},
    {"seat": "K-9", "tier": "floor", "price": 40},
    {"seat": "Z-2", "tier": "balcony", "price": 75},
]


def test_filter_policy_vip(box, fanout, observed):
    for s in SALES:
        box.announce_sale(fanout["topic"], s)
    got = box.drain(fanout["vip"], want=1, rounds=2)
    observed("seats", sorted(json.loads(m["Body"])["seat"] for m in got))
    observed("attrs", sorted(got[0]["MessageAttributes"]))


def test_numeric_filter(box, fanout, observed):
    for s in SALES:
        box.announce_sale(fanout["topic"], s)
    got = box.drain(fanout["cheap"], want=1, rounds=2)
    observed("seats", sorted(json.loads(m["Body"])["seat"] for m in got))
    box.drain(fanout["vip"], want=1, rounds=1)


def test_envelope_on_plain_subscription(box, fanout, observed):
    mid = box.announce_sale(fanout["topic"], SALES[1])
    got = box.drain(fanout["all"], want=1, rounds=3)
    env = [json.loads(m["Body"]) for m in got]
    mine = [e for e in env if e["MessageId"] == mid]
    observed("found", len(mine))
    e = mine[0]
    observed("keys", sorted(e))
    observed("type", e["Type"])
    observed("subject", e["Subject"])
    observed("message", json.loads(e["Message"]))
    observed("attr_types", {k: v["Type"] for k, v in e["MessageAttributes"].items()})
    observed("signature_b64", len(base64.b64decode(e["Signature"])) > 0)
    observed("timestamp_shape", len(e["Timestamp"]) >= 20 and e["Timestamp"].endswith("Z"))
    box.drain(fanout["cheap"], want=1, rounds=1)


def test_subscriptions_paginated(box, fanout, observed):
    pages = box.client("sns").get_paginator("list_subscriptions_by_topic")
    subs = []
    for page in pages.paginate(TopicArn=fanout["topic"], PaginationConfig={"MaxItems": 2}):
        subs.extend(page["Subscriptions"])
    observed("count", len(subs))
    observed("protocols", sorted({s["Protocol"] for s in subs}))
    observed("endpoints_are_queues", all(":sqs:" in s["Endpoint"] for s in subs))


def test_subscription_attributes(box, fanout, observed):
    sns = box.client("sns")
    subs = sns.list_subscriptions_by_topic(TopicArn=fanout["topic"])["Subscriptions"]
    policies = []
    for s in subs:
        attrs = sns.get_subscription_attributes(SubscriptionArn=s["SubscriptionArn"])["Attributes"]
        policies.append((attrs.get("RawMessageDelivery"), attrs.get("FilterPolicy")))
    observed("policies", sorted(policies, key=str))


def test_fifo_topic_to_fifo_queue(box, suffix, observed):
    sns = box.client("sns")
    topic = sns.create_topic(
        Name=f"refunds-{suffix}.fifo",
        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"},
    )["TopicArn"]
    sqs = box.client("sqs")
    url = sqs.create_queue(QueueName=f"refunds-{suffix}.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    seqs = []
    for i in range(3):
        out = sns.publish(
            TopicArn=topic,
            Message=f"refund-{i}",
            MessageGroupId="order-1",
            MessageDeduplicationId=str(uuid.uuid4()),
        )
        seqs.append(out.get("SequenceNumber"))
    observed("has_seq", all(seqs))
    got = box.drain(url, want=3)
    observed("bodies", [m["Body"] for m in got])


def test_publish_batch_fanout(box, fanout, observed):
    sns = box.client("sns")
    out = sns.publish_batch(
        TopicArn=fanout["topic"],
        PublishBatchRequestEntries=[
            {
                "Id": f"e{i}",
                "Message": json.dumps(s),
                "MessageAttributes": {"tier": {"DataType": "String", "StringValue": s["tier"]}},
            }
            for i, s in enumerate(SALES)
        ],
    )
    observed("ok", sorted(e["Id"] for e in out["Successful"]))
    got = box.drain(fanout["vip"], want=1, rounds=2)
    observed("vip", [json.loads(m["Body"])["seat"] for m in got])
    box.drain(fanout["all"], want=3, rounds=2)


def test_unsubscribe_stops_delivery(box, suffix, observed):
    sns = box.client("sns")
    topic = sns.create_topic(Name=f"tmp-{suffix}")["TopicArn"]
    url, arn = _queue(box, f"tmp-{suffix}")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    sns.unsubscribe(SubscriptionArn=sub)
    sns.publish(TopicArn=topic, Message="nobody")
    got = box.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=1)
    observed("got", got.get("Messages", []))
