"""One codec per wire protocol botocore speaks, behind one table (botocore's own habit).

botocore is a client: it serializes requests and parses responses. The harness also works
on the other side of the wire: it reads a recorded or live request back into parameters (to
match, redact and check it) and writes a response for botocore to parse (the synthetic
backend, the conformance tests). Each protocol module provides those two directions, read
from the operation model:

- ``decode_request(operation_model, request) -> params``: the parameters as a boto3 user
  passes them (member names, ``datetime`` for timestamps, ``bytes`` for blobs);
- ``encode_response(operation_model, result, status) -> HttpResponse``: the HTTP response
  whose parse by botocore is ``result``.

The other two directions are botocore's own serializer and parser (``encode_request``,
``decode_response`` below), so what we decode and what botocore sends are checked against
each other by botocore's protocol test suites (``tests/protocol_tests/``). The JSON codecs
(``awsjson``, ``restjson``) write requests and read responses too, because the wire form the
schemas describe (``wire_form``) needs all four directions; each takes a ``form``
(``_rest.PARSED`` or ``_rest.WIRE``), and the parsed form of those two is held to what
botocore's serializer and parser do, case by case.

The protocol of a service is the one botocore resolves (``ServiceModel.resolved_protocol``):
a service that lists ``smithy-rpc-v2-cbor`` and ``json`` is spoken to in whichever botocore
prefers, not always the first one its model names.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast

from harness.aws.protocols._errors import error_shape as error_shape
from harness.aws.protocols._form import form_pairs as form_pairs
from harness.errors import UnsupportedProtocolError
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel


class Codec(Protocol):
    """What every codec module provides: the contract ``codec()`` hands out.

    A module is a codec by its functions: ``codec_check`` holds each one listed in
    ``CODECS`` to this for the type checker, so a missing or mistyped function fails mypy.
    """

    def operation_name(self, service_model: ServiceModel, request: HttpRequest) -> str | None:
        """The operation ``request`` calls, told by the protocol (a target header, an
        action, a route), or None."""
        ...

    def decode_request(
        self, operation_model: OperationModel, request: HttpRequest
    ) -> dict[str, Any]:
        """The parameters botocore serialized ``request`` from."""
        ...

    def encode_response(
        self, operation_model: OperationModel, result: dict[str, Any], status: int | None = None
    ) -> HttpResponse:
        """The HTTP response whose parse by botocore is ``result``."""
        ...

    def encode_error(
        self,
        service_model: ServiceModel,
        code: str,
        message: str,
        status: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        """An error response with ``code`` and ``message`` (and modeled ``extra`` members)."""
        ...


#: protocol name (as botocore resolves it) -> the module of its codec, imported on first use.
CODECS: dict[str, str] = {
    "json": "harness.aws.protocols.awsjson",
    "rest-json": "harness.aws.protocols.restjson",
    "rest-xml": "harness.aws.protocols.restxml",
    "query": "harness.aws.protocols.query",
    "ec2": "harness.aws.protocols.ec2",
    "smithy-rpc-v2-cbor": "harness.aws.protocols.cbor",
}


#: The JSON protocols and the Content-Type each is sent with (json 1.0 services say 1.0:
#: ``awsjson.content_type`` reads the model's ``jsonVersion``).
JSON_CONTENT_TYPES = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}


def protocol_of(service_model: ServiceModel) -> str:
    """The protocol botocore speaks to this service (``resolved_protocol``)."""
    return str(getattr(service_model, "resolved_protocol", None) or service_model.protocol)


def codec(protocol: str) -> Codec:
    """The codec module of ``protocol``; an unknown protocol raises a usage error."""
    name = CODECS.get(protocol)
    if name is None:
        raise UnsupportedProtocolError(
            f"botocore-harness has no codec for the {protocol!r} protocol (known: "
            f"{', '.join(CODECS)}). Upgrade botocore-harness, or open an issue naming the "
            "service."
        )
    return cast(Codec, importlib.import_module(name))


def decode_request(operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """Read an HTTP request back into the parameters botocore serialized it from."""
    module = codec(protocol_of(operation_model.service_model))
    return dict(module.decode_request(operation_model, request))


def encode_response(
    operation_model: OperationModel, result: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """Write ``result`` (parsed form) as the HTTP response the service would send."""
    module = codec(protocol_of(operation_model.service_model))
    response = module.encode_response(operation_model, result, status)
    assert isinstance(response, HttpResponse)
    return response


def encode_request(
    operation_model: OperationModel, params: dict[str, Any], endpoint: str = "http://127.0.0.1"
) -> HttpRequest:
    """Serialize ``params`` with botocore's own serializer (unsigned), as a client would."""
    from botocore.serialize import create_serializer

    protocol = protocol_of(operation_model.service_model)
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(
        params, operation_model
    )
    url = endpoint.rstrip("/") + serialized["url_path"]
    query = serialized.get("query_string")
    if query:
        from urllib.parse import urlencode

        # (a requestUri with a static query already holds a "?", as botocore's prepare joins)
        url += ("&" if "?" in url else "?") + (
            query if isinstance(query, str) else urlencode(query, doseq=True)
        )
    body = serialized.get("body") or b""
    if isinstance(body, dict):
        # query and ec2: botocore's serializer leaves the form as a dict, which its
        # AWSRequestPreparer._prepare_body encodes so, in the serializer's order
        from urllib.parse import urlencode

        body = urlencode(list(body.items()), doseq=True)
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):  # a file-like streaming payload
        body = body.read()
    headers = {k: str(v) for k, v in serialized["headers"].items()}
    return HttpRequest(method=serialized["method"], url=url, headers=headers, body=body)


