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

The entry points are ``decode_request``, ``encode_request``, ``decode_response``,
``encode_response`` and ``operation_name`` (routing by method, path and static query). Each
reads or writes values in one of two forms (``Form``): ``PARSED``, the parameters botocore
takes and returns, or ``WIRE``, the wire form the JSON Schemas describe (values written as
given, broken ones included, and read without judging them). One walk over the bindings
serves both: only the value conversions differ. The text conversions (``text_to_value``,
``value_to_text``) use the scalars every protocol shares (``_values``: timestamps, NaN), which
this module hands on under their old names.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from harness.aws.protocols._values import (
    DecodeError,
    format_timestamp,
    parse_timestamp,
    parse_timestamp_param,
    special_float,
    timestamp_format,
)
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

BodyDecoder = Callable[["Shape", bytes], Any]
BodyEncoder = Callable[["Shape", dict[str, Any]], bytes]

#: Locations a REST input member can be bound to besides the body.
REQUEST_LOCATIONS = ("uri", "querystring", "header", "headers")
#: Locations a REST output member can be bound to besides the body.
RESPONSE_LOCATIONS = ("header", "headers", "statusCode")


# --------------------------------------------------------------------------- scalars


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


def text_to_wire(shape: Shape, text: str, location: str) -> Any:
    """Text from a URI label, query value or header as its wire-form JSON type.

    Numbers and booleans become JSON numbers and booleans, an epoch timestamp a number, a
    header list a list; other timestamps, blobs and strings stay text. Text that does not read
    as its type stays text: the wire form holds what was sent, and the schema reports it.
    """
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return {"true": True, "false": False}[text.lower()]
        if kind == "timestamp":
            if shape.serialization.get("timestampFormat") == "unixTimestamp":
                number = float(text)
                return int(number) if number.is_integer() else number
            return text
        if kind == "list" and location == "header":
            items = split_header_list(text, shape.member)
            return [text_to_wire(shape.member, item, location) for item in items]
    except (ValueError, KeyError):
        return text
    return text


def wire_to_text(shape: Shape | None, value: Any, location: str) -> str:
    """A wire-form value as the text of a URI label, query value or header, as given.

    A header list is comma-joined with botocore's quoting of string items; a boolean is
    ``true``/``false``; NaN and the infinities go by name; anything else is ``str()``.
    """
    if isinstance(value, list) and location == "header":
        item = getattr(shape, "member", None)
        strings = item is None or item.type_name == "string"
        texts = (wire_to_text(item, v, location) for v in value)
        return ",".join(quote_header_item(t) if strings else t for t in texts)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(special_float(value))
    return str(value)


def _raw_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):  # a StreamingBody or file a caller hands in
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return bytes(value)


def _wire_blob(value: Any) -> bytes:
    # a blob travels base64-encoded in wire form; text that is not base64 goes as its bytes
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, TypeError):
        return str(value).encode("utf-8")


@dataclass(kw_only=True, frozen=True)
class Form:
    """The values a REST codec reads and writes: ``PARSED`` or ``WIRE`` (module docstring).

    ``as_given`` is the wire form's promise: keys the shape does not name and null body
    members are kept (read and written), and text that does not read as its type is kept.
    """

    name: str
    from_text: Callable[[Shape, str, str], Any]
    to_text: Callable[[Shape, Any, str], str]
    blob_from_bytes: Callable[[bytes], Any]
    blob_to_bytes: Callable[[Any], bytes]
    as_given: bool


#: Parameters as boto3 takes and returns them: member names, ``datetime``, ``bytes``.
PARSED = Form(
    name="parsed",
    from_text=text_to_value,
    to_text=value_to_text,
    blob_from_bytes=bytes,
    blob_to_bytes=_raw_bytes,
    as_given=False,
)
#: The wire form the schemas describe: body keys and encodings as on the wire.
WIRE = Form(
    name="wire",
    from_text=text_to_wire,
    to_text=wire_to_text,
    blob_from_bytes=lambda raw: base64.b64encode(raw).decode("ascii"),
    blob_to_bytes=_wire_blob,
    as_given=True,
)


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


