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

This module reads and writes no format itself: it routes a request to its operation
(``identify``) and hands the wire form to the protocol's codec, which walks the bindings once
for both forms (``_rest.PARSED`` and ``_rest.WIRE``). Writing places wire-form values exactly
as given, broken ones included (the contract tests and the synthetic faults need a wrong type
or an unknown member on the wire); reading keeps what was sent for the schemas to judge.
Errors are written by the codecs from their parsed form (``encode_error``).

The other protocols (rest-xml, query, ec2, CBOR) have no JSON wire form: their *parsed form*
is what botocore's own parser reads (member names, ISO 8601 timestamps, base64 blobs), as
JSON data (``protocols.to_data``). Their schemas describe that form, so a wrong type, a new
enum value or a missing member is caught; an unknown member is not (the parsers drop it).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from harness.aws.bodies import BodyError, plain_request
from harness.aws.models import (
    operation_model,
    resolved_protocol_of,
    service_metadata,
    service_model,
    signing_names,
)
from harness.aws.protocols import JSON_CONTENT_TYPES, _values, json_read, protocol_of
from harness.aws.protocols._rest import WIRE, text_to_value, uri_pattern, wire_to_text
from harness.aws.protocols._values import DecodeError, format_timestamp
from harness.aws.protocols.s3_addressing import LOCAL_ENDPOINTS, s3_endpoint_of
from harness.errors import HarnessUsageError
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

_NON_BODY_LOCATIONS = ("uri", "querystring", "header", "headers", "statusCode")


class WireError(HarnessUsageError):
    """A request or response that cannot be read as the operation's wire protocol."""


# --------------------------------------------------------------------------- identify


@dataclass(kw_only=True, frozen=True)
class _Route:
    service: str
    operation: str
    method: str
    pattern: re.Pattern[str]  # the codecs' compiled requestUri (``_rest.uri_pattern``)
    literal_length: int  # more literal characters = more specific route
    static_query: tuple[str, ...]


@functools.cache
def _routes(services: tuple[str, ...]) -> tuple[_Route, ...]:
    """Every rest-json operation of ``services``, most specific request URI first: one sort
    across services, so an unsigned request on a custom host finds its most literal match."""
    routes = []
    for service in services:
        model = service_model(service)
        if protocol_of(model) != "rest-json":
            continue
        for name in model.operation_names:
            http = model.operation_model(name).http
            pattern, static, literal = uri_pattern(str(http.get("requestUri", "/")))
            method = str(http.get("method", "POST")).upper()
            routes.append(
                _Route(
                    service=service,
                    operation=name,
                    method=method,
                    pattern=pattern,
                    literal_length=literal,
                    static_query=tuple(k for k, _ in static),
                )
            )
    routes.sort(key=lambda r: -r.literal_length)
    return tuple(routes)


@functools.cache
def _json_targets(services: tuple[str, ...]) -> dict[str, str]:
    # CloudTrail's target prefix is long in botocore's model
    # ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"); other SDKs send only the
    # last segment ("CloudTrail_20131101"). Both must resolve.
    targets: dict[str, str] = {}
    for service in services:
        metadata = service_metadata(service)  # (not the whole model: all 400 are read)
        prefix = metadata.get("targetPrefix")
        if prefix and resolved_protocol_of(metadata) == "json":
            targets[prefix] = service
            targets[prefix.rsplit(".", 1)[-1]] = service
    return targets


def _signed_with_target(
    request: HttpRequest, prefix: str, candidates: tuple[str, ...]
) -> str | None:
    """The service a json request's credential scope names, when its target prefix is that
    service's: found without reading every model's metadata (``_json_targets``)."""
    scope = credential_scope(request)
    if scope is None or scope[1] not in candidates:
        return None
    metadata = service_metadata(scope[1])
    declared = str(metadata.get("targetPrefix") or "")
    if prefix and prefix in (declared, declared.rsplit(".", 1)[-1]):
        return scope[1] if resolved_protocol_of(metadata) == "json" else None
    return None


