"""The ``json`` protocol (awsJson 1.0 and 1.1): every request a POST of one JSON document.

botocore's ``JSONSerializer`` names the operation in ``X-Amz-Target``
(``<targetPrefix>.<Operation>``), labels the body ``application/x-amz-json-<jsonVersion>``
and writes the input structure as JSON: members under their serialized names, timestamps as
epoch seconds (unless ``timestampFormat`` says otherwise), blobs in base64, NaN and the
infinities as strings, documents as they are. ``JSONParser`` reads the output the same way
and an error from ``__type`` and ``message``/``Message``. This module is the inverse of both;
``from_json``/``to_json`` are the body walkers the rest-json codec reuses.

Each direction takes a ``form`` (``_rest.PARSED`` or ``_rest.WIRE``); the wire form of a json
request or response is its body's JSON object as sent.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.protocols import json_read
from harness.aws.protocols._errors import (
    error_shape,
    error_status,
    message_member,
    sender_fault,
    with_message,
)
from harness.aws.protocols._rest import PARSED, WIRE, Form
from harness.aws.protocols._values import (
    DecodeError,
    format_timestamp,
    parse_timestamp,
    parse_timestamp_param,
    special_float,
    timestamp_format,
)
from harness.errors import HarnessUsageError
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

_SPECIAL_FLOATS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


# --------------------------------------------------------------------------- JSON walkers


def from_json(shape: Shape, value: Any) -> Any:
    """A JSON value on the wire as the parameter it was serialized from (``None`` stays).

    Structure keys are serialized names and come back as member names; a null member and
    keys no member claims are dropped, as botocore's parser drops them.
    """
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False):
            return value
        if not isinstance(value, dict):
            raise DecodeError(f"{shape.name} must be a JSON object, got {type(value).__name__}")
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            raw = value.get(member.serialization.get("name", name))
            if raw is not None:
                out[name] = from_json(member, raw)
        if shape.is_tagged_union and not out:
            # a union member this model does not know: named as botocore's parser names it
            tag = next((k for k, v in value.items() if k != "__type" and v is not None), None)
            if tag is not None:
                return {"SDK_UNKNOWN_MEMBER": {"name": tag}}
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise DecodeError(f"{shape.name} must be a JSON array, got {type(value).__name__}")
        return [from_json(shape.member, v) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise DecodeError(f"{shape.name} must be a JSON object, got {type(value).__name__}")
        return {k: from_json(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind == "blob":
        try:
            return base64.b64decode(value)
        except (ValueError, TypeError) as exc:
            raise DecodeError(f"{shape.name} is not base64: {value!r}") from exc
    if kind in ("float", "double") and isinstance(value, str):
        if value not in _SPECIAL_FLOATS:
            raise DecodeError(f"{shape.name} must be a number, got {value!r}")
        return _SPECIAL_FLOATS[value]
    return value


def to_json(shape: Shape, value: Any) -> Any:
    """A parameter (or parsed output value) as botocore's JSON serializer writes it."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False):
            return value
        unknown = value.get("SDK_UNKNOWN_MEMBER") if shape.is_tagged_union else None
        if isinstance(unknown, dict) and "name" in unknown:
            # botocore's parse of a union member it does not know: send that member back
            return {str(unknown["name"]): {}}
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is not None and item is not None:
                out[str(member.serialization.get("name", name))] = to_json(member, item)
        return out
    if kind == "list":
        return [to_json(shape.member, v) for v in value]
    if kind == "map":
        return {k: to_json(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return format_timestamp(
            parse_timestamp_param(value), timestamp_format(shape, "unixTimestamp")
        )
    if kind == "blob":
        if hasattr(value, "read"):
            value = value.read()
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind in ("float", "double") and not isinstance(value, int):
        return special_float(float(value))  # a float, or a Decimal as botocore accepts
    return value


def load_json(body: bytes, what: str) -> Any:
    """Parse a JSON body (empty is ``{}``); a bad one raises ``DecodeError`` naming ``what``."""
    if not body.strip():
        return {}
    try:
        return json_read.loads(body)
    except ValueError as exc:
        raise DecodeError(f"cannot read {what} as JSON: {exc}") from None


def dump_json(value: Any) -> bytes:
    """Compact JSON bytes, as services send them."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- routing


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation ``X-Amz-Target`` names, when its prefix is this service's; else None.

    Some SDKs send only the last dotted segment of a long target prefix
    (``CloudTrail_20131101`` for ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101``);
    both forms route.
    """
    target = request.header("X-Amz-Target")
    if not target:
        return None
    prefix, _, name = target.rpartition(".")
    own = str(service_model.metadata.get("targetPrefix", ""))
    if prefix not in (own, own.rsplit(".", 1)[-1]):
        return None
    return name if name in service_model.operation_names else None


def content_type(service_model: ServiceModel) -> str:
    """``application/x-amz-json-1.0`` or ``-1.1``, from the model's ``jsonVersion``."""
    return f"application/x-amz-json-{service_model.metadata.get('jsonVersion', '1.0')}"


# --------------------------------------------------------------------------- codec


def decode_request(
    operation_model: OperationModel, request: HttpRequest, form: Form = PARSED
) -> dict[str, Any]:
    """Read a json-protocol request body back into the parameters botocore serialized."""
    what = f"the body of a {operation_model.name} request"
    return _read(operation_model.input_shape, request.body, what, form)


def decode_response(
    operation_model: OperationModel, response: HttpResponse, form: Form = WIRE
) -> dict[str, Any]:
    """Read a json-protocol response body into its output's values (in ``form``)."""
    what = f"the body of a {operation_model.name} response"
    return _read(operation_model.output_shape, response.body, what, form)


def _read(shape: Shape | None, body: bytes, what: str, form: Form) -> dict[str, Any]:
    if shape is None:
        return {}
    value = load_json(body, what)
    if form.as_given:
        if not isinstance(value, dict):
            raise DecodeError(f"expected a JSON object in {what}, got {type(value).__name__}")
        return value
    decoded = from_json(shape, value)
    return dict(decoded) if decoded else {}


def encode_request(
    operation_model: OperationModel,
    params: dict[str, Any],
    endpoint: str = "http://127.0.0.1",
    form: Form = PARSED,
) -> HttpRequest:
    """Write ``params`` (in ``form``) as the json request a client sends (unsigned): a POST
    to ``/`` naming the operation in ``X-Amz-Target``."""
    shape = operation_model.input_shape
    data = params if form.as_given or shape is None else to_json(shape, params)
    service_model = operation_model.service_model
    headers = {
        "Content-Type": content_type(service_model),
        "X-Amz-Target": f"{service_model.metadata['targetPrefix']}.{operation_model.name}",
    }
    if service_model.is_query_compatible:  # (botocore says so, for the service's errors)
        headers["x-amzn-query-mode"] = "true"
    return HttpRequest(
        method="POST", url=endpoint.rstrip("/") + "/", headers=headers, body=dump_json(data)
    )


def encode_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None = None,
    form: Form = PARSED,
) -> HttpResponse:
    """Write ``result`` (in ``form``) as the json response botocore parses back to it."""
    shape = operation_model.output_shape
    if form.as_given:  # written as given, as a fault may need
        data: Any = result
    else:
        refuse_event_stream(operation_model)
        data = to_json(shape, _members(result)) if shape is not None else {}
    headers = {
        "Content-Type": content_type(operation_model.service_model),
        "x-amzn-RequestId": str(uuid.uuid4()),
    }
    return HttpResponse(status if status is not None else 200, headers, dump_json(data))


def encode_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """An error response botocore parses to ``Error.Code == code``, ``Message == message``
    and, beside ``Error``, the modeled members in ``extra`` (parsed form: ``_errors``).

    The body is ``{"__type": code, "<message key>": message, <members>...}``; the status is
    the error shape's ``httpStatusCode`` unless ``status`` says otherwise. A modeled error of
    a query-compatible service names its shape in ``__type`` and its query code in
    ``x-amzn-query-error`` (as the service sends it), so the client reads the query code.
    """
    shape = error_shape(service_model, code)
    status = error_status(shape, status)
    body = json_members(shape, with_message(shape, message, extra))
    if message_member(shape) is None:
        body[message_key(shape)] = message
    body["__type"] = code
    headers = {"Content-Type": content_type(service_model), "x-amzn-RequestId": str(uuid.uuid4())}
    if shape is not None and service_model.is_query_compatible:
        body["__type"] = shape.name
        fault = "Sender" if sender_fault(shape, status) else "Receiver"
        headers["x-amzn-query-error"] = f"{shape.error_code};{fault}"
    return HttpResponse(status, headers, dump_json(body))


def json_members(shape: Shape | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """Members (parsed form) as JSON body keys: through ``shape`` where it has the member,
    as given where it does not."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        member = shape.members.get(name) if shape is not None else None
        if value is None:
            continue
        if member is None:
            out[name] = value
        else:
            out[str(member.serialization.get("name", name))] = to_json(member, value)
    return out


def refuse_event_stream(operation_model: OperationModel) -> None:
    """Event-stream outputs (a binary framing of many messages) are not encoded yet: say so."""
    shape = operation_model.output_shape
    if shape is not None and shape.event_stream_name:
        raise HarnessUsageError(
            f"{operation_model.name} answers with an event stream; botocore-harness cannot "
            "write event-stream responses yet."
        )


def message_key(shape: Shape | None) -> str:
    """The key an error's message travels under: the shape's own spelling, else ``Message``
    (botocore reads ``message`` first, then ``Message``)."""
    name = message_member(shape)
    if shape is not None and name is not None:
        return str(shape.members[name].serialization.get("name", name))
    return "Message"


def _members(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "ResponseMetadata"}


__all__ = [
    "content_type",
    "decode_request",
    "decode_response",
    "dump_json",
    "encode_error",
    "encode_request",
    "encode_response",
    "error_shape",
    "error_status",
    "from_json",
    "json_members",
    "load_json",
    "message_key",
    "operation_name",
    "refuse_event_stream",
    "to_json",
]
