"""Lists no AWS page orders: the backend's order is the harness's choice, and switchable.

No X-Ray page documents the order of GetInsightEvents' events, GetInsightSummaries'
summaries or GetInsightImpactGraph's services (issue 57: the backend listed them most recent
first, ``page_plans`` drew them in any order, and a test passing against the backend could
rely on an order AWS never promised). ``SyntheticBackend(order="shuffled")`` and
``@pytest.mark.aws_synthetic(order="shuffled")`` answer them in an order drawn from the
seed, the same on every page of a chain; documented orders (ListInsightsData: "The most
recent event is listed first") are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from harness.replay.intercept import Call, Send, intercept
from harness.synthetic import SyntheticBackend

NOW = dt.datetime(2025, 3, 10, 12, 30, tzinfo=dt.timezone.utc)
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"


def _routed(order: str) -> Any:
    engine = SyntheticBackend(seed=7, now=NOW, order=order)

    def handle(call: Call, send: Send) -> Any:
        return engine.handle(call.request)

    return engine, intercept(handle, sign=False, sends=False)


def _busy_insight(engine: SyntheticBackend) -> str:
    return next(
        insight_id
        for insight_id in (f"{i:08x}-1b2c-4d3e-8f4a-5b6c7d8e9f00" for i in range(1000))
        if len(engine.world().insight_events(insight_id)) > 20
    )


def _all_pages(call: Any, key: str, **kwargs: Any) -> Iterator[list[Any]]:
    while True:
        page = call(**kwargs)
        yield page[key]
        if not page.get("NextToken"):
            return
        kwargs["NextToken"] = page["NextToken"]


def _client(service: str) -> Any:
    return boto3.client(
        service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


@pytest.mark.parametrize("page_size", [1, 7, 50])
def test_shuffled_events_differ_from_the_harness_order_and_hold_across_pages(
    page_size: int,
) -> None:
    fixed_engine, _ = _routed("fixed")
    insight_id = _busy_insight(fixed_engine)
    answers = {}
    for order in ("fixed", "shuffled"):
        _, routing = _routed(order)
        with routing:
            pages = _all_pages(
                _client("xray").get_insight_events,
                "InsightEvents",
                InsightId=insight_id,
                MaxResults=page_size,
            )
            answers[order] = [event["EventTime"] for page in pages for event in page]
        with _routed(order)[1]:
            whole = [
                event["EventTime"]
                for page in _all_pages(
                    _client("xray").get_insight_events,
                    "InsightEvents",
                    InsightId=insight_id,
                    MaxResults=50,
                )
                for event in page
            ]
        assert answers[order] == whole  # each event once, the same order on every page split
    assert answers["fixed"] == sorted(answers["fixed"], reverse=True)  # the harness's choice
    assert answers["shuffled"] != answers["fixed"]
    assert sorted(answers["shuffled"]) == sorted(answers["fixed"])


def test_documented_order_is_kept_when_shuffled() -> None:
    _, routing = _routed("shuffled")
    with routing:
        events = [
            event["EventTime"]
            for page in _client("cloudtrail")
            .get_paginator("list_insights_data")
            .paginate(InsightSource=TRAIL, DataType="InsightsEvents")
            for event in page["Events"]
        ]
    assert len(events) > 10
    assert events == sorted(events, reverse=True)  # "The most recent event is listed first."


def test_an_unknown_order_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="'fixed', 'shuffled'"):
        SyntheticBackend(order="random")


MARKED = """
import boto3, pytest
from harness.ops.xray.get_insight_summaries import catalogue

@pytest.mark.aws_synthetic(seed=7, now="2025-03-10T12:30:00Z", order="shuffled")
def test_summaries_in_another_order(aws_synthetic):
    world = aws_synthetic.engine.world()
    group = world.insight(catalogue(aws_synthetic.engine)[0])["GroupName"]
    xray = boto3.client("xray", region_name="us-east-1")
    got = xray.get_insight_summaries(
        GroupName=group, StartTime="2025-02-10T13:00:00Z", EndTime="2025-03-10T12:00:00Z",
        MaxResults=100,
    )["InsightSummaries"]
    times = [s["StartTime"] for s in got]
    assert len(times) > 3
    assert times != sorted(times, reverse=True)

@pytest.mark.aws_synthetic(order="sorted")
def test_unknown():
    pass
"""


def test_the_marker_takes_order(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*order='sorted' is not one of 'fixed', 'shuffled'*"])
