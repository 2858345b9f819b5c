"""What the synthetic backend checks in a request, and the error codes it answers with.

Two layers. The input JSON Schema (``harness.schemastore``, else ``harness.schemagen``, else
botocore's own constraints when neither is importable) catches types, enums, ranges and
patterns. The documented rules below go beyond the model; each carries the sentence of the
API reference it comes from (``/work/shared/docs``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from harness import wire
from harness.models import operation_model

#: The error each service answers an invalid parameter with (all HTTP 400).
VALIDATION_ERROR = {
    "cloudtrail": "InvalidParameterException",
    "xray": "InvalidRequestException",
    "internetmonitor": "ValidationException",
}
#: The error each service answers when a caller goes over its request rate.
THROTTLING_ERROR = {
    "cloudtrail": "ThrottlingException",  # json 1.1: HTTP 400
    "xray": "ThrottledException",  # HTTP 429
    "internetmonitor": "ThrottlingException",  # HTTP 429
}
#: A server-side failure. Only Internet Monitor models one; the others send AWS's common
#: ``InternalFailure`` (HTTP 500).
SERVER_ERROR = {"internetmonitor": "InternalServerException"}
COMMON_SERVER_ERROR = "InternalFailure"

#: Documented request rates, per operation (requests per second per account and Region).
RATE_LIMITS = {
    # ListInsightsData: "The rate of ListInsightsData requests is limited to two per second,
    # per account, per Region. If this limit is exceeded, a throttling error occurs."
    ("cloudtrail", "ListInsightsData"): 2.0,
}

#: ListInsightsMetricData: "Valid values are 60, 300, and 3600. If you specify any other value,
#: you will get an error."
METRIC_PERIODS = (60, 300, 3600)
#: "Data points with a period of 60 seconds (1-minute) are available for 15 days. ... 300
#: seconds (5-minute) ... 63 days. ... 3600 seconds (1 hour) ... 90 days."
METRIC_RETENTION = {
    60: dt.timedelta(days=15),
    300: dt.timedelta(days=63),
    3600: dt.timedelta(days=90),
}
#: "The default is 90 days before the time of request." / "The default is 3600 seconds." /
#: "The default is NonZeroData." / "The default value is 21600."
METRIC_DEFAULT_WINDOW = dt.timedelta(days=90)
METRIC_DEFAULT_PERIOD = 3600
METRIC_DEFAULT_DATA_TYPE = "NonZeroData"
METRIC_DEFAULT_MAX_RESULTS = 21600
#: ListInsightsData: "The default is 50, with a maximum of 50 possible." and "You can list
#: Insights events that occurred in a Region within the last 90 days."
INSIGHTS_DEFAULT_MAX_RESULTS = 50
INSIGHTS_DEFAULT_WINDOW = dt.timedelta(days=90)
#: GetInsightEvents documents no default page size; the model allows 1..50.
INSIGHT_EVENTS_DEFAULT_MAX_RESULTS = 50

# The model's InsightId pattern, matched against the whole id ("The insight's unique
# identifier" is a UUID).
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)
_EVENT_ID = re.compile(r"[a-zA-Z0-9-]+")

Rule = Callable[[dict[str, Any]], list[str]]


def _time(params: dict[str, Any], name: str) -> dt.datetime | None:
    if name not in params:
        return None
    try:
        return wire.parse_timestamp(params[name])
    except (ValueError, TypeError, OverflowError):
        return None  # the schema reports the type


def _start_after_end(params: dict[str, Any]) -> list[str]:
    # ListInsightsData: "If the specified start time is after the specified end time, an error
    # is returned."
    start, end = _time(params, "StartTime"), _time(params, "EndTime")
    if start is not None and end is not None and start > end:
        return [f"StartTime ({params['StartTime']}) is after EndTime ({params['EndTime']})."]
    return []


def _list_insights_data(params: dict[str, Any]) -> list[str]:
    problems = _start_after_end(params)
    # "Contains a map of dimensions. Currently the map can contain only one item."
    dimensions = params.get("Dimensions")
    if isinstance(dimensions, dict) and len(dimensions) > 1:
        problems.append(
            f"Dimensions holds {len(dimensions)} items ({', '.join(sorted(dimensions))}); "
            "it can contain only one item."
        )
    # "Possible values are 1 through 50."
    problems += _range(params, "MaxResults", 1, 50)
    return problems


def _list_insights_metric_data(params: dict[str, Any]) -> list[str]:
    problems = _start_after_end(params)
    period = params.get("Period")
    if period is not None and period not in METRIC_PERIODS:
        problems.append(f"Period {period!r} is not one of the valid values 60, 300 and 3600.")
    # "If the InsightType is set to ApiErrorRateInsight, the request must also include the
    # ErrorCode parameter."
    if params.get("InsightType") == "ApiErrorRateInsight" and not params.get("ErrorCode"):
        problems.append("ErrorCode is required when InsightType is ApiErrorRateInsight.")
    # "Valid values are integers from 1 to 21600."
    problems += _range(params, "MaxResults", 1, 21600)
    return problems


def _insight_id(params: dict[str, Any]) -> list[str]:
    value = params.get("InsightId")
    if isinstance(value, str) and not _UUID.fullmatch(value):
        return [f"InsightId {value!r} is not a UUID."]
    return []


def _insight_events(params: dict[str, Any]) -> list[str]:
    return _insight_id(params) + _range(params, "MaxResults", 1, 50)


def _event_id(params: dict[str, Any]) -> list[str]:
    value = params.get("EventId")
    if isinstance(value, str) and not _EVENT_ID.fullmatch(value):
        return [f"EventId {value!r} may contain only letters, digits and '-'."]
    return []


def _range(params: dict[str, Any], name: str, low: int, high: int) -> list[str]:
    value = params.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        return [f"{name} {value} is outside {low}..{high}."]
    return []


DOCUMENTED_RULES: dict[tuple[str, str], Rule] = {
    ("xray", "GetInsight"): _insight_id,
    ("xray", "GetInsightEvents"): _insight_events,
    ("cloudtrail", "ListInsightsData"): _list_insights_data,
    ("cloudtrail", "ListInsightsMetricData"): _list_insights_metric_data,
    ("internetmonitor", "GetInternetEvent"): _event_id,
}


def request_problems(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Every way the wire-form ``params`` break the input schema or a documented rule."""
    rule = DOCUMENTED_RULES.get((service, operation))
    documented = rule(params) if rule else []
    # A documented rule says it better than the schema: drop schema errors about the same member.
    named = {message.split(" ", 1)[0] for message in documented}
    schema = [
        message
        for message in _schema_validator(service, operation)(params)
        if not any(message.startswith(f"/{m}") or f"'{m}'" in message for m in named)
    ]
    return documented + schema


