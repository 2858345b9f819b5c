"""insights_lib, tested with the harness's Hypothesis face.

Written as docs/how-to/hypothesis.md and synthetic.md suggest: ``page_plans`` fuzzes every
NextToken loop (page splits, empty pages, throttles, every way a chain ends), ``requests``
draws the queries, the synthetic backend answers them in process under the strict contract
check, ``grid_times`` and ``local_time_zone`` aim at the clock's edges, and one
``ManualClock`` is the library's and the backend's time. Oracles take the documented values
(``documented``), not the library's constants; ``edge_times`` and ``edge_spans`` draw the
instants and lengths those rules turn on; ``throttling_codes`` and ``refusal_codes`` say
what a retry must retry and what it must not.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import time
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import boto3
import insights_lib as lib
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from harness import strategies as aws
from harness.strategies import (
    EMPTY_LISTS,
    ENDINGS,
    PagePlan,
    assert_paginates,
    page_plans,
    serve_pages,
)
from harness.strategies.clock import OFFSETS, ZONES
from harness.strategies.pagination import pagination_of

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone.utc)
CLOCK = aws.ManualClock(NOW)
INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
SYNTHETIC = pytest.mark.aws_synthetic(seed=7, now=CLOCK)
METRIC_DOCS = aws.documented("cloudtrail", "ListInsightsMetricData")
RETENTION = METRIC_DOCS["METRIC_RETENTION"]  # the API reference's, not the library's
PERIODS = METRIC_DOCS["METRIC_PERIODS"]
GRAPH_LIMIT = aws.documented("xray", "GetInsightImpactGraph")["IMPACT_GRAPH_MAX_RANGE"]
LOOKBACK = aws.documented("xray", "GetInsightSummaries")["SUMMARIES_LOOKBACK"]
REAL_BACKOFF = lib.BACKOFF  # the fixture zeroes it; tests of the backoff put it back
DEFAULT_SLEEP = lib.with_retry.__kwdefaults__["sleep"]  # the fixture moves it to the clock
MAX_ITEMS = 6  # items a page plan holds at most (page sizes are drawn below it)
#: Named zones whose clocks change (grid_times and edge_times write fixed offsets only):
#: the local zones aws.time_zones() draws that have summer time, and London, at offset
#: zero all winter without being UTC.
CHANGING = tuple(ZoneInfo(name) for name in ("Europe/London", *ZONES))


def _clock_changes(zone: ZoneInfo, year: int = NOW.year) -> list[dt.datetime]:
    """The instants (UTC, to the minute) ``zone``'s clocks change in ``year``."""
    found = []
    week = dt.timedelta(days=7)  # (no zone changes its clocks twice in a week)
    at = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    while at.year == year:
        low, high = at, at + week
        if low.astimezone(zone).utcoffset() != high.astimezone(zone).utcoffset():
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) // 2 // dt.timedelta(minutes=1) * dt.timedelta(
                    minutes=1
                )
                before = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if before else (low, middle)
            found.append(high)
        at += week
    return found


CHANGES = tuple((zone, when) for zone in CHANGING for when in _clock_changes(zone))


def after_a_clock_change() -> st.SearchStrategy[dt.datetime]:
    """Instants less than six hours after a named zone's clocks changed, written in that
    zone: six hours back from one is six real hours, not six on its wall clock."""
    return st.tuples(st.sampled_from(CHANGES), st.integers(1, 359)).map(
        lambda pair: (pair[0][1] + dt.timedelta(minutes=pair[1])).astimezone(pair[0][0])
    )


#: London's clocks go back at 01:00 UTC on 25 October 2026: at 04:00 its offset is zero
LONDON_BACK = dt.datetime(2026, 10, 25, 1, tzinfo=dt.timezone.utc)
LONDON_WINTER = dt.datetime(2026, 10, 25, 4, tzinfo=ZoneInfo("Europe/London"))
BERLIN = ZoneInfo("Europe/Berlin")  # (its clocks go back at the same instant)


