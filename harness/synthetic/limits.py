"""How big, how deep and how many values a request body may be, from the operation's model.

A JSON body of ``[{},{},…]`` costs ~25 times its size once decoded (a dict and a list slot
for every three bytes), so the synthetic backend refuses a body before decoding it when it
is larger, deeper or has more values than the largest input the model allows:

- bytes: every string at its ``max`` length (or ``DEFAULT_STRING_CHARS`` without one), each
  character written as a 12-byte escape (``\\ud83d\\ude00``), every list and map at its
  ``max`` entries (or ``DEFAULT_ITEMS``), plus ``SLACK_BYTES`` for whitespace, and never
  more than ``CEILING_BYTES``;
- depth: the model's nesting plus ``SLACK_DEPTH``;
- values: the model's count of values (each scalar, container and map key is one) plus
  ``SLACK_VALUES``, so unknown members cannot carry an array of a million empty objects.

Only members the protocol sends in the body count (rest-json's URI, query and header members
travel elsewhere). ``check_json`` counts brackets and separators outside strings in one pass,
stopping at the first limit crossed, so a hostile body costs its bytes and nothing more.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from botocore.model import Shape

from harness.aws.models import operation_model

DEFAULT_STRING_CHARS = 4096  # a string the model gives no max
DEFAULT_ITEMS = 1000  # a list or map the model gives no max
ESCAPED_CHAR_BYTES = 12  # a character outside the BMP as two \u escapes
SLACK_BYTES = 16 * 1024
SLACK_DEPTH = 2
SLACK_VALUES = 64
CEILING_BYTES = 1024 * 1024
_SCALAR_BYTES = {"boolean": 5, "timestamp": 64}  # other scalars: a number, 32 bytes
_BODY_LOCATIONS = (None, "")  # members without a location travel in the body


@dataclass(frozen=True)
class BodyLimits:
    """The largest body one operation accepts: bytes, nesting depth and JSON values."""

    max_bytes: int
    max_depth: int
    max_values: int


@dataclass(frozen=True)
class _Size:
    bytes: int
    depth: int
    values: int


@functools.lru_cache(maxsize=256)
def body_limits(service: str, operation: str) -> BodyLimits:
    """The limits of ``service:operation``'s request body, derived from its input shape."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return BodyLimits(SLACK_BYTES, SLACK_DEPTH, SLACK_VALUES)
    payload = shape.serialization.get("payload")
    if payload:  # the member is the whole body
        size = _largest(shape.members[payload], ())
    else:
        members = {
            name: member
            for name, member in shape.members.items()
            if member.serialization.get("location") in _BODY_LOCATIONS
        }
        size = _structure(members, ())
    return BodyLimits(
        max_bytes=min(CEILING_BYTES, size.bytes + SLACK_BYTES),
        max_depth=size.depth + SLACK_DEPTH,
        max_values=size.values + SLACK_VALUES,
    )


def _structure(members: dict[str, Shape], seen: tuple[str, ...]) -> _Size:
    sizes = [(name, _largest(member, seen)) for name, member in members.items()]
    return _Size(
        bytes=2 + sum(len(name) * ESCAPED_CHAR_BYTES + 4 + s.bytes for name, s in sizes),
        depth=1 + max((s.depth for _, s in sizes), default=0),
        values=1 + sum(1 + s.values for _, s in sizes),
    )


def _largest(shape: Shape, seen: tuple[str, ...]) -> _Size:
    kind = shape.type_name
    if shape.name in seen:  # a recursive shape: as deep as the ceiling lets it be
        return _Size(CEILING_BYTES, 32, CEILING_BYTES)
    seen = (*seen, shape.name)
    if kind == "structure" or kind == "union":
        return _structure(dict(shape.members), seen)
    if kind in ("list", "map"):
        items = int(shape.metadata.get("max", DEFAULT_ITEMS))
        entry = _largest(shape.member if kind == "list" else shape.value, seen)
        key = _largest(shape.key, seen) if kind == "map" else _Size(0, 0, 0)
        return _Size(
            bytes=2 + items * (key.bytes + entry.bytes + 2),
            depth=1 + entry.depth,
            values=1 + items * (key.values + entry.values),
        )
    if kind == "string":
        longest = max((len(value) for value in shape.enum or ()), default=0)
        chars = longest or int(shape.metadata.get("max", DEFAULT_STRING_CHARS))
        return _Size(2 + chars * ESCAPED_CHAR_BYTES, 0, 1)
    if kind == "blob":  # base64 in JSON
        raw = int(shape.metadata.get("max", DEFAULT_STRING_CHARS))
        return _Size(2 + (raw + 2) // 3 * 4, 0, 1)
    return _Size(_SCALAR_BYTES.get(kind, 32), 0, 1)


# A string (escapes included, possibly unterminated), an opening or closing bracket, or a
# separator between values: what depth and value counts are made of.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{]|[\]}]|,')


def check_json(body: bytes, limits: BodyLimits) -> str | None:
    """Why ``body`` is beyond ``limits`` (one sentence), or None when it is within them.

    A value here is an opening bracket or a comma outside strings (each makes one more
    Python object when decoded; strings cost their bytes, already bounded). Counting the
    brackets and commas inside strings too is an upper bound: when that is within the
    limits (every body botocore sends) no scan is needed.
    """
    if len(body) > limits.max_bytes:
        return (
            f"the body is {len(body)} bytes, over the {limits.max_bytes} bytes the largest "
            "input of this operation takes"
        )
    opening = body.count(b"[") + body.count(b"{")
    if opening <= limits.max_depth and opening + body.count(b",") <= limits.max_values:
        return None
    depth = values = 0
    for token in _TOKENS.finditer(body):
        mark = token.group()[:1]
        if mark == b'"':
            continue
        if mark in (b"]", b"}"):
            depth -= 1
            continue
        values += 1
        if mark != b",":
            depth += 1
            if depth > limits.max_depth:
                return (
                    f"the body nests deeper than {limits.max_depth} levels, deeper than any "
                    "input of this operation"
                )
        if values > limits.max_values:
            return (
                f"the body holds more than {limits.max_values} JSON values, more than any "
                "input of this operation"
            )
    return None
