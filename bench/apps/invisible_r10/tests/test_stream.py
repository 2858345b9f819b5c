"""Kinesis: put_records, shard iterators followed page by page, waiters, describe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.aws_cassette


def test_push_then_drain_in_pages(beacon, observed):
    run = beacon.new_id()
    records = [{"run": run, "i": i} for i in range(5)]
    seqs = beacon.push(records)
    observed("seqs", seqs)
    got = [r for r in beacon.drain(limit=2) if r.get("run") == run]
    observed("got", [r["i"] for r in got])
    assert [r["i"] for r in got] == list(range(5))


def test_put_record_sequence_ordering(beacon, names, observed):
    first = beacon.kinesis.put_record(StreamName=names["stream"], Data=b"a", PartitionKey="k")
    second = beacon.kinesis.put_record(
        StreamName=names["stream"],
        Data=b"b",
        PartitionKey="k",
        SequenceNumberForOrdering=first["SequenceNumber"],
    )
    observed("shards", [first["ShardId"], second["ShardId"]])
    observed("ordered", int(second["SequenceNumber"]) > int(first["SequenceNumber"]))
    observed("seqs", [first["SequenceNumber"], second["SequenceNumber"]])


def test_iterator_at_sequence_number(beacon, names, observed):
    put = beacon.kinesis.put_record(StreamName=names["stream"], Data=b"mark", PartitionKey="m")
    it = beacon.kinesis.get_shard_iterator(
        StreamName=names["stream"],
        ShardId=put["ShardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=put["SequenceNumber"],
    )["ShardIterator"]
    page = beacon.kinesis.get_records(ShardIterator=it, Limit=1)
    observed("data", [r["Data"].decode() for r in page["Records"]])
    observed("behind", page.get("MillisBehindLatest"))
    observed("arrival_type", type(page["Records"][0]["ApproximateArrivalTimestamp"]).__name__)


def test_stream_summary_and_waiter(beacon, names, observed):
    beacon.kinesis.get_waiter("stream_exists").wait(
        StreamName=names["stream"], WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    summary = beacon.kinesis.describe_stream_summary(StreamName=names["stream"])
    desc = summary["StreamDescriptionSummary"]
    observed("status", desc["StreamStatus"])
    observed("shards", desc["OpenShardCount"])
    observed("retention", desc["RetentionPeriodHours"])


def test_list_shards_paginated_search(beacon, names, observed):
    ids = list(
        beacon.kinesis.get_paginator("list_shards")
        .paginate(StreamName=names["stream"], PaginationConfig={"PageSize": 1})
        .search("Shards[].ShardId")
    )
    observed("ids", ids)


def test_expired_or_bad_iterator_error(beacon, observed):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        beacon.kinesis.get_records(ShardIterator="bm90LWFuLWl0ZXJhdG9y")
    observed("code", err.value.response["Error"]["Code"])
