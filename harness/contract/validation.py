"""JSON Schema validation of one exchange's wire form: compiled validators (a fast path for
valid documents, python jsonschema's words for the ones that fail), bulk members, and
each schema error turned into a violation with its severity.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from harness.aws.models import (
    CHECKED_PROTOCOLS,
    operation_model,
    service_model,
)
from harness.aws.protocols import JSON_CONTENT_TYPES, protocol_of
from harness.contract.schemas.store import SchemaSource
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.ops.verdict import (
    Severity,
    Violation,
    cut_to,
    pointer,
    value_excerpt,
)
from harness.secrets import placeholders

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

#: At most this many violations of one rule per exchange; the rest are counted in one more.
MAX_PER_RULE = 10


@dataclass(kw_only=True, frozen=True)
class _Bulk:
    """A root member that is a long array of scalars, checked without jsonschema's per-item cost.

    A ListInsightsMetricData response carries up to 21,600 timestamps and values; jsonschema
    spends several microseconds per item on them, as much as botocore's whole parse. Items
    are checked here with plain type tests; jsonschema still sees the first item.
    """

    name: str
    types: tuple[type, ...]
    integer: bool
    type_name: str
    minimum: float | None
    maximum: float | None
    max_items: int | None


_BULK_THRESHOLD = 32
_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int, float),
    "string": (str,),
    "boolean": (bool,),
}
_ITEM_KEYS = {"type", "minimum", "maximum", "description", "title"}
_ARRAY_KEYS = {"type", "items", "minItems", "maxItems", "description", "title"}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        target = schema.get("$defs", {}).get(ref[len("#/$defs/") :])
        if isinstance(target, dict):
            return target
    return node


def _plain(node: dict[str, Any], allowed: set[str]) -> bool:
    return all(k in allowed or k.startswith("x-") for k in node)


def _bulk_members(schema: dict[str, Any]) -> dict[str, _Bulk]:
    """Root members eligible for the fast path (no other keyword refers to them by name,
    and none applies to members without naming them: ``patternProperties``, an
    ``additionalProperties`` below the root, ``unevaluatedProperties``, a ``$ref``)."""
    others = json.dumps(
        {
            k: v
            for k, v in schema.items()
            if k not in ("properties", "$defs", "required", "additionalProperties")
        }
    )
    if any(f'"{keyword}"' in others for keyword in _UNNAMED_MEMBER_KEYWORDS):
        return {}
    out: dict[str, _Bulk] = {}
    for name, node in (schema.get("properties") or {}).items():
        array = _resolve(schema, node)
        items = array.get("items")
        if (
            array.get("type") != "array"
            or not isinstance(items, dict)
            or not _plain(array, _ARRAY_KEYS)
            or int(array.get("minItems", 0)) > 1
            or f'"{name}"' in others
        ):
            continue
        items = _resolve(schema, items)
        kind = items.get("type")
        if not isinstance(kind, str) or kind not in _SCALAR_TYPES or not _plain(items, _ITEM_KEYS):
            continue
        out[name] = _Bulk(
            name=name,
            types=_SCALAR_TYPES[kind],
            integer=kind == "integer",
            type_name=kind,
            minimum=items.get("minimum"),
            maximum=items.get("maximum"),
            max_items=array.get("maxItems"),
        )
    return out


#: Keywords that constrain an object's members without naming them.
_UNNAMED_MEMBER_KEYWORDS = (
    "patternProperties",
    "additionalProperties",
    "unevaluatedProperties",
    "$ref",
    "$dynamicRef",
)


class _Compiled:
    """A schema's compiled yes/no (``fast``, see ``_fast_validator``), its bulk-checked
    members, and python jsonschema's validator, which finds and words the errors of a
    document ``fast`` refuses. That one is built (and jsonschema imported, ~0.1 s) on first
    use: most runs check only valid documents."""

    __slots__ = ("_validator", "bulk", "fast", "schema")

    def __init__(
        self,
        schema: dict[str, Any],
        bulk: dict[str, _Bulk],
        fast: Callable[[Any], bool] | None,
    ) -> None:
        self.schema, self.bulk, self.fast = schema, bulk, fast
        self._validator: Draft202012Validator | None = None

    @classmethod
    def of(cls, schema: dict[str, Any]) -> _Compiled:
        return cls(schema, _bulk_members(schema), _fast_validator(schema))

    @property
    def validator(self) -> Draft202012Validator:
        if self._validator is None:
            from jsonschema import Draft202012Validator

            self._validator = Draft202012Validator(self.schema)
        return self._validator


def _fast_validator(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """jsonschema-rs's compiled ``is_valid`` for ``schema``, or None where it cannot serve.

    Most documents are valid, and a compiled "yes" costs about a hundredth of python
    jsonschema's walk. Only a "no" goes on to python jsonschema, which finds the errors and
    words the report, so messages stay as they were and every violation is still found
    python jsonschema's way (``tests/contract/test_fast_validation.py`` checks both agree). Without
    the package, or for a schema it cannot compile (a pattern Rust's regex engine refuses),
    python jsonschema checks everything.

    Both read every schema as draft 2020-12, as ``Draft202012Validator`` does whatever its
    ``$schema`` says; a schema naming another meta-schema (another draft, a vocabulary of
    its own) is python jsonschema's alone, since Rust's would follow that ``$schema`` and
    could say yes where python says no (``const`` means nothing in draft 4).
    """
    if not _rust_reads_it_as_python_does(schema):
        return None
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency; installed with --no-deps
        return None
    try:
        return cast("Callable[[Any], bool]", jsonschema_rs.Draft202012Validator(schema).is_valid)
    except Exception:  # any refusal means: python jsonschema alone
        return None


_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _rust_reads_it_as_python_does(schema: dict[str, Any]) -> bool:
    """False for what Rust's validator would judge otherwise than python jsonschema's: a
    ``$schema`` other than draft 2020-12 anywhere in it (a subschema of another draft is
    read by that draft's rules), and a ``multipleOf`` that is not a whole number (floating
    point remainders differ). The generated schemas hold neither."""
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            meta = node.get("$schema", _DRAFT_2020_12)
            if meta not in (_DRAFT_2020_12, _DRAFT_2020_12 + "#"):
                return False
            step = node.get("multipleOf")
            if step is not None and not (isinstance(step, int) and not isinstance(step, bool)):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


_compiled_cache: dict[tuple[Any, ...], _Compiled] = {}


def compiled_schema(source: SchemaSource, service: str, name: str, kind: str) -> _Compiled:
    """The validator of one schema, built once per loaded schema."""
    schema = source.load(service, name, kind)
    key = (source.key, service, name, kind)
    cached = _compiled_cache.get(key)
    if cached is None or cached.schema is not schema:  # the store reloads changed files
        cached = _Compiled.of(schema)
        _compiled_cache[key] = cached
    return cached


def _doc_of(schema: dict[str, Any], error: ValidationError) -> str:
    """The quoted doc sentence of the overlay (``x-doc``) an error comes from, if any."""
    node: Any = schema
    doc = ""
    for token in error.absolute_schema_path:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            break
        if isinstance(node, dict) and isinstance(node.get("x-doc"), str):
            doc = node["x-doc"]
    return doc


def _expected(error: ValidationError) -> str:
    kw, want = error.validator, error.validator_value
    texts = {
        "type": f"a JSON {want}",
        "enum": f"one of {value_excerpt(want, 120)}",
        "const": f"exactly {value_excerpt(want)}",
        "minimum": f"at least {want}",
        "maximum": f"at most {want}",
        "minLength": f"at least {want} character(s)",
        "maxLength": f"at most {want} character(s)",
        "minItems": f"at least {want} item(s)",
        "maxItems": f"at most {want} item(s)",
        "maxProperties": f"at most {want} entr(y/ies)",
        "minProperties": f"at least {want} entr(y/ies)",
        "pattern": f"text matching {want}",
    }
    return texts.get(str(kw), f"{kw}: {value_excerpt(want, 120)}")


#: Keywords of an ``anyOf``/``oneOf`` alternative that validate nothing.
_ANNOTATIONS = frozenset({"description", "title", "$comment"})


def _member_alternatives(error: ValidationError) -> tuple[str, str] | None:
    """(expected, message) for an ``anyOf``/``oneOf`` whose alternatives each require some
    members (an overlay's "GroupARN or GroupName"): which members it needs, in words;
    None for any other kind of error."""
    alternatives = error.validator_value
    if (
        error.validator not in ("anyOf", "oneOf")
        or not isinstance(error.instance, dict)
        or not isinstance(alternatives, list)
        or not alternatives
    ):
        return None
    options: list[list[str]] = []
    for alternative in alternatives:
        if not isinstance(alternative, dict) or not isinstance(alternative.get("required"), list):
            return None
        if any(k != "required" and k not in _ANNOTATIONS and not k.startswith("x-")
               for k in alternative):  # fmt: skip
            return None
        options.append([str(m) for m in alternative["required"]])
    named = ", ".join(" and ".join(option) for option in options)
    present = [" and ".join(o) for o in options if all(m in error.instance for m in o)]
    if error.validator == "oneOf" and len(present) > 1:
        return (
            f"exactly one of the members {named} present",
            f"takes only one of: {named} (got {', '.join(present)})",
        )
    exactly = "exactly " if error.validator == "oneOf" else ""
    return f"{exactly}one of the members {named} present", f"needs {exactly}one of: {named}"


#: JSON Schema keywords that come from the model's constraint traits (range, length,
#: pattern). On output they are graded ``warning`` (see the module docstring).
_CONSTRAINT_KEYWORDS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "pattern",
    }
)


def _is_constraint(error: ValidationError) -> bool:
    """True when ``error`` breaks a model constraint trait, not a type, enum or encoding."""
    if error.validator not in _CONSTRAINT_KEYWORDS:
        return False
    node = error.schema if isinstance(error.schema, dict) else {}
    if "x-aws-timestamp-format" in node:
        return False  # a timestamp out of any date's range is broken encoding, not a trait
    if error.validator == "pattern" and (
        "contentEncoding" in node
        or "format" in node
        or "x-aws-timestamp-format" in node
        or isinstance(node.get("type"), list)
    ):
        return False  # a wire encoding (timestamp, blob, NaN as text), not a pattern trait
    # minProperties/maxProperties 1 on a structure mark a union: that is structure
    return not (error.validator in ("minProperties", "maxProperties") and "properties" in node)


def may_hold_nulls(body: bytes, facts: OperationFacts) -> bool:
    """False when a JSON body cannot hold a ``null`` or a ``__type`` tag (the common case:
    the walk of ``without_nulls`` is then skipped); other protocols are always walked."""
    return not facts.json_body or b"null" in body or b"__type" in body


def without_nulls(value: Any, top: bool = True) -> Any:
    """A body as botocore's parser reads it: JSON ``null`` members are absent, and a
    ``__type`` tag inside the body (the json protocols' union type hint) is ignored."""
    if isinstance(value, dict):
        return {
            k: without_nulls(v, False)
            for k, v in value.items()
            if v is not None and (top or k != "__type")
        }
    if isinstance(value, list):
        # botocore hands a null list item over as None: not a broken contract
        return [without_nulls(v, False) for v in value if v is not None]
    return value


def _fast_yes(fast: Callable[[Any], bool], instance: Any) -> bool:
    """True when the compiled validator accepts ``instance``; any doubt is a no."""
    try:
        return fast(instance)
    except (ValueError, TypeError, OverflowError):  # a value it cannot take (a huge int)
        return False


def validate_wire(
    schema: dict[str, Any], instance: dict[str, Any], part: str, label: str = ""
) -> list[Violation]:
    """The violations of one wire-form document against a schema, graded as every check
    grades them (``part``: request, response or error). For schemas that are not in a
    schema directory: botocore's protocol suites, a schema a user builds."""
    compiled = _Compiled.of(schema)
    where = Exchange(
        "", "", HttpRequest(method="", url="", headers={}), HttpResponse(0, {}), "synthetic"
    )
    found = schema_violations(compiled, without_nulls(instance), part, where)
    return [replace(v, operation=label) for v in found]


def schema_violations(
    compiled: _Compiled, instance: dict[str, Any], part: str, exchange: Exchange
) -> list[Violation]:
    """Validate one wire-form document; ``part`` is request, response or error."""
    if compiled.fast is not None and not compiled.bulk and _fast_yes(compiled.fast, instance):
        return []  # the common case, before anything is set up for reporting
    violations: list[Violation] = []
    label = exchange.label
    base = "schema.request" if part == "request" else f"schema.{part}"
    root = "request" if part == "request" else "response"  # an error body is the response

    def make(
        rule: str, severity: Severity, where: str, value: Any, exp: str, msg: str, doc: str
    ) -> None:
        violations.append(
            Violation(
                rule=rule,
                severity=severity,
                operation=label,
                cassette=exchange.cassette,
                index=exchange.index,
                pointer=where,
                value=value_excerpt(value),
                expected=exp,
                doc=doc,
                message=msg,
            )
        )

    reported_missing: set[tuple[tuple[Any, ...], str]] = set()
    target = instance
    for name, bulk in compiled.bulk.items():
        items = instance.get(name)
        if isinstance(items, list) and len(items) > _BULK_THRESHOLD:
            if target is instance:
                target = dict(instance)
            target[name] = items[:1]
            for where, value, exp, msg, constraint in _bulk_problems(bulk, items):
                if constraint and part != "request":
                    make(_CONSTRAINT, "warning", pointer(root, name, *where), value, exp, msg, "")
                else:
                    make(base, "error", pointer(root, name, *where), value, exp, msg, "")
    # (without bulk members, the compiled validator already said no at the top)
    if compiled.bulk and compiled.fast is not None and _fast_yes(compiled.fast, target):
        return violations
    for error in compiled.validator.iter_errors(target):
        path = list(error.absolute_path)
        doc = _doc_of(compiled.schema, error)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for extra in sorted(k for k in error.instance if k not in known):
                unknown_in_response = part == "response"
                make(
                    "schema.response.unknown-member" if unknown_in_response else base,
                    "drift" if unknown_in_response else "error",
                    pointer(root, *path, extra),
                    error.instance[extra],
                    f"only the members the schema lists ({value_excerpt(sorted(known), 120)})",
                    f"member {extra!r} is not in the schema",
                    doc,
                )
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            # A documented requirement (an overlay) stays an error; the model's trait on
            # output is a warning: services omit members the model marks required.
            graded = part != "request" and not doc
            for missing in error.validator_value:
                # jsonschema raises one error per missing member, each naming them all
                if missing not in error.instance and (tuple(path), missing) not in reported_missing:
                    reported_missing.add((tuple(path), missing))
                    make(
                        _REQUIRED if graded else base,
                        "warning" if graded else "error",
                        pointer(root, *path, missing),
                        None,
                        f"required member {missing!r} present",
                        f"{missing!r} is missing",
                        doc,
                    )
            continue
        if _redacted(error):
            continue
        members = _member_alternatives(error)
        if members is not None:  # (jsonschema's "not valid under any of the given schemas")
            make(base, "error", pointer(root, *path), error.instance, *members, doc)
            continue
        if error.validator == "enum" and part == "response" and not doc:
            make(
                "schema.response.unknown-enum",
                "drift",
                pointer(root, *path),
                error.instance,
                _expected(error),
                "value is not in the modeled enum",
                doc,
            )
            continue
        graded = part != "request" and not doc and _is_constraint(error)
        if graded and part == "response" and _meant_for_input(exchange, error):
            continue
        make(
            _CONSTRAINT if graded else base,
            "warning" if graded else "error",
            pointer(root, *path),
            error.instance,
            _expected(error),
            cut_to(error.message, 160),
            doc,
        )
    return violations


#: What a value's text is judged by (a placeholder's text is not the value's)
_TEXT_RULES = frozenset({"pattern", "minLength", "maxLength", "format", "enum", "const"})


def _redacted(error: ValidationError) -> bool:
    """A text rule broken by a redaction placeholder: the value sent (a ``sensitive``
    member, Organizations ``CreateAccount``'s ``Email``) is not in the recording to judge,
    and the placeholder is the harness's, not the code's (invisible-r14)."""
    return (
        error.validator in _TEXT_RULES
        and isinstance(error.instance, str)
        and placeholders.is_placeholder(error.instance)
    )


_CONSTRAINT = "schema.response.constraint"
#: The lower bounds of a constraint trait (botocore's ``min``)
_LOWER_BOUNDS = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})


def _meant_for_input(exchange: Exchange, error: ValidationError) -> bool:
    """True when ``error`` is a lower bound of a shape the service's *inputs* use too: the
    ``min`` trait then says what a client may send, and the service answers below it.
    DynamoDB's ``NumberOfDecreasesToday`` shares ``PositiveLongObject`` (min 1) with the
    capacity a CreateTable sends, and AWS answers 0 until the first decrease;
    BatchGetItem's ``UnprocessedKeys`` is the request's ``BatchGetRequestMap`` (min 1) and
    comes back ``{}``. A lower bound on a shape only outputs use is still checked."""
    if error.validator not in _LOWER_BOUNDS or not exchange.service:
        return False
    try:
        found = _output_shape_at(exchange.service, exchange.operation, tuple(error.absolute_path))
    except (HarnessUsageError, KeyError, TypeError):
        return False
    return found is not None and found in _input_shape_names(exchange.service)


@functools.lru_cache(maxsize=4096)
def _output_shape_at(service: str, operation: str, path: tuple[Any, ...]) -> str | None:
    """The name of the shape at ``path`` (member names, list indexes, map keys) of an
    operation's output."""
    shape = operation_model(service, operation).output_shape
    for step in path:
        if shape is None:
            return None
        if shape.type_name == "structure":
            shape = shape.members.get(step)
        elif shape.type_name == "list":
            shape = shape.member
        elif shape.type_name == "map":
            shape = shape.value
        else:
            return None
    return None if shape is None else str(shape.name)


@functools.lru_cache(maxsize=64)
def _input_shape_names(service: str) -> frozenset[str]:
    """Every shape reachable from an input of ``service``."""
    model = service_model(service)
    seen: set[str] = set()
    stack = [model.operation_model(name).input_shape for name in model.operation_names]
    while stack:
        shape = stack.pop()
        if shape is None or shape.name in seen:
            continue
        seen.add(shape.name)
        if shape.type_name == "structure":
            stack.extend(shape.members.values())
        elif shape.type_name == "list":
            stack.append(shape.member)
        elif shape.type_name == "map":
            stack.extend((shape.key, shape.value))
    return frozenset(seen)


_REQUIRED = "schema.response.required"


def _bulk_problems(
    bulk: _Bulk, items: list[Any]
) -> Iterator[tuple[tuple[Any, ...], Any, str, str, bool]]:
    """Problems of a long scalar array: (where, value, expected, message, is-constraint)."""
    if bulk.max_items is not None and len(items) > bulk.max_items:
        yield (), len(items), f"at most {bulk.max_items} item(s)", "too many items", True
    types = bulk.types
    bad = 0
    lo, hi = bulk.minimum, bulk.maximum
    # The common case, all items of the right type, costs one pass in C-level iteration.
    if all(type(x) in types for x in items) and not bulk.integer and lo is None and hi is None:
        return
    for i, x in enumerate(items[1:], start=1):
        if type(x) not in types or (bulk.integer and isinstance(x, float) and not x.is_integer()):
            problem: tuple[str, str, bool] | None = (
                f"a JSON {bulk.type_name}",
                f"not of type {bulk.type_name!r}",
                False,
            )
        elif lo is not None and x < lo:
            problem = (f"at least {lo}", f"{x!r} is less than the minimum {lo}", True)
        elif hi is not None and x > hi:
            problem = (f"at most {hi}", f"{x!r} is greater than the maximum {hi}", True)
        else:
            problem = None
        if problem is not None:
            bad += 1
            if bad <= MAX_PER_RULE:
                yield (i,), x, problem[0], problem[1], problem[2]
    if bad > MAX_PER_RULE:
        yield (
            (),
            f"{bad} bad items",
            f"a JSON {bulk.type_name} each",
            f"{bad - MAX_PER_RULE} more",
            False,
        )


@dataclass(kw_only=True, frozen=True)
class OperationFacts:
    """What checking one operation's exchanges needs from its model, worked out once (a
    cassette repeats a few operations thousands of times)."""

    unjudgeable: str | None  # why its exchanges cannot be judged (None when they can)
    event_stream: str | None  # the output member that is an event stream
    json_body: bool  # json or rest-json: a body is walked for nulls only if it holds one
    body_required: bool  # the output has required members in the body
    #: the response carries a body to check: a HEAD response never does (its Content-Length
    #: is the size a GET would send), nor one whose members are all headers or status
    has_body: bool = True


@functools.lru_cache(maxsize=1024)  # bounded: names come from the cassettes
def operation_facts(service: str, operation: str) -> OperationFacts:
    try:
        model = service_model(service)
        op = operation_model(service, operation)
    except HarnessUsageError:
        unknown = f"botocore {_botocore()} has no operation {service}:{operation}"
        return OperationFacts(
            unjudgeable=unknown, event_stream=None, json_body=False, body_required=False
        )
    protocol = protocol_of(model)
    if protocol not in CHECKED_PROTOCOLS:
        why = f"the {protocol} protocol has no schemas (checked: {', '.join(CHECKED_PROTOCOLS)})"
        return OperationFacts(
            unjudgeable=why, event_stream=None, json_body=False, body_required=False
        )
    shape = op.output_shape
    members = shape.members if shape is not None else {}
    stream = next((str(n) for n, m in members.items() if m.serialization.get("eventstream")), None)
    required = shape is not None and any(
        members[name].serialization.get("location") is None
        for name in shape.required_members
        if name in members
    )
    has_body = str(op.http.get("method", "")).upper() != "HEAD" and any(
        m.serialization.get("location") is None for m in members.values()
    )
    return OperationFacts(
        unjudgeable=None,
        event_stream=stream,
        json_body=protocol in JSON_CONTENT_TYPES,
        body_required=required,
        has_body=has_body,
    )


def _botocore() -> str:
    from harness.aws.models import botocore_version

    return botocore_version()
