"""Turn botocore shapes into JSON Schemas (draft 2020-12) of the members as they travel.

The wire-form convention (other modules decode HTTP traffic into exactly this form):

* An operation's input (output) schema describes ONE JSON object holding every member of
  the input (output) shape, whatever its HTTP location.
* Body members are keyed by their JSON key on the wire (``locationName`` when the model
  sets one, else the member name). Members bound to the URI, query string, headers or the
  status code are keyed by member name and carry ``x-aws-location`` and
  ``x-aws-location-name``. A rest-json ``payload`` member is keyed by member name and
  carries ``x-aws-payload: true``: its value is the whole body (an object for structures,
  base64 for blobs, text for strings).
* Values have their JSON type; timestamps keep their wire encoding (epoch seconds in JSON
  bodies unless ``timestampFormat`` says otherwise, RFC 822 in headers, ISO 8601 in the
  URI and query string), blobs are base64 strings, documents are any JSON.

Only aggregate named shapes (structures, lists, maps) go to ``$defs``; scalars are inlined
because their schema depends on where the member travels. The documented rules the model
lacks are merged on top by :mod:`harness.contract.schemas.overlays`.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from harness import ops
from harness.aws import models
from harness.aws.patterns import ecma_incompatibilities, translate_pattern
from harness.aws.protocols import protocol_of
from harness.contract.schemas import overlays
from harness.errors import HarnessUsageError, did_you_mean

__all__ = [
    "BASE64_PATTERN",
    "ID_BASE",
    "ISO8601_PATTERN",
    "RFC822_PATTERN",
    "SCHEMA_DIALECT",
    "ecma_incompatibilities",
    "error_schema",
    "generate",
    "operation_schemas",
    "schema_path",
    "summary",
    "translate_pattern",
]

JSON = dict[str, Any]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://botocore-harness.invalid/schemas/"

# Wire encodings of timestamps and blobs. Written with explicit classes ([0-9], not \d)
# so Python's re and ECMA-262 agree on what they accept.
ISO8601_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$"
)
RFC822_PATTERN = (
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?[0-9]{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    r"[0-9]{2}:[0-9]{2}(:[0-9]{2})? (GMT|UTC|UT|Z|[+-][0-9]{4})$"
)
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

_BODY_TIMESTAMP_DEFAULT = "unixTimestamp"
_LOCATION_TIMESTAMP_DEFAULT = {
    "header": "rfc822",
    "headers": "rfc822",
    "querystring": "iso8601",
    "uri": "iso8601",
}


SPECIAL_FLOATS_PATTERN = "^(NaN|Infinity|-Infinity)$"


# --------------------------------------------------------------------------------------
# Shapes to schemas
# --------------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def summary(documentation: str | None) -> str:
    """The first sentence of a botocore documentation string, HTML stripped."""
    if not documentation:
        return ""
    parser = _TextOnly()
    parser.feed(documentation)
    parser.close()
    text = " ".join(html.unescape("".join(parser.parts)).split())
    m = re.match(r"(.+?[.!?])(?=\s+[A-Z(\"'<]|$)", text)
    return m.group(1) if m else text


def _sparse(shape: Any) -> bool:
    # botocore does not expose 'sparse' on Shape; the raw model dict carries it.
    return bool(getattr(shape, "_shape_model", {}).get("sparse"))


def _set_bounds(schema: JSON, shape: Any, low: str, high: str) -> None:
    meta = shape.metadata
    if "min" in meta:
        schema[low] = meta["min"]
    if "max" in meta:
        schema[high] = meta["max"]


def _base64_length(n: int | float) -> int:
    return 4 * -(-int(n) // 3)


class _Generator:
    """Builds one standalone schema; collects the ``$defs`` its references need."""

    def __init__(self, service_model: Any) -> None:
        self.protocol = str(protocol_of(service_model))
        # XML and CBOR protocols are described in parsed form (see
        # harness.aws.protocols.wire_form): member names as keys, ISO 8601 timestamps,
        # wherever the member travels
        self.parsed = self.protocol not in models.SUPPORTED_PROTOCOLS
        self.defs: dict[str, JSON] = {}

    # Named aggregates go to $defs so recursive shapes terminate.
    def body(self, shape: Any) -> JSON:
        if shape.type_name in ("structure", "list", "map"):
            name = str(shape.name)
            if name not in self.defs:
                self.defs[name] = {}  # placeholder: a recursive reference finds the name
                self.defs[name] = self._aggregate(shape)
            return {"$ref": f"#/$defs/{name}"}
        return self.scalar(shape, None)

    def _aggregate(self, shape: Any) -> JSON:
        if shape.type_name == "structure":
            return self.structure(shape, top=False)
        if shape.type_name == "list":
            out: JSON = {"type": "array", "items": self._nullable(self.body(shape.member), shape)}
            _set_bounds(out, shape, "minItems", "maxItems")
            return out
        out = {
            "type": "object",
            "additionalProperties": self._nullable(self.body(shape.value), shape),
        }
        key = self.scalar(shape.key, None)
        key.pop("type", None)  # property names are always strings
        if key:
            out["propertyNames"] = key
        _set_bounds(out, shape, "minProperties", "maxProperties")
        return out

    @staticmethod
    def _nullable(schema: JSON, shape: Any) -> JSON:
        return {"anyOf": [schema, {"type": "null"}]} if _sparse(shape) else schema

    def structure(self, shape: Any, *, top: bool) -> JSON:
        """A structure; ``top`` applies HTTP locations (only the top level has them)."""
        if shape.metadata.get("document"):
            return {"x-aws-document": True}  # any JSON value
        located = top and self.protocol == "rest-json"
        payload = shape.serialization.get("payload") if located else None
        props: JSON = {}
        required: list[str] = []
        for name, member in shape.members.items():
            location = member.serialization.get("location") if located else None
            if self.parsed:
                key = name
                schema = self._parsed_member(
                    member, top and name == shape.serialization.get("payload")
                )
            elif location:
                key = name
                schema = self.located(member, location)
            elif name == payload:
                key = name
                schema = {**self.body(member), "x-aws-payload": True}
            else:
                key = str(member.serialization.get("name", name))
                schema = self.body(member)
            if member.serialization.get("eventstream"):
                schema["x-aws-eventstream"] = True
            props[key] = schema
            if name in shape.required_members:
                required.append(key)
        out: JSON = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        if shape.metadata.get("union"):
            out["minProperties"] = 1
            out["maxProperties"] = 1
        return out

    def _parsed_member(self, member: Any, is_payload: bool) -> JSON:
        if is_payload and member.type_name == "blob":
            return {"x-aws-payload": True}  # opaque bytes (an S3 object): nothing to check
        if member.serialization.get("jsonvalue") and member.serialization.get("location"):
            return {}  # botocore reads a JSON value from a header as any JSON
        return self.body(member)

    def located(self, member: Any, location: str) -> JSON:
        """A member bound to the URI, query string, a header or the status code."""
        ts_default = _LOCATION_TIMESTAMP_DEFAULT.get(location, _BODY_TIMESTAMP_DEFAULT)
        in_header = location in ("header", "headers")
        if member.type_name == "list":
            schema: JSON = {
                "type": "array",
                "items": self.scalar(member.member, ts_default, in_header=in_header),
            }
            _set_bounds(schema, member, "minItems", "maxItems")
        elif member.type_name == "map":
            value = member.value
            value_schema = (
                {"type": "array", "items": self.scalar(value.member, ts_default)}
                if value.type_name == "list"
                else self.scalar(value, ts_default, in_header=in_header)
            )
            schema = {"type": "object", "additionalProperties": value_schema}
            key = self.scalar(member.key, None)
            key.pop("type", None)
            if key:
                schema["propertyNames"] = key
            _set_bounds(schema, member, "minProperties", "maxProperties")
        else:
            schema = self.scalar(member, ts_default, in_header=in_header)
        schema["x-aws-location"] = location
        if "name" in member.serialization:
            schema["x-aws-location-name"] = member.serialization["name"]
        return schema

    def scalar(self, shape: Any, ts_default: str | None, *, in_header: bool = False) -> JSON:
        """A string, number, boolean, timestamp or blob, encoded as on the wire."""
        kind = shape.type_name
        if kind in ("string", "character") and {"key", "value"} & set(
            getattr(shape, "_shape_model", {})
        ):
            # a map declared a string (botocore's protocol suite has one): botocore's JSON
            # parser has no string handler and passes any value through, so any value reads
            return {}
        if kind in ("string", "character"):  # botocore reads the legacy "character" as text
            if in_header and shape.serialization.get("jsonvalue"):
                # A JSON value travels base64-encoded in a header.
                return {
                    "type": "string",
                    "contentEncoding": "base64",
                    "contentMediaType": "application/json",
                    "pattern": BASE64_PATTERN,
                }
            out: JSON = {"type": "string"}
            if shape.serialization.get("jsonvalue"):
                out["contentMediaType"] = "application/json"  # JSON text in a JSON string
            if getattr(shape, "enum", None):
                out["enum"] = list(shape.enum)
            _set_bounds(out, shape, "minLength", "maxLength")
            if "pattern" in shape.metadata:
                original = shape.metadata["pattern"]
                translated, reason = translate_pattern(original)
                if translated is not None:
                    out["pattern"] = translated
                    if translated != original:
                        out["x-aws-pattern"] = original
                else:
                    out["x-aws-pattern"] = original
                    out["x-aws-pattern-dropped"] = reason
            return out
        if kind in ("integer", "long"):
            out = {"type": "integer"}
            _set_bounds(out, shape, "minimum", "maximum")
            return out
        if kind in ("float", "double"):
            # JSON has no NaN or infinities: the json protocols send them as these strings
            # (a pattern constrains strings only, the bounds numbers only)
            out = {"type": ["number", "string"], "pattern": SPECIAL_FLOATS_PATTERN}
            _set_bounds(out, shape, "minimum", "maximum")
            return out
        if kind == "boolean":
            return {"type": "boolean"}
        if kind == "timestamp":
            if self.parsed:
                return _timestamp("iso8601")  # a parsed timestamp, whatever its wire format
            fmt = (
                shape.serialization.get("timestampFormat") or ts_default or _BODY_TIMESTAMP_DEFAULT
            )
            return _timestamp(str(fmt))
        if kind == "blob":
            out = {"type": "string", "contentEncoding": "base64", "pattern": BASE64_PATTERN}
            if "min" in shape.metadata:
                out["minLength"] = _base64_length(shape.metadata["min"])
            if "max" in shape.metadata:
                out["maxLength"] = _base64_length(shape.metadata["max"])
            if self.parsed:
                # parsed form writes a blob over protocols.INLINE_BYTES_LIMIT as its digest
                return {"anyOf": [out, _BLOB_DIGEST]}
            return out
        if kind in ("structure", "list", "map"):
            # An aggregate in a scalar position only happens inside located members.
            return self.body(shape)
        return {}  # a type botocore does not know: no claim about it


_BLOB_DIGEST: JSON = {
    "type": "object",
    "properties": {"$sha256": {"type": "string"}, "$size": {"type": "integer"}},
    "required": ["$sha256", "$size"],
    "additionalProperties": False,
}


def _timestamp(fmt: str) -> JSON:
    fmt_l = fmt.lower()
    if fmt_l == "iso8601":
        return {"type": "string", "format": "date-time", "pattern": ISO8601_PATTERN}
    if fmt_l == "rfc822":
        return {"type": "string", "pattern": RFC822_PATTERN, "x-aws-timestamp-format": "rfc822"}
    # the range a date can take (years 1 to 9999): NaN, the infinities and 1e300 are no time
    return {
        "type": "number",
        "minimum": -62135596800,
        "maximum": 253402300799,
        "x-aws-timestamp-format": "unixTimestamp",
    }


def _metadata(service: str | Any, direction: str, **extra: Any) -> JSON:
    """``x-botocore``; ``service`` is a name, or a ``ServiceModel`` that is not installed."""
    model = models.service_model(service) if isinstance(service, str) else service
    service = model.service_name
    meta: JSON = {
        "service": service,
        "protocol": protocol_of(model),
        "apiVersion": model.metadata.get("apiVersion"),
        "direction": direction,
        "botocoreVersion": models.botocore_version(),
    }
    if protocol_of(model) not in models.SUPPORTED_PROTOCOLS:
        meta["form"] = "parsed"  # how botocore parses the traffic, not the bytes on the wire
    if protocol_of(model) == "json":
        meta["jsonVersion"] = model.metadata.get("jsonVersion", "1.0")
        meta["targetPrefix"] = model.metadata.get("targetPrefix")
    meta.update({k: v for k, v in extra.items() if v is not None})
    return meta


def schema_path(service: str, operation: str, kind: str) -> str:
    """Relative path of a schema file: ``xray/GetInsight.input.json`` or ``xray/errors/X.json``."""
    if kind == "error":
        return f"{service}/errors/{operation}.json"
    return f"{service}/{operation}.{kind}.json"


def _root(
    service_model: Any, shape: Any, rel_path: str, title: str, description: str, meta: JSON
) -> tuple[JSON, _Generator]:
    gen = _Generator(service_model)
    body: JSON = (
        gen.structure(shape, top=True)
        if shape is not None
        else {"type": "object", "properties": {}, "additionalProperties": False}
    )
    schema: JSON = {
        "$schema": SCHEMA_DIALECT,
        "$id": ID_BASE + rel_path,
        "title": title,
        "x-botocore": meta,
        **body,
    }
    if description:
        schema["description"] = description
    return schema, gen


def _finish(schema: JSON, gen: _Generator) -> JSON:
    if gen.defs:
        schema["$defs"] = dict(sorted(gen.defs.items()))
    return schema


def _direction_schema(service: str, operation: str, direction: str) -> JSON:
    return direction_schema(models.operation_model(service, operation), direction)


def direction_schema(op: Any, direction: str) -> JSON:
    """The input or output schema of any botocore ``OperationModel``, without overlays.

    Generated schemas of real services come from here; botocore's protocol suites, whose
    models are not installed services, go through it in the tests.
    """
    service, operation = op.service_model.service_name, op.name
    shape = op.input_shape if direction == "input" else op.output_shape
    http = op.http or {}
    meta = _metadata(
        op.service_model,
        direction,
        operation=operation,
        shape=shape.name if shape is not None else None,
        httpMethod=http.get("method"),
        requestUri=http.get("requestUri"),
        responseCode=http.get("responseCode") if direction == "output" else None,
    )
    schema, gen = _root(
        op.service_model,
        shape,
        schema_path(service, operation, direction),
        f"{service}:{operation} {direction}",
        summary(op.documentation),
        meta,
    )
    return _finish(schema, gen)


def operation_schemas(service: str, operation: str) -> tuple[JSON, JSON]:
    """The input and output schemas of ``service:operation``, overlays applied.

    Raises ``UnsupportedProtocolError`` for services that are not json/rest-json and
    ``HarnessUsageError`` (with a close match) for unknown names.
    """
    models.require_checkable(service)
    models.operation_model(service, operation)
    pair = tuple(
        overlays.apply(
            service, operation, direction, _direction_schema(service, operation, direction)
        )
        for direction in ("input", "output")
    )
    return pair[0], pair[1]


def error_schema(service: str, error_name: str) -> JSON:
    """The schema of the error shape ``error_name`` of ``service`` (wire form of its body).

    Besides the modeled members it allows ``__type`` (json protocols name the error in
    the body) and ``message``/``Message`` (services send them even when unmodeled).
    """
    model = models.require_checkable(service)
    names = sorted(s.name for s in model.error_shapes)
    if error_name not in names:
        raise HarnessUsageError(
            f"Unknown error shape {error_name!r} of service {service!r} (botocore "
            f"{models.botocore_version()}).{did_you_mean(error_name, names)} Error names are "
            "the exception shape names, for example 'InvalidRequestException'."
        )
    shape = model.shape_for(error_name)
    trait = dict(shape.metadata.get("error") or {})
    error_info: JSON = {"code": shape.error_code or error_name}
    for key in ("httpStatusCode", "senderFault"):
        if key in trait:
            error_info[key] = trait[key]
    error_info["fault"] = "server" if shape.metadata.get("fault") else "client"
    meta = _metadata(service, "error", error=error_name)
    schema, gen = _root(
        model,
        shape,
        schema_path(service, error_name, "error"),
        f"{service} error {error_name}",
        summary(shape.documentation),
        meta,
    )
    props = schema["properties"]
    props.setdefault("__type", {"type": "string"})
    for key in ("message", "Message"):
        props.setdefault(key, {"type": "string"})
    schema["x-aws-error"] = error_info
    return _finish(schema, gen)


def _expand_targets(targets: list[str] | None) -> dict[str, list[str]]:
    if not targets:
        return {svc: list(models.service_model(svc).operation_names) for svc in ops.SEED_OPERATIONS}
    chosen: dict[str, list[str]] = {}
    for target in targets:
        service, operation = models.parse_target(target)
        models.require_checkable(service)
        picked = chosen.setdefault(service, [])
        names = [operation] if operation else list(models.service_model(service).operation_names)
        picked.extend(name for name in names if name not in picked)
    return chosen


def generate(targets: list[str] | None = None) -> dict[str, JSON]:
    """Every schema for ``targets`` (``service`` or ``service:Operation``), by relative path.

    With no targets, every operation of the three seed services. Errors are the error
    shapes the chosen operations can raise.
    """
    result: dict[str, JSON] = {}
    for service, operations in _expand_targets(targets).items():
        errors: set[str] = set()
        for operation in operations:
            inp, out = operation_schemas(service, operation)
            result[schema_path(service, operation, "input")] = inp
            result[schema_path(service, operation, "output")] = out
            errors.update(s.name for s in models.operation_model(service, operation).error_shapes)
        for name in sorted(errors):
            result[schema_path(service, name, "error")] = error_schema(service, name)
    return dict(sorted(result.items()))