@functools.lru_cache(maxsize=4096)
def labels(request_uri: str) -> tuple[str, ...]:
    """The label names of a ``requestUri`` in order, without the greedy ``+``."""
    path = request_uri.partition("?")[0]
    return tuple(m.rstrip("+") for m in re.findall(r"\{([^}]+)\}", path))


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


# --------------------------------------------------------------------------- bindings


@dataclass(frozen=True)
class _Bindings:
    """Where a structure's members travel, read once per shape: looking up botocore's
    serialization traits cost more than decoding a small request (a replayed or checked
    exchange decodes one per call)."""

    located: tuple[tuple[str, Shape, str, str], ...]  # (member, shape, location, wire name)
    request_body: bool  # a member bound to none of REQUEST_LOCATIONS
    response_body: bool  # a member bound to none of RESPONSE_LOCATIONS
    named_query: frozenset[str]  # query keys a named (non-map) member claims


@functools.lru_cache(maxsize=8192)
def _bindings(shape: StructureShape) -> _Bindings:
    located = []
    locations = []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        locations.append(location)
        if location is not None:
            wire_name = str(member.serialization.get("name", name))
            located.append((name, member, str(location), wire_name))
    return _Bindings(
        tuple(located),
        any(loc not in REQUEST_LOCATIONS for loc in locations),
        any(loc not in RESPONSE_LOCATIONS for loc in locations),
        frozenset(
            wire for _, m, loc, wire in located if loc == "querystring" and m.type_name != "map"
        ),
    )


def _has_body_members(shape: StructureShape, bound: tuple[str, ...] = REQUEST_LOCATIONS) -> bool:
    """Whether a member travels in the body: bound to none of the ``bound`` locations (an
    output's member bound to the URI or query is a body member, as botocore reads it)."""
    found = _bindings(shape)
    return found.request_body if bound is REQUEST_LOCATIONS else found.response_body


# --------------------------------------------------------------------------- requests


def decode_request(
    operation_model: OperationModel,
    request: HttpRequest,
    decode_body: BodyDecoder,
    form: Form = PARSED,
) -> dict[str, Any]:
    """Read a REST request back into the values it was written from, in ``form``.

    URI labels, query values and headers are converted from text; the body goes to
    ``decode_body`` (the payload member's shape when the input has a payload, else the input
    shape). Absent members stay absent.
    """
    shape = operation_model.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    located = _bindings(shape).located
    if located:
        split = urlsplit(request.url)
        request_uri = str(operation_model.http.get("requestUri", "/"))
        path_values = match_path(request_uri, split.path or "/")
        if path_values is None and labels(request_uri):
            raise DecodeError(
                f"the path {split.path!r} does not match {operation_model.name}'s "
                f"request URI {request_uri!r}"
            )
        query = parse_qsl(split.query, keep_blank_values=True) if split.query else []
    for name, member, location, wire_name in located:
        if location == "uri":
            if path_values and wire_name in path_values:
                params[name] = form.from_text(member, path_values[wire_name], "uri")
        elif location == "querystring":
            value = _query_member(shape, member, wire_name, query, request_uri, form)
            if value is not None:
                params[name] = value
        elif location in ("header", "headers"):
            _read_header_member(params, name, member, request.headers, form)
    params.update(_decode_payload(shape, request.body, decode_body, form))
    return params


def _read_header_member(
    values: dict[str, Any],
    name: str,
    member: Shape,
    headers: dict[str, str],
    form: Form,
    unnamed_prefix: str | None = None,
) -> None:
    """Put a header-bound member (one header, or a map of prefixed headers) into ``values``.

    A header map the model gives no name reads headers prefixed with the member's name in a
    request (botocore's serializer) and every header in a response (``unnamed_prefix=""``,
    botocore's parser).
    """
    wire_name = str(member.serialization.get("name", name))
    if member.serialization.get("location") == "header":
        lowered = wire_name.lower()
        text = next((v for k, v in headers.items() if k.lower() == lowered), None)
        if text is not None:
            values[name] = form.from_text(member, text, "header")
        return
    if unnamed_prefix is not None and "name" not in member.serialization:
        wire_name = unnamed_prefix
    found = header_map(wire_name, headers)
    if found:
        values[name] = found


