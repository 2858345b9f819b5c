"""The query, ec2 and rest-xml codecs against botocore's protocol suites.

Same checks as ``test_protocol_json``: a request botocore sends decodes to its params; a
result we encode parses in botocore to the same result; an error to its code and message.
Skips: what botocore skips, plus ``SKIPS`` (one reason each).
"""

from __future__ import annotations

from typing import Any

import pytest
from protocol_suite import Case, case_id, cases, normalise, to_python
from test_protocol_json import (
    _as_sent,
    _floats_as_text,
    _request,
    _special_floats,
    _streamed_payload,
)

from harness import protocols
from harness.exchange import HttpResponse
from harness.protocols import restxml

SUITES = ("query", "ec2", "rest-xml")

_QUERY_MAP_TWICE = (
    "the params pass a value both as a named query member and in the query-params map; "
    "the wire holds it once, and the decoder gives it to the named member only"
)

_EVENT_STREAM = "event streams are stored and replayed by harness.eventstream, not the codecs"

#: Cases (by ``case_id``) we do not pass, with why. Keep this short.
SKIPS: dict[str, str] = {
    "input/rest-xml:AllQueryStringTypes": _QUERY_MAP_TWICE,
    "input/rest-xml:RestXmlQueryStringEscaping": _QUERY_MAP_TWICE,
    "input/rest-xml:RestXmlSupportsNaNFloatQueryValues": _QUERY_MAP_TWICE,
    "input/rest-xml:RestXmlSupportsInfinityFloatQueryValues": _QUERY_MAP_TWICE,
    "input/rest-xml:RestXmlSupportsNegativeInfinityFloatQueryValues": _QUERY_MAP_TWICE,
    "input/rest-xml:RestXmlZeroAndFalseQueryValues": _QUERY_MAP_TWICE,
    "legacy/output/rest-xml:case14.0": _EVENT_STREAM,
    "legacy/output/rest-xml:case14.1": _EVENT_STREAM,
    "legacy/output/rest-xml:case14.2": _EVENT_STREAM,
    "legacy/output/rest-xml:case16.2": (
        "SDK_UNKNOWN_MEMBER is botocore's placeholder for a union member it does not know: "
        "there is no member to encode"
    ),
}


def _skip(case: Case, direction: str) -> None:
    if case.botocore_skips(direction):
        pytest.skip("botocore skips this case too")
    reason = SKIPS.get(case_id(case))
    if reason:
        pytest.skip(reason)


def _on_the_form(protocol: str, value: Any) -> Any:
    """Params as a form carries them: botocore writes nothing for an empty map or structure
    (query, ec2) or an empty list (ec2; query sends ``Name=``), so nothing decodes back."""
    if isinstance(value, dict):
        kept = {k: _on_the_form(protocol, v) for k, v in value.items()}
        return {
            k: v
            for k, v in kept.items()
            if not (isinstance(v, dict) and not v) and not (v == [] and protocol == "ec2")
        }
    if isinstance(value, list):
        return [_on_the_form(protocol, v) for v in value]
    return value


@pytest.mark.parametrize("case", cases("input", *SUITES), ids=case_id)
def test_input_case_decodes_to_its_params(case: Case) -> None:
    _skip(case, "input")
    op = case.operation_model()
    decoded = protocols.decode_request(op, _request(case))
    params = to_python(op.input_shape, case.case.get("params", {}))
    expected = _as_sent(op.input_shape, _special_floats(op.input_shape, params))
    if case.protocol in ("query", "ec2"):
        expected = _on_the_form(case.protocol, expected)
    assert normalise(decoded) == normalise(expected)


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "result" in c.case], ids=case_id
)
def test_output_case_encodes_to_what_botocore_parses(case: Case) -> None:
    _skip(case, "output")
    op = case.operation_model()
    result = _special_floats(op.output_shape, to_python(op.output_shape, case.case["result"]))
    response = protocols.encode_response(op, result)
    parsed = _streamed_payload(op.output_shape, protocols.decode_response(op, response))
    assert normalise(_floats_as_text(parsed)) == normalise(_floats_as_text(result))


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "error" in c.case], ids=case_id
)
def test_error_case_encodes_to_its_code_and_message(case: Case) -> None:
    _skip(case, "output")
    op = case.operation_model()
    code = case.case.get("errorCode") or case.case["error"].get("Code")
    message = case.case.get("errorMessage") or ""
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    response: HttpResponse = codec.encode_error(op.service_model, code, message)
    parsed: dict[str, Any] = protocols.decode_response(op, response)
    assert response.status >= 400
    assert parsed["Error"]["Code"] == code
    assert (parsed["Error"].get("Message") or "") == message


def test_aws_chunked_uploads_are_dechunked() -> None:
    body = b"5;chunk-signature=x\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n"
    assert restxml.dechunk(body) == b"hello world"