@pytest.fixture(autouse=True)
def _shared_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's clock is the backend's (autouse: not reset between examples, and it
    need not be), except in tests of the real clock."""
    CLOCK.set(NOW)
    monkeypatch.setattr(lib, "BACKOFF", 0)  # the planned throttles need no real wait
    # and with_retry waits on the shared clock (it returns at once, and keeps the waits)
    monkeypatch.setitem(lib.with_retry.__kwdefaults__, "sleep", CLOCK.sleep)
    if request.node.get_closest_marker("wall_clock") is None:
        monkeypatch.setattr(lib, "utcnow", CLOCK)


_CLIENTS: dict[str, Any] = {}


def client(service: str) -> Any:
    """One client per service for the run (the harness routes it wherever it was made)."""
    if service not in _CLIENTS:
        _CLIENTS[service] = lib.make_client(service)
    return _CLIENTS[service]


def xray() -> Any:
    return client("xray")


def cloudtrail() -> Any:
    return client("cloudtrail")


# ----------------------------------------------------------------------------- NextToken loops
# Each plan is drawn once and read by every function over its operation (a draw costs more
# than a run). Bursts reach the library's retry budget (``attempts``: a burst that long must
# surface), page sizes reach the model's largest, and every call must send the size asked.
BUDGET = {"attempts": lib.ATTEMPTS, "max_throttles": lib.ATTEMPTS}
#: A plan is dozens of rule-true draws (its items), most of a run's time: six plans a loop,
#: beside the pinned ones, not the profile's ten.
FEWER = settings(max_examples=6)


@FEWER
@given(
    page_plans(
        "xray",
        "GetInsightEvents",
        max_throttles=BUDGET["max_throttles"],
        endings=ENDINGS,
        max_items=MAX_ITEMS,
        now=NOW,
        refusals=True,
    ),
    aws.page_sizes("xray", "GetInsightEvents", up_to=MAX_ITEMS - 1),
)
@example(  # plans draw events at one instant; pin a tie whose summaries are out of order,
    # and two events of one second, the later one first (ordered to the microsecond)
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightEvents"),
        items=tuple(
            {"EventTime": NOW - dt.timedelta(hours=h, seconds=-late), "Summary": s}
            for h, late, s in ((1, 0, "b"), (1, 0, "a"), (2, 0.75, "d"), (2, 0.25, "c"))
        ),
        pages=(1, 3),
    ),
    page_size=None,
)
@example(  # a chain longer than ten pages (plans split into six at most): read to its end
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightEvents"),
        # stamped after the caller's now (the service's clock ahead): still the latest
        items=({"EventTime": NOW + dt.timedelta(minutes=5), "Summary": "last"},),
        pages=(0,) * 11 + (1,),
    ),
    page_size=None,
)
def test_timeline_and_latest_event(plan: Any, page_size: int | None) -> None:
    got = assert_paginates(
        plan,
        lambda: lib.insight_timeline(xray(), INSIGHT_ID, page_size=page_size),
        ordered=False,
        page_size=page_size,
        attempts=BUDGET["attempts"],
    )
    if not served_whole(plan):
        return
    assert got == sorted(plan.items, key=lambda event: event["EventTime"])
    with serve_pages(plan) as server:
        latest = lib.latest_event(xray(), INSIGHT_ID)
    assert latest == (max(plan.items, key=lambda event: event["EventTime"]) if got else None)
    assert [call.limit for call in server.calls] == [None] * len(server.calls)  # no page size


def served_whole(plan: PagePlan) -> bool:
    """Whether the library gets every page of ``plan`` (no refusal, a burst it outlasts)."""
    return plan.refusal is None and (plan.throttle_at is None or plan.throttles < lib.ATTEMPTS)


SUMMARIES = {"GroupName": "prod", "StartTime": NOW - dt.timedelta(days=2), "EndTime": NOW}


@FEWER
@given(
    page_plans(
        "xray",
        "GetInsightSummaries",
        request=SUMMARIES,
        max_throttles=BUDGET["max_throttles"],
        endings=ENDINGS,
        max_items=MAX_ITEMS,
        now=NOW,
    ),
    aws.page_sizes("xray", "GetInsightSummaries", up_to=MAX_ITEMS - 1),
)
@example(  # the model's largest page size, a closed insight updated after its end
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightSummaries"),
        items=(
            {
                "InsightId": INSIGHT_ID,
                "State": "CLOSED",
                "StartTime": NOW - dt.timedelta(hours=3),
                "EndTime": NOW - dt.timedelta(hours=1),
                "LastUpdateTime": NOW - dt.timedelta(minutes=30),
            },
            {"InsightId": INSIGHT_ID[:-1] + "1", "State": "ACTIVE", "StartTime": NOW},
            {  # started at the window's start: [start, end), kept as the service gave it
                "InsightId": INSIGHT_ID[:-1] + "2",
                "State": "CLOSED",
                "StartTime": SUMMARIES["StartTime"],
                "EndTime": NOW - dt.timedelta(days=1),
            },
        ),
        pages=(1, 2),  # the open insight on the second page
    ),
    page_size=100,
)
@example(  # more summaries than the model's largest page (100): none cut off
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightSummaries"),
        items=tuple(
            {"InsightId": f"{INSIGHT_ID[:-3]}{n:03d}", "State": "ACTIVE", "StartTime": NOW}
            for n in range(101)
        ),
        pages=(100, 1),
    ),
    page_size=100,
)
@example(  # a burst as long as the retry budget, on a later page: it surfaces, the listing
    # not started again around the library's own retry
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightSummaries"),
        items=tuple(
            {"InsightId": f"{INSIGHT_ID[:-1]}{n}", "State": "ACTIVE", "StartTime": NOW}
            for n in range(3)
        ),
        pages=(2, 1),
        throttle_at=1,
        throttles=lib.ATTEMPTS,
    ),
    page_size=None,
)
def test_insight_summaries_and_open_ids(plan: Any, page_size: int | None) -> None:
    window = {"group_name": "prod", "start": SUMMARIES["StartTime"], "end": NOW}
    assert_paginates(
        plan,
        lambda: lib.insight_summaries(xray(), page_size=page_size, **window),
        key=lambda summary: summary["InsightId"],
        page_size=page_size,
        attempts=BUDGET["attempts"],
    )
    if served_whole(plan):
        with serve_pages(plan):
            got = lib.open_insight_ids(xray(), **window)
        assert got == {s["InsightId"] for s in plan.items if s["State"] == "ACTIVE"}
    for summary in plan.items:  # CLOSED: to its EndTime, not its LastUpdateTime; ACTIVE: to now
        stop = summary["EndTime"] if summary["State"] == "CLOSED" else NOW
        duration = (stop - summary["StartTime"]).total_seconds()
        assert lib.insight_duration(summary, now=NOW) == duration
        # the graph's window: now, by default, is the library's clock (the shared one)
        assert lib.graph_window(summary) == lib.graph_window(summary, now=NOW)
        # a now passed in, not the clock's: an open insight's window ends at it
        later = NOW + dt.timedelta(hours=1)
        stop = summary["EndTime"] if summary["State"] == "CLOSED" else later
        window = (max(summary["StartTime"], stop - GRAPH_LIMIT), stop)
        assert lib.graph_window(summary, now=later) == window


GRAPH = {"InsightId": INSIGHT_ID, "StartTime": NOW - dt.timedelta(hours=6), "EndTime": NOW}


@given(
    page_plans(
        "xray",
        "GetInsightImpactGraph",
        request=GRAPH,
        max_throttles=BUDGET["max_throttles"],
        endings=ENDINGS,
        max_items=MAX_ITEMS,
        now=NOW,
        empty_lists=EMPTY_LISTS,  # (the library's own NextToken loop, no botocore paginator)
    )
)
@example(  # plans draw edges to services no page lists and to the caller itself; pin them
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightImpactGraph"),
        items=(
            {
                "ReferenceId": 1,
                "Name": "api",
                "Names": ["api", "api-gw"],  # X-Ray's other names for it: not its Name
                "Type": "AWS::EC2::Instance",
                "Edges": [{"ReferenceId": 1}, {"ReferenceId": 2}, {"ReferenceId": 9}],
            },
            {"ReferenceId": 2, "Name": "db", "Type": "AWS::DynamoDB::Table"},
        ),
        pages=(1, 1),
    )
)
@example(  # an empty page that leaves its Services out (optional in the model), and two
    # services of one name, each with calls of its own
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightImpactGraph"),
        items=(
            {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 3}]},
            {"ReferenceId": 2, "Name": "api", "Edges": [{"ReferenceId": 1}]},
            {"ReferenceId": 3, "Name": "db"},
        ),
        pages=(0, 2, 1),
        empty_lists="absent",
    )
)
@example(  # X-Ray refusing a later page (InvalidRequestException: the window too long or
    # too old for the insight): raised as it came, no partial graph of the pages before it
    plan=PagePlan(
        pagination=pagination_of("xray", "GetInsightImpactGraph"),
        items=({"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]},),
        pages=(1, 0),
        refuse_at=1,
        refusal="InvalidRequestException",  # (in refusal_codes("xray", ...))
    )
)
def test_impact_graph_and_downstream(plan: Any) -> None:
    graphs: list[dict] = []

    def services() -> list[Any]:
        graphs.append(lib.impact_graph(xray(), INSIGHT_ID, start=GRAPH["StartTime"], end=NOW))
        return list(graphs[-1]["services"].values())

    assert_paginates(
        plan, services, key=lambda service: service["ReferenceId"], attempts=BUDGET["attempts"]
    )
    if not plan.items or not served_whole(plan):
        return
    graph = graphs[-1]
    # each service as the pages gave it, its Edges included (the responses are not changed)
    assert graph["services"] == {s["ReferenceId"]: s for s in plan.items}
    # every edge the pages list, an edge to a service no page lists too (plans draw some)
    listed = {(s["ReferenceId"], e["ReferenceId"]) for s in plan.items for e in s.get("Edges", [])}
    assert graph["edges"] == listed
    names = {s["ReferenceId"]: s.get("Name", "?") for s in plan.items}

    def calls(name: Any) -> set[str]:  # services that share a name add their edges together
        return {
            names[e["ReferenceId"]]
            for service in plan.items
            if service.get("Name") == name
            for e in service.get("Edges", [])
            if e["ReferenceId"] in names
        }

    asked = copy.deepcopy(graph)
    for service in plan.items:
        assert lib.downstream_of(graph, service.get("Name")) == calls(service.get("Name"))
        for alias in service.get("Names", []):  # asked by Name: an alias names no service
            assert lib.downstream_of(graph, alias) == calls(alias)
    assert graph == asked  # the caller's graph, as it was (nothing cached in it)
    # a graph is its services and its edges: downstream follows the edges the graph holds
    # (a caller that drops the edges it distrusts, all of them here, is left no calls)
    pruned = {"services": graph["services"], "edges": set()}
    assert all(lib.downstream_of(pruned, s.get("Name")) == set() for s in plan.items)
    # an edge to a service no page lists: the checker's edges-reference-listed-services is a
    # warning (inferred, not stated), so code reading a graph must not trust it
    caller = plan.items[0]
    graph["edges"].add((caller["ReferenceId"], max(names) + 1))
    assert lib.downstream_of(graph, caller.get("Name")) == calls(caller.get("Name"))


METRIC = {
    "EventSource": "s3.amazonaws.com",
    "EventName": "PutObject",
    "InsightType": "ApiCallRateInsight",
    "Period": 300,
}


@given(
    page_plans(
        "cloudtrail",
        "ListInsightsMetricData",
        request=METRIC,
        max_throttles=BUDGET["max_throttles"],
        endings=ENDINGS,
        max_items=MAX_ITEMS,
        now=NOW,
        empty_lists=EMPTY_LISTS,  # (the library's own NextToken loop, no botocore paginator)
    ),
    aws.page_sizes("cloudtrail", "ListInsightsMetricData", up_to=MAX_ITEMS - 1),
)
@example(  # an empty first page that leaves Timestamps and Values out
    plan=PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsMetricData"),
        items=((NOW - dt.timedelta(minutes=10), 1.0),),
        pages=(0, 1),
        empty_lists="absent",
    ),
    page_size=None,
)
@example(  # a page resumed "from the last evaluated point" repeats its timestamp: both points
    # kept as the pages gave them, in their order (the caller's to merge), not collapsed
    plan=PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsMetricData"),
        items=((NOW - dt.timedelta(minutes=10), 2.0), (NOW - dt.timedelta(minutes=10), 1.0)),
        pages=(1, 1),
    ),
    page_size=1,
)
@example(  # a window asked off the grid, stamped by the service from its start: the points'
    # timestamps as it gave them, not moved to the Period's grid
    plan=PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsMetricData"),
        items=((NOW - dt.timedelta(minutes=10, seconds=-90), 3.0),),
        pages=(1,),
    ),
    page_size=None,
)
@example(  # CloudTrail's InvalidParameterException on a later page: raised, not read as no data
    plan=PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsMetricData"),
        items=((NOW - dt.timedelta(minutes=10), 1.0),),
        pages=(1, 0),
        refuse_at=1,
        refusal="InvalidParameterException",  # (in refusal_codes("cloudtrail", ...))
    ),
    page_size=None,
)
def test_metric_series_paginates(plan: Any, page_size: int | None) -> None:
    assert_paginates(
        plan,
        lambda: lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=NOW - dt.timedelta(days=1),
            end=NOW,
            period=300,
            page_size=page_size,
        ),
        page_size=page_size,
        attempts=BUDGET["attempts"],
    )


EVENTS = {"InsightSource": TRAIL, "StartTime": NOW - dt.timedelta(days=3), "EndTime": NOW}
CT_EVENTS = pagination_of("cloudtrail", "ListInsightsData")
THREE = tuple({"EventId": f"e{n}", "EventTime": NOW - dt.timedelta(hours=n)} for n in (1, 2, 3))


@FEWER
@given(
    page_plans(
        "cloudtrail",
        "ListInsightsData",
        request=EVENTS,
        max_throttles=BUDGET["max_throttles"],
        max_items=MAX_ITEMS,
        now=NOW,
        refusals=True,
    ),
    aws.page_sizes("cloudtrail", "ListInsightsData", up_to=MAX_ITEMS - 1),
)
@example(  # a throttle on the third page: the paginator resumes from the second page's token
    plan=PagePlan(pagination=CT_EVENTS, items=THREE, pages=(1, 1, 1), throttle_at=2),
    page_size=1,
)
@example(  # a burst as long as the retry budget, on a later page: it surfaces
    plan=PagePlan(
        pagination=CT_EVENTS, items=THREE, pages=(2, 1), throttle_at=1, throttles=lib.ATTEMPTS
    ),
    page_size=None,
)
@example(  # a token CloudTrail no longer takes on a later page (its listings' expired-token
    # refusal): raised as it came, not listed again from the start into the same events
    plan=PagePlan(
        pagination=CT_EVENTS,
        items=THREE,
        pages=(1, 2),
        refuse_at=1,
        refusal="InvalidNextTokenException",  # (in refusal_codes("cloudtrail"))
    ),
    page_size=None,
)
@example(  # two events of one EventId on two pages (an insight's start and end): both listed
    plan=PagePlan(
        pagination=CT_EVENTS, items=(THREE[0], {**THREE[1], "EventId": "e1"}), pages=(1, 1)
    ),
    page_size=1,
)
@example(  # events with their ReadOnly (a string in the model: "true", "false"): as given
    plan=PagePlan(
        pagination=CT_EVENTS,
        items=({**THREE[0], "ReadOnly": "false"}, {**THREE[1], "ReadOnly": "true"}),
        pages=(2,),
    ),
    page_size=None,
)
def test_insights_events_paginate(plan: Any, page_size: int | None) -> None:
    got = assert_paginates(
        plan,
        lambda: lib.insights_events(
            cloudtrail(), TRAIL, start=EVENTS["StartTime"], end=NOW, page_size=page_size
        ),
        key=lambda event: event["EventId"],
        page_size=page_size,
        attempts=BUDGET["attempts"],
    )
    if served_whole(plan):  # each event as the service gave it, in its order
        assert got == list(plan.items)


# ----------------------------------------------------------------------------- the clock's edges


@given(
    end=aws.grid_times(60, start=NOW - dt.timedelta(days=2), end=NOW),
    period=st.sampled_from(PERIODS),
    span=st.integers(1, 48 * 3600).map(lambda s: dt.timedelta(seconds=s)),
)
# an end after now (a caller's clock ahead of the shared one) and a span shorter than the
# Period: neither is refused, the window is the whole period before that end
@example(end=NOW + dt.timedelta(hours=1, seconds=30), period=300, span=dt.timedelta(seconds=90))
# a day back from noon in Berlin on the day its clocks went back: 24 real hours, not back to
# noon on its wall clock (25)
@example(end=dt.datetime(2026, 10, 25, 12, tzinfo=BERLIN), period=300, span=dt.timedelta(days=1))
def test_metric_window_is_whole_periods_before_end(
    end: dt.datetime, period: int, span: dt.timedelta
) -> None:
    start, stop = lib.metric_window(span, period, end=end)  # inside retention: never empty
    with pytest.raises(ValueError, match="span"):  # the same span below zero: refused as such
        lib.metric_window(-span, period, end=end)
    for edge in (start, stop):  # in UTC, as the library writes every time (real hours apart)
        assert edge.timestamp() % period == 0 and edge.tzinfo == dt.timezone.utc
    assert stop <= end < stop + dt.timedelta(seconds=period)
    assert start >= NOW - RETENTION[period]
    assert span <= stop - start <= span + dt.timedelta(seconds=period)


def _floor(when: dt.datetime, period: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(when.timestamp() // period * period, tz=dt.timezone.utc)


@given(
    now=st.one_of(st.just(NOW), aws.grid_times(60, start=NOW - dt.timedelta(days=1), end=NOW)),
    period=st.sampled_from(PERIODS),
    data=st.data(),
)
@example(now=NOW, period=60, data=None)  # a span past each Period's own retention, by half a
@example(now=NOW, period=300, data=None)  # day (5-minute data: 63 days, not 90)
@example(now=NOW, period=3600, data=None)
# now 90 s past a grid point, a span of exactly the retention: its first period starts 90 s
# before the cut-off (now's, not the grid point's), so it is clipped
@example(now=NOW + dt.timedelta(seconds=90), period=300, data=None)
def test_metric_window_stays_inside_retention(
    now: dt.datetime, period: int, data: st.DataObject | None
) -> None:
    CLOCK.set(now)  # the retention cut-off moves with the clock, on and off the grid
    # (now may be written in a named zone: the cut-off is 15, 63 or 90 real days back, in UTC,
    # not as many days on that zone's wall clock across its clock change)
    cutoff = now.astimezone(dt.timezone.utc) - RETENTION[period]
    if data is None:
        # a window wholly older than the retention: nothing left, refused (not sent as asked)
        with pytest.raises(ValueError):
            lib.metric_window(dt.timedelta(hours=1), period, end=cutoff - dt.timedelta(days=1))
        past = dt.timedelta(hours=12) if now == NOW else dt.timedelta(0)
        span, end = RETENTION[period] + past, now  # (its .days: 15, 63, 90)
    else:  # spans at the retention, ends at now, in the past, and just past the cut-off
        span = data.draw(
            st.one_of(aws.edge_spans(RETENTION[period]), st.just(dt.timedelta(hours=1)))
        )
        end = data.draw(
            st.one_of(
                st.just(now),
                st.just(now - dt.timedelta(days=10)),
                aws.edge_times(cutoff + dt.timedelta(seconds=period), period=period),
            )
        )
    if span <= dt.timedelta(0):
        with pytest.raises(ValueError, match="span"):  # a span, not an empty window
            lib.metric_window(span, period, end=end)
        return
    stop = _floor(end, period)
    wanted = _floor(stop - span, period)
    # inside retention the window is exactly its whole periods; clipped, it starts at the
    # first grid point after the cut-off (counted from now, not from the window's end)
    first = _floor(cutoff, period) + dt.timedelta(seconds=period)
    expected = wanted if wanted >= cutoff else first
    if expected >= stop:  # nothing left: an empty window is refused
        with pytest.raises(ValueError):
            lib.metric_window(span, period, end=end)
        return
    assert lib.metric_window(span, period, end=end) == (expected, stop)
    if end == now:  # the default end is now, and a real clock moves on between two readings
        with mock.patch.object(lib, "utcnow", moving_on(period)):  # (a Period a reading)
            assert lib.metric_window(span, period) == (expected, stop)  # one reading: now's


def moving_on(seconds: int) -> Any:
    """The shared clock, moving on by ``seconds`` each time it is read."""

    def read() -> dt.datetime:
        now = CLOCK()
        CLOCK.advance(seconds)
        return now

    return read


@given(
    when=aws.grid_times(300, start=NOW - dt.timedelta(days=1), end=NOW),
    zone=st.sampled_from(CHANGING),
)
@example(when=NOW - dt.timedelta(milliseconds=1), zone=CHANGING[0])  # a ms before the grid
@example(  # before the epoch (a timestamp below zero): floored too, not truncated toward it
    when=dt.datetime(1969, 12, 31, 23, 58, 30, tzinfo=dt.timezone.utc), zone=CHANGING[0]
)
def test_align_floors_to_the_grid(when: dt.datetime, zone: ZoneInfo) -> None:
    for period in PERIODS:  # the same instant on each Period's grid
        aligned = lib.align(when, period)
        assert aligned <= when < aligned + dt.timedelta(seconds=period)
        assert aligned.timestamp() % period == 0
    # drawn in other offsets, and written in a named zone (London's offset is zero from
    # late October: still Europe/London, not UTC): the same instant, written in UTC
    for written in (when, when.astimezone(zone)):
        utc = lib.as_utc(written)
        assert utc == written and utc.tzinfo == dt.timezone.utc
        aligned = lib.align(written, 300)  # its grid point alike, in UTC
        assert aligned == lib.align(when, 300) and aligned.tzinfo == dt.timezone.utc


@pytest.mark.wall_clock
@given(zone=aws.time_zones(), period=st.sampled_from(PERIODS))
def test_window_ending_now_under_any_local_zone(zone: str, period: int) -> None:
    with aws.local_time_zone(zone):
        before = dt.datetime.now(dt.timezone.utc)
        now = lib.utcnow()
        _, stop = lib.metric_window(dt.timedelta(hours=3), period)
        after = dt.datetime.now(dt.timezone.utc)
    assert before <= now <= after and now.utcoffset() == dt.timedelta(0)  # to the microsecond
    assert before - dt.timedelta(seconds=period) < stop <= after


@SYNTHETIC
@given(naive=st.datetimes(), period=st.sampled_from(PERIODS))
@example(naive=dt.datetime(2026, 11, 1, 11), period=300)
def test_naive_times_are_refused(naive: dt.datetime, period: int) -> None:
    with pytest.raises(ValueError):
        lib.align(naive, period)
    with pytest.raises(ValueError):
        lib.as_utc(naive)
    with pytest.raises(ValueError):  # before any call: a naive start is local time
        lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=naive,
            end=NOW,
        )
    with pytest.raises((ValueError, TypeError, AttributeError)):  # a date is no instant (its
        # midnight in which zone?): refused, not read as the machine's midnight
        lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=naive.date(),
            end=NOW,
        )
    for read in (  # every function that sends a time
        lambda: lib.insight_summaries(xray(), group_name="prod", start=naive, end=NOW),
        lambda: lib.insights_events(cloudtrail(), TRAIL, start=naive, end=NOW),
        lambda: lib.impact_graph(xray(), INSIGHT_ID, start=NOW, end=naive),
    ):
        with pytest.raises((ValueError, TypeError)):  # (a naive and an aware time: TypeError)
            read()


@given(other=st.integers(-3600, 7200).filter(lambda p: p not in PERIODS))
@example(other=120)
@example(other=900)
def test_undocumented_periods_are_refused(other: int) -> None:
    # "If you specify any other value, you will get an error": a Period refused by every
    # function that takes one, before any call
    named = re.escape(str(other))  # the message names the Period refused
    with pytest.raises(ValueError, match=named):
        lib.align(NOW, other)
    with pytest.raises(ValueError, match=named):
        lib.metric_window(dt.timedelta(hours=1), other, end=NOW)
    with pytest.raises(ValueError, match=named):
        lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=NOW - dt.timedelta(hours=1),
            end=NOW,
            period=other,
        )


PAGED = {  # each paging function, asked for a page size
    "GetInsightEvents": lambda size: lib.insight_timeline(xray(), INSIGHT_ID, page_size=size),
    "GetInsightSummaries": lambda size: lib.insight_summaries(
        xray(), group_name="prod", start=NOW - dt.timedelta(days=1), end=NOW, page_size=size
    ),
    "ListInsightsMetricData": lambda size: lib.metric_series(
        cloudtrail(),
        event_source="s3.amazonaws.com",
        event_name="PutObject",
        start=NOW - dt.timedelta(hours=1),
        end=NOW,
        page_size=size,
    ),
    "ListInsightsData": lambda size: lib.insights_events(
        cloudtrail(), TRAIL, start=NOW - dt.timedelta(days=1), end=NOW, page_size=size
    ),
}


@SYNTHETIC
# every refusal here turns on the constraint broken, not on the values drawn around it: two
# examples, not the profile's ten
@settings(max_examples=2, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reversed_window=aws.invalid_requests(
        "cloudtrail", "ListInsightsMetricData", now=NOW, constraints=["StartTime.after-EndTime"]
    ),
    empty_dimension=aws.invalid_requests(
        "cloudtrail", "ListInsightsData", now=NOW, constraints=["Dimensions.value.min"]
    ),
    two_states=aws.invalid_requests(
        "xray", "GetInsightSummaries", now=NOW, constraints=["States.max"]
    ),
    long_group=aws.invalid_requests(
        "xray", "GetInsightSummaries", now=NOW, constraints=["GroupName.max"]
    ),
    empty_group=aws.invalid_requests(
        "xray", "GetInsightSummaries", now=NOW, constraints=["GroupName.min"]
    ),
    bad_id=aws.invalid_requests("xray", "GetInsight", now=NOW, constraints=["InsightId.pattern"]),
    too_old=aws.invalid_requests(
        "xray", "GetInsightSummaries", now=NOW, constraints=["StartTime.older-than-30-days"]
    ),
    bare_source=aws.invalid_requests(
        "cloudtrail", "ListInsightsMetricData", now=NOW, constraints=["EventSource.pattern"]
    ),
    bad_state=aws.invalid_requests(
        "xray", "GetInsightSummaries", now=NOW, constraints=["States.enum"]
    ),
)
def test_what_the_service_refuses_is_refused_before_sending(
    reversed_window: Any,
    empty_dimension: Any,
    two_states: Any,
    long_group: Any,
    empty_group: Any,
    bad_id: Any,
    too_old: Any,
    bare_source: Any,
    bad_state: Any,
    aws_synthetic: Any,
) -> None:
    seen = len(aws_synthetic.exchanges)
    # 0 is below every model's MaxResults minimum: refused before sending, not read as "no
    # page size"
    for fetch in PAGED.values():
        with pytest.raises(ParamValidationError):
            fetch(0)
    params = reversed_window.params  # StartTime after EndTime: the library's own ValueError
    with pytest.raises(ValueError):
        lib.metric_series(
            cloudtrail(),
            event_source=params["EventSource"],
            event_name=params["EventName"],
            start=params["StartTime"],
            end=params["EndTime"],
        )
    # a Dimensions value shorter than its minimum (botocore refuses it): an empty event name
    # is sent as given, not dropped for the source; an empty source alike
    (empty,) = empty_dimension.params["Dimensions"].values()
    assert empty_dimension.caught_by == "client"
    for name, source in ((empty, "ec2.amazonaws.com"), (None, empty)):
        with pytest.raises(ParamValidationError):
            lib.insights_events(
                cloudtrail(),
                TRAIL,
                start=EVENTS["StartTime"],
                end=NOW,
                event_name=name,
                event_source=source,
            )
    # a GroupName shorter than its minimum (an empty one): sent as given, so botocore refuses
    # it, not dropped (which would ask for no group at all)
    assert empty_group.caught_by == "client"
    with pytest.raises(ParamValidationError):
        lib.insight_summaries(
            xray(),
            group_name=empty_group.params["GroupName"],
            start=SUMMARIES["StartTime"],
            end=NOW,
        )
    assert aws_synthetic.exchanges[seen:] == []
    # more States than the model's one: sent as asked, the service's refusal raised as it came
    states = two_states.params["States"]
    with pytest.raises(ClientError) as refused:
        lib.insight_summaries(
            xray(), group_name="prod", start=SUMMARIES["StartTime"], end=NOW, states=states
        )
    assert refused.value.response["Error"]["Code"] == two_states.caught_by
    assert aws_synthetic.exchanges[-1].params["States"] == states
    # a state the enum does not hold (the enum's ACTIVE in lower case too): sent as asked,
    # not respelt, the service's refusal raised as it came
    for states in (bad_state.params["States"], ["active"]):
        with pytest.raises(ClientError) as refused:
            lib.insight_summaries(
                xray(), group_name="prod", start=SUMMARIES["StartTime"], end=NOW, states=states
            )
        assert refused.value.response["Error"]["Code"] == bad_state.caught_by
        assert aws_synthetic.exchanges[-1].params["States"] == states
    # a GroupName longer than the model's 32 (a group's ARN pasted as its name too): sent as
    # the GroupName given (not cut to another group's name, not sent as another member), the
    # service's refusal raised as it came
    arn = "arn:aws:xray:us-east-1:123456789012:group/prod/ABCDEF"
    for name in (long_group.params["GroupName"], arn):
        with pytest.raises(ClientError) as refused:
            lib.insight_summaries(xray(), group_name=name, start=SUMMARIES["StartTime"], end=NOW)
        assert refused.value.response["Error"]["Code"] == long_group.caught_by
        assert aws_synthetic.exchanges[-1].params.get("GroupName") == name
    # an EventSource its pattern refuses (a bare service name): sent as given, not completed
    # into another source, the service's refusal raised as it came
    source = bare_source.params["EventSource"]
    with pytest.raises(ClientError) as refused:
        lib.metric_series(
            cloudtrail(),
            event_source=source,
            event_name="PutObject",
            start=NOW - dt.timedelta(hours=1),
            end=NOW,
        )
    assert refused.value.response["Error"]["Code"] == bare_source.caught_by
    assert aws_synthetic.exchanges[-1].params["EventSource"] == source
    # an InsightId the service refuses (not a uuid it could issue): its refusal raised as it
    # came, not taken for an insight that is not there
    seen = len(aws_synthetic.exchanges)
    with pytest.raises(ClientError) as refused:
        lib.insight(xray(), bad_id.params["InsightId"])
    assert refused.value.response["Error"]["Code"] == bad_id.caught_by
    assert len(aws_synthetic.exchanges) == seen + 1  # asked once: a refusal is not retried
    # a StartTime older than the service's 30 days: sent as given (not moved up to 30 days
    # ago, which would answer another window), the service's refusal raised as it came
    start = too_old.params["StartTime"]
    with pytest.raises(ClientError) as refused:
        lib.insight_summaries(xray(), group_name="prod", start=start, end=too_old.params["EndTime"])
    assert refused.value.response["Error"]["Code"] == too_old.caught_by
    assert aws_synthetic.exchanges[-1].params["StartTime"] == start.timestamp()
    # a CloudTrail window given the wrong way round: sent as given (not swapped into the
    # window meant), the service's refusal raised as it came
    with pytest.raises(ClientError):
        lib.insights_events(cloudtrail(), TRAIL, start=NOW, end=NOW - dt.timedelta(hours=1))
    assert aws_synthetic.exchanges[-1].params["StartTime"] == NOW.timestamp()


# ----------------------------------------------------------------------------- the synthetic world


@SYNTHETIC
@FEWER  # (each example lists up to 40 periods, a page a period when MaxResults=1)
@given(params=aws.requests("cloudtrail", "ListInsightsMetricData", now=NOW), data=st.data())
def test_metric_series_matches_the_service(params: dict, data: st.DataObject) -> None:
    assume("StartTime" in params and "EndTime" in params)
    period = params.get("Period", 3600)
    # a StartTime beside the Period's grid ("inclusive": the first point is at or after it)
    params["StartTime"] = data.draw(aws.edge_times(params["StartTime"], period=period))
    params["EndTime"] = max(params["EndTime"], params["StartTime"])
    # at most 40 periods, so that MaxResults=1 stays a few dozen pages
    params["EndTime"] = min(
        params["EndTime"], params["StartTime"] + dt.timedelta(seconds=40 * period)
    )
    got = lib.metric_series(
        cloudtrail(),
        event_source=params["EventSource"],
        event_name=params["EventName"],
        insight_type=params["InsightType"],
        error_code=params.get("ErrorCode"),
        start=params["StartTime"],
        end=params["EndTime"],
        period=period,
        fill_zeros=params.get("DataType", "NonZeroData") == "FillWithZeros",
        page_size=params.get("MaxResults"),
    )
    params.pop("TrailName", None)  # (the library reads the account's series)
    reference = cloudtrail().list_insights_metric_data(**{**params, "MaxResults": 21600})
    assert "NextToken" not in reference
    assert got == list(zip(reference["Timestamps"], reference["Values"], strict=True))


@SYNTHETIC
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=aws.requests("cloudtrail", "ListInsightsMetricData", now=NOW))
def test_error_code_goes_only_with_error_rate(params: dict, aws_synthetic: Any) -> None:
    kwargs = {
        "event_source": params["EventSource"],
        "event_name": params["EventName"],
        "start": NOW - dt.timedelta(hours=2),
        "end": NOW,
        "insight_type": params["InsightType"],
    }
    if params["InsightType"] == "ApiErrorRateInsight":
        for missing in (None, ""):  # no error code, or an empty one
            with pytest.raises(ValueError):
                lib.metric_series(cloudtrail(), error_code=missing, **kwargs)
    seen = len(aws_synthetic.exchanges)
    for code in ("AccessDenied", "Client.UnauthorizedOperation"):  # (EC2's codes are dotted)
        lib.metric_series(cloudtrail(), error_code=code, **kwargs)
    for exchange in aws_synthetic.exchanges[seen:]:  # what the library sent, as sent
        sent = exchange.params
        assert ("ErrorCode" in sent) == (sent["InsightType"] == "ApiErrorRateInsight"), sent
        assert sent["Period"] == 300, sent  # the library's documented default


@SYNTHETIC
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.one_of(
        st.integers(1, 80).map(lambda n: NOW.date() - dt.timedelta(days=n)),
        # the hourly retention's cut-off (90 days) and past it: the day is still asked as is
        aws.edge_times(NOW - RETENTION[3600], period=86400, offsets=False).map(
            lambda when: when.date()
        ),
    ),
    zone=aws.time_zones(),
)
def test_hourly_series_of_a_day(day: dt.date, zone: str, aws_synthetic: Any) -> None:
    seen = len(aws_synthetic.exchanges)
    with aws.local_time_zone(zone):  # (botocore's datetimes are in tzlocal: compare inside)
        points = lib.hourly_series_of_day(
            cloudtrail(), event_source="s3.amazonaws.com", event_name="PutObject", day=day
        )
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        hours = [midnight + dt.timedelta(hours=h) for h in range(24)]
        kept = [when for when in hours if when >= NOW - RETENTION[3600]]  # what the service has
        assert [when for when, _ in points] == kept
    sent = aws_synthetic.exchanges[seen].params  # exactly the day: the next midnight excluded
    window = (sent["StartTime"], sent["EndTime"])
    assert window == (midnight.timestamp(), (midnight + dt.timedelta(days=1)).timestamp())
    assert "MaxResults" not in sent  # no page size asked: the service's own
    # a datetime is a date too: its day's window, the day it is written on (in any offset,
    # early and late in that day: not the day it falls on in UTC)
    for offset in OFFSETS:
        for clock in (dt.time(0, 30), dt.time(15, 30), dt.time(23, 30)):
            written = dt.datetime.combine(day, clock, tzinfo=offset)
            assert lib.day_window(written) == (midnight, midnight + dt.timedelta(days=1))


@SYNTHETIC
# each example reads the trail's 80 days four times (~6 calls), and the rules it checks (one
# Dimension, an inclusive end, the ARN sent as given) hold on any of the 18 trails, names and
# sources it draws: three examples, not the profile's ten
@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    trail=st.sampled_from(["trail-1", "trail-2", "management-events"]).map(
        lambda name: TRAIL.replace("/main", f"/{name}")  # InsightSource: the trail's ARN
    ),
    pick=st.integers(0, 200),
    event_name=st.sampled_from(["RunInstances", "Decrypt", "CreateAccessKey"]),
    event_source=st.sampled_from(["ec2.amazonaws.com", "kms.amazonaws.com"]),
)
def test_insights_events_one_dimension_and_inclusive_end(
    trail: str, pick: int, event_name: str, event_source: str, aws_synthetic: Any
) -> None:
    seen = len(aws_synthetic.exchanges)
    everything = lib.insights_events(
        cloudtrail(), trail, start=NOW - dt.timedelta(days=80), end=NOW
    )
    assert aws_synthetic.exchanges[seen].params["InsightSource"] == trail  # the ARN as given
    edge = everything[pick % len(everything)]["EventTime"]  # ListInsightsData: [start, end]
    at_edges = lib.insights_events(cloudtrail(), trail, start=edge, end=edge)
    assert edge in [event["EventTime"] for event in at_edges]
    named = lib.insights_events(
        cloudtrail(),
        trail,
        start=NOW - dt.timedelta(days=80),
        end=NOW,
        event_name=event_name,
        event_source=event_source,
    )
    assert named == [event for event in everything if event["EventName"] == event_name]
    sourced = lib.insights_events(
        cloudtrail(), trail, start=NOW - dt.timedelta(days=80), end=NOW, event_source=event_source
    )
    assert sourced == [event for event in everything if event["EventSource"] == event_source]


@SYNTHETIC
@settings(max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=aws.requests("xray", "GetInsightSummaries", now=NOW))
@example(  # a window at the 30 days the service looks back: its EndTime sent as given
    params={"GroupName": "Default", "StartTime": NOW - LOOKBACK, "EndTime": NOW - LOOKBACK}
)
def test_insight_summaries_match_the_service(params: dict, aws_synthetic: Any) -> None:
    assume("GroupName" in params and "StartTime" in params and "EndTime" in params)
    seen = len(aws_synthetic.exchanges)
    asked = {"states": params["States"]} if "States" in params else {}  # none: the default
    got = lib.insight_summaries(
        xray(),
        group_name=params["GroupName"],
        start=params["StartTime"],
        end=params["EndTime"],
        page_size=params.get("MaxResults"),
        **asked,
    )
    sent = aws_synthetic.exchanges[seen].params  # requests() draws States=[] too: no filter
    assert ("States" in sent) == bool(params.get("States")), sent
    raw = xray().get_insight_summaries(
        GroupName=params["GroupName"],
        StartTime=params["StartTime"],
        EndTime=params["EndTime"],
        **({"States": params["States"]} if params.get("States") else {}),
        MaxResults=100,
    )
    assume("NextToken" not in raw)
    assert [s["InsightId"] for s in got] == [s["InsightId"] for s in raw["InsightSummaries"]]


@SYNTHETIC
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=aws.requests("xray", "GetInsight", now=NOW),
    later=st.sampled_from([3600, 1, 0.25]).map(lambda s: dt.timedelta(seconds=s)),
    span=aws.edge_spans(GRAPH_LIMIT),
    changed=after_a_clock_change(),
)
@example(  # an empty window (an insight that started at now), London just back to offset zero
    params={"InsightId": INSIGHT_ID},
    later=dt.timedelta(seconds=0.25),
    span=dt.timedelta(0),
    changed=LONDON_WINTER,
)
@example(  # six hours and half a second from a whole second: over; now written in London's
    # repeated hour, its second pass (fold=1: 01:30 GMT)
    params={"InsightId": INSIGHT_ID},
    later=dt.timedelta(seconds=1),
    span=GRAPH_LIMIT + dt.timedelta(seconds=0.5),
    changed=(LONDON_BACK + dt.timedelta(minutes=30)).astimezone(ZoneInfo("Europe/London")),
)
def test_insight_duration_and_graph_window(
    params: dict, later: dt.timedelta, span: dt.timedelta, changed: dt.datetime, aws_synthetic: Any
) -> None:
    record = lib.insight(xray(), params["InsightId"])
    # a now passed in, not the clock's and off the whole second, written at +05:45 (the
    # record's times are in UTC): the durations count to it, instant to instant
    now = (NOW + later).astimezone(OFFSETS[1])
    duration = lib.insight_duration(record, now=now)
    end = record.get("EndTime", now)
    assert duration == (end - record["StartTime"]).total_seconds()
    # the same insight while ACTIVE, to a now before its start (a clock behind the
    # service's): the difference as it is, below zero
    active = {k: v for k, v in record.items() if k != "EndTime"} | {"State": "ACTIVE"}
    behind = record["StartTime"] - dt.timedelta(seconds=90)
    assert lib.insight_duration(active, now=behind) == -90.0
    # no now passed in: the library's clock (the shared one), whatever zone the start is in
    assert lib.insight_duration(active) == (NOW - record["StartTime"]).total_seconds()
    # closed an hour after its start, its times as botocore gives them on a machine not on
    # UTC (written at +05:45): instant to instant
    closed = active | {"State": "CLOSED", "EndTime": record["StartTime"] + dt.timedelta(hours=1)}
    ahead = {
        k: v.astimezone(OFFSETS[1]) if isinstance(v, dt.datetime) else v for k, v in closed.items()
    }
    assert lib.insight_duration(ahead, now=now) == 3600.0
    if span > GRAPH_LIMIT:  # "can't be more than six hours", a day and more included, the
        # window's end written in any UTC offset (the same instant: the same span), from a
        # whole second (over by under a second: still over, though not in whole seconds)
        for zone in OFFSETS:
            with pytest.raises(ValueError):
                lib.impact_graph(
                    xray(),
                    params["InsightId"],
                    start=NOW - GRAPH_LIMIT,
                    end=(NOW - GRAPH_LIMIT + span).astimezone(zone),
                )
    else:  # six hours and less, an empty window included: asked (the service judges), to
        # the sub-second (the window ending at the now passed in)
        seen = len(aws_synthetic.exchanges)
        lib.impact_graph(xray(), params["InsightId"], start=now - span, end=now)
        assert aws_synthetic.exchanges[seen:], "not asked"
        sent = aws_synthetic.exchanges[-1].params
        asked = ((now - span).timestamp(), now.timestamp())
        assert (sent["StartTime"], sent["EndTime"]) == pytest.approx(asked, abs=1e-6)
    # an open insight's window to a now written in a named zone, hours after its clocks
    # changed: six real hours back (not six on its wall clock), in UTC
    utc = changed.astimezone(dt.timezone.utc)
    long_open = {"State": "ACTIVE", "StartTime": utc - dt.timedelta(days=1)}
    assert lib.graph_window(long_open, now=changed) == (utc - GRAPH_LIMIT, utc)
    assume(record["StartTime"] > NOW - dt.timedelta(days=29))
    start, stop = lib.graph_window(record, now=NOW)
    end = record.get("EndTime", NOW)
    assert stop == end
    assert start == max(record["StartTime"], end - GRAPH_LIMIT)
    # the end written in another offset than the start (+05:45): the same six hours at most
    ahead = stop.astimezone(OFFSETS[1])
    graph = lib.impact_graph(xray(), params["InsightId"], start=start, end=ahead)
    assert all(isinstance(ref, int) for ref in graph["services"])
    # the service's graph runs caller -> root cause -> its downstream services: downstream
    # is one hop, the services each service of that name lists in its Edges
    services = list(graph["services"].values())
    for name in {service.get("Name") for service in services}:
        direct = {
            graph["services"][edge["ReferenceId"]].get("Name", "?")
            for service in services
            if service.get("Name") == name
            for edge in service.get("Edges", [])
            if edge["ReferenceId"] in graph["services"]
        }
        assert lib.downstream_of(graph, name) == direct
    sent = aws_synthetic.exchanges[-1].params  # the window as sent, not reversed
    assert (sent["StartTime"], sent["EndTime"]) == (start.timestamp(), stop.timestamp())


@SYNTHETIC
@given(params=aws.requests("internetmonitor", "GetInternetEvent", now=NOW))
def test_outage_seconds(params: dict) -> None:
    event = lib.internet_event(client("internetmonitor"), params["EventId"])
    assert lib.is_ongoing(event) == ("EndedAt" not in event)
    later = NOW + dt.timedelta(hours=1)  # a now passed in, not the clock's: counted to it
    stop = event.get("EndedAt", later)
    assert lib.outage_seconds(event, now=later) == (stop - event["StartedAt"]).total_seconds()
    assert lib.outage_seconds(event) == lib.outage_seconds(event, now=NOW)  # the shared clock
    # resolved an hour after it started, read by a caller whose clock is not there yet: to
    # its EndedAt (the service's word), not cut at the caller's now
    ended = event | {
        "EventStatus": "RESOLVED",
        "EndedAt": event["StartedAt"] + dt.timedelta(hours=1),
    }
    assert lib.outage_seconds(ended, now=event["StartedAt"]) == 3600.0
    # the same event while still ACTIVE, read by a caller whose clock is behind the
    # service's: the difference as it is, below zero (not hidden as no outage)
    active = {k: v for k, v in event.items() if k != "EndedAt"} | {"EventStatus": "ACTIVE"}
    behind = event["StartedAt"] - dt.timedelta(seconds=90)
    assert lib.outage_seconds(active, now=behind) == -90.0
    assert "EndedAt" not in active  # the caller's event, as it was (no end written into it)
    # an event without its (required) EventStatus is no answer to go by: not read as ongoing
    unknown = {key: value for key, value in event.items() if key != "EventStatus"}
    try:
        ongoing = lib.is_ongoing(unknown)
    except KeyError:
        ongoing = False
    assert not ongoing
    # a status the model does not list (yet) is no ACTIVE either: not read as ongoing
    assert not lib.is_ongoing(event | {"EventStatus": "MITIGATED"})
    # an outage of 200 ms read at once: to the microsecond (not on float epoch seconds)
    brief = active | {"StartedAt": event["StartedAt"] + dt.timedelta(microseconds=100_000)}
    assert lib.outage_seconds(brief, now=event["StartedAt"] + dt.timedelta(seconds=0.3)) == 0.2
    # resolved two hours after it started, across a clock change, on a machine in that zone:
    # two real hours (not the difference of its wall clocks)
    for zone, change in CHANGES[:2]:
        across = ended | {
            "StartedAt": change - dt.timedelta(hours=1),
            "EndedAt": change + dt.timedelta(hours=1),
        }
        with aws.local_time_zone(zone.key):
            assert lib.outage_seconds(across) == 7200.0


@pytest.mark.aws_synthetic(seed=7, now=CLOCK, faults="throttle_every=2")
@pytest.mark.filterwarnings("error")  # (a retry is the library's business: it warns nothing)
def test_throttled_calls_are_retried(
    aws_synthetic: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a client made elsewhere keeps its region (read back from where the call went: its
    # region's endpoint), keys (long-term ones: no session token added) and configuration
    # (its own retries too), and any other keyword (an endpoint of its own)
    retries = {"total_max_attempts": 3, "mode": "standard"}
    mine = lib.make_client(
        "internetmonitor",
        region_name="eu-west-1",
        aws_access_key_id="AKIDME",
        aws_secret_access_key="my-secret",
        config=Config(connect_timeout=7, retries=retries),
    )
    lib.internet_event(mine, "evt-1")
    assert ".eu-west-1." in aws_synthetic.exchanges[-1].request.url
    # (the synthetic answers before signing: its exchanges hold no credentials to read)
    keys = mine._request_signer._credentials
    assert (keys.access_key, keys.secret_key, keys.token) == ("AKIDME", "my-secret", None)
    assert mine.meta.config.connect_timeout == 7 and mine.meta.config.retries == retries
    endpoint = "https://vpce-0a1b2c3d.internetmonitor.eu-west-1.vpce.amazonaws.com"
    vpce = lib.make_client("internetmonitor", endpoint_url=endpoint)
    lib.internet_event(vpce, "evt-1")
    assert aws_synthetic.exchanges[-1].request.url.startswith(endpoint + "/")
    assert vpce.meta.region_name == lib.REGION  # (not read from the endpoint's host name)
    # a stand-in's endpoint (moto's, LocalStack's), and regions botocore's list lacks
    # (another partition's, a stand-in's "local"; as one newer than the installed botocore):
    # each client made, the call sent where asked, the region the one given or the
    # library's (never read from an endpoint's host name)
    for kwargs, where in (
        ({"endpoint_url": "http://127.0.0.1:4566"}, "http://127.0.0.1:4566/"),
        ({"region_name": "cn-north-1"}, "https://internetmonitor.cn-north-1.amazonaws.com.cn/"),
        ({"region_name": "local", "endpoint_url": "http://localhost:4566"}, "http://localhost"),
    ):
        elsewhere = lib.make_client("internetmonitor", **kwargs)
        lib.internet_event(elsewhere, "evt-1")
        assert aws_synthetic.exchanges[-1].request.url.startswith(where)
        assert elsewhere.meta.region_name == kwargs.get("region_name", lib.REGION)
    first = lib.insight(xray(), INSIGHT_ID)
    timeline = lib.insight_timeline(xray(), INSIGHT_ID, page_size=5)
    # read again at the same now: the same events (a listing keeps nothing from the last)
    assert lib.insight_timeline(xray(), INSIGHT_ID, page_size=5) == timeline
    lib.metric_series(
        cloudtrail(),
        event_source="s3.amazonaws.com",
        event_name="PutObject",
        start=NOW - dt.timedelta(hours=4),
        end=NOW,
        period=60,
        page_size=50,
    )
    # the open insights of a window that ended an hour ago, and of one ending an hour after
    # the clock's now (a caller's clock ahead): asked for that window, every page (its end,
    # not the clock's now; the service judges)
    for window in (
        {"start": NOW - dt.timedelta(days=2), "end": NOW - dt.timedelta(hours=1)},
        {"start": NOW - dt.timedelta(days=1), "end": NOW + dt.timedelta(hours=1)},
    ):
        seen = len(aws_synthetic.exchanges)
        lib.open_insight_ids(xray(), group_name="Default", **window)
        asked = (window["start"].timestamp(), window["end"].timestamp())
        sent = {
            (e.params["StartTime"], e.params["EndTime"]) for e in aws_synthetic.exchanges[seen:]
        }
        assert sent == {asked}, sent
    # a trail by its bare name, on a caller's own client in another region: not the
    # library's to refuse, sent as given (the service judges), through that client
    theirs = lib.make_client("cloudtrail", region_name="eu-west-1")
    # (a start off the minute: sent to the second, as given)
    off_minute = NOW - dt.timedelta(days=2, seconds=30)
    lib.insights_events(theirs, "main", start=off_minute, end=NOW)
    assert aws_synthetic.exchanges[-1].params["InsightSource"] == "main"
    assert aws_synthetic.exchanges[-1].params["StartTime"] == off_minute.timestamp()
    assert ".eu-west-1." in aws_synthetic.exchanges[-1].request.url
    # the library's own clients: us-east-1's regional endpoint (where the call went: not its
    # FIPS or dual-stack one), botocore's retries off, whatever a developer's shell says
    # (another default region, keys of their own)
    lib.internet_event(client("internetmonitor"), "evt-1")
    regional = "https://internetmonitor.us-east-1.amazonaws.com/"
    assert aws_synthetic.exchanges[-1].request.url.startswith(regional)
    assert xray().meta.config.retries == {"total_max_attempts": 1, "mode": "standard"}
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # (the SDKs' other name for it)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDAMBIENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ambient-secret")
    callers = boto3.DEFAULT_SESSION  # the caller's own default session (boto3.client's)
    own = lib.make_client("internetmonitor")
    assert callers is not None and boto3.DEFAULT_SESSION is callers  # left as it was
    lib.internet_event(own, "evt-1")
    assert aws_synthetic.exchanges[-1].request.url.startswith(regional)
    assert own._endpoint.http_session._verify is not False  # TLS checked, as botocore's default
    # an EventId the URL path must escape, spaces at its ends: sent as given (botocore
    # escapes it once), and the answer as the service gave it, its ResponseMetadata (request
    # id) included and no member it left out (an ongoing event's EndedAt) added
    event = lib.internet_event(own, " evt/1 a ")
    assert aws_synthetic.exchanges[-1].params["EventId"] == " evt/1 a "
    raw = lib.with_retry(lambda: own.get_internet_event(EventId=" evt/1 a "))
    assert event.keys() == raw.keys()
    # an endpoint the shell names for every client (AWS_ENDPOINT_URL: LocalStack's, say):
    # botocore's own setting, honoured by the library's clients as by any other
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    lib.internet_event(lib.make_client("internetmonitor"), "evt-1")
    assert aws_synthetic.exchanges[-1].request.url.startswith("http://localhost:4566/")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    assert own._request_signer._credentials.access_key != "AKIDAMBIENT"
    # ... and a region the caller passes is where the call goes, whatever the shell says
    lib.internet_event(lib.make_client("internetmonitor", region_name="ap-southeast-2"), "evt-1")
    assert ".ap-southeast-2." in aws_synthetic.exchanges[-1].request.url
    monkeypatch.delenv("AWS_REGION")
    # Lambda's versioned event names (the EventName pattern takes them): sent as given
    versioned = "UpdateFunctionCode20150331v2"
    lib.metric_series(
        cloudtrail(),
        event_source="lambda.amazonaws.com",
        event_name=versioned,
        start=NOW - dt.timedelta(hours=1),
        end=NOW,
    )
    assert aws_synthetic.exchanges[-1].params["EventName"] == versioned
    # a day still to come (tomorrow by the machine's own date): asked as given, the
    # service's answer returned (not refused by the library's reading of today)
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    lib.hourly_series_of_day(
        cloudtrail(), event_source="s3.amazonaws.com", event_name="PutObject", day=tomorrow
    )
    midnight = dt.datetime.combine(tomorrow, dt.time(), tzinfo=dt.timezone.utc)
    assert aws_synthetic.exchanges[-1].params["StartTime"] == midnight.timestamp()
    # a page whose Values fall short of its Timestamps (the model: as many of each) is no
    # answer to go by: raised, not padded with made-up zeros (a stand-in client: no plan
    # or backend serves a page its contract check refuses)
    with pytest.raises(ValueError):
        lib.metric_series(
            ShortValues(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=NOW,
            end=NOW,
        )
    # a long-lived insight's timeline, a thousand pages and more of one event each: read to
    # its end (a stand-in client: thousands of botocore calls would take seconds)
    assert len(lib.insight_timeline(LongListing(1500), INSIGHT_ID)) == 1500
    # bursts planned inside a pagination: the library's own backoff (0.01 s, doubled) on the
    # shared clock, and a burst longer than its attempts surfaces after exactly that many calls
    monkeypatch.setattr(lib, "BACKOFF", REAL_BACKOFF)
    # GetInternetEvent, every second request throttled: each retry after the first backoff
    monkeypatch.setitem(lib.with_retry.__kwdefaults__, "sleep", CLOCK.sleep)
    CLOCK.slept.clear()
    for _ in range(2):
        lib.internet_event(client("internetmonitor"), "evt-1")
    assert CLOCK.slept and set(CLOCK.slept) == {0.01}
    events = pagination_of("xray", "GetInsightEvents")
    item = {"EventTime": NOW, "Summary": "s"}
    for burst in (lib.ATTEMPTS - 1, lib.ATTEMPTS):
        plan = PagePlan(
            pagination=events, items=(item,), pages=(1,), throttle_at=0, throttles=burst
        )
        CLOCK.slept.clear()
        with serve_pages(plan) as server:
            call = lambda: xray().get_insight_events(InsightId=INSIGHT_ID)  # noqa: E731
            if burst < lib.ATTEMPTS:
                assert lib.with_retry(call, sleep=CLOCK.sleep)["InsightEvents"] == [item]
            else:
                with pytest.raises(ClientError):
                    lib.with_retry(call, sleep=CLOCK.sleep)
        assert len(server.calls) == min(burst + 1, lib.ATTEMPTS)
        assert CLOCK.slept == [0.01, 0.02, 0.04]
        # the latest event alike: the listing's own retry, not asked again around it
        with serve_pages(plan) as server:
            if burst < lib.ATTEMPTS:
                assert lib.latest_event(xray(), INSIGHT_ID) == item
            else:
                with pytest.raises(ClientError):
                    lib.latest_event(xray(), INSIGHT_ID)
        assert len(server.calls) == min(burst + 1, lib.ATTEMPTS)
    # the CloudTrail listing's own retry (it sleeps with time.sleep): the same backoff
    monkeypatch.setattr(lib.time, "sleep", CLOCK.sleep)
    CLOCK.slept.clear()
    plan = PagePlan(pagination=CT_EVENTS, items=THREE, pages=(2, 1), throttle_at=1, throttles=3)
    with serve_pages(plan):
        lib.insights_events(cloudtrail(), TRAIL, start=EVENTS["StartTime"], end=NOW)
    assert CLOCK.slept == [0.01, 0.02, 0.04]
    # its budget is the listing's: every second request throttled (this test's faults), a
    # listing a page a call meets its fourth throttle after four pages, and surfaces there
    seen = len(aws_synthetic.exchanges)
    trail = TRAIL.replace("/main", "/trail-1")
    with pytest.raises(ClientError) as throttled:
        lib.insights_events(
            cloudtrail(), trail, start=NOW - dt.timedelta(days=80), end=NOW, page_size=1
        )
    assert throttled.value.response["Error"]["Code"] in aws.throttling_codes("cloudtrail")
    assert len(aws_synthetic.exchanges) - seen <= 2 * lib.ATTEMPTS
    # a day later the insight is another record: read again, not remembered
    CLOCK.advance(days=1)
    fresh = lib.with_retry(lambda: xray().get_insight(InsightId=INSIGHT_ID))["Insight"]
    assert fresh != first and lib.insight(xray(), INSIGHT_ID) == fresh
    # the most recent event when the first page is empty
    with serve_pages(PagePlan(pagination=events, items=(item,), pages=(0, 1))):
        assert lib.latest_event(xray(), INSIGHT_ID) == item
    # a page size is each page's size, not how many events come back; no pause between
    # pages that were not throttled
    three = tuple({"EventTime": NOW - dt.timedelta(hours=h), "Summary": "s"} for h in (3, 2, 1))
    CLOCK.slept.clear()
    with serve_pages(PagePlan(pagination=events, items=three, pages=(2, 1))):
        assert lib.insight_timeline(xray(), INSIGHT_ID, page_size=1) == list(three)
    assert CLOCK.slept == []
    # more than a thousand CloudTrail events, in pages of the model's 50: every one
    many = tuple({"EventId": f"e{n}", "EventTime": NOW} for n in range(1001))
    with serve_pages(PagePlan(pagination=CT_EVENTS, items=many, pages=(50,) * 20 + (1,))):
        got = lib.insights_events(cloudtrail(), TRAIL, start=EVENTS["StartTime"], end=NOW)
    assert got == list(many)
    # read on a machine in London as its clocks go back (botocore's times in the local zone,
    # an hour of wall clock read twice): oldest first by instant, 01:30 BST before 01:15 GMT
    straddle = tuple(
        {"EventTime": LONDON_BACK + dt.timedelta(minutes=m), "Summary": "s"} for m in (-30, 15)
    )
    with aws.local_time_zone("Europe/London"):
        with serve_pages(PagePlan(pagination=events, items=straddle[::-1], pages=(1, 1))):
            got = lib.insight_timeline(xray(), INSIGHT_ID)
        # (instants compared as timestamps: == between zones is False on a repeated hour)
        assert [e["EventTime"].timestamp() for e in got] == [
            e["EventTime"].timestamp() for e in straddle
        ]
    # today's 24 hours as the service fills them (zeros ahead of now): all of them, as given
    day = CLOCK().date()
    hours = tuple(
        (dt.datetime.combine(day, dt.time(h), tzinfo=dt.timezone.utc), 0.0) for h in range(24)
    )
    plan = PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsMetricData"), items=hours, pages=(24,)
    )
    with serve_pages(plan):
        today = lib.hourly_series_of_day(
            cloudtrail(), event_source="s3.amazonaws.com", event_name="PutObject", day=day
        )
    assert CLOCK().hour == 12 and [when for when, _ in today] == [when for when, _ in hours]
    # the day's second page refused (OperationNotPermittedException: Insights not on for the
    # account): raised as it came, not read as a day without data
    refused = PagePlan(
        pagination=plan.pagination,
        items=hours,
        pages=(12, 12),
        refuse_at=1,
        refusal="OperationNotPermittedException",  # (in refusal_codes("cloudtrail", ...))
    )
    assert_paginates(
        refused,
        lambda: lib.hourly_series_of_day(
            cloudtrail(), event_source="s3.amazonaws.com", event_name="PutObject", day=day
        ),
    )
    # a window of more points than a page may hold (16 days at one minute: 23,040, over
    # MaxResults' 21,600): asked, NextToken carries the rest, every page read
    with serve_pages(PagePlan(pagination=plan.pagination, items=hours[:2], pages=(1, 1))):
        long = lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=NOW - dt.timedelta(days=16),
            end=NOW,
            period=60,
        )
    assert long == list(hours[:2])
    # a State the model does not list (yet) is no ACTIVE: that insight is not open (a
    # stand-in client: no plan or backend serves a value its contract check refuses)
    listed = [{"InsightId": INSIGHT_ID, "State": "ACTIVE"}, {"InsightId": "x", "State": "NEW"}]
    window = {"group_name": "prod", "start": SUMMARIES["StartTime"], "end": NOW}
    assert lib.open_insight_ids(Summaries(listed), **window) == {INSIGHT_ID}
    # a service a later page lists again stands as that page gives it, not merged with the
    # earlier listing (whose Edges it no longer has)
    api = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    again, db = {"ReferenceId": 1, "Name": "api"}, {"ReferenceId": 2, "Name": "db"}
    graph_pages = pagination_of("xray", "GetInsightImpactGraph")
    with serve_pages(PagePlan(pagination=graph_pages, items=(api, again, db), pages=(1, 2))):
        graph = lib.impact_graph(xray(), INSIGHT_ID, start=GRAPH["StartTime"], end=NOW)
    assert graph == {"services": {1: again, 2: db}, "edges": set()}
    assert capsys.readouterr().out == ""  # every listing above, nothing printed


class ShortValues:
    """A stand-in CloudTrail client: a page with two timestamps and one value."""

    def list_insights_metric_data(self, **params: Any) -> dict:
        return {"Timestamps": [NOW - dt.timedelta(minutes=5), NOW], "Values": [1.0]}


class Summaries:
    """A stand-in X-Ray client: GetInsightSummaries, one page of the summaries given."""

    def __init__(self, summaries: list[dict]) -> None:
        self.summaries = summaries

    def get_insight_summaries(self, **params: Any) -> dict:
        return {"InsightSummaries": list(self.summaries)}


class Refusing:
    """A stand-in client whose every operation raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def refuse(**params: Any) -> Any:
            raise self.error

        return refuse


