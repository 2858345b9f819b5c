"""Which placeholders a stored interaction holds, so that the cassette describes just those
(their shapes give a stand-in back at replay): looked for the way ``harness scan`` opens a
body, through its ``Content-Encoding`` and, where vcrpy kept that header aside, by its look."""

from __future__ import annotations

import gzip
import zlib

import pytest

from harness.replay.recording import _placeholders_in
from harness.secrets.placeholders import secret

TOKEN = secret("tokn", 3)
PASSWORD = secret("pswd", 1)


def _interaction(body: bytes, headers: dict[str, list[str]]) -> dict:
    return {
        "request": {"uri": "http://127.0.0.1:9/x", "headers": {"X-Token": [TOKEN]}, "body": None},
        "response": {"status": {"code": 200}, "headers": headers, "body": {"string": body}},
    }


@pytest.mark.parametrize(
    "body, headers",
    [
        (b'{"password": "%s"}', {"Content-Type": ["application/json"]}),
        (gzip.compress(b'{"password": "%s"}', mtime=0), {"Content-Encoding": ["gzip"]}),
        (gzip.compress(b'{"password": "%s"}', mtime=0), {}),  # the header kept aside
        (zlib.compress(b'{"password": "%s"}'), {}),
    ],
    ids=["plain", "gzip", "gzip-by-look", "zlib-by-look"],
)
def test_placeholders_in_headers_and_opened_bodies(body: bytes, headers: dict) -> None:
    if body.startswith(b"{"):
        body = body.replace(b"%s", PASSWORD.encode())
    else:
        opened = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else zlib.decompress(body)
        inner = opened.replace(b"%s", PASSWORD.encode())
        body = gzip.compress(inner, mtime=0) if body[:2] == b"\x1f\x8b" else zlib.compress(inner)
    assert _placeholders_in(_interaction(body, headers)) == {TOKEN, PASSWORD}


def test_a_body_without_placeholders_adds_none() -> None:
    body = gzip.compress(b"REDACTEDpswd without digits", mtime=0)
    assert _placeholders_in(_interaction(body, {"Content-Encoding": ["gzip"]})) == {TOKEN}
