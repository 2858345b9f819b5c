"""CloudTrail ListInsightsData: the Insights events of a trail or event data store.

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/cloudtrail-list_insights_data.txt``): the documented
values, schema overlays, rules, strategies and the synthetic backend's answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import operator
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import timestamps
from harness.ops.base import Backend, Breaker, Knowledge, TooFewItems
from harness.ops.checks import (
    as_dict,
    as_list,
    at_most_max_results,
    iso,
    to_epoch,
    window_text,
)
from harness.ops.draw import (
    EVENT_NAMES,
    EVENT_SOURCES,
    LETTERS_DIGITS,
    LOWER_DIGITS,
    REGIONS,
    TYPICAL_ITEMS,
    UPPER_DIGITS,
    Clock,
    Joint,
    Span,
    Variants,
    Window,
    account_ids,
    draw_uuid_text,
    event_names,
    event_sources,
    max_results,
    maybe,
    next_tokens,
    optional,
    param_time,
    put,
    replaced,
    sample_window,
    swapped_window,
    text_of,
    trail_arns,
    without,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation

from harness.ops.cloudtrail import (
    ERROR_RATE_INSIGHT,
    LID,
    SAMPLE_CALLS,
    SAMPLE_TRAILS,
    VALIDATION_ERROR,
)

PAGE = LID
K = Knowledge("cloudtrail", "ListInsightsData", PAGE)

# =========================================================================== documented facts

INSIGHTS_MAX_RESULTS_RANGE: tuple[int, int] = K.fact(
    "INSIGHTS_MAX_RESULTS_RANGE",
    (1, 50),
    (LID, "The number of events to return. Possible values are 1 through 50."),
)


INSIGHTS_DEFAULT_MAX_RESULTS: int = K.fact(
    "INSIGHTS_DEFAULT_MAX_RESULTS",
    50,
    (LID, "Possible values are 1 through 50. The default is 50."),
    (LID, "The default number of results returned is 50, with a maximum of 50 possible."),
)


INSIGHTS_DIMENSION_KEYS: tuple[str, ...] = K.fact(
    "INSIGHTS_DIMENSION_KEYS",
    ("EventId", "EventName", "EventSource"),
    (LID, "ListInsightsData supports the following Dimensions for Insights events:"),
    (LID, "Event ID"),
    (LID, "Event name"),
    (LID, "Event source"),
    note="The page names them in words; the wire keys are the model's enum values.",
)


INSIGHTS_MAX_DIMENSIONS: int = K.fact(
    "INSIGHTS_MAX_DIMENSIONS",
    1,
    (LID, "Contains a map of dimensions. Currently the map can contain only one item."),
)


INSIGHTS_LOOKBACK: dt.timedelta = K.fact(
    "INSIGHTS_LOOKBACK",
    dt.timedelta(days=90),
    (LID, "You can list Insights events that occurred in a Region within the last 90 days."),
)

INSIGHTS_RATE_LIMIT: float = K.fact(
    "INSIGHTS_RATE_LIMIT",
    2.0,
    "The rate of ListInsightsData requests is limited to two per second, per account, per "
    "Region. If this limit is exceeded, a throttling error occurs.",
    note="Requests per second per account and Region.",
)


# =========================================================================== schema overlays

K.overlay(
    name="dimensions-one-item",
    direction="input",
    members=("Dimensions",),
    # botocore 1.44.5 models max 1 too; the overlay keeps the rule if the model drops it.
    schema={"properties": {"Dimensions": {"maxProperties": INSIGHTS_MAX_DIMENSIONS}}},
    quotes=("Contains a map of dimensions. Currently the map can contain only one item.",),
)

K.overlay(
    name="dimensions-keys",
    direction="input",
    members=("Dimensions",),
    # The model's ListInsightsDataDimensionKey enum agrees; apply() checks it still does.
    schema={
        "properties": {"Dimensions": {"propertyNames": {"enum": list(INSIGHTS_DIMENSION_KEYS)}}}
    },
    quotes=(
        "ListInsightsData supports the following Dimensions for Insights events:",
        "Event ID",
        "Event name",
        "Event source",
    ),
)

K.overlay(
    name="max-results-default",
    direction="input",
    members=("MaxResults",),
    schema={"properties": {"MaxResults": {"default": INSIGHTS_DEFAULT_MAX_RESULTS}}},
    quotes=(
        "The number of events to return. Possible values are 1 through 50. The default is 50.",
    ),
)


# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.


def _events_of(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in response.get("Events") or [] if isinstance(e, dict)]


def _swapped_window(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if "StartTime" not in request or "EndTime" not in request:
        return False
    request["StartTime"], request["EndTime"] = request["EndTime"], request["StartTime"]
    response["Events"] = []  # what an accepted, inverted window could hold
    return bool(request["StartTime"] != request["EndTime"])


def _oldest_first(request: dict[str, Any], response: dict[str, Any]) -> bool:
    events = _events_of(response)
    if len(events) < 2 or events[0]["EventTime"] == events[-1]["EventTime"]:
        return False
    response["Events"] = events[::-1]
    return True


def _event_before_window(request: dict[str, Any], response: dict[str, Any]) -> bool:
    events = _events_of(response)
    if not events or "StartTime" not in request:
        return False
    events[-1]["EventTime"] = request["StartTime"] - 1  # the oldest: the order still holds
    return True


def _beyond_max_results(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["MaxResults"] = 1
    return len(_events_of(response)) > 1


def _other_dimension(request: dict[str, Any], response: dict[str, Any]) -> bool:
    events = _events_of(response)
    if not events:
        return False
    dimensions = request.setdefault("Dimensions", {"EventName": events[0]["EventName"]})
    key, wanted = next(iter(dimensions.items()))
    events[0][key] = f"{wanted}-other"
    return True


def _truncated_record(request: dict[str, Any], response: dict[str, Any]) -> bool:
    events = _events_of(response)
    if not events:
        return False
    events[0]["CloudTrailEvent"] = events[0]["CloudTrailEvent"][:-1]  # its closing brace
    return True


@K.rule(
    "start-not-after-end",
    description="StartTime is not after EndTime.",
    doc="If the specified start time is after the specified end time, an error is returned.",
    scope="request",
    breaks=_swapped_window,
)
def _insights_start_end(ctx: RuleContext) -> Iterator[Violation]:
    start = to_epoch(ctx.request.get("StartTime"))
    end = to_epoch(ctx.request.get("EndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/request/StartTime",
            ctx.request.get("StartTime"),
            f"at or before EndTime ({iso(end)})",
            "StartTime is after EndTime",
        )


def _event_times(ctx: RuleContext) -> Iterator[tuple[int, Any, float]]:
    for i, event in enumerate(as_list(ctx.response.get("Events"))):
        raw = as_dict(event).get("EventTime")
        seconds = to_epoch(raw)
        if seconds is not None:
            yield i, raw, seconds


@K.rule(
    "most-recent-first",
    description="Events are sorted by EventTime, most recent first.",
    doc="The events list is sorted by time. The most recent event is listed first.",
    breaks=_oldest_first,
)
def _insights_order(ctx: RuleContext) -> Iterator[Violation]:
    previous: float | None = None
    for i, raw, seconds in _event_times(ctx):
        if previous is not None and seconds > previous:
            yield ctx.fail(
                f"/response/Events/{i}/EventTime",
                raw,
                f"at or before the previous event ({iso(previous)})",
                "events are not sorted most recent first",
            )
        previous = seconds


@K.rule(
    "events-in-window",
    description="Every EventTime is inside [StartTime, EndTime] (both inclusive).",
    doc=(
        "Specifies that only events that occur after or at the specified time are returned. "
        "[…] Specifies that only events that occur before or at the specified time are "
        "returned."
    ),
    breaks=_event_before_window,
)
def _insights_window(ctx: RuleContext) -> Iterator[Violation]:
    start = to_epoch(ctx.request.get("StartTime"))
    end = to_epoch(ctx.request.get("EndTime"))
    if start is None and end is None:
        return
    lo = -math.inf if start is None else start
    hi = math.inf if end is None else end
    window = window_text(start, end, "]")
    for i, raw, seconds in _event_times(ctx):
        if not lo <= seconds <= hi:
            yield ctx.fail(
                f"/response/Events/{i}/EventTime",
                raw,
                f"inside {window}",
                "event outside the requested time window",
            )


@K.rule(
    "max-results",
    description="No more events than MaxResults (default 50).",
    doc="The number of events to return. Possible values are 1 through 50. The default is 50.",
    breaks=_beyond_max_results,
)
def _insights_max(ctx: RuleContext) -> Iterator[Violation]:
    return at_most_max_results(ctx, "Events", INSIGHTS_DEFAULT_MAX_RESULTS, "events")


@K.rule(
    "dimension-match",
    description="Each event matches the requested Dimension (EventId, EventName or EventSource).",
    doc="A list of events returned based on the InsightSource, DataType or Dimensions specified.",
    breaks=_other_dimension,
)
def _insights_dimension(ctx: RuleContext) -> Iterator[Violation]:
    dimensions = as_dict(ctx.request.get("Dimensions"))
    for i, event in enumerate(as_list(ctx.response.get("Events"))):
        event = as_dict(event)
        for key, wanted in dimensions.items():
            if key in INSIGHTS_DIMENSION_KEYS and event.get(key) != wanted:
                yield ctx.fail(
                    f"/response/Events/{i}/{key}",
                    event.get(key),
                    f"{wanted!r} (the requested {key} dimension)",
                    f"event does not match the requested {key}",
                )


@K.rule(
    "cloudtrail-event-json",
    description="CloudTrailEvent is a JSON string holding an object.",
    doc="A JSON string that contains a representation of the event returned.",
    breaks=_truncated_record,
)
def _insights_event_json(ctx: RuleContext) -> Iterator[Violation]:
    for i, event in enumerate(as_list(ctx.response.get("Events"))):
        text = as_dict(event).get("CloudTrailEvent")
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


# =========================================================================== strategies


def insights_data_request(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsData requests true to the documented rules."""

    def build(
        source: str, dims: dict[str, str] | None, window: Span, limit: int | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"InsightSource": source, "DataType": "InsightsEvents"}
        put(params, "Dimensions", dims)
        put(params, "StartTime", window[0])
        put(params, "EndTime", window[1])
        put(params, "MaxResults", limit)
        return params

    return Joint(
        trail_arns(),
        dimensions(),
        Window(clock, INSIGHTS_LOOKBACK),
        max_results(INSIGHTS_MAX_RESULTS_RANGE[1]),
        then=build,
    ).strategy