@functools.cache
def _schema_validator(service: str, operation: str) -> Callable[[dict[str, Any]], list[str]]:
    schema = _input_schema(service, operation)
    if schema is None:
        return functools.partial(_model_problems, service, operation)
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)

    def check(params: dict[str, Any]) -> list[str]:
        errors = sorted(validator.iter_errors(params), key=lambda e: list(e.absolute_path))
        return [f"{_pointer(e.absolute_path)}: {e.message}" for e in errors]

    return check


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "request"


def _input_schema(service: str, operation: str) -> dict[str, Any] | None:
    """The committed input schema, else a freshly generated one, else None."""
    try:
        from harness import schemastore

        schema: dict[str, Any] = schemastore.load_schema(
            schemastore.default_schema_dir(), service, operation, "input"
        )
        return schema
    except Exception:  # not landed yet, or no committed file: try the generator
        pass
    try:
        from harness import schemagen

        return schemagen.operation_schemas(service, operation)[0]
    except Exception:
        return None


def _model_problems(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """botocore's own constraints (required, enum, min/max, pattern) on top-level members."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return []
    problems = [f"{name} is required." for name in shape.required_members if name not in params]
    for name, value in params.items():
        member = shape.members.get(name)
        if member is None:
            problems.append(f"{name} is not a member of the request.")
            continue
        meta = member.metadata
        size = value if isinstance(value, int | float) else None
        if isinstance(value, str | list | dict):
            size = len(value)
        if member.enum and value not in member.enum:
            problems.append(f"{name} {value!r} is not one of {', '.join(member.enum)}.")
        if size is not None and not isinstance(value, bool):
            if "min" in meta and size < meta["min"]:
                problems.append(f"{name} {value!r} is below its minimum {meta['min']}.")
            if "max" in meta and size > meta["max"]:
                problems.append(f"{name} {value!r} is above its maximum {meta['max']}.")
        if isinstance(value, str) and "pattern" in meta:
            try:
                if not re.search(meta["pattern"], value):
                    problems.append(f"{name} {value!r} does not match {meta['pattern']}.")
            except re.error:
                pass
    return problems