def _query_member(
    shape: StructureShape,
    member: Shape,
    wire_name: str,
    query: list[tuple[str, str]],
    request_uri: str,
    form: Form,
) -> Any:
    if member.type_name == "map":
        # A map takes every key no named member claims and the requestUri does not fix.
        claimed = _bindings(shape).named_query | {k for k, _ in uri_pattern(request_uri)[1]}
        value_shape = member.value
        out: dict[str, Any] = {}
        for key, text in query:
            if key in claimed:
                continue
            if value_shape.type_name == "list":
                out.setdefault(key, []).append(
                    form.from_text(value_shape.member, text, "querystring")
                )
            else:
                out[key] = form.from_text(value_shape, text, "querystring")
        return out or None
    values = [text for key, text in query if key == wire_name]
    if not values:
        return None
    if member.type_name == "list":
        return [form.from_text(member.member, v, "querystring") for v in values]
    return form.from_text(member, values[-1], "querystring")


def header_map(prefix: str, headers: dict[str, str]) -> dict[str, str]:
    """The headers starting with ``prefix`` (case-insensitively), keyed by the rest of the name."""
    lowered = prefix.lower()
    return {k[len(prefix) :]: v for k, v in headers.items() if k.lower().startswith(lowered)}


def _decode_payload(
    shape: StructureShape,
    body: bytes,
    decode_body: BodyDecoder,
    form: Form,
    bound: tuple[str, ...] = REQUEST_LOCATIONS,
) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if not body:
            return {}
        if member.type_name == "blob":
            return {payload: form.blob_from_bytes(bytes(body))}
        if member.type_name == "string":
            return {payload: body.decode("utf-8", "replace" if form.as_given else "strict")}
        value = decode_body(member, body)
        if value == {} and member.type_name == "structure" and not form.as_given:
            return {}  # botocore sends an empty structure when the payload was not given
        return {payload: value}
    if not body.strip() or (form.as_given and not _has_body_members(shape, bound)):
        return {}  # (a body the shape has no member for is not read, as the service does)
    decoded = decode_body(shape, body)
    if not isinstance(decoded, dict):
        raise DecodeError(f"the body of {shape.name} is not a structure")
    if form.as_given:
        return dict(decoded)
    return {
        k: v
        for k, v in decoded.items()
        if k in shape.members and shape.members[k].serialization.get("location") not in bound
    }