@functools.cache
def dimensions() -> Variants[dict[str, str] | None]:
    """A ListInsightsData Dimensions map, or None: exactly one documented key, a plausible
    value."""
    long_names = text_of(LETTERS_DIGITS + "_", 2000)
    return Variants(
        None,
        lambda draw: {"EventId": draw_uuid_text(draw)},
        event_names().map(lambda v: {"EventName": v}),
        lambda draw: {"EventName": draw(long_names)},
        event_sources().map(lambda v: {"EventSource": v}),
    )


def insights_data_breakers(clock: Clock) -> list[Breaker]:
    """Every documented ListInsightsData constraint, and who catches it when broken."""
    service = VALIDATION_ERROR
    two = st.tuples(st.uuids().map(str), event_names().strategy).map(
        lambda pair: {"EventId": pair[0], "EventName": pair[1]}
    )
    return [
        Breaker("required.InsightSource", "client", without("InsightSource")),
        Breaker("required.DataType", "client", without("DataType")),
        Breaker(
            "InsightSource.min",
            "client",
            replaced("InsightSource", st.from_regex(r"[a-z:/]{1,2}", fullmatch=True)),
        ),
        Breaker("MaxResults.min", "client", replaced("MaxResults", st.integers(-5, 0))),
        Breaker(
            "Dimensions.value.min",
            "client",
            replaced("Dimensions", st.sampled_from(INSIGHTS_DIMENSION_KEYS).map(lambda k: {k: ""})),
        ),
        Breaker("NextToken.min", "client", replaced("NextToken", st.sampled_from(["", "abc"]))),
        Breaker(
            "MaxResults.max",
            service,
            replaced("MaxResults", st.integers(INSIGHTS_MAX_RESULTS_RANGE[1] + 1, 10**4)),
        ),
        Breaker(
            "DataType.enum",
            service,
            replaced("DataType", st.sampled_from(["InsightsMetrics", "insightsevents"])),
        ),
        Breaker(
            "InsightSource.pattern",
            service,
            replaced(
                "InsightSource", st.sampled_from(["arn aws cloudtrail", "trail#1", "ärn:trail"])
            ),
        ),
        Breaker(
            "InsightSource.max",
            service,
            replaced(
                "InsightSource",
                st.from_regex(
                    r"arn:aws:cloudtrail:us-east-1:123456789012:trail/[a-z]{210}", fullmatch=True
                ),
            ),
        ),
        Breaker("Dimensions.maxProperties", service, replaced("Dimensions", two)),
        Breaker("Dimensions.minProperties", service, replaced("Dimensions", st.just({}))),
        Breaker(
            "Dimensions.key.enum",
            service,
            replaced(
                "Dimensions",
                st.sampled_from(["Username", "eventName", "ResourceType"]).map(lambda k: {k: "x"}),
            ),
        ),
        Breaker("StartTime.after-EndTime", service, swapped_window(clock)),
    ]


