"""An RSA private key a server made is served in replay as a stand-in of its shape: a valid
key of the same bits, label and PEM form — and now of the same length. A PKCS#1 key's DER
length varies with its numbers (1,190 to 1,193 bytes for 2,048 bits: whether the CRT values
need a leading zero byte), so a fresh key of the right size was the live one's length only
by chance: the shape's ``bytes`` is now met by choosing among keys of the same primes (their
order, then the public exponent).

From the secrets-r11 trial (fix half: ``lightsail_instance_access_details``): Lightsail's
``privateKey`` replayed 1,675 characters long for a live 1,679.
"""

from __future__ import annotations

import base64
import random

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.secrets import shapes


def _der_of(pem: str) -> bytes:
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return base64.b64decode("".join(body))


@pytest.mark.parametrize(
    ("label", "sizes"),
    [("RSA PRIVATE KEY", range(1190, 1194)), ("PRIVATE KEY", range(1216, 1220))],
)
def test_a_stand_in_rsa_key_has_the_recorded_length_and_is_valid(label: str, sizes: range) -> None:
    for size in sizes:
        shape = {"form": "pem", "label": label, "bytes": size, "rsa": 2048, "tail": "\n"}
        pem = shapes.stand_in(shape, "REDACTEDpkey0001", "fixed-seed")
        assert pem is not None and pem.startswith(f"-----BEGIN {label}-----")
        assert len(_der_of(pem)) == size
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048


def test_a_live_key_and_its_stand_in_have_the_same_length() -> None:
    rng = random.Random(11)
    for _ in range(8):
        live = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
            .decode()
        )
        served = shapes.stand_in(shapes.describe(live), "REDACTEDpkey0002", str(rng.random()))
        assert served is not None and len(served) == len(live) and served != live


def test_a_length_no_key_of_the_primes_has_gets_a_pem_as_long() -> None:
    """1,189 bytes (a rare live key, its private exponent a byte short): the stand-in's DER
    may differ, its PEM does not (base64 of 1,189 and 1,191 bytes is 1,588 characters)."""
    shape = {"form": "pem", "label": "RSA PRIVATE KEY", "bytes": 1189, "rsa": 2048}
    pem = shapes.stand_in(shape, "REDACTEDpkey0003", "fixed-seed")
    assert pem is not None
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    assert len(body) == len(base64.b64encode(bytes(1189)))


@pytest.mark.parametrize("size", [1186, 1187, 1188])
def test_a_rare_short_live_key_gets_a_stand_in_pem_as_long(size: int) -> None:
    """About 1 live key in 500 is 1,188 bytes (its numbers short of a byte here and there):
    the first 130 keys of the stand-in's primes had none of that PEM length (the served
    PEM was 8 characters longer; seen when the test above drew one). The search goes on."""
    shape = {"form": "pem", "label": "RSA PRIVATE KEY", "bytes": size, "rsa": 2048}
    pem = shapes.stand_in(shape, "REDACTEDpkey0004", "rare-length")
    assert pem is not None
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    assert len(body) == len(base64.b64encode(bytes(size)))
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
