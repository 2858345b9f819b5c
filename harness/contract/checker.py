"""Contract checks: every exchange against its JSON Schemas and the documented rules.

The public API for users who build their own flows:

* :func:`check_exchange` — one exchange: the request parameters against the input schema,
  the response against the output schema (or the error body against the error schema), and
  the rules of :mod:`harness.contract.rules` that apply to one call.
* :func:`check_exchanges` — many exchanges of one test or cassette: the above for each, plus
  the rules that span calls (``NextToken`` chains).
* :func:`check_cassette` — one cassette file, as a :class:`CassetteReport`.
* :func:`check_request` — request parameters alone, before any response (what a backend
  that answers as the service would rejects).
* :func:`check_all` — like :func:`check_exchanges`, and also says which exchanges could
  not be judged (:class:`Skipped`: an operation the installed botocore does not know, a
  request to no AWS operation), so callers can count them instead of failing on them.

Severity follows what AWS actually keeps. The schema's types, enums and structure, and the
documented rules, are ``error``. The model's constraint traits (min/max, length, pattern,
required) on *output* are ``warning`` by default: Smithy says clients must not enforce them
on output (smithy issue #1039), and AWS does break them (DynamoDB's
``NumberOfDecreasesToday: 0`` under ``min: 1``). Every rule can be re-graded or turned off
by id (``rules=``, see :func:`parse_rule_settings`).

What counts as a violation follows the documented behaviour of AWS APIs: a request that
breaks its input schema or a documented rule and is answered with a modeled 4xx error is
what the docs promise, so it is not reported; the same request answered with 2xx is (the
service accepted what the docs say it rejects). Something the schema does not know in a
*response* (an unknown member, a new enum value, an unmodeled error code) is ``drift``:
typically AWS moved ahead of the installed botocore.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, cast, overload

from harness.aws.models import (
    CHECKED_PROTOCOLS,
    SUPPORTED_PROTOCOLS,
    operation_model,
    require_checkable,
    service_model,
)
from harness.aws.protocols import JSON_CONTENT_TYPES, protocol_of
from harness.aws.protocols.wire_form import (
    ErrorInfo,
    WireError,
    decode_error,
    decode_response,
)
from harness.cassettes.cassette import (
    CassetteError,
    Entry,
    StreamMisread,
    read_entries,
    runs,
    stream_entries,
    until_error,
)
from harness.contract import rules as _rules
from harness.contract.schemas.store import SchemaSource, schema_source
from harness.contract.verdicts import VerdictCache
from harness.errors import HarnessAssertionError, HarnessUsageError, did_you_mean
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.ops.verdict import (
    SEVERITIES,
    Page,
    RuleContext,
    Severity,
    Violation,
    _cut,
    _short,
    pointer,
    request_time,
)

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "SEVERITIES",
    "CassetteReport",
    "ContractResult",
    "ContractViolationError",
    "Page",
    "RuleContext",
    "RuleSettings",
    "SchemaDirs",
    "Severity",
    "Skipped",
    "Violation",
    "apply_rule_settings",
    "check_all",
    "check_cassette",
    "check_exchange",
    "check_exchanges",
    "check_request",
    "is_failure",
    "parse_rule_settings",
    "validate_wire",
]

#: What a rule can be set to by id: a severity, or ``off``.
RULE_SETTINGS = (*SEVERITIES, "off")
#: Rule id -> severity or "off" (see :func:`parse_rule_settings`).
RuleSettings = dict[str, str]
#: Where schemas come from: None (packaged, then generated), a directory, several
#: directories layered on top of those, or a :class:`~harness.contract.schemas.store.SchemaSource`.
SchemaDirs = SchemaSource | str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None

#: At most this many violations of one rule per exchange; the rest are counted in one more.
MAX_PER_RULE = 10


class ContractViolationError(HarnessAssertionError):
    """Exchanges broke their contract; the message lists every violation."""

    def __init__(self, violations: Sequence[Violation], hint: str = "") -> None:
        self.violations = list(violations)
        head = f"{len(self.violations)} AWS contract violation(s):"
        body = "\n\n".join(str(v) for v in self.violations)
        super().__init__(f"{head}\n\n{body}" + (f"\n\n{hint}" if hint else ""))


def is_failure(violation: Violation, *, allow_drift: bool = False) -> bool:
    """True when ``violation`` should fail a run: errors always, drift unless allowed."""
    if violation.severity == "error":
        return True
    return violation.severity == "drift" and not allow_drift


@dataclass(frozen=True)
class Skipped:
    """An exchange the checker cannot judge, with the one-line reason; never a failure."""

    operation: str  # ``service:Operation``, or ``GET host/path`` for a request to no AWS API
    cassette: str | None
    index: int | None
    reason: str

    def __str__(self) -> str:
        where = self.cassette or "(no cassette)"
        at = f"{where} #{self.index}" if self.index is not None else where
        return f"{self.operation} not checked ({at}): {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field."""
        return asdict(self)


