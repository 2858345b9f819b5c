"""Rule-aware data for the five seed operations: what the API reference says beyond the model.

botocore's model says ``Period`` is 60..3600; the documentation says only 60, 300 and 3600
are valid. This module generates requests and responses that obey the documented rules (and
requests that break exactly one of them). It does not check anything: the contract checker
(``harness.rules``) does; the constants below carry the documentation sentence they come from
so both can be compared against the same text (``tests/reference_pages``).

Everything here is Python form (datetimes, dicts) as boto3 takes and returns it;
``harness.strategies`` converts responses to wire form.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from harness import rules, wire
from harness._shape_strategies import UTC, timestamps

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

# ----------------------------------------------------------------------------- documented rules
# The documented facts live in harness.rules (each with its doc sentence); these are local
# names for them, so the generators below read naturally.
METRIC_PERIODS = rules.METRIC_PERIODS
DEFAULT_METRIC_PERIOD = rules.METRIC_DEFAULT_PERIOD
METRIC_RETENTION = rules.METRIC_RETENTION
METRIC_MAX_RESULTS = rules.METRIC_MAX_RESULTS_RANGE[1]
# "If the InsightType is set to ApiErrorRateInsight, the request must also include the
# ErrorCode parameter."
ERROR_RATE_INSIGHT = "ApiErrorRateInsight"
INSIGHTS_WINDOW = rules.INSIGHTS_LOOKBACK
INSIGHTS_MAX_RESULTS = rules.INSIGHTS_MAX_RESULTS_RANGE[1]
INSIGHTS_DIMENSIONS = rules.INSIGHTS_DIMENSION_KEYS
INSIGHT_EVENTS_MAX_RESULTS = rules.INSIGHT_EVENTS_MAX_RESULTS_RANGE[1]

# When the caller does not pin ``now``, it is the time of drawing; a request is sent a moment
# later, so the oldest allowed instant is moved this much inward to stay inside the window.
IMPLICIT_NOW_MARGIN = dt.timedelta(minutes=5)
# Responses carry at most this many items, whatever MaxResults allows: small, fast examples.
TYPICAL_ITEMS = 12

_EVENT_SOURCES = (
    "s3.amazonaws.com",
    "ec2.amazonaws.com",
    "iam.amazonaws.com",
    "lambda.amazonaws.com",
    "dynamodb.amazonaws.com",
    "sts.amazonaws.com",
)
_EVENT_NAMES = ("PutObject", "RunInstances", "CreateUser", "Invoke", "GetItem", "AssumeRole")
_ERROR_CODES = ("AccessDenied", "AccessDeniedException", "ThrottlingException", "NoSuchKey")
_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


@dataclass(frozen=True)
class Clock:
    """The instant windows are placed against: fixed, or read at each draw.

    Strategy *bounds* never depend on a clock read at draw time (Hypothesis replays choices
    and must see the same constraints): requests draw offsets before "now" and turn them into
    datetimes last; responses use a clock fixed when the strategy is built.
    """

    fixed: dt.datetime | None
    margin: dt.timedelta

    @classmethod
    def of(cls, now: dt.datetime | None, *, frozen: bool) -> Clock:
        """``now`` as given (no margin); else the draw time, or the build time if ``frozen``."""
        if now is not None:
            return cls(now.astimezone(UTC).replace(microsecond=0), dt.timedelta(0))
        if frozen:
            return cls(dt.datetime.now(UTC).replace(microsecond=0), IMPLICIT_NOW_MARGIN)
        return cls(None, IMPLICIT_NOW_MARGIN)

    def now(self) -> dt.datetime:
        """The reference instant, whole seconds, UTC."""
        return self.fixed or dt.datetime.now(UTC).replace(microsecond=0)

    def oldest(self, span: dt.timedelta) -> dt.datetime:
        """The oldest instant a window of ``span`` back from now may start at."""
        return self.now() - span + self.margin


# ----------------------------------------------------------------------------- building blocks


def _optional(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _put(params: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        params[name] = value


def max_results(high: int) -> SearchStrategy[int | None]:
    """Omitted, 1, the documented maximum, or anything between."""
    return st.one_of(st.none(), st.sampled_from([1, high]), st.integers(1, high))


def insight_ids() -> SearchStrategy[str]:
    """X-Ray InsightIds: UUIDs (versions 1-5, RFC variant) in either case."""
    pattern = (
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    )
    return st.one_of(st.uuids(version=4).map(str), st.from_regex(pattern, fullmatch=True))


def event_sources() -> SearchStrategy[str]:
    """CloudTrail event sources ``x.amazonaws.com``, the shortest and longest (256) included."""
    return st.one_of(
        st.sampled_from(_EVENT_SOURCES),
        st.from_regex(r"[a-z0-9_-]\.amazonaws\.com", fullmatch=True),
        st.from_regex(r"[a-z0-9_-]{242}\.amazonaws\.com", fullmatch=True),
        st.from_regex(r"[a-z0-9_-]{1,20}\.amazonaws\.com", fullmatch=True),
    )


def event_names() -> SearchStrategy[str]:
    """CloudTrail event names ``[A-Za-z0-9_]+``, 1 and 128 characters included."""
    return st.one_of(
        st.sampled_from(_EVENT_NAMES),
        st.from_regex(r"[A-Za-z0-9_]", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9_]{128}", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9_]{1,24}", fullmatch=True),
    )


def error_codes() -> SearchStrategy[str]:
    """ErrorCode values within the model's pattern (ASCII only), 1 and 128 characters included."""
    char = r"[A-Za-z0-9_.,:\[\]-]"
    return st.one_of(
        st.sampled_from(_ERROR_CODES),
        st.from_regex(char, fullmatch=True),
        st.from_regex(f"{char}{{128}}", fullmatch=True),
        st.from_regex(f"{char}{{1,24}}", fullmatch=True),
    )


