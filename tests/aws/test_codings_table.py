"""Issue 56: the content codings the redactor reads inside (``harness.aws.content_codings``).

Every coding of the table decodes what its encoder made, bounded by a limit; a body that a
rewrite leaves alone stays the bytes sent; one whose coding needs a package that is not
installed (or that nobody knows) is refused, never handed on as unreadable bytes. The
bodies are made by the third-party compressors themselves (brotli, zstandard, gzip, zlib).
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws import content_codings
from harness.aws.bodies import UnreadableCoding, through_coding
from harness.aws.content_codings import CODINGS, ExpandsBeyond, NotThatCoding
from harness.secrets import Redactor

brotli = pytest.importorskip("brotli")
zstandard = pytest.importorskip("zstandard")

SECRET = "sntlCodingPassword0056"
CONTENT = json.dumps({"password": SECRET, "rows": list(range(40))}).encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _zstd_streamed(data: bytes) -> bytes:
    """Two zstd frames, as a server streaming its answer writes them (no content size)."""
    half = len(data) // 2
    frames = b""
    for part in (data[:half], data[half:]):
        compressor = zstandard.ZstdCompressor().compressobj()
        frames += compressor.compress(part) + compressor.flush()
    return frames


#: (Content-Encoding, the body a server sends for ``CONTENT``)
SENT = [
    ("gzip", gzip.compress(CONTENT, mtime=1_700_000_000)),
    ("x-gzip", gzip.compress(CONTENT, mtime=0)),
    ("deflate", zlib.compress(CONTENT)),
    ("deflate", _raw_deflate(CONTENT)),
    ("br", brotli.compress(CONTENT)),
    ("zstd", zstandard.ZstdCompressor().compress(CONTENT)),
    ("zstd", _zstd_streamed(CONTENT)),
    ("gzip, br", brotli.compress(gzip.compress(CONTENT, mtime=0))),
    ("br, zstd", zstandard.ZstdCompressor().compress(brotli.compress(CONTENT))),
    ("identity", CONTENT),
    ("GZIP , Br", brotli.compress(gzip.compress(CONTENT, mtime=0))),
]
IDS = [f"{coding}-{index}" for index, (coding, _) in enumerate(SENT)]


def _opened(body: bytes, coding: str) -> bytes:
    """The content of ``body``, decoded by the compressors' own functions."""
    zstd = zstandard.ZstdDecompressor()
    undo = {
        "gzip": gzip.decompress,
        "x-gzip": gzip.decompress,
        "br": brotli.decompress,
        "zstd": lambda b: zstd.stream_reader(b, read_across_frames=True).read(),
        "deflate": lambda b: zlib.decompress(b, zlib.MAX_WBITS if b[:1] == b"x" else -15),
        "identity": lambda b: b,
    }
    for name in reversed([c.strip().lower() for c in coding.split(",")]):
        body = undo[name](body)
    return body


@pytest.mark.parametrize(("coding", "body"), SENT, ids=IDS)
def test_every_coding_is_read_and_a_secret_inside_is_redacted(coding: str, body: bytes) -> None:
    assert content_codings.decode(body, content_codings.codings_of(coding), 1 << 20) == CONTENT
    clean = Redactor().body(body, None, "output", "application/json", coding)
    assert SECRET.encode() not in clean
    content = json.loads(_opened(clean, coding))  # still that coding, as the headers say
    assert content["rows"] == list(range(40)) and content["password"].startswith("REDACTED")


@pytest.mark.parametrize(("coding", "body"), SENT, ids=IDS)
def test_a_body_nothing_changes_stays_the_bytes_sent(coding: str, body: bytes) -> None:
    assert through_coding(body, coding, lambda content: content) is body
    plain = json.dumps({"rows": list(range(40))}).encode()
    sent = _recoded(plain, coding)
    assert Redactor().body(sent, None, "output", "application/json", coding) == sent


def _recoded(content: bytes, coding: str) -> bytes:
    encode = {
        "gzip": lambda b: gzip.compress(b, mtime=7),
        "x-gzip": lambda b: gzip.compress(b, mtime=7),
        "deflate": zlib.compress,
        "br": brotli.compress,
        "zstd": _zstd_streamed,
        "identity": lambda b: b,
    }
    for name in [c.strip().lower() for c in coding.split(",")]:
        content = encode[name](content)
    return content


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=2000), coding=st.sampled_from(sorted(CODINGS)))
def test_each_coding_decodes_what_it_encodes(content: bytes, coding: str) -> None:
    table = CODINGS[coding]
    encoded = table.encode(content, b"")
    assert table.decode(encoded, len(content)) == content
    # the same content gives the same bytes: a cassette re-recorded unchanged is unchanged
    assert table.encode(content, b"") == encoded


