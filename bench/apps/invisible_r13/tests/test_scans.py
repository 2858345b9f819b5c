"""Turnstile scans on Kinesis: shard iterators of every type, records read in small
pages, a shard split, stream summaries."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def stream(box, suffix):
    kin = box.client("kinesis")
    name = f"gates-{suffix}"
    kin.create_stream(StreamName=name, ShardCount=1)
    kin.get_waiter("stream_exists").wait(
        StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
    )
    return name


def _tickets(records):
    return [json.loads(r["Data"])["ticket"] for r in records]


def test_trim_horizon_reads_all(box, stream, observed):
    for i in range(5):
        box.scan(stream, "north", f"T{i}")
    recs = box.read_scans(stream, "TRIM_HORIZON")
    observed("tickets", _tickets(recs))
    observed("partition_keys", sorted({r["PartitionKey"] for r in recs}))
    arrivals = [r["ApproximateArrivalTimestamp"] for r in recs]
    observed("arrivals_ordered", arrivals == sorted(arrivals))
    now = dt.datetime.now(dt.timezone.utc)
    observed("arrivals_recent", all(abs((now - a).total_seconds()) < 120 for a in arrivals))


def test_after_sequence_number(box, stream, observed):
    seqs = [box.scan(stream, "south", f"S{i}")["SequenceNumber"] for i in range(4)]
    recs = box.read_scans(stream, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[1])
    observed("tickets", _tickets(recs))
    observed("seqs_match", [r["SequenceNumber"] for r in recs] == seqs[2:])


def test_at_sequence_number(box, stream, observed):
    seqs = [box.scan(stream, "east", f"E{i}")["SequenceNumber"] for i in range(3)]
    recs = box.read_scans(stream, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[1])
    observed("tickets", _tickets(recs))


def test_at_timestamp(box, stream, observed):
    box.scan(stream, "west", "early")
    time.sleep(1.2)
    cut = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.2)
    box.scan(stream, "west", "late-1")
    box.scan(stream, "west", "late-2")
    recs = box.read_scans(stream, "AT_TIMESTAMP", Timestamp=cut)
    observed("tickets", _tickets(recs))


def test_latest_sees_only_new(box, stream, observed):
    kin = box.client("kinesis")
    box.scan(stream, "vip", "old")
    shard = kin.list_shards(StreamName=stream)["Shards"][0]["ShardId"]
    it = kin.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    box.scan(stream, "vip", "new")
    got = kin.get_records(ShardIterator=it)
    observed("tickets", _tickets(got["Records"]))
    observed("behind", got.get("MillisBehindLatest"))


def test_split_shard_lists_children(box, stream, observed):
    kin = box.client("kinesis")
    shard = kin.list_shards(StreamName=stream)["Shards"][0]
    start = int(shard["HashKeyRange"]["StartingHashKey"])
    end = int(shard["HashKeyRange"]["EndingHashKey"])
    kin.split_shard(
        StreamName=stream,
        ShardToSplit=shard["ShardId"],
        NewStartingHashKey=str((start + end) // 2),
    )
    shards = kin.list_shards(StreamName=stream)["Shards"]
    observed("count", len(shards))
    observed("parents", sorted(s.get("ParentShardId", "-") for s in shards))
    open_ = kin.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    observed("open", len(open_))


def test_explicit_hash_key(box, stream, observed):
    kin = box.client("kinesis")
    out = kin.put_record(
        StreamName=stream, Data=b'{"ticket": "H1"}', PartitionKey="any", ExplicitHashKey="1"
    )
    observed("shard", out["ShardId"])
    observed("seq_digits", out["SequenceNumber"].isdigit())


def test_stream_summary(box, stream, observed):
    summary = box.client("kinesis").describe_stream_summary(StreamName=stream)[
        "StreamDescriptionSummary"
    ]
    observed("status", summary["StreamStatus"])
    observed("shards", summary["OpenShardCount"])
    observed("retention", summary["RetentionPeriodHours"])
    created = summary["StreamCreationTimestamp"]
    observed(
        "created_recently",
        abs((dt.datetime.now(dt.timezone.utc) - created).total_seconds()) < 120,
    )