def trail_arns() -> SearchStrategy[str]:
    """Trail ARNs; trail names of 3 and 128 characters included."""
    name = st.one_of(
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-][A-Za-z0-9]", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{126}[A-Za-z0-9]", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{1,20}[A-Za-z0-9]", fullmatch=True),
    )
    return st.builds(
        "arn:{}:cloudtrail:{}:{}:trail/{}".format,
        st.sampled_from(_PARTITIONS),
        st.sampled_from(_REGIONS),
        account_ids(),
        name,
    )


def account_ids() -> SearchStrategy[str]:
    """Twelve-digit AWS account ids."""
    return st.from_regex(r"[0-9]{12}", fullmatch=True)


def internet_event_ids() -> SearchStrategy[str]:
    """Internet Monitor EventIds ``[a-zA-Z0-9-]+``, 1 and 255 characters included."""
    return st.one_of(
        st.uuids().map(str),
        st.from_regex(r"[a-zA-Z0-9-]", fullmatch=True),
        st.from_regex(r"[a-zA-Z0-9-]{255}", fullmatch=True),
        st.from_regex(r"[a-zA-Z0-9-]{1,40}", fullmatch=True),
    )


def window(
    clock: Clock, span: dt.timedelta, *, start_optional: bool = True, exclusive_end: bool = False
) -> SearchStrategy[tuple[dt.datetime | None, dt.datetime | None]]:
    """(StartTime, EndTime), ``now - span <= StartTime <= EndTime <= now``; either omitted.

    With ``exclusive_end`` the window is never empty: ``StartTime < EndTime``. Both ends of
    the window are drawn on purpose. Offsets before now are drawn first and turned into
    datetimes last, so the bounds never depend on when the draw happens.
    """
    widest = max(0, int((span - clock.margin).total_seconds()))

    @st.composite
    def draw_window(draw: DrawFn) -> tuple[dt.datetime | None, dt.datetime | None]:
        gap = 1 if exclusive_end else 0
        start_back = draw(st.one_of(st.sampled_from([widest, gap]), st.integers(gap, widest)))
        latest_end = start_back - gap
        end_back = draw(st.one_of(st.sampled_from([latest_end, 0]), st.integers(0, latest_end)))
        keep_start = draw(st.booleans()) if start_optional else True
        keep_end = draw(st.booleans())
        ref = clock.now()
        start = ref - dt.timedelta(seconds=start_back)
        end = ref - dt.timedelta(seconds=end_back)
        return (start if keep_start else None, end if keep_end else None)

    return draw_window()


