"""The json (1.0, 1.1) and rest-json codecs against botocore's protocol suites, and end to end.

Input cases: the HTTP request botocore sends, decoded by our codec, gives the parameters it
was serialized from. Output cases: the parsed result, encoded by our codec, parses in
botocore to the same result; an error encodes to a response botocore reads as the same code
and message. Skips: what botocore skips, plus ``SKIPS`` (one reason each). An event-stream
output is written by ``harness.aws.eventstream`` (the codecs refuse streams) and read by
``wire_form.decode_events_of``; botocore reads it as its own runner does, from a raw stream.
The end-to-end tests put a real botocore client in front of a loopback server that speaks
our codec.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import EventStreamError
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser

from harness.aws import eventstream, protocols
from harness.aws.protocols import _rest, awsjson, event_streams, restjson, wire_form
from harness.errors import HarnessUsageError
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.protocol_suite import (
    Case,
    case_id,
    cases,
    normalise,
    parse_as_botocore,
    skip_unless_run,
    to_python,
)

SUITES = ("json", "json_1_0", "rest-json")

#: Cases (by ``case_id``) we do not pass, with why. Empty: every case botocore runs, runs.
SKIPS: dict[str, str] = {}


_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _special_floats(shape: Shape | None, value: Any) -> Any:
    """The suites write NaN and the infinities as strings; a boto3 user passes floats."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        return {
            k: _special_floats(shape.members[k], v) if k in shape.members else v
            for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [_special_floats(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _special_floats(shape.value, v) for k, v in value.items()}
    if kind in ("float", "double") and isinstance(value, str):
        return _SPECIAL.get(value, value)
    return value


def _floats_as_text(value: Any) -> Any:
    """botocore's json parser keeps "NaN" text where rest-json's makes a float: compare both."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(_rest.special_float(value))
    if isinstance(value, dict):
        return {k: _floats_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_as_text(v) for v in value]
    return value


def _as_sent(shape: Shape | None, params: dict[str, Any]) -> dict[str, Any]:
    """Params as botocore sends them: a None member is not sent, nor an empty list or map
    bound to the URI, query string or headers (nothing on the wire says it was passed); a
    query-params map's key that a named query member also sends is on the wire once, as
    that member's ("Prefer named query parameters when serializing": the suites' own
    RestJsonQueryPrecedence; a reader cannot tell it was in the map too)."""
    if shape is None:
        return params
    params = _without_nones(params)
    named = {
        str(m.serialization.get("name", n))
        for n, m in shape.members.items()
        if n in params and m.serialization.get("location") == "querystring" and m.type_name != "map"
    }
    out = {}
    for name, value in params.items():
        member = shape.members.get(name)
        located = member is not None and member.serialization.get("location")
        if located == "querystring" and member.type_name == "map" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in named}
        if located and isinstance(value, list | dict) and not value:
            continue
        out[name] = value
    return out


def botocore_request(case: Case) -> HttpRequest:
    """An input case's request as botocore's own runner holds it: for rest-json, a
    Content-Type other than ``application/json`` that no parameter sets is dropped
    ("We don't set Content-Type for streaming payloads in rest-json", botocore's
    ``tests/unit/test_protocols.py``, ``_assert_expected_headers_in_request``)."""
    request = case.request()
    if case.protocol != "rest-json":
        return request
    op = case.operation_model()
    shape = op.input_shape
    params = case.case.get("params") or {}
    set_by_params = shape is not None and any(
        m.serialization.get("location") == "header"
        and str(m.serialization.get("name", n)).lower() == "content-type"
        and n in params
        for n, m in shape.members.items()
    )
    headers = {
        k: v
        for k, v in request.headers.items()
        if set_by_params or k.lower() != "content-type" or v == "application/json"
    }
    return HttpRequest(method=request.method, url=request.url, headers=headers, body=request.body)


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nones(v) for v in value]
    return value


@pytest.mark.parametrize("case", cases("input", *SUITES), ids=case_id)
def test_input_case_decodes_to_its_params(case: Case) -> None:
    skip_unless_run(case, "input", SKIPS)
    op = case.operation_model()
    decoded = protocols.decode_request(op, botocore_request(case))
    params = to_python(op.input_shape, case.case.get("params", {}))
    expected = _as_sent(op.input_shape, _special_floats(op.input_shape, params))
    assert normalise(decoded) == normalise(expected)


def _streamed_payload(shape: Shape | None, parsed: dict[str, Any]) -> dict[str, Any]:
    """botocore's parser, handed bytes, returns a blob payload as text (a client streams it)."""
    payload = shape.serialization.get("payload") if shape is not None else None
    if (
        shape is not None
        and payload
        and isinstance(parsed.get(payload), str)
        and shape.members[payload].type_name == "blob"
    ):
        return {**parsed, payload: parsed[payload].encode("utf-8")}
    return parsed