BOMBS = [
    ("br", brotli.compress(b"\0" * (32 << 20))),
    ("zstd", zstandard.ZstdCompressor().compress(b"\0" * (32 << 20))),
    ("zstd", _zstd_streamed(b"\0" * (32 << 20))),
    ("gzip", gzip.compress(b"\0" * (32 << 20))),
    ("deflate", _raw_deflate(b"\0" * (32 << 20))),
]


@pytest.mark.parametrize(("coding", "bomb"), BOMBS, ids=[c for c, _ in BOMBS])
def test_a_bomb_stops_near_the_limit(coding: str, bomb: bytes) -> None:
    import tracemalloc

    limit = 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ExpandsBeyond):
            content_codings.decode(bomb, [coding], limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * limit, f"{peak:,} bytes held for a {limit:,}-byte limit"
    assert len(bomb) < limit  # (what it would expand to: 32 MiB)


def test_every_member_of_a_gzip_body_is_read() -> None:
    # a streaming writer's gzip: members one after another; the secret in the second
    second = json.dumps({"password": SECRET}).encode()
    body = gzip.compress(b"log line 1\n", mtime=0) + gzip.compress(second, mtime=0)
    assert gzip.decompress(body) == b"log line 1\n" + second
    clean = Redactor().body(body, None, "output", "text/plain", "gzip")
    assert SECRET.encode() not in gzip.decompress(clean)
    assert gzip.decompress(clean).startswith(b'log line 1\n{"password": "REDACTED')
    padded = body + b"\0" * 8  # (zeros after the last member: padding)
    assert content_codings.decode(padded, ["gzip"], 1 << 20) == gzip.decompress(body)


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip", "deflate"])
def test_a_truncated_or_foreign_body_is_not_that_coding(coding: str) -> None:
    body = dict(SENT)[coding]
    for broken in (body[: len(body) // 2], b"\xffnot compressed at all\x00"):
        with pytest.raises(NotThatCoding):
            content_codings.decode(broken, [coding], 1 << 20)
        # and the redactor judges it as the bytes it is (the contract of through_coding)
        assert through_coding(broken, coding, lambda b: b + b"!") == broken + b"!"


@pytest.mark.parametrize(
    ("module", "coding", "body", "install"),
    [
        ("brotli", "br", dict(SENT)["br"], "pip install brotli"),
        ("zstandard", "zstd", dict(SENT)["zstd"], "pip install zstandard"),
        ("brotli", "gzip, br", dict(SENT)["gzip, br"], "pip install brotli"),
    ],
)
def test_a_coding_whose_package_is_missing_is_refused(
    monkeypatch: pytest.MonkeyPatch, module: str, coding: str, body: bytes, install: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # (a third-party module: not installed)
    with pytest.raises(UnreadableCoding) as caught:
        Redactor().body(body, None, "output", "application/json", coding)
    message = str(caught.value)
    assert f"Content-Encoding {coding.split(', ')[-1]}" in message
    assert "cannot be judged for secrets" in message and install in message
    assert "botocore-harness[codings]" in message


def test_a_coding_nobody_knows_is_refused_unless_the_body_is_text() -> None:
    with pytest.raises(UnreadableCoding) as caught:
        through_coding(b"\x1f\x9d\x90binary", "compress", lambda b: b)
    assert "Content-Encoding compress, a coding botocore-harness does not know" in str(caught.value)
    # a label the body does not have (S3 objects stored with ContentEncoding="utf-8"): the
    # text is judged as it is
    text = json.dumps({"password": SECRET}).encode()
    assert SECRET.encode() not in Redactor().body(text, None, "output", "", "utf-8")


def test_a_refused_request_names_its_method_and_url_never_its_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.exchange import HttpRequest

    monkeypatch.setitem(sys.modules, "brotli", None)
    request = HttpRequest(
        method="PUT",
        url="https://api.example.com/upload?token=sntl-query-token-56",
        headers={"Content-Encoding": "br"},
        body=dict(SENT)["br"],
    )
    with pytest.raises(UnreadableCoding) as caught:
        Redactor().request(request)
    message = str(caught.value)
    assert message.startswith("The request body of PUT https://api.example.com/upload is under")
    assert "sntl-query-token-56" not in message