def param_time(request: Mapping[str, Any], name: str) -> dt.datetime | None:
    """A timestamp parameter from a request in Python form (datetime) or wire form (number/text)."""
    raw = request.get(name)
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    return wire.parse_timestamp(raw)


# ----------------------------------------------------------------------------- valid requests


def metric_data_request(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsMetricData requests true to the documented rules."""

    @st.composite
    def draw_request(draw: DrawFn) -> dict[str, Any]:
        insight_type = draw(st.sampled_from(["ApiCallRateInsight", ERROR_RATE_INSIGHT]))
        params: dict[str, Any] = {
            "EventSource": draw(event_sources()),
            "EventName": draw(event_names()),
            "InsightType": insight_type,
        }
        if insight_type == ERROR_RATE_INSIGHT:
            params["ErrorCode"] = draw(error_codes())
        period = draw(st.sampled_from([None, *METRIC_PERIODS]))
        _put(params, "Period", period)
        effective = period or DEFAULT_METRIC_PERIOD
        # StartTime defaults to 90 days back, which is the retention of 3600-second data only:
        # with a finer Period the request names a start inside that Period's retention.
        start, end = draw(
            window(
                clock,
                METRIC_RETENTION[effective],
                start_optional=effective == DEFAULT_METRIC_PERIOD,
                # "StartTime ... inclusive", "EndTime ... exclusive": an equal pair is empty.
                exclusive_end=True,
            )
        )
        _put(params, "StartTime", start)
        _put(params, "EndTime", end)
        _put(params, "DataType", draw(_optional(st.sampled_from(["FillWithZeros", "NonZeroData"]))))
        _put(params, "MaxResults", draw(max_results(METRIC_MAX_RESULTS)))
        return params

    return draw_request()


def insights_data_request(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsData requests true to the documented rules."""

    @st.composite
    def draw_request(draw: DrawFn) -> dict[str, Any]:
        params: dict[str, Any] = {
            "InsightSource": draw(trail_arns()),
            "DataType": "InsightsEvents",
        }
        _put(params, "Dimensions", draw(_optional(dimensions())))
        start, end = draw(window(clock, INSIGHTS_WINDOW))
        _put(params, "StartTime", start)
        _put(params, "EndTime", end)
        _put(params, "MaxResults", draw(max_results(INSIGHTS_MAX_RESULTS)))
        return params

    return draw_request()


def dimensions() -> SearchStrategy[dict[str, str]]:
    """A ListInsightsData Dimensions map: exactly one documented key, a plausible value."""
    return st.one_of(
        st.uuids().map(lambda u: {"EventId": str(u)}),
        event_names().map(lambda v: {"EventName": v}),
        st.from_regex(r"[A-Za-z0-9_]{2000}", fullmatch=True).map(lambda v: {"EventName": v}),
        event_sources().map(lambda v: {"EventSource": v}),
    )


def insight_request() -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsight requests."""
    return st.fixed_dictionaries({"InsightId": insight_ids()})


def insight_events_request() -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsightEvents requests (no NextToken: only the service can issue one)."""
    return st.builds(
        lambda insight_id, limit: (
            {"InsightId": insight_id} | ({} if limit is None else {"MaxResults": limit})
        ),
        insight_ids(),
        max_results(INSIGHT_EVENTS_MAX_RESULTS),
    )


def internet_event_request() -> SearchStrategy[dict[str, Any]]:
    """internetmonitor:GetInternetEvent requests."""
    return st.fixed_dictionaries({"EventId": internet_event_ids()})


VALID_REQUESTS: dict[tuple[str, str], Callable[[Clock], SearchStrategy[dict[str, Any]]]] = {
    ("cloudtrail", "ListInsightsMetricData"): metric_data_request,
    ("cloudtrail", "ListInsightsData"): insights_data_request,
    ("xray", "GetInsight"): lambda clock: insight_request(),
    ("xray", "GetInsightEvents"): lambda clock: insight_events_request(),
    ("internetmonitor", "GetInternetEvent"): lambda clock: internet_event_request(),
}

# ----------------------------------------------------------------------------- invalid requests


@dataclass(frozen=True)
class Breaker:
    """One documented constraint and how to break it, starting from a valid request."""

    constraint: str
    caught_by: str  # "client" or the service's error code
    apply: Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]


