"""Bookings on SQS (long polls, message attributes, batches, visibility, a FIFO queue),
SNS topics with filter policies fanning out to queues, EventBridge rules routing holds."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
import shipyard.app as app
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def _queue(name: str, **attrs: str) -> str:
    return app.QUEUE_CLIENT.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]


def test_booking_roundtrip_attributes(yard, suffix, observed):
    url = _queue(f"bookings-{suffix}")
    sent = yard.book(url, "MSCU1234567", 21000)
    msgs = yard.take_bookings(url)
    observed("count", len(msgs))
    body = json.loads(msgs[0]["Body"])
    observed("body is what was sent", body == sent["booking"])
    observed("md5", msgs[0]["MD5OfBody"] == hashlib.md5(msgs[0]["Body"].encode()).hexdigest())
    observed("md5 as sent", msgs[0]["MD5OfBody"] == sent["md5"])
    attrs = msgs[0]["MessageAttributes"]
    observed("attr kinds", sorted((k, v["DataType"]) for k, v in attrs.items()))
    observed("weight", attrs["weight"]["StringValue"])
    observed("trace bytes", len(attrs["trace"]["BinaryValue"]))
    observed("id prefix", body["id"].split("-")[0])
    observed("stamped now", abs(body["at"] - time.time()) < 120)


def test_long_poll_empty_then_message(yard, suffix, observed):
    url = _queue(f"idle-{suffix}", ReceiveMessageWaitTimeSeconds="1")
    start = time.monotonic()
    first = yard.take_bookings(url, wait=1)
    waited = time.monotonic() - start
    observed("empty", first)
    observed("waited about a second", 0.5 < waited < 5)
    yard.book(url, "TGHU7654321", 9000)
    again = yard.take_bookings(url, wait=2)
    observed("then one", len(again))


def test_receive_system_attributes(yard, suffix, observed):
    url = _queue(f"sys-{suffix}")
    yard.book(url, "CMAU0000001", 100)
    msg = yard.take_bookings(url)[0]
    sa = msg["Attributes"]
    observed(
        "names",
        sorted(
            k
            for k in sa
            if k
            in (
                "ApproximateReceiveCount",
                "SentTimestamp",
                "SenderId",
                "ApproximateFirstReceiveTimestamp",
            )
        ),
    )
    observed("receive count", sa["ApproximateReceiveCount"])
    observed("sent recently", abs(int(sa["SentTimestamp"]) / 1000 - time.time()) < 120)


def test_batch_send_and_delete(yard, suffix, observed):
    url = _queue(f"batch-{suffix}")
    entries = [
        {"Id": f"e{i}", "MessageBody": json.dumps({"id": app.yard_id("bk"), "n": i})}
        for i in range(5)
    ]
    out = app.QUEUE_CLIENT.send_message_batch(QueueUrl=url, Entries=entries)
    observed("ok ids", sorted(e["Id"] for e in out["Successful"]))
    got = []
    for _ in range(4):
        got += yard.take_bookings(url, wait=0)
        if len(got) >= 5:
            break
    observed(
        "bodies are ours",
        sorted(m["Body"] for m in got) == sorted(e["MessageBody"] for e in entries),
    )
    dele = app.QUEUE_CLIENT.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
    )
    observed("deleted", len(dele["Successful"]))
    attrs = app.QUEUE_CLIENT.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    observed("left", attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_visibility_timeout_change(yard, suffix, observed):
    url = _queue(f"vis-{suffix}", VisibilityTimeout="30")
    yard.book(url, "MSKU1111111", 1)
    m = yard.take_bookings(url)[0]
    app.QUEUE_CLIENT.change_message_visibility(
        QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
    )
    again = yard.take_bookings(url, wait=1)
    observed("seen again", len(again))
    observed("same message", again[0]["MessageId"] == m["MessageId"])
    observed("receipt differs", again[0]["ReceiptHandle"] != m["ReceiptHandle"])


def test_fifo_dedup_by_content(yard, suffix, observed):
    url = _queue(f"gate-{suffix}.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    body = json.dumps({"id": app.yard_id("fifo")})
    a = app.QUEUE_CLIENT.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="lane1")
    b = app.QUEUE_CLIENT.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="lane1")
    observed("deduplicated", a["MessageId"] == b["MessageId"])
    observed("seq is digits", a.get("SequenceNumber", "0").isdigit())
    msgs = yard.take_bookings(url)
    observed("one", len(msgs))
    observed("group", msgs[0]["Attributes"]["MessageGroupId"])


def test_missing_queue_error(yard, suffix, observed):
    with pytest.raises(ClientError) as err:
        app.QUEUE_CLIENT.get_queue_url(QueueName=f"nope-{suffix}")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_queue_tags_and_list(yard, suffix, observed):
    url = _queue(f"tagged-{suffix}")
    app.QUEUE_CLIENT.tag_queue(QueueUrl=url, Tags={"yard": "botany", "ticket": "TCK-2026-0042"})
    observed("tags", app.QUEUE_CLIENT.list_queue_tags(QueueUrl=url)["Tags"])
    listed = app.QUEUE_CLIENT.list_queues(QueueNamePrefix=f"tagged-{suffix}")["QueueUrls"]
    observed("listed", [u.rsplit("/", 1)[1].replace(suffix, "S") for u in listed])


def _subscribe(sns, topic, queue_url, policy=None, scope=None):
    arn = app.QUEUE_CLIENT.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    attrs = {"RawMessageDelivery": "true"}
    if policy:
        attrs["FilterPolicy"] = json.dumps(policy)
    if scope:
        attrs["FilterPolicyScope"] = scope
    return sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attrs, ReturnSubscriptionArn=True
    )["SubscriptionArn"]


def test_sns_filter_policy_attributes(yard, suffix, observed):
    sns = app.DEFAULT_SNS
    topic = sns.create_topic(Name=f"holds-{suffix}")["TopicArn"]
    reefer = _queue(f"reefer-{suffix}")
    heavy = _queue(f"heavy-{suffix}")
    _subscribe(sns, topic, reefer, {"kind": ["reefer"]})
    _subscribe(sns, topic, heavy, {"weight": [{"numeric": [">", 30000]}]})
    for kind, weight in (("reefer", 12000), ("dry", 32000), ("dry", 100)):
        sns.publish(
            TopicArn=topic,
            Message=json.dumps({"id": app.yard_id("hold"), "kind": kind}),
            MessageAttributes={
                "kind": {"DataType": "String", "StringValue": kind},
                "weight": {"DataType": "Number", "StringValue": str(weight)},
            },
        )
    r = yard.take_bookings(reefer, wait=1)
    h = yard.take_bookings(heavy, wait=1)
    observed("reefer got", sorted(json.loads(m["Body"])["kind"] for m in r))
    observed("heavy got", sorted(json.loads(m["Body"])["kind"] for m in h))


def test_sns_filter_policy_body_scope(yard, suffix, observed):
    sns = app.DEFAULT_SNS
    topic = sns.create_topic(Name=f"body-{suffix}")["TopicArn"]
    q = _queue(f"lane3-{suffix}")
    sub = _subscribe(sns, topic, q, {"lane": [3]}, scope="MessageBody")
    for lane in (1, 3, 3):
        sns.publish(TopicArn=topic, Message=json.dumps({"lane": lane, "id": app.yard_id("l")}))
    got = yard.take_bookings(q, wait=1)
    observed("lanes", sorted(json.loads(m["Body"])["lane"] for m in got))
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    observed("scope", attrs.get("FilterPolicyScope"))
    observed("policy", json.loads(attrs["FilterPolicy"]))


def test_sns_publish_batch_and_list(yard, suffix, observed):
    sns = app.DEFAULT_SNS
    topic = sns.create_topic(Name=f"batch-{suffix}", Attributes={"DisplayName": "Yard"})["TopicArn"]
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[{"Id": f"m{i}", "Message": f"gate {i}"} for i in range(3)],
    )
    observed("ok", sorted(e["Id"] for e in out["Successful"]))
    attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    observed("display", attrs["DisplayName"])
    arns = [
        t["TopicArn"]
        for page in sns.get_paginator("list_topics").paginate()
        for t in page["Topics"]
    ]
    observed("ours listed", topic in arns)


def test_sns_message_to_queue_envelope(yard, suffix, observed):
    sns = app.DEFAULT_SNS
    topic = sns.create_topic(Name=f"env-{suffix}")["TopicArn"]
    q = _queue(f"env-{suffix}")
    arn = app.QUEUE_CLIENT.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    msg_id = app.yard_id("env")
    pub = sns.publish(TopicArn=topic, Message=msg_id, Subject="hold")
    got = yard.take_bookings(q, wait=1)
    env = json.loads(got[0]["Body"])
    observed("type", env["Type"])
    observed("message is ours", env["Message"] == msg_id)
    observed("id is publish id", env["MessageId"] == pub["MessageId"])
    observed("subject", env["Subject"])


def test_eventbridge_rule_to_queue(yard, suffix, observed):
    eb = yard.client("events")
    bus = eb.create_event_bus(Name=f"yard-{suffix}")["EventBusArn"]
    q = _queue(f"customs-{suffix}")
    qarn = app.QUEUE_CLIENT.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    eb.put_rule(
        Name=f"holds-{suffix}",
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["shipyard.customs"], "detail-type": ["Hold"]}),
    )
    eb.put_targets(Rule=f"holds-{suffix}", EventBusName=bus, Targets=[{"Id": "q", "Arn": qarn}])
    hold = {"id": app.yard_id("hold"), "container": "MSCU7"}
    out = eb.put_events(
        Entries=[
            {
                "Source": "shipyard.customs",
                "DetailType": "Hold",
                "Detail": json.dumps(hold),
                "EventBusName": bus,
            },
            {"Source": "shipyard.gate", "DetailType": "Hold", "Detail": "{}", "EventBusName": bus},
        ]
    )
    observed("failed", out["FailedEntryCount"])
    got = yard.take_bookings(q, wait=1)
    observed("delivered", len(got))
    ev = json.loads(got[0]["Body"])
    observed("detail is ours", ev["detail"] == hold)
    observed("event id is put id", ev["id"] == out["Entries"][0]["EventId"])


def test_eventbridge_list_rules_search(yard, suffix, observed):
    eb = yard.client("events")
    for i in range(4):
        eb.put_rule(
            Name=f"r{i}-{suffix}",
            ScheduleExpression=f"rate({i + 1} minutes)",
            State="ENABLED" if i % 2 else "DISABLED",
        )
    pages = eb.get_paginator("list_rules").paginate(
        NamePrefix="r", PaginationConfig={"PageSize": 50}
    )
    enabled = sorted(
        n.split("-")[0]
        for n in pages.search(f"Rules[?State=='ENABLED' && contains(Name, '{suffix}')].Name")
    )
    observed("enabled", enabled)
    desc = eb.describe_rule(Name=f"r2-{suffix}")
    observed("schedule", desc["ScheduleExpression"])


def test_eventbridge_archive_and_time(yard, suffix, observed):
    eb = yard.client("events")
    arn = eb.describe_event_bus()["Arn"]
    arch = eb.create_archive(ArchiveName=f"a-{suffix}", EventSourceArn=arn, RetentionDays=3)
    observed("state", arch["State"])
    desc = eb.describe_archive(ArchiveName=f"a-{suffix}")
    observed("retention", desc["RetentionDays"])
    observed("created recently", abs(desc["CreationTime"].timestamp() - time.time()) < 300)
