"""A secret that is base64 of a JSON object (a web API's pagination cursor holding a session)
comes back in replay as base64 of JSON of the same layout, each leaf a stand-in of its own
shape; sent back for the next page, it matches its recording.

From the secrets-r16 trial (fix half: ``http_pagination_cursor_base64_session``): the
cursor ``eyJ...`` (base64url of ``{"offset": 2, "sess": "..."}``) was redacted whole, and
replay served random text of its length: the code's decode of it failed.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.secrets import shapes
from tests.support.inner_suite import run_inner

SESSION = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _cursor(doc: dict, url: bool = True, padded: bool = False, seps=(", ", ": ")) -> str:  # type: ignore[type-arg,no-untyped-def]
    raw = json.dumps(doc, separators=seps).encode()
    out = (base64.urlsafe_b64encode if url else base64.b64encode)(raw).decode()
    return out if padded else out.rstrip("=")


@pytest.mark.parametrize(
    ("url", "padded", "seps"),
    [(True, False, (", ", ": ")), (False, True, (",", ":")), (True, True, (",", ":"))],
)
def test_a_base64_json_values_stand_in_is_base64_json_of_its_layout(
    url: bool, padded: bool, seps: tuple[str, str]
) -> None:
    doc = {"offset": 40, "sess": SESSION, "more": [True, None, "x"], "v": -3}
    live = _cursor(doc, url, padded, seps)
    shape = shapes.describe(live)
    assert SESSION not in json.dumps(shape) and shape["form"] == "b64json"
    got = shapes.stand_in(shape, "REDACTEDscrt0001", "cassette")
    assert got is not None and len(got) == len(live) and got != live
    text = (base64.urlsafe_b64decode if url else base64.b64decode)(got + "=" * (-len(got) % 4))
    back = json.loads(text)
    assert list(back) == ["offset", "sess", "more", "v"]
    assert len(back["sess"]) == 32 and back["sess"] != SESSION
    assert back["more"][:2] == [True, None] and 10 <= back["offset"] <= 99 and back["v"] < 0


def test_a_key_that_holds_a_secret_keeps_the_plain_shape() -> None:
    live = _cursor({"ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2: 1})
    assert shapes.describe(live)["form"] != "b64json"


INNER = """
import base64
import json
import os
import pytest
import requests

@pytest.mark.aws_cassette
def test_pages():
    first = requests.get(os.environ["R16_URL"] + "/items", timeout=5).json()
    cursor = first["next_cursor"]
    sess = json.loads(base64.urlsafe_b64decode(cursor + "=="))["sess"]
    assert len(sess) == 32 and "REDACTED" not in sess
    if os.environ["R16_PHASE"] == "record":
        assert sess == os.environ["R16_SESSION"]
    second = requests.get(os.environ["R16_URL"] + "/items", params={"cursor": cursor}, timeout=5)
    assert second.json()["items"] == ["c", "d"]
"""


def _serve() -> ThreadingHTTPServer:
    cursor = _cursor({"offset": 2, "sess": SESSION})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            if "cursor" in query:
                assert query["cursor"][0] == cursor
                body = json.dumps({"items": ["c", "d"], "next_cursor": None}).encode()
            else:
                body = json.dumps({"items": ["a", "b"], "next_cursor": cursor}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_cursor_holding_a_session_decodes_in_replay_and_matches_sent_back(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    (tmp_path / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")
    server = _serve()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        out = run_inner(
            tmp_path, "--aws-record-mode=once", R16_URL=url, R16_PHASE="record", R16_SESSION=SESSION
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "1 passed" in out, out
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cassettes").rglob("*") if p.is_file())
    assert stored and SESSION.encode() not in stored
    out = run_inner(tmp_path, "--aws-record-mode=none", R16_URL=url, R16_PHASE="replay")
    assert "1 passed" in out, out
