"""The wire form: the JSON data the schemas describe, read off and written onto HTTP.

botocore serializes requests and parses responses on the client side. The harness also needs
the other side: to read a request off the wire (to match, check or serve it) and to write a
response onto it (to serve it). This module does both, from the operation model, so no AWS
fact is typed in by hand.

*Wire form* is the shape our JSON Schemas describe: one JSON object holding every member of
an input or output shape, whatever its HTTP location. Body members are keyed by their JSON
key on the wire; members bound to the URI, query string, headers or status code are keyed by
member name and converted from text to their JSON type (an integer query parameter becomes an
integer). Timestamps and blobs stay in their wire encoding (epoch number, ISO 8601 string,
base64 text), because checking that encoding is part of the contract.

Writing (``encode_request``, ``encode_response``) places wire-form values exactly as given,
broken ones included (the contract tests and the synthetic faults need a wrong type or an
unknown member on the wire): members into the URI, query, headers, status and body, with the
codecs' JSON writer and labels (``awsjson.dump_json``, the model's ``jsonVersion``).
Parameters in their parsed form are written by the codecs themselves (``protocols``), and
errors always are (``encode_error``).

The other protocols (rest-xml, query, ec2, CBOR) have no JSON wire form: their *parsed form*
is what botocore's own parser reads (member names, ISO 8601 timestamps, base64 blobs), as
JSON data (``protocols.to_data``). Their schemas describe that form, so a wrong type, a new
enum value or a missing member is caught; an unknown member is not (the parsers drop it).
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import dataclasses
import datetime as dt
import email.utils
import functools
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from harness.aws.bodies import BodyError, plain_request
from harness.aws.models import operation_model, service_model, signing_names
from harness.aws.protocols import JSON_CONTENT_TYPES, json_read, protocol_of
from harness.aws.protocols._rest import quote_header_item, special_float
from harness.aws.protocols.s3_addressing import LOCAL_ENDPOINTS, s3_endpoint_of
from harness.errors import HarnessUsageError
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

_NON_BODY_LOCATIONS = ("uri", "querystring", "header", "headers", "statusCode")


class WireError(HarnessUsageError):
    """A request or response that cannot be read as the operation's wire protocol."""


# --------------------------------------------------------------------------- identify


@dataclass(frozen=True)
class _Route:
    service: str
    operation: str
    method: str
    pattern: re.Pattern[str]
    literal_length: int  # more literal characters = more specific route
    static_query: tuple[str, ...]


@functools.cache
def _routes(services: tuple[str, ...]) -> tuple[_Route, ...]:
    routes = []
    for service in services:
        model = service_model(service)
        if protocol_of(model) != "rest-json":
            continue
        for name in model.operation_names:
            http = model.operation_model(name).http
            path, _, query = http.get("requestUri", "/").partition("?")
            regex, literal = _uri_template_regex(path)
            routes.append(
                _Route(
                    service,
                    name,
                    http.get("method", "POST").upper(),
                    regex,
                    literal,
                    tuple(q.split("=", 1)[0] for q in query.split("&") if q),
                )
            )
    routes.sort(key=lambda r: -r.literal_length)
    return tuple(routes)


@functools.lru_cache(maxsize=4096)
def _uri_template_regex(template: str) -> tuple[re.Pattern[str], int]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex, literal = "", 0
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            group = _group_name(name)
            regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
        else:
            regex += re.escape(part)
            literal += len(part)
    return re.compile(f"^{regex}/?$"), literal


@functools.lru_cache(maxsize=4096)
def _group_name(label: str) -> str:
    """A URI label as a regex group name."""
    return re.sub(r"\W", "_", label)


@functools.cache
def _json_targets(services: tuple[str, ...]) -> dict[str, str]:
    # CloudTrail's target prefix is long in botocore's model
    # ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"); other SDKs send only the
    # last segment ("CloudTrail_20131101"). Both must resolve.
    targets: dict[str, str] = {}
    for service in services:
        model = service_model(service)
        prefix = model.metadata.get("targetPrefix")
        if protocol_of(model) == "json" and prefix:
            targets[prefix] = service
            targets[prefix.rsplit(".", 1)[-1]] = service
    return targets


_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


