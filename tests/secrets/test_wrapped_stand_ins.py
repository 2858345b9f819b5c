"""A secret written inside a wrapper (a PEM on one line, base64 of a PEM, hex of text) gets a
stand-in that is the same wrapper around a stand-in, so code that unwraps it still can.

From the secrets-r17 trial (fix half), each redacted whole but replayed wrongly:
``http_pem_single_line_spaces`` (a PEM whose lines are joined by blanks: the stand-in was
random text), ``http_base64_of_pem_json`` (``PRIVATE_KEY_B64``: the stand-in decoded to no
text), and ``http_hex_encoded_password_json``, which leaked besides (``password_hex``: no
rule read a secret's name with an encoding's word after it).
"""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.secrets import shapes
from harness.secrets.detectors import find_secrets, name_kind

SENTINEL = "Sntl17xWrapped0a1b2c3d4e"


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _stand_in(value: str, n: int = 1) -> str:
    got = shapes.stand_in(shapes.describe(value), f"REDACTEDpkey{n:04d}", "cassette")
    assert got is not None and got != value and len(got) == len(value)
    return got


def test_a_one_line_pems_stand_in_is_a_one_line_pem_of_a_key(pem: str) -> None:
    live = " ".join(line for line in pem.splitlines() if line)
    got = _stand_in(live)
    assert "\n" not in got and got.startswith("-----BEGIN PRIVATE KEY----- ")
    assert got.endswith(" -----END PRIVATE KEY-----")
    head, rest = got.split("----- ", 1)
    body, foot = rest.rsplit(" -----", 1)
    lines = f"{head}-----\n" + body.replace(" ", "\n") + f"\n-----{foot}\n"
    serialization.load_pem_private_key(lines.encode(), None)  # (a key that parses)


def test_base64_of_a_pems_stand_in_is_base64_of_a_pem_of_a_key(pem: str) -> None:
    live = base64.b64encode(pem.encode()).decode()
    got = base64.b64decode(_stand_in(live)).decode("ascii")
    assert got.startswith("-----BEGIN PRIVATE KEY-----\n") and got != pem
    serialization.load_pem_private_key(got.encode(), None)


@pytest.mark.parametrize("upper", [False, True])
def test_hex_of_texts_stand_in_is_hex_of_text_of_its_length(upper: bool) -> None:
    live = SENTINEL.encode().hex()
    live = live.upper() if upper else live
    got = _stand_in(live)
    text = bytes.fromhex(got).decode("ascii")
    assert len(text) == len(SENTINEL) and text.isalnum() and text != SENTINEL
    assert (got.upper() == got) is upper


def test_hex_of_random_bytes_stays_hex() -> None:
    assert shapes.describe("deadbeefcafebabe0011223344556677")["form"] == "hex"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("password_hex", "password"),
        ("passwordHex", "password"),
        ("PRIVATE_KEY_B64", "key"),
        ("client_secret_base64", "secret"),
        ("colorHex", None),
        ("sha256", None),
    ],
)
def test_a_secrets_name_with_an_encodings_word_after_it(name: str, kind: str | None) -> None:
    assert name_kind(name) == kind


def test_a_hex_password_named_so_is_found_in_json() -> None:
    text = json.dumps({"user": "svc", "password_hex": SENTINEL.encode().hex()})
    assert [text[f.start : f.end] for f in find_secrets(text)] == [SENTINEL.encode().hex()]
