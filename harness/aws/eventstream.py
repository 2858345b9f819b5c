"""AWS event streams (``application/vnd.amazon.eventstream``): decode, encode, store readably.

An event-stream body is a sequence of binary messages: a prelude (total length, headers
length, CRC32 of both), typed headers, a payload and a CRC32 of the whole message. botocore
only decodes them (``botocore.eventstream.EventStreamBuffer``); replay needs the other way
too. Cassettes keep a stream as its messages (``to_data``: headers as a mapping, payload as
pretty JSON where it is JSON, else text or bytes) and replay re-encodes them (``from_data``)
into a stream botocore decodes into the same events.

Header values keep their wire type, so a stream decoded and re-encoded is byte-identical.
The stored form keeps types too, but a cassette sorts header names and pretty-prints JSON
payloads, so replayed bytes may differ from those received (CRCs are computed anew); botocore
decodes them into the same events. In stored form, string headers are plain
strings, booleans plain booleans, and other types a one-key mapping: ``{long: 5}``,
``{timestamp: 1700000000000}`` (milliseconds), ``{bytes: !!binary ...}``, ``{uuid: "..."}``.

An operation's output written as an event-stream response, and its events read back in the
checker's form, are the protocols' business: ``harness.aws.protocols.event_streams``.
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.aws.bodies import as_text

if TYPE_CHECKING:
    pass

CONTENT_TYPE = "application/vnd.amazon.eventstream"

_PRELUDE = struct.Struct("!III")
_CRC = struct.Struct("!I")
_PRELUDE_LENGTH = _PRELUDE.size  # 12: two lengths and their CRC
# The wire type codes of the event-stream format, in code order.
_TYPE_CODES = {
    "bool_true": 0,
    "bool_false": 1,
    "byte": 2,
    "short": 3,
    "integer": 4,
    "long": 5,
    "bytes": 6,
    "string": 7,
    "timestamp": 8,
    "uuid": 9,
}
_TYPE_NAMES = {code: name for name, code in _TYPE_CODES.items()}
_INTS = {"byte": struct.Struct("!b"), "short": struct.Struct("!h"), "integer": struct.Struct("!i")}
_INTS["long"] = _INTS["timestamp"] = struct.Struct("!q")
_LENGTH16 = struct.Struct("!H")
# Types stored as a one-key mapping ({long: 5}); strings and booleans are stored plainly.
_TAGGED = ("byte", "short", "integer", "long", "bytes", "timestamp", "uuid")


class EventStreamError(ValueError):
    """Bytes that are not a valid event stream, or stored messages that cannot be encoded."""


@dataclass(frozen=True)
class Header:
    """One message header: its name, wire type (``string``, ``long``, ...) and value.

    ``bool`` headers have type ``bool`` (the wire's two codes are chosen by the value);
    ``uuid`` values are 16 bytes; ``timestamp`` values are epoch milliseconds.
    """

    name: str
    type: str
    value: Any


@dataclass(frozen=True)
class Message:
    """One event-stream message: headers in wire order and the raw payload."""

    headers: tuple[Header, ...]
    payload: bytes = b""

    def header(self, name: str) -> Any:
        """The value of header ``name``, or None."""
        return next((h.value for h in self.headers if h.name == name), None)


def is_event_stream(content_type: str | None) -> bool:
    """True when a ``Content-Type`` value names an AWS event stream."""
    return bool(content_type) and CONTENT_TYPE in str(content_type).lower()


# --------------------------------------------------------------------------- binary


def encode_message(message: Message) -> bytes:
    """One message in wire form: prelude, its CRC, headers, payload, message CRC."""
    headers = b"".join(_encode_header(h) for h in message.headers)
    total = _PRELUDE_LENGTH + len(headers) + len(message.payload) + _CRC.size
    prelude = struct.pack("!II", total, len(headers))
    head = prelude + _CRC.pack(zlib.crc32(prelude))
    body = head + headers + message.payload
    return body + _CRC.pack(zlib.crc32(body))


def encode_stream(messages: Iterable[Message]) -> bytes:
    """A whole event-stream body: the messages one after another."""
    return b"".join(encode_message(m) for m in messages)


def _encode_header(header: Header) -> bytes:
    name = header.name.encode("utf-8")
    if not 0 < len(name) < 256:
        raise EventStreamError(f"Event-stream header name {header.name!r} must be 1-255 bytes.")
    kind, value = header.type, header.value
    if kind == "bool":
        return _name(name) + bytes([_TYPE_CODES["bool_true" if value else "bool_false"]])
    if kind in _INTS:
        try:
            return _name(name) + bytes([_TYPE_CODES[kind]]) + _INTS[kind].pack(int(value))
        except struct.error:
            raise EventStreamError(f"Header {header.name!r}: {value!r} is no {kind}.") from None
    if kind in ("bytes", "string"):
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        if len(data) > 0xFFFF:
            raise EventStreamError(f"Header {header.name!r} is longer than 65,535 bytes.")
        return _name(name) + bytes([_TYPE_CODES[kind]]) + _LENGTH16.pack(len(data)) + data
    if kind == "uuid":
        data = bytes(value)
        if len(data) != 16:
            raise EventStreamError(f"Header {header.name!r}: a uuid is 16 bytes.")
        return _name(name) + bytes([_TYPE_CODES["uuid"]]) + data
    raise EventStreamError(f"Header {header.name!r} has unknown type {kind!r}.")


def _name(name: bytes) -> bytes:
    return bytes([len(name)]) + name


def decode_stream(data: bytes) -> list[Message]:
    """Split an event-stream body into messages, checking both CRCs of each.

    Raises ``EventStreamError`` on truncated or corrupt data.
    """
    view = memoryview(data)
    messages = []
    offset = 0
    while offset < len(view):
        if len(view) - offset < _PRELUDE_LENGTH + _CRC.size:
            raise EventStreamError(f"Event stream truncated at byte {offset}.")
        total, headers_length, prelude_crc = _PRELUDE.unpack_from(view, offset)
        if zlib.crc32(view[offset : offset + 8]) != prelude_crc:
            raise EventStreamError(f"Event-stream prelude CRC mismatch at byte {offset}.")
        end = offset + total
        headers_end = offset + _PRELUDE_LENGTH + headers_length
        if total < _PRELUDE_LENGTH + _CRC.size or end > len(view) or headers_end > end - 4:
            raise EventStreamError(f"Event-stream message at byte {offset} is truncated.")
        (message_crc,) = _CRC.unpack_from(view, end - 4)
        if zlib.crc32(view[offset : end - 4]) != message_crc:
            raise EventStreamError(f"Event-stream message CRC mismatch at byte {offset}.")
        headers = _decode_headers(view[offset + _PRELUDE_LENGTH : headers_end])
        messages.append(Message(headers, bytes(view[headers_end : end - 4])))
        offset = end
    return messages


def _decode_headers(data: memoryview) -> tuple[Header, ...]:
    headers = []
    at = 0
    try:
        while at < len(data):
            size = data[at]
            name = bytes(data[at + 1 : at + 1 + size]).decode("utf-8")
            at += 1 + size
            kind = _TYPE_NAMES[data[at]]
            at += 1
            value: Any
            if kind in ("bool_true", "bool_false"):
                headers.append(Header(name, "bool", kind == "bool_true"))
                continue
            if kind in _INTS:
                (value,) = _INTS[kind].unpack_from(data, at)
                at += _INTS[kind].size
            elif kind == "uuid":
                value = bytes(data[at : at + 16])
                at += 16
            else:
                (length,) = _LENGTH16.unpack_from(data, at)
                value = bytes(data[at + 2 : at + 2 + length])
                value = value.decode("utf-8") if kind == "string" else value
                at += 2 + length
            headers.append(Header(name, kind, value))
    except (IndexError, KeyError, struct.error, UnicodeDecodeError) as exc:
        raise EventStreamError(f"Unreadable event-stream headers ({exc}).") from None
    return tuple(headers)


# --------------------------------------------------------------------------- stored form


def to_data(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages as plain data for a cassette: ``[{headers: {...}, payload: ...}, ...]``.

    A payload whose ``:content-type`` is JSON is pretty-printed (botocore parses it to the
    same values); other text is kept as is, and anything else as bytes.
    """
    out = []
    for message in messages:
        item: dict[str, Any] = {"headers": {h.name: _stored_value(h) for h in message.headers}}
        if message.payload:
            item["payload"] = _stored_payload(message)
        out.append(item)
    return out


def _stored_value(header: Header) -> Any:
    if header.type in ("string", "bool"):
        return header.value
    if header.type == "uuid":
        return {"uuid": str(uuid.UUID(bytes=bytes(header.value)))}
    return {header.type: header.value}


def _stored_payload(message: Message) -> str | bytes:
    content_type = str(message.header(":content-type") or "")
    text = as_text(message.payload)
    if text is None:
        return message.payload
    if "json" in content_type.lower():
        try:
            pretty = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
            pretty.encode("utf-8")  # lone surrogates from \ud800 escapes cannot be stored
            return pretty
        except (ValueError, UnicodeEncodeError, RecursionError):  # (stored as received)
            pass
    return text


def from_data(data: Any) -> list[Message]:
    """The messages of a stored event stream (``to_data``'s output, read back from YAML)."""
    if not isinstance(data, list):
        raise EventStreamError("Stored event-stream 'events' must be a list of messages.")
    messages = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("headers", {}), dict):
            raise EventStreamError(
                f"Stored event #{index} must be a mapping with 'headers' (a mapping) and 'payload'."
            )
        headers = tuple(_header(str(n), v, index) for n, v in (item.get("headers") or {}).items())
        payload = item.get("payload")
        body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload or b"")
        messages.append(Message(headers, body))
    return messages


def _header(name: str, value: Any, index: int) -> Header:
    if isinstance(value, bool):
        return Header(name, "bool", value)
    if isinstance(value, str):
        return Header(name, "string", value)
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind == "uuid":
            try:
                return Header(name, "uuid", uuid.UUID(str(inner)).bytes)
            except ValueError:
                pass
        elif kind == "bytes" and isinstance(inner, bytes | str):
            return Header(name, "bytes", inner.encode() if isinstance(inner, str) else inner)
        elif kind in _TAGGED and isinstance(inner, int) and not isinstance(inner, bool):
            return Header(name, kind, inner)
    raise EventStreamError(
        f"Stored event #{index}, header {name!r}: {value!r} is not a string, a boolean or a "
        f"one-key mapping of a type ({', '.join(_TAGGED)}) to its value."
    )
