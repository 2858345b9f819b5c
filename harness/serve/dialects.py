"""A service's other protocols: requests ``harness serve`` answers in the protocol the client
spoke, from recordings botocore made in the one it speaks now.

botocore speaks one protocol to a service, the first of ``metadata.protocols`` in its own order
(``ServiceModel.resolved_protocol``: json before CBOR before query). Other SDKs, and older
ones, speak another: the AWS CLI v2 2.9 (Debian bookworm's) sends the query protocol to SQS
and CloudWatch, which botocore now speaks json to; a newer SDK may speak CBOR to CloudWatch.
A service's *dialects* are read off its model:

- every protocol its ``metadata.protocols`` lists (CloudWatch: ``smithy-rpc-v2-cbor``,
  ``json``, ``query``);
- ``query``, when the model carries ``awsQueryCompatible``: the trait a service moved from the
  query protocol to json keeps, so that its errors still name their query codes (SQS).

A request in a dialect (``identify``) is read with that protocol's codec against a *view* of
the service's model (``view``: the same shapes, its protocol set to the dialect), then
written again by botocore's own serializer in the protocol botocore speaks (``to_service``),
so the recorder matches it on decoded parameters and the operation, as every request. The
answer (recorded, a miss, or forwarded when recording) is read by botocore's parser and
written by the dialect's codec (``to_client``): a query client gets ``<OpResponse><OpResult>``
and ``ResponseMetadata/RequestId``, and an error its query code (the recorded
``x-amzn-query-error``, else the model's ``error.code`` of the shape).

A model that moved off query lost the XML names its query model gave (botocore's json models
carry no ``locationName`` for them: on json it would name a JSON key): the view gives them
back by the rules SQS's query model followed (``_query_names``), checked against the model
the AWS CLI v2 2.9 ships (``tests/serve/test_serve_dialects.py``). Where the model lists the
dialect itself (CloudWatch), its names are the model's own.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.aws.bodies import BodyError, plain_request
from harness.aws.models import service_model
from harness.aws.protocols import (
    CODECS,
    codec,
    encode_request,
    error_shape,
    form_pairs,
    parse_response,
    protocol_of,
)
from harness.aws.protocols import query as query_codec
from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import ServiceModel, Shape

#: The protocol a service spoke before ``awsQueryCompatible`` (its move to json).
HISTORICAL = "query"
#: The codecs a dialect can be: one that reads requests and writes responses and errors.
_DIALECTS = ("query", "json", "smithy-rpc-v2-cbor")
_FORM = "application/x-www-form-urlencoded"
#: Request headers that describe the client's wire form, not the call: the translated
#: request gets the serializer's instead.
_WIRE_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "x-amz-target", "smithy-protocol",
     "accept", "transfer-encoding", "x-amz-content-sha256"}
)  # fmt: skip
#: What a client of each dialect is told when its request cannot be read.
_UNREADABLE = {"query": "MalformedQueryString"}


class DialectError(Exception):
    """A request in a dialect that cannot be read."""


@dataclasses.dataclass(frozen=True)
class Dialect:
    """A request to ``service:operation`` spoken in ``protocol``, not the one botocore speaks."""

    service: str
    operation: str
    protocol: str

    def to_service(self, request: HttpRequest) -> HttpRequest:
        """``request`` as botocore would have sent the same call: decoded with the dialect's
        codec against the view, then serialized by botocore in the service's protocol. The
        client's other headers (its signature, date, user agent) come along."""
        # a form's numbers are text: read as written (a CBOR body's are numbers already)
        literal = self.protocol == "query"
        op = view(self.service, self.protocol, literal_numbers=literal).operation_model(
            self.operation
        )
        try:
            plain = plain_request(op, request)
            params = codec(self.protocol).decode_request(op, plain)
        except BodyError as exc:
            raise DialectError(str(exc)) from None
        except Exception as exc:  # a codec meets bytes it cannot read in many ways
            raise DialectError(
                f"cannot read a {self.protocol} request for {self.service}:{self.operation}: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        model = service_model(self.service)
        real = model.operation_model(self.operation)
        if real.input_shape is not None:
            params = _numbers(real.input_shape, params)
        split = urlsplit(request.url)
        sent = encode_request(real, params, f"{split.scheme}://{split.netloc}")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _WIRE_HEADERS}
        headers.update(sent.headers)
        return HttpRequest(method=sent.method, url=sent.url, headers=headers, body=sent.body)

    def to_client(self, response: HttpResponse) -> HttpResponse:
        """An answer in the service's protocol (recorded, a miss, forwarded) rewritten in
        the dialect: a success through botocore's parser and the dialect's codec, an error
        with its code, message and modeled members."""
        if response.transport_failure is not None:
            return response  # no response at all: none in any protocol
        model = service_model(self.service)
        request_id = response.header("x-amzn-RequestId") or response.header("x-amz-request-id")
        if wire.is_error(response):
            return self._error(model, response, request_id)
        try:
            parsed = parse_response(
                protocol_of(model), response, model.operation_model(self.operation).output_shape
            )
        except Exception as exc:  # botocore's parsers raise many types
            return self.error(
                "InternalFailure",
                f"harness serve cannot rewrite the recorded {self.service}:{self.operation} "
                f"answer in the {self.protocol} protocol: {type(exc).__name__}: {exc}",
                500,
            )
        parsed.pop("ResponseMetadata", None)
        op = view(self.service, self.protocol).operation_model(self.operation)
        if self.protocol == "query":  # (query's own: it writes the request id in the body)
            answer = query_codec.encode_response(op, parsed, response.status, request_id=request_id)
        else:
            answer = codec(self.protocol).encode_response(op, parsed, response.status)
        return _with_request_id(answer, request_id)

    def error(self, code: str, message: str, status: int) -> HttpResponse:
        """An error of harness serve's own (``code`` not the service's), in the dialect."""
        module = codec(self.protocol)
        answer = module.encode_error(view(self.service, self.protocol), code, message, status)
        assert isinstance(answer, HttpResponse)
        return _with_request_id(answer, "harness-serve")

    def unreadable(self, problem: DialectError) -> HttpResponse:
        """The client's error for a request in its dialect that cannot be read."""
        code = _UNREADABLE.get(self.protocol, "SerializationException")
        return self.error(code, f"{problem}.", 400)

    def _error(
        self, model: ServiceModel, response: HttpResponse, request_id: str | None
    ) -> HttpResponse:
        protocol = protocol_of(model)
        try:
            error = dict(parse_response(protocol, response, None).get("Error") or {})
        except Exception:  # not the protocol's error document: the status says it all
            error = {}
        code = str(error.get("Code") or response.status)
        own = str(error.get("QueryErrorCode") or code)  # the code in the service's protocol
        message = str(error.get("Message") or "")
        shape = error_shape(model, own) or error_shape(model, code)
        extra: dict[str, Any] = {}
        if shape is not None:  # botocore's second pass: the modeled members beside Error
            try:
                extra = dict(parse_response(protocol, response, shape))
            except Exception:
                extra = {}
            for key in ("Error", "ResponseMetadata", "message", "Message"):
                extra.pop(key, None)
        if self.protocol == "query":
            if code == own and shape is not None:
                # no x-amzn-query-error recorded: the query code the model gives the shape
                code = str(shape.metadata.get("error", {}).get("code") or code)
        else:
            code = own
        module = codec(self.protocol)
        viewed = view(self.service, self.protocol)
        if self.protocol == "query":
            answer = query_codec.encode_error(
                viewed, code, message, response.status, extra or None, request_id=request_id
            )
        else:
            answer = module.encode_error(viewed, code, message, response.status, extra or None)
        query_error = response.header("x-amzn-query-error")
        if query_error and self.protocol != "query":
            answer.headers["x-amzn-query-error"] = query_error
        return _with_request_id(answer, request_id)


