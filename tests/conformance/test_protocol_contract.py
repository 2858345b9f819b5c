"""The contract checker on botocore's protocol suites, for every protocol.

Every output case's response, read into wire form (json, rest-json) or parsed form (XML,
CBOR; see ``harness.aws.protocols.wire_form``) by ``wire.decode_response_of``, passes the schema
generated from
its model (``schemagen.direction_schema``) with no error-severity violation; every input
case's request does the same against its input schema.
"""

from __future__ import annotations

import pytest

from harness.aws.models import CHECKED_PROTOCOLS
from harness.aws.protocols.wire_form import WireError, decode_request_of, decode_response_of
from harness.contract.checker import validate_wire
from harness.contract.schemas.generate import direction_schema
from tests.support.protocol_suite import Case, case_id, cases, skip_unless_run

SUITES = (
    "json",
    "json_1_0",
    "json_1_0-query-compatible",
    "rest-json",
    "rest-xml",
    "query",
    "ec2",
    "smithy-rpc-v2-cbor",
    "smithy-rpc-v2-cbor-query-compatible",
    "smithy-rpc-v2-cbor-non-query-compatible",
)

#: Cases (by ``case_id``) the checker does not pass, with why. Keep this short.
SKIPS: dict[str, str] = {
    "legacy/output/json:case6.0": "an event-stream response: the checker decodes streams "
    "from cassettes, where they are stored as messages, not from raw suite bytes",
    "legacy/output/json:case3.1": "the suite's model declares MapType a string yet the body "
    "holds objects there; botocore passes JSON values through, a schema cannot",
}


def errors(found: list) -> list[str]:
    return [
        f"{v.pointer}: {v.message} (expected {v.expected})" for v in found if v.severity == "error"
    ]


def test_the_suites_cover_every_protocol_the_checker_judges() -> None:
    assert {c.protocol for c in cases("output", *SUITES)} == set(CHECKED_PROTOCOLS)


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "result" in c.case], ids=case_id
)
def test_an_output_case_response_keeps_its_generated_schema(case: Case) -> None:
    skip_unless_run(case, "output", SKIPS)
    op = case.operation_model()
    try:
        instance = decode_response_of(op, case.response())
    except WireError as exc:
        pytest.fail(f"the checker cannot read a response botocore parses: {exc}")
    assert errors(validate_wire(direction_schema(op, "output"), instance, "response")) == []


@pytest.mark.parametrize("case", cases("input", *SUITES), ids=case_id)
def test_an_input_case_request_keeps_its_generated_schema(case: Case) -> None:
    skip_unless_run(case, "input", SKIPS)
    op = case.operation_model()
    instance = decode_request_of(op, case.request())
    assert errors(validate_wire(direction_schema(op, "input"), instance, "request")) == []


def test_a_broken_response_is_caught_with_its_pointer() -> None:
    """The same path finds a violation: a number where the model says string."""
    case = next(
        c
        for c in cases("output", "json")
        if "result" in c.case
        and c.operation_model().output_shape is not None
        and any(m.type_name == "string" for m in c.operation_model().output_shape.members.values())
    )
    op = case.operation_model()
    name = next(n for n, m in op.output_shape.members.items() if m.type_name == "string")
    found = validate_wire(direction_schema(op, "output"), {name: 12}, "response")
    assert [v.pointer for v in found if v.severity == "error"] == [f"/response/{name}"]


def test_each_missing_required_member_is_reported_once() -> None:
    # jsonschema raises one "required" error per missing member, each naming every
    # required member: route53's IsTruncated and MaxItems were reported twice each.
    from harness.aws.models import operation_model
    from harness.aws.protocols import restxml
    from harness.contract.checker import check_exchange
    from harness.exchange import Exchange, HttpRequest, HttpResponse

    op = operation_model("route53", "ListHostedZones")
    response = restxml.encode_response(op, {"HostedZones": [], "Marker": ""})
    request = HttpRequest("GET", "https://route53.amazonaws.com/2013-04-01/hostedzone", {})
    exchange = Exchange("route53", "ListHostedZones", request, response, "cassette", {})
    found = [(v.rule, v.pointer) for v in check_exchange(exchange)]
    assert found == [
        ("schema.response.required", "/response/IsTruncated"),
        ("schema.response.required", "/response/MaxItems"),
    ]
    assert isinstance(response, HttpResponse)
