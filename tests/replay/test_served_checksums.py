"""``http_messages.served``: a recorded ``x-amz-checksum-*`` is served as recorded, so a body
that does not match it fails botocore's check as live; only a body holding a redaction's mark
(``harness.secrets.placeholders``) has it made true. A run of nines that is no account
pseudonym is not such a mark."""

from __future__ import annotations

import base64
import zlib

import pytest

from harness.exchange import HttpResponse
from harness.replay.http_messages import served

WRONG = "AAAAAA=="


def _crc32(body: bytes) -> str:
    return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()


def _header(body: bytes) -> str:
    response = HttpResponse(200, {"x-amz-checksum-crc32": WRONG}, body)
    return served(response).headers["x-amz-checksum-crc32"]


@pytest.mark.parametrize("body", [b'{"limit": 99999999}', b"1999999990001", b"plain bytes"])
def test_an_unmarked_body_keeps_its_recorded_checksum(body: bytes) -> None:
    assert _header(body) == WRONG


@pytest.mark.parametrize(
    "body",
    [b"KEY=REDACTEDtokn0001\n", b"arn:aws:iam::999999990001:role/x", b"QVdTOlJFREFDVEVEx"],
)
def test_a_marked_body_gets_a_true_checksum(body: bytes) -> None:
    assert _header(body) == _crc32(body)
