"""The compiled validator (jsonschema-rs) never says yes where python jsonschema says no.

Contract checks ask the compiled validator first and go to python jsonschema only on a "no"
(``harness.contract.checker._fast_validator``): a compiled "yes" to a document python jsonschema
rejects would hide a violation. These tests compare both on valid and broken documents of
the first-class operations and of a spread of botocore's other operations.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harness import ops
from harness import strategies as aws
from harness.aws.models import operation_model, protocol
from harness.aws.protocols import wire_form as wire
from harness.contract import validation as contract
from harness.contract.schemas.generate import operation_schemas
from harness.contract.schemas.store import default_schema_dir, load_schema
from harness.contract.validation import validate_wire

SEEDS = [(p.service, p.operation) for p in ops.PACKS]
#: Operations of other services (strategies speak json and rest-json; the corpus and protocol
#: suites take the compiled path for the other protocols): nested structures, maps, enums,
#: patterns, blobs, timestamps.
OTHERS = [
    ("dynamodb", "Query"),
    ("lambda", "CreateFunction"),
    ("ecs", "RunTask"),
    ("glue", "CreateTable"),
    ("cognito-idp", "AdminCreateUser"),
    ("kinesis", "PutRecords"),
    ("apigateway", "CreateRestApi"),
]
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.timezone.utc)
QUICK = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _agree(schema: dict[str, Any], instance: Any) -> None:
    fast = contract._fast_validator(schema)
    assert fast is not None, "jsonschema-rs refused a schema of ours"
    python_says = not any(True for _ in Draft202012Validator(schema).iter_errors(instance))
    if contract._fast_yes(fast, instance):
        assert python_says, f"compiled yes, python no: {instance!r}"


def _broken(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one member or item replaced by a value of another JSON type."""
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: _broken(draw, value[key])}
    if isinstance(value, list) and value:
        i = draw(st.integers(0, len(value) - 1))
        return [*value[:i], _broken(draw, value[i]), *value[i + 1 :]]
    return draw(st.sampled_from([None, True, -1, 1.5, "", "x" * 300, [], {}]).filter(
        lambda other: type(other) is not type(value) or other != value
    ))  # fmt: skip


@pytest.mark.parametrize(("service", "operation"), SEEDS + OTHERS)
def test_compiled_and_python_agree_on_requests(service: str, operation: str) -> None:
    schema = _schema(service, operation, "input")
    shape = operation_model(service, operation).input_shape

    requests = aws.requests(service, operation, now=NOW)  # built once: its clock is fixed

    @QUICK
    @given(st.data())
    def check(data: st.DataObject) -> None:
        params = data.draw(requests)
        instance = wire.to_wire(shape, params, protocol(service)) if shape else {}
        _agree(schema, instance)
        _agree(schema, data.draw(st.composite(lambda draw: _broken(draw, instance))()))

    check()


@pytest.mark.parametrize(("service", "operation"), SEEDS + OTHERS)
def test_compiled_and_python_agree_on_responses(service: str, operation: str) -> None:
    schema = _schema(service, operation, "output")

    responses = aws.responses(service, operation, now=NOW)  # built once: its clock is fixed

    @QUICK
    @given(st.data())
    def check(data: st.DataObject) -> None:
        body = data.draw(responses)
        _agree(schema, body)
        _agree(schema, data.draw(st.composite(lambda draw: _broken(draw, body))()))

    check()


def test_a_compiled_no_goes_to_python_which_has_the_last_word() -> None:
    # Python's "$" also matches before a final newline, Rust's does not: the compiled
    # validator says no, python jsonschema says yes, and no violation is reported.
    schema = {"type": "object", "properties": {"Name": {"type": "string", "pattern": "^[a-z]+$"}}}
    fast = contract._fast_validator(schema)
    assert fast is not None and not fast({"Name": "abc\n"})
    assert validate_wire(schema, {"Name": "abc\n"}, "request") == []
    (violation,) = validate_wire(schema, {"Name": "ABC"}, "request")
    assert violation.pointer == "/request/Name"


@pytest.mark.parametrize(
    "meta", ["http://json-schema.org/draft-04/schema#", "https://example.com/my-meta-schema"]
)
def test_a_schema_naming_another_meta_schema_is_judged_by_python_alone(meta: str) -> None:
    """Python's ``Draft202012Validator`` reads every schema as draft 2020-12; Rust's would
    follow the ``$schema`` (in draft 4, ``const`` means nothing) and say yes where python
    says no, and a yes is final: that was a pass of a document the schema rejects."""
    schema = {"$schema": meta, "type": "object", "properties": {"a": {"const": 1}}}
    assert contract._fast_validator(schema) is None
    (violation,) = validate_wire(schema, {"a": 2}, "response")
    assert violation.pointer == "/response/a"
    draft = {**schema, "$schema": "https://json-schema.org/draft/2020-12/schema"}
    assert contract._fast_validator(draft) is not None


def test_what_rust_would_judge_otherwise_is_pythons_alone() -> None:
    """A subschema naming another draft (draft 7 ignores a ``$ref``'s siblings), and a
    fractional ``multipleOf`` (floating point remainders): Rust's yes would be final where
    python says no."""
    nested = {
        "properties": {
            "a": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "$ref": "#/$defs/S",
                "const": 1,
            }
        },
        "$defs": {"S": {}},
    }
    fractional = {"properties": {"a": {"multipleOf": 0.01}}}
    for schema, document in ((nested, {"a": 2}), (fractional, {"a": 0.07})):
        assert contract._fast_validator(schema) is None
        assert not Draft202012Validator(schema).is_valid(document)  # (0.07 % 0.01 != 0)
        assert validate_wire(schema, document, "response") != []
    assert contract._fast_validator({"properties": {"a": {"multipleOf": 5}}}) is not None


def test_a_long_array_is_checked_item_by_item_only_where_nothing_else_applies() -> None:
    """Long arrays of scalars are type-checked in one pass, with one item left to the
    validators; a keyword that applies to the member without naming it (here
    ``patternProperties``) turns that off, so every item is judged (it was one of 100)."""
    schema = {
        "type": "object",
        "properties": {"Ids": {"type": "array", "items": {"type": "integer"}}},
        "patternProperties": {"^Ids$": {"maxItems": 3, "items": {"maximum": 5}}},
    }
    document = {"Ids": list(range(100))}
    expected = len(list(Draft202012Validator(schema).iter_errors(document)))
    assert expected == 95 and len(validate_wire(schema, document, "response")) == expected
    assert contract._bulk_members({k: v for k, v in schema.items() if k != "patternProperties"})


def test_every_packaged_schema_compiles() -> None:
    """Else those checks silently take the slow path only."""
    files = sorted(default_schema_dir().rglob("*.json"))
    assert len(files) > 100
    refused = [p.name for p in files if contract._fast_validator(_read(p)) is None]
    assert refused == []


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _schema(service: str, operation: str, kind: str) -> dict[str, Any]:
    if ops.pack(service, operation) is not None:
        return load_schema(default_schema_dir(), service, operation, kind)
    inp, out = operation_schemas(service, operation)
    return inp if kind == "input" else out
