"""Every run writes CloudWatch metrics (PutMetricData with timestamps relative to now,
GetMetricData and GetMetricStatistics over the last minutes, alarms set by hand, a
dashboard) and CloudWatch Logs (events stamped now, filter_log_events from a start time
five minutes back, paginated; Logs Insights queries started and polled)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

pytestmark = pytest.mark.aws_cassette


def _now():
    return dt.datetime.now(dt.timezone.utc)


def test_metric_data_last_ten_minutes(cw, suffix, observed):
    course = f"c-{suffix}"
    cw.record_progress(course, [3.0, 5.0, 7.0])
    end = _now()
    out = cw.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "Courseware",
                        "MetricName": "WatchMinutes",
                        "Dimensions": [{"Name": "Course", "Value": course}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=end - dt.timedelta(minutes=10),
        EndTime=end + dt.timedelta(minutes=1),
    )
    res = out["MetricDataResults"][0]
    observed("values_sum", sum(res["Values"]))
    observed("status", res["StatusCode"])
    observed("stamps_recent", all(abs((end - t).total_seconds()) < 700 for t in res["Timestamps"]))


def test_metric_statistics(cw, suffix, observed):
    course = f"s-{suffix}"
    cw.record_progress(course, [10.0, 20.0])
    end = _now()
    out = cw.client("cloudwatch").get_metric_statistics(
        Namespace="Courseware",
        MetricName="WatchMinutes",
        Dimensions=[{"Name": "Course", "Value": course}],
        StartTime=end - dt.timedelta(minutes=5),
        EndTime=end + dt.timedelta(minutes=1),
        Period=600,
        Statistics=["Sum", "Maximum", "SampleCount"],
    )
    points = out["Datapoints"]
    observed("sum", sum(p["Sum"] for p in points))
    observed("max", max((p["Maximum"] for p in points), default=None))
    observed("label", out["Label"])


def test_metric_old_window_is_empty(cw, suffix, observed):
    course = f"o-{suffix}"
    cw.record_progress(course, [1.0])
    end = _now() - dt.timedelta(hours=3)
    out = cw.client("cloudwatch").get_metric_statistics(
        Namespace="Courseware",
        MetricName="WatchMinutes",
        Dimensions=[{"Name": "Course", "Value": course}],
        StartTime=end - dt.timedelta(minutes=30),
        EndTime=end,
        Period=60,
        Statistics=["Sum"],
    )
    observed("points", out["Datapoints"])


def test_list_metrics_paginated(cw, suffix, observed):
    watch = cw.client("cloudwatch")
    watch.put_metric_data(
        Namespace=f"Courseware/{suffix}",
        MetricData=[{"MetricName": f"Quiz{i}", "Value": float(i)} for i in range(5)],
    )
    names = [
        m["MetricName"]
        for p in watch.get_paginator("list_metrics").paginate(Namespace=f"Courseware/{suffix}")
        for m in p["Metrics"]
    ]
    observed("names", sorted(names))


def test_alarm_set_by_hand(cw, suffix, observed):
    watch = cw.client("cloudwatch")
    name = f"dropouts-{suffix}"
    watch.put_metric_alarm(
        AlarmName=name,
        Namespace="Courseware",
        MetricName="Dropouts",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    watch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="too many")
    watch.get_waiter("alarm_exists").wait(AlarmNames=[name], WaiterConfig={"Delay": 1})
    alarm = watch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    observed("state", alarm["StateValue"])
    observed("reason", alarm["StateReason"])
    observed(
        "updated_recently", abs(time.time() - alarm["StateUpdatedTimestamp"].timestamp()) < 120
    )


def test_dashboard(cw, suffix, observed):
    watch = cw.client("cloudwatch")
    body = {
        "widgets": [
            {
                "type": "text",
                "x": 0,
                "y": 0,
                "width": 6,
                "height": 2,
                "properties": {"markdown": "hi"},
            }
        ]
    }
    out = watch.put_dashboard(DashboardName=f"board-{suffix}", DashboardBody=json.dumps(body))
    observed("messages", out.get("DashboardValidationMessages", []))
    got = watch.get_dashboard(DashboardName=f"board-{suffix}")
    observed("body", json.loads(got["DashboardBody"]))
    listed = watch.list_dashboards(DashboardNamePrefix=f"board-{suffix}")["DashboardEntries"]
    observed("listed", [d["DashboardName"] == f"board-{suffix}" for d in listed])
    observed(
        "modified_recently",
        all(abs(time.time() - d["LastModified"].timestamp()) < 120 for d in listed),
    )


def _log_stream(cw, group, stream):
    logs = cw.client("logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    return logs


def test_filter_log_events_from_five_minutes_ago(cw, suffix, observed):
    group = f"/courseware/{suffix}"
    logs = _log_stream(cw, group, "web")
    now_ms = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="web",
        logEvents=[
            {"timestamp": now_ms - 600_000, "message": "old lesson opened"},
            {"timestamp": now_ms - 1000, "message": "lesson opened ada"},
            {"timestamp": now_ms, "message": "quiz passed ada"},
        ],
    )
    out = logs.filter_log_events(logGroupName=group, startTime=int(time.time() * 1000) - 300_000)
    observed("messages", [e["message"] for e in out["events"]])
    pattern = logs.filter_log_events(logGroupName=group, filterPattern="quiz")
    observed("pattern", [e["message"] for e in pattern["events"]])


def test_filter_log_events_paginated(cw, suffix, observed):
    group = f"/pages/{suffix}"
    logs = _log_stream(cw, group, "s")
    base = int(time.time() * 1000) - 10_000
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": base + i, "message": f"event {i}"} for i in range(7)],
    )
    pages = list(
        logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, PaginationConfig={"PageSize": 3}
        )
    )
    observed("per_page", [len(p["events"]) for p in pages])
    observed("messages", [e["message"] for p in pages for e in p["events"]])


def test_get_log_events_forward(cw, suffix, observed):
    group = f"/fwd/{suffix}"
    logs = _log_stream(cw, group, "s")
    now_ms = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": now_ms + i, "message": f"m{i}"} for i in range(3)],
    )
    out = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)
    observed("messages", [e["message"] for e in out["events"]])
    ingested = [e["ingestionTime"] for e in out["events"]]
    observed("ingested_recently", all(abs(time.time() * 1000 - t) < 120_000 for t in ingested))
    again = logs.get_log_events(
        logGroupName=group, logStreamName="s", nextToken=out["nextForwardToken"]
    )
    observed("after_end", [e["message"] for e in again["events"]])


def test_insights_query(cw, suffix, observed):
    group = f"/insights/{suffix}"
    logs = _log_stream(cw, group, "s")
    now = int(time.time())
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[
            {"timestamp": now * 1000 - i * 1000, "message": f"grade {i}"} for i in range(3, -1, -1)
        ],
    )
    qid = logs.start_query(
        logGroupName=group,
        startTime=now - 600,
        endTime=now + 60,
        queryString="fields @message | sort @timestamp desc | limit 2",
    )["queryId"]
    polls = 0
    while True:
        polls += 1
        out = logs.get_query_results(queryId=qid)
        if out["status"] in ("Complete", "Failed", "Cancelled") or polls > 20:
            break
        time.sleep(0.2)
    observed("status", out["status"])
    observed("polls", polls)
    observed("rows", len(out["results"]))


def test_log_groups_listed_with_retention(cw, suffix, observed):
    logs = cw.client("logs")
    for name in ("a", "b", "c"):
        logs.create_log_group(logGroupName=f"/ret/{suffix}/{name}")
    logs.put_retention_policy(logGroupName=f"/ret/{suffix}/b", retentionInDays=7)
    groups = [
        g
        for p in logs.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix=f"/ret/{suffix}/", PaginationConfig={"PageSize": 2}
        )
        for g in p["logGroups"]
    ]
    observed(
        "groups", [(g["logGroupName"].rsplit("/", 1)[1], g.get("retentionInDays")) for g in groups]
    )
    observed(
        "created_recently",
        all(abs(time.time() * 1000 - g["creationTime"]) < 120_000 for g in groups),
    )
