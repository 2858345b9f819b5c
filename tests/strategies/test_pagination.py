"""harness.strategies.pagination: planned pages through real boto3 clients, and the bugs it must
find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import HarnessAssertionError
from harness.strategies import StrategyArgumentError
from harness.strategies.pagination import (
    PagePlan,
    assert_paginates,
    page_plans,
    pagination_of,
    serve_pages,
)
from tests.support.draws import examples

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
RUNS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Loop = Callable[[Any], list[Any]]


def _xray() -> Any:
    return boto3.client("xray", region_name="us-east-1")


# ----------------------------------------------------------------------------- loops under test


def correct_loop(client: Any, page_size: int | None = None) -> list[Any]:
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    if page_size:
        kwargs["MaxResults"] = page_size
    while True:
        page = client.get_insight_events(**kwargs)
        events += page.get("InsightEvents", [])
        if not page.get("NextToken"):
            return events
        kwargs["NextToken"] = page["NextToken"]


def drops_the_last_page(client: Any) -> list[Any]:
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    while True:
        page = client.get_insight_events(**kwargs)
        if not page.get("NextToken"):
            return events  # BUG: the last page's events are never added
        events += page.get("InsightEvents", [])
        kwargs["NextToken"] = page["NextToken"]


def stops_at_the_first_empty_page(client: Any) -> list[Any]:
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    while True:
        page = client.get_insight_events(**kwargs)
        if not page.get("InsightEvents"):
            return events  # BUG: an empty page is not the end while NextToken is set
        events += page["InsightEvents"]
        if not page.get("NextToken"):
            return events
        kwargs["NextToken"] = page["NextToken"]


def ignores_the_next_token(client: Any) -> list[Any]:
    events: list[Any] = []
    while True:
        page = client.get_insight_events(InsightId=INSIGHT_ID)  # BUG: NextToken never sent
        events += page.get("InsightEvents", [])
        if not page.get("NextToken"):
            return events


# ----------------------------------------------------------------------------- correct code passes


@RUNS
@given(page_plans("xray", "GetInsightEvents"), st.sampled_from([None, 1, 3, 50]))
def test_a_correct_loop_passes_every_plan(plan: PagePlan, page_size: int | None) -> None:
    client = _xray()
    got = assert_paginates(plan, lambda: correct_loop(client, page_size))
    assert got == plan.expected


@RUNS
@given(page_plans("cloudtrail", "ListInsightsData", request={"InsightSource": TRAIL}))
def test_botocores_paginator_passes(plan: PagePlan) -> None:
    client = boto3.client("cloudtrail", region_name="us-east-1")

    def collect() -> list[Any]:
        paginator = client.get_paginator("list_insights_data")
        pages = paginator.paginate(InsightSource=TRAIL, DataType="InsightsEvents")
        return [event for page in pages for event in page.get("Events", [])]

    assert_paginates(plan, collect, key=lambda event: event["EventId"])


@RUNS
@given(
    page_plans(
        "cloudtrail",
        "ListInsightsMetricData",
        request={"Period": 300, "StartTime": NOW - dt.timedelta(days=2)},
        now=NOW,
    )
)
def test_parallel_lists_page_as_pairs(plan: PagePlan) -> None:
    client = boto3.client("cloudtrail", region_name="us-east-1")
    params = {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "Period": 300,
        "StartTime": NOW - dt.timedelta(days=2),
    }

    def collect() -> list[Any]:
        points: list[Any] = []
        kwargs = dict(params)
        while True:
            page = client.list_insights_metric_data(**kwargs)
            assert page["EventSource"] == "s3.amazonaws.com"  # echoed from the request
            points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)
            if "NextToken" not in page:
                return points
            kwargs["NextToken"] = page["NextToken"]

    assert_paginates(plan, collect)
    for (earlier, _), (later, _) in zip(plan.items, plan.items[1:], strict=False):
        assert (later - earlier).total_seconds() % 300 == 0 and later > earlier


def test_the_throttle_goes_through_botocores_retry() -> None:
    items = ({"Summary": "a", "EventTime": NOW}, {"Summary": "b", "EventTime": NOW})
    plan = PagePlan(
        pagination=pagination_of("xray", "GetInsightEvents"),
        items=items,
        pages=(1, 1),
        throttle_at=1,
    )
    client = _xray()
    with serve_pages(plan) as server:
        assert correct_loop(client) == list(items)
    assert [c.error for c in server.calls] == [None, "ThrottledException (HTTP 429)", None]
    assert server.calls[1].token == server.calls[2].token == server.calls[0].next_token


def test_pages_are_answered_early_and_a_throttle_through_botocores_retry_loop() -> None:
    # A served page needs nothing of botocore's send pipeline: it is answered where the
    # Stubber answers, right after the request is serialized (a third of a call's cost).
    # A throttle still goes through the endpoint's retry loop, which retries it.
    items = tuple({"Summary": s, "EventTime": NOW} for s in "abc")
    plan = PagePlan(
        pagination=pagination_of("xray", "GetInsightEvents"),
        items=items,
        pages=(1, 1, 1),
        throttle_at=1,
    )
    client = _xray()
    through_the_endpoint: list[str] = []
    client.meta.events.register(
        "request-created.xray", lambda request, **_: through_the_endpoint.append(request.url)
    )
    with serve_pages(plan) as server:
        assert correct_loop(client) == list(items)
    assert [c.error for c in server.calls] == [None, "ThrottledException (HTTP 429)", None, None]
    assert len(through_the_endpoint) == 2  # the throttled attempt and its retry alone


def test_a_token_sent_with_other_parameters_is_rejected() -> None:
    items = ({"Summary": "a", "EventTime": NOW}, {"Summary": "b", "EventTime": NOW})
    plan = PagePlan(pagination=pagination_of("xray", "GetInsightEvents"), items=items, pages=(1, 1))
    client = _xray()

    def switches_insight() -> list[Any]:
        first = client.get_insight_events(InsightId=INSIGHT_ID)
        other = INSIGHT_ID.replace("3c1d", "4d2e")
        second = client.get_insight_events(InsightId=other, NextToken=first["NextToken"])
        return [*first["InsightEvents"], *second["InsightEvents"]]

    with pytest.raises(HarnessAssertionError, match=r"InvalidRequestException.*same parameters"):
        assert_paginates(plan, switches_insight)


def test_tokens_are_written_as_aws_writes_them() -> None:
    """Standard base64, ``+``, ``/`` and ``=`` included: a loop that URL-decodes the token it
    sends back (``unquote_plus`` turns ``+`` into a space) or trims its padding sends another
    token, which is refused; the correct loop passes."""
    plan = _plan((1, 1, 1))
    client = _xray()

    def sends_back(change: Callable[[str], str]) -> Loop:
        def loop(_: Any = None) -> list[Any]:
            events: list[Any] = []
            kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
            while True:
                page = client.get_insight_events(**kwargs)
                events += page.get("InsightEvents", [])
                if not page.get("NextToken"):
                    return events
                kwargs["NextToken"] = change(page["NextToken"])

        return loop

    for change in (unquote_plus, lambda token: token.rstrip("=")):
        with pytest.raises((HarnessAssertionError, ClientError), match="was not issued"):
            assert_paginates(plan, sends_back(change))
    assert_paginates(plan, sends_back(str))
    with serve_pages(plan) as server:
        correct_loop(client)
    tokens = [call.next_token for call in server.calls if call.next_token]
    assert len(tokens) == 2 and all(set("+/=") <= set(token) for token in tokens)


# ----------------------------------------------------------------------------- planted bugs


@pytest.mark.parametrize(
    ("loop", "message"),
    [
        (drops_the_last_page, r"missing \d+ of \d+ items"),
        (stops_at_the_first_empty_page, r"missing \d+ of \d+ items|stopped before the last page"),
        (ignores_the_next_token, r"did not stop|started over without a NextToken"),
    ],
)
def test_hypothesis_finds_each_planted_bug(loop: Loop, message: str) -> None:
    client = _xray()

    @settings(max_examples=60, deadline=None, database=None)
    @given(page_plans("xray", "GetInsightEvents"))
    def check(plan: PagePlan) -> None:
        assert_paginates(plan, lambda: loop(client))

    with pytest.raises(HarnessAssertionError, match=message):
        check()


def _plan(pages: tuple[int, ...]) -> PagePlan:
    count = sum(pages)
    base = NOW - dt.timedelta(hours=1)
    items = tuple(
        {"Summary": f"event {i}", "EventTime": base - dt.timedelta(minutes=i)} for i in range(count)
    )
    return PagePlan(pagination=pagination_of("xray", "GetInsightEvents"), items=items, pages=pages)


def test_dropping_the_last_page_is_reported_with_positions() -> None:
    with pytest.raises(HarnessAssertionError) as caught:
        assert_paginates(_plan((2, 2)), lambda: drops_the_last_page(_xray()))
    text = str(caught.value)
    assert "Pagination of xray:GetInsightEvents went wrong" in text
    assert "missing 2 of 4 items (plan positions 2, 3)" in text
    assert "'Summary': 'event 2'" in text
    assert "#2 NextToken=" in text and "-> 2 items, NextToken=None" in text


def test_stopping_at_an_empty_page_is_reported() -> None:
    with pytest.raises(HarnessAssertionError) as caught:
        assert_paginates(_plan((1, 0, 2)), lambda: stops_at_the_first_empty_page(_xray()))
    assert "missing 2 of 3 items (plan positions 1, 2)" in str(caught.value)
    assert "stopped before the last page" in str(caught.value)


def test_ignoring_the_next_token_is_stopped_and_reported() -> None:
    with pytest.raises(HarnessAssertionError) as caught:
        assert_paginates(_plan((1, 1)), lambda: ignores_the_next_token(_xray()))
    text = str(caught.value)
    assert "did not stop" in text and "the harness stopped it" in text
    assert "started over without a NextToken" in text


def test_calling_past_the_last_page_is_reported() -> None:
    def one_more(client: Any) -> list[Any]:
        events = correct_loop(client)
        client.get_insight_events(InsightId=INSIGHT_ID)  # "just to be sure"
        return events

    with pytest.raises(HarnessAssertionError, match="kept calling after the last page: 1 more"):
        assert_paginates(_plan((1,)), lambda: one_more(_xray()))


def test_duplicates_and_order_are_reported() -> None:
    plan = _plan((2, 1))
    with pytest.raises(HarnessAssertionError, match=r"more than once \(plan positions 0\)"):
        assert_paginates(plan, lambda: [*correct_loop(_xray()), plan.items[0]])
    with pytest.raises(HarnessAssertionError, match="out of order: position 0 holds plan item 2"):
        assert_paginates(plan, lambda: list(reversed(correct_loop(_xray()))))


def test_items_of_one_key_are_counted_as_the_plan_holds_them() -> None:
    # two events of one key on two pages: a correct loop returns both (not "more than
    # once"), and a loop that keeps one of them is missing the other
    items = tuple({"EventTime": NOW - dt.timedelta(hours=h), "Summary": "same"} for h in (2, 1))
    plan = PagePlan(pagination=pagination_of("xray", "GetInsightEvents"), items=items, pages=(1, 1))

    def summary(event: Any) -> Any:
        return event["Summary"]

    assert assert_paginates(plan, lambda: correct_loop(_xray()), key=summary) == list(items)
    with pytest.raises(HarnessAssertionError, match=r"missing 1 of 2 items \(plan positions 1\)"):
        assert_paginates(plan, lambda: correct_loop(_xray())[:1], key=summary)
    with pytest.raises(HarnessAssertionError, match=r"more than once \(plan positions 1\)"):
        assert_paginates(plan, lambda: [*correct_loop(_xray()), items[0]], key=summary)


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("operation", "request_"),
    [
        ("ListInsightsData", {"InsightSource": TRAIL}),
        ("ListInsightsMetricData", {"Period": 300, "StartTime": NOW - dt.timedelta(days=2)}),
    ],
)
def test_a_full_dataset_is_drawn_without_filtering(
    operation: str, request_: dict[str, Any]
) -> None:
    # the seed operations' items were drawn short and filtered to min_items: Hypothesis's
    # filter-too-much health check failed at min_items=20 (a new user's trial); too_slow
    # is no part of it (a loaded machine)
    @settings(
        max_examples=10,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        page_plans("cloudtrail", operation, min_items=20, max_items=20, request=request_, now=NOW)
    )
    def sizes(plan: PagePlan) -> None:
        assert len(plan.items) == 20

    sizes()


def test_more_items_than_the_request_allows_is_a_clear_error() -> None:
    one_event = {"InsightSource": TRAIL, "Dimensions": {"EventId": INSIGHT_ID}}
    with pytest.raises(StrategyArgumentError, match=r"min_items=2\): the request allows at most 1"):
        page_plans("cloudtrail", "ListInsightsData", min_items=2, request=one_event)
    five_hours = {"Period": 3600, "StartTime": NOW - dt.timedelta(hours=5), "EndTime": NOW}
    with pytest.raises(StrategyArgumentError, match=r"window holds 5 Period slot\(s\) of 3600 s"):
        page_plans("cloudtrail", "ListInsightsMetricData", min_items=6, request=five_hours, now=NOW)


def test_page_plans_arguments_are_checked() -> None:
    with pytest.raises(StrategyArgumentError, match=r"Cannot have max_items=1 < min_items=3"):
        page_plans("xray", "GetInsightEvents", min_items=3, max_items=1)
    with pytest.raises(StrategyArgumentError, match=r"max_pages=0 must be at least 1"):
        page_plans("xray", "GetInsightEvents", max_pages=0)
    with pytest.raises(StrategyArgumentError, match=r"xray:GetInsight does not page"):
        page_plans("xray", "GetInsight")
    with pytest.raises(StrategyArgumentError, match=r"pages=\[1\] must be non-negative sizes"):
        PagePlan(pagination=pagination_of("xray", "GetInsightEvents"), items=(), pages=(1,))


def test_pagination_is_read_from_the_model() -> None:
    metric = pagination_of("cloudtrail", "ListInsightsMetricData")
    assert (metric.input_token, metric.limit_key, metric.result_keys) == (
        "NextToken",
        "MaxResults",
        ("Timestamps", "Values"),
    )
    assert pagination_of("xray", "GetInsightEvents").result_keys == ("InsightEvents",)


@RUNS
@given(page_plans("xray", "GetInsightEvents", empty_pages=False, throttle=False, min_items=1))
def test_plans_without_empty_pages_or_throttles(plan: PagePlan) -> None:
    assert 0 not in plan.pages and plan.throttle_at is None


@RUNS
@given(page_plans("xray", "GetInsightEvents"))
def test_seed_datasets_follow_the_rules(plan: PagePlan) -> None:
    times = [event["EventTime"] for event in plan.items]
    assert times == sorted(times, reverse=True)  # most recent first, ties allowed
    assert len({repr(event) for event in plan.items}) == len(plan.items)  # distinct events
    assert sum(plan.pages) == len(plan.items)


def test_plans_hold_ties_and_edges_to_unlisted_services() -> None:
    # what no page rules out, plans draw: events at one instant, an edge to a service no
    # page lists (the inferred edges-reference-listed-services is only a warning)
    events = examples(page_plans("xray", "GetInsightEvents", min_items=2, now=NOW), 40)
    assert any(len({e["EventTime"] for e in p.items}) < len(p.items) for p in events)
    window = {"InsightId": INSIGHT_ID, "StartTime": NOW - dt.timedelta(hours=6), "EndTime": NOW}
    graphs = examples(
        page_plans("xray", "GetInsightImpactGraph", request=window, min_items=1, now=NOW), 40
    )

    def dangling(plan: PagePlan) -> bool:
        listed = {service["ReferenceId"] for service in plan.items}
        edges = [e["ReferenceId"] for s in plan.items for e in s.get("Edges", [])]
        return any(ref not in listed for ref in edges)

    assert any(dangling(plan) for plan in graphs)
    assert not all(dangling(plan) for plan in graphs)

    def calls_itself(plan: PagePlan) -> bool:
        return any(
            e["ReferenceId"] == s["ReferenceId"] for s in plan.items for e in s.get("Edges", [])
        )

    # no page rules out a service calling itself either; an optional Edges may be absent
    assert any(calls_itself(plan) for plan in graphs)
    assert any("Edges" not in s for plan in graphs for s in plan.items)
    tied = next(p for p in events if len({e["EventTime"] for e in p.items}) < len(p.items))
    client = boto3.client("xray", region_name="us-east-1")

    def read() -> list[Any]:
        kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
        found: list[Any] = []
        while True:
            page = client.get_insight_events(**kwargs)
            found += page.get("InsightEvents", [])
            if not page.get("NextToken"):
                return found
            kwargs["NextToken"] = page["NextToken"]

    assert_paginates(tied, read)  # served as drawn, tied events and all


# ----------------------------------------------------------------------------- README


def test_the_docs_examples_run(pytester: pytest.Pytester) -> None:
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "hypothesis.md"
    section = page.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    assert len(blocks) == 6
    for number, block in enumerate(blocks):
        pytester.makepyfile(**{f"test_readme_{number}": block})
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=11)
