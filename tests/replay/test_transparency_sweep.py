"""Sweep: what the server sent is what the code sees, recorded and replayed, over every model.

For each operation whose output binds members to headers, the status code or a payload, a
response is built from the output shape (the builders of ``tests/support/model_values.py``)
and written by the harness's codec. It then goes through the recorder as a live answer
(redacted, written to a cassette, read back) and is replayed to a fresh recorder; botocore
parses the original and the replayed response, and the two must agree on every header-bound
member and on the payload. A blob payload is also tried as binary bytes and as a gzip-
encoded object (S3's ``ContentEncoding="gzip"``): its bytes must come back exactly. Members
the harness redacts by design (a ``sensitive`` member, a name that says secret) are left out
of the comparison; secrets are the redaction tests' concern.

A deterministic sample runs with the test command; every operation of every protocol runs
under ``-m slow``.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any

import pytest

from harness import ops
from harness.aws import models, protocols
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.intercept import Call
from harness.replay.recorder import CassetteRecorder
from tests.support import model_values as sweep

ENDPOINT = "https://example.amazonaws.com"
BINARY = bytes(range(256)) * 3
GZIPPED = gzip.compress(b'{"stored": "gzip-encoded"}' * 40, mtime=1_700_000_000)


def _bound(shape: Any) -> tuple[list[str], str | None]:
    """The output members bound to headers or the status code, and the payload member."""
    bound = [
        name
        for name, member in shape.members.items()
        if member.serialization.get("location") in ("header", "headers", "statusCode")
    ]
    return bound, shape.serialization.get("payload")


def _secret(member: Any, name: str = "", depth: int = 0) -> bool:
    """True when the member is, or holds, a value redaction replaces by design."""
    from harness.aws.secret_names import is_secret_name

    if depth > 8:
        return False
    if member.metadata.get("sensitive") or (name and is_secret_name(name)):
        return True
    if member.type_name == "structure":
        return any(_secret(m, n, depth + 1) for n, m in member.members.items())
    if member.type_name == "list":
        return _secret(member.member, "", depth + 1)
    if member.type_name == "map":
        return _secret(member.value, "", depth + 1)
    return False


def _request(op: Any) -> HttpRequest:
    if op.input_shape is None:
        return HttpRequest(method="POST", url=f"{ENDPOINT}/", headers={}, body=b"")
    try:
        return protocols.encode_request(op, sweep.build_params(op.input_shape), ENDPOINT)
    except sweep.CannotBuild:
        raise
    except Exception as exc:  # botocore cannot serialize what the builders made
        raise sweep.CannotBuild(f"no request: {exc}") from None


def _through_cassette(tmp: Path, op: Any, request: HttpRequest, response: HttpResponse) -> Any:
    service, operation = op.service_model.service_name, op.name
    call = Call(
        service=service,
        operation=operation,
        request=request,
        region="us-east-1",
        operation_model=op,
    )
    path = tmp / f"{service}.{operation}.yaml"
    path.unlink(missing_ok=True)
    recorder = CassetteRecorder(path, "all")
    live = recorder.handler(call, lambda: response)
    assert live == response, f"{service}:{operation}: recording changed what the code sees"
    recorder.save()

    def offline() -> HttpResponse:
        raise AssertionError("replay reached for the network")

    replayer = CassetteRecorder(path, "none")
    return replayer.handler(call, offline)


def _parsed(op: Any, response: HttpResponse) -> dict[str, Any]:
    from harness.aws.bodies import settle

    return protocols.decode_response(op, settle(response))


def check(service: str, operation: str, tmp: Path) -> int:
    """Record and replay the operation's responses; returns how many were compared."""
    op = models.operation_model(service, operation)
    shape = op.output_shape
    if shape is None or (service, operation) in KNOWN_GAPS:
        return 0
    if _event_stream_output(op):  # event streams' own tests: test_eventstream.py
        return 0
    bound, payload = _bound(shape)
    if not bound and payload is None:
        return 0
    result = sweep.build_params(shape)
    for name in bound:  # a status member is an HTTP status (the builder's 1 is not)
        if shape.members[name].serialization.get("location") == "statusCode":
            result[name] = 200
    variants = [result]
    payload_member = shape.members.get(payload) if payload else None
    if payload_member is not None and payload_member.type_name == "blob":
        variants += [{**result, payload: BINARY}]
    compared = 0
    request = _request(op)
    for values in variants:
        response = protocols.encode_response(op, values)
        originals = [response]
        if values is not result:  # the blob payload, also stored gzip-encoded
            gz = HttpResponse(
                response.status,
                {
                    **response.headers,
                    "Content-Encoding": "gzip",
                    "Content-Length": str(len(GZIPPED)),
                },
                GZIPPED,
            )
            originals.append(gz)
        for original in originals:
            try:
                want = _parsed(op, original)
            except UnicodeDecodeError:  # botocore itself reads this payload as text only
                continue
            replayed = _through_cassette(tmp, op, request, original)
            got = _parsed(op, replayed)
            names = [n for n in bound if not _secret(shape.members[n], n)]
            if payload and not _secret(shape.members[payload], payload):
                names.append(payload)
            for name in names:
                expected, actual = want.get(name), got.get(name)
                if hasattr(expected, "read"):
                    expected, actual = expected.read(), actual.read() if actual else None
                where = f"{service}:{operation} {name}"
                assert actual == expected, f"{where}: sent {expected!r:.99}, got {actual!r:.99}"
            if (
                payload in names
                and payload_member is not None
                and payload_member.type_name == "blob"
            ):
                assert replayed.body == original.body, f"{service}:{operation}: payload bytes"
            compared += 1
    return compared


