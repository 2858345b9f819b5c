"""A Lambda response stream whose chunks carry one JSON document is served in replay as JSON
again, the secret in it of its live length: the model marks ``PayloadChunk``'s payload
sensitive, and each chunk was one placeholder, random text in replay, no JSON once joined.

From the secrets-r16 trial (fix half: ``lambda_invoke_with_response_stream_chunk``): the
secret did not leak, but the code's ``json.loads`` of the joined chunks failed in replay.
Recorded for real through the plugin: botocore's client, a loopback server framing the
stream with the harness's encoder.
"""

from __future__ import annotations

import itertools
import json
import secrets
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.aws import eventstream
from harness.aws.eventstream import Header, Message
from tests.support.inner_suite import run_inner

SECRET = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))

INNER = """
import json
import os
import boto3
import pytest

@pytest.mark.aws_cassette
def test_stream():
    lam = boto3.client("lambda", endpoint_url=os.environ["R16_URL"], region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    got = lam.invoke_with_response_stream(FunctionName="fn", Payload=b"{}")
    data = b"".join(e["PayloadChunk"]["Payload"] for e in got["EventStream"]
                    if "PayloadChunk" in e)
    doc = json.loads(data)
    secret = doc["client_secret"]
    assert len(secret) == 40 and "REDACTED" not in secret
    assert len(doc["client_id"]) == 3
    if os.environ["R16_PHASE"] == "record":
        assert secret == os.environ["R16_SECRET"]
"""


def _chunk(event_type: str, payload: bytes, content_type: str) -> Message:
    return Message(
        (
            Header(":event-type", "string", event_type),
            Header(":content-type", "string", content_type),
            Header(":message-type", "string", "event"),
        ),
        payload,
    )


def _stream(cuts: list[int]) -> bytes:
    doc = json.dumps({"client_id": "r16", "client_secret": SECRET}).encode()
    points = [0, *cuts, len(doc)]
    pieces = [
        _chunk("PayloadChunk", doc[a:b], "application/octet-stream")
        for a, b in itertools.pairwise(points)
    ]
    return eventstream.encode_stream([*pieces, _chunk("InvokeComplete", b"{}", "application/json")])


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.amazon.eventstream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _record_and_replay(tmp_path: Path, body: bytes) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")
    server = _serve(body)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        out = run_inner(
            tmp_path, "--aws-record-mode=once", R16_URL=url, R16_PHASE="record", R16_SECRET=SECRET
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "1 passed" in out, out
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cassettes").rglob("*") if p.is_file())
    assert stored and SECRET.encode() not in stored
    out = run_inner(tmp_path, "--aws-record-mode=none", R16_URL=url, R16_PHASE="replay")
    assert "1 passed" in out, out


def test_a_json_document_cut_into_chunks_comes_back_as_json(tmp_path: Path) -> None:
    _record_and_replay(tmp_path, _stream([20]))


def test_a_chunk_cut_inside_the_secret_comes_back_as_json(tmp_path: Path) -> None:
    doc_start = len('{"client_id": "r16", "client_secret": "')
    _record_and_replay(tmp_path, _stream([12, doc_start + 17]))


def test_one_chunk_holding_the_whole_document_comes_back_as_json(tmp_path: Path) -> None:
    _record_and_replay(tmp_path, _stream([]))
