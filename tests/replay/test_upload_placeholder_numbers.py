"""A compressed upload whose secret was redacted matches its recording when the two differ
only in the placeholder's number: replay's vault numbers a new secret after the cassette's,
and text parameters are tied whatever their numbers, but a blob was compared by its bytes.

From the secrets-r15 trial (fix half: ``s3_xz_json_credentials``): an xz-compressed JSON
object with a password, put to S3, was redacted inside (``REDACTEDpswd0001`` recorded); in
replay the same upload was redacted to ``REDACTEDpswd0002``, the compressed bytes differed,
and ``PutObject`` found no recorded response.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import lzma

import pytest

from harness.replay import uploads
from harness.replay.volatile import Volatile

COMPRESSORS = {"xz": lzma.compress, "bzip2": bz2.compress, "gzip": gzip.compress}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_an_upload_differing_in_a_placeholders_number_fits(name: str) -> None:
    pack = COMPRESSORS[name]
    recorded = pack(b'{"db": {"password": "REDACTEDpswd0001"}}')
    live = pack(b'{"db": {"password": "REDACTEDpswd0002"}}')
    assert uploads.refusal(_b64(recorded), _b64(live), Volatile(), None) is None


@pytest.mark.parametrize(
    "live",
    [
        b'{"db": {"password": "REDACTEDpswd0002", "user": "x"}}',  # more content
        b'{"db": {"password": "not-redacted-at-all"}}',  # a value where a secret was
        b'{"db": {"passwd": "REDACTEDpswd0002"}}',  # another name
    ],
)
def test_an_upload_differing_otherwise_is_refused(live: bytes) -> None:
    recorded = lzma.compress(b'{"db": {"password": "REDACTEDpswd0001"}}')
    assert uploads.refusal(_b64(recorded), _b64(lzma.compress(live)), Volatile(), None)