#: Operations that do not yet survive, each with why (issue 43's placeholders with shape and
#: redaction identical at record and match time will take them on).
#: Operations the sweep cannot compare yet, with the reason (none today: the geo-places and
#: lex-runtime gaps closed when the final sweep left ordinary words alone and a jsonvalue
#: header was redacted as base64 JSON).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _event_stream_output(op: Any) -> bool:
    shape = op.output_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    member = shape.members.get(payload) if payload else None
    return bool(member is not None and member.serialization.get("eventstream"))


def _run(service: str, operation: str, tmp: Path) -> None:
    try:
        compared = check(service, operation, tmp)
    except sweep.CannotBuild as exc:
        pytest.skip(f"no deterministic value: {exc}")
    if not compared:  # said, not passed in silence
        why = KNOWN_GAPS.get((service, operation), "an event stream, or unreadable to botocore")
        pytest.skip(f"nothing compared: {why}")


def _with_bound_output() -> list[tuple[str, str]]:
    found = []
    for service, operation in sweep.all_operations():
        shape = models.operation_model(service, operation).output_shape
        if shape is not None and any(_bound(shape)):
            found.append((service, operation))
    return found


# every 60th such operation by a stable hash, S3's object calls, and the first-class ones
SAMPLE = [
    (s, o)
    for s, o in _with_bound_output()
    if zlib.crc32(f"{s}:{o}".encode()) % 60 == 0
    or (s, o) in {("s3", "GetObject"), ("s3", "HeadObject"), ("lambda", "Invoke")}
    or o in ops.SEED_OPERATIONS.get(s, ())
]


@pytest.mark.parametrize(("service", "operation"), SAMPLE, ids=[f"{s}:{o}" for s, o in SAMPLE])
def test_sampled_output_survives_record_and_replay(
    service: str, operation: str, tmp_path: Path
) -> None:
    _run(service, operation, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("service", list(models.supported_services()))
def test_full_transparency_sweep(service: str, tmp_path: Path) -> None:
    """Every operation of one service with a header-bound or payload output."""
    failures: list[str] = []
    for operation in models.service_model(service).operation_names:
        try:
            check(service, operation, tmp_path)
        except sweep.CannotBuild:
            continue
        except Exception as exc:  # collect, report all at the end
            failures.append(f"{operation}: {exc!s}"[:400])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
