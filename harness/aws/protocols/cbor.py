"""The ``smithy-rpc-v2-cbor`` codec: Smithy RPC v2 with CBOR bodies.

The wire (read from botocore's ``RpcV2CBORSerializer`` and ``RpcV2CBORParser``):

- a request is ``POST /service/<targetPrefix>/operation/<Operation>`` with headers
  ``smithy-protocol: rpc-v2-cbor`` and ``Content-Type: application/cbor``; its body is one
  CBOR map of the input members (an operation without input sends no body);
- members are keyed by their serialized name; timestamps are tag 1 around epoch seconds
  (an integer, or a float when there are fractions); blobs are byte strings; ``null``
  members are absent;
- a response has the same headers and the output members as one CBOR map;
- an error response carries ``__type`` (the error's shape name) and ``message`` in its body;
  a query-compatible service (``awsQueryCompatible``) also sends
  ``x-amzn-query-error: <query code>;<Sender|Receiver>``, from which botocore takes the code.

Besides the codec, ``cbor_to_data`` and ``data_to_cbor`` give any CBOR body a lossless
JSON/YAML form for cassettes (see ``cbor_to_data``).
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from harness.aws.protocols._cbor import UNDEFINED, CBORDecodeError, Map, Simple, Tag
from harness.aws.protocols._cbor import dumps as dumps  # raw CBOR, for the redactor
from harness.aws.protocols._cbor import loads as loads
from harness.aws.protocols._errors import error_shape, is_member
from harness.errors import HarnessUsageError
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

#: the headers every rpc-v2-cbor message carries (botocore's serializer sets the same)
CONTENT_TYPE = "application/cbor"
PROTOCOL_HEADERS: dict[str, str] = {"Content-Type": CONTENT_TYPE, "smithy-protocol": "rpc-v2-cbor"}

_ROUTE = re.compile(r"/service/([^/]+)/operation/([^/]+)/?$")
_EPOCH_TAG = 1


# --------------------------------------------------------------------------- routing


def route(request: HttpRequest) -> tuple[str, str] | None:
    """``(service, operation)`` from the request path, or ``None`` when it is not an RPC v2 path.

    ``service`` is what botocore puts in the path: the model's ``targetPrefix``.
    """
    match = _ROUTE.search(urlsplit(request.url).path)
    if match is None:
        return None
    return unquote(match.group(1)), unquote(match.group(2))


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation an RPC v2 request calls, when its path names this service; else None.

    As for ``X-Amz-Target`` in the json protocol, the last dotted segment of a long
    ``targetPrefix`` is accepted too.
    """
    routed = route(request)
    if routed is None:
        return None
    service, name = routed
    own = str(service_model.metadata.get("targetPrefix", ""))
    if service not in (own, own.rsplit(".", 1)[-1]):
        return None
    return name if name in service_model.operation_names else None


# --------------------------------------------------------------------------- requests


