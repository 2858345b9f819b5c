"""The rest-xml protocol (S3, CloudFront, Route 53): REST bindings (``_rest``) and XML bodies.

A request body is read by botocore's own XML shape parser (``_xml.read_structure``); a
response body is written by ``_xml`` as botocore's ``RestXMLParser`` reads it. An upload
botocore sends ``aws-chunked`` (flexible checksums on streaming bodies) is de-chunked first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from harness.exchange import HttpRequest, HttpResponse
from harness.protocols import _rest
from harness.protocols._xml import element, encode_query_error, members, read_structure

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

CONTENT_TYPE = "application/xml"


def decode_body(shape: Shape, body: bytes) -> Any:
    """An XML body as the parameters of ``shape`` (the ``_rest.BodyDecoder`` of rest-xml)."""
    value = read_structure(shape, body)
    if isinstance(value, dict):
        # members bound elsewhere are never in the body
        return {k: v for k, v in value.items() if not _located(shape, k)}
    return value


def _located(shape: Shape, name: str) -> bool:
    members_ = getattr(shape, "members", {})
    member = members_.get(name)
    return member is not None and member.serialization.get("location") is not None


def encode_body(shape: Shape, value: Any) -> bytes:
    """``value`` as the XML body of ``shape`` (the ``_rest.BodyEncoder`` of rest-xml)."""
    root = str(shape.serialization.get("name") or shape.name)
    if shape.type_name in ("structure", "union") and not getattr(shape, "members", None):
        return f"<{root}/>".encode()
    if set(value) <= set(getattr(shape, "members", {})) and shape.type_name == "structure":
        return element(root, shape, value).encode("utf-8")
    return f"<{root}>{members(shape, value)}</{root}>".encode()


def decode_request(operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """The parameters of a rest-xml request (an ``aws-chunked`` upload is de-chunked)."""
    encoding = (request.header("Content-Encoding") or "").lower()
    if "aws-chunked" in encoding:
        request = replace(request, body=dechunk(request.body))
    return _rest.decode_request(operation_model, request, decode_body)


def dechunk(body: bytes) -> bytes:
    """The payload of an ``aws-chunked`` body; the trailers (checksums) are dropped."""
    out = bytearray()
    position = 0
    while position < len(body):
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            break
        size = int(body[position:line_end].split(b";", 1)[0] or b"0", 16)
        if size == 0:
            break
        start = line_end + 2
        out += body[start : start + size]
        position = start + size + 2
    return bytes(out)


def encode_response(
    operation_model: OperationModel, result: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """Headers, status code and the XML body (or raw payload) of a rest-xml response."""
    return _rest.encode_response(operation_model, result, status, encode_body, CONTENT_TYPE)


def encode_error(
    service_model: ServiceModel, code: str, message: str, status: int | None = None
) -> HttpResponse:
    """``<ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>``."""
    return encode_query_error(service_model, code, message, status, ec2=False)