def encoded(op: OperationModel, result: dict[str, Any]) -> HttpResponse:
    """``result`` (parsed form) written by the codec, or as an event stream by
    ``event_streams.encode_output`` (the codecs refuse streams, saying so)."""
    if op.has_event_stream_output:
        return event_streams.encode_output(op, result)
    return protocols.encode_response(op, result)


def parsed_by_botocore(op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """botocore's parse; an event stream's events read in full (``parse_as_botocore``)."""
    if op.has_event_stream_output:
        parsed = parse_as_botocore(op, response)
        parsed.pop("ResponseMetadata", None)
        return parsed
    return protocols.decode_response(op, response)


def output_wire(op: OperationModel, result: dict[str, Any]) -> dict[str, Any]:
    """A parsed output in wire form: ``to_wire``, and an event stream's events each as
    ``wire_form.decode_events_of`` reads them (``{EventType: event in wire form}``)."""
    shape = op.output_shape
    if shape is None:
        return {}
    protocol = protocols.protocol_of(op.service_model)
    name = shape.event_stream_name
    wire = wire_form.to_wire(shape, {k: v for k, v in result.items() if k != name}, protocol)
    if name and name in result:
        stream = shape.members[name]
        wire[name] = [
            {kind: wire_form.to_wire(stream.members[kind], value, protocol)}
            for event in result[name]
            for kind, value in event.items()
        ]
    return dict(wire)


def read_wire(op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """A response read into wire form; an event stream's events under its member."""
    wire = wire_form.decode_response_of(op, response)
    name = op.output_shape.event_stream_name if op.output_shape is not None else None
    if name:
        wire[name] = wire_form.decode_events_of(op, response)
    return wire


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "result" in c.case], ids=case_id
)
def test_output_case_encodes_to_what_botocore_parses(case: Case) -> None:
    skip_unless_run(case, "output", SKIPS)
    op = case.operation_model()
    result = _special_floats(op.output_shape, to_python(op.output_shape, case.case["result"]))
    response = encoded(op, result)
    parsed = _streamed_payload(op.output_shape, parsed_by_botocore(op, response))
    assert normalise(_floats_as_text(parsed)) == normalise(_floats_as_text(result))


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in cases("output", "json", "rest-xml")
        if "result" in c.case and c.operation_model().has_event_stream_output
    ],
    ids=case_id,
)
def test_an_event_stream_written_splits_in_botocores_buffer(case: Case) -> None:
    """The framing ``event_streams.encode_output`` writes, fed to botocore's
    ``EventStreamBuffer`` a few bytes at a time (its CRCs checked), is the messages the
    harness reads from it, the same events, in order, as the suite's own bytes hold."""
    from botocore.eventstream import EventStreamBuffer

    op = case.operation_model()
    result = to_python(op.output_shape, case.case["result"])
    body = event_streams.encode_output(op, result).body
    buffer = EventStreamBuffer()
    split = []
    for at in range(0, len(body), 7):
        buffer.add_data(body[at : at + 7])
        split.extend((dict(m.headers), m.payload) for m in buffer)
    ours = eventstream.decode_stream(body)
    assert split == [({h.name: h.value for h in m.headers}, m.payload) for m in ours]
    suite = eventstream.decode_stream(case.response().body)
    assert [m.header(":event-type") for m in ours] == [m.header(":event-type") for m in suite]


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "error" in c.case], ids=case_id
)
def test_error_case_encodes_to_its_code_and_message(case: Case) -> None:
    skip_unless_run(case, "output", SKIPS)
    op = case.operation_model()
    code = case.case.get("errorCode") or case.case["error"].get("Code")
    message = case.case.get("errorMessage") or ""
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    response: HttpResponse = codec.encode_error(op.service_model, code, message)
    parsed = protocols.decode_response(op, response)
    assert response.status >= 400
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == message


# --------------------------------------------------------------------------- units


