"""secrets-r13's fix-half ``http_jwe_compact_token`` (measured before this fix, run once): a
web API answered ``{"data": <JWE>}``, an encrypted token in compact form (RFC 7516: five
base64url parts), under a name that says nothing; no format knew it, and it was written as
it came. Its stand-in then had its four dots anywhere (a text of the same characters): a
parser splitting it in five failed, as one splitting a JWT in three would.
"""

from __future__ import annotations

import base64
import json

import pytest

from harness.secrets import Redactor, detectors, shapes


def _part(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# sentinel bytes: unique, in no other file
JWE = ".".join(
    [
        _part(b'{"alg":"RSA-OAEP-256","enc":"A256GCM"}'),
        _part(b"Sntl66x2f8d1c4a9e7b3052" * 11),
        _part(b"Sntl66xiv012"),
        _part(b"Sntl66x0c5e9a2d7f1b4863" * 4),
        _part(b"Sntl66xtag0123456"),
    ]
)


def test_an_unnamed_jwe_is_a_token() -> None:
    out = Redactor().text(json.dumps({"data": JWE}))
    assert JWE not in out and "Sntl66x" not in out
    assert json.loads(out)["data"].startswith("REDACTED")


def test_a_jwe_with_direct_encryption_has_an_empty_key_part() -> None:
    direct = JWE.split(".")
    direct[1] = ""
    token = ".".join(direct)
    text = f"t={token}&x=1"
    assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [token]


@pytest.mark.parametrize("token", [JWE, ".".join(JWE.split(".")[:3])])
def test_a_jose_tokens_stand_in_keeps_its_parts_lengths(token: str) -> None:
    shape = shapes.describe(token)
    assert "Sntl66" not in json.dumps(shape)
    served = shapes.stand_in(shape, "REDACTEDtokn0001", "cassette.yaml")
    assert served is not None and served != token and served.startswith("eyJ")
    assert [len(p) for p in served.split(".")] == [len(p) for p in token.split(".")]


@pytest.mark.parametrize(
    "text",
    [
        "eyJhbGciOiJIUzI1NiJ9 is a header, base64url of JSON",
        "version eyJabcdefghijk.1.2 released",
        "a.b.c.d.e",
    ],
)
def test_dotted_texts_that_are_no_jwe_stay(text: str) -> None:
    assert detectors.find_secrets(text) == []
