"""Sweep: the json and rest-json codecs write and read as botocore does, over every model.

The protocol suites hold the codecs to a few hundred hand-written cases; this holds them to
the installed botocore's every json and rest-json operation (a deterministic sample in
normal runs, all of them under ``-m slow``), with values built from each model
(the builders of ``tests/support/model_values.py``):

* request, parsed form: for parameters built from the input shape, the codec writes the
  request botocore's own serializer writes (method, path, query, headers, body as JSON),
  and reads that request back into the same parameters;
* response, wire form: a wire object built from the output schema is written by the codec
  (``wire_form.encode_response``) and read back by it (``wire_form.decode_response``) into
  the same object, the round trip the contract checker and the synthetic backend rely on.
"""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from harness import ops
from harness.aws import models, protocols
from harness.aws.protocols import _rest, json_read
from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest
from tests.support import model_values as sweep

ENDPOINT = "https://example.amazonaws.com"


def _sent(shape: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the wire carries them: an empty list or map bound to the URI, query or
    headers is not sent, so it does not come back; an RFC 822 header time has no fraction."""
    out = {}
    for name, value in params.items():
        member = shape.members[name]
        location = member.serialization.get("location")
        if location and isinstance(value, list | dict) and not value:
            continue
        rfc822 = _rest.timestamp_format(member, "rfc822") == "rfc822"
        if location == "header" and member.type_name == "timestamp" and rfc822:
            value = value.replace(microsecond=0)
        out[name] = value
    return out


def _view(request: HttpRequest) -> tuple[Any, ...]:
    split = urlsplit(request.url)
    body: Any = request.body
    if body.strip()[:1] in (b"{", b"["):
        body = json_read.loads(body)
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers.pop("content-length", None)
    return (
        request.method.upper(),
        split.path,
        sorted(parse_qsl(split.query, keep_blank_values=True)),
        headers,
        body,
    )


def check_request(service: str, operation: str) -> None:
    op = models.operation_model(service, operation)
    if op.input_shape is None:
        return
    params = sweep.build_params(op.input_shape)
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    written = codec.encode_request(op, params, ENDPOINT)
    botocores = protocols.encode_request(op, params, ENDPOINT)
    assert _view(written) == _view(botocores), f"{service}:{operation} request differs"
    decoded = codec.decode_request(op, written)
    assert protocols.to_data(decoded) == protocols.to_data(_sent(op.input_shape, params)), (
        f"{service}:{operation} request does not read back"
    )


def check_response(service: str, operation: str) -> None:
    op = models.operation_model(service, operation)
    _, schema = sweep.schemas_of(service, operation)
    if op.output_shape is None or any(
        p.get("x-aws-eventstream") for p in schema["properties"].values()
    ):
        return
    built = sweep.build_wire(schema, schema)
    response = wire.encode_response(service, operation, built)
    assert wire.decode_response(service, operation, response) == built, (
        f"{service}:{operation} wire-form response does not read back"
    )
    codec = protocols.codec(protocols.protocol_of(op.service_model))
    assert codec.decode_response(op, response, _rest.PARSED) == _as_a_client_reads(
        op.output_shape, protocols.decode_response(op, response)
    ), f"{service}:{operation} response reads otherwise than botocore's parser"


def _as_a_client_reads(shape: Any, parsed: dict[str, Any]) -> dict[str, Any]:
    """botocore's parse without its metadata, and a blob payload as the bytes a client
    streams (handed bytes, the parser returns the payload as text)."""
    out = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob" and isinstance(out.get(payload), str):
        out[payload] = out[payload].encode("utf-8")
    return out


def _run(check: Any, service: str, operation: str) -> None:
    try:
        check(service, operation)
    except sweep.CannotBuild as exc:
        pytest.skip(f"no deterministic value: {exc}")


# every 400th operation by a stable hash, and the first-class ones
SAMPLE = [
    (s, o)
    for s, o in sweep.all_operations()
    if zlib.crc32(f"{s}:{o}".encode()) % 400 == 0 or o in ops.SEED_OPERATIONS.get(s, ())
]


@pytest.mark.parametrize(("service", "operation"), SAMPLE, ids=[f"{s}:{o}" for s, o in SAMPLE])
def test_sampled_request_is_botocores(service: str, operation: str) -> None:
    _run(check_request, service, operation)


@pytest.mark.parametrize(("service", "operation"), SAMPLE, ids=[f"{s}:{o}" for s, o in SAMPLE])
def test_sampled_response_round_trips(service: str, operation: str) -> None:
    _run(check_response, service, operation)


@pytest.mark.slow
@pytest.mark.parametrize("service", list(models.supported_services()))
def test_full_sweep(service: str) -> None:
    """Every operation of one service, both checks; all failures reported together."""
    failures: list[str] = []
    for operation in models.service_model(service).operation_names:
        for check in (check_request, check_response):
            try:
                check(service, operation)
            except sweep.CannotBuild:
                continue
            except Exception as exc:  # collect, report all at the end
                failures.append(f"{check.__name__}: {exc!s}"[:400])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
