"""Regenerate the bundled cassettes in ``cassettes/seed/`` (run this file with Python).

Real boto3 clients talk over loopback HTTP to a small scripted server that answers from the
decoded request (``harness.wire``), so every answer is consistent with the documented rules
(time windows, Period alignment, most recent first, NextToken chains). The exchanges are
recorded by the plugin's own recorder (``harness.recorder.CassetteRecorder``, record mode
``all``), so the bundled cassettes are redacted exactly as a user's would be. Credentials are
obviously fake.

The cassettes hold valid exchanges of all five seed operations: successes, a paginated
ListInsightsData chain, an ApiErrorRateInsight metric request, and a modeled error answer
(InvalidParameterException, HTTP 400) to an invalid request (``Period=120``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import botocore
from botocore.exceptions import ClientError

from harness import wire
from harness.exchange import HttpRequest, HttpResponse
from harness.httpserver import LoopbackServer
from harness.recorder import CassetteRecorder

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
EVENT_ID = "a1b2c3d4-0000-4000-8000-000000000001"
TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/example-trail"
FAKE_KEY_ID = "AKIAFAKEFAKEFAKEFAKE"
FAKE_SECRET = "fake-secret-access-key-not-a-real-one"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "cassettes" / "seed"


# --------------------------------------------------------------------------- the server


def _seconds(value: Any, default: float) -> float:
    return default if value is None else wire.parse_timestamp(value).timestamp()


def _metric(params: dict[str, Any], now: float) -> HttpResponse:
    period = params.get("Period", 3600)
    if period not in (60, 300, 3600):
        return wire.encode_error(
            "cloudtrail",
            "InvalidParameterException",
            f"Period {period} is not valid. Valid values are 60, 300 and 3600.",
        )
    end = _seconds(params.get("EndTime"), now)
    start = _seconds(params.get("StartTime"), now - 90 * 86400)
    first = int(start) + (-int(start)) % period  # the first aligned point at or after start
    stamps = list(range(first, int(end), period))[: params.get("MaxResults", 21600)]
    fill = params.get("DataType") == "FillWithZeros"
    values = [float((i * 7) % 5) if fill else float(1 + (i * 7) % 5) for i in range(len(stamps))]
    out: dict[str, Any] = {
        "EventSource": params["EventSource"],
        "EventName": params["EventName"],
        "InsightType": params["InsightType"],
        "Timestamps": stamps,
        "Values": values,
    }
    if params["InsightType"] == "ApiErrorRateInsight":
        out["ErrorCode"] = params["ErrorCode"]
    return wire.encode_response("cloudtrail", "ListInsightsMetricData", out)


def _insight_events(now: float) -> list[dict[str, Any]]:
    return [
        {
            "EventId": f"5e1f0c2a-0000-4000-8000-00000000000{i}",
            "EventName": "PutObject",
            "EventSource": "s3.amazonaws.com",
            "EventTime": int(now) - 600 * (i + 1),
            "ReadOnly": "false",
            "Username": "example-user",
            "Resources": [{"ResourceType": "AWS::S3::Bucket", "ResourceName": "example-bucket"}],
            "CloudTrailEvent": json.dumps(
                {"eventVersion": "1.08", "eventCategory": "Insight", "eventName": "PutObject"}
            ),
        }
        for i in range(5)
    ]


def _insights(params: dict[str, Any], now: float) -> HttpResponse:
    events = _insight_events(now)
    size = params.get("MaxResults", 50)
    offset = int(params.get("NextToken", "page-0").split("-")[1])
    page = events[offset : offset + size]
    out: dict[str, Any] = {"Events": page}
    if offset + size < len(events):
        out["NextToken"] = f"page-{offset + size}"
    return wire.encode_response("cloudtrail", "ListInsightsData", out)


def _stats(fault: int, ok: int, total: int) -> dict[str, int]:
    return {"FaultCount": fault, "OkCount": ok, "TotalCount": total}


def _get_insight(params: dict[str, Any], now: float) -> HttpResponse:
    insight = {
        "InsightId": params["InsightId"],
        "GroupName": "Default",
        "GroupARN": "arn:aws:xray:us-east-1:111122223333:group/Default/EXAMPLE",
        "Categories": ["FAULT"],
        "State": "CLOSED",
        "StartTime": int(now) - 7200,
        "EndTime": int(now) - 3600,
        "Summary": "Fault rate increased on example-service",
        "ClientRequestImpactStatistics": _stats(12, 180, 200),
        "RootCauseServiceRequestImpactStatistics": _stats(10, 90, 100),
    }
    return wire.encode_response("xray", "GetInsight", {"Insight": insight})


def _get_insight_events(params: dict[str, Any], now: float) -> HttpResponse:
    count = min(params.get("MaxResults", 50), 3)
    events = [
        {
            "Summary": f"Re-evaluation {i}",
            "EventTime": int(now) - 300 * i,
            "ClientRequestImpactStatistics": _stats(12 - i, 180, 200),
            "RootCauseServiceRequestImpactStatistics": _stats(10 - i, 90, 100),
        }
        for i in range(count)
    ]
    return wire.encode_response("xray", "GetInsightEvents", {"InsightEvents": events})


def _internet_event(params: dict[str, Any], now: float) -> HttpResponse:
    event_id = params["EventId"]
    out = {
        "EventId": event_id,
        "EventArn": f"arn:aws:internetmonitor::111122223333:internet-event/{event_id}",
        "StartedAt": wire.encode_timestamp(
            dt.datetime.fromtimestamp(now - 5400, dt.timezone.utc), "iso8601"
        ),
        "EndedAt": wire.encode_timestamp(
            dt.datetime.fromtimestamp(now - 1800, dt.timezone.utc), "iso8601"
        ),
        "ClientLocation": {
            "ASName": "Example Networks",
            "ASNumber": 64500,
            "Country": "United States",
            "Subdivision": "Washington",
            "City": "Seattle",
            "Latitude": 47.61,
            "Longitude": -122.33,
        },
        "EventType": "PERFORMANCE",
        "EventStatus": "RESOLVED",
    }
    return wire.encode_response("internetmonitor", "GetInternetEvent", out)


_ANSWERS = {
    "ListInsightsMetricData": _metric,
    "ListInsightsData": _insights,
    "GetInsight": _get_insight,
    "GetInsightEvents": _get_insight_events,
    "GetInternetEvent": _internet_event,
}


def answer(request: HttpRequest) -> HttpResponse:
    """The scripted server: a rule-consistent answer computed from the decoded request."""
    service, operation = wire.identify(request)
    params = wire.decode_request(service, operation, request)
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    return _ANSWERS[operation](params, now)


# --------------------------------------------------------------------------- capture


@contextmanager
def recording(path: Path, metadata: dict[str, Any]) -> Iterator[CassetteRecorder]:
    """Record every botocore exchange in the block into ``path`` with the plugin's recorder.

    The same recorder as ``@pytest.mark.aws_cassette`` in record mode ``all``: secrets
    stripped and identifiers pseudonymized as for any user's cassette.
    """
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        yield recorder
    recorder.save(metadata)


def _client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    )


def record(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Run the scenarios against the scripted server and write one cassette per service."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    hour = now.replace(minute=0, second=0)
    metadata = {
        "botocore": botocore.__version__,
        "produced_by": "tests/make_bundled_cassettes.py",
        "how": (
            "Recorded by the harness recorder from real boto3 clients talking over loopback HTTP "
            "to the project's scripted test server (harness.httpserver.LoopbackServer answering "
            "through harness.wire). Fake credentials. Not AWS traffic."
        ),
        "recorded_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    paths = {name: out_dir / f"{name}.yaml" for name in ("cloudtrail", "xray", "internetmonitor")}
    with LoopbackServer(answer) as server:
        url = server.endpoint_url
        with recording(paths["cloudtrail"], metadata):
            ct = _client("cloudtrail", url)
            ct.list_insights_metric_data(
                EventSource="s3.amazonaws.com",
                EventName="PutObject",
                InsightType="ApiCallRateInsight",
                StartTime=hour - dt.timedelta(hours=24),
                EndTime=hour,
                Period=3600,
            )
            ct.list_insights_metric_data(
                EventSource="iam.amazonaws.com",
                EventName="CreateUser",
                InsightType="ApiErrorRateInsight",
                ErrorCode="AccessDenied",
                StartTime=hour - dt.timedelta(hours=2),
                EndTime=hour,
                Period=300,
                DataType="FillWithZeros",
            )
            try:  # invalid on purpose: the documented answer is InvalidParameterException
                ct.list_insights_metric_data(
                    EventSource="s3.amazonaws.com",
                    EventName="PutObject",
                    InsightType="ApiCallRateInsight",
                    Period=120,
                )
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "InvalidParameterException"
            else:  # pragma: no cover
                raise AssertionError("the scripted server accepted Period=120")
            paginator = ct.get_paginator("list_insights_data")
            for _ in paginator.paginate(
                InsightSource=TRAIL,
                DataType="InsightsEvents",
                Dimensions={"EventName": "PutObject"},
                StartTime=now - dt.timedelta(days=1),
                EndTime=now,
                PaginationConfig={"PageSize": 2},
            ):
                pass
        with recording(paths["xray"], metadata):
            xr = _client("xray", url)
            xr.get_insight(InsightId=INSIGHT_ID)
            xr.get_insight_events(InsightId=INSIGHT_ID, MaxResults=10)
        with recording(paths["internetmonitor"], metadata):
            _client("internetmonitor", url).get_internet_event(EventId=EVENT_ID)
    return list(paths.values())


def main(argv: list[str] | None = None) -> int:
    """Command line: write the cassettes (default ``cassettes/seed``) and list them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in record(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
