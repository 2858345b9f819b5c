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

import datetime as dt
from typing import Any

import insights_lib as lib
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from harness import strategies as aws
from harness.strategies import ENDINGS, PagePlan, assert_paginates, page_plans, serve_pages
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
REAL_BACKOFF = lib.BACKOFF  # the fixture zeroes it; tests of the backoff put it back
# page sizes below the dataset's size, where a page size read as a total shows
page_sizes = st.one_of(st.none(), st.integers(1, 6))


@pytest.fixture(autouse=True)
def _shared_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's clock is the backend's (autouse: not reset between examples, and it
    need not be), except in tests of the real clock."""
    CLOCK.set(NOW)
    monkeypatch.setattr(lib, "BACKOFF", 0)  # the planned throttles need no real wait
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


@given(
    page_plans(
        "xray",
        "GetInsightEvents",
        max_throttles=3,
        endings=ENDINGS,
        max_items=8,
        now=NOW,
        refusals=True,
    ),
    page_sizes,
)
def test_timeline_reads_every_event_oldest_first(plan: Any, page_size: int | None) -> None:
    got = assert_paginates(
        plan,
        lambda: lib.insight_timeline(xray(), INSIGHT_ID, page_size=page_size),
        ordered=False,
    )
    if plan.refusal is None:
        assert got == sorted(plan.items, key=lambda event: event["EventTime"])


@given(page_plans("xray", "GetInsightEvents", endings=ENDINGS, max_items=8, now=NOW))
def test_latest_event(plan: Any) -> None:
    with serve_pages(plan):
        got = lib.latest_event(xray(), INSIGHT_ID)
    expected = max(plan.items, key=lambda event: event["EventTime"]) if plan.items else None
    assert got == expected


SUMMARIES = {"GroupName": "prod", "StartTime": NOW - dt.timedelta(days=2), "EndTime": NOW}


@given(
    page_plans(
        "xray",
        "GetInsightSummaries",
        request=SUMMARIES,
        max_throttles=3,
        endings=ENDINGS,
        max_items=8,
        now=NOW,
    ),
    page_sizes,
)
def test_insight_summaries_paginate(plan: Any, page_size: int | None) -> None:
    assert_paginates(
        plan,
        lambda: lib.insight_summaries(
            xray(),
            group_name="prod",
            start=SUMMARIES["StartTime"],
            end=NOW,
            page_size=page_size,
        ),
        key=lambda summary: summary["InsightId"],
    )


@given(
    page_plans(
        "xray", "GetInsightSummaries", request=SUMMARIES, endings=ENDINGS, max_items=8, now=NOW
    )
)
def test_open_insight_ids(plan: Any) -> None:
    with serve_pages(plan):
        got = lib.open_insight_ids(xray(), group_name="prod", start=SUMMARIES["StartTime"], end=NOW)
    assert got == {s["InsightId"] for s in plan.items if s["State"] == "ACTIVE"}


GRAPH = {"InsightId": INSIGHT_ID, "StartTime": NOW - dt.timedelta(hours=6), "EndTime": NOW}


@given(
    page_plans(
        "xray",
        "GetInsightImpactGraph",
        request=GRAPH,
        max_throttles=3,
        endings=ENDINGS,
        max_items=8,
        now=NOW,
    )
)
def test_impact_graph_reads_every_page(plan: Any) -> None:
    def services() -> list[Any]:
        graph = lib.impact_graph(xray(), INSIGHT_ID, start=GRAPH["StartTime"], end=NOW)
        return list(graph["services"].values())

    assert_paginates(plan, services, key=lambda service: service["ReferenceId"])


@given(page_plans("xray", "GetInsightImpactGraph", request=GRAPH, min_items=1, now=NOW))
def test_downstream_of_follows_edges(plan: Any) -> None:
    with serve_pages(plan):
        graph = lib.impact_graph(xray(), INSIGHT_ID, start=GRAPH["StartTime"], end=NOW)
    names = {s["ReferenceId"]: s.get("Name", "?") for s in plan.items}
    caller = plan.items[0]
    expected = {
        names[e["ReferenceId"]] for e in caller.get("Edges", []) if e["ReferenceId"] in names
    }
    for other in plan.items:  # services that share the caller's name add their edges
        if other is not caller and other.get("Name") == caller.get("Name"):
            expected |= {
                names[e["ReferenceId"]] for e in other.get("Edges", []) if e["ReferenceId"] in names
            }
    # an edge to a service no page lists: the checker's edges-reference-listed-services is a
    # warning (inferred, not stated), so code reading a graph must not trust it
    graph["edges"].add((caller["ReferenceId"], max(names) + 1))
    assert lib.downstream_of(graph, caller.get("Name")) == expected


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
        max_throttles=3,
        endings=ENDINGS,
        max_items=8,
        now=NOW,
    ),
    page_sizes,
)
def test_metric_series_paginates(plan: Any, page_size: int | None) -> None:
    with serve_pages(plan) as server:
        got = lib.metric_series(
            cloudtrail(),
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=NOW - dt.timedelta(days=1),
            end=NOW,
            period=300,
            page_size=page_size,
        )
    assert got == list(plan.items)
    assert {call.limit for call in server.calls} == {page_size}


EVENTS = {"InsightSource": TRAIL, "StartTime": NOW - dt.timedelta(days=3), "EndTime": NOW}


@given(
    page_plans(
        "cloudtrail",
        "ListInsightsData",
        request=EVENTS,
        max_throttles=3,
        max_items=8,
        now=NOW,
        refusals=True,
    ),
    page_sizes,
)
@example(  # a throttle on the third page: the paginator resumes from the second page's token
    plan=PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsData"),
        items=tuple(
            {"EventId": f"e{n}", "EventTime": NOW - dt.timedelta(hours=n)} for n in (1, 2, 3)
        ),
        pages=(1, 1, 1),
        throttle_at=2,
    ),
    page_size=None,
)
def test_insights_events_paginate(plan: Any, page_size: int | None) -> None:
    assert_paginates(
        plan,
        lambda: lib.insights_events(
            cloudtrail(), TRAIL, start=EVENTS["StartTime"], end=NOW, page_size=page_size
        ),
        key=lambda event: event["EventId"],
    )


# ----------------------------------------------------------------------------- the clock's edges


@given(
    end=aws.grid_times(60, start=NOW - dt.timedelta(days=2), end=NOW),
    period=st.sampled_from(PERIODS),
    span=st.integers(1, 48 * 3600).map(lambda s: dt.timedelta(seconds=s)),
)
def test_metric_window_is_whole_periods_before_end(
    end: dt.datetime, period: int, span: dt.timedelta
) -> None:
    try:
        start, stop = lib.metric_window(span, period, end=end)
    except ValueError:
        assume(False)
    for edge in (start, stop):
        assert edge.timestamp() % period == 0
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
@example(now=NOW, period=300, data=None)  # 5-minute data: 63 days, not 90
def test_metric_window_stays_inside_retention(
    now: dt.datetime, period: int, data: st.DataObject | None
) -> None:
    CLOCK.set(now)  # the retention cut-off moves with the clock, on and off the grid
    cutoff = now - RETENTION[period]
    if data is None:
        span, end = dt.timedelta(days=80), now
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
        with pytest.raises(ValueError):
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


@given(when=aws.grid_times(300, start=NOW - dt.timedelta(days=1), end=NOW))
@example(when=NOW - dt.timedelta(milliseconds=1))  # a millisecond before the grid point
def test_align_floors_to_the_grid(when: dt.datetime) -> None:
    aligned = lib.align(when, 300)
    assert aligned <= when < aligned + dt.timedelta(seconds=300)
    assert aligned.timestamp() % 300 == 0
    utc = lib.as_utc(when)  # drawn in other offsets: the same instant, written in UTC
    assert utc == when and utc.utcoffset() == dt.timedelta(0)


@pytest.mark.wall_clock
@given(zone=aws.time_zones(), period=st.sampled_from(PERIODS))
def test_window_ending_now_under_any_local_zone(zone: str, period: int) -> None:
    with aws.local_time_zone(zone):
        before = dt.datetime.now(dt.timezone.utc)
        _, stop = lib.metric_window(dt.timedelta(hours=3), period)
        after = dt.datetime.now(dt.timezone.utc)
    assert before - dt.timedelta(seconds=period) < stop <= after


@given(
    naive=st.datetimes(),
    period=st.sampled_from(PERIODS),
    other=st.integers(1, 7200).filter(lambda p: p not in PERIODS),
)
@example(naive=dt.datetime(2026, 11, 1, 11), period=300, other=120)
def test_naive_times_and_undocumented_periods_are_refused(
    naive: dt.datetime, period: int, other: int
) -> None:
    with pytest.raises(ValueError):
        lib.align(naive, period)
    kwargs = {"event_source": "s3.amazonaws.com", "event_name": "PutObject", "end": NOW}
    with pytest.raises(ValueError):  # before any call: a naive start is local time
        lib.metric_series(cloudtrail(), start=naive, **kwargs)
    with pytest.raises(ValueError):  # "If you specify any other value, you will get an error."
        lib.metric_series(cloudtrail(), start=NOW - dt.timedelta(hours=1), period=other, **kwargs)


# ----------------------------------------------------------------------------- the synthetic world


@SYNTHETIC
@given(params=aws.requests("cloudtrail", "ListInsightsMetricData", now=NOW))
def test_metric_series_matches_the_service(params: dict) -> None:
    assume("StartTime" in params and "EndTime" in params)
    period = params.get("Period", 3600)
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
        with pytest.raises(ValueError):
            lib.metric_series(cloudtrail(), **kwargs)
    seen = len(aws_synthetic.exchanges)
    lib.metric_series(cloudtrail(), error_code="AccessDenied", **kwargs)
    for exchange in aws_synthetic.exchanges[seen:]:  # what the library sent, as sent
        sent = exchange.params
        assert ("ErrorCode" in sent) == (sent["InsightType"] == "ApiErrorRateInsight"), sent
        assert sent["Period"] == 300, sent  # the library's documented default


@SYNTHETIC
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.integers(1, 80).map(lambda n: NOW.date() - dt.timedelta(days=n)), zone=aws.time_zones()
)
def test_hourly_series_of_a_day(day: dt.date, zone: str, aws_synthetic: Any) -> None:
    seen = len(aws_synthetic.exchanges)
    with aws.local_time_zone(zone):  # (botocore's datetimes are in tzlocal: compare inside)
        points = lib.hourly_series_of_day(
            cloudtrail(), event_source="s3.amazonaws.com", event_name="PutObject", day=day
        )
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        assert [when for when, _ in points] == [midnight + dt.timedelta(hours=h) for h in range(24)]
    sent = aws_synthetic.exchanges[seen].params  # exactly the day: the next midnight excluded
    window = (sent["StartTime"], sent["EndTime"])
    assert window == (midnight.timestamp(), (midnight + dt.timedelta(days=1)).timestamp())


@SYNTHETIC
@given(
    trail=st.sampled_from(["trail-1", "trail-2", "management-events"]),
    pick=st.integers(0, 200),
    event_name=st.sampled_from(["RunInstances", "Decrypt", "CreateAccessKey"]),
    event_source=st.sampled_from(["ec2.amazonaws.com", "kms.amazonaws.com"]),
)
def test_insights_events_one_dimension_and_inclusive_end(
    trail: str, pick: int, event_name: str, event_source: str
) -> None:
    everything = lib.insights_events(
        cloudtrail(), trail, start=NOW - dt.timedelta(days=80), end=NOW
    )
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


@SYNTHETIC
@given(params=aws.requests("xray", "GetInsightSummaries", now=NOW))
def test_insight_summaries_match_the_service(params: dict) -> None:
    assume("GroupName" in params and "StartTime" in params and "EndTime" in params)
    got = lib.insight_summaries(
        xray(),
        group_name=params["GroupName"],
        start=params["StartTime"],
        end=params["EndTime"],
        states=params.get("States"),
        page_size=params.get("MaxResults"),
    )
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
@given(
    params=aws.requests("xray", "GetInsight", now=NOW),
    later=st.sampled_from([3600, 1]).map(lambda s: dt.timedelta(seconds=s)),
    span=aws.edge_spans(GRAPH_LIMIT),
)
def test_insight_duration_and_graph_window(
    params: dict, later: dt.timedelta, span: dt.timedelta
) -> None:
    record = lib.insight(xray(), params["InsightId"])
    now = NOW + later  # a now passed in, not the clock's: the durations count to it
    duration = lib.insight_duration(record, now=now)
    end = record.get("EndTime", now)
    assert duration == (end - record["StartTime"]).total_seconds()
    if span > GRAPH_LIMIT:  # "can't be more than six hours", a day and more included
        with pytest.raises(ValueError):
            lib.impact_graph(xray(), params["InsightId"], start=NOW - span, end=NOW)
    assume(record["StartTime"] > NOW - dt.timedelta(days=29))
    start, stop = lib.graph_window(record, now=NOW)
    end = record.get("EndTime", NOW)
    assert stop == end
    assert start == max(record["StartTime"], end - GRAPH_LIMIT)
    graph = lib.impact_graph(xray(), params["InsightId"], start=start, end=stop)
    assert all(isinstance(ref, int) for ref in graph["services"])


@SYNTHETIC
@given(params=aws.requests("internetmonitor", "GetInternetEvent", now=NOW))
def test_outage_seconds(params: dict) -> None:
    event = lib.internet_event(client("internetmonitor"), params["EventId"])
    assert lib.is_ongoing(event) == ("EndedAt" not in event)
    stop = event.get("EndedAt", NOW)
    assert lib.outage_seconds(event, now=NOW) == (stop - event["StartedAt"]).total_seconds()
    assert lib.outage_seconds(event) == lib.outage_seconds(event, now=NOW)  # the shared clock


@pytest.mark.aws_synthetic(seed=7, now=CLOCK, faults="throttle_every=2")
def test_throttled_calls_are_retried(aws_synthetic: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # a client made elsewhere keeps its region (read back from where the call went) and keys
    mine = lib.make_client("internetmonitor", region_name="eu-west-1", aws_access_key_id="AKIDME")
    lib.internet_event(mine, "evt-1")
    assert ".eu-west-1." in aws_synthetic.exchanges[-1].request.url
    assert mine._request_signer._credentials.access_key == "AKIDME"
    lib.insight(xray(), INSIGHT_ID)
    lib.insight_timeline(xray(), INSIGHT_ID, page_size=5)
    lib.metric_series(
        cloudtrail(),
        event_source="s3.amazonaws.com",
        event_name="PutObject",
        start=NOW - dt.timedelta(hours=4),
        end=NOW,
        period=60,
        page_size=50,
    )
    lib.internet_event(client("internetmonitor"), "evt-1")
    # bursts planned inside a pagination: the library's own backoff (0.01 s, doubled) on the
    # shared clock, and a burst longer than its attempts surfaces after exactly that many calls
    monkeypatch.setattr(lib, "BACKOFF", REAL_BACKOFF)
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
    # every throttling code the models name is retried; every other client error is not
    for service, operation in (
        ("xray", "GetInsight"),
        ("cloudtrail", "ListInsightsMetricData"),
        ("internetmonitor", "GetInternetEvent"),
    ):
        for code, retried in [
            *((c, True) for c in aws.throttling_codes(service)),
            *((c, False) for c in aws.refusal_codes(service, operation)),
        ]:
            answers: list[Any] = [ClientError({"Error": {"Code": code}}, operation), "ok"]

            def call(answers: list[Any] = answers) -> Any:
                answer = answers.pop(0)
                if isinstance(answer, Exception):
                    raise answer
                return answer

            CLOCK.slept.clear()
            if retried:
                assert lib.with_retry(call, sleep=CLOCK.sleep) == "ok", code
                assert CLOCK.slept == [0.01], code
            else:
                with pytest.raises(ClientError):
                    lib.with_retry(call, sleep=CLOCK.sleep)
                assert answers == ["ok"] and CLOCK.slept == [], code


@given(
    points=st.lists(
        st.tuples(
            st.integers(0, 10_000).map(lambda m: NOW - dt.timedelta(minutes=5 * m)),
            st.sampled_from([0.0, 1.0, 7.0, 7.0, 300.0]),
        ),
        unique_by=lambda p: p[0],
    ),  # in any order: "the earliest of equal ones" is by time, not by position
    period=st.sampled_from(PERIODS),
)
@example(points=[(NOW - dt.timedelta(minutes=5), 0.0), (NOW, 0.0)], period=60)  # FillWithZeros
@example(points=[(NOW, 0.0), (NOW - dt.timedelta(minutes=5), 0.0)], period=60)  # ... reversed
def test_peak_and_rates(points: list, period: int) -> None:
    best = lib.peak(points)
    if not points:
        assert best is None
    else:
        top = max(value for _, value in points)
        assert best == min((p for p in points if p[1] == top), key=lambda p: p[0])
    assert lib.per_second(points, period) == [value / period for _, value in points]
