"""Values built from botocore's model shapes and from generated schemas, for the sweeps
that hold our codecs and schemas against botocore's own serializer and parser."""

from __future__ import annotations

import base64
import datetime
import functools
import re
import string
import zlib
from typing import Any

from botocore.serialize import create_serializer
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable
from jsonschema import Draft202012Validator

from harness import ops
from harness.aws import models
from harness.contract.schemas import generate as schemagen

JSON = dict[str, Any]

_WHEN = datetime.datetime(2024, 8, 27, 21, 4, 0, 250000, tzinfo=datetime.timezone.utc)
_CANDIDATES = (
    "abc",
    "a",
    "A1",
    "1",
    "0",
    "abc-123",
    "Abc_1.2",
    "123456789012",
    "us-east-1",
    "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
    "arn:aws:svc:us-east-1:123456789012:thing/abc",
    "arn:aws:iam::123456789012:role/abc",
    "https://example.com/a",
    "s3://bucket/key",
    "a@example.com",
    "2024-08-27T21:04:00Z",
    "/a",
    "ABC",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
)
_ALPHABET = st.sampled_from(string.printable)
_FIND_SETTINGS = settings(
    database=None,
    derandomize=True,
    max_examples=300,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


class CannotBuild(Exception):
    """The deterministic builder found no value (reported as a skip, never a pass)."""


@functools.cache
def string_for(pattern: str | None, low: int, high: int | None) -> str:
    """A short printable ASCII string of length low..high that ``pattern`` searches."""
    if high == 0:
        return ""
    low = max(low, 1)
    top = high if high is not None else max(low, 1024)

    def fits(s: str) -> bool:
        return low <= len(s) <= top and (pattern is None or re.search(pattern, s) is not None)

    for cand in _CANDIDATES:
        for s in (cand, cand * -(-low // len(cand)), (cand * -(-low // len(cand)))[:top]):
            if fits(s):
                return s
    if pattern is None:
        return "a" * low
    try:
        found: str = find(st.from_regex(pattern, alphabet=_ALPHABET), fits, settings=_FIND_SETTINGS)
    except (NoSuchExample, Unsatisfiable) as exc:
        raise CannotBuild(f"no string for pattern {pattern!r} len {low}..{top}") from exc
    return found


def _pattern_of(shape: Any) -> str | None:
    if "pattern" not in shape.metadata:
        return None
    return schemagen.translate_pattern(shape.metadata["pattern"])[0]


# -- parameters from the input shape ------------------------------------------------------


def build_params(shape: Any, depth: int = 0, header: bool = False) -> Any:
    """A deterministic value of ``shape`` as botocore's client takes it."""
    if depth > 12:
        raise CannotBuild("recursion too deep")
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if meta.get("document"):
            return {"doc": [1, "two", True]}
        names = list(shape.members)
        if meta.get("union"):
            names = names[:1]
        elif depth > 3:
            names = [n for n in names if n in shape.required_members]
        out = {}
        for name in names:
            member = shape.members[name]
            if member.serialization.get("eventstream"):
                if name in shape.required_members:
                    raise CannotBuild("event stream input")
                continue
            in_header = member.serialization.get("location") in ("header", "headers")
            out[name] = build_params(member, depth + 1, in_header)
        return out
    if kind == "list":
        count = max(1, meta.get("min", 0))
        if "max" in meta:
            count = min(count, meta["max"])
        return [build_params(shape.member, depth + 1, header) for _ in range(count)]
    if kind == "map":
        count = max(1, meta.get("min", 0))
        if "max" in meta:
            count = min(count, meta["max"])
        keys = _distinct_keys(shape.key, count)
        return {k: build_params(shape.value, depth + 1, header) for k in keys}
    if kind == "string":
        if header and shape.serialization.get("jsonvalue"):
            return {"a": 1}
        if shape.enum:
            return shape.enum[0]
        return string_for(_pattern_of(shape), meta.get("min", 0), meta.get("max"))
    if kind in ("integer", "long"):
        return _number(meta, 1)
    if kind in ("float", "double"):
        return float(_number(meta, 1.5))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return _WHEN
    if kind == "blob":
        size = max(meta.get("min", 0), 5)
        if "max" in meta:
            size = min(size, meta["max"])
        return b"hello world, "[:size].ljust(size, b"!")
    raise CannotBuild(f"unknown shape type {kind}")


def _number(meta: JSON, preferred: float) -> Any:
    value: Any = preferred
    if "min" in meta and value < meta["min"]:
        value = meta["min"]
    if "max" in meta and value > meta["max"]:
        value = meta["max"]
    return value


def _distinct_keys(key_shape: Any, count: int) -> list[str]:
    if key_shape.enum:
        return list(key_shape.enum[:count])
    first = build_params(key_shape)
    keys = [first]
    for index in range(1, count):
        keys.append(first[:-1] + chr(ord("a") + index) if len(first) > 1 else first + str(index))
    return keys


# -- the serialized request, decoded into wire form ---------------------------------------


def _resolve(schema: JSON, root: JSON) -> JSON:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def build_wire(schema: JSON, root: JSON, depth: int = 0) -> Any:
    """A deterministic instance of ``schema`` (the subset of JSON Schema we generate)."""
    if depth > 14:
        raise CannotBuild("recursion too deep")
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return build_wire(schema["anyOf"][0], root, depth)
    if schema.get("x-aws-document"):
        return {"doc": [1, "two", True]}
    kind = schema.get("type")
    if isinstance(kind, list):  # a float: a number, or NaN/Infinity as text
        kind = kind[0]
    if kind == "object":
        return _build_object(schema, root, depth)
    if kind == "array":
        count = max(1, schema.get("minItems", 0)) if depth <= 6 else schema.get("minItems", 0)
        count = min(count, schema.get("maxItems", count))
        return [build_wire(schema["items"], root, depth + 1) for _ in range(count)]
    if kind == "string":
        return _build_string(schema)
    if kind in ("integer", "number"):
        value: Any = 1 if kind == "integer" else 1.5
        if "minimum" in schema and value < schema["minimum"]:
            value = schema["minimum"]
        if "maximum" in schema and value > schema["maximum"]:
            value = schema["maximum"]
        if schema.get("x-aws-timestamp-format") == "unixTimestamp":
            value = 1724792640.25
        return value
    if kind == "boolean":
        return True
    raise CannotBuild(f"cannot build {schema}")


def _build_string(schema: JSON) -> str:
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("contentMediaType") == "application/json":
        return base64.b64encode(b'{"a":1}').decode()
    if schema.get("contentEncoding") == "base64":
        size = 5
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        while len(base64.b64encode(b"x" * size)) < low:
            size += 1
        while high is not None and size and len(base64.b64encode(b"x" * size)) > high:
            size -= 1
        return base64.b64encode(b"hello world, !!!!"[:size].ljust(size, b"!")).decode()
    if schema.get("format") == "date-time":
        return "2024-08-27T21:04:00.250Z"
    if schema.get("x-aws-timestamp-format") == "rfc822":
        return "Tue, 27 Aug 2024 21:04:00 GMT"
    return string_for(schema.get("pattern"), schema.get("minLength", 0), schema.get("maxLength"))


def _build_object(schema: JSON, root: JSON, depth: int) -> JSON:
    props: JSON = dict(schema.get("properties", {}))
    # Overlay entries may narrow a member (an enum): build from the narrowed values.
    for entry in schema.get("allOf", []):
        for name, extra in entry.get("properties", {}).items():
            if "enum" in extra and name in props:
                props[name] = {**_resolve(props[name], root), "enum": extra["enum"]}
    required = schema.get("required", [])
    names = list(props) if depth <= 4 else list(required)
    if schema.get("maxProperties") == 1 and props:
        names = (required or list(props))[:1]
    out: JSON = {n: build_wire(props[n], root, depth + 1) for n in names}
    extra_schema = schema.get("additionalProperties")
    if isinstance(extra_schema, dict):
        count = max(1, schema.get("minProperties", 0)) if depth <= 6 else 0
        count = max(count, schema.get("minProperties", 0))
        count = min(count, schema.get("maxProperties", count))
        names_schema = schema.get("propertyNames", {})
        if "enum" in names_schema:
            keys = list(names_schema["enum"][:count])
        else:
            first = _build_string({**names_schema, "type": "string"}) if count else ""
            keys = [first + ("" if i == 0 else str(i)) for i in range(count)]
        for key in keys:
            out[key] = build_wire(extra_schema, root, depth + 1)
    for entry in schema.get("allOf", []):
        if "if" in entry and Draft202012Validator(entry["if"]).is_valid(out):
            then = entry.get("then", {})
            for name in then.get("required", []):
                out.setdefault(name, build_wire(props[name], root, depth + 1))
            for name in then.get("not", {}).get("required", []):
                out.pop(name, None)
    return out


# -- the sweep ------------------------------------------------------------------------------


def all_operations() -> list[tuple[str, str]]:
    return [
        (service, operation)
        for service in models.supported_services()
        for operation in models.service_model(service).operation_names
    ]


def sampled(every: int) -> list[tuple[str, str]]:
    # A stable hash, not Python's salted hash(): the same sample on every machine and run.
    return [
        (s, o)
        for s, o in all_operations()
        if s in ops.SEED_OPERATIONS or zlib.crc32(f"{s}:{o}".encode()) % every == 0
    ]


@functools.lru_cache(maxsize=8)
def serializer(protocol: str) -> Any:
    return create_serializer(protocol, include_validation=True)


@functools.lru_cache(maxsize=256)
def schemas_of(service: str, operation: str) -> tuple[JSON, JSON]:
    # Both directions are generated together; the input and output checks share them.
    return schemagen.operation_schemas(service, operation)
