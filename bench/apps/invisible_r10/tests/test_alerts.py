"""SNS publishes (single, batch, attributes), EventBridge events, and the hooks that add
defaults (provide-client-params, before-parameter-build)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.aws_cassette


def test_publish_gets_message_id(beacon, observed):
    mid = beacon.alert("disk full on db-1", "high")
    observed("mid_len", len(mid))
    observed("mid", mid)


def test_publish_default_subject_from_hook(beacon, hooks, observed):
    beacon.alert("cpu at 99%", "medium")
    sends = hooks.by_hook("before-send")
    observed("sends", sends)
    assert sends[0]["body_len"] > 0


def test_publish_batch_partial_results(beacon, observed):
    out = beacon.alert_batch([f"batch message {i}" for i in range(4)])
    observed("ids", sorted(s["Id"] for s in out["Successful"]))
    observed("failed", out.get("Failed"))
    observed("message_ids", [s["MessageId"] for s in out["Successful"]])


def test_publish_batch_too_many_rejected(beacon, observed):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        beacon.alert_batch([f"m{i}" for i in range(11)])
    observed("code", err.value.response["Error"]["Code"])


def test_topic_attributes_and_listing(beacon, names, observed):
    attrs = beacon.sns.get_topic_attributes(TopicArn=names["topic"])["Attributes"]
    observed("keys", sorted(attrs))
    observed("subscriptions", attrs.get("SubscriptionsConfirmed"))
    arns = list(beacon.sns.get_paginator("list_topics").paginate().search("Topics[].TopicArn"))
    observed("listed", names["topic"] in arns)


def test_sns_resource_topic(beacon, names, observed):
    topic = beacon.session.resource("sns", region_name="eu-central-1").Topic(names["topic"])
    observed(
        "name", topic.attributes["TopicArn"].rsplit(":", 1)[1] == names["topic"].rsplit(":", 1)[1]
    )
    mid = topic.publish(Message="from the resource")["MessageId"]
    observed("mid", mid)


def test_put_events_tagged_by_hook(beacon, hooks, observed):
    out = beacon.announce({"service": "db", "level": 3})
    observed("failed", out["FailedEntryCount"])
    observed("event_id", out["Entries"][0].get("EventId"))
    observed("calls", hooks.by_hook("after-call"))


def test_put_events_bad_entry(beacon, observed):
    out = beacon.events.put_events(
        Entries=[{"EventBusName": beacon.names["bus"], "DetailType": "x", "Detail": "not json"}]
    )
    observed("failed", out["FailedEntryCount"])
    observed("entries", out["Entries"])


def test_event_bus_described(beacon, names, observed):
    bus = beacon.events.describe_event_bus(Name=names["bus"])
    observed("name_ok", bus["Name"] == names["bus"])
    observed("arn_tail", bus["Arn"].split(":")[5].split("/")[0])
