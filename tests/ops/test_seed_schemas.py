"""Hand-written wire examples for the five seed operations, accepted or rejected as documented."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from harness.aws import models
from harness.contract.schemas import generate as schemagen
from harness.contract.schemas import store as schemastore
from tests.support.models import modeled

JSON = dict[str, Any]

UUID = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
LOCATION = {
    "ASName": "Example ISP",
    "ASNumber": 64500,
    "Country": "United States",
    "City": "Seattle",
    "Latitude": 47.6,
    "Longitude": -122.3,
}
IM_EVENT = {
    "EventId": "abc-123",
    "EventArn": "arn:aws:internetmonitor::123456789012:internet-event/abc-123",
    "StartedAt": "2024-08-27T21:04:00Z",
    "ClientLocation": LOCATION,
    "EventType": "AVAILABILITY",
    "EventStatus": "ACTIVE",
}
INSIGHT = {
    "InsightId": UUID,
    "GroupName": "Default",
    "State": "ACTIVE",
    "StartTime": 1724792640,
    "EndTime": 1724796240.5,
    "Categories": ["FAULT"],
    "ClientRequestImpactStatistics": {"FaultCount": 3, "OkCount": 97, "TotalCount": 100},
}
METRIC_IN = {
    "EventSource": "iam.amazonaws.com",
    "EventName": "CreateUser",
    "InsightType": "ApiCallRateInsight",
}
METRIC_OUT = {
    **METRIC_IN,
    "Timestamps": [1724792640, 1724792700.5],
    "Values": [1.0, 2.5],
}
EVENT = {"EventId": "e1", "EventName": "PutObject", "EventTime": 1724792640, "Resources": []}


def _with(base: JSON, **changes: Any) -> JSON:
    out = dict(base)
    for key, value in changes.items():
        if value is _DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


_DROP = object()

# (label, service, operation, kind, instance, valid)
CASES: list[tuple[str, str, str, str, Any, bool]] = [
    # X-Ray GetInsight
    ("insight id ok", "xray", "GetInsight", "input", {"InsightId": UUID}, True),
    ("insight id missing", "xray", "GetInsight", "input", {}, False),
    ("insight id pattern", "xray", "GetInsight", "input", {"InsightId": "not-a-uuid"}, False),
    ("unknown member", "xray", "GetInsight", "input", {"InsightId": UUID, "Id": 1}, False),
    ("epoch timestamps", "xray", "GetInsight", "output", {"Insight": INSIGHT}, True),
    (
        "ISO timestamp for X-Ray",
        "xray",
        "GetInsight",
        "output",
        {"Insight": _with(INSIGHT, StartTime="2024-08-27T21:04:00Z")},
        False,
    ),
    (
        "bad state enum",
        "xray",
        "GetInsight",
        "output",
        {"Insight": _with(INSIGHT, State="OPEN")},
        False,
    ),
    (
        "group name too long",
        "xray",
        "GetInsight",
        "output",
        {"Insight": _with(INSIGHT, GroupName="g" * 33)},
        False,
    ),
    (
        "count not an integer",
        "xray",
        "GetInsight",
        "output",
        {"Insight": _with(INSIGHT, ClientRequestImpactStatistics={"FaultCount": 1.5})},
        False,
    ),
    # X-Ray GetInsightEvents
    (
        "max results ok",
        "xray",
        "GetInsightEvents",
        "input",
        {"InsightId": UUID, "MaxResults": 50},
        True,
    ),
    (
        "max results 51",
        "xray",
        "GetInsightEvents",
        "input",
        {"InsightId": UUID, "MaxResults": 51},
        False,
    ),
    (
        "empty token",
        "xray",
        "GetInsightEvents",
        "input",
        {"InsightId": UUID, "NextToken": ""},
        False,
    ),
    (
        "event time epoch",
        "xray",
        "GetInsightEvents",
        "output",
        {"InsightEvents": [{"Summary": "s", "EventTime": 1724792640}], "NextToken": "t"},
        True,
    ),
    (
        "event time ISO",
        "xray",
        "GetInsightEvents",
        "output",
        {"InsightEvents": [{"EventTime": "2024-08-27T21:04:00Z"}]},
        False,
    ),
    # CloudTrail ListInsightsData
    (
        "list insights ok",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {
            "InsightSource": TRAIL,
            "DataType": "InsightsEvents",
            "Dimensions": {"EventName": "PutObject"},
            "StartTime": 1724792640,
            "EndTime": 1724796240.5,
            "MaxResults": 50,
        },
        True,
    ),
    (
        "data type enum",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": TRAIL, "DataType": "Events"},
        False,
    ),
    (
        "missing data type",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": TRAIL},
        False,
    ),
    (
        "source pattern",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": "my trail!", "DataType": "InsightsEvents"},
        False,
    ),
    (
        "source too short",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": "ab", "DataType": "InsightsEvents"},
        False,
    ),
    (
        "max results 51",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": TRAIL, "DataType": "InsightsEvents", "MaxResults": 51},
        False,
    ),
    (
        "two dimensions",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {
            "InsightSource": TRAIL,
            "DataType": "InsightsEvents",
            "Dimensions": {"EventName": "PutObject", "EventSource": "s3.amazonaws.com"},
        },
        False,
    ),
    (
        "dimension key outside the documented three",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": TRAIL, "DataType": "InsightsEvents", "Dimensions": {"Username": "x"}},
        False,
    ),
    (
        "ISO timestamp for CloudTrail",
        "cloudtrail",
        "ListInsightsData",
        "input",
        {"InsightSource": TRAIL, "DataType": "InsightsEvents", "StartTime": "2024-08-27T21:04:00Z"},
        False,
    ),
    ("events ok", "cloudtrail", "ListInsightsData", "output", {"Events": [EVENT]}, True),
    (
        "event time ISO",
        "cloudtrail",
        "ListInsightsData",
        "output",
        {"Events": [_with(EVENT, EventTime="2024-08-27T21:04:00Z")]},
        False,
    ),
    (
        "raw Insights record (user-guide example) is not an Event",
        "cloudtrail",
        "ListInsightsData",
        "output",
        {"Events": [{"eventTime": "2024-08-27T21:04:00Z", "insightDetails": {}}]},
        False,
    ),
    # CloudTrail ListInsightsMetricData
    ("metric ok", "cloudtrail", "ListInsightsMetricData", "input", METRIC_IN, True),
    (
        "period 300",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, Period=300),
        True,
    ),
    (
        "period 120",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, Period=120),
        False,
    ),
    (
        "error code missing for ApiErrorRateInsight",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, InsightType="ApiErrorRateInsight"),
        False,
    ),
    (
        "error code given for ApiErrorRateInsight",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, InsightType="ApiErrorRateInsight", ErrorCode="AccessDenied"),
        True,
    ),
    (
        "event source pattern",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, EventSource="iam"),
        False,
    ),
    (
        "max results 21601",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, MaxResults=21601),
        False,
    ),
    (
        "data type enum",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, DataType="X"),
        False,
    ),
    (
        "insight type missing",
        "cloudtrail",
        "ListInsightsMetricData",
        "input",
        _with(METRIC_IN, InsightType=_DROP),
        False,
    ),
    ("metric output ok", "cloudtrail", "ListInsightsMetricData", "output", METRIC_OUT, True),
    (
        "ISO timestamps in metric output",
        "cloudtrail",
        "ListInsightsMetricData",
        "output",
        _with(METRIC_OUT, Timestamps=["2024-08-27T21:04:00Z"]),
        False,
    ),
    (
        "error code returned for ApiCallRateInsight",
        "cloudtrail",
        "ListInsightsMetricData",
        "output",
        _with(METRIC_OUT, ErrorCode="AccessDenied"),
        False,
    ),
    (
        "value not a number",
        "cloudtrail",
        "ListInsightsMetricData",
        "output",
        _with(METRIC_OUT, Values=["1.0"]),
        False,
    ),
    # Internet Monitor GetInternetEvent
    ("event id ok", "internetmonitor", "GetInternetEvent", "input", {"EventId": "abc-123"}, True),
    ("event id empty", "internetmonitor", "GetInternetEvent", "input", {"EventId": ""}, False),
    ("event id missing", "internetmonitor", "GetInternetEvent", "input", {}, False),
    ("event ok", "internetmonitor", "GetInternetEvent", "output", IM_EVENT, True),
    (
        "ended, fractional seconds and offset",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, EndedAt="2024-08-27T22:04:00.123+00:00", EventStatus="RESOLVED"),
        True,
    ),
    (
        "epoch number for Internet Monitor",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, StartedAt=1724792640),
        False,
    ),
    (
        "non-ISO string",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, StartedAt="2024-08-27 21:04"),
        False,
    ),
    (
        "event type enum",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, EventType="OUTAGE"),
        False,
    ),
    (
        "client location missing",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, ClientLocation=_DROP),
        False,
    ),
    (
        "ASNumber not an integer",
        "internetmonitor",
        "GetInternetEvent",
        "output",
        _with(IM_EVENT, ClientLocation=_with(LOCATION, ASNumber=1.5)),
        False,
    ),
]


@functools.cache
def _validator(service: str, operation: str, kind: str) -> Draft202012Validator:
    inp, out = schemagen.operation_schemas(service, operation)
    schema = inp if kind == "input" else out
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("label", "service", "operation", "kind", "instance", "valid"),
    CASES,
    ids=[f"{c[1]}:{c[2]}:{c[3]}:{c[0]}" for c in CASES],
)
def test_wire_examples(
    label: str, service: str, operation: str, kind: str, instance: Any, valid: bool
) -> None:
    if not modeled(service, operation):
        pytest.skip(f"the installed botocore has no model of {service}:{operation}")
    errors = list(_validator(service, operation, kind).iter_errors(instance))
    if valid:
        assert not errors, f"{label}: rejected: {errors[0].json_path}: {errors[0].message}"
    else:
        assert errors, f"{label}: accepted, but the documented contract rejects it"


def test_every_seed_operation_has_cases() -> None:
    covered = {(c[1], c[2], c[3], c[5]) for c in CASES}
    for service, operation in [
        ("xray", "GetInsight"),
        ("xray", "GetInsightEvents"),
        ("cloudtrail", "ListInsightsData"),
        ("cloudtrail", "ListInsightsMetricData"),
        ("internetmonitor", "GetInternetEvent"),
    ]:
        for kind in ("input", "output"):
            assert (service, operation, kind, True) in covered
            assert (service, operation, kind, False) in covered


@pytest.mark.parametrize(
    ("service", "error", "status", "body", "valid"),
    [
        ("cloudtrail", "InvalidParameterException", None, {"__type": "x", "Message": "m"}, True),
        ("cloudtrail", "InvalidParameterException", None, {"Reason": "m"}, False),
        ("xray", "ThrottledException", 429, {"Message": "slow down"}, True),
        ("internetmonitor", "ValidationException", 400, {"message": "bad"}, True),
        ("internetmonitor", "AccessDeniedException", 403, {"message": 3}, False),
    ],
)
def test_error_bodies(
    service: str, error: str, status: int | None, body: JSON, valid: bool
) -> None:
    schema = schemagen.error_schema(service, error)
    assert schema["x-aws-error"]["code"] == error
    assert schema["x-aws-error"].get("httpStatusCode") == status
    assert Draft202012Validator(schema).is_valid(body) is valid


def test_committed_schemas_are_the_ones_tested() -> None:
    # The in-memory schemas above are what the committed tree holds (also `schemas check`).
    # Made with another botocore (CI's job on the lowest supported one), they carry its
    # version: the rest must be the same, or `schemas check` reports drift.
    committed = schemastore.default_schema_dir()
    for service, operation in [("xray", "GetInsight"), ("cloudtrail", "ListInsightsMetricData")]:
        for direction, generated in zip(
            ("input", "output"), schemagen.operation_schemas(service, operation), strict=True
        ):
            on_disk = schemastore.load_schema(committed, service, operation, direction)
            stamp = on_disk["x-botocore"]["botocoreVersion"]
            if stamp != models.botocore_version():
                on_disk = {**on_disk, "x-botocore": {**on_disk["x-botocore"],
                           "botocoreVersion": models.botocore_version()}}  # fmt: skip
            if on_disk != generated and _older(models.botocore_version(), stamp):
                pytest.skip(
                    f"botocore {models.botocore_version()} models {service}:{operation} "
                    f"otherwise than {stamp}, which made the committed schemas (drift, as "
                    "harness schemas check reports it)"
                )
            assert on_disk == generated, f"{service}:{operation} {direction} (made with {stamp})"


def _older(version: str, than: str) -> bool:
    """True when botocore ``version`` is an older release than ``than``."""
    return tuple(map(int, version.split("."))) < tuple(map(int, than.split(".")))
