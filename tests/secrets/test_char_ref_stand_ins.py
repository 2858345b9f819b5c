"""A secret written with XML character references (``&#83;&#110;...``) comes back in replay
as a value of the length the code parsed live, not of the references' length.

From the secrets-r16 trial (fix half: ``http_xml_numeric_entities_password``): the
``<password>`` element's text was redacted, but its shape described the 129 characters of
references; the stand-in, escaped as XML text, parsed as 129 characters where the code had
read a password of 24.
"""

from __future__ import annotations

import secrets
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.secrets import shapes
from tests.support.inner_suite import run_inner

PASSWORD = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))

INNER = """
import os
import xml.etree.ElementTree as ET
import pytest
import requests

@pytest.mark.aws_cassette
def test_xml_password():
    got = requests.get(os.environ["R16_URL"] + "/account", timeout=5)
    root = ET.fromstring(got.content)
    password = root.find("password").text
    assert root.find("user").text == "svc"
    assert len(password) == 24 and "REDACTED" not in password, password
    if os.environ["R16_PHASE"] == "record":
        assert password == os.environ["R16_PASSWORD"]
"""


def test_the_shape_of_char_refs_is_the_texts() -> None:
    refs = "".join(f"&#{ord(c)};" for c in PASSWORD)
    assert shapes.describe(refs) == shapes.describe(PASSWORD)
    mixed = PASSWORD[:10] + "&#x41;" + PASSWORD[10:]
    assert shapes.describe(mixed)["length"] == 25
    assert shapes.describe("a&b&#65;")["length"] == 8  # (a bare "&": not references)


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_password_in_char_refs_comes_back_with_its_length(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")
    refs = "".join(f"&#{ord(c)};" for c in PASSWORD)
    server = _serve(f"<account><user>svc</user><password>{refs}</password></account>".encode())
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        out = run_inner(
            tmp_path,
            "--aws-record-mode=once",
            R16_URL=url,
            R16_PHASE="record",
            R16_PASSWORD=PASSWORD,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "1 passed" in out, out
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cassettes").rglob("*") if p.is_file())
    assert stored and PASSWORD.encode() not in stored and refs.encode() not in stored
    out = run_inner(tmp_path, "--aws-record-mode=none", R16_URL=url, R16_PHASE="replay")
    assert "1 passed" in out, out