def test_error_status_and_message_key_come_from_the_error_shape() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    response = restjson.encode_error(model, "ResourceNotFoundException", "gone")
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(response.body) == {"Message": "gone"}  # Lambda spells it Message
    assert restjson.encode_error(model, "NoSuchThing", "x").status == 400
    assert restjson.encode_error(model, "ResourceNotFoundException", "x", 409).status == 409


def test_query_compatible_error_keeps_its_query_code() -> None:
    model = botocore.session.get_session().get_service_model("cloudwatch")
    assert model.is_query_compatible and protocols.protocol_of(model) == "json"
    shape = model.shape_for("DashboardInvalidInputError")
    code = shape.metadata["error"]["code"]
    assert code != shape.name  # InvalidParameterInput: the old query code
    response = awsjson.encode_error(model, code, "nope")
    assert response.headers["x-amzn-query-error"] == f"{code};Sender"
    assert response.status == shape.metadata["error"]["httpStatusCode"]
    parsed = create_parser("json").parse(
        {"status_code": response.status, "headers": response.headers, "body": response.body},
        None,
    )
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == "nope"


def test_json_operation_name_reads_x_amz_target() -> None:
    model = botocore.session.get_session().get_service_model("dynamodb")
    request = HttpRequest(
        method="POST", url="http://x/", headers={"X-Amz-Target": "DynamoDB_20120810.PutItem"}
    )
    assert awsjson.operation_name(model, request) == "PutItem"
    wrong = HttpRequest(method="POST", url="http://x/", headers={"X-Amz-Target": "Other_1.PutItem"})
    assert awsjson.operation_name(model, wrong) is None


def test_rest_operation_name_routes_by_method_and_path() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    invoke = HttpRequest(
        method="POST", url="http://x/2015-03-31/functions/my-fn/invocations", headers={}
    )
    assert restjson.operation_name(model, invoke) == "Invoke"
    get = HttpRequest(method="GET", url="http://x/2015-03-31/functions/my-fn", headers={})
    assert restjson.operation_name(model, get) == "GetFunction"
    assert (
        restjson.operation_name(
            model, HttpRequest(method="GET", url="http://x/nowhere", headers={})
        )
        is None
    )


def test_header_lists_split_quoted_items_and_rfc822_dates() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    strings = model.shape_for("StringList")
    assert _rest.text_to_value(strings, 'a, "b,c", "d\\"e"', "header") == ["a", "b,c", 'd"e']
    text = _rest.value_to_text(strings, ["a", "b,c", 'd"e'], "header")
    assert _rest.text_to_value(strings, text, "header") == ["a", "b,c", 'd"e']


def test_event_stream_output_is_refused_with_a_message() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    op = model.operation_model("InvokeWithResponseStream")
    with pytest.raises(HarnessUsageError, match="event stream"):
        restjson.encode_response(op, {})


def test_bad_json_body_is_a_decode_error() -> None:
    op = botocore.session.get_session().get_service_model("dynamodb").operation_model("PutItem")
    with pytest.raises(_rest.DecodeError, match="PutItem"):
        awsjson.decode_request(
            op, HttpRequest(method="POST", url="http://x/", headers={}, body=b"{not json")
        )


# --------------------------------------------------------------------------- end to end


class _Echo:
    """A loopback handler: decodes each request with our codec, answers a canned result."""

    def __init__(self, service: str, operation: str, result: dict[str, Any]) -> None:
        model = botocore.session.get_session().get_service_model(service)
        self.operation_model = model.operation_model(operation)
        self.result = result
        self.seen: list[dict[str, Any]] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(protocols.decode_request(self.operation_model, request))
        return protocols.encode_response(self.operation_model, self.result)


@pytest.fixture
def client_for() -> Iterator[Any]:
    servers: list[LoopbackServer] = []

    def make(service: str, echo: _Echo) -> Any:
        server = LoopbackServer(echo).start()
        servers.append(server)
        session = botocore.session.get_session()
        return session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="not-a-secret",
        )

    yield make
    for server in servers:
        server.stop()


def test_dynamodb_put_item_round_trips_through_a_real_client(client_for: Any) -> None:
    params = {
        "TableName": "things",
        "Item": {
            "id": {"S": "a/b c"},
            "n": {"N": "1.5"},
            "raw": {"B": b"\x00\xffbytes"},
            "tags": {"SS": ["x", "y"]},
            "nested": {"M": {"ok": {"BOOL": True}, "none": {"NULL": True}}},
        },
        "ConditionExpression": "attribute_not_exists(id)",
        "ReturnConsumedCapacity": "TOTAL",
    }
    result = {
        "Attributes": {"id": {"S": "old"}, "blob": {"B": b"\x01\x02"}},
        "ConsumedCapacity": {"TableName": "things", "CapacityUnits": 1.0},
    }
    echo = _Echo("dynamodb", "PutItem", result)
    client = client_for("dynamodb", echo)
    parsed = client.put_item(**params)
    assert echo.seen == [params]
    parsed.pop("ResponseMetadata")
    assert parsed == result