def encode_request(
    operation_model: OperationModel,
    params: dict[str, Any],
    endpoint: str,
    encode_body: BodyEncoder,
    content_type: str,
    form: Form = PARSED,
    empty_body: bytes = b"",
) -> HttpRequest:
    """Write ``params`` (in ``form``) as the REST request (unsigned) the client sends.

    The inverse of ``decode_request``: labels into the path (greedy ones keep ``/``), query
    members and maps into the query string (a list repeats its key), header members and
    header maps into headers, the payload member (blob and string raw, others through
    ``encode_body``) or else the body members (through ``encode_body`` with the input shape)
    into the body. A member nobody set is not sent; an input with body members, or a
    structure payload, that has none set sends ``empty_body`` (rest-json's ``{}``), and a
    blob or string payload is sent unlabelled, as botocore's serializer does. In ``WIRE``
    form a key the shape does not name goes into the body as given.
    """
    http = operation_model.http
    shape = operation_model.input_shape
    path, _, static_query = str(http.get("requestUri", "/")).partition("?")
    # (a static key without "=" is written without one: ``?uploads``)
    query: list[tuple[str, str | None]] = [
        (key, value if eq else None)
        for key, eq, value in (q.partition("=") for q in static_query.split("&") if q)
    ]
    headers: dict[str, str] = {}
    body: dict[str, Any] = {}
    raw_body: bytes | None = None
    members = shape.members if shape is not None else {}
    payload = shape.serialization.get("payload") if shape is not None else None
    for name, value in params.items():
        member = members.get(name)
        location = member.serialization.get("location") if member is not None else None
        if value is None and (location is not None or name == payload or not form.as_given):
            continue
        if member is None or location is None:
            if name == payload and member is not None:
                raw_body = _payload_bytes(member, value, encode_body, form)
            else:
                body[name] = value
            continue
        wire_name = str(member.serialization.get("name", name))
        if location == "uri":
            greedy = "{" + wire_name + "+}" in path
            text = form.to_text(member, value, "uri")
            label = "{" + wire_name + ("+}" if greedy else "}")
            path = path.replace(label, quote(text, safe="/~" if greedy else "~"))
        elif location == "querystring":
            items = _query_items(member, wire_name, value, form)
            if not form.as_given:  # one value per key, the last given (botocore's dict)
                keys = {k for k, _ in items}
                query = [(k, v) for k, v in query if k not in keys]
            elif isinstance(value, dict):
                # a key a named member sends is that member's: "Prefer named query
                # parameters when serializing" (Smithy's RestJsonQueryPrecedence)
                named = _named_query_keys(shape, params) if shape is not None else set()
                items = [(k, v) for k, v in items if k not in named]
            query.extend(items)
        elif location == "header":
            if value != []:  # (botocore sends no header for an empty list)
                headers[wire_name] = form.to_text(member, value, "header")
        elif location == "headers":
            value_shape = getattr(member, "value", member)
            for key, item in value.items():
                if item is not None:
                    headers[wire_name + key] = form.to_text(value_shape, item, "header")
    qs = "&".join(
        quote(k, safe="") + ("" if v is None else "=" + quote(v, safe="")) for k, v in query
    )
    url = endpoint.rstrip("/") + path + (f"?{qs}" if qs else "")
    streaming = payload is not None and members[str(payload)].type_name in ("blob", "string")
    if raw_body is None:
        if body:
            raw_body = encode_body(shape, body)
        elif shape is not None and not streaming and (payload or _has_body_members(shape)):
            raw_body = empty_body
        else:
            raw_body = b""
    if raw_body and not streaming and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = content_type  # a modeled Content-Type header wins
    return HttpRequest(
        method=str(http.get("method", "POST")), url=url, headers=headers, body=raw_body
    )


def _named_query_keys(shape: StructureShape, params: dict[str, Any]) -> set[str]:
    """The query keys the named (non-map) query members set in ``params`` send."""
    return {
        str(m.serialization.get("name", n))
        for n, m in shape.members.items()
        if params.get(n) is not None
        and m.serialization.get("location") == "querystring"
        and m.type_name != "map"
    }


def _query_items(
    member: Shape, wire_name: str, value: Any, form: Form
) -> list[tuple[str, str | None]]:
    """A query member's (key, text) pairs: a map's own keys, a list's key repeated."""
    if isinstance(value, dict):
        value_shape = getattr(member, "value", member)
        item_shape = getattr(value_shape, "member", value_shape)
        return [
            (
                key,
                form.to_text(item_shape if isinstance(v, list) else value_shape, i, "querystring"),
            )
            for key, v in value.items()
            if v is not None
            for i in (v if isinstance(v, list) else [v])
            if i is not None
        ]
    item_shape = getattr(member, "member", member)
    items = value if isinstance(value, list) else [value]
    return [(wire_name, form.to_text(item_shape, i, "querystring")) for i in items if i is not None]


def _payload_bytes(member: Shape, value: Any, encode_body: BodyEncoder, form: Form) -> bytes:
    """The body of a payload member: a blob's bytes, a string's text, else ``encode_body``."""
    if member.type_name == "blob":
        return form.blob_to_bytes(value)
    if member.type_name == "string":
        return _raw_bytes(value) if isinstance(value, str | bytes) else str(value).encode()
    return encode_body(member, value)


# --------------------------------------------------------------------------- responses


