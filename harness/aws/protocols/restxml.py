"""The rest-xml protocol (S3, CloudFront, Route 53): REST bindings (``_rest``) and XML bodies.

A request body is read by ``_xml.read_body`` (the inverse of botocore's
``RestXMLSerializer``); a response body is written by ``_xml`` as botocore's
``RestXMLParser`` reads it. An upload botocore sends ``aws-chunked`` (flexible checksums on
streaming bodies over HTTPS) is de-chunked first, and its trailing checksum read as the
header it stands for, so an upload decodes the same whether its checksum came as a header
or as a trailer.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from harness.aws.bodies import dechunked
from harness.aws.protocols import _rest
from harness.aws.protocols._errors import error_shape, error_status, put_header, with_message
from harness.aws.protocols._xml import element, error_children, error_response, members, read_body
from harness.aws.protocols.s3_addressing import path_style, uses_express_control
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

CONTENT_TYPE = "application/xml"


def decode_body(shape: Shape, body: bytes) -> Any:
    """An XML body as the parameters of ``shape`` (the ``_rest.BodyDecoder`` of rest-xml)."""
    return read_body(shape, body)


def encode_body(shape: Shape, value: Any) -> bytes:
    """``value`` as the XML body of ``shape`` (the ``_rest.BodyEncoder`` of rest-xml)."""
    root = str(shape.serialization.get("name") or shape.name)
    if shape.type_name in ("structure", "union") and not getattr(shape, "members", None):
        return f"<{root}/>".encode()
    if set(value) <= set(getattr(shape, "members", {})) and shape.type_name == "structure":
        return element(root, shape, value).encode("utf-8")
    return f"<{root}>{members(shape, value)}</{root}>".encode()


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation a rest-xml request calls, or None.

    Routes by method, path and static query as ``_rest`` does, then tells apart operations
    that share a route (S3's ``PUT /{Bucket}/{Key+}`` is PutObject, CopyObject, UploadPart
    and UploadPartCopy) by their required header and query members: an operation whose
    required members are missing is not the one called, and of the rest the one that
    requires the most wins. Ties go to the operation that models every query key sent, then
    (S3) to the one whose endpoint the host is: ``GET /`` on ``s3express-control`` is
    ListDirectoryBuckets, elsewhere ListBuckets. A virtual-hosted S3 request is read
    path-style (``s3_addressing``).
    """
    split = urlsplit(_s3_path_style(service_model, request).url)
    path = split.path or "/"
    query_keys = {k for k, _ in parse_qsl(split.query, keep_blank_values=True)}
    express_host = uses_express_control(split.hostname or "")
    best: tuple[int, ...] | None = None
    found: str | None = None
    for name in service_model.operation_names:
        op = service_model.operation_model(name)
        if str(op.http.get("method", "POST")).upper() != request.method.upper():
            continue
        pattern, static, literal = _rest.uri_pattern(str(op.http.get("requestUri", "/")))
        if not pattern.fullmatch(path) or any(k not in query_keys for k, _ in static):
            continue
        required = _required_bindings(op)
        present = all(
            request.header(wire) is not None if where == "header" else wire in query_keys
            for where, wire in required
        )
        if not present:
            continue
        express = any(
            p.name == "UseS3ExpressControlEndpoint" and p.value
            for p in getattr(op, "static_context_parameters", ())
        )
        rank = (
            literal,
            len(static),
            _reads_query(op, query_keys),
            express == express_host,
            len(required),
        )
        if best is None or rank > best:
            best, found = rank, name
    return found


@functools.lru_cache(maxsize=4096)
def _modeled_query_keys(operation_model: OperationModel) -> frozenset[str] | None:
    """The query keys an operation reads (its static ones and its members'); None when a
    map of query parameters takes any key."""
    keys = {k for k, _ in _rest.uri_pattern(str(operation_model.http.get("requestUri", "/")))[1]}
    shape = operation_model.input_shape
    for name, member in shape.members.items() if shape is not None else ():
        if member.serialization.get("location") == "querystring":
            if member.type_name == "map":
                return None
            keys.add(str(member.serialization.get("name", name)))
    return frozenset(keys)


def _reads_query(operation_model: OperationModel, query_keys: set[str]) -> bool:
    modeled = _modeled_query_keys(operation_model)
    return modeled is None or query_keys <= modeled


def _required_bindings(operation_model: OperationModel) -> list[tuple[str, str]]:
    """(location, wire name) of the required members bound to a header or the query string."""
    shape = operation_model.input_shape
    if shape is None:
        return []
    out = []
    for name in shape.required_members:
        member = shape.members[name]
        location = member.serialization.get("location")
        if location in ("header", "querystring"):
            out.append((str(location), str(member.serialization.get("name", name))))
    return out


def _s3_path_style(service_model: ServiceModel, request: HttpRequest) -> HttpRequest:
    # Only S3 puts buckets in hosts; S3 Control's account-id host label is no bucket.
    return path_style(request) if service_model.service_name == "s3" else request


def decode_request(operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """The parameters of a rest-xml request (an ``aws-chunked`` upload is de-chunked; a
    virtual-hosted S3 request is read path-style: ``s3_addressing``)."""
    request = dechunked(_s3_path_style(operation_model.service_model, request))
    params = _rest.decode_request(operation_model, request, decode_body)
    shape = operation_model.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is not None and payload and payload not in params and request.body.strip():
        # rest-xml sends no body for an absent structure payload (rest-json sends "{}"), so
        # an empty element here is an empty structure the caller passed.
        member = shape.members[payload]
        if member.type_name == "structure":
            params[payload] = decode_body(member, request.body)
    return params


def encode_response(
    operation_model: OperationModel, result: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """Headers, status code and the XML body (or raw payload) of a rest-xml response."""
    return _rest.encode_response(operation_model, result, status, encode_body, CONTENT_TYPE)


def encode_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """An error response botocore parses to ``Error.Code == code``, ``Message == message``
    and, beside ``Error``, the modeled members in ``extra`` (parsed form: ``_errors``).

    S3 answers with a bare ``<Error><Code/><Message/>...<RequestId/><HostId/></Error>`` and
    its request id in ``x-amz-request-id``; Route 53, CloudFront and the other rest-xml
    services with the query protocol's ``<ErrorResponse>``. Header-bound members travel as
    headers, the others inside ``<Error>``.
    """
    shape = error_shape(service_model, code)
    values = with_message(shape, message, extra)
    headers: dict[str, str] = {}
    bound: int | None = None
    if shape is not None:
        headers, bound, values, _ = _rest.split_bound(shape, values)
    status = error_status(shape, status, bound)
    request_id = str(uuid.uuid4())
    if service_model.metadata.get("endpointPrefix") == "s3":
        host_id = uuid.uuid4().hex
        inner = error_children(shape, code, message, values)
        ids = f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId>"
        body = f"<Error>{inner}{ids}</Error>"
        put_header(headers, "x-amz-request-id", request_id)
        put_header(headers, "x-amz-id-2", host_id)
    else:
        body = error_response(shape, code, message, values, status, request_id)
        put_header(headers, "x-amzn-RequestId", request_id)
    put_header(headers, "Content-Type", CONTENT_TYPE)
    return HttpResponse(status, headers, body.encode("utf-8"))


__all__ = [
    "decode_body",
    "decode_request",
    "encode_body",
    "encode_error",
    "encode_response",
    "operation_name",
]