def test_lambda_invoke_round_trips_through_a_real_client(client_for: Any) -> None:
    params = {
        "FunctionName": "my-function",
        "InvocationType": "RequestResponse",
        "LogType": "Tail",
        "ClientContext": "eyJjdXN0b20iOnt9fQ==",
        "Payload": b'{"hello": "world"}',
        "Qualifier": "v1",
    }
    result = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "LogResult": "bG9ncw==",
        "Payload": b'{"answer": 42}',
        "ExecutedVersion": "1",
    }
    echo = _Echo("lambda", "Invoke", result)
    client = client_for("lambda", echo)
    parsed = client.invoke(**params)
    assert echo.seen == [params]
    parsed.pop("ResponseMetadata")
    parsed["Payload"] = parsed["Payload"].read()
    assert parsed == result


def test_xray_get_insight_summaries_round_trips_timestamps(client_for: Any) -> None:
    start = dt.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=dt.timezone.utc)
    params = {
        "GroupName": "default",
        "StartTime": start,
        "EndTime": start + dt.timedelta(hours=1),
        "States": ["ACTIVE"],
        "MaxResults": 10,
    }
    result = {
        "InsightSummaries": [
            {"InsightId": "i-1", "StartTime": start, "Categories": ["FAULT"], "State": "ACTIVE"}
        ],
        "NextToken": "t",
    }
    echo = _Echo("xray", "GetInsightSummaries", result)
    client = client_for("xray", echo)
    parsed = client.get_insight_summaries(**params)
    assert normalise(echo.seen) == normalise([params])
    assert normalise(parsed) == normalise(result)


