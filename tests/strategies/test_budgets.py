"""What a paginating loop was asked for (harness.strategies.pagination, issue 57): the page
size it must send on every call (``assert_paginates(page_size=)``, sizes drawn at the
model's bounds by ``page_sizes``) and its own retry budget for a throttled page
(``assert_paginates(attempts=)``: a burst at least that long surfaces, a shorter one is
outlasted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings

from harness import strategies as aws
from harness.errors import HarnessAssertionError
from harness.strategies.pagination import PagePlan, assert_paginates, pagination_of

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
EVENTS = pagination_of("xray", "GetInsightEvents")
ITEMS = tuple({"EventTime": NOW - dt.timedelta(minutes=n), "Summary": f"e{n}"} for n in range(3))


def _client() -> Any:
    return boto3.client(
        "xray",
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def _loop(client: Any, *, size: int | None = None, first_only: bool = False, tries: int = 4):  # type: ignore[no-untyped-def]
    """A NextToken loop with its own retry of ``tries`` calls; ``first_only`` sends the
    page size on the first call only."""
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    if size is not None:
        kwargs["MaxResults"] = size
    while True:
        for attempt in range(tries):
            try:
                page = client.get_insight_events(**kwargs)
                break
            except ClientError as exc:
                if "Throttl" not in exc.response["Error"]["Code"] or attempt == tries - 1:
                    raise
        events += page.get("InsightEvents", [])
        if not page.get("NextToken"):
            return events
        kwargs["NextToken"] = page["NextToken"]
        if first_only:
            kwargs.pop("MaxResults", None)


def test_every_call_must_send_the_page_size_asked_for() -> None:
    client = _client()
    plan = PagePlan(pagination=EVENTS, items=ITEMS, pages=(2, 1), throttle_at=1)
    assert assert_paginates(plan, lambda: _loop(client, size=1), page_size=1) == list(ITEMS)
    assert assert_paginates(plan, lambda: _loop(client), page_size=None) == list(ITEMS)
    with pytest.raises(HarnessAssertionError, match=r"sent MaxResults=None on call #2"):
        assert_paginates(plan, lambda: _loop(client, size=1, first_only=True), page_size=1)
    with pytest.raises(HarnessAssertionError, match=r"MaxResults=50 on call #1 \(3 of the 3 calls"):
        assert_paginates(plan, lambda: _loop(client, size=50), page_size=None)


def test_a_burst_past_the_retry_budget_must_surface_after_exactly_that_many_calls() -> None:
    client = _client()
    for burst in (3, 4):
        plan = PagePlan(
            pagination=EVENTS, items=ITEMS, pages=(1, 2), throttle_at=1, throttles=burst
        )
        got = assert_paginates(plan, lambda: _loop(client, tries=4), attempts=4)
        assert got == ([] if burst == 4 else list(ITEMS))
    long = PagePlan(pagination=EVENTS, items=ITEMS, pages=(1, 2), throttle_at=1, throttles=4)
    with pytest.raises(HarnessAssertionError, match=r"gave up after 3 throttled call\(s\)"):
        assert_paginates(long, lambda: _loop(client, tries=3), attempts=4)
    with pytest.raises(HarnessAssertionError, match="it should have raised ThrottledException"):
        assert_paginates(long, lambda: _loop(client, tries=5), attempts=4)
    with pytest.raises(aws.StrategyArgumentError, match="attempts=0"):
        assert_paginates(long, lambda: [], attempts=0)


def test_page_sizes_reach_the_models_largest() -> None:
    seen: set[Any] = set()

    @settings(max_examples=40, database=None, derandomize=True)
    @given(aws.page_sizes("xray", "GetInsightSummaries", up_to=3))
    def sizes(size: int | None) -> None:
        seen.add(size)

    sizes()
    assert seen <= {None, 1, 2, 3, 100} and {None, 1, 100} <= seen
    with pytest.raises(aws.StrategyArgumentError, match="no page-size member"):
        aws.page_sizes("xray", "GetInsightImpactGraph")
