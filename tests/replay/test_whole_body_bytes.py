"""A body redacted whole is given back in replay as the bytes it was: the redactor read it
byte for byte (``latin-1``: a sensitive payload, a DER key store), and replay wrote the
value back as UTF-8, so binary came back longer (``0\\x82`` as ``0\\xc2\\x82``).

From the secrets-r12 trial (fix half: ``s3_pkcs12_binary_object``): the PKCS#12 file the test
put to S3, redacted whole, was read back in replay two-byte-expanded.
"""

from __future__ import annotations

import pytest

from harness.replay.replayer import _whole_back

BINARY = b"0\x82\x08\xb1\x02\x01\x030\x82\x08g\x06\t*\x86H\x86\xf7\r\x01\x07\x01\xff\x00"


@pytest.mark.parametrize(
    "raw",
    [BINARY, b'{"name": "caf\xc3\xa9"}', b"plain ascii", "p\u00e4ss\u20ac".encode()],
)
def test_what_was_read_byte_for_byte_comes_back_as_those_bytes(raw: bytes) -> None:
    assert _whole_back(raw.decode("latin-1")) == raw


@pytest.mark.parametrize("text", ["p\u00e4ssw\u00f6rd", "\u20ac-stand-in", "ascii"])
def test_text_read_as_text_comes_back_as_utf8(text: str) -> None:
    assert _whole_back(text) == text.encode("utf-8")
