"""``rereads=True``: botocore's paginator resumed after a ``MaxItems`` cut asks again for the
page the cut fell in (with the token that fetched it) and skips what it gave. That is not a
restart nor a call past the last page; a loop that rereads for ever, or returns an item twice,
still fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import HarnessAssertionError
from harness.strategies import EMPTY_LISTS, ENDINGS
from harness.strategies.pagination import PagePlan, assert_paginates, page_plans, pagination_of

TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
PARAMS = {"InsightSource": TRAIL, "DataType": "InsightsEvents"}
DATA = pagination_of("cloudtrail", "ListInsightsData")
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def _client() -> Any:
    return boto3.client("cloudtrail", region_name="us-east-1")


def in_batches(client: Any, max_items: int, *, resume: bool = True) -> list[Any]:
    """Reads every event ``max_items`` at a time, resuming botocore's paginator with the
    token it gave (``resume=False``: the bug of starting each batch over)."""
    paginator = client.get_paginator("list_insights_data")
    events: list[Any] = []
    token = None
    while True:
        config: dict[str, Any] = {"MaxItems": max_items}
        if token and resume:
            config["StartingToken"] = token
        result = paginator.paginate(**PARAMS, PaginationConfig=config).build_full_result()
        events += result.get("Events") or []
        token = result.get("NextToken")
        if not token:
            return events


def _events(count: int) -> tuple[dict[str, Any], ...]:
    return tuple({"EventId": f"e{i}", "EventName": "PutObject"} for i in range(count))


def _event_id(event: Any) -> Any:
    return event["EventId"]


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    page_plans(
        "cloudtrail",
        "ListInsightsData",
        request={"InsightSource": TRAIL},
        empty_lists=EMPTY_LISTS,
        now=NOW,
    ),
    st.integers(1, 4),
)
def test_a_resumed_paginator_passes_every_plan_with_rereads(plan: PagePlan, max_items: int) -> None:
    got = assert_paginates(
        plan, lambda: in_batches(_client(), max_items), key=_event_id, rereads=True
    )
    assert [e["EventId"] for e in got] == [e["EventId"] for e in plan.items]


@pytest.mark.parametrize("pages", [(3, 4), (7,), (2, 0, 5)])
def test_without_rereads_the_report_says_what_to_pass(pages: tuple[int, ...]) -> None:
    plan = PagePlan(pagination=DATA, items=_events(7), pages=pages)
    with pytest.raises(HarnessAssertionError) as failed:
        assert_paginates(plan, lambda: in_batches(_client(), 2), key=_event_id)
    report = str(failed.value)
    assert "pass rereads=True" in report
    assert "(a page served before, asked again)" in report


def test_rereads_still_stops_a_loop_that_never_ends() -> None:
    plan = PagePlan(pagination=DATA, items=_events(6), pages=(3, 3))
    with pytest.raises(HarnessAssertionError, match="did not stop"):
        assert_paginates(
            plan, lambda: in_batches(_client(), 2, resume=False), key=_event_id, rereads=True
        )


def test_rereads_still_reports_an_item_returned_twice() -> None:
    def twice_over_the_first_page(client: Any) -> list[Any]:
        first = client.list_insights_data(**PARAMS)
        again = client.list_insights_data(**PARAMS)  # BUG: the first page read twice
        rest = client.list_insights_data(**PARAMS, NextToken=again["NextToken"])
        return first["Events"] + again["Events"] + rest["Events"]

    plan = PagePlan(pagination=DATA, items=_events(4), pages=(2, 2))
    with pytest.raises(HarnessAssertionError, match="more than once"):
        assert_paginates(
            plan, lambda: twice_over_the_first_page(_client()), key=_event_id, rereads=True
        )
    with pytest.raises(HarnessAssertionError, match="started over without a NextToken"):
        assert_paginates(plan, lambda: twice_over_the_first_page(_client()), key=_event_id)


def test_endings_other_than_absent_resume_too() -> None:
    for ending in ENDINGS:
        plan = PagePlan(pagination=DATA, items=_events(5), pages=(2, 3), ending=ending)
        got = assert_paginates(plan, lambda: in_batches(_client(), 2), key=_event_id, rereads=True)
        assert len(got) == 5, ending


def test_rereads_forgives_only_the_page_just_served() -> None:
    def restarts_after_two_pages(client: Any) -> list[Any]:
        first = client.list_insights_data(**PARAMS)
        second = client.list_insights_data(**PARAMS, NextToken=first["NextToken"])
        client.list_insights_data(**PARAMS)  # BUG: starts over; not botocore's resume
        return first["Events"] + second["Events"]

    plan = PagePlan(pagination=DATA, items=_events(6), pages=(2, 2, 2))
    with pytest.raises(HarnessAssertionError, match="started over without a NextToken 1 time"):
        assert_paginates(
            plan, lambda: restarts_after_two_pages(_client()), key=_event_id, rereads=True
        )


def test_a_stopped_loop_is_told_why() -> None:
    plan = PagePlan(pagination=DATA, items=_events(6), pages=(3, 3))
    with pytest.raises(HarnessAssertionError) as failed:
        assert_paginates(
            plan, lambda: in_batches(_client(), 2, resume=False), key=_event_id, rereads=True
        )
    assert "each sent no NextToken and got the first page again" in str(failed.value)
    with pytest.raises(HarnessAssertionError) as without:
        assert_paginates(plan, lambda: in_batches(_client(), 2), key=_event_id)
    problems = str(without.value).splitlines()[1:]
    assert "pass rereads=True" in problems[0]  # first: the rest follows from it
