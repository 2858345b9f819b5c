"""The documented rules beyond the schema: the one place they live, each with its doc sentence.

A JSON Schema checks one document at a time. The API reference pages (kept in
``tests/reference_pages``) also state rules that compare members with each other, with the
request, with the time of the request, or across calls: "the number of values is equal to
the number of timestamps", "the most recent event is listed first", "this token must be
passed in with the same parameters". Each such rule is a :class:`Rule` here: a stable id, a
one-line description, the sentence it comes from (quoted verbatim; ``" […] "`` joins
sentences that are not adjacent on the page), a severity, and a check function
``(ctx) -> Iterable[Violation]`` that reports through
``ctx.fail(pointer, value, expected, message)``.

Rules have a scope, which says when :mod:`harness.contract` runs them:

* ``request`` — on the request parameters; reported only when the service answered 2xx
  (a modeled 4xx answer to an invalid request is the documented behaviour);
* ``response`` — on a successful response, with the request for comparison;
* ``error`` — on an error response;
* ``chain`` — on one ``NextToken`` chain of pages (``ctx.pages``);
* ``schema`` — listed for reference; :mod:`harness.contract` runs the schema validation.

Rules read wire-form values and skip values of the wrong type: the schema reports those.

The "Documented facts" section below holds the values the pages state beyond the model
(metric periods and retention, defaults, MaxResults ranges, Dimensions keys, rate limits,
the error code each service answers invalid or throttled requests with), each as a named
constant declared once with its quote; ``FACTS`` lists them. The rules here, the schema
overlays (:mod:`harness.overlays`) and the synthetic backend import them from here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, TypeVar

from harness.models import operation_model
from harness.wire import error_status, parse_timestamp

if TYPE_CHECKING:
    from harness.contract import RuleContext, Violation

__all__ = [
    "AWS_COMMON_ERRORS",
    "COMMON_SERVER_ERROR",
    "COMMON_THROTTLING_ERROR",
    "FACTS",
    "INSIGHTS_DEFAULT_MAX_RESULTS",
    "INSIGHTS_DIMENSION_KEYS",
    "INSIGHTS_LOOKBACK",
    "INSIGHTS_MAX_DIMENSIONS",
    "INSIGHTS_MAX_RESULTS_RANGE",
    "INSIGHT_EVENTS_MAX_RESULTS_RANGE",
    "METRIC_DEFAULT_DATA_TYPE",
    "METRIC_DEFAULT_MAX_RESULTS",
    "METRIC_DEFAULT_PERIOD",
    "METRIC_DEFAULT_WINDOW",
    "METRIC_MAX_RESULTS_RANGE",
    "METRIC_PERIODS",
    "METRIC_RETENTION",
    "RATE_LIMITS",
    "RULES",
    "SERVER_ERROR",
    "THROTTLING_ERROR",
    "VALIDATION_ERROR",
    "Fact",
    "Rule",
    "Scope",
    "get_rule",
    "modeled_errors",
    "rules_for",
]

Scope = Literal["request", "response", "error", "chain", "schema"]
Check = Callable[["RuleContext"], Iterable["Violation"]]

LIMD = "cloudtrail-list_insights_metric_data.txt"
LID = "cloudtrail-list_insights_data.txt"
GI = "xray-get_insight.txt"
GIE = "xray-get_insight_events.txt"
GIEV = "internetmonitor-get_internet_event.txt"
MODEL = "botocore model"
SCHEMAS = "schemas/"

# =========================================================================== Documented facts
#
# The values the API reference pages (``tests/reference_pages``) state beyond botocore's model, each
# declared once here with the sentence(s) it comes from. Everything else that needs one of
# these values (the rules below, the schema overlays, the synthetic backend, the strategies)
# imports it from here.
#
# | name                              | value                                   | page |
# |-----------------------------------|-----------------------------------------|------|
# | METRIC_PERIODS                    | (60, 300, 3600)                         | LIMD |
# | METRIC_RETENTION                  | {60: 15 d, 300: 63 d, 3600: 90 d}       | LIMD |
# | METRIC_DEFAULT_WINDOW             | 90 days before the request              | LIMD |
# | METRIC_DEFAULT_PERIOD             | 3600                                    | LIMD |
# | METRIC_DEFAULT_DATA_TYPE          | "NonZeroData"                           | LIMD |
# | METRIC_MAX_RESULTS_RANGE          | (1, 21600)                              | LIMD |
# | METRIC_DEFAULT_MAX_RESULTS        | 21600                                   | LIMD |
# | INSIGHTS_MAX_RESULTS_RANGE        | (1, 50)                                 | LID  |
# | INSIGHTS_DEFAULT_MAX_RESULTS      | 50                                      | LID  |
# | INSIGHTS_DIMENSION_KEYS           | ("EventId", "EventName", "EventSource") | LID  |
# | INSIGHTS_MAX_DIMENSIONS           | 1                                       | LID  |
# | INSIGHTS_LOOKBACK                 | 90 days                                 | LID  |
# | INSIGHT_EVENTS_MAX_RESULTS_RANGE  | (1, 50) (botocore model)                | GIE  |
# | RATE_LIMITS                       | {cloudtrail ListInsightsData: 2.0 / s}  | LID  |
# | VALIDATION_ERROR                  | error code for invalid parameters       | all  |
# | THROTTLING_ERROR                  | error code for throttling               | all  |
# | SERVER_ERROR                      | modeled server-side error code          | GIEV |
# | COMMON_SERVER_ERROR               | "InternalFailure" (AWS common error)    | —    |
# | COMMON_THROTTLING_ERROR           | "Throttling" (AWS common error)         | —    |
#
# ``FACTS`` lists the same, each as a :class:`Fact` with its quotes; a test checks that every
# quote is verbatim on its page.

T = TypeVar("T")


@dataclass(frozen=True)
class Fact:
    """One documented value: its exported name, the value, and the quotes it comes from."""

    name: str
    value: Any
    quotes: tuple[tuple[str, str], ...]  # (page in tests/reference_pages, verbatim sentence)
    note: str = ""  # where the value goes beyond the quotes, why


_FACTS: list[Fact] = []


def _fact(name: str, value: T, *quotes: tuple[str, str], note: str = "") -> T:
    _FACTS.append(Fact(name, value, quotes, note))
    return value


METRIC_PERIODS: tuple[int, ...] = _fact(
    "METRIC_PERIODS",
    (60, 300, 3600),
    (
        LIMD,
        "Valid values are 60, 300, and 3600. If you specify any other value, you will get an "
        "error.",
    ),
    note="The model only says 60..3600.",
)
METRIC_RETENTION: dict[int, dt.timedelta] = _fact(
    "METRIC_RETENTION",
    {60: dt.timedelta(days=15), 300: dt.timedelta(days=63), 3600: dt.timedelta(days=90)},
    (LIMD, "Data points with a period of 60 seconds (1-minute) are available for 15 days."),
    (LIMD, "Data points with a period of 300 seconds (5-minute) are available for 63 days."),
    (LIMD, "Data points with a period of 3600 seconds (1 hour) are available for 90 days."),
)
METRIC_DEFAULT_WINDOW: dt.timedelta = _fact(
    "METRIC_DEFAULT_WINDOW",
    dt.timedelta(days=90),
    (LIMD, "The default is 90 days before the time of request."),
    (LIMD, "The default is the time of request."),
)
METRIC_DEFAULT_PERIOD: int = _fact(
    "METRIC_DEFAULT_PERIOD", 3600, (LIMD, "The default is 3600 seconds.")
)
METRIC_DEFAULT_DATA_TYPE: str = _fact(
    "METRIC_DEFAULT_DATA_TYPE",
    "NonZeroData",
    (LIMD, "Valid values are NonZeroData and FillWithZeros. The default is NonZeroData."),
)
METRIC_MAX_RESULTS_RANGE: tuple[int, int] = _fact(
    "METRIC_MAX_RESULTS_RANGE",
    (1, 21600),
    (
        LIMD,
        "The maximum number of datapoints to return. Valid values are integers from 1 to 21600.",
    ),
)
METRIC_DEFAULT_MAX_RESULTS: int = _fact(
    "METRIC_DEFAULT_MAX_RESULTS",
    21600,
    (LIMD, "Valid values are integers from 1 to 21600. The default value is 21600."),
)
INSIGHTS_MAX_RESULTS_RANGE: tuple[int, int] = _fact(
    "INSIGHTS_MAX_RESULTS_RANGE",
    (1, 50),
    (LID, "The number of events to return. Possible values are 1 through 50."),
)
INSIGHTS_DEFAULT_MAX_RESULTS: int = _fact(
    "INSIGHTS_DEFAULT_MAX_RESULTS",
    50,
    (LID, "Possible values are 1 through 50. The default is 50."),
    (LID, "The default number of results returned is 50, with a maximum of 50 possible."),
)
INSIGHTS_DIMENSION_KEYS: tuple[str, ...] = _fact(
    "INSIGHTS_DIMENSION_KEYS",
    ("EventId", "EventName", "EventSource"),
    (LID, "ListInsightsData supports the following Dimensions for Insights events:"),
    (LID, "Event ID"),
    (LID, "Event name"),
    (LID, "Event source"),
    note="The page names them in words; the wire keys are the model's enum values.",
)
INSIGHTS_MAX_DIMENSIONS: int = _fact(
    "INSIGHTS_MAX_DIMENSIONS",
    1,
    (LID, "Contains a map of dimensions. Currently the map can contain only one item."),
)
INSIGHTS_LOOKBACK: dt.timedelta = _fact(
    "INSIGHTS_LOOKBACK",
    dt.timedelta(days=90),
    (LID, "You can list Insights events that occurred in a Region within the last 90 days."),
)
INSIGHT_EVENTS_MAX_RESULTS_RANGE: tuple[int, int] = _fact(
    "INSIGHT_EVENTS_MAX_RESULTS_RANGE",
    (1, 50),
    (GIE, "Used to retrieve at most the specified value of events."),
    note="The page gives no range or default; 1..50 is the botocore model's.",
)
RATE_LIMITS: dict[tuple[str, str], float] = _fact(
    "RATE_LIMITS",
    {("cloudtrail", "ListInsightsData"): 2.0},
    (
        LID,
        "The rate of ListInsightsData requests is limited to two per second, per account, per "
        "Region. If this limit is exceeded, a throttling error occurs.",
    ),
    note="Requests per second per account and Region, by (service, operation).",
)
VALIDATION_ERROR: dict[str, str] = _fact(
    "VALIDATION_ERROR",
    {
        "cloudtrail": "InvalidParameterException",
        "xray": "InvalidRequestException",
        "internetmonitor": "ValidationException",
    },
    (LID, "CloudTrail.Client.exceptions.InvalidParameterException"),
    (LIMD, "CloudTrail.Client.exceptions.InvalidParameterException"),
    (GI, "XRay.Client.exceptions.InvalidRequestException"),
    (GIE, "XRay.Client.exceptions.InvalidRequestException"),
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.ValidationException"),
    note="The error each service answers an invalid parameter with (HTTP 400).",
)
THROTTLING_ERROR: dict[str, str] = _fact(
    "THROTTLING_ERROR",
    {
        "cloudtrail": "ThrottlingException",  # json 1.1: HTTP 400
        "xray": "ThrottledException",  # HTTP 429
        "internetmonitor": "ThrottlingException",  # HTTP 429
    },
    (LID, "If this limit is exceeded, a throttling error occurs."),
    (GI, "XRay.Client.exceptions.ThrottledException"),
    (GIE, "XRay.Client.exceptions.ThrottledException"),
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.ThrottlingException"),
    note=(
        "CloudTrail documents a throttling error without naming or modeling it; "
        "ThrottlingException is the json-1.1 code AWS sends."
    ),
)
SERVER_ERROR: dict[str, str] = _fact(
    "SERVER_ERROR",
    {"internetmonitor": "InternalServerException"},
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.InternalServerException"),
    note="Only Internet Monitor models a server-side error; see COMMON_SERVER_ERROR.",
)
COMMON_SERVER_ERROR: str = _fact(
    "COMMON_SERVER_ERROR",
    "InternalFailure",
    note="AWS's common error for a server-side failure (HTTP 500), sent by every service.",
)
COMMON_THROTTLING_ERROR: str = _fact(
    "COMMON_THROTTLING_ERROR",
    "Throttling",
    note="AWS's common throttling error code, sent by every service.",
)

#: AWS common errors: codes any operation of any service may answer with, although most
#: operations do not model them (so they are never drift). Source: the "Common Errors"
#: pages of the AWS API references (for example
#: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html and the same page
#: of each service reference) plus the throttling codes botocore's retry handler treats as
#: throttles (``botocore/data/_retry.json`` and ``botocore.retries.standard``). Keep the
#: list here, in this one place.
AWS_COMMON_ERRORS: frozenset[str] = _fact(
    "AWS_COMMON_ERRORS",
    frozenset(
        {
            # throttling
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottled",
            "RequestThrottledException",
            "TooManyRequestsException",
            "ProvisionedThroughputExceededException",
            "TransactionInProgressException",
            "RequestLimitExceeded",
            "BandwidthLimitExceeded",
            "LimitExceededException",
            "SlowDown",
            "EC2ThrottledException",
            "PriorRequestNotComplete",
            # authentication and authorization
            "AccessDenied",
            "AccessDeniedException",
            "ExpiredToken",
            "ExpiredTokenException",
            "RequestExpired",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
            "InvalidSignatureException",
            "MissingAuthenticationToken",
            "NotAuthorized",
            "OptInRequired",
            # server side
            "InternalFailure",
            "InternalServerError",
            "InternalError",
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "RequestTimeout",
            "RequestTimeoutException",
            # request validation
            "ValidationError",
            "ValidationException",
            "InvalidAction",
            "InvalidParameterCombination",
            "InvalidParameterValue",
            "InvalidQueryParameter",
            "MalformedQueryString",
            "MissingAction",
            "MissingParameter",
        }
    ),
    note=(
        "AWS common errors (the Common Errors page of each API reference) and the "
        "throttling and transient codes botocore's standard retry mode retries."
    ),
)

#: Every documented fact above, in declaration order.
FACTS: tuple[Fact, ...] = tuple(_FACTS)


_METRIC = "cloudtrail:ListInsightsMetricData"
_INSIGHTS = "cloudtrail:ListInsightsData"
_INSIGHT = "xray:GetInsight"
_EVENTS = "xray:GetInsightEvents"
_INTERNET = "internetmonitor:GetInternetEvent"


@dataclass(frozen=True)
class Rule:
    """One documented rule: id, what it says, where it comes from, how bad, how to check."""

    id: str
    description: str
    doc: str  # verbatim from ``source``; sentences that are not adjacent joined by " […] "
    source: str  # a page in tests/reference_pages, or "botocore model" / "schemas/"
    severity: Literal["error", "drift", "warning"]
    scope: Scope
    operations: tuple[str, ...]  # ``service:Operation`` labels; empty = every operation
    check: Check

    def applies_to(self, label: str) -> bool:
        """True when the rule covers operation ``label`` (``service:Operation``)."""
        return not self.operations or label in self.operations


_DECLARED: list[Rule] = []


def _rule(
    id: str,
    *,
    description: str,
    doc: str,
    source: str,
    scope: Scope = "response",
    severity: Literal["error", "drift", "warning"] = "error",
    operations: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    def declare(check: Check) -> Check:
        _DECLARED.append(Rule(id, description, doc, source, severity, scope, operations, check))
        return check

    return declare


def _nothing(ctx: RuleContext) -> Iterator[Violation]:
    return iter(())


# --------------------------------------------------------------------------- helpers


_MIN_EPOCH = -62135596800.0  # 0001-01-01T00:00:00Z, the range of Python's datetime
_MAX_EPOCH = 253402300799.0  # 9999-12-31T23:59:59Z


def _seconds(value: Any) -> float | None:
    """A wire timestamp (epoch number or ISO text) as epoch seconds; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # NaN, the infinities and numbers past year 9999 are no time: the schema says so
        return float(value) if _MIN_EPOCH <= value <= _MAX_EPOCH else None
    if isinstance(value, str):
        try:
            return parse_timestamp(value).timestamp()
        except (ValueError, TypeError, OverflowError):
            return None
    return None


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _window(start: float | None, end: float | None, closing: str) -> str:
    low = _iso(start) if start is not None else "-inf"
    high = _iso(end) if end is not None else "+inf"
    return f"[{low}, {high}{closing}"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _at_most_max_results(
    ctx: RuleContext, member: str, default: int | None, what: str
) -> Iterator[Violation]:
    """A page holds no more items in ``member`` than MaxResults (or its documented default)."""
    limit = ctx.request.get("MaxResults", default)
    items = _list(ctx.response.get(member))
    if _number(limit) and len(items) > limit:
        yield ctx.fail(
            f"/response/{member}",
            f"{len(items)} {what}",
            f"at most {limit} (MaxResults)",
            f"more {what} than MaxResults",
        )


