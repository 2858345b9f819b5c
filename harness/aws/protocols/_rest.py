"""HTTP bindings shared by the REST protocols (rest-json, rest-xml): both directions.

botocore's ``BaseRestSerializer`` spreads an input over the URI path, the query string, the
headers and the body; ``BaseRestParser`` reads an output from the status code, the headers
and the body. This module does the inverse of both for every location except the body,
which a protocol hands in as two functions:

- ``BodyDecoder(shape, body) -> value``: parse a request body as ``shape`` (the input
  structure for the non-payload members, or the payload member's shape), returning
  parameters (member names, ``datetime``, ``bytes``). It is called only with a non-empty
  body. For the input structure, any member it returns that is bound elsewhere is dropped.
- ``BodyEncoder(shape, value) -> bytes``: write ``value`` (parsed form) as the body of
  ``shape`` (the output structure, given only its body members, or the payload member's
  shape with the payload's value).

The entry points are ``decode_request``, ``encode_response`` and ``operation_name``
(routing by method, path and static query). The scalar helpers (``text_to_value``,
``value_to_text``, ``format_timestamp``, ``parse_timestamp``, ``special_float``) are
shared with the body codecs, so every protocol writes a timestamp or a NaN the same way.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import email.utils
import functools
import json
import math
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

BodyDecoder = Callable[["Shape", bytes], Any]
BodyEncoder = Callable[["Shape", dict[str, Any]], bytes]

#: Locations a REST input member can be bound to besides the body.
REQUEST_LOCATIONS = ("uri", "querystring", "header", "headers")
#: Locations a REST output member can be bound to besides the body.
RESPONSE_LOCATIONS = ("header", "headers", "statusCode")


class DecodeError(ValueError):
    """A request that cannot be read as its operation's protocol (the message says where)."""


# --------------------------------------------------------------------------- scalars


def special_float(value: float) -> float | str:
    """A float as the JSON protocols send it: NaN and the infinities as their names."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def format_timestamp(value: dt.datetime, fmt: str) -> int | float | str:
    """Write a datetime as botocore's serializer does: ``unixTimestamp``, ``iso8601``, ``rfc822``.

    Whole epoch seconds are an ``int``; sub-second ones a float rounded once (as botocore
    adds the microseconds before dividing). ISO 8601 carries microseconds only when non-zero.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(dt.timezone.utc)
    fmt = fmt.lower()
    seconds = calendar.timegm(value.timetuple())
    if fmt == "unixtimestamp":
        return (seconds * 10**6 + value.microsecond) / 10**6 if value.microsecond else seconds
    if fmt == "rfc822":
        return email.utils.formatdate(seconds, usegmt=True)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: Any) -> dt.datetime:
    """Read a wire timestamp (epoch number or text, ISO 8601, RFC 822) as an aware UTC datetime."""
    if isinstance(value, bool):
        raise DecodeError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    from botocore.utils import parse_timestamp as botocore_parse

    try:
        parsed: dt.datetime = botocore_parse(value)
    except ValueError as exc:
        raise DecodeError(f"not a timestamp: {value!r}") from exc
    return parsed.astimezone(dt.timezone.utc)


def timestamp_format(shape: Shape, default: str) -> str:
    """The member's ``timestampFormat`` trait, else the location's ``default``."""
    return str(shape.serialization.get("timestampFormat") or default)


def is_jsonvalue(shape: Shape) -> bool:
    """A string member that carries any JSON value (base64 of JSON in a header)."""
    return shape.type_name == "string" and bool(shape.serialization.get("jsonvalue"))


