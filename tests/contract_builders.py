"""Valid exchanges of the five seed operations, built through the wire codec, for contract tests.

Each builder returns wire-form request and response dicts that pass every schema and rule;
tests change one thing and expect one rule to fire.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from harness import wire
from harness.exchange import Exchange

#: The request time every exchange carries in X-Amz-Date (rules about retention use it).
REQUEST_TIME = dt.datetime(2024, 9, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
NOW = int(REQUEST_TIME.timestamp())
HOUR = 3600
INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
EVENT_ID = "a1b2c3d4-0000-4000-8000-123456789abc"


def build(
    service: str,
    operation: str,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
    *,
    error: tuple[str, str] | None = None,
    status: int | None = None,
    cassette: str | None = "test.yaml",
    index: int = 0,
) -> Exchange:
    """An exchange from wire-form dicts: a success (``response``) or an ``error`` (code, msg)."""
    http_request = wire.encode_request(service, operation, request)
    http_request.headers["X-Amz-Date"] = REQUEST_TIME.strftime("%Y%m%dT%H%M%SZ")
    if error is not None:
        http_response = wire.encode_error(service, error[0], error[1], status)
    else:
        http_response = wire.encode_response(service, operation, response or {}, status)
    return Exchange(
        service=service,
        operation=operation,
        request=http_request,
        response=http_response,
        source="synthetic",
        params=wire.decode_request(service, operation, http_request),
        cassette=cassette,
        index=index,
    )


def metric_pair(points: int = 24, **request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """ListInsightsMetricData: hourly non-zero points in the last ``points`` hours."""
    start = NOW - NOW % HOUR - points * HOUR
    req: dict[str, Any] = {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "StartTime": start,
        "EndTime": start + points * HOUR,
        "Period": HOUR,
        **request,
    }
    resp: dict[str, Any] = {
        "EventSource": req["EventSource"],
        "EventName": req["EventName"],
        "InsightType": req["InsightType"],
        "Timestamps": [start + i * HOUR for i in range(points)],
        "Values": [float(1 + i % 5) for i in range(points)],
    }
    if req["InsightType"] == "ApiErrorRateInsight":
        resp["ErrorCode"] = req["ErrorCode"]
    return req, resp


def _event(i: int, when: int) -> dict[str, Any]:
    return {
        "EventId": f"e{i:04d}-0000-4000-8000-000000000000",
        "EventName": "PutObject",
        "EventSource": "s3.amazonaws.com",
        "EventTime": when,
        "ReadOnly": "false",
        "CloudTrailEvent": '{"eventVersion": "1.08", "eventCategory": "Insight"}',
    }


def insights_pair(events: int = 3, **request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """ListInsightsData: events most recent first, inside the requested window."""
    req: dict[str, Any] = {
        "InsightSource": "arn:aws:cloudtrail:us-east-1:123456789012:trail/demo",
        "DataType": "InsightsEvents",
        "Dimensions": {"EventName": "PutObject"},
        "StartTime": NOW - 10 * HOUR,
        "EndTime": NOW,
        **request,
    }
    resp = {"Events": [_event(i, NOW - (i + 1) * HOUR) for i in range(events)]}
    return req, resp


def _stats(fault: int = 5, ok: int = 90, total: int = 100) -> dict[str, int]:
    return {"FaultCount": fault, "OkCount": ok, "TotalCount": total}


def insight_pair(closed: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """GetInsight: a CLOSED insight with an EndTime (or an ACTIVE one without)."""
    insight: dict[str, Any] = {
        "InsightId": INSIGHT_ID,
        "GroupName": "Default",
        "State": "CLOSED" if closed else "ACTIVE",
        "StartTime": NOW - 2 * HOUR,
        "ClientRequestImpactStatistics": _stats(),
        "RootCauseServiceRequestImpactStatistics": _stats(1, 50, 60),
    }
    if closed:
        insight["EndTime"] = NOW - HOUR
    return {"InsightId": INSIGHT_ID}, {"Insight": insight}


def insight_events_pair(events: int = 2, **request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """GetInsightEvents: a page of events with consistent impact statistics."""
    req = {"InsightId": INSIGHT_ID, "MaxResults": 10, **request}
    resp = {
        "InsightEvents": [
            {
                "Summary": f"state {i}",
                "EventTime": NOW - i * 300,
                "ClientRequestImpactStatistics": _stats(),
                "RootCauseServiceRequestImpactStatistics": _stats(2, 8, 10),
            }
            for i in range(events)
        ]
    }
    return req, resp


def internet_pair(resolved: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """GetInternetEvent: a RESOLVED event with EndedAt (ISO 8601 timestamps)."""
    resp: dict[str, Any] = {
        "EventId": EVENT_ID,
        "EventArn": f"arn:aws:internetmonitor::123456789012:internet-event/{EVENT_ID}",
        "StartedAt": "2024-08-27T21:04:00Z",
        "ClientLocation": {
            "ASName": "Example ISP",
            "ASNumber": 64500,
            "Country": "United States",
            "City": "Seattle",
            "Latitude": 47.6,
            "Longitude": -122.3,
        },
        "EventType": "AVAILABILITY",
        "EventStatus": "RESOLVED" if resolved else "ACTIVE",
    }
    if resolved:
        resp["EndedAt"] = "2024-08-27T22:10:00Z"
    return {"EventId": EVENT_ID}, resp


_PAIRS = {
    ("cloudtrail", "ListInsightsMetricData"): metric_pair,
    ("cloudtrail", "ListInsightsData"): insights_pair,
    ("xray", "GetInsight"): insight_pair,
    ("xray", "GetInsightEvents"): insight_events_pair,
    ("internetmonitor", "GetInternetEvent"): internet_pair,
}


def valid(service: str, operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh copies of a valid request/response pair of a seed operation."""
    req, resp = _PAIRS[(service, operation)]()
    return copy.deepcopy(req), copy.deepcopy(resp)


SEED = tuple(_PAIRS)