class LongListing:
    """A stand-in X-Ray client: GetInsightEvents over ``pages`` pages of one event each."""

    def __init__(self, pages: int) -> None:
        self.pages = pages

    def get_insight_events(self, InsightId: str, NextToken: str = "0") -> dict:
        number = int(NextToken)
        page: dict[str, Any] = {
            "InsightEvents": [{"EventTime": NOW - dt.timedelta(minutes=number), "Summary": "s"}]
        }
        if number + 1 < self.pages:
            page["NextToken"] = str(number + 1)
        return page


# botocore's own errors that are not the service's answer: a connection lost, a read timed out
TRANSPORT = (
    EndpointConnectionError(endpoint_url="https://xray.us-east-1.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://xray.us-east-1.amazonaws.com"),
)


RETRIED = [
    ("xray", "GetInsight"),
    ("cloudtrail", "ListInsightsMetricData"),
    ("internetmonitor", "GetInternetEvent"),
    # with_retry takes any call: CreateMonitor's near miss too (LimitExceededException, a
    # quota's 403, not a throttle)
    ("internetmonitor", "CreateMonitor"),
]


@pytest.mark.aws_synthetic(seed=7, now=CLOCK, faults="server_error_every=2")
def test_retry_policy_by_error(monkeypatch: pytest.MonkeyPatch, aws_synthetic: Any) -> None:
    """Every throttling code the models name is retried, after the library's backoff; every
    other client error (a server's 5xx too), and an error that is not a client error, is
    raised as it came, after one call."""
    monkeypatch.setattr(lib, "BACKOFF", REAL_BACKOFF)
    # a shell that turns botocore's retries off (AWS_MAX_ATTEMPTS=1): botocore's setting,
    # not the library's policy
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    cases: list[tuple[Exception, bool]] = [(error, False) for error in TRANSPORT]
    cases.append((ClientError({}, "GetInsight"), False))  # no Error at all: not a throttle
    for service, operation in RETRIED:
        cases += [  # (a Retry-After header or not: the library's own backoff)
            (ClientError({"Error": {"Code": c}, "ResponseMetadata": meta}, operation), True)
            for c in aws.throttling_codes(service)
            for meta in ({}, {"HTTPHeaders": {"retry-after": "30"}})
        ]
        cases += [  # (told by the code, whatever the message: "Rate exceeded" too)
            (ClientError({"Error": {"Code": c, "Message": text}}, operation), False)
            for c in aws.refusal_codes(service, operation)
            for text in ("Refused", "Rate exceeded")
        ]
    for error, retried in cases:
        answers: list[Any] = [error, "ok"]

        def call(answers: list[Any] = answers) -> Any:
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        CLOCK.slept.clear()
        if retried:
            assert lib.with_retry(call, sleep=CLOCK.sleep) == "ok", error
            assert CLOCK.slept == [0.01], error
        else:
            with pytest.raises(type(error)) as raised:
                lib.with_retry(call, sleep=CLOCK.sleep)
            assert raised.value is error
            assert answers == ["ok"] and CLOCK.slept == [], error
    # the library's own reads raise every refusal their operation's model names, as it came
    # (Internet Monitor has no NotFound: an EventId it does not know is a ValidationException)
    for read, service, operation in (
        (lambda c: lib.internet_event(c, "evt-1"), "internetmonitor", "GetInternetEvent"),
        (lambda c: lib.insight(c, INSIGHT_ID), "xray", "GetInsight"),
    ):
        for code in aws.refusal_codes(service, operation):
            error = ClientError({"Error": {"Code": code}}, operation)
            with pytest.raises(ClientError) as raised:
                read(Refusing(error))
            assert raised.value is error
    # with_retry's own default wait is a real one: three throttles wait 0.07 s in all
    monkeypatch.setitem(lib.with_retry.__kwdefaults__, "sleep", DEFAULT_SLEEP)
    throttle = ClientError({"Error": {"Code": "ThrottlingException"}}, "GetInsight")
    answers = [throttle] * 3 + ["ok"]
    started = time.monotonic()
    assert lib.with_retry(lambda: call(answers)) == "ok"
    assert time.monotonic() - started >= 7 * REAL_BACKOFF
    # the backend's own server error (every second request, HTTP 500): not a throttle, so
    # raised as it came after that one request, not asked again
    with pytest.raises(ClientError) as failed:
        for _ in range(2):
            lib.internet_event(client("internetmonitor"), "evt-1")
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert len(aws_synthetic.exchanges) == 2


