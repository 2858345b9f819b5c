"""CloudWatch metrics with timestamps and CloudWatch Logs with forward tokens; time frozen
by freezegun in one test."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.aws_cassette


def test_metrics_put_then_statistics(beacon, observed):
    beacon.put_metrics([10.0, 20.0, 30.0])
    stats = beacon.metric_stats()
    points = stats["Datapoints"]
    observed("sum", sum(p["Sum"] for p in points))
    observed("count", sum(p["SampleCount"] for p in points))
    observed("label", stats["Label"])
    observed("ts_type", [type(p["Timestamp"]).__name__ for p in points])


def test_get_metric_data_query(beacon, names, observed):
    beacon.put_metrics([5.0, 7.0])
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    out = beacon.cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "lat",
                "MetricStat": {
                    "Metric": {
                        "Namespace": names["namespace"],
                        "MetricName": "Latency",
                        "Dimensions": [{"Name": "Team", "Value": "ops"}],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
            }
        ],
        StartTime=end - timedelta(minutes=10),
        EndTime=end,
    )
    result = out["MetricDataResults"][0]
    observed("id", result["Id"])
    observed("status", result["StatusCode"])
    observed("max", max(result["Values"]) if result["Values"] else None)


def test_list_metrics_search(beacon, names, observed):
    beacon.put_metrics([1.0])
    found = list(
        beacon.cw.get_paginator("list_metrics")
        .paginate(Namespace=names["namespace"])
        .search("Metrics[].MetricName")
    )
    observed("names", sorted(set(found)))


def test_alarm_and_waiter(beacon, names, observed):
    alarm = f"beacon-high-{beacon.new_id()}"
    beacon.cw.put_metric_alarm(
        AlarmName=alarm,
        Namespace=names["namespace"],
        MetricName="Latency",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=100.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    beacon.cw.get_waiter("alarm_exists").wait(
        AlarmNames=[alarm], WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    got = beacon.cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
    observed("state", got["StateValue"])
    observed("threshold", got["Threshold"])


def test_cloudwatch_resource_metric(beacon, names, observed):
    cw = beacon.session.resource("cloudwatch", region_name="eu-central-1")
    metric = cw.Metric(names["namespace"], "Latency")
    metric.put_data(MetricData=[{"MetricName": "Latency", "Value": 42.0, "Unit": "Milliseconds"}])
    listed = [m.metric_name for m in cw.metrics.filter(Namespace=names["namespace"])]
    observed("listed", sorted(set(listed)))


def test_logs_write_and_read_forward(beacon, log_stream, observed):
    lines = [f"line {i}" for i in range(5)]
    beacon.log(log_stream, lines)
    got = beacon.read_log(log_stream, limit=2)
    observed("got", got)
    assert got == lines


def test_logs_filter_paginated(beacon, names, log_stream, observed):
    beacon.log(log_stream, ["ERROR a", "ok", "ERROR b", "ok", "ERROR c"])
    pages = beacon.logs.get_paginator("filter_log_events").paginate(
        logGroupName=names["log_group"],
        logStreamNames=[log_stream],
        filterPattern="ERROR",
        PaginationConfig={"PageSize": 1},
    )
    observed("messages", list(pages.search("events[].message")))


def test_logs_describe_streams(beacon, names, log_stream, observed):
    beacon.log(log_stream, ["hello"])
    streams = beacon.logs.describe_log_streams(
        logGroupName=names["log_group"], logStreamNamePrefix=log_stream
    )["logStreams"]
    observed("names_match", [s["logStreamName"] == log_stream for s in streams])
    observed("has_first", ["firstEventTimestamp" in s for s in streams])


def test_frozen_clock_metrics(beacon, observed):
    freezegun = pytest.importorskip("freezegun")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with freezegun.freeze_time(now):
        beacon.put_metrics([99.0])
        stats = beacon.metric_stats(minutes=5)
    observed("max", max((p["Maximum"] for p in stats["Datapoints"]), default=None))