def _without(name: str) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: st.just({k: v for k, v in params.items() if k != name})


def _with(
    name: str, values: SearchStrategy[Any]
) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: values.map(lambda v: {**params, name: v})


def _swapped_window(
    clock: Clock,
) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    # StartTime after EndTime, both an hour or so back: inside every documented window.
    def apply(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        ref = clock.now() - dt.timedelta(hours=1)
        return st.integers(1, 3000).map(
            lambda gap: {**params, "StartTime": ref, "EndTime": ref - dt.timedelta(seconds=gap)}
        )

    return apply


def _bad_uuid() -> SearchStrategy[str]:
    # No 36-character substring may match the (unanchored) UUID pattern.
    def mangle(pair: tuple[uuid.UUID, int]) -> str:
        text, how = str(pair[0]), pair[1]
        if how == 0:
            return text[:-1]  # too short
        if how == 1:
            return text.replace("-", "")  # no hyphens
        if how == 2:
            return text[:14] + "0" + text[15:]  # version digit outside 1-5
        return text[:19] + "c" + text[20:]  # variant digit outside 8, 9, a, b

    return st.tuples(st.uuids(version=4), st.integers(0, 3)).map(mangle)


def _no_char_of(alphabet: str, low: int, high: int) -> SearchStrategy[str]:
    # Text with no character of ``alphabet``: an unanchored ``[alphabet]+`` pattern cannot match.
    return st.text(st.sampled_from("!#*~ ;@"), min_size=low, max_size=high).filter(
        lambda s: not any(c in alphabet for c in s) and s.strip() == s
    )


def metric_data_breakers(clock: Clock) -> list[Breaker]:
    """Every documented ListInsightsMetricData constraint, and who catches it when broken."""
    service = "InvalidParameterException"

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
        Breaker("required.EventSource", "client", _without("EventSource")),
        Breaker("required.EventName", "client", _without("EventName")),
        Breaker("required.InsightType", "client", _without("InsightType")),
        Breaker("EventName.type", "client", _with("EventName", st.integers(0, 9))),
        Breaker("Period.min", "client", clear_window("Period", st.integers(-5, 59))),
        Breaker("MaxResults.min", "client", _with("MaxResults", st.integers(-5, 0))),
        Breaker("NextToken.min", "client", _with("NextToken", st.just(""))),
        Breaker(
            "Period.enum",
            service,
            clear_window("Period", st.integers(61, 3599).filter(lambda p: p not in METRIC_PERIODS)),
        ),
        Breaker("Period.max", service, clear_window("Period", st.integers(3601, 86400))),
        Breaker(
            "MaxResults.max",
            service,
            _with("MaxResults", st.integers(METRIC_MAX_RESULTS + 1, 10**6)),
        ),
        Breaker(
            "InsightType.enum",
            service,
            _with("InsightType", st.sampled_from(["ApiCallRate", "apicallrateinsight"])),
        ),
        Breaker(
            "DataType.enum",
            service,
            _with("DataType", st.sampled_from(["ZeroData", "nonzerodata"])),
        ),
        Breaker(
            "EventSource.pattern",
            service,
            _with(
                "EventSource", st.sampled_from(["s3", "S3.amazonaws.com", "s3.amazonaws.com.evil"])
            ),
        ),
        Breaker(
            "EventSource.max",
            service,
            _with("EventSource", st.from_regex(r"[a-z0-9_-]{243}\.amazonaws\.com", fullmatch=True)),
        ),
        Breaker("EventName.pattern", service, _with("EventName", _no_char_of("", 1, 20))),
        Breaker(
            "EventName.max",
            service,
            _with("EventName", st.from_regex(r"[A-Za-z0-9_]{129}", fullmatch=True)),
        ),
        Breaker("ErrorCode.required-for-ApiErrorRateInsight", service, error_rate_without_code),
        Breaker("StartTime.after-EndTime", service, _swapped_window(clock)),
    ]