def cloudtrail_events(
    request: Mapping[str, Any], clock: Clock, max_size: int, min_size: int = 0
) -> SearchStrategy[list[dict[str, Any]]]:
    """ListInsightsData events: in the window, matching the Dimension, most recent first;
    ``min_size`` to ``max_size`` of them (``TooFewItems`` if the request allows fewer)."""
    ref = clock.now()
    start = param_time(request, "StartTime") or clock.oldest(INSIGHTS_LOOKBACK)
    end = param_time(request, "EndTime") or ref
    dims = dict(request.get("Dimensions") or {})
    if "EventId" in dims:
        max_size = min(max_size, 1)  # an event id names one event
    if end < start:
        max_size = 0
    if min_size > max_size:
        raise TooFewItems(
            f"the request allows at most {max_size} event(s) (an EventId Dimension names one "
            "event; an EndTime before the StartTime none)"
        )

    # built once, not per event (a regex strategy built in a draw is parsed again each time)
    extras = st.fixed_dictionaries(
        {},
        optional={
            "ReadOnly": st.sampled_from(["true", "false"]),
            "Username": st.sampled_from(["alice", "deploy-role", "root"]),
            # A[SK]IA[A-Z0-9]{16}, as text strategies (from_regex draws a choice a character:
            # a third of an event's cost)
            "AccessKeyId": st.builds(
                operator.add, st.sampled_from(("AKIA", "ASIA")), text_of(UPPER_DIGITS, 16)
            ),
            "Resources": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "ResourceType": st.sampled_from(["AWS::S3::Bucket", "AWS::EC2::Instance"]),
                        "ResourceName": text_of(LOWER_DIGITS + "-", 3, 20),
                    },
                ),
                max_size=2,
            ),
        },
    )
    moments = timestamps(start, max(start, end), milliseconds=False)

    @st.composite
    def draw_event(draw: DrawFn) -> dict[str, Any]:
        event_id = dims.get("EventId") or str(draw(st.uuids()))
        name = dims.get("EventName") or draw(st.sampled_from(EVENT_NAMES))
        source = dims.get("EventSource") or draw(st.sampled_from(EVENT_SOURCES))
        when = draw(moments)
        region = draw(st.sampled_from(REGIONS))
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
        extra = draw(extras)
        return event | extra

    if end < start:
        return st.just([])
    events = st.lists(
        draw_event(), min_size=min_size, max_size=max_size, unique_by=lambda e: e["EventId"]
    )
    return events.map(lambda events: sorted(events, key=lambda e: e["EventTime"], reverse=True))