# --------------------------------------------------------------------------- which dialect


def dialects(model: ServiceModel) -> tuple[str, ...]:
    """The protocols ``model``'s service is spoken to in besides the one botocore picks:
    the others its ``metadata.protocols`` lists, and ``query`` when it is
    ``awsQueryCompatible`` (the protocol it spoke before json). Only those with a codec."""
    listed = list(model.metadata.get("protocols") or [model.metadata.get("protocol")])
    if "awsQueryCompatible" in model.metadata:
        listed.append(HISTORICAL)
    own = protocol_of(model)
    return tuple(p for p in dict.fromkeys(listed) if p != own and p in _DIALECTS and p in CODECS)


@functools.cache
def _dialects_of(service: str) -> tuple[str, ...]:
    return dialects(service_model(service))


def wire_protocol(request: HttpRequest) -> str | None:
    """The RPC protocol a request's wire form says it is in: ``smithy-rpc-v2-cbor`` (its
    ``smithy-protocol`` header), ``json`` (``X-Amz-Target``), ``query`` (a form body, or a
    GET whose query string names an ``Action``); None for anything else."""
    if (request.header("smithy-protocol") or "").lower() == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if request.header("X-Amz-Target"):
        return "json"
    content_type = (request.header("Content-Type") or "").lower()
    if content_type.startswith(_FORM):
        return "query"
    if request.method.upper() == "GET" and not request.body:
        query = urlsplit(request.url).query
        if query.startswith("Action=") or "&Action=" in query:
            return "query"
    return None