def insights_data_breakers(clock: Clock) -> list[Breaker]:
    """Every documented ListInsightsData constraint, and who catches it when broken."""
    service = "InvalidParameterException"
    two = st.tuples(st.uuids().map(str), event_names()).map(
        lambda pair: {"EventId": pair[0], "EventName": pair[1]}
    )
    return [
        Breaker("required.InsightSource", "client", _without("InsightSource")),
        Breaker("required.DataType", "client", _without("DataType")),
        Breaker(
            "InsightSource.min",
            "client",
            _with("InsightSource", st.from_regex(r"[a-z:/]{1,2}", fullmatch=True)),
        ),
        Breaker("MaxResults.min", "client", _with("MaxResults", st.integers(-5, 0))),
        Breaker(
            "Dimensions.value.min",
            "client",
            _with("Dimensions", st.sampled_from(INSIGHTS_DIMENSIONS).map(lambda k: {k: ""})),
        ),
        Breaker("NextToken.min", "client", _with("NextToken", st.sampled_from(["", "abc"]))),
        Breaker(
            "MaxResults.max",
            service,
            _with("MaxResults", st.integers(INSIGHTS_MAX_RESULTS + 1, 10**4)),
        ),
        Breaker(
            "DataType.enum",
            service,
            _with("DataType", st.sampled_from(["InsightsMetrics", "insightsevents"])),
        ),
        Breaker(
            "InsightSource.pattern",
            service,
            _with("InsightSource", st.sampled_from(["arn aws cloudtrail", "trail#1", "ärn:trail"])),
        ),
        Breaker(
            "InsightSource.max",
            service,
            _with(
                "InsightSource",
                st.from_regex(
                    r"arn:aws:cloudtrail:us-east-1:123456789012:trail/[a-z]{210}", fullmatch=True
                ),
            ),
        ),
        Breaker("Dimensions.maxProperties", service, _with("Dimensions", two)),
        Breaker("Dimensions.minProperties", service, _with("Dimensions", st.just({}))),
        Breaker(
            "Dimensions.key.enum",
            service,
            _with(
                "Dimensions",
                st.sampled_from(["Username", "eventName", "ResourceType"]).map(lambda k: {k: "x"}),
            ),
        ),
        Breaker("StartTime.after-EndTime", service, _swapped_window(clock)),
    ]


def insight_breakers(with_paging: bool) -> list[Breaker]:
    """GetInsight (and, with paging, GetInsightEvents) constraints."""
    service = "InvalidRequestException"
    breakers = [
        Breaker("required.InsightId", "client", _without("InsightId")),
        Breaker("InsightId.type", "client", _with("InsightId", st.integers(0, 10**6))),
        Breaker("InsightId.pattern", service, _with("InsightId", _bad_uuid())),
    ]
    if with_paging:
        breakers += [
            Breaker("MaxResults.min", "client", _with("MaxResults", st.integers(-5, 0))),
            Breaker("NextToken.min", "client", _with("NextToken", st.just(""))),
            Breaker(
                "MaxResults.max",
                service,
                _with("MaxResults", st.integers(INSIGHT_EVENTS_MAX_RESULTS + 1, 10**4)),
            ),
            Breaker(
                "NextToken.max",
                service,
                _with("NextToken", st.text("abcdef0123456789", min_size=2001, max_size=2001)),
            ),
        ]
    return breakers


def internet_event_breakers() -> list[Breaker]:
    """GetInternetEvent constraints."""
    service = "ValidationException"
    return [
        Breaker("required.EventId", "client", _without("EventId")),
        Breaker("EventId.min", "client", _with("EventId", st.just(""))),
        Breaker(
            "EventId.max",
            service,
            _with("EventId", st.from_regex(r"[a-zA-Z0-9-]{256}", fullmatch=True)),
        ),
        Breaker(
            "EventId.pattern", service, _with("EventId", st.text("_~", min_size=1, max_size=12))
        ),
    ]


BREAKERS: dict[tuple[str, str], Callable[[Clock], list[Breaker]]] = {
    ("cloudtrail", "ListInsightsMetricData"): metric_data_breakers,
    ("cloudtrail", "ListInsightsData"): insights_data_breakers,
    ("xray", "GetInsight"): lambda clock: insight_breakers(with_paging=False),
    ("xray", "GetInsightEvents"): lambda clock: insight_breakers(with_paging=True),
    ("internetmonitor", "GetInternetEvent"): lambda clock: internet_event_breakers(),
}