def text_to_value(shape: Shape, text: str, location: str) -> Any:
    """Convert text from a URI label, query value or header to the parameter botocore took.

    ``location`` is ``uri``, ``querystring`` or ``header``; it decides the list syntax
    (a header list is comma-joined, quoting items that hold a comma or a quote).
    """
    kind = shape.type_name
    try:
        if kind == "list" and location == "header":
            items = split_header_list(text, shape.member)
            return [text_to_value(shape.member, item, location) for item in items]
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)  # float() reads NaN, Infinity and -Infinity as botocore writes
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError(text)
            return lowered == "true"
        if kind == "timestamp":
            stripped = text.strip()
            if re.fullmatch(r"-?\d+(\.\d+)?", stripped):
                return parse_timestamp(float(stripped))
            return parse_timestamp(stripped)
        if kind == "blob":
            return base64.b64decode(text)
        if kind == "string" and location == "header" and is_jsonvalue(shape):
            return json.loads(base64.b64decode(text).decode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise DecodeError(f"cannot read {text!r} as a {kind} ({location})") from exc
    return text


def value_to_text(shape: Shape, value: Any, location: str) -> str:
    """Write a parameter as botocore puts it in a URI label, query value or header."""
    kind = shape.type_name
    if kind == "list" and location == "header":
        if shape.member.type_name == "string":
            return ",".join(quote_header_item(str(v)) for v in value if v is not None)
        return ",".join(value_to_text(shape.member, v, location) for v in value if v is not None)
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double"):
        return str(special_float(float(value)))
    if kind == "timestamp":
        default = "rfc822" if location == "header" else "iso8601"
        fmt = timestamp_format(shape, default)
        return str(format_timestamp(parse_timestamp_param(value), fmt))
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "string" and location == "header" and is_jsonvalue(shape):
        text = json.dumps(value, separators=(",", ":"))
        return base64.b64encode(text.encode("utf-8")).decode("ascii")
    return str(value)


def parse_timestamp_param(value: Any) -> dt.datetime:
    """A timestamp parameter as boto3 accepts it (datetime, epoch number, text) as a datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return parse_timestamp(value)


def quote_header_item(item: str) -> str:
    # botocore quotes a list item holding a comma or a quote (and escapes its quotes)
    if '"' in item or "," in item:
        return '"' + item.replace('"', '\\"') + '"'
    return item


_RFC822_ITEM = re.compile(r"[A-Za-z]{3},[^,]*")


def split_header_list(text: str, member: Shape) -> list[str]:
    """Split a comma-joined header list, honouring quoted items and RFC 822 dates' commas."""
    if member.type_name == "timestamp" and timestamp_format(member, "rfc822") == "rfc822":
        return [m.group(0).strip() for m in _RFC822_ITEM.finditer(text)]
    items: list[str] = []
    i, n = 0, len(text)
    while i <= n:
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            items.append("".join(buf))
            end = text.find(",", i)
            i = n + 1 if end < 0 else end + 1
        else:
            end = text.find(",", i)
            if end < 0:
                items.append(text[i:].strip())
                break
            items.append(text[i:end].strip())
            i = end + 1
    return items


# --------------------------------------------------------------------------- URI templates


@functools.lru_cache(maxsize=1024)
def uri_pattern(request_uri: str) -> tuple[re.Pattern[str], tuple[tuple[str, str], ...], int]:
    """Compile a ``requestUri`` into (path regex, static query pairs, literal length).

    A label ``{Name}`` matches one path segment, ``{Name+}`` (greedy) the rest of the path;
    groups are numbered in label order (``labels(request_uri)``). The literal length ranks
    routes: the more literal characters, the more specific.
    """
    path, _, query = request_uri.partition("?")
    regex, literal = "", 0
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("}"):
            regex += "(.+)" if part.endswith("+}") else "([^/]+)"
        else:
            regex += re.escape(part)
            literal += len(part)
    if not regex.endswith("/"):
        regex += "/?"  # a trailing slash is the same resource
    static = tuple((k, v) for k, v in parse_qsl(query, keep_blank_values=True))
    return re.compile(regex), static, literal


def labels(request_uri: str) -> list[str]:
    """The label names of a ``requestUri`` in order, without the greedy ``+``."""
    path = request_uri.partition("?")[0]
    return [m.rstrip("+") for m in re.findall(r"\{([^}]+)\}", path)]


def match_path(request_uri: str, path: str) -> dict[str, str] | None:
    """The percent-decoded label values of ``path`` under ``request_uri``, or None.

    The raw path is matched first and each label decoded afterwards: a label may hold an
    encoded ``/``. A path with a prefix before the template (an endpoint URL with a path)
    matches on its tail.
    """
    pattern = uri_pattern(request_uri)[0]
    found = pattern.fullmatch(path)
    if found is None:
        found = re.search(f"(?:{pattern.pattern})$", path)
        if found is None:
            return None
    return {
        name: unquote(value)
        for name, value in zip(labels(request_uri), found.groups(), strict=True)
    }


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation a REST request calls, by method, path and static query; None if none.

    Among the operations whose method and ``requestUri`` match, the one with the most literal
    characters (and the most static query keys) wins, as the services route.
    """
    split = urlsplit(request.url)
    path = split.path or "/"
    query_keys = {k for k, _ in parse_qsl(split.query, keep_blank_values=True)}
    best: tuple[int, int, str] | None = None
    for name in service_model.operation_names:
        http = service_model.operation_model(name).http
        if http.get("method", "POST").upper() != request.method.upper():
            continue
        request_uri = http.get("requestUri", "/")
        pattern, static, literal = uri_pattern(request_uri)
        if not pattern.fullmatch(path) or any(k not in query_keys for k, _ in static):
            continue
        rank = (literal, len(static), name)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


# --------------------------------------------------------------------------- requests


def decode_request(
    operation_model: OperationModel, request: HttpRequest, decode_body: BodyDecoder
) -> dict[str, Any]:
    """Read a REST request back into the parameters botocore serialized it from.

    URI labels, query values and headers are converted from text; the body goes to
    ``decode_body`` (the payload member's shape when the input has a payload, else the input
    shape). Absent members stay absent.
    """
    shape = operation_model.input_shape
    if shape is None:
        return {}
    split = urlsplit(request.url)
    request_uri = str(operation_model.http.get("requestUri", "/"))
    path_values = match_path(request_uri, split.path or "/")
    if path_values is None and labels(request_uri):
        raise DecodeError(
            f"the path {split.path!r} does not match {operation_model.name}'s "
            f"request URI {request_uri!r}"
        )
    query = parse_qsl(split.query, keep_blank_values=True)
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name", name))
        if location == "uri":
            if path_values and wire_name in path_values:
                params[name] = text_to_value(member, path_values[wire_name], "uri")
        elif location == "querystring":
            value = _query_member(shape, member, wire_name, query, request_uri)
            if value is not None:
                params[name] = value
        elif location == "header":
            text = request.header(wire_name)
            if text is not None:
                params[name] = text_to_value(member, text, "header")
        elif location == "headers":
            # botocore's serializer prefixes with the member name when the model names none
            found = header_map(wire_name, request.headers)
            if found:
                params[name] = found
    params.update(_decode_payload(shape, request.body, decode_body))
    return params


def _query_member(
    shape: StructureShape,
    member: Shape,
    wire_name: str,
    query: list[tuple[str, str]],
    request_uri: str,
) -> Any:
    if member.type_name == "map":
        # A map takes every key no named member claims and the requestUri does not fix.
        claimed = {
            str(m.serialization.get("name", n))
            for n, m in shape.members.items()
            if m.serialization.get("location") == "querystring" and m.type_name != "map"
        }
        claimed.update(k for k, _ in uri_pattern(request_uri)[1])
        value_shape = member.value
        out: dict[str, Any] = {}
        for key, text in query:
            if key in claimed:
                continue
            if value_shape.type_name == "list":
                out.setdefault(key, []).append(
                    text_to_value(value_shape.member, text, "querystring")
                )
            else:
                out[key] = text_to_value(value_shape, text, "querystring")
        return out or None
    values = [text for key, text in query if key == wire_name]
    if not values:
        return None
    if member.type_name == "list":
        return [text_to_value(member.member, v, "querystring") for v in values]
    return text_to_value(member, values[-1], "querystring")


def header_map(prefix: str, headers: dict[str, str]) -> dict[str, str]:
    """The headers starting with ``prefix`` (case-insensitively), keyed by the rest of the name."""
    lowered = prefix.lower()
    return {k[len(prefix) :]: v for k, v in headers.items() if k.lower().startswith(lowered)}


def _decode_payload(shape: StructureShape, body: bytes, decode_body: BodyDecoder) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if not body:
            return {}
        if member.type_name == "blob":
            return {payload: bytes(body)}
        if member.type_name == "string":
            return {payload: body.decode("utf-8")}
        value = decode_body(member, body)
        if value == {} and member.type_name == "structure":
            return {}  # botocore sends an empty structure when the payload was not given
        return {payload: value}
    if not body.strip():
        return {}
    decoded = decode_body(shape, body)
    if not isinstance(decoded, dict):
        raise DecodeError(f"the body of {shape.name} is not a structure")
    return {
        k: v
        for k, v in decoded.items()
        if k in shape.members and shape.members[k].serialization.get("location") is None
    }


# --------------------------------------------------------------------------- responses


def encode_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None,
    encode_body: BodyEncoder,
    content_type: str,
) -> HttpResponse:
    """Write ``result`` (parsed form) as the REST response botocore parses back to it.

    Header members become headers, a ``statusCode`` member the status, the payload member
    (blob and string raw, others through ``encode_body``) or else the body members (through
    ``encode_body`` with the output shape) the body, labelled ``content_type``. The status is
    ``status``, else the ``statusCode`` member, else the operation's ``responseCode``, else 200.
    """
    headers: dict[str, str] = {}
    code = int(operation_model.http.get("responseCode", 200))
    shape = operation_model.output_shape
    body = b""
    structured = False  # a body from encode_body, labelled content_type
    prefixes: list[str] = []  # of header maps: botocore reads every header they match
    if shape is not None:
        headers, bound_status, loose, prefixes = split_bound(shape, result)
        code = bound_status if bound_status is not None else code
        body_members = {k: v for k, v in loose.items() if k in shape.members}
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            value = body_members.get(payload)
            if value is not None:
                if member.type_name in ("blob", "string"):
                    body = _raw_bytes(value)
                else:
                    body, structured = encode_body(member, value), True
        elif any(
            m.serialization.get("location") not in ("header", "headers", "statusCode")
            for m in shape.members.values()
        ):
            body, structured = encode_body(shape, body_members), True
    if structured and body and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = content_type  # a modeled Content-Type header wins
    if not any("x-amzn-requestid".startswith(p) for p in prefixes):
        headers["x-amzn-RequestId"] = str(uuid.uuid4())  # unless a header map would catch it
    return HttpResponse(status if status is not None else code, headers, body)


def split_bound(
    shape: Shape, result: dict[str, Any]
) -> tuple[dict[str, str], int | None, dict[str, Any], list[str]]:
    """``result`` (parsed form) split by binding: (headers, the ``statusCode`` member's value,
    the body members, the lower-cased prefixes of header maps). Keys the shape does not have
    stay with the body members, for the caller to write or drop."""
    headers: dict[str, str] = {}
    status: int | None = None
    body_members: dict[str, Any] = {}
    prefixes: list[str] = []
    for name, value in result.items():
        member = shape.members.get(name)
        if value is None or name == "ResponseMetadata":
            continue
        location = member.serialization.get("location") if member is not None else None
        if member is None:
            body_members[name] = value
        elif location == "header":
            headers[str(member.serialization.get("name", name))] = value_to_text(
                member, value, "header"
            )
        elif location == "headers":
            # botocore's parser reads a header map under its name, else every header
            prefix = str(member.serialization.get("name", ""))
            prefixes.append(prefix.lower())
            for key, text in value.items():
                _add_header(headers, prefix + key, str(text))
        elif location == "statusCode":
            status = int(value)
        else:
            body_members[name] = value
    return headers, status, body_members, prefixes


def _add_header(headers: dict[str, str], name: str, value: str) -> None:
    # Two header maps may hold the same header (prefixes "" and "x-"): send it once.
    if any(k.lower() == name.lower() for k in headers):
        return
    headers[name] = value


def _raw_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):  # a StreamingBody or file a caller hands in
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return bytes(value)


__all__ = [
    "REQUEST_LOCATIONS",
    "RESPONSE_LOCATIONS",
    "BodyDecoder",
    "BodyEncoder",
    "DecodeError",
    "decode_request",
    "encode_response",
    "format_timestamp",
    "header_map",
    "is_jsonvalue",
    "labels",
    "match_path",
    "operation_name",
    "parse_timestamp",
    "parse_timestamp_param",
    "special_float",
    "split_bound",
    "text_to_value",
    "timestamp_format",
    "uri_pattern",
]