def decode_request(operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """Read an rpc-v2-cbor request back into the parameters botocore serialized it from.

    Member names as the model names them, timestamps as aware UTC datetimes, blobs as bytes.
    Keys the input shape does not have are left out (a newer client may send them).
    """
    shape = operation_model.input_shape
    if shape is None or not request.body:
        return {}
    value = loads(request.body)
    if not isinstance(value, dict):
        raise CBORDecodeError(
            f"the body of a {operation_model.name} request is a CBOR "
            f"{type(value).__name__}, not a map"
        )
    decoded = _from_wire(shape, value)
    assert isinstance(decoded, dict)
    return decoded


def _from_wire(shape: Shape, value: Any) -> Any:
    if value is None or value is UNDEFINED:
        return None
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return _plain(value)
        if not isinstance(value, dict):
            raise CBORDecodeError(f"{shape.name} must be a CBOR map, not {value!r}")
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            item = value.get(member.serialization.get("name", name))
            if item is not None and item is not UNDEFINED:
                out[name] = _from_wire(member, item)
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise CBORDecodeError(f"{shape.name} must be a CBOR array, not {value!r}")
        return [_from_wire(shape.member, item) for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise CBORDecodeError(f"{shape.name} must be a CBOR map with text keys")
        return {k: _from_wire(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return _timestamp_from_wire(value)
    if kind == "blob":
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if kind in ("float", "double"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    return value


def _timestamp_from_wire(value: Any) -> dt.datetime:
    if isinstance(value, Tag) and value.tag == _EPOCH_TAG:
        value = value.value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CBORDecodeError(f"a timestamp must be tag 1 around epoch seconds, not {value!r}")
    if isinstance(value, str):  # not what Smithy sends; read it the way botocore would
        from botocore.utils import parse_timestamp

        parsed: dt.datetime = parse_timestamp(value)
        return parsed.astimezone(dt.timezone.utc)
    return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)


def _plain(value: Any) -> Any:
    """A document value as plain Python (a document is JSON-like data: no tags, no bytes)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Map):
        return {str(k): _plain(v) for k, v in value.items}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Tag):
        return _plain(value.value)
    if value is UNDEFINED:
        return None
    return value


# --------------------------------------------------------------------------- responses


def encode_response(
    operation_model: OperationModel, result: dict[str, Any], status: int | None = None
) -> HttpResponse:
    """The rpc-v2-cbor response botocore's ``RpcV2CBORParser`` parses to ``result``.

    ``result`` is in the parsed form (member names, datetimes, bytes); a
    ``ResponseMetadata.RequestId`` becomes the ``x-amzn-requestid`` header. Keys the output
    shape does not have are left out, as botocore's parser would drop them.
    """
    headers = dict(PROTOCOL_HEADERS)
    request_id = (result.get("ResponseMetadata") or {}).get("RequestId")
    if request_id:
        headers["x-amzn-requestid"] = str(request_id)
    shape = operation_model.output_shape
    if shape is None:
        del headers["Content-Type"]  # no output: no body, so nothing to type
        return HttpResponse(status or 200, headers, b"")
    if operation_model.has_event_stream_output:
        raise HarnessUsageError(
            f"{operation_model.name} answers with an event stream; the rpc-v2-cbor codec does "
            "not encode event streams yet."
        )
    return HttpResponse(status or 200, headers, dumps(_to_wire(shape, result)))


def encode_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """An error response botocore parses to ``Error.Code == code``, ``Error.Message == message``.

    When ``code`` names a modeled error (its shape name, or its ``error.code``), the status
    defaults to the model's ``httpStatusCode`` and ``extra`` (the error's other members, in
    parsed form) is written through the shape (a key it does not have, as given). On a
    query-compatible service the code botocore reports is the shape's query code
    (``error.code``), sent in ``x-amzn-query-error`` as the service does.
    """
    shape = error_shape(service_model, code)
    error = shape.metadata.get("error", {}) if shape is not None else {}
    status = status or int(error.get("httpStatusCode", 400))
    headers = dict(PROTOCOL_HEADERS)
    body: dict[str, Any] = {}
    if shape is not None and extra:
        body.update(_to_wire(shape, dict(extra)))
    # a field the model does not have (or an unmodeled code's) is written as given
    loose = (extra or {}).items()
    body.update({k: v for k, v in loose if not is_member(shape, k) and v is not None})
    message_key = "Message" if shape is not None and "Message" in shape.members else "message"
    if message or shape is None or message_key in shape.members:
        body[message_key] = message
    if service_model.is_query_compatible:
        body["__type"] = shape.name if shape is not None else code
        query_code = shape.error_code if shape is not None else code
        fault = "Sender" if error.get("senderFault", status < 500) else "Receiver"
        headers["x-amzn-query-error"] = f"{query_code};{fault}"
    else:
        body["__type"] = code
    return HttpResponse(status, headers, dumps(body))


def _to_wire(shape: Shape, value: Any) -> Any:
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return value
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is not None and item is not None:
                out[member.serialization.get("name", name)] = _to_wire(member, item)
        return out
    if kind == "list":
        return [_to_wire(shape.member, item) for item in value]
    if kind == "map":
        return {k: _to_wire(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return Tag(_EPOCH_TAG, _epoch_seconds(value))
    if kind == "blob":
        if isinstance(value, str):
            return value.encode("utf-8")
        if hasattr(value, "read"):
            return bytes(value.read())
        return bytes(value)
    if kind in ("float", "double"):
        return float(value)  # also reads "NaN", "Infinity", Decimal
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


def _epoch_seconds(value: Any) -> int | float:
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        from botocore.utils import parse_timestamp

        value = parse_timestamp(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"a timestamp must be a datetime, epoch seconds or text, not {value!r}")
    when: dt.datetime = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    seconds: int = calendar.timegm(when.utctimetuple())
    if not when.microsecond:
        return seconds
    # one division, as botocore's serializer does, so the float rounds once
    return (seconds * 10**6 + when.microsecond) / 10**6


# --------------------------------------------------------------------------- readable form

_MARKERS = ("$bytes", "$float", "$tag", "$simple", "$undefined", "$map")


def cbor_to_data(body: bytes) -> Any:
    """Decode one CBOR item into JSON/YAML-safe data, losslessly.

    Text, integers, finite floats, booleans, null, arrays and text-keyed maps stay as they
    are. The rest gets an explicit form ``data_to_cbor`` reads back:

    - a byte string: ``{"$bytes": "<base64>"}``;
    - NaN and infinities: ``{"$float": "NaN" | "Infinity" | "-Infinity"}``;
    - a tag: ``{"$tag": 1, "value": 1398796238}`` (tag 1 is an epoch timestamp);
    - ``undefined``: ``{"$undefined": true}``; another simple value: ``{"$simple": n}``;
    - a map with a non-text key, or a text key starting with ``$``:
      ``{"$map": [[key, value], ...]}``.

    Raises ``ValueError`` when ``body`` is not exactly one well-formed CBOR item (an empty
    body is not one).
    """
    return _to_data(loads(body))


def data_to_cbor(data: Any) -> bytes:
    """The inverse of ``cbor_to_data``: the CBOR bytes of the data form."""
    return dumps(_from_data(data))


def _to_data(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, float) and not math.isfinite(value):
        return {
            "$float": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        }
    if isinstance(value, list):
        return [_to_data(v) for v in value]
    if isinstance(value, dict):
        if any(k.startswith("$") for k in value):
            return {"$map": [[k, _to_data(v)] for k, v in value.items()]}
        return {k: _to_data(v) for k, v in value.items()}
    if isinstance(value, Map):
        return {"$map": [[_to_data(k), _to_data(v)] for k, v in value.items]}
    if isinstance(value, Tag):
        return {"$tag": value.tag, "value": _to_data(value.value)}
    if isinstance(value, Simple):
        return {"$simple": value.value}
    if value is UNDEFINED:
        return {"$undefined": True}
    return value


def _from_data(data: Any) -> Any:
    if isinstance(data, list):
        return [_from_data(v) for v in data]
    if not isinstance(data, dict):
        return data
    keys = set(data)
    if not keys & set(_MARKERS):
        if any(isinstance(k, str) and k.startswith("$") for k in keys):
            raise ValueError(f"unknown marker in CBOR data: {sorted(keys)}")
        return {k: _from_data(v) for k, v in data.items()}
    if keys == {"$bytes"}:
        return base64.b64decode(data["$bytes"], validate=True)
    if keys == {"$float"}:
        return float(data["$float"])
    if keys == {"$tag", "value"}:
        return Tag(int(data["$tag"]), _from_data(data["value"]))
    if keys == {"$simple"}:
        return Simple(int(data["$simple"]))
    if keys == {"$undefined"}:
        return UNDEFINED
    if keys == {"$map"}:
        pairs = tuple((_from_data(k), _from_data(v)) for k, v in data["$map"])
        if all(type(k) is str for k, _ in pairs) and len({k for k, _ in pairs}) == len(pairs):
            return dict(pairs)  # a text-keyed map written this way because of a "$" key
        return Map(pairs)
    raise ValueError(f"malformed CBOR data marker: {sorted(keys)}")


__all__ = [
    "CONTENT_TYPE",
    "PROTOCOL_HEADERS",
    "cbor_to_data",
    "data_to_cbor",
    "decode_request",
    "encode_error",
    "encode_response",
    "operation_name",
    "route",
]