# ----------------------------------------------------------------------------- responses


def impact_statistics() -> SearchStrategy[dict[str, int]]:
    """FaultCount + OkCount <= TotalCount, none negative."""

    @st.composite
    def draw_stats(draw: DrawFn) -> dict[str, int]:
        total = draw(st.one_of(st.just(0), st.integers(0, 10**7)))
        fault = draw(st.integers(0, total))
        ok = draw(st.one_of(st.just(total - fault), st.integers(0, total - fault)))
        return {"FaultCount": fault, "OkCount": ok, "TotalCount": total}

    return draw_stats()


def service_ids() -> SearchStrategy[dict[str, Any]]:
    """X-Ray ServiceId structures."""
    names = st.sampled_from(["checkout", "payments", "api-gateway", "orders-db"])
    return st.fixed_dictionaries(
        {"Name": names},
        optional={
            "Names": st.lists(names, min_size=1, max_size=3, unique=True),
            "AccountId": account_ids(),
            "Type": st.sampled_from(
                ["AWS::EC2::Instance", "AWS::Lambda::Function", "client", "remote"]
            ),
        },
    )


def _summaries() -> SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["Fault rate is high for checkout", "Latency is high for payments"]),
        st.text(min_size=1, max_size=40),
    )


def insight_response(request: Mapping[str, Any], clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsight output: InsightId echoed; CLOSED exactly when EndTime is present."""

    @st.composite
    def draw_response(draw: DrawFn) -> dict[str, Any]:
        ref = clock.now()
        state = draw(st.sampled_from(["ACTIVE", "CLOSED"]))
        start = draw(timestamps(ref - dt.timedelta(days=30), ref, milliseconds=True))
        group = draw(
            st.one_of(st.just("Default"), st.from_regex(r"[A-Za-z0-9_.-]{1,32}", fullmatch=True))
        )
        region = draw(st.sampled_from(_REGIONS))
        account = draw(account_ids())
        suffix = draw(st.from_regex(r"[A-Z0-9]{26}", fullmatch=True))
        insight: dict[str, Any] = {
            "InsightId": request.get("InsightId") or draw(insight_ids()),
            "State": state,
            "StartTime": start,
        }
        if state == "CLOSED":
            insight["EndTime"] = draw(timestamps(start, ref, milliseconds=True))
        optional = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "GroupName": st.just(group),
                    "GroupARN": st.just(f"arn:aws:xray:{region}:{account}:group/{group}/{suffix}"),
                    "RootCauseServiceId": service_ids(),
                    "Categories": st.just(["FAULT"]),
                    "Summary": _summaries(),
                    "ClientRequestImpactStatistics": impact_statistics(),
                    "RootCauseServiceRequestImpactStatistics": impact_statistics(),
                    "TopAnomalousServices": st.lists(
                        st.fixed_dictionaries({"ServiceId": service_ids()}), max_size=3
                    ),
                },
            )
        )
        return {"Insight": insight | optional}

    return draw_response()


def insight_events(
    clock: Clock, max_size: int, *, min_size: int = 0
) -> SearchStrategy[list[dict[str, Any]]]:
    """X-Ray insight events, distinct, most recent first."""
    ref = clock.now()
    event: SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
        {"EventTime": timestamps(ref - dt.timedelta(days=30), ref, milliseconds=True)},
        optional={
            "Summary": _summaries(),
            "ClientRequestImpactStatistics": impact_statistics(),
            "RootCauseServiceRequestImpactStatistics": impact_statistics(),
            "TopAnomalousServices": st.lists(
                st.fixed_dictionaries({"ServiceId": service_ids()}), max_size=2
            ),
        },
    )
    return st.lists(
        event, min_size=min_size, max_size=max_size, unique_by=lambda e: e["EventTime"]
    ).map(lambda events: sorted(events, key=lambda e: e["EventTime"], reverse=True))


def insight_events_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsightEvents output: at most MaxResults events."""
    limit = min(int(request.get("MaxResults") or INSIGHT_EVENTS_MAX_RESULTS), TYPICAL_ITEMS)
    return st.builds(
        lambda events, token: (
            {"InsightEvents": events} | ({} if token is None else {"NextToken": token})
        ),
        insight_events(clock, limit),
        _optional(next_tokens(1, 2000)),
    )


def next_tokens(low: int, high: int) -> SearchStrategy[str]:
    """Opaque pagination tokens within the model's length bounds."""
    return st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
        min_size=max(low, 8),
        max_size=min(high, 64),
    )