def insights_data_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """cloudtrail:ListInsightsData output for ``request``."""
    limit = min(int(request.get("MaxResults") or INSIGHTS_MAX_RESULTS_RANGE[1]), TYPICAL_ITEMS)
    return st.builds(
        lambda events, token: {"Events": events} | ({} if token is None else {"NextToken": token}),
        cloudtrail_events(request, clock, limit),
        optional(next_tokens(4, 1000)),
    )


# =========================================================================== synthetic backend


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The trail's events in the window (default: the documented lookback), paged."""
    chain = backend.chain("cloudtrail", "ListInsightsData", params)
    now = chain.now
    # The default window is the documented lookback ("within the last 90 days").
    start = param_time(params, "StartTime") or now - INSIGHTS_LOOKBACK
    end = param_time(params, "EndTime") or now
    dimensions = params.get("Dimensions") or {}
    events = [
        event
        for event in backend.world(now).trail_events(params["InsightSource"])
        # StartTime: "after or at"; EndTime: "before or at" — both inclusive.
        if start <= event["EventTime"] <= end
        and all(event.get(key) == value for key, value in dimensions.items())
    ]
    page, token = chain.page(events, INSIGHTS_DEFAULT_MAX_RESULTS)
    return {"Events": list(page), **({"NextToken": token} if token else {})}


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: a known trail, sometimes a Dimension and a window."""
    params: dict[str, Any] = {
        "InsightSource": backend.world().trail_arn(gen.choice(SAMPLE_TRAILS)),
        "DataType": "InsightsEvents",
    }
    if gen.random() < 0.3:
        source, name = gen.choice(SAMPLE_CALLS)
        params["Dimensions"] = gen.choice(({"EventSource": source}, {"EventName": name}))
    if gen.random() < 0.5:
        sample_window(gen, params, backend.now(), INSIGHTS_LOOKBACK)
    maybe(gen, params, "MaxResults", (1, 5, 20, 50))
    return params


def page_items(
    request: Mapping[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Any]:
    """The events of a paged result, ``low`` to ``high`` of them."""
    # (the filter never refuses now; kept so that the plans drawn so far draw alike)
    return cloudtrail_events(request, clock, high, low).filter(lambda events: len(events) >= low)


PACK = K.pack(
    requests=insights_data_request,
    breakers=insights_data_breakers,
    responses=insights_data_response,
    answer=answer,
    sample=sample,
    page_items=page_items,
    rate_limit=INSIGHTS_RATE_LIMIT,
)
