"""invisible_r14's fix-half ``test_refresh_token_flow`` (and ``test_password_auth_tokens``):
the code decodes a Cognito token's claims (``cognito:username``, ``exp - iat``). The token
was redacted whole, and its stand-in in replay was random base64url in each part, so the
decode raised ``UnicodeDecodeError`` where live read the claims. A signed JWT's header and
claims (readable by whoever holds the token) are now kept in its shape and its stand-in
reads as live did; the signature stays a stand-in, and nothing secret is kept."""

from __future__ import annotations

import base64
import json

import pytest

from harness.secrets import Redactor, shapes


def _part(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


HEADER = {"typ": "JWT", "kid": "dummy", "alg": "RS256"}
CLAIMS = {
    "sub": "3db8c2f1-e56e-4df0-9ed8-4922c1c1a87e",
    "token_use": "id",
    "iat": 1795907010,
    "exp": 1795910610,
    "cognito:username": "lin",
}
# sentinel: the signature, the token's secret part
SIGNATURE = _part(b"Sntl14xSignature7f3a9c" * 12)
TOKEN = ".".join([_part(HEADER), _part(CLAIMS), SIGNATURE])


def test_a_jwts_stand_in_reads_as_the_live_token() -> None:
    out = Redactor().text(json.dumps({"IdToken": TOKEN}))
    assert TOKEN not in out and SIGNATURE not in out
    shape = shapes.describe(TOKEN)
    assert "Sntl14x" not in json.dumps(shape) and SIGNATURE[:20] not in json.dumps(shape)
    served = shapes.stand_in(shape, "REDACTEDtokn0007", "cassette.yaml")
    assert served is not None and served != TOKEN
    assert _claims(served) == CLAIMS
    assert served.split(".")[0] == TOKEN.split(".")[0]
    assert [len(p) for p in served.split(".")] == [len(p) for p in TOKEN.split(".")]
    assert served.split(".")[2] != SIGNATURE


def test_a_shape_with_claims_is_served_the_same_every_time() -> None:
    shape = shapes.describe(TOKEN)
    first = shapes.stand_in(shape, "REDACTEDtokn0007", "c.yaml")
    assert first == shapes.stand_in(shape, "REDACTEDtokn0007", "c.yaml")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "x", "password": "Sntl14xHunter2Password!"},  # the redactor finds a secret
        b"Sntl14x not json at all",
        b"[1, 2, 3]",  # JSON, not an object
    ],
)
def test_claims_kept_only_when_plain_json_with_nothing_secret(claims: dict | bytes) -> None:
    token = ".".join([_part(HEADER), _part(claims), SIGNATURE])
    shape = shapes.describe(token)
    assert "claims" not in shape and "Sntl14x" not in json.dumps(shape)
    served = shapes.stand_in(shape, "REDACTEDtokn0001", "c.yaml")
    assert served is not None and [len(p) for p in served.split(".")] == [
        len(p) for p in token.split(".")
    ]


def test_an_old_shape_without_claims_keeps_the_random_stand_in() -> None:
    shape = {k: v for k, v in shapes.describe(TOKEN).items() if k not in ("header", "claims")}
    served = shapes.stand_in(shape, "REDACTEDtokn0007", "c.yaml")
    assert served is not None and served.startswith("eyJ")
    assert [len(p) for p in served.split(".")] == [len(p) for p in TOKEN.split(".")]