def cloudtrail_events(
    request: Mapping[str, Any], clock: Clock, max_size: int
) -> SearchStrategy[list[dict[str, Any]]]:
    """ListInsightsData events: in the window, matching the Dimension, most recent first."""
    ref = clock.now()
    start = param_time(request, "StartTime") or clock.oldest(INSIGHTS_WINDOW)
    end = param_time(request, "EndTime") or ref
    dims = dict(request.get("Dimensions") or {})
    if "EventId" in dims:
        max_size = min(max_size, 1)  # an event id names one event

    @st.composite
    def draw_event(draw: DrawFn) -> dict[str, Any]:
        event_id = dims.get("EventId") or str(draw(st.uuids()))
        name = dims.get("EventName") or draw(st.sampled_from(_EVENT_NAMES))
        source = dims.get("EventSource") or draw(st.sampled_from(_EVENT_SOURCES))
        when = draw(timestamps(start, end, milliseconds=False))
        region = draw(st.sampled_from(_REGIONS))
        account = draw(account_ids())
        record = {
            "eventVersion": "1.08",
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "awsRegion": region,
            "eventID": event_id,
            "eventType": "AwsCloudTrailInsight",
            "recipientAccountId": account,
            "sharedEventID": str(draw(st.uuids())),
            "eventCategory": "Insight",
            "insightDetails": {
                "state": draw(st.sampled_from(["Start", "End"])),
                "eventSource": source,
                "eventName": name,
                "insightType": draw(st.sampled_from(["ApiCallRateInsight", ERROR_RATE_INSIGHT])),
            },
        }
        event: dict[str, Any] = {
            "EventId": event_id,
            "EventName": name,
            "EventTime": when,
            "EventSource": source,
            "CloudTrailEvent": json.dumps(record, separators=(",", ":")),
        }
        extra = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "ReadOnly": st.sampled_from(["true", "false"]),
                    "Username": st.sampled_from(["alice", "deploy-role", "root"]),
                    "AccessKeyId": st.from_regex(r"A[SK]IA[A-Z0-9]{16}", fullmatch=True),
                    "Resources": st.lists(
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "ResourceType": st.sampled_from(
                                    ["AWS::S3::Bucket", "AWS::EC2::Instance"]
                                ),
                                "ResourceName": st.from_regex(r"[a-z0-9-]{3,20}", fullmatch=True),
                            },
                        ),
                        max_size=2,
                    ),
                },
            )
        )
        return event | extra

    if end < start:
        return st.just([])
    return st.lists(draw_event(), max_size=max_size, unique_by=lambda e: e["EventId"]).map(
        lambda events: sorted(events, key=lambda e: e["EventTime"], reverse=True)
    )


