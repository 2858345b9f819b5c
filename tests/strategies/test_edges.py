"""Exact values from the documented rules (harness.strategies.edges, issue 57): documented
values as oracles, draws at and beside the instants and lengths rules turn on, throttling
and refusal codes from the models, and page plans that refuse a page with a client error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import strategies as aws
from harness.errors import HarnessAssertionError
from harness.strategies.pagination import PagePlan, assert_paginates, pagination_of

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 1, 12, tzinfo=UTC)
INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


def test_documented_values_are_the_api_references() -> None:
    metric = aws.documented("cloudtrail", "ListInsightsMetricData")
    assert metric["METRIC_RETENTION"] == {
        60: dt.timedelta(days=15),
        300: dt.timedelta(days=63),
        3600: dt.timedelta(days=90),
    }
    assert metric["METRIC_PERIODS"] == (60, 300, 3600)
    assert metric["METRIC_DEFAULT_PERIOD"] == 3600
    assert aws.documented("xray", "GetInsightImpactGraph")["IMPACT_GRAPH_MAX_RANGE"] == (
        dt.timedelta(hours=6)
    )
    with pytest.raises(TypeError):
        metric["METRIC_PERIODS"] = (60,)  # type: ignore[index]
    with pytest.raises(aws.StrategyArgumentError, match="first-class operation"):
        aws.documented("xray", "GetTraceSummaries")
    with pytest.raises(aws.StrategyArgumentError, match="first-class services"):
        aws.documented("s3")


def test_edge_times_are_the_instant_and_its_neighbours() -> None:
    at = NOW - dt.timedelta(days=15)
    seen = set()

    @settings(max_examples=300, database=None)
    @given(aws.edge_times(at, period=60))
    def collect(when: dt.datetime) -> None:
        assert when.tzinfo is not None
        seen.add(when - at)

    collect()
    assert {
        dt.timedelta(0),
        dt.timedelta(milliseconds=-1),
        dt.timedelta(milliseconds=1),
        dt.timedelta(seconds=-60),
        dt.timedelta(seconds=60),
    } <= seen
    with pytest.raises(aws.StrategyArgumentError, match="aware"):
        aws.edge_times(dt.datetime(2026, 1, 1))


def test_edge_spans_hold_the_limit_and_lengths_whose_seconds_mislead() -> None:
    six = dt.timedelta(hours=6)
    spans = aws.edge_spans(six).elements  # type: ignore[attr-defined]
    assert spans[0] == six
    assert {six - dt.timedelta(microseconds=1), six + dt.timedelta(microseconds=1)} <= set(spans)
    assert dt.timedelta(0) in spans  # an empty window
    # longer than six hours, yet .seconds is at most six hours' worth
    assert any(s > six and s.seconds <= six.seconds for s in spans)
    with pytest.raises(aws.StrategyArgumentError):
        aws.edge_spans(dt.timedelta(0))


def test_throttling_and_refusal_codes_come_from_the_models() -> None:
    # Internet Monitor models two throttles (retryable: throttling) and a 403 that is not one
    assert aws.throttling_codes("internetmonitor") == (
        "ThrottlingException",
        "TooManyRequestsException",
    )
    assert aws.throttling_codes("xray") == ("ThrottledException",)
    assert aws.throttling_codes("cloudtrail") == ("ThrottlingException",)
    refusals = aws.refusal_codes("cloudtrail", "ListInsightsData")
    assert refusals[0] == "InvalidParameterException"
    assert "OperationNotPermittedException" in refusals
    assert not set(refusals) & set(aws.throttling_codes("cloudtrail"))
    assert "ValidationException" in aws.refusal_codes("internetmonitor", "GetInternetEvent")


def _client() -> Any:
    return boto3.client(
        "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


def _loop(client: Any, *, retry_anything: bool = False) -> list[Any]:
    events: list[Any] = []
    kwargs: dict[str, Any] = {"InsightId": INSIGHT_ID}
    while True:
        try:
            page = client.get_insight_events(**kwargs)
        except ClientError:
            if retry_anything:
                continue
            raise
        events += page.get("InsightEvents", [])
        if not page.get("NextToken"):
            return events
        kwargs["NextToken"] = page["NextToken"]


def _refused(refuse_at: int) -> PagePlan:
    item = {"EventTime": NOW, "Summary": "s"}
    return PagePlan(
        pagination=pagination_of("xray", "GetInsightEvents"),
        items=(item, item | {"Summary": "t"}),
        pages=(1, 1),
        refuse_at=refuse_at,
        refusal="InvalidRequestException",
    )


def test_a_refused_page_must_be_raised_and_not_asked_again() -> None:
    client = _client()
    for at in (0, 1):
        assert assert_paginates(_refused(at), lambda: _loop(client)) == []
        with pytest.raises(HarnessAssertionError, match=r"more time\(s\) after the refusal"):
            assert_paginates(_refused(at), lambda: _loop(client, retry_anything=True))
    with pytest.raises(HarnessAssertionError, match="although the service refused"):
        assert_paginates(_refused(1), lambda: [])
    with pytest.raises(aws.StrategyArgumentError, match="go together"):
        PagePlan(
            pagination=pagination_of("xray", "GetInsightEvents"),
            items=(),
            pages=(0,),
            refuse_at=0,
        )


def test_a_services_refusal_codes_are_every_operations() -> None:
    whole = aws.refusal_codes("internetmonitor")
    for operation in ("GetInternetEvent", "CreateMonitor"):
        assert set(aws.refusal_codes("internetmonitor", operation)) <= set(whole)
    assert "LimitExceededException" in whole  # (CreateMonitor's: a quota, not a throttle)
    assert not set(whole) & set(aws.throttling_codes("internetmonitor"))


def test_page_plans_draw_refusals_and_every_throttling_code() -> None:
    seen: set[Any] = set()

    @settings(max_examples=60, database=None)
    @given(aws.page_plans("xray", "GetInsightEvents", refusals=True, max_items=3, now=NOW))
    def refusals(plan: PagePlan) -> None:
        seen.add(plan.refusal)

    refusals()
    assert {None, "InvalidRequestException"} <= seen
    codes: set[Any] = set()

    @settings(max_examples=60, database=None)
    @given(st.data())
    def throttles(data: st.DataObject) -> None:
        plan = data.draw(aws.page_plans("cloudtrail", "ListInsightsData", max_items=2, now=NOW))
        codes.add(plan.throttle_code)

    throttles()
    assert codes == {None}  # one documented throttle: the plan leaves it to the default


def test_a_name_documented_does_not_hold_is_a_key_error_listing_those_it_holds() -> None:
    """A newcomer's guess (``"RETENTION"``) was a bare ``KeyError: 'RETENTION'``."""
    from harness.strategies import documented

    values = documented("cloudtrail", "ListInsightsMetricData")
    with pytest.raises(KeyError, match="METRIC_RETENTION") as raised:
        values["RETENTION"]
    assert "cloudtrail:ListInsightsMetricData" in str(raised.value)
    assert "cloudtrail.THROTTLING_ERROR" in values and len(values) == len(list(values))
