"""The contract checker on botocore's protocol suites, for every protocol.

Every output case's response, read into wire form (json, rest-json) or parsed form (XML,
CBOR; see ``harness.aws.protocols.wire_form``) by ``wire.decode_response_of``, passes the schema
generated from
its model (``schemagen.direction_schema``) with no error-severity violation; every input
case's request does the same against its input schema. An event-stream response (the suite's
raw ``vnd.amazon.eventstream`` bytes) is checked as the checker checks a recorded stream: its
other members once, then each event (``wire_form.decode_events_of``) alone under the stream
member.
"""

from __future__ import annotations

import dataclasses

import pytest

from harness.aws import eventstream, protocols
from harness.aws.models import CHECKED_PROTOCOLS
from harness.aws.protocols import event_streams
from harness.aws.protocols.wire_form import (
    WireError,
    decode_events_of,
    decode_request_of,
    decode_response_of,
    to_wire,
)
from harness.contract.checker import _event_value, validate_wire
from harness.contract.schemas.generate import direction_schema
from tests.support.protocol_suite import (
    Case,
    case_id,
    cases,
    normalise,
    parse_as_botocore,
    skip_unless_run,
    to_python,
)

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
SKIPS: dict[str, str] = {}  # (none left: keep it that way, or say why here)


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
    schema = direction_schema(op, "output")
    try:
        instance = decode_response_of(op, case.response())
        events = decode_events_of(op, case.response())
    except WireError as exc:
        pytest.fail(f"the checker cannot read a response botocore parses: {exc}")
    assert errors(validate_wire(schema, instance, "response")) == []
    stream = op.output_shape.event_stream_name if op.output_shape is not None else None
    for event in events:  # each alone under the stream member, as the checker checks them
        assert stream is not None
        assert errors(validate_wire(schema, {**instance, stream: event}, "response")) == []


def _stream_cases() -> list[Case]:
    return [
        c
        for c in cases("output", *SUITES)
        if "result" in c.case and c.operation_model().has_event_stream_output
    ]


def test_the_suites_hold_event_stream_cases_in_two_protocols() -> None:
    assert {c.protocol for c in _stream_cases()} == {"json", "rest-xml"}


@pytest.mark.parametrize("case", _stream_cases(), ids=case_id)
def test_an_event_stream_case_reads_as_its_events(case: Case) -> None:
    """The suite's raw bytes read into the suite's result, event by event: in wire form
    (json: ``to_wire``) or parsed form as JSON data (rest-xml: ``protocols.to_data``); the
    json events as the checker's own reader of a recorded stream reads them."""
    op = case.operation_model()
    protocol = protocols.protocol_of(op.service_model)
    shape = op.output_shape
    stream = shape.members[shape.event_stream_name]
    result = to_python(shape, case.case["result"])
    expected = [
        {kind: to_wire(stream.members[kind], value, protocol)}
        if protocol in protocols.JSON_CONTENT_TYPES
        else {kind: protocols.to_data(value)}
        for event in result[shape.event_stream_name]
        for kind, value in event.items()
    ]
    events = decode_events_of(op, case.response())
    assert events == expected
    head = {k: v for k, v in result.items() if k != shape.event_stream_name}
    assert decode_response_of(op, case.response()) == to_wire(shape, head, protocol)
    if protocol in protocols.JSON_CONTENT_TYPES:
        messages = eventstream.decode_stream(case.response().body)
        read = [
            {m.header(":event-type"): _event_value(stream.members[m.header(":event-type")], m)}
            for m in messages
            if m.header(":event-type") in stream.members
        ]
        assert read == events


def test_a_broken_event_is_caught_with_its_pointer() -> None:
    """An event the model does not allow, written with real framing, is a violation at its
    event's pointer (and botocore still reads the stream it is in)."""
    case = next(c for c in _stream_cases() if c.protocol == "json")
    op = case.operation_model()
    bad = {"TypeB": {"Details": {"StringField": "s", "IntegerField": "not a number"}}}
    result = {"InitialResponse": "x", "Payload": [{"TypeA": {"Payload": b"ok"}}, bad]}
    response = event_streams.encode_output(op, result)
    assert parse_as_botocore(op, response)["Payload"][1] == bad
    schema = direction_schema(op, "output")
    head = decode_response_of(op, response)
    found = [
        [
            v.pointer
            for v in validate_wire(schema, {**head, "Payload": e}, "response")
            if v.severity == "error"
        ]
        for e in decode_events_of(op, response)
    ]
    assert found == [[], ["/response/Payload/TypeB/Details/IntegerField"]]


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
    request = HttpRequest(
        method="GET", url="https://route53.amazonaws.com/2013-04-01/hostedzone", headers={}
    )
    exchange = Exchange("route53", "ListHostedZones", request, response, "cassette", {})
    found = [(v.rule, v.pointer) for v in check_exchange(exchange)]
    assert found == [
        ("schema.response.required", "/response/IsTruncated"),
        ("schema.response.required", "/response/MaxItems"),
    ]
    assert isinstance(response, HttpResponse)


def test_a_rest_json_stream_reads_its_event_headers_in_wire_form() -> None:
    """The suites' header-bearing event (rest-xml's TypeC) in a rest-json model: each
    header type written by ``event_streams.encode_output``, read by botocore as the suite's
    result, and read by ``decode_events_of`` in wire form (a blob as base64, a timestamp in
    epoch seconds) that keeps the generated schema."""
    xml = next(c for c in _stream_cases() if c.protocol == "rest-xml" and c.id == "case14.1")
    case = dataclasses.replace(xml, suite={**xml.suite, "metadata": {"protocol": "rest-json"}})
    op = case.operation_model()
    result = to_python(op.output_shape, case.case["result"])
    response = event_streams.encode_output(op, result)
    assert normalise(parse_as_botocore(op, response)["Payload"]) == normalise(result["Payload"])
    events = decode_events_of(op, response)
    ((kind, event),) = result["Payload"][0].items()
    assert events == [
        {kind: to_wire(op.output_shape.members["Payload"].members[kind], event, "rest-json")}
    ]
    assert events[0][kind]["Timestamp"] == 1422172800 and events[0][kind]["Blob"] == "c29tZWJsb2I="
    schema = direction_schema(op, "output")
    assert errors(validate_wire(schema, {"Payload": events[0]}, "response")) == []