def identify(request: HttpRequest, services: tuple[str, ...]) -> Dialect | None:
    """The dialect ``request`` is in, among ``services``, if it is in one.

    The service is the one its SigV4 credential scope names, else (unsigned) any of
    ``services``; a query request must name the service's ``Version`` (its ``apiVersion``),
    which tells services that share an action name apart.
    """
    protocol = wire_protocol(request)
    if protocol is None:
        return None
    fields: dict[str, str] = {}
    if protocol == "query":
        try:
            fields = form_pairs(request)
        except UnicodeDecodeError:
            return None
        if not fields.get("Action"):
            return None
    scope = wire.credential_scope(request)
    for service in services:
        if protocol not in _dialects_of(service):
            continue
        model = service_model(service)
        if scope is not None and scope[1] != model.signing_name:
            continue
        if protocol == "query" and fields.get("Version", model.api_version) != model.api_version:
            continue
        name = codec(protocol).operation_name(view(service, protocol), request)
        if name:
            return Dialect(service, name, protocol)
    return None


# --------------------------------------------------------------------------- views


@functools.lru_cache(maxsize=64)
def view(service: str, protocol: str, *, literal_numbers: bool = False) -> ServiceModel:
    """``service``'s model with ``protocol`` as its protocol: the same shapes, read and
    written by that protocol's codec (a protocol the model does not list gets the names it
    lost back: ``_query_names``). ``literal_numbers``: float and double members read as
    their text (``Dialect.to_service`` keeps ``1`` and ``1.0`` apart, as a client wrote
    them)."""
    from botocore.model import ServiceModel

    model = service_model(service)
    description = copy.deepcopy(model._service_description)
    metadata = description["metadata"]
    listed = protocol in (metadata.get("protocols") or [metadata.get("protocol")])
    metadata["protocol"] = protocol
    metadata["protocols"] = [protocol]
    if protocol == "query" and not listed:
        _query_names(description)
    if literal_numbers:
        for shape in description["shapes"].values():
            if shape.get("type") in ("float", "double"):
                shape["type"] = "string"
    return ServiceModel(description, service)


def _query_names(description: dict[str, Any]) -> None:
    """Give a model that moved from query to json back the XML names of its query model,
    where it has none (the awsQuery rules SQS's query model followed):

    - an operation's output is wrapped in ``<OperationResult>``;
    - the items of a flattened list are named after the list: ``AttributeNameList`` holds
      ``AttributeName``\\ s, ``MessageList`` ``Message``\\ s; a list of plain strings
      (``StringList``) after its member, in the singular (``StringListValues``:
      ``StringListValue``);
    - a flattened map's entries are named after its member, in the singular
      (``Attributes``: ``Attribute``, ``tags``: ``Tag``), each with a ``Name`` (``Key``
      for a key shape named so, as ``TagKey``) and a ``Value``.
    """
    shapes: dict[str, dict[str, Any]] = description["shapes"]
    for name, operation in description["operations"].items():
        output = operation.get("output")
        if output is not None:
            output.setdefault("resultWrapper", f"{name}Result")
    for shape in shapes.values():
        if shape.get("type") != "structure":
            continue
        for member_name, ref in shape.get("members", {}).items():
            target = shapes[ref["shape"]]
            flattened = ref.get("flattened") or target.get("flattened")  # (either place)
            if not flattened or "locationName" in ref:
                continue
            if target["type"] == "list":
                if "locationName" not in target["member"]:
                    ref["locationName"] = _item_name(member_name, ref["shape"], target, shapes)
            elif target["type"] == "map" and "locationName" not in target:
                ref["locationName"] = _singular(member_name)
                key, value = target["key"], target["value"]
                key.setdefault("locationName", "Key" if key["shape"].endswith("Key") else "Name")
                value.setdefault("locationName", "Value")


def _item_name(
    member: str, list_name: str, target: Mapping[str, Any], shapes: Mapping[str, Any]
) -> str:
    item = str(target["member"]["shape"])
    named = list_name[: -len("List")] if list_name.endswith("List") else ""
    if named and not (named == item and shapes[item].get("type") != "structure"):
        return named
    if shapes[item].get("type") == "structure":
        return item
    return _singular(member)


def _singular(name: str) -> str:
    name = name[:1].upper() + name[1:]
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


# --------------------------------------------------------------------------- values

_INTEGER = re.compile(r"[+-]?\d+")


def _numbers(shape: Shape, value: Any) -> Any:
    """Parameters read with ``literal_numbers``: a float or double member's text as the
    number it writes (``1`` an integer, ``1.5`` and ``1.0`` floats; NaN and the infinities
    as botocore takes them), so the JSON botocore writes keeps the client's literal."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: _numbers(members[k], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_numbers(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _numbers(shape.value, v) for k, v in value.items()}
    if kind in ("float", "double") and isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:
            return value  # sent as it is: the match says what differs
    return value


def _with_request_id(response: HttpResponse, request_id: str | None) -> HttpResponse:
    headers = dict(response.headers)
    if request_id:
        for key in [k for k in headers if k.lower() == "x-amzn-requestid"]:
            del headers[key]
        headers["x-amzn-RequestId"] = request_id
    return HttpResponse(response.status, headers, response.body)


__all__ = ["Dialect", "DialectError", "dialects", "identify", "view", "wire_protocol"]
