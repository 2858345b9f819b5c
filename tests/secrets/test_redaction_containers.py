"""Bodies that hold other bodies reach the same detection: multipart, event streams, CBOR.

Sentinels (unique secret strings) are planted in the text fields of a multipart body next to
a binary file part, in the payloads and headers of event-stream messages (recorded for real
through botocore), and in CBOR; none may survive redaction, while the binary part, the
boundary and the stream's events stay as they were.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import botocore.session
import pytest
from botocore.eventstream import EventStreamBuffer

from harness.aws import eventstream
from harness.aws.eventstream import Header, Message
from harness.aws.models import operation_model
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.secrets import Redactor
from harness.serve.http import LoopbackServer

BINARY = bytes(range(256)) * 3 + b"\xff\xfe\x00 not utf-8"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzbnRsLWp3dC1tcDAxIn0.c250bC1qd3Qtc2lnbmF0dXJlMDE"


def _forms(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw).rstrip(b"=")]


def _assert_none(data: bytes, sentinels: list[str]) -> None:
    leaks = [s for s in sentinels for form in _forms(s) if form in data]
    assert not leaks, leaks


def multipart(boundary: str, parts: list[tuple[str, dict[str, str], bytes]]) -> bytes:
    out = b""
    for name, headers, content in parts:
        head = f'Content-Disposition: form-data; name="{name}"'
        if "filename" in headers:
            head += f'; filename="{headers["filename"]}"'
        if "type" in headers:
            head += f"\r\nContent-Type: {headers['type']}"
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def test_text_fields_next_to_a_binary_file_part_are_redacted_part_by_part() -> None:
    boundary = "----harnessBoundary7MA4YWxk"
    body = multipart(
        boundary,
        [
            ("client_id", {}, b"my-app"),
            ("client_secret", {}, b"sntl-mp-client-secret-01"),
            ("access_token", {}, b"sntl-mp-access-token-02"),
            ("upload", {"filename": "photo.bin", "type": "application/octet-stream"}, BINARY),
            ("meta", {"type": "application/json"}, b'{"password": "sntl-mp-json-03", "n": 1}'),
            ("note", {}, f"Bearer {JWT}".encode()),
        ],
    )
    content_type = f'multipart/form-data; boundary="{boundary}"'
    redactor = Redactor()
    clean = redactor.body(body, None, "input", content_type)
    _assert_none(clean, ["sntl-mp-client-secret-01", "sntl-mp-access-token-02", "sntl-mp-json-03"])
    assert JWT.encode() not in clean
    assert BINARY in clean  # the file part, byte for byte
    assert b"my-app" in clean and clean.count(f"--{boundary}".encode()) == 7
    assert clean.endswith(f"--{boundary}--\r\n".encode())
    assert b"REDACTEDscrt0001" in clean  # numbered: bound at replay like any other secret
    # the same request redacted again (replay's live side) gives the same bytes
    assert Redactor().body(body, None, "input", content_type) == clean
    # and a request carrying it goes through the recorder's path too
    request = HttpRequest(
        method="POST", url="https://auth.example.com/token", headers={"Content-Type": content_type}
    )
    request = HttpRequest(
        method=request.method, url=request.url, headers=request.headers, body=body
    )
    assert Redactor().request(request).body == clean


def test_a_secret_named_binary_part_is_replaced_whole() -> None:
    der = b"\x30\x82\x04\xa4\x02\x01\x00sntl-der-key" + bytes(range(200, 256))
    body = multipart("b1", [("private_key", {"type": "application/pkcs8"}, der)])
    clean = Redactor().body(body, None, "input", "multipart/form-data; boundary=b1")
    assert b"sntl-der-key" not in clean and b"--b1--" in clean


def _stream(*messages: Message) -> bytes:
    return eventstream.encode_stream(messages)


def _event(event_type: str, payload: bytes, *extra: Header) -> Message:
    return Message(
        (
            Header(":event-type", "string", event_type),
            Header(":content-type", "string", "application/json"),
            Header(":message-type", "string", "event"),
            *extra,
        ),
        payload,
    )


def test_event_stream_messages_are_redacted_and_the_stream_still_decodes() -> None:
    body = _stream(
        _event("Records", json.dumps({"client_secret": "sntl-es-01", "n": 1}).encode()),
        _event(
            "Stats",
            f"token {JWT}".encode(),
            Header("x-api-key", "string", "sntl-es-header-02"),
            Header("trace", "long", 7),
        ),
        Message((Header(":message-type", "string", "event"),), BINARY),
    )
    clean = Redactor().body(body, None, "output", eventstream.CONTENT_TYPE)
    _assert_none(clean, ["sntl-es-01", "sntl-es-header-02"])
    assert JWT.encode() not in clean
    messages = eventstream.decode_stream(clean)  # CRCs true again
    assert json.loads(messages[0].payload)["n"] == 1
    assert messages[1].header("trace") == 7
    assert messages[2].payload == BINARY
    buffer = EventStreamBuffer()  # botocore's own decoder reads it
    buffer.add_data(clean)
    assert len(list(buffer)) == 3


def test_the_models_secret_members_of_events_are_recorded_redacted(tmp_path: Path) -> None:
    """bedrock-runtime InvokeModelWithResponseStream: the chunk's ``bytes`` is sensitive."""
    chunk = base64.b64encode(b'{"completion": "sntl-es-model-03"}').decode()
    body = _stream(_event("chunk", json.dumps({"bytes": chunk}).encode()))

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": eventstream.CONTENT_TYPE}, body)

    path = tmp_path / "stream.yaml"
    recorder = CassetteRecorder(path, "all")
    session = botocore.session.Session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "not-a-sentinel")
    with LoopbackServer(answer) as server, recorder.activate():
        client = session.create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        events = client.invoke_model_with_response_stream(modelId="m", body=b"{}")["body"]
        assert [e["chunk"]["bytes"] for e in events] == [base64.b64decode(chunk)]  # live: as sent
    recorder.save()
    _assert_none(path.read_bytes(), ["sntl-es-model-03", chunk])
    replay = CassetteRecorder(path, "none")
    with replay.activate():
        client = session.create_client("bedrock-runtime", region_name="us-east-1")
        events = client.invoke_model_with_response_stream(modelId="m", body=b"{}")["body"]
        assert len([e["chunk"] for e in events]) == 1


def test_cbor_bodies_reach_detection_by_name_and_by_value() -> None:
    from harness.aws.protocols import _cbor

    op = operation_model("cloudwatchomni", "GetSpaceCredentialsForOrganization")
    body = _cbor.dumps(
        {"other": {"client_secret": "sntl-cbor-01", "note": f"Bearer {JWT}"}, "n": 2}
    )
    clean = Redactor().body(body, op, "output", "application/cbor")
    _assert_none(clean, ["sntl-cbor-01"])
    assert JWT.encode() not in clean and _cbor.loads(clean)["n"] == 2


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/mixed; x=1"])
def test_a_multipart_type_without_a_boundary_is_redacted_as_text(content_type: str) -> None:
    body = b'name="password"\r\n\r\nsntl-nb-01\r\n--x--'
    assert b"sntl-nb-01" not in Redactor().body(body, None, "input", content_type)