@functools.cache
def _signed_as(services: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The candidates by the signing name of their model (one pass, not one per request)."""
    by_name: dict[str, list[str]] = {}
    for service in services:
        metadata = service_metadata(service)  # (as ``ServiceModel.signing_name`` reads it)
        name = metadata.get("signingName") or metadata.get("endpointPrefix")
        if name:
            by_name.setdefault(name, []).append(service)
    return {name: tuple(found) for name, found in by_name.items()}


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
        service = _signed_with_target(request, prefix, candidates) or _json_targets(candidates).get(
            prefix
        )
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
            and route.pattern.fullmatch(path)
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
        if (host + ".").startswith(str(service_metadata(s).get("endpointPrefix")) + ".")
        # (a json service's request has an X-Amz-Target: this one is not a json service's)
        and resolved_protocol_of(service_metadata(s)) != "json"
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
        found = _signed_as(candidates).get(signing, ())
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


def decode_request(service: str, operation: str, request: HttpRequest) -> dict[str, Any]:
    """Read a request into wire form (see the module docstring) through the input shape."""
    return decode_request_of(operation_model(service, operation), request)


def request_params(service: str, operation: str, request: HttpRequest) -> dict[str, Any]:
    """The request's parameters in wire form; an unreadable body becomes ``{"$body": text}``."""
    try:
        return decode_request(service, operation, request)
    except WireError:
        return {"$body": request.body.decode("utf-8", "replace")}


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
    try:
        return dict(_json_codec(protocol).decode_request(op, request, WIRE))
    except DecodeError as exc:
        raise WireError(f"Cannot read a {service}:{operation} request: {exc}.") from None


@functools.cache
def _json_codec(protocol: str) -> Any:
    """The codec of a JSON protocol (``awsjson``, ``restjson``), which reads and writes the
    wire form in ``_rest.WIRE`` (looked up once: every replayed call decodes through it)."""
    from harness.aws import protocols

    return protocols.codec(protocol)


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
    if shape.event_stream_name:
        response = _stream_head(op, response)
    try:
        return dict(_json_codec(protocol).decode_response(op, response, WIRE))
    except DecodeError as exc:
        raise WireError(f"Cannot read a {service}:{operation} response: {exc}.") from None


# --------------------------------------------------------------------------- event streams
# An event-stream output's members other than the stream are read by ``decode_response_of``
# (from the headers, or json's ``initial-response`` message); the stream itself is read event
# by event (``decode_events_of``), each event checked alone under the stream member, as the
# contract checker checks a recorded stream.


def _stream_head(op: OperationModel, response: HttpResponse) -> HttpResponse:
    """The part of an event-stream response that holds the output's other members, as a
    response the JSON codecs read: rest-json's headers (no body), or json's body as the
    ``initial-response`` message carries it (botocore's ``JSONParser`` reads them there and
    refuses a stream that does not begin with one)."""
    from harness.aws import eventstream

    if protocol_of(op.service_model) != "json" or not response.body:
        return dataclasses.replace(response, body=b"")
    try:
        messages = eventstream.decode_stream(response.body)
    except eventstream.EventStreamError as exc:
        raise WireError(f"Cannot read a {op.name} event stream: {exc}") from None
    if not messages or messages[0].header(":event-type") != "initial-response":
        raise WireError(
            f"Cannot read a {op.name} event stream: its first event is not the initial-response "
            "(botocore: 'First event was not of type initial-response')."
        )
    return dataclasses.replace(response, body=messages[0].payload)


def decode_events_of(op: OperationModel, response: HttpResponse) -> list[dict[str, Any]]:
    """The events of an event-stream response (raw ``vnd.amazon.eventstream`` bytes), each
    as ``{event type: event}``: the value the checker puts under the stream member to check
    one event against the output schema (``event_streams.decode_events``: json and rest-json
    events in wire form, the others' in parsed form). Bytes that are no event stream, or an
    event that does not read, raise ``WireError``."""
    from harness.aws import eventstream
    from harness.aws.protocols import event_streams

    try:
        return event_streams.decode_events(op, response.body)
    except eventstream.EventStreamError as exc:
        raise WireError(f"Cannot read a {op.name} event stream: {exc}") from None


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
    if (
        payload
        and response.body
        and (shape.members[payload].type_name == "blob" or payload == shape.event_stream_name)
    ):
        # a client hands such a body over as a stream; botocore's parser would decode bytes
        # as UTF-8 (and fail on a binary S3 object), so the headers are read without it (an
        # event stream is read by ``decode_events_of``)
        response = dataclasses.replace(response, body=b"")
    parsed = _botocore_parse(op.service_model, response, shape)
    parsed.pop("ResponseMetadata", None)
    if protocol_of(op.service_model) == "rest-xml":
        parsed = _shared_element_names(shape, parsed)
    for name, member in shape.members.items():
        if member.serialization.get("eventstream") or (
            name == shape.serialization.get("payload") and member.type_name == "blob"
        ):
            parsed.pop(name, None)  # checked event by event, or opaque bytes
    return dict(protocols.to_data(parsed))


def _shared_element_names(shape: Any, value: Any) -> Any:
    """``value`` with each scalar member that shares its XML element name with a flattened
    list beside it read as botocore reads a single such element: its text.

    S3's ``TopicConfigurationDeprecated`` has ``Events`` (a flattened list of ``<Event>``)
    and the deprecated ``Event`` (one ``<Event>``); botocore's parser hands every
    ``<Event>`` to both, so with two events ``Event`` is a list of XML nodes, not a string.
    The service sent what the model says; the list member checks every element, and the
    scalar is judged by the first. A scalar element repeated without such a list beside it
    is left for the schema to report.
    """
    from harness.aws.protocols._xml import read_scalar

    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        members = shape.members
        shared = _aliased_scalars(shape)
        out = {}
        for name, item in value.items():
            member = members.get(name)
            if (
                name in shared
                and isinstance(item, list)
                and item
                and all(hasattr(node, "text") for node in item)
            ):
                text = item[0].text or ""
                try:
                    item = read_scalar(member, text)
                except DecodeError:
                    item = text  # (the schema reports the text a number cannot be)
            out[name] = _shared_element_names(member, item) if member is not None else item
        return out
    if kind == "list" and isinstance(value, list):
        return [_shared_element_names(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _shared_element_names(shape.value, v) for k, v in value.items()}
    return value


def _aliased_scalars(shape: Any) -> frozenset[str]:
    """The scalar members of ``shape`` whose element name a flattened list member uses."""
    listed = {
        str(m.member.serialization.get("name") or m.serialization.get("name", n))
        for n, m in shape.members.items()
        if m.type_name == "list" and m.serialization.get("flattened")
    }
    return frozenset(
        n
        for n, m in shape.members.items()
        if m.type_name not in ("structure", "list", "map")
        and str(m.serialization.get("name", n)) in listed
    )


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
    return response.status >= 300


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
    """Write a datetime in a wire format as services do: whole seconds as integers, ISO 8601
    to the millisecond (the codecs' ``format_timestamp``)."""
    return format_timestamp(value, fmt, digits=3)


def parse_timestamp(value: Any) -> dt.datetime:
    """Read a wire timestamp (epoch number, ISO 8601 or RFC 822 text) as an aware datetime;
    text that is none of them raises ``ValueError`` (the codecs' ``parse_timestamp``)."""
    return _values.parse_timestamp(value)


def to_wire(shape: Shape, value: Any, protocol: str, location: str | None = None) -> Any:
    """Convert a Python value (as boto3 takes or returns it) to its wire form under ``shape``."""
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure" and getattr(shape, "is_document_type", False):
        return value  # a document member is any JSON, carried as is
    if kind == "structure":
        unknown = value.get("SDK_UNKNOWN_MEMBER") if shape.is_tagged_union else None
        if isinstance(unknown, dict) and "name" in unknown:
            # botocore's parse of a union member it does not know: that member, as
            # the json codecs write it back (``awsjson.to_json``)
            return {str(unknown["name"]): {}}
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
    from harness.aws import protocols

    protocol = protocol_of(op.service_model)
    if protocol in JSON_CONTENT_TYPES:
        request = _json_codec(protocol).encode_request(op, wire, endpoint, WIRE)
    else:  # parsed form as JSON data, written by botocore's own serializer
        shape = op.input_shape
        params = _from_data(shape, wire) if shape is not None else {}
        request = protocols.encode_request(op, params, endpoint)
    assert isinstance(request, HttpRequest)
    return request


def encode_response(
    service: str, operation: str, wire: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """Write a wire-form output as the HTTP response the service would send."""
    return encode_response_of(operation_model(service, operation), wire, status)


def encode_response_of(
    op: OperationModel, wire: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """``encode_response`` for any botocore ``OperationModel`` (a protocol suite's, say)."""
    from harness.aws import protocols

    protocol = protocol_of(op.service_model)
    if protocol in JSON_CONTENT_TYPES:
        response = _json_codec(protocol).encode_response(op, wire, status, WIRE)
    else:  # parsed form as JSON data, written by the protocol's codec
        shape = op.output_shape
        result = _from_data(shape, wire) if shape is not None else {}
        response = protocols.encode_response(op, result, status)
    assert isinstance(response, HttpResponse)
    return response


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
            out[name] = text_to_value(member, wire_to_text(member, value, "header"), "header")
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
