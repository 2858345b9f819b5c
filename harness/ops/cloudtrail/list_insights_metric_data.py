"""CloudTrail ListInsightsMetricData: the Insights metric series of one API call.

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/cloudtrail-list_insights_metric_data.txt``): the
documented values, schema overlays, rules, strategies and the synthetic backend's answer.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import UTC
from harness.ops.base import Backend, Breaker, Knowledge, TooFewItems
from harness.ops.checks import (
    as_list,
    at_most_max_results,
    is_number,
    iso,
    to_epoch,
    window_text,
)
from harness.ops.draw import (
    TYPICAL_ITEMS,
    Clock,
    Flat,
    Joint,
    Span,
    Variants,
    Window,
    error_codes,
    event_names,
    event_sources,
    max_results,
    maybe,
    next_tokens,
    no_char_of,
    optional,
    param_time,
    put,
    replaced,
    sample_window,
    swapped_window,
    trail_arns,
    trail_names,
    without,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation

from harness.ops.cloudtrail import (
    ERROR_RATE_INSIGHT,
    LIMD,
    SAMPLE_CALLS,
    SAMPLE_TRAILS,
    VALIDATION_ERROR,
)

PAGE = LIMD
K = Knowledge("cloudtrail", "ListInsightsMetricData", PAGE)

# =========================================================================== documented facts

METRIC_PERIODS: tuple[int, ...] = K.fact(
    "METRIC_PERIODS",
    (60, 300, 3600),
    (
        LIMD,
        "Valid values are 60, 300, and 3600. If you specify any other value, you will get an "
        "error.",
    ),
    note="The model only says 60..3600.",
)


METRIC_RETENTION: dict[int, dt.timedelta] = K.fact(
    "METRIC_RETENTION",
    {60: dt.timedelta(days=15), 300: dt.timedelta(days=63), 3600: dt.timedelta(days=90)},
    (LIMD, "Data points with a period of 60 seconds (1-minute) are available for 15 days."),
    (LIMD, "Data points with a period of 300 seconds (5-minute) are available for 63 days."),
    (LIMD, "Data points with a period of 3600 seconds (1 hour) are available for 90 days."),
)


METRIC_DEFAULT_WINDOW: dt.timedelta = K.fact(
    "METRIC_DEFAULT_WINDOW",
    dt.timedelta(days=90),
    (LIMD, "The default is 90 days before the time of request."),
    (LIMD, "The default is the time of request."),
)


METRIC_DEFAULT_PERIOD: int = K.fact(
    "METRIC_DEFAULT_PERIOD", 3600, (LIMD, "The default is 3600 seconds.")
)


METRIC_DEFAULT_DATA_TYPE: str = K.fact(
    "METRIC_DEFAULT_DATA_TYPE",
    "NonZeroData",
    (LIMD, "Valid values are NonZeroData and FillWithZeros. The default is NonZeroData."),
)


METRIC_MAX_RESULTS_RANGE: tuple[int, int] = K.fact(
    "METRIC_MAX_RESULTS_RANGE",
    (1, 21600),
    (
        LIMD,
        "The maximum number of datapoints to return. Valid values are integers from 1 to 21600.",
    ),
)


METRIC_DEFAULT_MAX_RESULTS: int = K.fact(
    "METRIC_DEFAULT_MAX_RESULTS",
    21600,
    (LIMD, "Valid values are integers from 1 to 21600. The default value is 21600."),
)


# =========================================================================== schema overlays

K.overlay(
    name="period-values",
    direction="input",
    members=("Period",),
    # The model only says 60..3600.
    schema={
        "properties": {"Period": {"enum": list(METRIC_PERIODS), "default": METRIC_DEFAULT_PERIOD}}
    },
    quotes=(
        "Valid values are 60, 300, and 3600. If you specify any other value, you will get "
        "an error. The default is 3600 seconds.",
    ),
)

K.overlay(
    name="error-code-required-for-error-rate",
    direction="input",
    members=("InsightType", "ErrorCode"),
    schema={
        "if": {
            "properties": {"InsightType": {"const": "ApiErrorRateInsight"}},
            "required": ["InsightType"],
        },
        "then": {"required": ["ErrorCode"]},
    },
    quotes=(
        "If the InsightType is set to ApiErrorRateInsight, the request must also include "
        "the ErrorCode parameter.",
    ),
)

K.overlay(
    name="max-results-default",
    direction="input",
    members=("MaxResults",),
    schema={"properties": {"MaxResults": {"default": METRIC_DEFAULT_MAX_RESULTS}}},
    quotes=("Valid values are integers from 1 to 21600. The default value is 21600.",),
)

K.overlay(
    name="data-type-default",
    direction="input",
    members=("DataType",),
    schema={"properties": {"DataType": {"default": METRIC_DEFAULT_DATA_TYPE}}},
    quotes=("Valid values are NonZeroData and FillWithZeros. The default is NonZeroData.",),
)

K.overlay(
    name="error-code-only-for-error-rate",
    direction="output",
    members=("InsightType", "ErrorCode"),
    schema={
        "if": {
            "properties": {"InsightType": {"not": {"const": "ApiErrorRateInsight"}}},
            "required": ["InsightType"],
        },
        "then": {"not": {"required": ["ErrorCode"]}},
    },
    quotes=("Only returned if InsightType parameter was set to ApiErrorRateInsight.",),
)


# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.

DAY = 86400


def _points(response: dict[str, Any]) -> int:
    return len(response.get("Timestamps") or [])


def _swapped_window(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if "StartTime" not in request or "EndTime" not in request:
        return False
    if to_epoch(request["StartTime"]) == to_epoch(request["EndTime"]):
        return False  # (an empty window, which is no violation, stays one swapped)
    request["StartTime"], request["EndTime"] = request["EndTime"], request["StartTime"]
    response["Timestamps"], response["Values"] = [], []  # an accepted, empty window
    return True


def _one_value_too_many(request: dict[str, Any], response: dict[str, Any]) -> bool:
    response["Values"] = [*(response.get("Values") or []), 1.0]
    return True


def _point_at_end_time(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if not _points(response):
        return False
    request["EndTime"] = response["Timestamps"][-1]  # EndTime is exclusive
    return True


def _first_two_swapped(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if _points(response) < 2:
        return False
    stamps = response["Timestamps"]
    stamps[0], stamps[1] = stamps[1], stamps[0]
    return True


def _off_the_grid(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if _points(response) < 2:
        return False
    response["Timestamps"][-1] -= request.get("Period", METRIC_DEFAULT_PERIOD) // 2
    return True


def _gap_in_zero_filled(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if _points(response) < 3:
        return False
    request["DataType"] = "FillWithZeros"
    del response["Timestamps"][1], response["Values"][1]
    return True


def _zero_in_non_zero(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if not _points(response):
        return False
    request["DataType"] = "NonZeroData"
    response["Values"][0] = 0.0
    return True


def _beyond_max_results(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["MaxResults"] = 1
    return _points(response) > 1


def _past_retention(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if not _points(response):
        return False
    # 100 days (a whole number of every Period) before the first point: past all retentions
    response["Timestamps"][0] -= 100 * DAY
    if "StartTime" in request:
        request["StartTime"] = response["Timestamps"][0]  # still inside the window
    return True


def _other_error_code(request: dict[str, Any], response: dict[str, Any]) -> bool:
    code = request.get("ErrorCode")
    response["ErrorCode"] = "AccessDenied" if code != "AccessDenied" else "NoSuchKey"
    return True


def _other_event_name(request: dict[str, Any], response: dict[str, Any]) -> bool:
    name = request["EventName"]
    response["EventName"] = "GetObject" if name != "GetObject" else "PutObject"
    return True


def _metric_window(ctx: RuleContext) -> tuple[float | None, float | None]:
    """StartTime (inclusive) and EndTime (exclusive), with the documented defaults."""
    start = to_epoch(ctx.request.get("StartTime"))
    end = to_epoch(ctx.request.get("EndTime"))
    now = ctx.request_time.timestamp() if ctx.request_time else None
    if end is None:
        end = now
    if start is None and now is not None:
        start = now - METRIC_DEFAULT_WINDOW.total_seconds()
    return start, end


def _metric_series(ctx: RuleContext) -> list[float | None]:
    return [to_epoch(t) for t in as_list(ctx.response.get("Timestamps"))]


@K.rule(
    "start-before-end",
    description=(
        "StartTime is not after EndTime (equal is an empty window: StartTime is inclusive "
        "and EndTime exclusive, and no page refuses it)."
    ),
    doc=(
        "Specifies, in UTC, the start time for time-series data. The value specified is "
        "inclusive; results include data points with the specified time stamp. […] "
        "Specifies, in UTC, the end time for time-series data. The value specified is "
        "exclusive; results include data points up to the specified time stamp."
    ),
    scope="request",
    breaks=_swapped_window,
)
def _metric_start_before_end(ctx: RuleContext) -> Iterator[Violation]:
    start = to_epoch(ctx.request.get("StartTime"))
    end = to_epoch(ctx.request.get("EndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/request/StartTime",
            ctx.request.get("StartTime"),
            f"at or before EndTime ({iso(end)})",
            "StartTime is after EndTime: the window runs backwards",
        )


@K.rule(
    "timestamps-values-length",
    description="Timestamps and Values have the same length.",
    doc="The number of values is equal to the number of timestamps.",
    breaks=_one_value_too_many,
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


@K.rule(
    "timestamps-in-window",
    description="Every timestamp is inside [StartTime, EndTime) (defaults: 90 days, request time).",
    doc=(
        "Specifies, in UTC, the start time for time-series data. The value specified is "
        "inclusive; results include data points with the specified time stamp. […] "
        "Specifies, in UTC, the end time for time-series data. The value specified is "
        "exclusive; results include data points up to the specified time stamp."
    ),
    breaks=_point_at_end_time,
)
def _metric_in_window(ctx: RuleContext) -> Iterator[Violation]:
    start, end = _metric_window(ctx)
    if start is None and end is None:
        return
    lo = -math.inf if start is None else start
    hi = math.inf if end is None else end
    window = window_text(start, end, ")")
    for i, t in enumerate(_metric_series(ctx)):
        if t is not None and not (lo <= t < hi):
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"inside {window}",
                "timestamp outside the requested window (StartTime inclusive, EndTime exclusive)",
            )


@K.rule(
    "timestamps-ascending",
    description="Timestamps are strictly ascending.",
    doc="List of timestamps at intervals corresponding to the specified time period.",
    breaks=_first_two_swapped,
)
def _metric_ascending(ctx: RuleContext) -> Iterator[Violation]:
    series = _metric_series(ctx)
    for i in range(1, len(series)):
        prev, cur = series[i - 1], series[i]
        if prev is not None and cur is not None and cur <= prev:
            yield ctx.fail(
                f"/response/Timestamps/{i}",
                ctx.response["Timestamps"][i],
                f"after the previous timestamp ({iso(prev)})",
                "timestamps are not in ascending order",
            )


def _period(ctx: RuleContext) -> int | None:
    period = ctx.request.get("Period", METRIC_DEFAULT_PERIOD)
    return (
        period if isinstance(period, int) and not isinstance(period, bool) and period > 0 else None
    )


@K.rule(
    "period-aligned",
    description="Timestamps are a whole number of Periods apart (Period default 3600 s).",
    doc="List of timestamps at intervals corresponding to the specified time period.",
    breaks=_off_the_grid,
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
                f"a whole number of Periods ({period} s) after the first, {iso(first)}",
                f"timestamp is {cur - first:g} s after the first one, not a multiple of {period}",
            )


@K.rule(
    "fill-with-zeros-contiguous",
    description="With DataType FillWithZeros, consecutive timestamps are exactly Period apart.",
    doc="Type of datapoints to return. Valid values are NonZeroData and FillWithZeros.",
    breaks=_gap_in_zero_filled,
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
                f"exactly {period} s after {iso(prev)}",
                f"gap of {cur - prev:g} s in a FillWithZeros series (missing points)",
            )


@K.rule(
    "non-zero-data",
    description="With DataType NonZeroData (the default), no value is zero.",
    doc="Valid values are NonZeroData and FillWithZeros. The default is NonZeroData.",
    breaks=_zero_in_non_zero,
)
def _metric_non_zero(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.request.get("DataType", METRIC_DEFAULT_DATA_TYPE) != "NonZeroData":
        return
    for i, value in enumerate(as_list(ctx.response.get("Values"))):
        if is_number(value) and value == 0:
            yield ctx.fail(
                f"/response/Values/{i}",
                value,
                "a non-zero value (DataType NonZeroData)",
                "zero value returned although DataType is NonZeroData",
            )


@K.rule(
    "max-results",
    description="No more data points than MaxResults (default 21600).",
    doc=(
        "The maximum number of datapoints to return. Valid values are integers from 1 to "
        "21600. The default value is 21600."
    ),
    breaks=_beyond_max_results,
)
def _metric_max_results(ctx: RuleContext) -> Iterator[Violation]:
    return at_most_max_results(ctx, "Timestamps", METRIC_DEFAULT_MAX_RESULTS, "data points")


@K.rule(
    "retention",
    description="No timestamp older than 15/63/90 days before the request for Period 60/300/3600.",
    doc=(
        "Data points with a period of 60 seconds (1-minute) are available for 15 days. […] "
        "Data points with a period of 300 seconds (5-minute) are available for 63 days. […] "
        "Data points with a period of 3600 seconds (1 hour) are available for 90 days."
    ),
    breaks=_past_retention,
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
            f"at or after {iso(cutoff)} ({days} days before the request)",
            f"{len(old)} data point(s) older than the {days}-day retention of Period {period}",
        )


@K.rule(
    "error-code-echo",
    description="ErrorCode is returned only for ApiErrorRateInsight, equal to the requested one.",
    doc="Only returned if InsightType parameter was set to ApiErrorRateInsight.",
    breaks=_other_error_code,
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


@K.rule(
    "echo-request",
    description="EventSource, EventName and InsightType are echoed as requested.",
    doc=(
        "Returns Insights metrics data for trails that have enabled Insights. The request "
        "must include the EventSource, EventName, and InsightType parameters."
    ),
    breaks=_other_event_name,
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


# =========================================================================== strategies


def metric_data_request(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsMetricData requests true to the documented rules."""

    # StartTime defaults to 90 days back, which is the retention of 3600-second data only:
    # with a finer Period the request names a start inside that Period's retention.
    # "StartTime ... inclusive", "EndTime ... exclusive": an equal pair is an empty window,
    # drawn (Window draws the end at the start) as the checker and the backend accept it.
    def period_window(period: int | None) -> Flat[tuple[int | None, str | None, Span]]:
        window = Window(
            clock,
            METRIC_RETENTION[period or METRIC_DEFAULT_PERIOD],
            start_optional=period is None or period == METRIC_DEFAULT_PERIOD,
        )
        data_types = Variants(None, "FillWithZeros", "NonZeroData")
        return Joint(data_types, window, then=lambda kind, span: (period, kind, span))

    def build(
        insight: tuple[str, str | None],
        source: str,
        name: str,
        period_window: tuple[int | None, str | None, Span],
        limit: int | None,
        trail: str | None,
    ) -> dict[str, Any]:
        (insight_type, code), (period, data_type, (start, end)) = insight, period_window
        params: dict[str, Any] = {
            "EventSource": source,
            "EventName": name,
            "InsightType": insight_type,
        }
        put(params, "ErrorCode", code)
        put(params, "Period", period)
        put(params, "StartTime", start)
        put(params, "EndTime", end)
        put(params, "DataType", data_type)
        put(params, "MaxResults", limit)
        put(params, "TrailName", trail)  # "The Amazon Resource Name(ARN) or name of the trail"
        return params

    return Joint(
        Variants(
            ("ApiCallRateInsight", None),
            error_codes().map(lambda code: (ERROR_RATE_INSIGHT, code)),
        ),
        event_sources(),
        event_names(),
        Variants(*(period_window(p) for p in (None, *METRIC_PERIODS))),
        max_results(METRIC_MAX_RESULTS_RANGE[1]),
        Variants(None, trail_names(), trail_arns()),
        then=build,
    ).strategy