def decode_response(operation_model: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """Parse a response with botocore's own parser: what a client would get."""
    protocol = protocol_of(operation_model.service_model)
    return parse_response(protocol, response, operation_model.output_shape)


def parse_response(protocol: str, response: HttpResponse, shape: Any) -> dict[str, Any]:
    """botocore's parser for ``protocol`` on ``response``, read through ``shape`` (an output
    or error shape; None reads an error's code and message only)."""
    from botocore.parsers import create_parser

    parsed = create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": _CaseInsensitive(response.headers),
            "body": response.body,
            "context": {},  # what botocore's endpoint passes; some parsers read it
        },
        shape,
    )
    return dict(parsed)


#: Bodies larger than this are represented by their digest in ``to_data`` (match keys stay
#: small: a 5 MB upload is not copied into every key).
INLINE_BYTES_LIMIT = 4096


def to_data(value: Any) -> Any:
    """Decoded parameters as JSON data: timestamps as ISO 8601 text, blobs as base64.

    A blob over ``INLINE_BYTES_LIMIT`` becomes ``{"$sha256": ..., "$size": ...}``: equal
    bodies still compare equal, without copying megabytes into a match key.
    """
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, bytes | bytearray):
        if len(value) > INLINE_BYTES_LIMIT:
            import hashlib

            return {"$sha256": hashlib.sha256(value).hexdigest(), "$size": len(value)}
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


class _CaseInsensitive(dict[str, str]):
    """botocore's parsers look headers up in lower case, as urllib3's dict allows."""

    def __init__(self, headers: dict[str, str]) -> None:
        from botocore.awsrequest import HeadersDict

        super().__init__()
        self._headers = HeadersDict(headers)
        self.update(headers)

    def __getitem__(self, key: str) -> str:
        return str(self._headers[key])

    def get(self, key: str, default: Any = None) -> Any:
        return self._headers.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._headers


__all__ = [
    "CODECS",
    "codec",
    "decode_request",
    "decode_response",
    "encode_request",
    "encode_response",
    "protocol_of",
    "to_data",
]