def credential_scope(request: HttpRequest) -> tuple[str, str] | None:
    """``(region, signing name)`` of a SigV4-signed request's credential scope, if it has one."""
    match = _CREDENTIAL_SCOPE.search(request.header("Authorization") or "")
    return (match.group(1), match.group(2)) if match else None


def identify(request: HttpRequest, services: Iterable[str]) -> tuple[str, str]:
    """Return ``(service, operation)`` of an HTTP request, reading it the way AWS routes it.

    ``services`` are the candidates (``harness.ops.SEED_OPERATIONS``: the three seed
    services; botocore's ``available_services()``: any). The signal used,
    in order: ``X-Amz-Target`` (json protocol), the SigV4 credential scope, the host name,
    then the method and path against the rest-json request URIs.
    """
    candidates = tuple(sorted(services))
    target = request.header("X-Amz-Target")
    if target:
        prefix, _, op = target.rpartition(".")
        service = _json_targets(candidates).get(prefix)
        if service and op in service_model(service).operation_names:
            return service, op
        raise WireError(
            f"Cannot route X-Amz-Target {target!r}: no json service among "
            f"{_names(candidates)} has that operation."
        )
    narrowed = _narrow_by_signature_or_host(request, candidates)
    found = _routed_by_codec(request, narrowed)  # told by its signature or host
    if found:
        return found
    split = urlsplit(request.url)
    path = split.path or "/"
    query = parse_qs(split.query, keep_blank_values=True)
    for route in _routes(narrowed or candidates):
        if (
            route.method == request.method.upper()
            and route.pattern.match(path)
            and all(q in query for q in route.static_query)
        ):
            return route.service, route.operation
    # Nothing told the service (unsigned, on a custom host): the other protocols' routing,
    # after rest-json's (``localhost:4566/b/k`` among S3 alone is S3's GetObject).
    found = None if narrowed else _routed_by_codec(request, candidates)
    if found:
        return found
    raise WireError(
        f"Cannot tell which operation {request.method} {split.path or '/'} is: it matches no "
        f"request URI of {_names(narrowed or candidates)}. Pass the service explicitly, or "
        "check the endpoint the client was pointed at."
    )


