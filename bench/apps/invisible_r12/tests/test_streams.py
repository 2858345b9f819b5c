"""Batches to Kinesis, Firehose, EventBridge, CloudWatch and SES."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def _shard(ledger):
    return ledger.kinesis.list_shards(StreamName=ledger.names["stream"])["Shards"][0]["ShardId"]


def test_kinesis_put_records_then_read(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    out = ledger.announce_kinesis(stored)
    observed("failed", out["FailedRecordCount"])
    observed("shards", sorted({r["ShardId"] for r in out["Records"]}))
    records = ledger.read_kinesis(_shard(ledger))
    ids = {o["order_id"] for o in stored}
    mine = [json.loads(r["Data"]) for r in records if r["PartitionKey"] in ids]
    observed("read", sorted(m["total"] for m in mine))
    observed("data_type", type(records[0]["Data"]).__name__)


def test_kinesis_after_sequence_number(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    first = ledger.announce_kinesis(stored[:1])["Records"][0]["SequenceNumber"]
    ledger.announce_kinesis(stored[1:])
    after = ledger.read_kinesis(_shard(ledger), after=first)
    ids = {o["order_id"] for o in stored}
    observed(
        "after", sorted(json.loads(r["Data"])["total"] for r in after if r["PartitionKey"] in ids)
    )


def test_firehose_record_batch(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    out = ledger.archive_firehose(stored)
    observed("failed", out["FailedPutCount"])
    observed("responses", len(out["RequestResponses"]))
    observed("ids", all(r.get("RecordId") for r in out["RequestResponses"]))


def test_firehose_lands_in_s3(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    ledger.archive_firehose(stored)
    keys = [
        o["Key"]
        for p in ledger.s3.get_paginator("list_objects_v2").paginate(
            Bucket=ledger.names["bucket"], Prefix="firehose/"
        )
        for o in p.get("Contents", [])
    ]
    texts = [
        ledger.s3.get_object(Bucket=ledger.names["bucket"], Key=k)["Body"].read().decode()
        for k in keys
    ]
    observed("found", sorted(any(o["order_id"] in t for t in texts) for o in stored))


def test_put_events_batch(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    out = ledger.announce_events(stored)
    observed("failed", out["FailedEntryCount"])
    observed("entries", [sorted(e) for e in out["Entries"]])


def test_put_events_one_bad_entry(ledger, observed):
    out = ledger.events.put_events(
        Entries=[
            {
                "Source": "ledgerline.orders",
                "DetailType": "Ok",
                "Detail": "{}",
                "EventBusName": ledger.names["bus"],
            },
            {
                "Source": "ledgerline.orders",
                "DetailType": "Bad",
                "Detail": "not json",
                "EventBusName": ledger.names["bus"],
            },
        ]
    )
    observed("failed", out["FailedEntryCount"])
    observed("codes", [e.get("ErrorCode") for e in out["Entries"]])


def test_put_metric_data_many_datums(ledger, observed):
    run = uuid.uuid4().hex[:12]
    out = ledger.emit_metrics(run, [float(v) for v in range(1, 21)])
    observed("keys", sorted(out))
    observed("names", ledger.metric_names(run))


def test_metric_statistics(ledger, observed):
    run = uuid.uuid4().hex[:12]
    ledger.emit_metrics(run, [2.0, 4.0, 6.0])
    now = datetime.now(timezone.utc)
    out = ledger.cloudwatch.get_metric_statistics(
        Namespace="Ledgerline",
        MetricName="BatchSize",
        Dimensions=[{"Name": "Run", "Value": run}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=3600,
        Statistics=["Sum", "SampleCount", "Maximum"],
    )
    points = out["Datapoints"]
    observed("sum", sorted(p.get("Sum") for p in points))
    observed("max", sorted(p.get("Maximum") for p in points))
    observed("timestamp_type", sorted({type(p["Timestamp"]).__name__ for p in points}))


def test_ses_bulk_templated(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    out = ledger.mail_receipts(stored)
    observed("status", [sorted(s) for s in out["Status"]])
    observed("has_ids", all(s.get("MessageId") for s in out["Status"]))


def test_ses_bulk_unknown_template(ledger, orders, observed):
    stored = ledger.record_orders(orders[:1])
    ledger.names = {**ledger.names, "template": "no-such-template"}
    with pytest.raises(ClientError) as err:
        ledger.mail_receipts(stored)
    observed("code", err.value.response["Error"]["Code"])
    observed("modeled", type(err.value).__name__)


def test_sesv2_summary_mail(ledger, observed):
    to = [f"r{i}@{ledger.names['domain']}" for i in range(4)]
    sent = ledger.mail_summary(to, "3 orders, 145.49 total")
    observed("has_id", bool(sent.get("MessageId")))
    observed("keys", sorted(sent))
    stats = ledger.ses.get_send_quota()
    observed("quota_keys", sorted(k for k in stats if k != "ResponseMetadata"))
