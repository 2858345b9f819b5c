"""A web API's CBOR answer holding a token is served in replay with a stand-in of the token's
length, re-encoded: CBOR writes each string's length before it, so the placeholder's text
swapped in place (or the placeholder itself) is a value of the wrong length.

From the secrets-r15 trial (fix half: ``http_cbor_response_token``): an
``application/cbor`` answer's ``access_token`` was redacted (the redactor walks CBOR as
it walks JSON), but replay served the stored body as it was, the 16-character placeholder
where the code had read a 40-character token live (a CBOR body is no UTF-8 text, and the
replayer gave back placeholders in text only).
"""

from __future__ import annotations

import secrets
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.aws.protocols import cbor
from tests.support.inner_suite import run_inner

TOKEN = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))

INNER = """
import os
import pytest
import requests
from harness.aws.protocols import cbor

@pytest.mark.aws_cassette
def test_cbor_token():
    got = requests.get(os.environ["R15_URL"] + "/token", timeout=5)
    doc = cbor.loads(got.content)
    token = doc["access_token"]
    assert doc["expires_in"] == 3600
    assert len(token) == 40 and "REDACTED" not in token
    if os.environ["R15_PHASE"] == "record":
        assert token == os.environ["R15_TOKEN"]
"""


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/cbor")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_cbor_answers_token_comes_back_with_its_length(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")
    server = _serve(cbor.dumps({"access_token": TOKEN, "expires_in": 3600}))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        out = run_inner(
            tmp_path, "--aws-record-mode=once", R15_URL=url, R15_PHASE="record", R15_TOKEN=TOKEN
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "1 passed" in out, out
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cassettes").rglob("*") if p.is_file())
    assert stored and TOKEN.encode() not in stored
    out = run_inner(tmp_path, "--aws-record-mode=none", R15_URL=url, R15_PHASE="replay")
    assert "1 passed" in out, out