@dataclass
class ContractResult:
    """What :func:`check_all` found: the violations, and the exchanges it could not judge."""

    violations: list[Violation]
    skipped: list[Skipped]


# --------------------------------------------------------------------------- rule selection


def _known_rule_ids() -> tuple[str, ...]:
    return tuple(rule.id for rule in _rules.RULES)


def parse_rule_settings(items: Iterable[str], *, where: str = "rule setting") -> RuleSettings:
    """Read ``ID=SEVERITY`` items (``error``, ``drift``, ``warning`` or ``off``) by rule id.

    ``-ID`` is short for ``ID=off``. A later item for the same id wins. Unknown ids or
    severities raise ``HarnessUsageError`` naming ``where`` and the closest id.
    """
    out: RuleSettings = {}
    for raw in items:
        text = str(raw).strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("-") and "=" not in text:
            rule_id, value = text[1:].strip(), "off"
        else:
            rule_id, sep, value = (part.strip() for part in text.partition("="))
            if not sep:
                raise HarnessUsageError(
                    f"{where} {text!r}: write RULE_ID=SEVERITY (one of "
                    f"{', '.join(RULE_SETTINGS)}), e.g. 'schema.response.constraint=error'."
                )
        settings = {rule_id: value}
        validate_rule_settings(settings, where=where)
        out.update(settings)
    return out


def validate_rule_settings(settings: Mapping[str, str], *, where: str = "rule setting") -> None:
    """Raise ``HarnessUsageError`` for an unknown rule id or severity in ``settings``."""
    known = _known_rule_ids()
    for rule_id, value in settings.items():
        if rule_id not in known:
            raise HarnessUsageError(
                f"{where}: no rule {rule_id!r}.{did_you_mean(rule_id, known)} The README's "
                "Contract checks section lists every rule id."
            )
        if value not in RULE_SETTINGS:
            raise HarnessUsageError(
                f"{where}: {rule_id}={value!r} is not a severity; use one of "
                f"{', '.join(RULE_SETTINGS)}."
            )


def apply_rule_settings(
    violations: Iterable[Violation], settings: Mapping[str, str] | None
) -> list[Violation]:
    """Re-grade violations by rule id (``off`` drops them); others are kept as they are."""
    if not settings:
        return list(violations)
    out: list[Violation] = []
    for violation in violations:
        setting = settings.get(violation.rule)
        if setting is None:
            out.append(violation)
        elif setting != "off":
            out.append(replace(violation, severity=setting))  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------- rule context


def _run_rule(rule: _rules.Rule, ctx: RuleContext) -> list[Violation]:
    found = list(islice(rule.check(ctx.with_rule(rule)), MAX_PER_RULE + 1))
    if len(found) > MAX_PER_RULE:
        rest = sum(1 for _ in rule.check(ctx.with_rule(rule))) - MAX_PER_RULE
        found = found[:MAX_PER_RULE]
        last = found[-1]
        found.append(replace(last, message=f"... and {rest} more violation(s) of this rule"))
    return found


# --------------------------------------------------------------------------- schemas


@dataclass(frozen=True)
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
    python jsonschema's way (``tests/test_fast_validation.py`` checks both agree). Without
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