def insights_data_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsData output for ``request``."""
    limit = min(int(request.get("MaxResults") or INSIGHTS_MAX_RESULTS), TYPICAL_ITEMS)
    return st.builds(
        lambda events, token: {"Events": events} | ({} if token is None else {"NextToken": token}),
        cloudtrail_events(request, clock, limit),
        _optional(next_tokens(4, 1000)),
    )


def metric_grid(request: Mapping[str, Any], clock: Clock) -> tuple[int, int, int]:
    """(first aligned epoch second, number of slots, Period) the request's window allows."""
    ref = clock.now()
    period = int(request.get("Period") or DEFAULT_METRIC_PERIOD)
    retention = METRIC_RETENTION.get(period, METRIC_RETENTION[DEFAULT_METRIC_PERIOD])
    start = max(
        param_time(request, "StartTime") or clock.oldest(INSIGHTS_WINDOW), clock.oldest(retention)
    )
    end = min(param_time(request, "EndTime") or ref, ref)
    first = -(-int(start.timestamp()) // period) * period  # StartTime inclusive
    last_exclusive = int(-(-end.timestamp() // 1))  # EndTime exclusive
    slots = max(0, -(-(last_exclusive - first) // period))
    return first, slots, period


def metric_points(
    request: Mapping[str, Any], clock: Clock, max_size: int
) -> SearchStrategy[list[tuple[dt.datetime, float]]]:
    """(timestamp, value) points: aligned, ascending, Period apart; zeros only if FillWithZeros."""
    first, slots, period = metric_grid(request, clock)
    fill = request.get("DataType") == "FillWithZeros"
    size = min(max_size, slots)
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
            count = draw(st.integers(0, size))
            offset = draw(st.integers(0, slots - count))
            values = draw(st.lists(st.one_of(st.just(0.0), value), min_size=count, max_size=count))
            return [(at(offset + i), v) for i, v in enumerate(values)]

        return draw_run()
    return st.lists(st.integers(0, slots - 1), max_size=size, unique=True).flatmap(
        lambda picked: st.lists(positive, min_size=len(picked), max_size=len(picked)).map(
            lambda values: [(at(s), v) for s, v in zip(sorted(picked), values, strict=True)]
        )
    )


def metric_data_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsMetricData output for ``request``: echoes and aligned points."""
    limit = min(int(request.get("MaxResults") or METRIC_MAX_RESULTS), TYPICAL_ITEMS)
    echo = {k: request[k] for k in ("EventSource", "EventName", "InsightType") if k in request}
    if request.get("InsightType") == ERROR_RATE_INSIGHT and "ErrorCode" in request:
        echo["ErrorCode"] = request["ErrorCode"]

    def build(points: list[tuple[dt.datetime, float]], token: str | None) -> dict[str, Any]:
        body = echo | {"Timestamps": [p[0] for p in points], "Values": [p[1] for p in points]}
        return body | ({} if token is None else {"NextToken": token})

    return st.builds(build, metric_points(request, clock, limit), _optional(next_tokens(1, 5000)))


def internet_event_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """internetmonitor:GetInternetEvent output: RESOLVED exactly when EndedAt is present."""

    @st.composite
    def draw_response(draw: DrawFn) -> dict[str, Any]:
        ref = clock.now()
        event_id = str(request.get("EventId") or draw(internet_event_ids()))
        status = draw(st.sampled_from(["ACTIVE", "RESOLVED"]))
        started = draw(timestamps(ref - dt.timedelta(days=365), ref, milliseconds=True))
        location = draw(
            st.fixed_dictionaries(
                {
                    "ASName": st.sampled_from(["Comcast", "Deutsche Telekom AG", "NTT"]),
                    "ASNumber": st.integers(1, 2**32 - 1),
                    "Country": st.sampled_from(["United States", "Germany", "Japan"]),
                    "City": st.sampled_from(["Seattle", "Berlin", "Tokyo"]),
                    "Latitude": st.floats(-90, 90, allow_nan=False),
                    "Longitude": st.floats(-180, 180, allow_nan=False),
                },
                optional={
                    "Subdivision": st.sampled_from(["Washington", "Berlin", "Tokyo"]),
                    "Metro": st.sampled_from(["Seattle-Tacoma", "Berlin", "Kanto"]),
                },
            )
        )
        response: dict[str, Any] = {
            "EventId": event_id,
            "EventArn": f"arn:aws:internetmonitor::{draw(account_ids())}:internet-event/{event_id}",
            "StartedAt": started,
            "ClientLocation": location,
            "EventType": draw(st.sampled_from(["AVAILABILITY", "PERFORMANCE"])),
            "EventStatus": status,
        }
        if status == "RESOLVED":
            response["EndedAt"] = draw(timestamps(started, ref, milliseconds=True))
        return response

    return draw_response()


RESPONSES: dict[
    tuple[str, str],
    Callable[[Mapping[str, Any], Clock], SearchStrategy[dict[str, Any]]],
] = {
    ("cloudtrail", "ListInsightsMetricData"): metric_data_response,
    ("cloudtrail", "ListInsightsData"): insights_data_response,
    ("xray", "GetInsight"): insight_response,
    ("xray", "GetInsightEvents"): insight_events_response,
    ("internetmonitor", "GetInternetEvent"): internet_event_response,
}
