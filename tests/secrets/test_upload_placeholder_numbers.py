"""A compressed upload whose secret was redacted matches its recording when the two differ
only in the placeholder's number, and the recorded placeholder is tied to the live one (so a
read back gives the test its own secret): replay's vault numbers a new secret after the
cassette's, and text parameters are tied whatever their numbers, but a blob was compared by
its bytes.

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

from harness.replay.volatile import Generated
from harness.secrets.vault import Binding, placeholder_pairs

COMPRESSORS = {"xz": lzma.compress, "bzip2": bz2.compress, "gzip": gzip.compress}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_an_upload_differing_in_placeholder_numbers_pairs_them(name: str) -> None:
    pack = COMPRESSORS[name]
    recorded = pack(b'{"password": "REDACTEDpswd0001", "token": "REDACTEDtokn0003"}')
    live = pack(b'{"password": "REDACTEDpswd0004", "token": "REDACTEDtokn0005"}')
    assert placeholder_pairs(_b64(recorded), _b64(live)) == [
        ("REDACTEDpswd0001", "REDACTEDpswd0004"),
        ("REDACTEDtokn0003", "REDACTEDtokn0005"),
    ]


@pytest.mark.parametrize(
    "live",
    [
        b'{"password": "REDACTEDpswd0002", "user": "x"}',  # more content
        b'{"password": "not-redacted-at-all"}',  # a value where a secret was
        b'{"passwd": "REDACTEDpswd0002"}',  # another name
    ],
)
def test_an_upload_differing_otherwise_has_no_pairs(live: bytes) -> None:
    recorded = lzma.compress(b'{"password": "REDACTEDpswd0001"}')
    assert placeholder_pairs(_b64(recorded), _b64(lzma.compress(live))) is None


def test_the_binding_ties_the_recorded_placeholder_to_the_live_one() -> None:
    recorded = Generated("blob", _b64(lzma.compress(b"pw=REDACTEDpswd0001\n")), "blob")
    live = Generated("blob", _b64(lzma.compress(b"pw=REDACTEDpswd0002\n")), "blob")
    binding = Binding()
    ties = binding.fits((recorded,), (live,))
    assert ties is not None and ties.placeholders == {"REDACTEDpswd0001": "REDACTEDpswd0002"}
    assert not ties.blobs  # (no blob tie: the read back is restored, not the bytes swapped)
