"""page_plans' chain endings (absent, null, empty string), throttle bursts, ``ordered=False``
(issue 57: every way a token chain ends, throttles and retries inside paginations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings

from harness.errors import HarnessAssertionError
from harness.strategies import EMPTY_LISTS, ENDINGS, StrategyArgumentError
from harness.strategies.pagination import (
    DEFAULT_RETRIES,
    MAX_THROTTLES,
    PagePlan,
    assert_paginates,
    page_plans,
    pagination_of,
    serve_pages,
)
from tests.support.draws import examples

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
EVENTS = pagination_of("xray", "GetInsightEvents")
RUNS = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _items(count: int) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"Summary": f"e{i}", "EventTime": NOW - dt.timedelta(minutes=i)} for i in range(count)
    )


def _client(retries: int | None = None) -> Any:
    config = None if retries is None else Config(retries={"total_max_attempts": retries})
    return boto3.client("xray", region_name="us-east-1", config=config)


def loop(client: Any, *, ends_on_none: bool = False) -> list[Any]:
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    while True:
        page = client.get_insight_events(**kwargs)
        events += page.get("InsightEvents", [])
        token = page.get("NextToken")
        if (token is None) if ends_on_none else (not token):
            return events
        kwargs["NextToken"] = token


@pytest.mark.parametrize(("ending", "seen"), [("absent", None), ("null", None), ("empty", "")])
def test_each_ending_reaches_the_client_as_planned(ending: str, seen: str | None) -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(2), pages=(1, 1), ending=ending)
    client = _client()
    with serve_pages(plan):
        first = client.get_insight_events(InsightId=INSIGHT_ID)
        last = client.get_insight_events(InsightId=INSIGHT_ID, NextToken=first["NextToken"])
    assert last.get("NextToken") == seen  # botocore reads a JSON null as an absent member
    assert "ending=" in repr(plan) or ending == "absent"


def test_a_loop_ending_only_on_none_fails_the_empty_string_ending() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(3), pages=(2, 1), ending="empty")
    assert_paginates(plan, lambda: loop(_client()))
    with pytest.raises(
        HarnessAssertionError, match=r"ParamValidationError|InvalidRequestException"
    ):
        assert_paginates(plan, lambda: loop(_client(), ends_on_none=True))


def test_hypothesis_finds_the_none_only_loop_when_asked_for_every_ending() -> None:
    @settings(max_examples=30, deadline=None, database=None, derandomize=True)
    @given(page_plans("xray", "GetInsightEvents", endings=ENDINGS, now=NOW))
    def check(plan: PagePlan) -> None:
        assert_paginates(plan, lambda: loop(_client(), ends_on_none=True))

    with pytest.raises(HarnessAssertionError):
        check()


@RUNS
@given(page_plans("xray", "GetInsightEvents", endings=("absent",), now=NOW))
def test_the_default_ending_is_absent(plan: PagePlan) -> None:
    assert plan.ending == "absent"
    assert_paginates(plan, lambda: loop(_client(), ends_on_none=True))


def test_a_burst_of_throttles_is_served_in_a_row() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(2), pages=(1, 1), throttle_at=1, throttles=3)
    with serve_pages(plan) as server:
        assert loop(_client(retries=4)) == list(plan.items)  # four attempts outlast three
    errors = [c.error is not None for c in server.calls]
    assert errors == [False, True, True, True, False]


def test_a_retry_shorter_than_the_burst_fails() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(2), pages=(1, 1), throttle_at=0, throttles=2)
    with pytest.raises(HarnessAssertionError, match=r"ThrottledException"):
        assert_paginates(plan, lambda: loop(_client(retries=2)))


@RUNS
@given(page_plans("xray", "GetInsightEvents", max_throttles=DEFAULT_RETRIES, now=NOW))
def test_botocore_default_retry_outlasts_every_burst_of_its_retries(plan: PagePlan) -> None:
    """A client left at its defaults (standard mode: 3 attempts; legacy: 5) outlasts bursts
    of ``DEFAULT_RETRIES`` throttles."""
    assert 1 <= plan.throttles <= DEFAULT_RETRIES
    assert_paginates(plan, lambda: loop(_client()))


@RUNS
@given(page_plans("xray", "GetInsightEvents", max_throttles=MAX_THROTTLES, now=NOW))
def test_a_retry_of_its_own_outlasts_every_planned_burst(plan: PagePlan) -> None:
    assert 1 <= plan.throttles <= MAX_THROTTLES
    assert_paginates(plan, lambda: loop(_client(retries=MAX_THROTTLES + 1)))


def test_unordered_comparison() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(3), pages=(2, 1))
    with pytest.raises(HarnessAssertionError, match="out of order"):
        assert_paginates(plan, lambda: sorted(loop(_client()), key=lambda e: e["EventTime"]))
    got = assert_paginates(
        plan, lambda: sorted(loop(_client()), key=lambda e: e["EventTime"]), ordered=False
    )
    assert len(got) == 3
    with pytest.raises(HarnessAssertionError, match="missing 1 of 3"):
        assert_paginates(plan, lambda: loop(_client())[:2], ordered=False)


def test_arguments_are_checked() -> None:
    with pytest.raises(StrategyArgumentError, match=r"endings=\('never',\) must name"):
        page_plans("xray", "GetInsightEvents", endings=("never",))
    with pytest.raises(StrategyArgumentError, match=r"endings=\(\) must name"):
        page_plans("xray", "GetInsightEvents", endings=())
    with pytest.raises(StrategyArgumentError, match=r"max_throttles=0 must be"):
        page_plans("xray", "GetInsightEvents", max_throttles=0)
    with pytest.raises(StrategyArgumentError, match=r"max_throttles=9 must be"):
        page_plans("xray", "GetInsightEvents", max_throttles=9)
    with pytest.raises(StrategyArgumentError, match=r"ending='none' must be one of"):
        PagePlan(pagination=EVENTS, items=(), pages=(0,), ending="none")
    with pytest.raises(StrategyArgumentError, match=r"throttles=0 must be 1 to"):
        PagePlan(pagination=EVENTS, items=(), pages=(0,), throttle_at=0, throttles=0)


def test_client_error_from_a_burst_is_the_services() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(1), pages=(1,), throttle_at=0, throttles=1)
    with serve_pages(plan), pytest.raises(ClientError, match="ThrottledException"):
        _client(retries=1).get_insight_events(InsightId=INSIGHT_ID)


def strict_loop(client: Any) -> list[Any]:
    """A loop that reads ``page["InsightEvents"]``: right only while services send ``[]``."""
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    while True:
        page = client.get_insight_events(**kwargs)
        events += page["InsightEvents"]
        if not page.get("NextToken"):
            return events
        kwargs["NextToken"] = page["NextToken"]


@pytest.mark.parametrize(("style", "member"), [("empty", []), ("absent", None)])
def test_an_empty_page_gives_an_empty_list_or_no_member_as_planned(
    style: str, member: list[Any] | None
) -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(1), pages=(0, 1), empty_lists=style)
    client = _client()
    with serve_pages(plan):
        first = client.get_insight_events(InsightId=INSIGHT_ID)
        second = client.get_insight_events(InsightId=INSIGHT_ID, NextToken=first["NextToken"])
    assert first.get("InsightEvents") == member
    assert len(second["InsightEvents"]) == 1  # a page with items always lists them
    assert ("empty_lists=absent" in repr(plan)) == (style == "absent")
    assert_paginates(plan, lambda: loop(_client()))  # page.get(..., []) reads both


def test_a_loop_indexing_the_list_member_fails_an_empty_page_without_it() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(2), pages=(1, 0, 1), empty_lists="absent")
    assert_paginates(
        PagePlan(pagination=EVENTS, items=_items(2), pages=(1, 0, 1)),
        lambda: strict_loop(_client()),
    )
    with pytest.raises(HarnessAssertionError, match="KeyError"):
        assert_paginates(plan, lambda: strict_loop(_client()))


def test_empty_list_styles_are_drawn_only_for_plans_with_an_empty_page() -> None:
    drawn = examples(page_plans("xray", "GetInsightEvents", empty_lists=EMPTY_LISTS, now=NOW), 120)
    with_empty = {p.empty_lists for p in drawn if 0 in p.pages}
    assert with_empty == {"empty", "absent"}
    assert {p.empty_lists for p in drawn if 0 not in p.pages} <= {"empty"}
    default = examples(page_plans("xray", "GetInsightEvents", now=NOW), 40)
    assert {p.empty_lists for p in default} == {"empty"}
    with pytest.raises(StrategyArgumentError, match="empty_lists="):
        page_plans("xray", "GetInsightEvents", empty_lists=("missing",))
    with pytest.raises(StrategyArgumentError, match="empty_lists="):
        PagePlan(pagination=EVENTS, items=(), pages=(0,), empty_lists="none")


def test_a_paginator_resumed_on_an_empty_page_without_its_list_gives_none() -> None:
    # botocore's paginator, given a StartingToken, sets the first page's absent result member
    # to None: page.get("Events", []) is then None (what EMPTY_LISTS's comment warns of)
    trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
    plan = PagePlan(
        pagination=pagination_of("cloudtrail", "ListInsightsData"),
        items=(),
        pages=(0, 0),
        empty_lists="absent",
    )
    client = boto3.client("cloudtrail", region_name="us-east-1")
    params = {"InsightSource": trail, "DataType": "InsightsEvents"}
    with serve_pages(plan):
        first = client.list_insights_data(**params)
        pages = client.get_paginator("list_insights_data").paginate(
            **params, PaginationConfig={"StartingToken": first["NextToken"]}
        )
        assert [page.get("Events", []) for page in pages] == [None]


def test_the_empty_string_ending_shows_in_the_report_with_what_to_do() -> None:
    plan = PagePlan(pagination=EVENTS, items=_items(1), pages=(1,), ending="empty")
    with pytest.raises(HarnessAssertionError, match="ParamValidationError") as failed:
        assert_paginates(plan, lambda: loop(_client(), ends_on_none=True))
    report = str(failed.value)
    assert "-> 1 items, NextToken=''" in report  # as sent, not None
    assert "NextToken='' (ending='empty')" in report and "`while token:`" in report
    null = PagePlan(pagination=EVENTS, items=_items(1), pages=(1,), ending="null")
    with serve_pages(null) as server:
        loop(_client())
    assert server.calls[0].describe().endswith("NextToken=null")