def decode_response(
    operation_model: OperationModel,
    response: HttpResponse,
    decode_body: BodyDecoder,
    form: Form = WIRE,
) -> dict[str, Any]:
    """Read a REST response into its output's values, in ``form``: header members from
    headers, a ``statusCode`` member from the status, the payload or body members from the
    body (botocore's parser does this for clients; the wire form is read here)."""
    shape = operation_model.output_shape
    if shape is None:
        return {}
    values: dict[str, Any] = {}
    for name, member, location, _ in _bindings(shape).located:
        if location in ("header", "headers"):
            _read_header_member(values, name, member, response.headers, form, "")
        elif location == "statusCode":
            values[name] = response.status
    values.update(_decode_payload(shape, response.body, decode_body, form, RESPONSE_LOCATIONS))
    return values


def encode_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None,
    encode_body: BodyEncoder,
    content_type: str,
    form: Form = PARSED,
) -> HttpResponse:
    """Write ``result`` (in ``form``) as the REST response botocore parses back to it.

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
        headers, bound_status, loose, prefixes = split_bound(shape, result, form)
        code = bound_status if bound_status is not None else code
        body_members = (
            loose if form.as_given else {k: v for k, v in loose.items() if k in shape.members}
        )
        payload = shape.serialization.get("payload")
        value = body_members.pop(payload, None) if payload else None
        if value is not None:
            member = shape.members[payload]
            body = _payload_bytes(member, value, encode_body, form)
            structured = member.type_name not in ("blob", "string")
        elif (form.as_given and body_members) or (
            not payload and _has_body_members(shape, RESPONSE_LOCATIONS)
        ):
            body, structured = encode_body(shape, body_members), True
    labelled = any(k.lower() == "content-type" for k in headers) or "" in prefixes
    if structured and body and not labelled:
        headers["Content-Type"] = content_type  # a modeled Content-Type header wins
    if not any("x-amzn-requestid".startswith(p) for p in prefixes):
        headers["x-amzn-RequestId"] = str(uuid.uuid4())  # unless a header map would catch it
    return HttpResponse(status if status is not None else code, headers, body)


def split_bound(
    shape: Shape, result: dict[str, Any], form: Form = PARSED
) -> tuple[dict[str, str], int | None, dict[str, Any], list[str]]:
    """``result`` (in ``form``) split by binding: (headers, the ``statusCode`` member's value,
    the body members, the lower-cased prefixes of header maps). Keys the shape does not have
    stay with the body members, for the caller to write or drop; so do a body member's nulls
    in ``WIRE`` form."""
    headers: dict[str, str] = {}
    status: int | None = None
    body_members: dict[str, Any] = {}
    prefixes: list[str] = []
    for name, value in result.items():
        member = shape.members.get(name)
        if name == "ResponseMetadata":
            continue
        location = member.serialization.get("location") if member is not None else None
        if value is None and (location is not None or not form.as_given):
            continue
        if member is None or location not in RESPONSE_LOCATIONS:
            body_members[name] = value  # (a query-bound member in an output is a body one)
        elif location == "header":
            headers[str(member.serialization.get("name", name))] = form.to_text(
                member, value, "header"
            )
        elif location == "headers":
            # botocore's parser reads a header map under its name, else every header
            prefix = str(member.serialization.get("name", ""))
            prefixes.append(prefix.lower())
            value_shape = getattr(member, "value", member)
            for key, item in value.items():
                if item is not None:
                    _add_header(headers, prefix + key, form.to_text(value_shape, item, "header"))
        elif location == "statusCode":
            status = int(value)
    return headers, status, body_members, prefixes


def _add_header(headers: dict[str, str], name: str, value: str) -> None:
    # Two header maps may hold the same header (prefixes "" and "x-"): send it once.
    if any(k.lower() == name.lower() for k in headers):
        return
    headers[name] = value


__all__ = [
    "PARSED",
    "REQUEST_LOCATIONS",
    "RESPONSE_LOCATIONS",
    "WIRE",
    "BodyDecoder",
    "BodyEncoder",
    "DecodeError",
    "Form",
    "decode_request",
    "decode_response",
    "encode_request",
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
    "text_to_wire",
    "timestamp_format",
    "uri_pattern",
    "value_to_text",
    "wire_to_text",
]