def _compiled(source: SchemaSource, service: str, name: str, kind: str) -> _Compiled:
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
        "enum": f"one of {_short(want, 120)}",
        "const": f"exactly {_short(want)}",
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
    return texts.get(str(kw), f"{kw}: {_short(want, 120)}")


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


def _may_hold_nulls(body: bytes, facts: _OperationFacts) -> bool:
    """False when a JSON body cannot hold a ``null`` or a ``__type`` tag (the common case:
    the walk of ``_without_nulls`` is then skipped); other protocols are always walked."""
    return not facts.json_body or b"null" in body or b"__type" in body


def _without_nulls(value: Any, top: bool = True) -> Any:
    """A body as botocore's parser reads it: JSON ``null`` members are absent, and a
    ``__type`` tag inside the body (the json protocols' union type hint) is ignored."""
    if isinstance(value, dict):
        return {
            k: _without_nulls(v, False)
            for k, v in value.items()
            if v is not None and (top or k != "__type")
        }
    if isinstance(value, list):
        # botocore hands a null list item over as None: not a broken contract
        return [_without_nulls(v, False) for v in value if v is not None]
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
    where = Exchange("", "", HttpRequest("", "", {}), HttpResponse(0, {}), "synthetic")
    found = _schema_violations(compiled, _without_nulls(instance), part, where)
    return [replace(v, operation=label) for v in found]