def _named_by_host(host: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates whose endpoint prefix ``host`` starts with (``sqs.us-east-1...``)."""
    return tuple(
        s
        for s in candidates
        if (host + ".").startswith(service_model(s).endpoint_prefix + ".")
        # (a json service's request has an X-Amz-Target: this one is not a json service's)
        and protocol_of(service_model(s)) != "json"
    )


def _routed_by_codec(request: HttpRequest, services: tuple[str, ...]) -> tuple[str, str] | None:
    """The first of ``services`` whose non-JSON protocol routes ``request``, with the
    operation (json and rest-json are routed by target and by ``_routes``)."""
    from harness.aws.protocols import codec

    for service in services:
        model = service_model(service)
        if protocol_of(model) not in JSON_CONTENT_TYPES:
            found = codec(protocol_of(model)).operation_name(model, request)
            if found:
                return service, found
    return None


def _names(services: tuple[str, ...]) -> str:
    # A message names a few services, not the 300 a whole-botocore search tried.
    if len(services) <= 5:
        return ", ".join(services)
    return f"{len(services)} json/rest-json services"


def _narrow_by_signature_or_host(
    request: HttpRequest, candidates: tuple[str, ...]
) -> tuple[str, ...]:
    host = urlsplit(request.url).hostname or request.header("Host") or ""
    # S3's bucket in the host, or one of its own endpoints (see s3_addressing)
    s3_host = s3_endpoint_of(host) if "s3" in candidates else None
    match = _CREDENTIAL_SCOPE.search(request.header("Authorization") or "")
    if match:
        signing = match.group(2)
        if s3_host is not None and signing in signing_names("s3"):
            return ("s3",)  # (s3-outposts also signs the S3 Outposts control API)
        found = tuple(s for s in candidates if service_model(s).signing_name == signing)
        if not found:  # a name the endpoint rules switch to (S3's ``s3express``...)
            found = tuple(s for s in candidates if signing in signing_names(s))
        if found:
            return found
    by_prefix = _named_by_host(host.lower(), candidates)
    if not by_prefix:  # after a host prefix botocore adds: {AccountId}.s3-control...
        by_prefix = _named_by_host(host.lower().split(".", 1)[-1], candidates)
    # on localhost a subdomain names a service as well as a bucket: sqs.localhost is SQS
    if s3_host is not None and not (by_prefix and s3_host in LOCAL_ENDPOINTS):
        return ("s3",)
    return by_prefix


# --------------------------------------------------------------------------- decode


def _is_error(status: int) -> bool:
    return status >= 300


def decode_request(service: str, operation: str, request: HttpRequest) -> dict[str, Any]:
    """Read a request into wire form (see the module docstring) through the input shape."""
    return decode_request_of(operation_model(service, operation), request)


def decode_request_of(op: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """``decode_request`` for any botocore ``OperationModel`` (a protocol suite's, say)."""
    service, operation = op.service_model.service_name, op.name
    shape = op.input_shape
    if shape is None:
        return {}
    if request.body_digest is not None:
        return _with_digested_body(op, request)
    try:  # aws-chunked framing and declared compression off: the body the input reads
        request = plain_request(op, request)
    except BodyError as exc:
        raise WireError(str(exc)) from None
    protocol = protocol_of(op.service_model)
    if protocol not in JSON_CONTENT_TYPES:
        # Other protocols have no JSON wire form: their codec's parameters, as JSON data.
        return _decoded_by_codec(op, request)
    if protocol == "json":
        return _json_object(request.body, f"the body of a {service}:{operation} request")
    layout = _rest_layout(op, "input")
    split = urlsplit(request.url)
    wire: dict[str, Any] = {}
    if layout.uri:
        # Match the raw path and unquote each captured value: an id may contain an encoded "/".
        path_match = layout.path.match(split.path or "/")
        captured = path_match.groupdict() if path_match else {}
        for name, member, group in layout.uri:
            if captured.get(group) is not None:
                wire[name] = _from_text(member, unquote(captured[group]), "uri")
    if layout.query:
        query = parse_qs(split.query, keep_blank_values=True)
        for name, member, wire_name in layout.query:
            if member.type_name == "map":
                # a map of lists keeps every value of a repeated key; a map of strings the last
                many = member.value.type_name == "list"
                rest = {
                    k: (v if many else v[-1])
                    for k, v in query.items()
                    if not _claimed_query(shape, k)
                }
                if rest:
                    wire[name] = rest
            elif wire_name in query:
                values = query[wire_name]
                wire[name] = (
                    [_from_text(member.member, v, "querystring") for v in values]
                    if member.type_name == "list"
                    else _from_text(member, values[-1], "querystring")
                )
    for name, member, location, wire_name in layout.headers:
        _read_header_member(wire, name, member, location, wire_name, request.headers)
    if layout.payload:
        wire.update(_decode_payload(shape.members[layout.payload], layout.payload, request.body))
    elif layout.body and request.body:
        wire.update(_json_object(request.body, f"the body of a {service}:{operation} request"))
    return wire


@dataclass(frozen=True)
class _RestLayout:
    """Where a rest-json input or output shape's members travel, worked out once per
    operation (reading a shape's serialization traits cost more than the decoding)."""

    uri: tuple[tuple[str, Shape, str], ...]  # (member, shape, regex group of its label)
    query: tuple[tuple[str, Shape, str], ...]  # (member, shape, query key)
    headers: tuple[tuple[str, Shape, str, str], ...]  # (member, shape, location, wire name)
    status: tuple[str, ...]  # members holding the HTTP status code
    body: bool  # some member travels in the JSON body
    payload: str | None  # the member that is the whole body, if any
    path: re.Pattern[str]  # the request URI template's regex (input)


@functools.lru_cache(maxsize=4096)
def _rest_layout(op: OperationModel, which: str) -> _RestLayout:
    shape = op.input_shape if which == "input" else op.output_shape
    uri, query, headers, status = [], [], [], []
    body = False
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            uri.append((name, member, _group_name(wire_name)))
        elif location == "querystring":
            query.append((name, member, wire_name))
        elif location in ("header", "headers"):
            headers.append((name, member, location, wire_name))
        elif location == "statusCode":
            status.append(name)
        else:
            body = True
    return _RestLayout(
        tuple(uri),
        tuple(query),
        tuple(headers),
        tuple(status),
        body,
        shape.serialization.get("payload"),
        _uri_template_regex(op.http.get("requestUri", "/").partition("?")[0])[0],
    )


def _with_digested_body(op: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """The parameters of a request whose body is kept as its digest (``bodies.digest_only``):
    its payload member is that digest, as parameters hold a large blob."""
    from harness.aws.bodies import digest_payload

    service, operation = op.service_model.service_name, op.name
    payload = digest_payload(service, operation)
    digest = request.body_digest
    assert digest is not None
    if payload is None:
        raise WireError(
            f"its request body is stored as a digest (sha256 and size), but {service}:"
            f"{operation} requests have no payload that replay matches by digest, so the body "
            "itself is needed. Re-record this interaction."
        )
    params = decode_request_of(op, dataclasses.replace(request, body_digest=None))
    params[payload] = digest.as_param()
    return params


def _decoded_by_codec(op: Any, request: HttpRequest) -> dict[str, Any]:
    from harness.aws import protocols

    try:
        return dict(protocols.to_data(protocols.decode_request(op, request)))
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # codecs raise on bad input
        raise WireError(
            f"Cannot read a {op.service_model.service_name}:{op.name} request: {exc}."
        ) from None


def _read_header_member(
    wire: dict[str, Any],
    name: str,
    member: Shape,
    location: str,
    wire_name: str,
    headers: dict[str, str],
) -> None:
    """Put a header-bound member (one header, or a map of prefixed headers) into ``wire``."""
    if location == "header":
        lowered = wire_name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
        if value is not None:
            wire[name] = _from_text(member, value, "header")
        return
    prefix = wire_name.lower()
    found = {k[len(prefix) :]: v for k, v in headers.items() if k.lower().startswith(prefix)}
    if found:
        wire[name] = found


def _claimed_query(shape: StructureShape, key: str) -> bool:
    return any(
        m.serialization.get("location") == "querystring" and m.serialization.get("name") == key
        for m in shape.members.values()
    )


def decode_response(service: str, operation: str, response: HttpResponse) -> dict[str, Any]:
    """Read a successful response into wire form through the output shape."""
    return decode_response_of(operation_model(service, operation), response)


def decode_response_of(op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """``decode_response`` for any botocore ``OperationModel`` (a protocol suite's, say)."""
    service, operation = op.service_model.service_name, op.name
    shape = op.output_shape
    if shape is None:
        return {}
    protocol = protocol_of(op.service_model)
    if protocol not in JSON_CONTENT_TYPES:
        return _parsed_by_botocore(op, response)
    if protocol == "json":
        return _json_object(response.body, f"the body of a {service}:{operation} response")
    layout = _rest_layout(op, "output")
    wire: dict[str, Any] = {}
    for name, member, location, wire_name in layout.headers:
        _read_header_member(wire, name, member, location, wire_name, response.headers)
    for name in layout.status:
        wire[name] = response.status
    payload = layout.payload
    if payload:
        wire.update(_decode_payload(shape.members[payload], payload, response.body))
    elif layout.body and response.body.strip():
        wire.update(_json_object(response.body, f"the body of a {service}:{operation} response"))
    return wire


def _botocore_parse(model: ServiceModel, response: HttpResponse, shape: Any) -> dict[str, Any]:
    from harness.aws import protocols

    try:
        return protocols.parse_response(protocol_of(model), response, shape)
    except Exception as exc:  # botocore's parsers raise many types on bytes they cannot read
        raise WireError(
            f"Cannot read a {model.service_name} response the way botocore does: {exc}"
        ) from None


def _parsed_by_botocore(op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """A response of a protocol with no JSON wire form, in parsed form (module docstring).

    A blob payload (an S3 object, say) is opaque bytes the contract has nothing to say about:
    it is left out rather than copied into the checked document; an event stream is
    checked event by event (``harness.contract.checker``), not here.
    """
    from harness.aws import protocols

    shape = op.output_shape
    if shape is None or (
        not response.body.strip() and protocol_of(op.service_model) in ("query", "ec2")
    ):
        return {}  # nothing to read: the query parsers refuse an empty document
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob" and response.body:
        # a client hands such a body over as a stream; botocore's parser would decode bytes
        # as UTF-8 (and fail on a binary S3 object), so the headers are read without it
        response = dataclasses.replace(response, body=b"")
    parsed = _botocore_parse(op.service_model, response, shape)
    parsed.pop("ResponseMetadata", None)
    for name, member in shape.members.items():
        if member.serialization.get("eventstream") or (
            name == shape.serialization.get("payload") and member.type_name == "blob"
        ):
            parsed.pop(name, None)  # checked event by event, or opaque bytes
    return dict(protocols.to_data(parsed))


@dataclass(frozen=True)
class ErrorInfo:
    """An error response as a client reads it: code, message, and the body in wire form."""

    code: str
    message: str
    status: int
    body: dict[str, Any]


def decode_error(service: str, response: HttpResponse) -> ErrorInfo:
    """Read an error response the way botocore does (``x-amzn-ErrorType`` first for rest-json).

    The code loses any ``ns#`` prefix and ``:http://...`` suffix, as every AWS SDK strips them.
    XML and CBOR errors are read by botocore's parser; their body is the modeled error's
    members in parsed form.
    """
    model = service_model(service)
    if protocol_of(model) not in JSON_CONTENT_TYPES:
        return _error_by_botocore(model, response)
    body: dict[str, Any]
    try:
        loaded = json_read.loads(response.body or b"{}")
        body = loaded if isinstance(loaded, dict) else {}
    except ValueError:
        body = {}
    code: str | None = None
    if protocol_of(service_model(service)) == "rest-json":
        code = response.header("x-amzn-ErrorType") or body.get("code") or body.get("Code")
    if not code:
        code = body.get("__type") or str(response.status)
    code = str(code).split(":", 1)[0].rsplit("#", 1)[-1]
    message = body.get("message", body.get("Message", ""))
    return ErrorInfo(code, str(message), response.status, body)


def _error_by_botocore(model: Any, response: HttpResponse) -> ErrorInfo:
    from harness.aws import protocols

    try:
        parsed = _botocore_parse(model, response, None)
    except WireError:
        parsed = {}
    error = parsed.get("Error") or {}
    code = str(error.get("Code") or response.status).split(":", 1)[0].rsplit("#", 1)[-1]
    body: dict[str, Any] = {}
    shape = model.shape_for_error_code(code)
    if shape is not None:
        # botocore's second pass (endpoint._add_modeled_error_fields): the modeled members
        with contextlib.suppress(WireError):
            body = dict(protocols.to_data(_botocore_parse(model, response, shape)))
        body.pop("ResponseMetadata", None)
    return ErrorInfo(code, str(error.get("Message") or ""), response.status, body)


def is_error(response: HttpResponse) -> bool:
    """True for a response botocore would parse as an error (status 300 or above)."""
    return _is_error(response.status)


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json_read.loads(body)
    except ValueError as exc:
        raise WireError(f"Cannot read {what} as JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise WireError(f"Expected a JSON object in {what}, got {type(value).__name__}.")
    return value


def _decode_payload(member: Shape, name: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if getattr(member, "is_document_type", False):
        try:
            return {name: json_read.loads(body)}  # a document payload is any JSON value
        except ValueError:
            raise WireError(f"Payload member {name} is not JSON.") from None
    if member.type_name == "structure" or member.type_name == "union":
        return {name: _json_object(body, f"payload member {name}")}
    if member.type_name == "blob":
        return {name: base64.b64encode(body).decode("ascii")}
    return {name: body.decode("utf-8", "replace")}


def _encode_payload(member: Shape | None, value: Any) -> bytes:
    """The body of a payload member: JSON for a structure, raw bytes for a blob, else text.

    The inverse of ``_decode_payload``: a blob travels base64-encoded in wire form.
    """
    if member is not None and member.type_name == "blob":
        return base64.b64decode(value)
    if isinstance(value, dict) or (member is not None and member.type_name == "structure"):
        return _dump(value)  # a structure or document payload: JSON, whatever its value
    return str(value).encode()


def _from_text(shape: Shape, text: str, location: str) -> Any:
    """Convert a member carried as text (URI, query, header) to its JSON type."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return {"true": True, "false": False}[text.lower()]
        if kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat")
            if fmt == "unixTimestamp":
                number = float(text)
                return int(number) if number.is_integer() else number
            return text
        if kind == "list" and location == "header":
            from harness.aws.protocols._rest import split_header_list

            items = split_header_list(text, shape.member)
            return [_from_text(shape.member, item, location) for item in items]
    except (ValueError, KeyError):
        return text  # leave it as text: the schema reports the wrong type
    return text


# --------------------------------------------------------------------------- encode


def timestamp_format(shape: Shape, protocol: str, location: str | None = None) -> str:
    """The wire format of a timestamp member: ``unixTimestamp``, ``iso8601`` or ``rfc822``."""
    fmt = shape.serialization.get("timestampFormat")
    if fmt:
        return str(fmt)
    if location == "header":
        return "rfc822"
    if location in ("querystring", "uri"):
        return "iso8601"
    # CBOR carries epoch seconds (tag 1), which the JSON form keeps as a number.
    return "unixTimestamp" if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor") else "iso8601"


def encode_timestamp(value: dt.datetime, fmt: str) -> int | float | str:
    """Write a datetime in a wire format (whole seconds as integers, as botocore does)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(dt.timezone.utc)
    if fmt == "unixTimestamp":
        seconds = calendar.timegm(value.timetuple())
        return seconds + value.microsecond / 1e6 if value.microsecond else seconds
    if fmt == "rfc822":
        return email.utils.formatdate(calendar.timegm(value.timetuple()), usegmt=True)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def parse_timestamp(value: Any) -> dt.datetime:
    """Read a wire timestamp (epoch number, ISO 8601 or RFC 822 text) as an aware datetime."""
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    text = str(value)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def to_wire(shape: Shape, value: Any, protocol: str, location: str | None = None) -> Any:
    """Convert a Python value (as boto3 takes or returns it) to its wire form under ``shape``."""
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure" and getattr(shape, "is_document_type", False):
        return value  # a document member is any JSON, carried as is
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value:
                loc = member.serialization.get("location")
                key = name if loc in _NON_BODY_LOCATIONS else member.serialization.get("name", name)
                out[key] = to_wire(member, value[name], protocol, loc)
        return out
    if kind == "list":
        return [to_wire(shape.member, v, protocol, location) for v in value]
    if kind == "map":
        return {k: to_wire(shape.value, v, protocol, location) for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, dt.datetime):
            return encode_timestamp(value, timestamp_format(shape, protocol, location))
        return value
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "string" and location == "header" and shape.serialization.get("jsonvalue"):
        # boto3 takes and returns any JSON value here; on the wire it is base64 of compact JSON.
        text = json.dumps(value, separators=(",", ":"))
        return base64.b64encode(text.encode("utf-8")).decode("ascii")
    return value


def encode_request(
    service: str, operation: str, wire: dict[str, Any], endpoint: str = "http://127.0.0.1"
) -> HttpRequest:
    """Write a wire-form request as HTTP (unsigned), the inverse of ``decode_request``."""
    return encode_request_of(operation_model(service, operation), wire, endpoint)


def encode_request_of(
    op: OperationModel, wire: dict[str, Any], endpoint: str = "http://127.0.0.1"
) -> HttpRequest:
    """``encode_request`` for any botocore ``OperationModel`` (a protocol suite's, say)."""
    operation = op.name
    protocol = protocol_of(op.service_model)
    if protocol == "json":
        headers = {
            "Content-Type": _content_type(op),
            "X-Amz-Target": f"{op.service_model.metadata['targetPrefix']}.{operation}",
        }
        return HttpRequest("POST", endpoint.rstrip("/") + "/", headers, _dump(wire))
    headers = {}
    shape = op.input_shape
    path, _, static_query = op.http.get("requestUri", "/").partition("?")
    query: list[tuple[str, str]] = [(q, "") for q in static_query.split("&") if q]
    body: dict[str, Any] = {}
    raw_body: bytes | None = None
    members = shape.members if shape is not None else {}
    payload = shape.serialization.get("payload") if shape is not None else None
    for name, value in wire.items():
        member = members.get(name)
        location = member.serialization.get("location") if member is not None else None
        wire_name = member.serialization.get("name", name) if member is not None else name
        if value is None and (location is not None or name == payload):
            continue  # a member nobody set is not sent
        if location == "uri":
            greedy = "{" + wire_name + "+}" in path
            path = path.replace(
                "{" + wire_name + ("+}" if greedy else "}"),
                quote(str(value), safe="/" if greedy else ""),
            )
        elif location == "querystring":
            if isinstance(value, dict):  # a map: a list value repeats its key
                for key, item in value.items():
                    items = item if isinstance(item, list) else [item]
                    query.extend((key, _text(v)) for v in items if v is not None)
            else:
                items = value if isinstance(value, list) else [value]
                query.extend((wire_name, _text(v)) for v in items if v is not None)
        elif location == "header":
            headers[wire_name] = _header_text(value, member)
        elif location == "headers":
            headers.update({wire_name + k: _text(v) for k, v in value.items() if v is not None})
        elif name == payload:
            raw_body = _encode_payload(member, value)
        else:
            body[name] = value
    qs = "&".join(
        f"{quote(k, safe='')}={quote(v, safe='')}" if v else quote(k, safe="") for k, v in query
    )
    url = endpoint.rstrip("/") + path + (f"?{qs}" if qs else "")
    structured = raw_body is None or (
        payload is not None and members[payload].type_name == "structure"
    )
    if raw_body is None:
        has_body = any(m.serialization.get("location") is None for m in members.values())
        sends = op.http.get("method", "POST") in ("POST", "PUT", "PATCH")
        raw_body = _dump(body) if body or (has_body and sends and not payload) else b""
    if raw_body and structured and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = _content_type(op)  # a JSON body; a modeled header wins
    return HttpRequest(op.http.get("method", "POST"), url, headers, raw_body)


def encode_response(
    service: str, operation: str, wire: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """Write a wire-form output as the HTTP response the service would send."""
    return encode_response_of(operation_model(service, operation), wire, status)


def encode_response_of(
    op: OperationModel, wire: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """``encode_response`` for any botocore ``OperationModel`` (a protocol suite's, say)."""
    protocol = protocol_of(op.service_model)
    code = status or int(op.http.get("responseCode", 200))
    shape = op.output_shape
    if protocol == "json" or shape is None:
        return HttpResponse(code, _base_headers(op), _dump(wire))
    headers: dict[str, str] = {}
    prefixes: list[str] = []  # of header maps: botocore reads every header they match
    body: dict[str, Any] = {}
    raw_body: bytes | None = None
    payload = shape.serialization.get("payload")
    for name, value in wire.items():
        member = shape.members.get(name)
        location = member.serialization.get("location") if member is not None else None
        wire_name = member.serialization.get("name", name) if member is not None else name
        if location == "headers" and member is not None:
            wire_name = member.serialization.get("name", "")  # unnamed: every header
        if value is None and location is not None:
            continue  # a header, status or map nobody set is not written
        if location == "header":
            headers[wire_name] = _header_text(value, member)
        elif location == "headers":
            prefixes.append(str(wire_name).lower())
            known = {k.lower() for k in headers}
            for key, item in value.items():  # one header per name, whatever its case
                if item is not None and (wire_name + key).lower() not in known:
                    headers[wire_name + key] = _text(item)
                    known.add((wire_name + key).lower())
        elif location == "statusCode":
            code = int(value)
        elif payload == name:
            raw_body = _encode_payload(member, value) if value is not None else b""
        else:
            body[name] = value
    if raw_body is None:
        has_body_members = any(
            m.serialization.get("location") is None for m in shape.members.values()
        )
        raw_body = _dump(body) if body or (has_body_members and not payload) else b""
    known = {k.lower() for k in headers}
    if raw_body and "content-type" not in known and not any(p == "" for p in prefixes):
        headers["Content-Type"] = _content_type(op)
    if not any("x-amzn-requestid".startswith(p) for p in prefixes):
        headers["x-amzn-RequestId"] = str(uuid.uuid4())  # unless a header map would catch it
    return HttpResponse(code, headers, raw_body)


def _header_text(value: Any, member: Shape | None) -> str:
    """A header's text: a list joined by commas, a string item holding a comma or a quote
    quoted (as botocore writes and reads a list header; HTTP dates stay as they are)."""
    if not isinstance(value, list):
        return _text(value)
    strings = member is None or getattr(member, "member", None) is None
    strings = strings or member.member.type_name == "string"  # type: ignore[union-attr]
    return ",".join(quote_header_item(_text(v)) if strings else _text(v) for v in value)


def error_status(service: str, code: str, default: int = 400) -> int:
    """The HTTP status the model gives error ``code`` (its ``error.httpStatusCode``)."""
    model = service_model(service)
    for shape in model.error_shapes:
        error = shape.metadata.get("error", {})
        if shape.name == code or error.get("code") == code:
            return int(error.get("httpStatusCode", default))
    return default


def encode_error(
    service: str,
    code: str,
    message: str,
    status: int | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Write an error response the way the service does, as its codec writes it.

    The code where the protocol puts it (json's ``__type``, rest-json's ``x-amzn-ErrorType``,
    the ``<Error>`` element of query, ec2 and rest-xml), the message under the member name
    the error shape uses, the status from the shape's ``httpStatusCode`` unless ``status``
    says otherwise. ``extra`` holds the error's other members in wire form (as
    ``encode_response`` takes an output): for json and rest-json, body members under their
    JSON keys and header-bound members under their member names; for the other protocols,
    botocore's parse as JSON data (ISO timestamps, base64 blobs), the form ``decode_error``
    returns. Each is written where the model binds it (a header, the body); a key the error
    shape does not have is written into the body as given.
    """
    from harness.aws import protocols

    model = service_model(service)
    protocol = protocol_of(model)
    members = _error_members(model, protocol, code, extra) if extra else None
    response = protocols.codec(protocol).encode_error(model, code, message, status, members)
    assert isinstance(response, HttpResponse)
    return response


def _error_members(
    model: ServiceModel, protocol: str, code: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """``extra`` (wire form) as the parsed form the codecs write: member names, bytes."""
    from harness.aws.protocols._errors import error_shape

    shape = error_shape(model, code)
    if shape is None:
        return dict(extra)
    try:
        if protocol in JSON_CONTENT_TYPES:
            return _members_from_wire(shape, extra)
        return dict(_from_data(shape, extra))
    except ValueError as exc:  # base64, numbers, timestamps that do not read
        raise WireError(
            f"Cannot write the members {sorted(extra)} of a {model.service_name} "
            f"{shape.name} error: {exc}. Pass them in wire form (the form decode_error "
            "returns in ErrorInfo.body)."
        ) from None


def _members_from_wire(shape: Shape, wire: dict[str, Any]) -> dict[str, Any]:
    from harness.aws.protocols._rest import text_to_value
    from harness.aws.protocols.awsjson import from_json

    out: dict[str, Any] = {}
    claimed: set[str] = set()
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        key = name if location in _NON_BODY_LOCATIONS else member.serialization.get("name", name)
        if key not in wire:
            continue
        claimed.add(key)
        value = wire[key]
        if location == "header" and value is not None:
            # wire form holds a header as its JSON type; read it as the header's text
            if member.type_name == "list":
                out[name] = [text_to_value(member.member, _text(v), "header") for v in value]
            else:
                out[name] = text_to_value(member, _text(value), "header")
        elif location in _NON_BODY_LOCATIONS:
            out[name] = value
        else:
            out[name] = from_json(member, value)
    out.update({k: v for k, v in wire.items() if k not in claimed})
    return out


def _from_data(shape: Shape, value: Any) -> Any:
    """Parsed form as JSON data (``protocols.to_data``) back to parsed form: blobs as bytes,
    NaN and the infinities as floats (timestamps stay text: the codecs read it)."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        members = shape.members
        return {k: _from_data(members[k], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_from_data(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _from_data(shape.value, v) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value, validate=True)
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)
    return value


def _content_type(op: OperationModel) -> str:
    """The codec's label: json services say the model's ``jsonVersion`` (1.0 or 1.1)."""
    from harness.aws.protocols import awsjson, restjson

    if protocol_of(op.service_model) == "json":
        return awsjson.content_type(op.service_model)
    return restjson.CONTENT_TYPE


def _base_headers(op: OperationModel) -> dict[str, str]:
    return {"Content-Type": _content_type(op), "x-amzn-RequestId": str(uuid.uuid4())}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(special_float(value))  # NaN and the infinities by name, as botocore
    return str(value)


def _dump(value: Any) -> bytes:
    from harness.aws.protocols.awsjson import dump_json  # the codecs' one JSON writer

    return dump_json(value)
