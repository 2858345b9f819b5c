"""The flat building blocks requests are drawn with (``harness.ops.draw``): every kind is
reachable, kinds are simplest first, a failing request shrinks to the simplest one, and a
failing example prints values, not the calls that made them."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, cast

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from harness.ops import draw as d
from tests.support.draws import examples

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)


def _refuse(_strategy: Any) -> Any:
    raise AssertionError("a constant kind drew")


_no_draw = cast("DrawFn", _refuse)


def test_a_flat_kind_adds_its_kinds_to_its_variants() -> None:
    upper = d.Variants("x", "y").map(lambda v: v.upper())
    nested = d.Variants(None, upper)  # 1 + 2 kinds, one choice
    assert nested.count == 3
    assert [nested.value(_no_draw, kind) for kind in range(3)] == [None, "X", "Y"]


def test_kinds_that_are_strategies_or_functions_draw_and_shrink_to_the_simplest() -> None:
    joint = d.Joint(
        d.Variants(None, st.integers(5, 9)),
        d.Variants("const", lambda draw: draw(st.text("pq", min_size=2, max_size=4))),
        then=lambda *values: values,
    )
    assert find(joint.strategy, lambda v: True) == (None, "const")
    assert find(joint.strategy, lambda v: v[0] is not None and v[1] != "const") == (5, "pp")


def test_the_combinations_drawn_cover_all_of_them() -> None:
    # 24 combinations, each of them reached in 300 examples
    joint = d.Joint(
        d.Variants(*"abcd"), d.Variants(*"xyz"), d.Variants(0, 1), then=lambda *v: repr(v)
    )
    seen = set(examples(joint.strategy))
    assert len(seen) == 24


def test_windows_reach_both_ends_and_omissions_within_their_span() -> None:
    clock = d.Clock.of(NOW, frozen=False)
    window = d.Window(clock, dt.timedelta(days=1))
    oldest = NOW - dt.timedelta(days=1)
    seen = examples(window.strategy)
    assert (None, None) in seen
    assert any(start == oldest for start, _ in seen)  # the start at the cutoff
    both = [(start, end) for start, end in seen if start is not None and end is not None]
    for start, end in both:
        assert oldest <= start <= end <= NOW
    assert any(end == start for start, end in both)  # the empty window: a boundary
    assert any(end == NOW for _, end in both)
    # the empty window is a boundary, not the rule
    assert sum(end == start for start, end in both) < len(both) / 2


@settings(max_examples=200, database=None)
@given(d.insight_ids().strategy)
def test_insight_ids_match_the_model_pattern(insight_id: str) -> None:
    assert UUID.fullmatch(insight_id)


@settings(max_examples=100, database=None)
@given(st.data())
def test_long_texts_have_their_exact_length_and_alphabet(data: st.DataObject) -> None:
    size = data.draw(st.integers(65, 3000))
    value = data.draw(d.text_of("ab-", size))
    assert len(value) == size and set(value) <= set("ab-")


SHRINKS = [
    (
        ("cloudtrail", "ListInsightsMetricData"),
        lambda p: "ErrorCode" in p,
        {
            "EventSource": "s3.amazonaws.com",
            "EventName": "PutObject",
            "InsightType": "ApiErrorRateInsight",
            "ErrorCode": "AccessDenied",
        },
    ),
    (
        ("cloudtrail", "ListInsightsMetricData"),
        lambda p: p.get("MaxResults", 0) >= 5000,
        {
            "EventSource": "s3.amazonaws.com",
            "EventName": "PutObject",
            "InsightType": "ApiCallRateInsight",
            "MaxResults": 21600,
        },
    ),
    (
        ("cloudtrail", "ListInsightsData"),
        lambda p: p.get("Dimensions", {}).get("EventName") == "PutObject",
        {
            "InsightSource": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events",
            "DataType": "InsightsEvents",
            "Dimensions": {"EventName": "PutObject"},
        },
    ),
]


@pytest.mark.parametrize(("target", "condition", "minimal"), SHRINKS)
def test_failing_requests_shrink_to_the_simplest_one(
    target: tuple[str, str], condition: Any, minimal: dict[str, Any]
) -> None:
    # every member not needed to fail is left out or at its simplest: each member's kind is
    # a choice of its own, which Hypothesis lowers alone
    from harness import strategies

    found = find(
        strategies.requests(*target, now=NOW),
        condition,
        settings=settings(database=None, max_examples=500),
    )
    assert found == minimal


def test_a_long_value_prints_as_a_value_in_a_failing_example() -> None:
    # not as the call that made it (functools.partial(...)('0')): composites, not .map
    from harness import strategies

    @settings(database=None, max_examples=200, phases=[Phase.generate, Phase.shrink])
    @given(strategies.requests("internetmonitor", "GetInternetEvent", now=NOW))
    def short(params: dict[str, Any]) -> None:
        assert len(params["EventId"]) < 255

    with pytest.raises(AssertionError) as failed:
        short()
    notes = "\n".join(getattr(failed.value, "__notes__", []))
    assert "'EventId': '" in notes and "partial" not in notes and "lambda" not in notes


# The operation packs draw these values as text of an alphabet, not with ``from_regex`` (a
# choice a character: a third of a CloudTrail event's cost); the patterns they stand for are
# the reference.
_ACCESS_KEY = re.compile(r"A[SK]IA[A-Z0-9]{16}")
_RESOURCE_NAME = re.compile(r"[a-z0-9-]{3,20}")
_GROUP_ARN = re.compile(r"arn:aws:xray:[a-z0-9-]+:\d{12}:group/([A-Za-z0-9_.-]{1,32})/[A-Z0-9]{26}")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_event_extras_are_in_the_patterns_they_stand_for(data: st.DataObject) -> None:
    from harness.ops.cloudtrail.list_insights_data import cloudtrail_events

    window = {"StartTime": NOW - dt.timedelta(days=1), "EndTime": NOW}
    for event in data.draw(cloudtrail_events(window, d.Clock.of(NOW, frozen=True), 6)):
        if "AccessKeyId" in event:
            assert _ACCESS_KEY.fullmatch(event["AccessKeyId"]), event["AccessKeyId"]
        for resource in event.get("Resources", []):
            if "ResourceName" in resource:
                assert _RESOURCE_NAME.fullmatch(resource["ResourceName"]), resource


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_insight_group_arns_are_in_the_pattern_they_stand_for(data: st.DataObject) -> None:
    from harness.ops.xray.get_insight import insight_response

    insight = data.draw(insight_response({}, d.Clock.of(NOW, frozen=True)))["Insight"]
    if "GroupARN" in insight:
        found = _GROUP_ARN.fullmatch(insight["GroupARN"])
        assert found, insight["GroupARN"]
        assert insight.get("GroupName", found.group(1)) == found.group(1)


def test_the_alphabet_draws_reach_both_key_prefixes_and_both_name_lengths() -> None:
    from harness.ops.cloudtrail.list_insights_data import cloudtrail_events

    window = {"StartTime": NOW - dt.timedelta(days=1), "EndTime": NOW}
    strategy = cloudtrail_events(window, d.Clock.of(NOW, frozen=True), 6)
    events = [e for drawn in examples(strategy, 100) for e in drawn]
    assert {e["AccessKeyId"][:4] for e in events if "AccessKeyId" in e} == {"AKIA", "ASIA"}
    lengths = {len(name) for name in _resource_names(events)}
    assert lengths <= set(range(3, 21))
    # both ends are reachable; searched for, not sampled (100 random examples missed 20 once)
    for end in (3, 20):
        found = find(
            strategy,
            lambda drawn, end=end: end in {len(n) for n in _resource_names(drawn)},
            settings=settings(max_examples=2000, database=None, phases=[Phase.generate]),
        )
        assert end in {len(n) for n in _resource_names(found)}


def _resource_names(events: list[dict[str, Any]]) -> list[str]:
    return [
        r["ResourceName"] for e in events for r in e.get("Resources", []) if "ResourceName" in r
    ]
