"""An object stored xz- or bzip2-compressed (``creds.json.xz``, ``app.env.bz2``: no content
coding names it, its first bytes do) is read inside, as a gzip or zstd object is, and
written back in its own compression with the secret replaced.

From the secrets-r15 trial (fix half: ``s3_xz_json_credentials``): an xz-compressed JSON
object with a ``password`` went to the cassette as it was (the redactor knew gzip and zstd
by their look, not xz).
"""

from __future__ import annotations

import bz2
import json
import lzma
import os
from typing import Any

import pytest

from harness.aws import content_codings as codings
from harness.aws.models import operation_model
from harness.secrets import Redactor

SENTINEL = "sntl15Xz01qWe"
PUT = operation_model("s3", "PutObject")
DOC = json.dumps({"db": {"user": "etl", "password": SENTINEL}}).encode()


@pytest.mark.parametrize(
    ("compress", "decompress"),
    [(lzma.compress, lzma.decompress), (bz2.compress, bz2.decompress)],
    ids=["xz", "bzip2"],
)
def test_a_compressed_objects_secret_is_replaced_inside(compress: Any, decompress: Any) -> None:
    body = compress(DOC)
    out = Redactor().body(body, PUT, "input", "binary/octet-stream")
    content = decompress(out)
    assert SENTINEL.encode() not in content and b"REDACTED" in content
    assert out[:3] == body[:3]  # (still the same compression)


def test_the_same_content_compresses_to_the_same_bytes() -> None:
    body = lzma.compress(DOC, check=lzma.CHECK_CRC32)
    coding = codings.CODINGS["xz"]
    assert coding.encode(coding.decode(body, 1 << 20), body) == body
    body = bz2.compress(DOC, compresslevel=5)
    coding = codings.CODINGS["bzip2"]
    assert coding.encode(coding.decode(body, 1 << 20), body) == body


def test_a_bomb_stops_at_the_limit() -> None:
    with pytest.raises(codings.ExpandsBeyond):
        codings.CODINGS["xz"].decode(lzma.compress(b"\0" * 2_000_000), 1000)


@pytest.mark.parametrize(
    "body",
    [b"BZhello, " + SENTINEL.encode(), b"BZh9 not a stream", os.urandom(64)],
    ids=["text", "bzh9 text", "random bytes"],  # (fixed ids: xdist workers collect alike)
)
def test_text_starting_like_bzip2_is_not_taken_for_it(body: bytes) -> None:
    assert codings.coding_by_look(body) == ""
