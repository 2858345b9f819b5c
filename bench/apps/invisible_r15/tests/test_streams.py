"""Gate events in Kinesis (waiters, shard iterators, aggregates of records, timestamps)
and the release machine in Step Functions (executions, history, names from the clock)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
import shipyard.app as app
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def _stream(name: str, shards: int = 1) -> None:
    k = app.GATE_STREAM_CLIENT
    k.create_stream(StreamName=name, ShardCount=shards)
    k.get_waiter("stream_exists").wait(
        StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )


def test_gate_events_in_order(yard, suffix, observed):
    name = f"gate-{suffix}"
    _stream(name)
    sent = [yard.gate_event(name, "MSCU1", lane) for lane in range(4)]
    k = app.GATE_STREAM_CLIENT
    it = k.get_shard_iterator(
        StreamName=name, ShardId=sent[0]["shard"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    recs = k.get_records(ShardIterator=it, Limit=10)["Records"]
    events = [json.loads(r["Data"]) for r in recs]
    observed("same events", events == [s["event"] for s in sent])
    observed("seq order", [r["SequenceNumber"] for r in recs] == [s["seq"] for s in sent])
    observed(
        "arrived recently",
        all(abs(r["ApproximateArrivalTimestamp"].timestamp() - time.time()) < 120 for r in recs),
    )


def test_put_records_partitions(yard, suffix, observed):
    name = f"multi-{suffix}"
    _stream(name, shards=2)
    k = app.GATE_STREAM_CLIENT
    out = k.put_records(
        StreamName=name,
        Records=[
            {"Data": json.dumps({"id": app.yard_id("g"), "n": i}).encode(), "PartitionKey": f"c{i}"}
            for i in range(6)
        ],
    )
    observed("failed", out["FailedRecordCount"])
    observed("shards used", sorted({r["ShardId"] for r in out["Records"]}))
    shards = k.list_shards(StreamName=name)["Shards"]
    observed("shards", [s["ShardId"] for s in shards])


def test_stream_summary_and_waiter_gone(yard, suffix, observed):
    name = f"gone-{suffix}"
    _stream(name)
    k = app.GATE_STREAM_CLIENT
    summ = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    observed("status", summ["StreamStatus"])
    observed("open shards", summ["OpenShardCount"])
    observed(
        "created recently", abs(summ["StreamCreationTimestamp"].timestamp() - time.time()) < 120
    )
    k.delete_stream(StreamName=name)
    k.get_waiter("stream_not_exists").wait(
        StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    with pytest.raises(ClientError) as err:
        k.describe_stream(StreamName=name)
    observed("after delete", err.value.response["Error"]["Code"])


def test_iterator_at_timestamp(yard, suffix, observed):
    name = f"ts-{suffix}"
    _stream(name)
    k = app.GATE_STREAM_CLIENT
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)
    first = yard.gate_event(name, "TGHU9", 1)
    it = k.get_shard_iterator(
        StreamName=name, ShardId=first["shard"], ShardIteratorType="AT_TIMESTAMP", Timestamp=before
    )["ShardIterator"]
    recs = k.get_records(ShardIterator=it)["Records"]
    observed("found", [json.loads(r["Data"]) == first["event"] for r in recs])


def test_iterator_after_sequence(yard, suffix, observed):
    name = f"after-{suffix}"
    _stream(name)
    k = app.GATE_STREAM_CLIENT
    a = yard.gate_event(name, "X", 1)
    b = yard.gate_event(name, "X", 2)
    it = k.get_shard_iterator(
        StreamName=name,
        ShardId=a["shard"],
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=a["seq"],
    )["ShardIterator"]
    out = k.get_records(ShardIterator=it)
    observed("only b", [json.loads(r["Data"]) == b["event"] for r in out["Records"]])
    observed("behind", out["MillisBehindLatest"])
    nxt = k.get_records(ShardIterator=out["NextShardIterator"])
    observed("then empty", nxt["Records"])


def test_stream_tags_and_retention(yard, suffix, observed):
    name = f"ret-{suffix}"
    _stream(name)
    k = app.GATE_STREAM_CLIENT
    k.add_tags_to_stream(StreamName=name, Tags={"yard": "botany", "ticket": "48213"})
    k.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    observed(
        "tags",
        sorted((t["Key"], t["Value"]) for t in k.list_tags_for_stream(StreamName=name)["Tags"]),
    )
    observed(
        "retention", k.describe_stream(StreamName=name)["StreamDescription"]["RetentionPeriodHours"]
    )


ROLE = "arn:aws:iam::123456789012:role/yard-release"
DEFINITION = json.dumps(
    {
        "StartAt": "Release",
        "States": {"Release": {"Type": "Pass", "Result": {"released": True}, "End": True}},
    }
)


def _machine(yard, suffix, name="release"):
    sfn = yard.client("stepfunctions")
    return sfn.create_state_machine(name=f"{name}-{suffix}", definition=DEFINITION, roleArn=ROLE)[
        "stateMachineArn"
    ]


def test_start_execution_named_by_clock(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix)
    name = app.yard_id("rel")
    payload = {"container": "MSCU3", "requested": time.time(), "nonce": uuid.uuid4().hex}
    ex = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
    observed("arn ends with name", ex["executionArn"].endswith(":" + name))
    observed("started recently", abs(ex["startDate"].timestamp() - time.time()) < 120)
    desc = sfn.describe_execution(executionArn=ex["executionArn"])
    observed("input is ours", json.loads(desc["input"]) == payload)
    observed("name", desc["name"] == name)
    observed("status", desc["status"])


def test_execution_listing_paginated(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "list")
    names = [app.yard_id("e") for _ in range(5)]
    for n in names:
        sfn.start_execution(stateMachineArn=arn, name=n, input="{}")
    pages = list(
        sfn.get_paginator("list_executions").paginate(
            stateMachineArn=arn, PaginationConfig={"PageSize": 2}
        )
    )
    observed("page sizes", [len(p["executions"]) for p in pages])
    got = [e["name"] for p in pages for e in p["executions"]]
    observed("all ours", sorted(got) == sorted(names))


def test_stop_execution_and_describe(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "stop")
    ex = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"n": 1}))
    stop = sfn.stop_execution(executionArn=ex["executionArn"], error="Yard.Closed", cause="storm")
    observed("stopped recently", abs(stop["stopDate"].timestamp() - time.time()) < 120)
    desc = sfn.describe_execution(executionArn=ex["executionArn"])
    observed("status", desc["status"])
    observed("stop after start", desc["stopDate"] >= desc["startDate"])


def test_machine_describe_and_errors(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "desc")
    d = sfn.describe_state_machine(stateMachineArn=arn)
    observed("definition", json.loads(d["definition"]))
    observed("type", d["type"])
    with pytest.raises(ClientError) as err:
        sfn.describe_execution(executionArn=arn.replace("stateMachine", "execution") + ":nope")
    observed("missing", err.value.response["Error"]["Code"])


def test_execution_history(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "hist")
    ex = sfn.start_execution(stateMachineArn=arn, input="{}")
    hist = sfn.get_execution_history(executionArn=ex["executionArn"])["events"]
    observed("types", [e["type"] for e in hist])
    observed("ids", [e["id"] for e in hist])


def test_machine_tags_and_list_search(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "tag")
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "yard", "value": "botany"}])
    observed("tags", sfn.list_tags_for_resource(resourceArn=arn)["tags"])
    found = list(
        sfn.get_paginator("list_state_machines")
        .paginate()
        .search(f"stateMachines[?contains(name, '{suffix}')].name")
    )
    observed("found", [n.replace(suffix, "S") for n in found])


def test_machine_for_execution(yard, suffix, observed):
    sfn = yard.client("stepfunctions")
    arn = _machine(yard, suffix, "forex")
    ex = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"t": time.time()}))
    d = sfn.describe_state_machine_for_execution(executionArn=ex["executionArn"])
    observed("same machine", d["stateMachineArn"] == arn)
    observed("name", d["name"].replace(suffix, "S"))