def metric_data_breakers(clock: Clock) -> list[Breaker]:
    """Every documented ListInsightsMetricData constraint, and who catches it when broken."""
    service = VALIDATION_ERROR

    def error_rate_without_code(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        base = {k: v for k, v in params.items() if k != "ErrorCode"}
        return st.just({**base, "InsightType": ERROR_RATE_INSIGHT})

    def clear_window(
        name: str, values: SearchStrategy[Any]
    ) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
        # A Period outside the documented set has no retention: drop the window so nothing
        # else is wrong.
        def apply(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
            base = {k: v for k, v in params.items() if k not in ("StartTime", "EndTime")}
            return values.map(lambda v: {**base, name: v})

        return apply

    return [
        Breaker("required.EventSource", "client", without("EventSource")),
        Breaker("required.EventName", "client", without("EventName")),
        Breaker("required.InsightType", "client", without("InsightType")),
        Breaker("EventName.type", "client", replaced("EventName", st.integers(0, 9))),
        Breaker("Period.min", "client", clear_window("Period", st.integers(-5, 59))),
        Breaker("MaxResults.min", "client", replaced("MaxResults", st.integers(-5, 0))),
        Breaker("NextToken.min", "client", replaced("NextToken", st.just(""))),
        Breaker(
            "Period.enum",
            service,
            clear_window("Period", st.integers(61, 3599).filter(lambda p: p not in METRIC_PERIODS)),
        ),
        Breaker("Period.max", service, clear_window("Period", st.integers(3601, 86400))),
        Breaker(
            "MaxResults.max",
            service,
            replaced("MaxResults", st.integers(METRIC_MAX_RESULTS_RANGE[1] + 1, 10**6)),
        ),
        Breaker(
            "InsightType.enum",
            service,
            replaced("InsightType", st.sampled_from(["ApiCallRate", "apicallrateinsight"])),
        ),
        Breaker(
            "DataType.enum",
            service,
            replaced("DataType", st.sampled_from(["ZeroData", "nonzerodata"])),
        ),
        Breaker(
            "EventSource.pattern",
            service,
            replaced(
                "EventSource", st.sampled_from(["s3", "S3.amazonaws.com", "s3.amazonaws.com.evil"])
            ),
        ),
        Breaker(
            "EventSource.max",
            service,
            replaced(
                "EventSource", st.from_regex(r"[a-z0-9_-]{243}\.amazonaws\.com", fullmatch=True)
            ),
        ),
        Breaker("EventName.pattern", service, replaced("EventName", no_char_of("", 1, 20))),
        Breaker(
            "EventName.max",
            service,
            replaced("EventName", st.from_regex(r"[A-Za-z0-9_]{129}", fullmatch=True)),
        ),
        Breaker("ErrorCode.required-for-ApiErrorRateInsight", service, error_rate_without_code),
        Breaker("StartTime.after-EndTime", service, swapped_window(clock)),
    ]


def metric_grid(request: Mapping[str, Any], clock: Clock) -> tuple[int, int, int]:
    """(first aligned epoch second, number of slots, Period) the request's window allows."""
    ref = clock.now()
    period = int(request.get("Period") or METRIC_DEFAULT_PERIOD)
    retention = METRIC_RETENTION.get(period, METRIC_RETENTION[METRIC_DEFAULT_PERIOD])
    start = max(
        param_time(request, "StartTime") or clock.oldest(METRIC_DEFAULT_WINDOW),
        clock.oldest(retention),
    )
    end = min(param_time(request, "EndTime") or ref, ref)
    first = -(-int(start.timestamp()) // period) * period  # StartTime inclusive
    last_exclusive = int(-(-end.timestamp() // 1))  # EndTime exclusive
    slots = max(0, -(-(last_exclusive - first) // period))
    return first, slots, period


def metric_points(
    request: Mapping[str, Any], clock: Clock, max_size: int, min_size: int = 0
) -> SearchStrategy[list[tuple[dt.datetime, float]]]:
    """(timestamp, value) points: aligned, ascending, Period apart; zeros only if FillWithZeros;
    ``min_size`` to ``max_size`` of them (``TooFewItems`` if the window holds fewer slots)."""
    first, slots, period = metric_grid(request, clock)
    fill = request.get("DataType") == "FillWithZeros"
    size = min(max_size, slots)
    if min_size > size:
        raise TooFewItems(
            f"the request's window holds {slots} Period slot(s) of {period} s, at most one "
            "point each"
        )
    value = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
    positive = st.floats(0.001, 1e6, allow_nan=False, allow_infinity=False)

    def at(slot: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(first + slot * period, tz=UTC)

    if size == 0:
        return st.just([])
    if fill:
        # FillWithZeros returns every slot of a run: contiguous timestamps, zeros allowed.
        @st.composite
        def draw_run(draw: DrawFn) -> list[tuple[dt.datetime, float]]:
            count = draw(st.integers(min_size, size))
            offset = draw(st.integers(0, slots - count))
            values = draw(st.lists(st.one_of(st.just(0.0), value), min_size=count, max_size=count))
            return [(at(offset + i), v) for i, v in enumerate(values)]

        return draw_run()
    picks = st.lists(st.integers(0, slots - 1), min_size=min_size, max_size=size, unique=True)
    return picks.flatmap(
        lambda picked: st.lists(positive, min_size=len(picked), max_size=len(picked)).map(
            lambda values: [(at(s), v) for s, v in zip(sorted(picked), values, strict=True)]
        )
    )


def metric_data_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsMetricData output for ``request``: echoes and aligned points."""
    limit = min(int(request.get("MaxResults") or METRIC_MAX_RESULTS_RANGE[1]), TYPICAL_ITEMS)
    echo = {k: request[k] for k in ("EventSource", "EventName", "InsightType") if k in request}
    if request.get("InsightType") == ERROR_RATE_INSIGHT and "ErrorCode" in request:
        echo["ErrorCode"] = request["ErrorCode"]

    def build(points: list[tuple[dt.datetime, float]], token: str | None) -> dict[str, Any]:
        body = echo | {"Timestamps": [p[0] for p in points], "Values": [p[1] for p in points]}
        return body | ({} if token is None else {"NextToken": token})

    return st.builds(build, metric_points(request, clock, limit), optional(next_tokens(1, 5000)))


# =========================================================================== synthetic backend


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The series of the requested call, clipped to the retention of its Period, paged."""
    chain = backend.chain("cloudtrail", "ListInsightsMetricData", params)
    now = chain.now
    period = params.get("Period") or METRIC_DEFAULT_PERIOD
    data_type = params.get("DataType") or METRIC_DEFAULT_DATA_TYPE
    insight_type = params["InsightType"]
    error_code = params.get("ErrorCode", "") if insight_type == ERROR_RATE_INSIGHT else ""
    world = backend.world(now)
    key = world.metric_key(
        params["EventSource"],
        params["EventName"],
        insight_type,
        error_code,
        params.get("TrailName", ""),
    )
    start = param_time(params, "StartTime") or now - METRIC_DEFAULT_WINDOW
    end = param_time(params, "EndTime") or now
    # Older data points of this period are no longer kept, and none exist after now:
    # the work per request is bounded by the retention, whatever window is asked for.
    start = max(start, now - METRIC_RETENTION[period])
    end = min(end, now)
    points = world.metric_series(
        key,
        start=start,
        end=end,
        period=period,
        now=now,
        fill_with_zeros=data_type == "FillWithZeros",
    )
    page, token = chain.page(points, METRIC_DEFAULT_MAX_RESULTS)
    output: dict[str, Any] = {
        "EventSource": params["EventSource"],
        "EventName": params["EventName"],
        "InsightType": insight_type,
    }
    if "TrailName" in params:
        output["TrailARN"] = world.trail_arn(params["TrailName"])
    if error_code:  # "Only returned if InsightType parameter was set to ApiErrorRateInsight."
        output["ErrorCode"] = error_code
    output["Timestamps"] = [when for when, _ in page]
    output["Values"] = [value for _, value in page]
    if token:
        output["NextToken"] = token
    return output


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: a known call, a short window inside the Period's retention."""
    params: dict[str, Any] = {}
    params["EventSource"], params["EventName"] = gen.choice(SAMPLE_CALLS)
    params["InsightType"] = gen.choice(("ApiCallRateInsight", ERROR_RATE_INSIGHT))
    if params["InsightType"] == ERROR_RATE_INSIGHT:
        params["ErrorCode"] = gen.choice(("AccessDenied", "ThrottlingException"))
    period = gen.choice(METRIC_PERIODS)
    params["Period"] = period
    maybe(gen, params, "DataType", ("FillWithZeros", "NonZeroData"))
    # Keep the window short so a cassette stays readable.
    span = min(METRIC_RETENTION[period], dt.timedelta(seconds=period * 48))
    sample_window(gen, params, backend.now(), span, within=METRIC_RETENTION[period])
    maybe(gen, params, "MaxResults", (1, 10, 24, 100))
    maybe(gen, params, "TrailName", SAMPLE_TRAILS)  # (for trails that log data events)
    return params


def page_items(
    request: Mapping[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Any]:
    """(timestamp, value) points of a paged series, ``low`` to ``high`` of them."""
    # (the filter never refuses now; kept so that the plans drawn so far draw alike)
    return metric_points(request, clock, high, low).filter(lambda points: len(points) >= low)


PACK = K.pack(
    requests=metric_data_request,
    breakers=metric_data_breakers,
    responses=metric_data_response,
    answer=answer,
    sample=sample,
    page_items=page_items,
)