def _schema_violations(
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
                rule,
                severity,
                label,
                exchange.cassette,
                exchange.index,
                where,
                _short(value),
                exp,
                doc,
                msg,
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
                    f"only the members the schema lists ({_short(sorted(known), 120)})",
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
        make(
            _CONSTRAINT if graded else base,
            "warning" if graded else "error",
            pointer(root, *path),
            error.instance,
            _expected(error),
            _cut(error.message, 160),
            doc,
        )
    return violations


_CONSTRAINT = "schema.response.constraint"
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


# --------------------------------------------------------------------------- one exchange


class _Checked(NamedTuple):  # (a tuple: built for every exchange, at a fifth of the cost)
    page: Page | None  # None when the exchange was not judged
    violations: list[Violation]
    request_problems: list[Violation]  # reported only when the service accepted the request
    skipped: tuple[Skipped, ...] = ()


def _source(schema_dir: SchemaDirs) -> SchemaSource:
    return schema_source(schema_dir)


def _skip(exchange: Exchange, reason: str) -> Skipped:
    return Skipped(exchange.label, exchange.cassette, exchange.index, reason)


@dataclass(frozen=True)
class _OperationFacts:
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
def _facts(service: str, operation: str) -> _OperationFacts:
    try:
        model = service_model(service)
        op = operation_model(service, operation)
    except HarnessUsageError:
        unknown = f"botocore {_botocore()} has no operation {service}:{operation}"
        return _OperationFacts(unknown, None, False, False)
    protocol = protocol_of(model)
    if protocol not in CHECKED_PROTOCOLS:
        why = f"the {protocol} protocol has no schemas (checked: {', '.join(CHECKED_PROTOCOLS)})"
        return _OperationFacts(why, None, False, False)
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
    return _OperationFacts(None, stream, protocol in JSON_CONTENT_TYPES, required, has_body)


def _botocore() -> str:
    from harness.aws.models import botocore_version

    return botocore_version()


def _body_not_held(response: HttpResponse, facts: _OperationFacts) -> bool:
    """True when a 2xx response had a body that the cassette does not hold.

    An empty body with a non-zero ``Content-Length``, or with an output shape whose body
    has required members, was not what the service sent: read as ``{}`` it would be
    reported as every required member missing.
    """
    if response.body or not facts.has_body:
        return False
    length = response.header("Content-Length")
    if length is not None:
        return length.strip() not in ("", "0")
    return facts.body_required


def _violation(exchange: Exchange, rule: str, severity: Severity, **fields: str) -> Violation:
    return Violation(
        rule,
        severity,
        exchange.label,
        exchange.cassette,
        exchange.index,
        fields.get("pointer", "/response"),
        fields.get("value", ""),
        fields.get("expected", ""),
        "",
        fields.get("message", ""),
    )


#: ``_check_one``'s ``output`` when the response was not read ahead (``_read_output``).
_UNREAD: Any = object()


def _read_output(exchange: Exchange) -> dict[str, Any] | WireError | None:
    """The wire form of a 2xx response's body that the check reads (a ``WireError`` when it
    does not read), or None for any other exchange: an error, an event stream, an operation
    that is not judged, a body the cassette does not hold."""
    facts = _facts(exchange.service, exchange.operation)
    response = exchange.response
    if (
        facts.unjudgeable is not None
        or response.status >= 300
        or facts.event_stream is not None
        or _body_not_held(response, facts)
    ):
        return None
    try:
        output = decode_response(exchange.service, exchange.operation, response)
    except WireError as exc:
        return exc
    return _without_nulls(output) if _may_hold_nulls(response.body, facts) else output


def _check_one(exchange: Exchange, source: SchemaSource, output: Any = _UNREAD) -> _Checked:
    """One exchange's verdict; ``output``: its ``_read_output``, when read ahead."""
    service, operation = exchange.service, exchange.operation
    facts = _facts(service, operation)
    if facts.unjudgeable is not None:
        return _Checked(None, [], [], (_skip(exchange, facts.unjudgeable),))
    params = dict(exchange.params)
    ctx = RuleContext._of(exchange, params, {}, request_time(exchange))
    request_problems = _request_violations(ctx, source)
    response = exchange.response
    if response.status >= 300:
        info = decode_error(service, response)
        info = replace(info, body=_without_nulls(info.body))
        ctx = replace(ctx, error=info)
        violations = _check_error(exchange, info, source, ctx)
        return _Checked(Page(exchange, params, {}, False), violations, request_problems)
    violations = [
        replace(v, message=f"the service accepted a request the contract rejects: {v.message}")
        for v in request_problems
    ]
    if facts.event_stream is not None:
        violations.extend(_check_event_stream(exchange, facts.event_stream, source))
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    if output is _UNREAD:
        output = _read_output(exchange)
    if output is None:  # (not held: _read_output returns None for nothing else here)
        violations.append(
            _violation(
                exchange,
                _BODY_NOT_HELD,
                "warning",
                value=f"Content-Length: {response.header('Content-Length') or '(none)'}",
                expected="the response body as the service sent it",
                message="the cassette does not hold this response's body, so it was not checked",
            )
        )
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    if isinstance(output, WireError):
        violations.append(
            Violation(
                "schema.response",
                "error",
                exchange.label,
                exchange.cassette,
                exchange.index,
                "/response",
                _short(response.body[:80].decode("utf-8", "replace")),
                "a JSON object",
                "",
                str(output),
            )
        )
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    violations.extend(
        _schema_violations(
            _compiled(source, service, operation, "output"), output, "response", exchange
        )
    )
    ctx = RuleContext._of(exchange, params, output, ctx.request_time)
    for rule in _rules.rules_for(service, operation, "response"):
        violations.extend(_run_rule(rule, ctx))
    return _Checked(Page(exchange, params, output, True), violations, request_problems)


_BODY_NOT_HELD = "response.body-not-recorded"

#: Verdicts of the exchanges this process has judged (see harness.contract.verdicts).
VERDICTS: VerdictCache[_Checked] = VerdictCache()


def _check_remembered(exchange: Exchange, source: SchemaSource) -> _Checked:
    """``_check_one``, reusing the verdict of an exchange with the same bytes (a replay)."""
    checked, remembered = VERDICTS.get_or_compute(
        source.key, exchange, lambda: _check_one(exchange, source)
    )
    if not remembered:
        return checked
    # the same bytes at another place: the verdict names this exchange and its location
    at, index = exchange.cassette, exchange.index
    return _Checked(
        replace(checked.page, exchange=exchange) if checked.page is not None else None,
        [replace(v, cassette=at, index=index) for v in checked.violations],
        [replace(v, cassette=at, index=index) for v in checked.request_problems],
        tuple(replace(s, cassette=at, index=index) for s in checked.skipped),
    )


def _event_value(shape: Any, message: Any) -> dict[str, Any]:
    """One event message in wire form: header members, then the payload member or body."""
    import base64

    value: dict[str, Any] = {}
    payload_member = None
    for name, member in shape.members.items():
        if member.serialization.get("eventheader"):
            header = message.header(name)
            if header is not None:
                value[name] = header
        elif member.serialization.get("eventpayload"):
            payload_member = (name, member)
    if payload_member is not None:
        name, member = payload_member
        if member.type_name == "blob":
            value[name] = base64.b64encode(message.payload).decode("ascii")
        elif member.type_name == "string":
            value[name] = message.payload.decode("utf-8", "replace")
        elif message.payload:
            value[name] = json.loads(message.payload)
    elif message.payload.strip():
        body = json.loads(message.payload)
        if isinstance(body, dict):
            value.update(body)
    return {k: _without_nulls(v, False) for k, v in value.items() if v is not None}


def _parsed_event(service: str, stream: Any, message: Any, event_type: str) -> dict[str, Any]:
    """One event of an XML or CBOR stream, as botocore's event parser reads it (parsed form)."""
    from botocore.parsers import create_parser

    from harness.aws.protocols import to_data

    parser = create_parser(protocol_of(service_model(service))).EVENT_STREAM_PARSER_CLS()
    headers = {h.name: h.value for h in message.headers}
    try:
        parsed = parser.parse(
            {"headers": headers, "body": message.payload, "status_code": 200}, stream
        )
    except Exception as exc:  # botocore's parsers raise many types on bytes they cannot read
        raise ValueError(str(exc)) from None
    return dict(to_data(parsed.get(event_type) or {}))


def _check_event_stream(exchange: Exchange, stream: str, source: SchemaSource) -> list[Violation]:
    """The non-stream members once, then each event of the stream against its schema."""
    from harness.aws import eventstream

    service, operation = exchange.service, exchange.operation
    compiled = _compiled(source, service, operation, "output")
    head_response = replace(exchange.response, body=b"")
    head: dict[str, Any] = _without_nulls(decode_response(service, operation, head_response))
    head.pop(stream, None)
    found = _schema_violations(compiled, head, "response", exchange)
    if not exchange.response.body:
        return found
    try:
        messages = eventstream.decode_stream(exchange.response.body)
    except (eventstream.EventStreamError, ValueError) as exc:
        return [
            *found,
            _violation(
                exchange,
                "schema.response",
                "error",
                value=_short(exchange.response.body[:40].decode("utf-8", "replace")),
                expected="an AWS event stream",
                message=f"the body is not an event stream: {exc}",
            ),
        ]
    shape = operation_model(service, operation).output_shape.members[stream]
    prefix = pointer("response", stream)
    for number, message in enumerate(messages):
        kind = message.header(":message-type")
        event_type = message.header(":event-type")
        if kind != "event" or event_type not in shape.members:
            continue  # exceptions and errors in a stream are the client's to raise
        try:
            event = (
                _parsed_event(service, shape, message, event_type)
                if protocol_of(service_model(service)) not in SUPPORTED_PROTOCOLS
                else _event_value(shape.members[event_type], message)
            )
        except ValueError as exc:
            found.append(
                _violation(
                    exchange,
                    "schema.response",
                    "error",
                    pointer=pointer("response", stream, event_type),
                    value=_short(message.payload[:40].decode("utf-8", "replace")),
                    expected="a JSON event payload",
                    message=f"event #{number} ({event_type}) cannot be read: {exc}",
                )
            )
            continue
        instance = {**head, stream: {event_type: event}}
        for violation in _schema_violations(compiled, instance, "response", exchange):
            if violation.pointer.startswith(prefix):
                found.append(replace(violation, message=f"event #{number}: {violation.message}"))
    return found


def _request_violations(ctx: RuleContext, source: SchemaSource) -> list[Violation]:
    """The request parameters against the input schema and the request-scope rules."""
    service, operation = ctx.exchange.service, ctx.exchange.operation
    found = _schema_violations(
        _compiled(source, service, operation, "input"), ctx.request, "request", ctx.exchange
    )
    for rule in _rules.rules_for(service, operation, "request"):
        found.extend(_run_rule(rule, ctx))
    return found


def check_request(
    service: str,
    operation: str,
    params: dict[str, Any],
    *,
    schema_dir: SchemaDirs = None,
    now: dt.datetime | None = None,
) -> list[Violation]:
    """Check request parameters alone (wire form, no response); returns violations.

    The same checks :func:`check_exchange` makes of a request: the input schema (with its
    documented overlays) and the request-scope rules of :mod:`harness.contract.rules`; rules about
    the
    time of the request (how old a window may be) run when ``now`` is given. A backend
    answering as the service would rejects a request for which this is not empty. Raises
    ``HarnessUsageError`` for an unsupported service or operation, or a schema directory
    that does not exist or holds no schemas.
    """
    require_checkable(service)
    operation_model(service, operation)
    # Not sent anywhere: the placeholder HTTP parts are never read by schema or request rules.
    exchange = Exchange(
        service, operation, _NO_REQUEST, _NO_RESPONSE, "synthetic", params=dict(params)
    )
    ctx = RuleContext(exchange=exchange, request=exchange.params, request_time=now)
    return _request_violations(ctx, _source(schema_dir))


_NO_REQUEST = HttpRequest("POST", "", {})
_NO_RESPONSE = HttpResponse(0, {})


def _check_error(
    exchange: Exchange, info: ErrorInfo, source: SchemaSource, ctx: RuleContext
) -> list[Violation]:
    violations: list[Violation] = []
    for rule in _rules.rules_for(exchange.service, exchange.operation, "error"):
        violations.extend(_run_rule(rule, ctx))
    shape = _rules.modeled_errors(exchange.service, exchange.operation).get(info.code)
    if shape is not None:
        compiled = _compiled(source, exchange.service, shape.name, "error")
        violations.extend(_schema_violations(compiled, info.body, "error", exchange))
    return violations


def _downgrade(violations: list[Violation], allow_drift: bool) -> list[Violation]:
    if not allow_drift:
        return violations
    return [replace(v, severity="warning") if v.severity == "drift" else v for v in violations]


def check_exchange(
    exchange: Exchange,
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Check one exchange against its schemas and the one-call rules; returns violations.

    ``schema_dir``: None (the packaged schemas, then schemas generated from the installed
    botocore), or user directories layered on top of those. With ``allow_drift`` drift is
    reported as ``warning``; ``rules`` re-grades rules by id (see
    :func:`parse_rule_settings`). An exchange the checker cannot judge gives no violation
    (:func:`check_all` says why).
    """
    return check_all(
        [exchange], schema_dir=schema_dir, allow_drift=allow_drift, rules=rules, chains=False
    ).violations


def check_exchanges(
    exchanges: Iterable[Exchange],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Check exchanges in the order they happened: each one, then ``NextToken`` chains."""
    return check_all(
        exchanges, schema_dir=schema_dir, allow_drift=allow_drift, rules=rules
    ).violations


def check_all(
    exchanges: Iterable[Exchange],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
    chains: bool = True,
) -> ContractResult:
    """Check exchanges like :func:`check_exchanges`; also list those it could not judge."""
    checker = _Checker(schema_dir, rules, chains)
    for exchange in exchanges:
        checker.add(exchange)
    return checker.result(allow_drift)


class _Checker:
    """Checks exchanges one at a time, keeping only findings and the pages of NextToken
    chains still open, so a stream of any length is checked in flat memory: a chain's rules
    run as soon as its last page (one returning no NextToken) arrives."""

    def __init__(
        self,
        schema_dir: SchemaDirs,
        rules: Mapping[str, str] | None,
        chains: bool,
        remember: bool = True,
    ) -> None:
        if rules:
            validate_rule_settings(rules, where="rules=")
        self.rules, self.chains = rules, chains
        # a test replays the same exchanges again and again; a cassette's are all different
        self._check = _check_remembered if remember else _check_one
        self.source = _source(schema_dir)
        self.violations: list[Violation] = []
        self.skipped: list[Skipped] = []
        # chain rules' findings by chain (numbered as chains start, reported in that order)
        self._chain_findings: dict[int, list[Violation]] = {}
        self._open: dict[str, dict[str, tuple[int, list[Page]]]] = {}  # label -> token -> chain

    def add_run(self, exchanges: list[Exchange]) -> None:
        """``add`` each, for a checker that does not remember verdicts (``harness check``):
        their bodies are all read first (faster: see ``cassette.runs``)."""
        assert self._check is _check_one, "a remembering checker adds one at a time"
        outputs, failure = until_error(_read_output, exchanges)
        for exchange, output in zip(exchanges, outputs, strict=False):
            self._add(exchange, _check_one(exchange, self.source, output))
        if failure is not None:
            raise failure

    def add(self, exchange: Exchange) -> None:
        self._add(exchange, self._check(exchange, self.source))

    def _add(self, exchange: Exchange, checked: _Checked) -> None:
        self.violations.extend(checked.violations)
        self.skipped.extend(checked.skipped)
        page = checked.page
        # a throttled or failed page: the client retries with the same token; a page that
        # neither sends nor returns a NextToken is a chain of one, which chain rules skip
        if (
            self.chains
            and page is not None
            and page.ok
            and (page.request.get("NextToken") or page.response.get("NextToken"))
            and _rules.rules_for(exchange.service, exchange.operation, "chain")
        ):
            self._add_page(page)

    def _add_page(self, page: Page) -> None:
        pending = self._open.setdefault(page.exchange.label, {})
        sent = page.request.get("NextToken")
        found = pending.pop(sent, None) if isinstance(sent, str) else None
        number, chain = found if found is not None else (len(self._chain_findings), [])
        self._chain_findings.setdefault(number, [])
        chain.append(page)
        returned = page.response.get("NextToken")
        if isinstance(returned, str) and returned:
            pending[returned] = (number, chain)
        else:
            self._chain_findings[number] = _chain_rules(chain)

    def result(self, allow_drift: bool) -> ContractResult:
        for pending in self._open.values():  # chains whose last page never came
            for number, chain in pending.values():
                self._chain_findings[number] = _chain_rules(chain)
        self._open = {}
        violations = list(self.violations)
        for number in sorted(self._chain_findings):
            violations.extend(self._chain_findings[number])
        violations = _downgrade(apply_rule_settings(violations, self.rules), allow_drift)
        return ContractResult(violations, list(self.skipped))


def _chain_rules(chain: list[Page]) -> list[Violation]:
    """The chain rules' findings on one NextToken chain (none for a lone last page)."""
    if len(chain) < 2 and not chain[0].response.get("NextToken"):
        return []
    first = chain[0]
    ctx = RuleContext(exchange=first.exchange, request=first.request, pages=tuple(chain))
    violations: list[Violation] = []
    for rule in _rules.rules_for(first.exchange.service, first.exchange.operation, "chain"):
        violations.extend(_run_rule(rule, ctx))
    return violations


# --------------------------------------------------------------------------- cassettes


class InteractionRows(Sequence[tuple[int, str, int]]):
    """(index, operation label, HTTP status) of each interaction of a cassette, in ten bytes
    an interaction instead of a hundred (a tuple, an int and a reference): a report of a
    million interactions holds 10 MB, not 100."""

    __slots__ = ("_index", "_label", "_label_ids", "_labels", "_status")

    def __init__(self, rows: Iterable[tuple[int, str, int]] = ()) -> None:
        self._index, self._label, self._status = array("I"), array("I"), array("H")
        self._labels: list[str] = []
        self._label_ids: dict[str, int] = {}
        for row in rows:
            self.append(*row)

    def append(self, index: int, label: str, status: int) -> None:
        label_id = self._label_ids.get(label)
        if label_id is None:
            label_id = self._label_ids[label] = len(self._labels)
            self._labels.append(label)
        self._index.append(index)
        self._label.append(label_id)
        self._status.append(status)

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, i: int) -> tuple[int, str, int]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, str, int]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, str, int] | list[tuple[int, str, int]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._index[i], self._labels[self._label[i]], self._status[i]

    def __iter__(self) -> Iterator[tuple[int, str, int]]:
        labels = self._labels
        for index, label, status in zip(self._index, self._label, self._status, strict=True):
            yield index, labels[label], status

    def columns(self) -> dict[str, list[Any]]:
        """The rows as four lists: a compact JSON form that ``from_columns`` reads back."""
        labels, status = list(self._labels), self._status.tolist()
        return {
            "index": self._index.tolist(),
            "label": self._label.tolist(),
            "labels": labels,
            "status": status,
        }

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> InteractionRows:
        """The rows of a ``columns()`` mapping; raises ``ValueError`` (or ``TypeError``,
        ``OverflowError``) for any other value."""
        rows = cls()
        rows._index.fromlist(columns["index"])
        rows._label.fromlist(columns["label"])
        rows._status.fromlist(columns["status"])
        labels = columns["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValueError("labels are not a list of strings")
        rows._labels = list(labels)
        rows._label_ids = {label: i for i, label in enumerate(rows._labels)}
        sizes = {len(rows._index), len(rows._label), len(rows._status)}
        if len(sizes) != 1 or max(rows._label, default=-1) >= len(rows._labels):
            raise ValueError("columns of different lengths, or a label that is not listed")
        return rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(
            a == tuple(b) for a, b in zip(self, other, strict=True)
        )

    def __repr__(self) -> str:
        return f"InteractionRows({list(self)!r})"


@dataclass
class CassetteReport:
    """The result of checking one cassette file.

    ``interactions`` lists every interaction, judged or not; ``skipped`` says which ones the
    checker could not judge and why (they never fail a run).
    """

    path: str
    interactions: Sequence[tuple[int, str, int]]  # (index, operation label, HTTP status)
    violations: list[Violation]
    metadata: dict[str, Any] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def failures(self, *, allow_drift: bool = False) -> list[Violation]:
        """The violations that fail a run (see :func:`is_failure`)."""
        return [v for v in self.violations if is_failure(v, allow_drift=allow_drift)]


_NOT_AWS = "not a call to an AWS operation botocore knows"


def check_cassette(
    path: str | os.PathLike[str],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> CassetteReport:
    """Check every interaction of a cassette file (and its NextToken chains).

    Interactions that are not AWS calls, or whose operation botocore does not know, are
    listed in ``skipped``. A file that is not a readable cassette raises
    ``HarnessUsageError`` whose message names the file (and the line, for YAML errors).
    """
    entries, metadata = stream_entries(path)  # one at a time: flat memory for any size
    try:
        try:
            rows, skipped, result = _check_entries(path, entries, schema_dir, rules, allow_drift)
        except StreamMisread:  # laid out so that its spans misjudge it: read it whole
            whole, metadata = read_entries(path)
            rows, skipped, result = _check_entries(
                path, iter(whole), schema_dir, rules, allow_drift
            )
    except CassetteError:
        raise
    except HarnessUsageError as exc:
        raise HarnessUsageError(f"Cannot check cassette {path}: {exc}") from None
    skipped.extend(result.skipped)
    skipped.sort(key=lambda s: s.index if s.index is not None else -1)
    return CassetteReport(str(path), rows, result.violations, metadata, skipped)


def _check_entries(
    path: str | os.PathLike[str],
    entries: Iterator[Entry],
    schema_dir: SchemaDirs,
    rules: Mapping[str, str] | None,
    allow_drift: bool,
) -> tuple[InteractionRows, list[Skipped], ContractResult]:
    """One pass of ``check_cassette`` over a cassette's entries."""
    rows = InteractionRows()
    skipped: list[Skipped] = []
    checker = _Checker(schema_dir, rules, chains=True, remember=False)
    # a run read, then checked: faster than alternating one by one (see cassette.runs)
    for run in runs(entries, operator.attrgetter("size")):
        exchanges = []
        for _, entry in run:
            rows.append(entry.index, entry.label, entry.status)
            if entry.exchange is None:
                skipped.append(Skipped(entry.line, str(path), entry.index, _NOT_AWS))
            else:
                exchanges.append(entry.exchange)
        checker.add_run(exchanges)
    return rows, skipped, checker.result(allow_drift)