class _Streamer(_Echo):
    """``_Echo`` answering with an event stream, written by ``event_streams.encode_output``."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(protocols.decode_request(self.operation_model, request))
        return event_streams.encode_output(self.operation_model, self.result)


def test_lambda_response_stream_reaches_a_real_client(client_for: Any) -> None:
    """rest-json: the other members in the status and headers (one of them Content-Type), a
    blob payload, then an event of body members."""
    events = [
        {"PayloadChunk": {"Payload": b'{"partial": '}},
        {"PayloadChunk": {"Payload": b"true}"}},
        {"InvokeComplete": {"LogResult": "bG9ncw==", "ErrorCode": "None"}},
    ]
    result = {
        "StatusCode": 200,
        "ExecutedVersion": "7",
        "ResponseStreamContentType": "application/octet-stream",
        "EventStream": events,
    }
    echo = _Streamer("lambda", "InvokeWithResponseStream", result)
    client = client_for("lambda", echo)
    parsed = client.invoke_with_response_stream(FunctionName="my-function", Payload=b"{}")
    assert list(parsed.pop("EventStream")) == events
    parsed.pop("ResponseMetadata")
    assert parsed == {k: v for k, v in result.items() if k != "EventStream"}
    assert echo.seen == [{"FunctionName": "my-function", "Payload": b"{}"}]


def test_kinesis_subscribe_to_shard_reaches_a_real_client(client_for: Any) -> None:
    """json: the initial-response, an event of body members (blobs, timestamps in records),
    then an exception message, which the client raises where it reaches it."""
    when = dt.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=dt.timezone.utc)
    record = {
        "SequenceNumber": "1",
        "ApproximateArrivalTimestamp": when,
        "Data": b"\x00\xffdata",
        "PartitionKey": "p",
    }
    event = {"Records": [record], "ContinuationSequenceNumber": "2", "MillisBehindLatest": 0}
    result = {
        "EventStream": [
            {"SubscribeToShardEvent": event},
            {"ResourceInUseException": {"message": "another consumer"}},
        ]
    }
    params = {
        "ConsumerARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1",
        "ShardId": "shardId-000000000000",
        "StartingPosition": {"Type": "LATEST"},
    }
    echo = _Streamer("kinesis", "SubscribeToShard", result)
    client = client_for("kinesis", echo)
    stream = iter(client.subscribe_to_shard(**params)["EventStream"])
    assert normalise(next(stream)) == normalise({"SubscribeToShardEvent": event})
    with pytest.raises(EventStreamError, match=r"ResourceInUseException.*another consumer"):
        next(stream)
    assert echo.seen == [params]


# --------------------------------------------------------------------------- wire form
# The wire form (what the schemas describe, what strategies draw and the synthetic engine
# answers) is written by ``wire_form``: the same suites, through it, read back by botocore.


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "result" in c.case], ids=case_id
)
def test_output_case_in_wire_form_writes_what_botocore_parses(case: Case) -> None:
    """An event stream in wire form is written by ``event_streams.encode_output`` (``WIRE``),
    and reads back (``decode_events_of``) as the wire form it was written from."""
    skip_unless_run(case, "output", {**SKIPS, **WIRE_SKIPS})
    op = case.operation_model()
    result = _special_floats(op.output_shape, to_python(op.output_shape, case.case["result"]))
    wire = output_wire(op, result)
    if op.has_event_stream_output:
        response = event_streams.encode_output(op, wire, form=_rest.WIRE)
        assert read_wire(op, response) == wire
    else:
        response = wire_form.encode_response_of(op, wire)
    parsed = _streamed_payload(op.output_shape, parsed_by_botocore(op, response))
    assert normalise(_floats_as_text(parsed)) == normalise(_floats_as_text(result))


@pytest.mark.parametrize("case", cases("input", *SUITES), ids=case_id)
def test_input_case_in_wire_form_reads_as_botocores_request(case: Case) -> None:
    """The request written from the wire form decodes (through the codec) to what botocore's
    own request for the same parameters decodes to."""
    skip_unless_run(case, "input", {**SKIPS, **WIRE_SKIPS})
    op = case.operation_model()
    protocol = protocols.protocol_of(op.service_model)
    params = _special_floats(op.input_shape, to_python(op.input_shape, case.case.get("params", {})))
    wire = wire_form.to_wire(op.input_shape, params, protocol) if op.input_shape else {}
    written = protocols.decode_request(op, wire_form.encode_request_of(op, wire))
    expected = protocols.decode_request(op, botocore_request(case))
    assert normalise(_floats_as_text(written)) == normalise(_floats_as_text(expected))


#: Wire-form cases the writer does not pass, with why.
WIRE_SKIPS: dict[str, str] = {}


# --------------------------------------------------------------------------- the other two
# directions: the codecs also write requests and read responses (the wire form needs both),
# in either form. Held to the same suites in parsed form: what botocore sends and parses.


def _query_pairs(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _body_value(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return body


#: Input cases the codec's request writer does not pass, with why.
WRITE_SKIPS: dict[str, str] = {}


@pytest.mark.parametrize("case", cases("input", *SUITES), ids=case_id)
def test_input_case_written_by_the_codec_is_botocores_request(case: Case) -> None:
    """The codec writes the request botocore's own serializer writes for the same params:
    method, path, query, headers and body (as JSON values)."""
    skip_unless_run(case, "input", WRITE_SKIPS)
    op = case.operation_model()
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    params = _special_floats(op.input_shape, to_python(op.input_shape, case.case.get("params", {})))
    written = codec.encode_request(op, params, "https://example.com")
    sent = protocols.encode_request(op, params, "https://example.com")
    from urllib.parse import urlsplit

    assert written.method.upper() == sent.method.upper()
    assert urlsplit(written.url).path == urlsplit(sent.url).path
    assert _query_pairs(written.url) == _query_pairs(sent.url)
    assert _body_value(written.body) == _body_value(sent.body)
    assert {k.lower(): v for k, v in written.headers.items()} == {
        k.lower(): v for k, v in sent.headers.items()
    }


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "result" in c.case], ids=case_id
)
def test_output_case_read_by_the_codec_is_botocores_parse(case: Case) -> None:
    """An event stream (which the codecs do not read) is read by ``wire_form``: the suite's
    bytes give the wire form of the result botocore parses them to."""
    skip_unless_run(case, "output", SKIPS)
    op = case.operation_model()
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    result = _special_floats(op.output_shape, to_python(op.output_shape, case.case["result"]))
    if op.has_event_stream_output:
        assert read_wire(op, case.response()) == output_wire(op, _without_nones(result))
        assert normalise(parsed_by_botocore(op, case.response())) == normalise(result)
        return
    parsed = codec.decode_response(op, case.response(), _rest.PARSED)
    assert normalise(_floats_as_text(parsed)) == normalise(_floats_as_text(_without_nones(result)))
