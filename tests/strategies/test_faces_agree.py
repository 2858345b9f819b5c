"""The Hypothesis face and the contract face agree (issue 57: they contradicted each other).

What ``page_plans`` serves is what AWS may answer, so the strict contract check of the same
traffic must not fail it: every plan's pages, fetched by a correct loop through a real
boto3 client, checked as a chain with the default severities. The check found
``pagination.chain-ends`` failing 88 of 200 plans of GetInsightEvents (two empty pages in
a row carrying a NextToken): a rule no page documents, now a warning said to be the
harness's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.aws.protocols.wire_form import request_params
from harness.contract import check_exchanges
from harness.contract.results import is_failure
from harness.contract.rules import get_rule
from harness.exchange import Exchange
from harness.replay.intercept import Call, Send, intercept
from harness.strategies.pagination import page_plans, serve_pages

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
METRIC = {
    "EventSource": "s3.amazonaws.com",
    "EventName": "PutObject",
    "InsightType": "ApiCallRateInsight",
    "Period": 300,
    "StartTime": NOW - dt.timedelta(days=2),
}
GRAPH = {"InsightId": INSIGHT_ID, "StartTime": NOW - dt.timedelta(hours=6), "EndTime": NOW}
#: (service, operation, the request's parameters, page_plans' request=, now=)
CASES = [
    ("xray", "GetInsightEvents", {"InsightId": INSIGHT_ID}, None, NOW),
    ("cloudtrail", "ListInsightsData", {"InsightSource": TRAIL, "DataType": "InsightsEvents"},
     {"InsightSource": TRAIL}, NOW),
    ("cloudtrail", "ListInsightsMetricData", METRIC,
     {"Period": 300, "StartTime": METRIC["StartTime"]}, NOW),
    ("xray", "GetInsightImpactGraph", GRAPH, GRAPH, NOW),
]  # fmt: skip


def _method(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _traffic(service: str, operation: str, params: dict[str, Any], plan: Any) -> list[Exchange]:
    """A correct loop's exchanges over ``plan``'s pages."""
    exchanges: list[Exchange] = []

    def observe(call: Call, send: Send) -> Any:
        answer = send()
        params = request_params(call.service, call.operation, call.request)
        exchanges.append(
            Exchange(call.service, call.operation, call.request, answer, "recorded", params)
        )
        return answer

    client = boto3.client(service, region_name="us-east-1")
    with serve_pages(plan), intercept(observe, sign=False):
        kwargs = dict(params)
        while True:
            page = getattr(client, _method(operation))(**kwargs)
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
    return exchanges


#: each case with its plans, built once (a strategy made per example from the real clock
#: would draw differently each time)
PLANS = st.one_of(
    *(
        st.tuples(st.just(case), page_plans(case[0], case[1], request=case[3], now=case[4]))
        for case in CASES
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLANS)
def test_every_page_plan_passes_the_strict_contract_check(drawn: Any) -> None:
    (service, operation, params, _, _), plan = drawn
    failing = [
        str(v) for v in check_exchanges(_traffic(service, operation, params, plan)) if is_failure(v)
    ]
    assert failing == [], f"{plan!r}\n" + "\n".join(failing)


def test_chain_ends_is_a_warning_said_to_be_the_harness_own() -> None:
    rule = get_rule("pagination.chain-ends")
    assert rule.severity == "warning"
    assert "harness" in rule.description and "not documented" in rule.description


def test_requests_draw_the_empty_metric_window_the_rules_accept() -> None:
    """ListInsightsMetricData's StartTime is inclusive and its EndTime exclusive: an equal
    pair is an empty window the checker and the backend accept, so ``requests()`` aims at it
    (it never drew one: the strategy kept a second between the ends)."""
    from hypothesis import find

    from harness.strategies import requests

    drawn = find(
        requests("cloudtrail", "ListInsightsMetricData", now=NOW),
        lambda p: "StartTime" in p and p.get("StartTime") == p.get("EndTime"),
        settings=settings(max_examples=200, database=None),
    )
    assert drawn["StartTime"] == drawn["EndTime"]


def test_impact_graphs_hold_services_without_a_name() -> None:
    """Name is optional in GetInsightImpactGraph's model: plans hold "client" services
    without one (and the strict check above accepts them), where code reading
    ``service["Name"]`` fails (issue 57's round-2 mutant ``downstream-name-required``)."""
    from hypothesis import find

    plan = find(
        page_plans("xray", "GetInsightImpactGraph", request=GRAPH, now=NOW),
        lambda p: any("Name" not in s for s in p.items),
        settings=settings(database=None, max_examples=200),
    )
    nameless = [s for s in plan.items if "Name" not in s]
    assert all(s["Type"] == "client" and "Names" not in s for s in nameless)
