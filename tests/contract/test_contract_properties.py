"""Property tests: change valid exchanges one way and the matching rule or schema error fires.

The valid exchanges are the synthetic engine's (``synthetic_exchanges``); a rule's single
violating example is its ``breaks=`` (test_ops_registry.py). These go further: every required
member, any wrong type, any out-of-range coordinate, any shuffle of an ordered list.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import ops
from harness.aws.models import operation_model
from harness.aws.protocols import wire_form as wire
from harness.contract.checker import check_exchange, check_exchanges
from tests.support.synthetic_exchanges import EVENTS, SERIES, build, pair

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPERATIONS = [(p.service, p.operation) for p in ops.PACKS]
ILABEL = ("cloudtrail", "ListInsightsData")
MLABEL = ("cloudtrail", "ListInsightsMetricData")
IM = ("internetmonitor", "GetInternetEvent")

#: Requests whose answers hold what the tests below change (a first event, a first value).
CONTENT: dict[tuple[str, str], dict[str, Any] | None] = {ILABEL: EVENTS, MLABEL: SERIES}


def _rules(violations: list[Any]) -> set[str]:
    return {v.rule for v in violations}


@SETTINGS
@given(st.sampled_from(OPERATIONS), st.data())
def test_dropping_a_required_request_member_is_reported_when_accepted(
    target: tuple[str, str], data: st.DataObject
) -> None:
    request, response = pair(*target, CONTENT.get(target))
    shape = operation_model(*target).input_shape
    # A member bound to the URI cannot be left out of a request that reaches the service.
    required = sorted(
        m for m in shape.required_members if shape.members[m].serialization.get("location") != "uri"
    )
    if not required:
        return
    member = data.draw(st.sampled_from(required))
    del request[member]
    violations = check_exchange(build(*target, request, response))
    assert any(
        v.rule == "schema.request" and v.pointer == f"/request/{member}" for v in violations
    ), violations


@SETTINGS
@given(
    st.sampled_from(
        [
            ("cloudtrail", "ListInsightsMetricData", ("Values", 0)),
            ("cloudtrail", "ListInsightsData", ("Events", 0, "EventName")),
            ("xray", "GetInsight", ("Insight", "ClientRequestImpactStatistics", "TotalCount")),
            ("internetmonitor", "GetInternetEvent", ("ClientLocation", "Latitude")),
        ]
    ),
    st.one_of(
        # (not "NaN": the JSON protocols write a double's NaN as that string, valid there)
        st.text(max_size=3).filter(lambda s: s != "NaN"),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_changing_a_type_is_a_schema_error(
    case: tuple[str, str, tuple[Any, ...]], new: Any
) -> None:
    service, operation, path = case
    request, response = pair(service, operation, CONTENT.get((service, operation)))
    holder: Any = response
    for token in path[:-1]:
        holder = holder[token]
    if type(new) is type(holder[path[-1]]):  # a string member needs a different type
        new = 12345
    holder[path[-1]] = new
    pointer = "/response/" + "/".join(map(str, path))
    violations = check_exchange(build(service, operation, request, response))
    assert any(v.rule == "schema.response" and v.pointer == pointer for v in violations)


@SETTINGS
@given(st.sampled_from(["Latitude", "Longitude"]), st.floats(181, 1e6), st.booleans())
def test_coordinates_out_of_range(member: str, size: float, negative: bool) -> None:
    request, response = pair(*IM)
    response["ClientLocation"][member] = -size if negative else size
    violations = check_exchange(build(*IM, request, response))
    assert "internetmonitor.GetInternetEvent.coordinates-range" in _rules(violations)


@SETTINGS
@given(st.integers(51, 10_000))
def test_max_results_out_of_range_accepted_is_reported(limit: int) -> None:
    request, response = pair(*ILABEL, EVENTS)
    request["MaxResults"] = limit
    violations = check_exchange(build(*ILABEL, request, response))
    assert any(
        v.rule == "schema.request" and v.pointer == "/request/MaxResults" for v in violations
    )


@SETTINGS
@given(st.sampled_from(["internetmonitor", "cloudtrail"]))
def test_swapping_the_timestamp_encoding_is_a_schema_error(service: str) -> None:
    if service == "internetmonitor":
        request, response = pair(*IM)
        response["StartedAt"] = wire.parse_timestamp(response["StartedAt"]).timestamp()
        target, pointer = IM, "/response/StartedAt"
    else:
        request, response = pair(*ILABEL, EVENTS)
        iso = wire.parse_timestamp(response["Events"][0]["EventTime"]).isoformat()
        response["Events"][0]["EventTime"] = iso
        target, pointer = ILABEL, "/response/Events/0/EventTime"
    violations = check_exchange(build(*target, request, response))
    assert any(v.rule == "schema.response" and v.pointer == pointer for v in violations)


@SETTINGS
@given(st.permutations(range(6)).filter(lambda p: list(p) != sorted(p)))
def test_shuffling_an_ordered_list_breaks_its_order_rule(order: list[int]) -> None:
    request, response = pair(*ILABEL, {**EVENTS, "MaxResults": 6})
    response["Events"] = [response["Events"][i] for i in order]
    violations = check_exchange(build(*ILABEL, request, response))
    assert "cloudtrail.ListInsightsData.most-recent-first" in _rules(violations)

    request, response = pair(*MLABEL, {**SERIES, "MaxResults": 6})
    response["Timestamps"] = [response["Timestamps"][i] for i in order]
    violations = check_exchange(build(*MLABEL, request, response))
    assert "cloudtrail.ListInsightsMetricData.timestamps-ascending" in _rules(violations)


@SETTINGS
@given(st.integers(3, 6), st.data())
def test_repeating_a_token_in_a_chain_is_reported(pages: int, data: st.DataObject) -> None:
    tokens: list[str | None] = [f"tok-{i}" for i in range(pages - 1)]
    later = data.draw(st.integers(1, len(tokens) - 1))
    earlier = data.draw(st.integers(0, later - 1))
    tokens[later] = tokens[earlier]
    tokens.append(None)
    exchanges = []
    sent: str | None = None
    for index, token in enumerate(tokens):
        request, response = pair(*ILABEL, {**EVENTS, "MaxResults": 1})
        response.pop("NextToken", None)
        if sent is not None:
            request["NextToken"] = sent
        if token is not None:
            response["NextToken"] = token
        exchanges.append(build(*ILABEL, request, response, index=index))
        sent = token
    violations = check_exchanges(exchanges)
    fired = [v for v in violations if v.rule == "pagination.token-not-repeated"]
    assert fired and fired[0].index == later
