"""Listings botocore asked to have URL-encoded, answered to a client that did not ask.

botocore fills in ``EncodingType=url`` on S3's list operations by itself (its
``set_list_objects_encoding_type_url`` handler) and URL-decodes the answer's keys by itself
(the ``after-call`` handler of the same operation), so a listing botocore recorded holds every
key, prefix and delimiter URL-encoded, beside ``<EncodingType>url</EncodingType>``. Matching
ignores that member (``cassettes._without_botocore_defaults``), so another SDK's request
without it finds the recording; but S3 encodes only when asked, and an SDK that did not ask
reads the keys as sent: the JavaScript SDK v3 and the Go SDK v1 got ``dir/a%20b%2Bc`` for the
recorded key ``dir/a b+c`` (issue 59).

``as_asked`` answers such a request as S3 would have: the members botocore's own handler
decodes are decoded in the XML text (nothing else of the recorded bytes changes) and the
``EncodingType`` element is left out. Which operations and members: read off botocore's
handlers, by running each decoding handler on a probe of its output shape, never from which
SDK sent the request. A client that sent ``EncodingType`` (botocore, the AWS CLI, another
SDK asking) gets the recording as it is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit
from xml.sax.saxutils import escape, unescape

from botocore.model import OperationModel, Shape

from harness.exchange import HttpRequest, HttpResponse

#: The member botocore's handler fills in (``params['EncodingType'] = 'url'``).
MEMBER = "EncodingType"
_PROBE = "%41"  # what a decoding handler turns into "A"
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^>]*?(/?)>")
# characters XML 1.0 cannot carry as they are: written as character references
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@functools.cache
def _handlers() -> dict[str, list[Callable[..., Any]]]:
    """S3 operation -> the ``after-call`` handlers of the operations botocore sets
    ``EncodingType`` on."""
    from botocore import handlers

    events = [(str(event), handler) for event, handler, *_ in handlers.BUILTIN_HANDLERS]
    auto = {
        event.split(".")[2]
        for event, handler in events
        if handler is handlers.set_list_objects_encoding_type_url
    }
    found: dict[str, list[Callable[..., Any]]] = {}
    for event, handler in events:
        parts = event.split(".")
        if parts[0] == "after-call" and parts[1:2] == ["s3"] and parts[2:3] and parts[2] in auto:
            found.setdefault(parts[2], []).append(handler)
    return found


def _wire_name(name: str, member: Shape) -> str:
    """The XML element name of a member, as botocore's rest-xml parser reads it (a
    flattened list's elements are named by its member's name, else the list's)."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        inner = member.member.serialization.get("name")
        if inner:
            return str(inner)
    return str(member.serialization.get("name", name))


@functools.lru_cache(maxsize=64)
def decoded_paths(operation: OperationModel) -> frozenset[tuple[bytes, ...]]:
    """The element paths under the root (``(b"Prefix",)``, ``(b"Contents", b"Key")``) whose
    text botocore URL-decodes in ``operation``'s answer when it set ``EncodingType`` itself;
    empty for an operation it does not set it on."""
    shape = operation.output_shape
    found = (
        _handlers().get(operation.name) if operation.service_model.service_name == "s3" else None
    )
    if not found or shape is None or MEMBER not in shape.members:
        return frozenset()
    probe: dict[str, Any] = {}
    nested: dict[str, str] = {}
    for name, member in shape.members.items():
        if member.serialization.get("location"):
            continue  # a header: not in the body
        if member.type_name == "string":
            probe[name] = _PROBE
        elif member.type_name == "list" and member.member.type_name == "structure":
            children = member.member.members
            probe[name] = [{c: _PROBE for c, s in children.items() if s.type_name == "string"}]
            nested[name] = _wire_name(name, member)
    probe[MEMBER] = "url"
    for handler in found:
        handler(parsed=probe, context={"encoding_type_auto_set": True})
    paths: set[tuple[bytes, ...]] = set()
    members = shape.members
    for name, value in probe.items():
        if value == "A":
            paths.add((_wire_name(name, members[name]).encode(),))
        elif isinstance(value, list) and value:
            wire = nested[name].encode()
            children = members[name].member.members
            paths.update(
                (wire, _wire_name(child, children[child]).encode())
                for child, text in value[0].items()
                if text == "A"
            )
    return frozenset(paths)


def _asked(operation: OperationModel, request: HttpRequest) -> bool:
    """Whether the request sent ``EncodingType`` (in the query, where the model binds it)."""
    shape = operation.input_shape
    member = shape.members.get(MEMBER) if shape is not None else None
    if member is None:
        return True  # nothing to tell: leave the answer alone
    wire = str(member.serialization.get("name", MEMBER))
    query = urlsplit(request.url).query
    return any(key == wire for key, _ in parse_qsl(query, keep_blank_values=True))


def _decoded(text: bytes) -> bytes:
    """An element's URL-encoded text decoded as botocore decodes it (``unquote_plus``), in
    XML again."""
    unescaped = unescape(text.decode("utf-8"), {"&quot;": '"', "&apos;": "'"})
    plain = unquote_plus(unescaped, encoding="utf-8", errors="strict")
    escaped = escape(plain)
    escaped = _NOT_XML.sub(lambda m: f"&#x{ord(m.group()):x};", escaped)
    return escaped.encode("utf-8")


def as_asked(
    operation: OperationModel, request: HttpRequest, response: HttpResponse
) -> HttpResponse:
    """``response`` as S3 answers ``request``: a listing recorded URL-encoded because
    botocore asked, decoded for a client that did not ask (see the module docstring);
    ``response`` itself otherwise."""
    paths = decoded_paths(operation)
    if not paths or response.status != 200 or b"EncodingType" not in response.body:
        return response
    if _asked(operation, request):
        return response
    body = response.body
    encoding_type = _wire_name(MEMBER, operation.output_shape.members[MEMBER]).encode()
    out: list[bytes] = []
    stack: list[bytes] = []
    at = 0  # what of body is copied to out
    text_from: int | None = None  # where the text of an element to decode starts
    drop_from: int | None = None  # where an EncodingType element starts
    encoded = False
    for tag in _TAG.finditer(body):
        closing, name, empty = tag.group(1), tag.group(2), tag.group(3)
        if not closing:
            if empty:
                continue
            stack.append(name)
            path = tuple(stack[1:])
            if path == (encoding_type,):
                drop_from = tag.start()
            elif path in paths:
                text_from = tag.end()
            continue
        path = tuple(stack[1:])
        if stack:
            stack.pop()
        if drop_from is not None and path == (encoding_type,):
            encoded = body[drop_from : tag.start()].split(b">", 1)[-1].strip() == b"url"
            out.append(body[at:drop_from])
            at = tag.end()
            drop_from = None
        elif text_from is not None and path in paths:
            out.append(body[at:text_from])
            try:
                out.append(_decoded(body[text_from : tag.start()]))
            except UnicodeDecodeError:
                return response  # not what botocore's own decoding would read: as recorded
            at = tag.start()
            text_from = None
    if not encoded:
        return response
    out.append(body[at:])
    return HttpResponse(response.status, dict(response.headers), b"".join(out))
