"""XML bodies of the query, ec2 and rest-xml protocols, written from and read into values.

Writing is the inverse of botocore's ``BaseXMLResponseParser``: member names from
``locationName``, flattened lists and maps repeated in place, non-flattened lists as
``<member>`` children, maps as ``<entry><key/><value/></entry>``, timestamps ISO 8601 by
default, blobs base64, attributes for ``xmlAttribute`` members. Reading (rest-xml request
bodies) is the inverse of botocore's ``RestXMLSerializer``, which writes the same layout
except for one detail: it names the items of a flattened list after the list member.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from harness.aws.protocols._errors import error_shape, error_status, sender_fault, with_message
from harness.aws.protocols._rest import DecodeError
from harness.aws.protocols._values import parse_timestamp, special_float
from harness.exchange import HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

XML_HEADERS = {"Content-Type": "text/xml"}
_OUTSIDE_BODY = frozenset({"header", "headers", "statusCode"})


# --------------------------------------------------------------------------- write


def element(name: str, shape: Shape, value: Any, *, default_ts: str = "iso8601") -> str:
    """``<name>value</name>`` under ``shape`` (attributes and namespaces included)."""
    inner, attributes = _content(shape, value, default_ts)
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, dict) and namespace.get("uri"):
        prefix = namespace.get("prefix")
        attr = f"xmlns:{prefix}" if prefix else "xmlns"
        attributes = f" {attr}={quoteattr(namespace['uri'])}{attributes}"
    return f"<{name}{attributes}>{inner}</{name}>"


def members(shape: Shape, value: dict[str, Any], default_ts: str = "iso8601") -> str:
    """The child elements of a structure (members bound elsewhere are skipped)."""
    unknown = value.get("SDK_UNKNOWN_MEMBER") if getattr(shape, "is_tagged_union", 0) else None
    if isinstance(unknown, dict) and "name" in unknown:
        # botocore's parse of a union member it does not know: send that member back
        return f"<{unknown['name']}></{unknown['name']}>"
    parts = []
    for name, member in shape.members.items():
        if name not in value or value[name] is None:
            continue
        # Header and status bindings are not in the body; anything else a response carries
        # is (botocore's parser reads a "uri" member of an output shape from the body).
        if member.serialization.get("location") in _OUTSIDE_BODY:
            continue
        if member.serialization.get("xmlAttribute"):
            continue
        parts.append(_member(name, member, value[name], default_ts))
    return "".join(parts)


def _member(name: str, member: Shape, value: Any, default_ts: str) -> str:
    tag = str(member.serialization.get("name", name))
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_tag = str(member.member.serialization.get("name", tag))
        return "".join(element(item_tag, member.member, v, default_ts=default_ts) for v in value)
    if member.type_name == "map" and member.serialization.get("flattened"):
        return "".join(
            f"<{tag}>{_entry(member, k, v, default_ts)}</{tag}>" for k, v in value.items()
        )
    return element(tag, member, value, default_ts=default_ts)


def _entry(shape: Shape, key: Any, value: Any, default_ts: str) -> str:
    key_tag = shape.key.serialization.get("name") or "key"
    value_tag = shape.value.serialization.get("name") or "value"
    return element(key_tag, shape.key, key, default_ts=default_ts) + element(
        value_tag, shape.value, value, default_ts=default_ts
    )


def _content(shape: Shape, value: Any, default_ts: str) -> tuple[str, str]:
    kind = shape.type_name
    if kind == "structure":
        attributes = "".join(
            f" {m.serialization['name']}={quoteattr(str(value[n]))}"
            for n, m in shape.members.items()
            if m.serialization.get("xmlAttribute") and n in value
        )
        return members(shape, value, default_ts), attributes
    if kind == "list":
        tag = shape.member.serialization.get("name", "member")
        return "".join(element(tag, shape.member, v, default_ts=default_ts) for v in value), ""
    if kind == "map":
        return "".join(
            f"<entry>{_entry(shape, k, v, default_ts)}</entry>" for k, v in value.items()
        ), ""
    # \r must be a character reference: XML parsers turn a literal CR LF into LF.
    return escape(scalar_text(shape, value, default_ts), {"\r": "&#13;"}), ""


def scalar_text(shape: Shape, value: Any, default_ts: str = "iso8601") -> str:
    """A scalar as XML/header text: booleans lower case, timestamps, base64 blobs."""
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        fmt = str(shape.serialization.get("timestampFormat") or default_ts)
        return timestamp_text(value, fmt)
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind in ("float", "double"):
        return str(special_float(float(value)))
    return str(value)


def timestamp_text(value: Any, fmt: str) -> str:
    """A timestamp in an AWS text format (``iso8601``, ``rfc822``, ``unixTimestamp``)."""
    when = value if isinstance(value, dt.datetime) else parse_timestamp(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = when.astimezone(dt.timezone.utc)
    if fmt == "unixTimestamp":
        seconds = when.timestamp()
        return str(int(seconds)) if seconds.is_integer() else str(round(seconds, 3))
    if fmt == "rfc822":
        import email.utils

        return email.utils.format_datetime(when, usegmt=True)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        text += f".{when.microsecond // 1000:03d}"
    return text + "Z"


def encode_query_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None,
    *,
    ec2: bool,
    request_id: str | None = None,
) -> HttpResponse:
    """The XML response of a query or ec2 operation (``request_id``: a new UUID if None)."""
    name = operation_model.name
    shape = operation_model.output_shape
    body = members(shape, result) if shape is not None else ""
    request_id = _text(request_id) if request_id else str(uuid.uuid4())
    namespace = _namespace(operation_model.service_model)
    if ec2:
        xml = (
            f"<{name}Response{namespace}><requestId>{request_id}</requestId>{body}</{name}Response>"
        )
    else:
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        if wrapper:
            body = f"<{wrapper}>{body}</{wrapper}>"
        xml = (
            f"<{name}Response{namespace}>{body}<ResponseMetadata><RequestId>{request_id}"
            f"</RequestId></ResponseMetadata></{name}Response>"
        )
    return HttpResponse(status or 200, dict(XML_HEADERS), xml.encode("utf-8"))


def encode_query_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None,
    *,
    ec2: bool,
    extra: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> HttpResponse:
    """An error as the query (``ErrorResponse/Error``) or ec2 (``Response/Errors/Error``)
    protocol writes it, the modeled members in ``extra`` (parsed form) inside ``<Error>``
    (``request_id``: a new UUID if None)."""
    shape = error_shape(service_model, code)
    status = error_status(shape, status)
    values = with_message(shape, message, extra)
    request_id = request_id or str(uuid.uuid4())
    if ec2:
        inner = error_children(shape, code, message, values)
        xml = (
            f"<Response><Errors><Error>{inner}</Error></Errors>"
            f"<RequestID>{_text(request_id)}</RequestID></Response>"
        )
    else:
        xml = error_response(
            shape, code, message, values, status, request_id, _namespace(service_model)
        )
    return HttpResponse(status, dict(XML_HEADERS), xml.encode("utf-8"))


def error_response(
    shape: Shape | None,
    code: str,
    message: str,
    values: Mapping[str, Any],
    status: int,
    request_id: str,
    namespace: str = "",
) -> str:
    """``<ErrorResponse><Error><Type/><Code/><Message/>members</Error></ErrorResponse>``: the
    query protocol's error, and rest-xml's outside S3. ``Type`` is ``Sender`` or
    ``Receiver`` (botocore reports it as ``Error.Type``)."""
    fault = "Sender" if sender_fault(shape, status) else "Receiver"
    inner = error_children(shape, code, message, values, envelope=(("Type", fault),))
    return (
        f"<ErrorResponse{namespace}><Error>{inner}</Error>"
        f"<RequestId>{_text(request_id)}</RequestId></ErrorResponse>"
    )


def error_children(
    shape: Shape | None,
    code: str,
    message: str,
    values: Mapping[str, Any],
    envelope: tuple[tuple[str, str], ...] = (),
) -> str:
    """The children of an ``<Error>`` element: the ``envelope`` elements, ``Code``,
    ``Message``, then the members of ``values`` (parsed form; header-bound ones are not in
    the body). A member whose element is an envelope element (a ``Code`` member) is that
    element: botocore reads both from it. Keys the shape does not have are written as plain
    elements, where botocore hands them over in ``Error`` (S3's ``BucketName``, say)."""
    envelope = (*envelope, ("Code", code), ("Message", message))
    taken = {tag for tag, _ in envelope}
    parts = [f"<{tag}>{_text(text)}</{tag}>" for tag, text in envelope]
    modeled: dict[str, Any] = {}
    for name, value in values.items():
        member = shape.members.get(name) if shape is not None else None
        if member is None:
            if name not in taken:
                parts.append(_loose(name, value))
        elif str(member.serialization.get("name", name)) not in taken:
            modeled[name] = value
    if shape is not None and modeled:
        parts.insert(len(envelope), members(shape, modeled))
    return "".join(parts)


def _loose(name: str, value: Any) -> str:
    """An unmodeled field as an element: nested dicts as children, lists repeated."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "".join(_loose(name, item) for item in value)
    if isinstance(value, Mapping):
        inner = "".join(_loose(str(k), v) for k, v in value.items())
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        inner = timestamp_text(value, "iso8601")
    elif isinstance(value, bytes | bytearray):
        inner = base64.b64encode(bytes(value)).decode("ascii")
    else:
        inner = _text(str(value))
    return f"<{name}>{inner}</{name}>"


def _text(text: str) -> str:
    # \r must be a character reference: XML parsers turn a literal CR LF into LF.
    return escape(text, {"\r": "&#13;"})


def _namespace(service_model: ServiceModel) -> str:
    uri = service_model.metadata.get("xmlNamespace")
    return f" xmlns={quoteattr(str(uri))}" if uri else ""


# --------------------------------------------------------------------------- read


def read_body(shape: Shape, body: bytes) -> Any:
    """An XML request body read back through ``shape``, as ``RestXMLSerializer`` wrote it.

    The root element is ``shape`` itself, whatever its tag. Members bound to the URI, query
    string or headers are never read from the body.
    """
    try:
        # botocore (ElementTree) writes a CR in text as is, and XML parsers read it as LF:
        # as a character reference it survives. Where that breaks the markup (a CR inside a
        # tag, a serializer other than botocore's), the body is read as it is.
        root = ElementTree.fromstring(body.replace(b"\r", b"&#13;"))
    except ElementTree.ParseError:
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError as exc:
            raise DecodeError(f"the body of {shape.name} is not XML: {exc}") from exc
    return read_node(shape, root)


def read_node(shape: Shape, node: ElementTree.Element) -> Any:
    """The value of ``node`` read as ``shape`` (the inverse of botocore's serializer)."""
    kind = shape.type_name
    if kind == "structure":
        return _read_structure(shape, node)
    if kind == "list":
        return [read_node(shape.member, child) for child in node]
    if kind == "map":
        return dict(_read_entry(shape, entry) for entry in node)
    return read_scalar(shape, node.text or "")


def _read_structure(shape: Shape, node: ElementTree.Element) -> dict[str, Any]:
    children: dict[str, list[ElementTree.Element]] = {}
    for child in node:
        children.setdefault(_local(child.tag), []).append(child)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if member.serialization.get("location") is not None:
            continue
        tag = str(member.serialization.get("name", name))
        if member.serialization.get("xmlAttribute"):
            text = _attribute(node, tag)
            if text is not None:
                out[name] = read_scalar(member, text)
            continue
        if member.type_name == "list" and member.serialization.get("flattened"):
            # botocore's serializer repeats the member's name; its parser (and services)
            # the item's own locationName: read either
            items = children.get(tag) or children.get(
                str(member.member.serialization.get("name", tag)), []
            )
            if items:
                out[name] = [read_node(member.member, item) for item in items]
        elif member.type_name == "map" and member.serialization.get("flattened"):
            if tag in children:
                out[name] = dict(_read_entry(member, entry) for entry in children[tag])
        elif tag in children:
            out[name] = read_node(member, children[tag][0])
    return out


def _read_entry(shape: Shape, entry: ElementTree.Element) -> tuple[Any, Any]:
    key_tag = shape.key.serialization.get("name") or "key"
    value_tag = shape.value.serialization.get("name") or "value"
    key: Any = None
    value: Any = None
    for part in entry:
        tag = _local(part.tag)
        if tag == key_tag:
            key = read_node(shape.key, part)
        elif tag == value_tag:
            value = read_node(shape.value, part)
    return key, value


def read_scalar(shape: Shape, text: str) -> Any:
    """XML text as the Python value of a scalar shape (``datetime``, ``bytes``, ...)."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)  # (NaN, Infinity and -Infinity too, as AWS writes them)
        if kind == "boolean":
            return {"true": True, "false": False}[text.strip().lower()]
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return base64.b64decode(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise DecodeError(f"cannot read {text!r} as a {kind} ({shape.name})") from exc
    return text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(node: ElementTree.Element, name: str) -> str | None:
    """An attribute by its model name; ``xsi:type`` matches ``{any-namespace}type``."""
    if name in node.attrib:
        return node.attrib[name]
    local = name.split(":", 1)[-1]
    for key, value in node.attrib.items():
        if key.startswith("{") and _local(key) == local:
            return value
    return None