# --------------------------------------------------------------------------- schema (reference)

_rule(
    "schema.request",
    description="Request parameters match the input schema (checked only when answered 2xx).",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
_rule(
    "schema.response",
    description="The decoded response matches the output schema (types, ranges, required).",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
_rule(
    "schema.response.unknown-member",
    description="A response member the schema does not know (AWS may be ahead of botocore).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="drift",
)(_nothing)
_rule(
    "schema.response.unknown-enum",
    description="A response enum value the schema does not know (AWS may be ahead of botocore).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="drift",
)(_nothing)
_rule(
    "schema.error",
    description="An error body matches the schema of its modeled error shape.",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
# Smithy: clients must not enforce constraint traits on output (smithy issue #1039), and AWS
# does break them (DynamoDB NumberOfDecreasesToday 0 under min 1, Kinesis empty
# ShardLevelMetrics under min 1). Reported, not failed, unless a user re-grades them.
_rule(
    "schema.response.constraint",
    description="A response (or error body) value keeps the model's range, length and pattern.",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)
_rule(
    "schema.response.required",
    description="A response (or error body) holds the members the model marks required.",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)
_rule(
    "response.body-not-recorded",
    description="A 2xx response's body is in the cassette (otherwise it cannot be checked).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)


# --------------------------------------------------------------------------- ListInsightsMetricData


def _metric_window(ctx: RuleContext) -> tuple[float | None, float | None]:
    """StartTime (inclusive) and EndTime (exclusive), with the documented defaults."""
    start = _seconds(ctx.request.get("StartTime"))
    end = _seconds(ctx.request.get("EndTime"))
    now = ctx.request_time.timestamp() if ctx.request_time else None
    if end is None:
        end = now
    if start is None and now is not None:
        start = now - METRIC_DEFAULT_WINDOW.total_seconds()
    return start, end


def _metric_series(ctx: RuleContext) -> list[float | None]:
    return [_seconds(t) for t in _list(ctx.response.get("Timestamps"))]


@_rule(
    "cloudtrail.ListInsightsMetricData.start-before-end",
    description="StartTime is before EndTime.",
    doc=(
        "Specifies, in UTC, the start time for time-series data. The value specified is "
        "inclusive; results include data points with the specified time stamp. […] "
        "Specifies, in UTC, the end time for time-series data. The value specified is "
        "exclusive; results include data points up to the specified time stamp."
    ),
    source=LIMD,
    scope="request",
    operations=(_METRIC,),
)
def _metric_start_before_end(ctx: RuleContext) -> Iterator[Violation]:
    start = _seconds(ctx.request.get("StartTime"))
    end = _seconds(ctx.request.get("EndTime"))
    if start is not None and end is not None and start >= end:
        yield ctx.fail(
            "/request/StartTime",
            ctx.request.get("StartTime"),
            f"before EndTime ({_iso(end)})",
            "StartTime is not before EndTime: the window is empty",
        )


@_rule(
    "cloudtrail.ListInsightsMetricData.timestamps-values-length",
    description="Timestamps and Values have the same length.",
    doc="The number of values is equal to the number of timestamps.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_lengths(ctx: RuleContext) -> Iterator[Violation]:
    stamps, values = ctx.response.get("Timestamps"), ctx.response.get("Values")
    n_t = len(stamps) if isinstance(stamps, list) else 0
    n_v = len(values) if isinstance(values, list) else 0
    if n_t != n_v:
        yield ctx.fail(
            "/response/Values",
            f"{n_v} value(s)",
            f"{n_t} value(s), one per timestamp",
            f"{n_t} timestamp(s) but {n_v} value(s)",
        )


@_rule(
    "cloudtrail.ListInsightsMetricData.timestamps-in-window",
    description="Every timestamp is inside [StartTime, EndTime) (defaults: 90 days, request time).",
    doc=(
        "Specifies, in UTC, the start time for time-series data. The value specified is "
        "inclusive; results include data points with the specified time stamp. […] "
        "Specifies, in UTC, the end time for time-series data. The value specified is "
        "exclusive; results include data points up to the specified time stamp."
    ),
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_in_window(ctx: RuleContext) -> Iterator[Violation]:
    start, end = _metric_window(ctx)
    if start is None and end is None:
        return
    lo = -math.inf if start is None else start
    hi = math.inf if end is None else end
    window = _window(start, end, ")")
    for i, t in enumerate(_metric_series(ctx)):
        if t is not None and not (lo <= t < hi):
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"inside {window}",
                "timestamp outside the requested window (StartTime inclusive, EndTime exclusive)",
            )


@_rule(
    "cloudtrail.ListInsightsMetricData.timestamps-ascending",
    description="Timestamps are strictly ascending.",
    doc="List of timestamps at intervals corresponding to the specified time period.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_ascending(ctx: RuleContext) -> Iterator[Violation]:
    series = _metric_series(ctx)
    for i in range(1, len(series)):
        prev, cur = series[i - 1], series[i]
        if prev is not None and cur is not None and cur <= prev:
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"after the previous timestamp ({_iso(prev)})",
                "timestamps are not in ascending order",
            )


def _period(ctx: RuleContext) -> int | None:
    period = ctx.request.get("Period", METRIC_DEFAULT_PERIOD)
    return (
        period if isinstance(period, int) and not isinstance(period, bool) and period > 0 else None
    )


@_rule(
    "cloudtrail.ListInsightsMetricData.period-aligned",
    description="Timestamps are a whole number of Periods apart (Period default 3600 s).",
    doc="List of timestamps at intervals corresponding to the specified time period.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_period_aligned(ctx: RuleContext) -> Iterator[Violation]:
    period = _period(ctx)
    if period is None:
        return
    series = _metric_series(ctx)
    first = next((t for t in series if t is not None), None)
    if first is None:
        return
    for i, cur in enumerate(series):
        if cur is not None and (cur - first) % period:
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"a whole number of Periods ({period} s) after the first, {_iso(first)}",
                f"timestamp is {cur - first:g} s after the first one, not a multiple of {period}",
            )


@_rule(
    "cloudtrail.ListInsightsMetricData.fill-with-zeros-contiguous",
    description="With DataType FillWithZeros, consecutive timestamps are exactly Period apart.",
    doc="Type of datapoints to return. Valid values are NonZeroData and FillWithZeros.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_fill_contiguous(ctx: RuleContext) -> Iterator[Violation]:
    period = _period(ctx)
    if period is None or ctx.request.get("DataType") != "FillWithZeros":
        return
    series = _metric_series(ctx)
    for i in range(1, len(series)):
        prev, cur = series[i - 1], series[i]
        if prev is not None and cur is not None and cur > prev and cur - prev != period:
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"exactly {period} s after {_iso(prev)}",
                f"gap of {cur - prev:g} s in a FillWithZeros series (missing points)",
            )


@_rule(
    "cloudtrail.ListInsightsMetricData.non-zero-data",
    description="With DataType NonZeroData (the default), no value is zero.",
    doc="Valid values are NonZeroData and FillWithZeros. The default is NonZeroData.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_non_zero(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.request.get("DataType", METRIC_DEFAULT_DATA_TYPE) != "NonZeroData":
        return
    for i, value in enumerate(_list(ctx.response.get("Values"))):
        if _number(value) and value == 0:
            yield ctx.fail(
                f"/response/Values/{i}",
                value,
                "a non-zero value (DataType NonZeroData)",
                "zero value returned although DataType is NonZeroData",
            )


@_rule(
    "cloudtrail.ListInsightsMetricData.max-results",
    description="No more data points than MaxResults (default 21600).",
    doc=(
        "The maximum number of datapoints to return. Valid values are integers from 1 to "
        "21600. The default value is 21600."
    ),
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_max_results(ctx: RuleContext) -> Iterator[Violation]:
    return _at_most_max_results(ctx, "Timestamps", METRIC_DEFAULT_MAX_RESULTS, "data points")


@_rule(
    "cloudtrail.ListInsightsMetricData.retention",
    description="No timestamp older than 15/63/90 days before the request for Period 60/300/3600.",
    doc=(
        "Data points with a period of 60 seconds (1-minute) are available for 15 days. […] "
        "Data points with a period of 300 seconds (5-minute) are available for 63 days. […] "
        "Data points with a period of 3600 seconds (1 hour) are available for 90 days."
    ),
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_retention(ctx: RuleContext) -> Iterator[Violation]:
    period = _period(ctx)
    retention = METRIC_RETENTION.get(period or 0)
    if retention is None or ctx.request_time is None:
        return
    days = retention.days
    cutoff = (ctx.request_time - retention).timestamp()
    series = _metric_series(ctx)
    old = [i for i, t in enumerate(series) if t is not None and t < cutoff]
    if old:
        yield ctx.fail(
            f"/response/Timestamps/{old[0]}",
            ctx.response["Timestamps"][old[0]],
            f"at or after {_iso(cutoff)} ({days} days before the request)",
            f"{len(old)} data point(s) older than the {days}-day retention of Period {period}",
        )


@_rule(
    "cloudtrail.ListInsightsMetricData.error-code-echo",
    description="ErrorCode is returned only for ApiErrorRateInsight, equal to the requested one.",
    doc="Only returned if InsightType parameter was set to ApiErrorRateInsight.",
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_error_code(ctx: RuleContext) -> Iterator[Violation]:
    if "ErrorCode" not in ctx.response:
        return
    got = ctx.response["ErrorCode"]
    if ctx.request.get("InsightType") != "ApiErrorRateInsight":
        yield ctx.fail(
            "/response/ErrorCode",
            got,
            "no ErrorCode (InsightType is not ApiErrorRateInsight)",
            "ErrorCode returned for a request that is not ApiErrorRateInsight",
        )
    elif got != ctx.request.get("ErrorCode"):
        yield ctx.fail(
            "/response/ErrorCode",
            got,
            f"the requested ErrorCode {ctx.request.get('ErrorCode')!r}",
            "ErrorCode differs from the requested one",
        )


@_rule(
    "cloudtrail.ListInsightsMetricData.echo-request",
    description="EventSource, EventName and InsightType are echoed as requested.",
    doc=(
        "Returns Insights metrics data for trails that have enabled Insights. The request "
        "must include the EventSource, EventName, and InsightType parameters."
    ),
    source=LIMD,
    operations=(_METRIC,),
)
def _metric_echo(ctx: RuleContext) -> Iterator[Violation]:
    for name in ("EventSource", "EventName", "InsightType"):
        if name in ctx.response and name in ctx.request and ctx.response[name] != ctx.request[name]:
            yield ctx.fail(
                f"/response/{name}",
                ctx.response[name],
                f"the requested {name} {ctx.request[name]!r}",
                f"{name} differs from the request",
            )


# --------------------------------------------------------------------------- ListInsightsData


@_rule(
    "cloudtrail.ListInsightsData.start-not-after-end",
    description="StartTime is not after EndTime.",
    doc="If the specified start time is after the specified end time, an error is returned.",
    source=LID,
    scope="request",
    operations=(_INSIGHTS,),
)
def _insights_start_end(ctx: RuleContext) -> Iterator[Violation]:
    start = _seconds(ctx.request.get("StartTime"))
    end = _seconds(ctx.request.get("EndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/request/StartTime",
            ctx.request.get("StartTime"),
            f"at or before EndTime ({_iso(end)})",
            "StartTime is after EndTime",
        )


def _event_times(ctx: RuleContext) -> Iterator[tuple[int, Any, float]]:
    for i, event in enumerate(_list(ctx.response.get("Events"))):
        raw = _dict(event).get("EventTime")
        seconds = _seconds(raw)
        if seconds is not None:
            yield i, raw, seconds


@_rule(
    "cloudtrail.ListInsightsData.most-recent-first",
    description="Events are sorted by EventTime, most recent first.",
    doc="The events list is sorted by time. The most recent event is listed first.",
    source=LID,
    operations=(_INSIGHTS,),
)
def _insights_order(ctx: RuleContext) -> Iterator[Violation]:
    previous: float | None = None
    for i, raw, seconds in _event_times(ctx):
        if previous is not None and seconds > previous:
            yield ctx.fail(
                f"/response/Events/{i}/EventTime",
                raw,
                f"at or before the previous event ({_iso(previous)})",
                "events are not sorted most recent first",
            )
        previous = seconds


@_rule(
    "cloudtrail.ListInsightsData.events-in-window",
    description="Every EventTime is inside [StartTime, EndTime] (both inclusive).",
    doc=(
        "Specifies that only events that occur after or at the specified time are returned. "
        "[…] Specifies that only events that occur before or at the specified time are "
        "returned."
    ),
    source=LID,
    operations=(_INSIGHTS,),
)
def _insights_window(ctx: RuleContext) -> Iterator[Violation]:
    start = _seconds(ctx.request.get("StartTime"))
    end = _seconds(ctx.request.get("EndTime"))
    if start is None and end is None:
        return
    lo = -math.inf if start is None else start
    hi = math.inf if end is None else end
    window = _window(start, end, "]")
    for i, raw, seconds in _event_times(ctx):
        if not lo <= seconds <= hi:
            yield ctx.fail(
                f"/response/Events/{i}/EventTime",
                raw,
                f"inside {window}",
                "event outside the requested time window",
            )


@_rule(
    "cloudtrail.ListInsightsData.max-results",
    description="No more events than MaxResults (default 50).",
    doc="The number of events to return. Possible values are 1 through 50. The default is 50.",
    source=LID,
    operations=(_INSIGHTS,),
)
def _insights_max(ctx: RuleContext) -> Iterator[Violation]:
    return _at_most_max_results(ctx, "Events", INSIGHTS_DEFAULT_MAX_RESULTS, "events")


@_rule(
    "cloudtrail.ListInsightsData.dimension-match",
    description="Each event matches the requested Dimension (EventId, EventName or EventSource).",
    doc=("A list of events returned based on the InsightSource, DataType or Dimensions specified."),
    source=LID,
    operations=(_INSIGHTS,),
)
def _insights_dimension(ctx: RuleContext) -> Iterator[Violation]:
    dimensions = _dict(ctx.request.get("Dimensions"))
    for i, event in enumerate(_list(ctx.response.get("Events"))):
        event = _dict(event)
        for key, wanted in dimensions.items():
            if key in INSIGHTS_DIMENSION_KEYS and event.get(key) != wanted:
                yield ctx.fail(
                    f"/response/Events/{i}/{key}",
                    event.get(key),
                    f"{wanted!r} (the requested {key} dimension)",
                    f"event does not match the requested {key}",
                )


@_rule(
    "cloudtrail.ListInsightsData.cloudtrail-event-json",
    description="CloudTrailEvent is a JSON string holding an object.",
    doc="A JSON string that contains a representation of the event returned.",
    source=LID,
    operations=(_INSIGHTS,),
)
def _insights_event_json(ctx: RuleContext) -> Iterator[Violation]:
    for i, event in enumerate(_list(ctx.response.get("Events"))):
        text = _dict(event).get("CloudTrailEvent")
        if not isinstance(text, str):
            continue
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            yield ctx.fail(
                f"/response/Events/{i}/CloudTrailEvent",
                text,
                "a JSON object as text",
                f"CloudTrailEvent is not JSON ({exc})",
            )
            continue
        if not isinstance(parsed, dict):
            yield ctx.fail(
                f"/response/Events/{i}/CloudTrailEvent",
                text,
                "a JSON object as text",
                f"CloudTrailEvent holds a JSON {type(parsed).__name__}, not an object",
            )


# --------------------------------------------------------------------------- X-Ray


def _impact(ctx: RuleContext, base: str, holder: dict[str, Any]) -> Iterator[Violation]:
    for name in ("ClientRequestImpactStatistics", "RootCauseServiceRequestImpactStatistics"):
        stats = _dict(holder.get(name))
        counts = {k: stats.get(k) for k in ("FaultCount", "OkCount", "TotalCount")}
        for key, value in counts.items():
            if _number(value) and value < 0:
                yield ctx.fail(
                    f"{base}/{name}/{key}", value, "a count of 0 or more", "negative count"
                )
        fault, ok, total = counts["FaultCount"], counts["OkCount"], counts["TotalCount"]
        if _number(fault) and _number(ok) and _number(total) and fault + ok > total:
            yield ctx.fail(
                f"{base}/{name}/TotalCount",
                total,
                f"at least FaultCount + OkCount = {fault + ok}",
                "FaultCount + OkCount exceeds TotalCount",
            )


_IMPACT_DOC = (
    "The impact statistics of the client side service. This includes the number of requests "
    "to the client service and whether the requests were faults or okay."
)


@_rule(
    "xray.GetInsightEvents.max-results",
    description="No more events than MaxResults.",
    doc="Used to retrieve at most the specified value of events.",
    source=GIE,
    operations=(_EVENTS,),
)
def _events_max(ctx: RuleContext) -> Iterator[Violation]:
    # GetInsightEvents documents no default page size: only a requested MaxResults binds.
    return _at_most_max_results(ctx, "InsightEvents", None, "insight events")


@_rule(
    "xray.GetInsightEvents.impact-statistics",
    description="Impact statistics are consistent: FaultCount + OkCount <= TotalCount, none < 0.",
    doc=_IMPACT_DOC,
    source=GIE,
    operations=(_EVENTS,),
)
def _events_impact(ctx: RuleContext) -> Iterator[Violation]:
    for i, event in enumerate(_list(ctx.response.get("InsightEvents"))):
        yield from _impact(ctx, f"/response/InsightEvents/{i}", _dict(event))


@_rule(
    "xray.GetInsight.insight-id-echo",
    description="The returned InsightId is the requested one.",
    doc=(
        "The insight's unique identifier. Use the GetInsightSummaries action to retrieve an "
        "InsightId."
    ),
    source=GI,
    operations=(_INSIGHT,),
)
def _insight_echo(ctx: RuleContext) -> Iterator[Violation]:
    insight = _dict(ctx.response.get("Insight"))
    if "InsightId" in insight and insight["InsightId"] != ctx.request.get("InsightId"):
        yield ctx.fail(
            "/response/Insight/InsightId",
            insight["InsightId"],
            f"the requested InsightId {ctx.request.get('InsightId')!r}",
            "a different insight was returned",
        )


@_rule(
    "xray.GetInsight.closed-iff-end-time",
    description="State is CLOSED exactly when EndTime is present.",
    doc=(
        "The current state of the insight. […] The time, in Unix seconds, at which the "
        "insight ended."
    ),
    source=GI,
    operations=(_INSIGHT,),
)
def _insight_state(ctx: RuleContext) -> Iterator[Violation]:
    insight = _dict(ctx.response.get("Insight"))
    state = insight.get("State")
    if state not in ("ACTIVE", "CLOSED"):
        return
    has_end = insight.get("EndTime") is not None
    if state == "CLOSED" and not has_end:
        yield ctx.fail(
            "/response/Insight/EndTime",
            None,
            "an EndTime (State is CLOSED)",
            "a CLOSED insight has no EndTime",
        )
    elif state == "ACTIVE" and has_end:
        yield ctx.fail(
            "/response/Insight/State",
            state,
            "CLOSED (EndTime is present)",
            "an insight with an EndTime is still ACTIVE",
        )


@_rule(
    "xray.GetInsight.start-not-after-end",
    description="StartTime is not after EndTime.",
    doc=(
        "The time, in Unix seconds, at which the insight began. […] The time, in Unix seconds, "
        "at which the insight ended."
    ),
    source=GI,
    operations=(_INSIGHT,),
)
def _insight_times(ctx: RuleContext) -> Iterator[Violation]:
    insight = _dict(ctx.response.get("Insight"))
    start, end = _seconds(insight.get("StartTime")), _seconds(insight.get("EndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/response/Insight/EndTime",
            insight.get("EndTime"),
            f"at or after StartTime ({_iso(start)})",
            "the insight ends before it began",
        )


@_rule(
    "xray.GetInsight.impact-statistics",
    description="Impact statistics are consistent: FaultCount + OkCount <= TotalCount, none < 0.",
    doc=_IMPACT_DOC,
    source=GI,
    operations=(_INSIGHT,),
)
def _insight_impact(ctx: RuleContext) -> Iterator[Violation]:
    yield from _impact(ctx, "/response/Insight", _dict(ctx.response.get("Insight")))


# --------------------------------------------------------------------------- Internet Monitor


@_rule(
    "internetmonitor.GetInternetEvent.event-id-echo",
    description="The returned EventId is the requested one and appears in EventArn.",
    doc="The ``EventId`` of the internet event to return information for.",
    source=GIEV,
    operations=(_INTERNET,),
)
def _internet_echo(ctx: RuleContext) -> Iterator[Violation]:
    wanted = ctx.request.get("EventId")
    got = ctx.response.get("EventId")
    if got is not None and got != wanted:
        yield ctx.fail(
            "/response/EventId",
            got,
            f"the requested EventId {wanted!r}",
            "a different internet event was returned",
        )
    arn = ctx.response.get("EventArn")
    if isinstance(arn, str) and isinstance(wanted, str) and wanted not in arn:
        yield ctx.fail(
            "/response/EventArn",
            arn,
            f"an ARN containing {wanted!r}",
            "EventArn does not name the requested event",
        )


@_rule(
    "internetmonitor.GetInternetEvent.resolved-iff-ended",
    description="EventStatus is RESOLVED exactly when EndedAt is present.",
    doc=(
        "The time when the internet event ended. If the event hasn't ended yet, this value "
        "is empty."
    ),
    source=GIEV,
    operations=(_INTERNET,),
)
def _internet_status(ctx: RuleContext) -> Iterator[Violation]:
    status = ctx.response.get("EventStatus")
    ended = ctx.response.get("EndedAt") not in (None, "")
    if status == "RESOLVED" and not ended:
        yield ctx.fail(
            "/response/EndedAt",
            None,
            "an EndedAt (EventStatus is RESOLVED)",
            "a RESOLVED event has no EndedAt",
        )
    elif status == "ACTIVE" and ended:
        yield ctx.fail(
            "/response/EventStatus",
            status,
            "RESOLVED (EndedAt is present)",
            "an event that has ended is still ACTIVE",
        )


@_rule(
    "internetmonitor.GetInternetEvent.started-not-after-ended",
    description="StartedAt is not after EndedAt.",
    doc=(
        "The information returned here includes the impacted location, when the event started "
        "and (if the event is over) ended,"
    ),
    source=GIEV,
    operations=(_INTERNET,),
)
def _internet_times(ctx: RuleContext) -> Iterator[Violation]:
    start = _seconds(ctx.response.get("StartedAt"))
    end = _seconds(ctx.response.get("EndedAt"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/response/EndedAt",
            ctx.response.get("EndedAt"),
            f"at or after StartedAt ({_iso(start)})",
            "the event ends before it started",
        )


@_rule(
    "internetmonitor.GetInternetEvent.coordinates-range",
    description="Latitude is within [-90, 90] and Longitude within [-180, 180].",
    doc=(
        "The latitude where the internet event is located. […] The longitude where the "
        "internet event is located."
    ),
    source=GIEV,
    operations=(_INTERNET,),
)
def _internet_coordinates(ctx: RuleContext) -> Iterator[Violation]:
    location = _dict(ctx.response.get("ClientLocation"))
    for name, bound in (("Latitude", 90), ("Longitude", 180)):
        value = location.get(name)
        if _number(value) and not -bound <= value <= bound:
            yield ctx.fail(
                f"/response/ClientLocation/{name}",
                value,
                f"within [-{bound}, {bound}]",
                f"{name} out of range",
            )


# --------------------------------------------------------------------------- errors


@functools.cache
def modeled_errors(service: str, operation: str) -> dict[str, Any]:
    """The error shapes ``service:operation`` models, by shape name and by error code."""
    out: dict[str, Any] = {}
    for shape in operation_model(service, operation).error_shapes:
        out[shape.name] = shape
        code = shape.metadata.get("error", {}).get("code")
        if code:
            out[code] = shape
    return out


def expected_error_status(service: str, operation: str, code: str) -> int | None:
    """The HTTP status the model gives error ``code`` of the operation; None when unmodeled."""
    shape = modeled_errors(service, operation).get(code)
    if shape is None:
        return None
    return error_status(service, shape.name, 500 if shape.metadata.get("fault") else 400)


@_rule(
    "errors.modeled-code",
    description="The error code is one the operation models or an AWS common error.",
    doc="",
    source=MODEL,
    scope="error",
    severity="drift",
)
def _error_modeled(ctx: RuleContext) -> Iterator[Violation]:
    assert ctx.error is not None
    code = ctx.error.code
    ex = ctx.exchange
    modeled = modeled_errors(ex.service, ex.operation)
    if code in modeled or code in AWS_COMMON_ERRORS:
        return
    if not modeled:
        return  # the model lists no error for it (every EC2 operation): it makes no claim
    if code == str(ctx.error.status) and not ex.response.body.strip():
        return  # a body-less error (S3 answers HEAD so): botocore reads its status as code
    # An operation with a documented rate limit may be throttled although the model lists no
    # throttling error (ListInsightsData: "a throttling error occurs").
    documented_throttling = (THROTTLING_ERROR.get(ex.service), COMMON_THROTTLING_ERROR)
    if (ex.service, ex.operation) in RATE_LIMITS and code in documented_throttling:
        return
    names = sorted({s.name for s in modeled.values()})
    yield ctx.fail(
        "/response",
        code,
        f"one of the modeled errors ({', '.join(names) or 'none'})",
        f"error code {code!r} (HTTP {ctx.error.status}) is not modeled for this operation",
    )


@_rule(
    "errors.status-matches",
    description="The HTTP status is the one the model gives the error shape.",
    doc="",
    source=MODEL,
    scope="error",
)
def _error_status(ctx: RuleContext) -> Iterator[Violation]:
    assert ctx.error is not None
    ex = ctx.exchange
    wanted = expected_error_status(ex.service, ex.operation, ctx.error.code)
    if wanted is not None and wanted != ctx.error.status:
        yield ctx.fail(
            "/response",
            ctx.error.status,
            f"HTTP {wanted} for {ctx.error.code}",
            f"{ctx.error.code} came with HTTP {ctx.error.status}",
        )


# --------------------------------------------------------------------------- pagination

_TOKEN_DOC = (
    "The token to use to get the next page of results after a previous API call. If the token "
    "does not appear, there are no more results to return."
)


@_rule(
    "pagination.token-not-repeated",
    description="Within one chain of pages, a NextToken is never returned twice.",
    doc=_TOKEN_DOC,
    source=LID,
    scope="chain",
)
def _token_not_repeated(ctx: RuleContext) -> Iterator[Violation]:
    seen: set[str] = set()
    for page in ctx.pages:
        sent = page.request.get("NextToken")
        if isinstance(sent, str):
            seen.add(sent)
        returned = page.response.get("NextToken")
        if isinstance(returned, str):
            if returned in seen:
                yield ctx.fail(
                    "/response/NextToken",
                    returned,
                    "a token not seen before in this chain",
                    "NextToken repeats an earlier token: a client following it loops forever",
                    exchange=page.exchange,
                )
            seen.add(returned)


def _items(page: Any) -> int | None:
    """How many items a page returned: the first list member of the output."""
    for value in page.response.values():
        if isinstance(value, list):
            return len(value)
    return None


@_rule(
    "pagination.chain-ends",
    description="A chain makes progress: no two pages in a row return no items and a NextToken.",
    doc=_TOKEN_DOC,
    source=LID,
    scope="chain",
)
def _chain_ends(ctx: RuleContext) -> Iterator[Violation]:
    empty_with_token = 0
    for page in ctx.pages:
        if page.response.get("NextToken") and not _items(page):
            empty_with_token += 1
            if empty_with_token >= 2:
                yield ctx.fail(
                    "/response/NextToken",
                    page.response.get("NextToken"),
                    "items, or no NextToken (the end of the results)",
                    f"{empty_with_token} empty pages in a row still return a NextToken: the "
                    "chain does not progress toward its end",
                    exchange=page.exchange,
                )
        else:
            empty_with_token = 0


@_rule(
    "pagination.same-parameters",
    description="A request with NextToken repeats the parameters of the call that returned it.",
    doc=(
        "The token to use to get the next page of results after a previous API call. This "
        "token must be passed in with the same parameters that were specified in the original "
        "call."
    ),
    source=LID,
    scope="chain",
)
def _same_parameters(ctx: RuleContext) -> Iterator[Violation]:
    for previous, page in zip(ctx.pages, ctx.pages[1:], strict=False):
        before = {k: v for k, v in previous.request.items() if k != "NextToken"}
        after = {k: v for k, v in page.request.items() if k != "NextToken"}
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                yield ctx.fail(
                    f"/request/{name}",
                    after.get(name),
                    f"{before.get(name)!r}, as in the call that returned the token",
                    f"{name} changed between pages of one NextToken chain",
                    exchange=page.exchange,
                )


# --------------------------------------------------------------------------- registry

#: Every rule, in declaration order.
RULES: tuple[Rule, ...] = tuple(_DECLARED)
_BY_ID = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id``; a mistyped id raises ``KeyError`` with a close match."""
    try:
        return _BY_ID[rule_id]
    except KeyError:
        from harness.errors import did_you_mean

        raise KeyError(f"No rule {rule_id!r}.{did_you_mean(rule_id, _BY_ID)}") from None


@functools.cache
def rules_for(service: str, operation: str, scope: Scope) -> tuple[Rule, ...]:
    """The rules of ``scope`` that apply to ``service:operation``."""
    label = f"{service}:{operation}"
    return tuple(r for r in RULES if r.scope == scope and r.applies_to(label))