@given(
    points=st.lists(
        st.tuples(
            st.integers(0, 10_000).map(lambda m: NOW - dt.timedelta(minutes=5 * m)),
            st.sampled_from([0.0, 0.3, 0.1 + 0.2, 1.0, 7.0, 7.0, 300.0]),
        ),
        unique_by=lambda p: p[0],
    ),  # in any order: "the earliest of equal ones" is by time, not by position
    period=st.sampled_from(PERIODS),
)
@example(points=[(NOW - dt.timedelta(minutes=5), 0.0), (NOW, 0.0)], period=60)  # FillWithZeros
@example(points=[(NOW, 0.0), (NOW - dt.timedelta(minutes=5), 0.0)], period=60)  # ... reversed
# two values a hair apart (0.3 and 0.1 + 0.2): the larger one, compared exactly
@example(points=[(NOW - dt.timedelta(minutes=5), 0.3), (NOW, 0.1 + 0.2)], period=300)
@example(points=[(NOW, 9.0)], period=300)  # divided: 9 * (1 / 300) is a last bit off
def test_peak_and_rates(points: list, period: int) -> None:
    given_points = list(points)
    best = lib.peak(points)
    assert points == given_points  # the caller's list, as it was
    if not points:
        assert best is None
    else:
        top = max(value for _, value in points)
        assert best == min((p for p in points if p[1] == top), key=lambda p: p[0])
    assert lib.per_second(points, period) == [value / period for _, value in points]
    # the same series grown by a poll's new point (the caller's list, appended to): its rates
    points.append((NOW + dt.timedelta(minutes=5), 60.0))
    assert lib.per_second(points, period) == [value / period for _, value in points]
