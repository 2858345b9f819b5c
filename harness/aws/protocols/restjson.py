"""The ``rest-json`` protocol: REST bindings (``_rest``) around a JSON body.

botocore's ``RestJSONSerializer`` writes the non-bound input members as one JSON object
(``{}`` when the input has body members but none was given), a structure payload as JSON and
a blob or string payload raw. ``RestJSONParser`` reads an error's code from
``x-amzn-ErrorType`` (else the body's ``code``) and its message from ``message``/``Message``.
The JSON walkers are the json protocol's (``awsjson.from_json``/``to_json``).

Each direction takes a ``form`` (``_rest.PARSED`` or ``_rest.WIRE``): the wire form's bodies
are the JSON as sent, keys and encodings untouched, so the schemas can judge them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.protocols import _rest
from harness.aws.protocols._errors import (
    error_shape,
    error_status,
    message_member,
    put_header,
    with_message,
)
from harness.aws.protocols._rest import PARSED, WIRE, DecodeError, Form
from harness.aws.protocols.awsjson import (
    dump_json,
    from_json,
    json_members,
    load_json,
    message_key,
    refuse_event_stream,
    to_json,
)
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

CONTENT_TYPE = "application/json"


def decode_body(shape: Shape, body: bytes) -> Any:
    """A JSON body as the parameters of ``shape`` (the ``_rest.BodyDecoder`` of rest-json)."""
    return from_json(shape, load_json(body, f"the body of {shape.name}"))


def encode_body(shape: Shape, value: Any) -> bytes:
    """``value`` as the JSON body of ``shape`` (the ``_rest.BodyEncoder`` of rest-json)."""
    return dump_json(to_json(shape, value))


def decode_wire_body(shape: Shape, body: bytes) -> Any:
    """A JSON body as sent (wire form): a structure must be an object, a document any JSON."""
    value = load_json(body, f"the body of {shape.name}")
    if (
        shape.type_name == "structure"
        and not shape.is_document_type
        and not isinstance(value, dict)
    ):
        raise DecodeError(
            f"expected a JSON object in the body of {shape.name}, got {type(value).__name__}"
        )
    return value


def encode_wire_body(shape: Shape, value: Any) -> bytes:
    """A wire-form body written as given."""
    return dump_json(value)


def _body_codec(form: Form) -> tuple[_rest.BodyDecoder, _rest.BodyEncoder]:
    return (decode_wire_body, encode_wire_body) if form.as_given else (decode_body, encode_body)


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation a rest-json request calls, by method, path and static query."""
    return _rest.operation_name(service_model, request)


def decode_request(
    operation_model: OperationModel, request: HttpRequest, form: Form = PARSED
) -> dict[str, Any]:
    """Read a rest-json request back into the parameters botocore serialized (in ``form``)."""
    return _rest.decode_request(operation_model, request, _body_codec(form)[0], form)


def encode_request(
    operation_model: OperationModel,
    params: dict[str, Any],
    endpoint: str = "http://127.0.0.1",
    form: Form = PARSED,
) -> HttpRequest:
    """Write ``params`` (in ``form``) as the rest-json request a client sends (unsigned)."""
    encode = _body_codec(form)[1]
    return _rest.encode_request(
        operation_model, params, endpoint, encode, CONTENT_TYPE, form, empty_body=b"{}"
    )


def decode_response(
    operation_model: OperationModel, response: HttpResponse, form: Form = WIRE
) -> dict[str, Any]:
    """Read a rest-json response into its output's values (in ``form``)."""
    return _rest.decode_response(operation_model, response, _body_codec(form)[0], form)


def encode_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None = None,
    form: Form = PARSED,
) -> HttpResponse:
    """Write ``result`` (in ``form``) as the rest-json response botocore parses back to it."""
    if not form.as_given:  # (the wire form writes what it is given, as a fault may need)
        refuse_event_stream(operation_model)
    encode = _body_codec(form)[1]
    return _rest.encode_response(operation_model, result, status, encode, CONTENT_TYPE, form)


def encode_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """An error response botocore parses to ``Error.Code == code``, ``Message == message``
    and, beside ``Error``, the modeled members in ``extra`` (parsed form: ``_errors``).

    The code travels in ``x-amzn-ErrorType`` (a member bound to that header carries it too);
    header-bound members as their headers, the others and the message (under the error
    shape's own spelling) in the JSON body.
    """
    shape = error_shape(service_model, code)
    values = with_message(shape, message, extra)
    headers: dict[str, str] = {}
    bound: int | None = None
    if shape is not None:
        headers, bound, values, _ = _rest.split_bound(shape, values)
    body = json_members(shape, values)
    if message_member(shape) is None:
        body[message_key(shape)] = message
    put_header(headers, "Content-Type", CONTENT_TYPE)
    put_header(headers, "x-amzn-ErrorType", code)
    put_header(headers, "x-amzn-RequestId", str(uuid.uuid4()))
    return HttpResponse(error_status(shape, status, bound), headers, dump_json(body))


__all__ = [
    "CONTENT_TYPE",
    "decode_body",
    "decode_request",
    "decode_response",
    "decode_wire_body",
    "encode_body",
    "encode_error",
    "encode_request",
    "encode_response",
    "encode_wire_body",
    "operation_name",
]
