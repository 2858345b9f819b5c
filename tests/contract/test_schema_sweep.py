"""Sweep: the generated schemas agree with botocore's own serializer and parser.

For every json/rest-json operation of the installed botocore (a deterministic sample in
normal runs, all of them under ``-m slow``):

* input: parameters built from the input shape are serialized by botocore; the request is
  decoded into wire form (a small test-local decoder) and must validate against the input
  schema;
* output: a wire object built from the output schema alone must validate against it, and
  the HTTP response encoded from it (using the schema's ``x-aws-*`` annotations) must be
  parsed by botocore's parser without error, with every member coming back.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.parsers import create_parser
from jsonschema import Draft202012Validator

from harness.aws import models
from harness.aws.protocols import wire_form as harness_wire
from harness.exchange import HttpRequest
from tests.support.model_values import (
    CannotBuild,
    build_params,
    build_wire,
    sampled,
    schemas_of,
    serializer,
)


def check_input(service: str, operation: str) -> None:
    """Parameters serialized by botocore, decoded to wire form, validate against the schema."""
    op = models.operation_model(service, operation)
    protocol = models.protocol(service)
    schema, _ = schemas_of(service, operation)
    params = build_params(op.input_shape) if op.input_shape is not None else {}
    request = serializer(protocol).serialize_to_request(params, op)
    prepare_request_dict(request, endpoint_url="https://example.amazonaws.com")
    prepared = create_request_object(request).prepare()
    body = prepared.body or b""
    http = HttpRequest(
        method=prepared.method,
        url=prepared.url,
        headers=dict(prepared.headers.items()),
        body=body.encode() if isinstance(body, str) else bytes(body),
    )
    wire = harness_wire.decode_request(service, operation, http)
    errors = sorted(Draft202012Validator(schema).iter_errors(wire), key=str)
    assert not errors, (
        f"{service}:{operation} input wire form rejected by its schema: "
        f"{errors[0].json_path}: {errors[0].message}"
    )


def check_output(service: str, operation: str) -> None:
    """A wire object valid under the output schema is parsed by botocore without error."""
    op = models.operation_model(service, operation)
    protocol = models.protocol(service)
    _, schema = schemas_of(service, operation)
    if any(p.get("x-aws-eventstream") for p in schema["properties"].values()):
        pytest.skip("event-stream output: botocore needs a live stream to parse it")
    wire = build_wire(schema, schema)
    errors = list(Draft202012Validator(schema).iter_errors(wire))
    assert not errors, f"builder made an invalid instance: {errors[0].message}"
    encoded = harness_wire.encode_response(service, operation, wire)
    response = {"status_code": encoded.status, "headers": encoded.headers, "body": encoded.body}
    parsed = create_parser(protocol).parse(response, op.output_shape)
    members = op.output_shape.members if op.output_shape is not None else {}
    assert "Error" not in parsed or "Error" in members, (
        f"{service}:{operation}: botocore parsed an error: {parsed['Error']}"
    )
    if op.output_shape is not None:
        for key, prop in schema["properties"].items():
            name = key if "x-aws-location" in prop or prop.get("x-aws-payload") else None
            name = name or next(
                n
                for n, m in op.output_shape.members.items()
                if m.serialization.get("name", n) == key
            )
            if key in wire:
                assert name in parsed, f"{service}:{operation}: member {name} lost by the parser"


def _run(check: Any, service: str, operation: str) -> None:
    try:
        check(service, operation)
    except CannotBuild as exc:
        pytest.skip(f"no deterministic value: {exc}")


SAMPLE = sampled(every=60)


@pytest.mark.parametrize(("service", "operation"), SAMPLE, ids=[f"{s}:{o}" for s, o in SAMPLE])
def test_sampled_input_validates(service: str, operation: str) -> None:
    _run(check_input, service, operation)


@pytest.mark.parametrize(("service", "operation"), SAMPLE, ids=[f"{s}:{o}" for s, o in SAMPLE])
def test_sampled_output_parses(service: str, operation: str) -> None:
    _run(check_output, service, operation)


SERVICES = list(models.supported_services())


@pytest.mark.slow
@pytest.mark.parametrize("service", SERVICES)
def test_full_sweep(service: str) -> None:
    """Every operation of one service, both directions; all failures reported together."""
    failures: list[str] = []
    skipped = 0
    for operation in models.service_model(service).operation_names:
        for check in (check_input, check_output):
            try:
                check(service, operation)
            except (CannotBuild, pytest.skip.Exception):
                skipped += 1
            except Exception as exc:  # collect, report all at the end
                failures.append(f"{service}:{operation} {check.__name__}: {exc!r}"[:400])
    assert not failures, f"{len(failures)} failures ({skipped} skipped):\n" + "\n".join(failures)


def test_sample_covers_both_protocols_and_locations() -> None:
    # Guards the sample itself: it must exercise uri, querystring and header members.
    protocols = {models.protocol(s) for s, _ in SAMPLE}
    assert protocols == {"json", "rest-json"}
    locations = set()
    for service, operation in SAMPLE:
        shape = models.operation_model(service, operation).input_shape
        if shape is not None and models.protocol(service) == "rest-json":
            locations.update(m.serialization.get("location") for m in shape.members.values())
    assert {"uri", "querystring", "header"} <= locations
