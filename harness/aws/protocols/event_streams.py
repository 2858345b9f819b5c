"""An operation's event-stream output, written and read per protocol.

``encode_output`` writes an operation's output in parsed form (what botocore returns, the
stream a list of ``{EventType: event}``) as the event-stream response a service sends, for
json, rest-json and rest-xml: the framing (``harness.aws.eventstream``) and messages
botocore's ``EventStream`` reads back into that output. ``decode_events`` reads an output's
stream back, event by event, in the form the contract checker checks each event in
(``wire_form.decode_events_of``).
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.eventstream import (
    CONTENT_TYPE,
    EventStreamError,
    Header,
    Message,
    decode_stream,
    encode_stream,
)
from harness.errors import HarnessUsageError
from harness.exchange import HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

    from harness.aws.protocols._rest import Form


# --------------------------------------------------------------------------- an output


#: The protocols ``encode_output`` writes, and the ``:content-type`` of a structured event
#: payload in each (botocore's event parser reads the payload whatever it is labelled).
_STRUCTURED = {"json": "application/json", "rest-json": "application/json", "rest-xml": "text/xml"}
#: The header type an event-header member is sent as, by its shape's type.
_HEADER_TYPES = {
    "boolean": "bool",
    "byte": "byte",
    "short": "short",
    "integer": "integer",
    "long": "long",
    "blob": "bytes",
    "string": "string",
    "timestamp": "timestamp",
}


def encode_output(
    operation_model: OperationModel,
    result: Mapping[str, Any],
    status: int | None = None,
    form: Form | None = None,
) -> HttpResponse:
    """``result`` as the event-stream response of ``operation_model``: framing and messages
    botocore's ``EventStream`` reads back into ``result``.

    ``result`` is in ``form``: ``_rest.PARSED`` (the default: what botocore returns, the
    stream member a list of ``{EventType: event}``) or, for json and rest-json, ``_rest.WIRE``
    (what ``wire_form.decode_response_of`` and ``decode_events_of`` read: the other members
    in wire form, each event as ``decode_events_of`` gives it). rest-json and rest-xml put
    the other members where the model binds them (headers, the status code); json sends them
    first, in an ``initial-response`` message (where botocore's ``JSONParser`` reads them).
    An event whose shape is an exception (``{ResourceNotFoundException: {...}}``) is sent as
    an exception message, which botocore raises (``EventStreamError``) when it is reached.
    Raises ``HarnessUsageError`` for an operation without an event-stream output or of
    another protocol, and ``EventStreamError`` for an event the stream's model does not have.
    """
    from harness.aws import protocols
    from harness.aws.protocols import _rest

    form = form or _rest.PARSED
    shape = operation_model.output_shape
    name = shape.event_stream_name if shape is not None else None
    protocol = protocols.protocol_of(operation_model.service_model)
    if shape is None or not name:
        raise HarnessUsageError(f"{operation_model.name} does not answer with an event stream.")
    if protocol not in _STRUCTURED or (form.as_given and protocol == "rest-xml"):
        raise HarnessUsageError(
            f"{operation_model.name} is a {protocol} operation; event-stream outputs are "
            f"written for {', '.join(_STRUCTURED)} (in wire form: json and rest-json)."
        )
    head = {k: v for k, v in result.items() if k not in (name, "ResponseMetadata")}
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    code = int(operation_model.http.get("responseCode", 200))
    messages = []
    if protocol == "json":
        from harness.aws.protocols import awsjson

        members = head if form.as_given else awsjson.json_members(shape, head)
        content_type = awsjson.content_type(operation_model.service_model)
        messages.append(_event("initial-response", content_type, (), awsjson.dump_json(members)))
    else:
        bound, bound_status, _, _ = _rest.split_bound(shape, head, form)
        headers.update(bound)
        code = bound_status if bound_status is not None else code
    if not any(k.lower() == "content-type" for k in headers):  # (a modeled one wins)
        headers["Content-Type"] = CONTENT_TYPE
    stream = shape.members[name]
    for event in result.get(name) or ():
        messages.append(_event_message(stream, event, protocol, form.as_given))
    return HttpResponse(status if status is not None else code, headers, encode_stream(messages))


def _event(
    kind: str,
    content_type: str | None,
    headers: Iterable[Header],
    payload: bytes,
    exception: bool = False,
) -> Message:
    framing = [
        Header(":message-type", "string", "exception" if exception else "event"),
        Header(":exception-type" if exception else ":event-type", "string", kind),
    ]
    if content_type:
        framing.append(Header(":content-type", "string", content_type))
    return Message((*framing, *headers), payload)


def _event_message(stream: Shape, event: Any, protocol: str, wire: bool) -> Message:
    """One ``{EventType: event}`` of a stream (``wire``: in wire form) as its message."""
    if not isinstance(event, Mapping) or len(event) != 1:
        raise EventStreamError(f"An event is a one-key mapping {{EventType: event}}: {event!r}.")
    ((kind, value),) = event.items()
    shape = stream.members.get(kind)
    if shape is None:
        raise EventStreamError(
            f"{stream.name} has no event {kind!r} (it has {', '.join(stream.members)})."
        )
    value = dict(value or {})
    headers = []
    payload = None
    for name, member in shape.members.items():
        if member.serialization.get("eventpayload"):
            payload = (member, value.pop(name, None))
        elif member.serialization.get("eventheader"):
            item = value.pop(name, None)
            if item is not None:
                headers.append(_header_of(name, member, item, wire))
    if payload is None:  # the other members are the event's body, as a structure is written
        if not wire:
            value = {k: v for k, v in value.items() if k in shape.members and v is not None}
        bodied = bool(value) or any(
            not m.serialization.get("eventheader") for m in shape.members.values()
        )
        data = _structure(shape, value, protocol, wire) if bodied else b""
        exception = bool(shape.metadata.get("exception"))
        return _event(kind, _STRUCTURED[protocol] if data else None, headers, data, exception)
    member, item = payload
    if item is None:
        return _event(kind, None, headers, b"")
    if member.type_name == "blob":
        return _event(kind, "application/octet-stream", headers, _blob(item, wire))
    if member.type_name == "string":
        return _event(kind, "text/plain", headers, str(item).encode("utf-8"))
    return _event(kind, _STRUCTURED[protocol], headers, _structure(member, item, protocol, wire))


def _structure(shape: Shape, value: Any, protocol: str, wire: bool) -> bytes:
    """A structured event payload as the protocol writes a body of ``shape`` (in wire form,
    the JSON as given)."""
    if protocol == "rest-xml":
        from harness.aws.protocols import restxml

        return restxml.encode_body(shape, value)
    from harness.aws.protocols import awsjson

    return awsjson.dump_json(value if wire else awsjson.to_json(shape, value))


def _blob(value: Any, wire: bool) -> bytes:
    """A blob's bytes: base64 text in wire form, else bytes, text or a file-like's content."""
    if wire:
        try:
            return base64.b64decode(value, validate=True)
        except (ValueError, TypeError):
            raise EventStreamError(f"A blob in wire form is base64 text, not {value!r}.") from None
    value = value.read() if hasattr(value, "read") else value
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _header_of(name: str, member: Shape, value: Any, wire: bool) -> Header:
    """An event-header member as its header (``wire``: from its wire form); a timestamp is
    sent in epoch milliseconds."""
    from harness.aws.protocols._values import parse_timestamp_param

    kind = _HEADER_TYPES.get(member.type_name)
    if kind is None:
        raise EventStreamError(
            f"Event header {name!r} is a {member.type_name}, which no header type holds."
        )
    if kind == "timestamp":
        value = round(parse_timestamp_param(value).timestamp() * 1000)
    elif kind == "bytes":
        value = _blob(value, wire)
    return Header(name, kind, value)


# --------------------------------------------------------------------------- events, read


def decode_events(operation_model: OperationModel, body: bytes) -> list[dict[str, Any]]:
    """The events of an event-stream output's body, each as ``{EventType: event}``, in the
    form the contract checker checks one event in, under the stream member of the output.

    json and rest-json events are in wire form: header members with their JSON type (a blob
    as base64, a timestamp, sent as epoch milliseconds, in the member's timestamp format), a
    blob payload as base64, a string payload as text, any other payload (or the event's body
    members) as the JSON sent. Events of the other protocols are botocore's parse (its
    ``EVENT_STREAM_PARSER_CLS``) as JSON data, their parsed form. Messages that are no event
    of the stream (json's ``initial-response``, exceptions, errors, event types the model
    does not name) are left out: botocore yields no event for them (or raises them). Bytes
    that are no event stream, or an event that does not read, raise ``EventStreamError``.
    """
    from harness.aws import protocols

    shape = operation_model.output_shape
    name = shape.event_stream_name if shape is not None else None
    if shape is None or not name:
        return []
    stream = shape.members[name]
    protocol = protocols.protocol_of(operation_model.service_model)
    events = []
    for number, message in enumerate(decode_stream(body)):
        kind = message.header(":event-type")
        if message.header(":message-type") != "event" or kind not in stream.members:
            continue
        try:
            if protocol in protocols.JSON_CONTENT_TYPES:
                value = _wire_event(stream.members[kind], message, protocol)
            else:
                value = parsed_event(protocol, stream, message, kind)
        except (ValueError, TypeError, KeyError) as exc:  # (UnicodeDecodeError, JSON's too)
            raise EventStreamError(f"Event #{number} ({kind}) does not read: {exc}") from None
        events.append({kind: value})
    return events


def _wire_event(shape: Shape, message: Message, protocol: str) -> dict[str, Any]:
    """One json or rest-json event in wire form (``decode_events``)."""
    from harness.aws.protocols import json_read

    value: dict[str, Any] = {}
    payload = None
    for name, member in shape.members.items():
        if member.serialization.get("eventheader"):
            header = next((h for h in message.headers if h.name == name), None)
            if header is not None:
                value[name] = _wire_header(member, header.value, protocol)
        elif member.serialization.get("eventpayload"):
            payload = (name, member)
    body = message.payload
    if payload is not None:
        name, member = payload
        if member.type_name == "blob":
            value[name] = base64.b64encode(body).decode("ascii")
        elif member.type_name == "string":
            value[name] = body.decode("utf-8")
        elif body.strip():
            value[name] = json_read.loads(body)
    elif body.strip():
        members = json_read.loads(body)
        if not isinstance(members, dict):
            raise ValueError(f"expected a JSON object, got {type(members).__name__}")
        value.update(members)
    return value


def _wire_header(member: Shape, value: Any, protocol: str) -> Any:
    """An event header's value with its member's JSON type: bytes as base64, a timestamp
    (epoch milliseconds on the wire) in the member's format."""
    from harness.aws.protocols._values import format_timestamp

    if member.type_name == "blob" and isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if member.type_name == "timestamp" and isinstance(value, int):
        moment = dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc)
        # (as wire_form.timestamp_format says of a member outside headers and URIs)
        fmt = member.serialization.get("timestampFormat") or (
            "unixTimestamp"
            if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor")
            else "iso8601"
        )
        return format_timestamp(moment, str(fmt), digits=3)
    return value


def parsed_event(protocol: str, stream: Shape, message: Message, kind: str) -> dict[str, Any]:
    """One event of another protocol as botocore's event parser reads it, as JSON data."""
    from botocore.parsers import create_parser

    from harness.aws.protocols import to_data

    parser = create_parser(protocol).EVENT_STREAM_PARSER_CLS()
    headers = {h.name: h.value for h in message.headers}
    try:
        parsed = parser.parse(
            {"headers": headers, "body": message.payload, "status_code": 200}, stream
        )
    except Exception as exc:  # botocore's parsers raise many types on bytes they cannot read
        raise ValueError(str(exc)) from None
    return dict(to_data(parsed.get(kind) or {}))
