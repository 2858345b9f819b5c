"""A binary body that is, whole, a DER private key or a PKCS#12 file is a secret whole, as a
PEM private key is: the redactor kept any body that is not UTF-8 text as it was, so a key
store uploaded to S3 (``client.p12``, ``key.der``) went to the cassette raw.

From the secrets-r12 trial (fix half: ``s3_pkcs12_binary_object``): an unencrypted PKCS#12
file put to S3 and read back was stored byte for byte, its private key readable.
"""

from __future__ import annotations

import datetime
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from harness.aws.models import operation_model
from harness.secrets import Redactor, key_stores

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NONE = ser.NoEncryption()
PUT = operation_model("s3", "PutObject")


def _cert() -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "r12.example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(KEY.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(KEY, hashes.SHA256())
    )


STORES = {
    "pkcs12": pkcs12.serialize_key_and_certificates(b"r12", KEY, _cert(), None, NONE),
    "pkcs12 encrypted": pkcs12.serialize_key_and_certificates(
        b"r12", KEY, None, None, ser.BestAvailableEncryption(b"pw")
    ),
    "pkcs8 rsa": KEY.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, NONE),
    "pkcs8 encrypted": KEY.private_bytes(
        ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.BestAvailableEncryption(b"pw")
    ),
    "pkcs1 rsa": KEY.private_bytes(ser.Encoding.DER, ser.PrivateFormat.TraditionalOpenSSL, NONE),
    "sec1 ec": ec.generate_private_key(ec.SECP256R1()).private_bytes(
        ser.Encoding.DER, ser.PrivateFormat.TraditionalOpenSSL, NONE
    ),
    "pkcs8 ed25519": ed25519.Ed25519PrivateKey.generate().private_bytes(
        ser.Encoding.DER, ser.PrivateFormat.PKCS8, NONE
    ),
}


@pytest.mark.parametrize("name", sorted(STORES))
def test_a_key_store_is_redacted_whole(name: str) -> None:
    body = STORES[name]
    assert key_stores.is_key_store(body)
    out = Redactor().body(body, PUT, "input", "application/x-pkcs12")
    assert out.startswith(b"REDACTED") and body[40:80] not in out


@pytest.mark.parametrize(
    "body",
    [
        _cert().public_bytes(ser.Encoding.DER),  # a certificate: public
        KEY.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo),
        STORES["pkcs12"] + b"\x00",  # not one DER object to its end
        STORES["pkcs8 rsa"][:-1],
        b"\x89PNG\r\n\x1a\n" + os.urandom(200),
    ],
)
def test_other_binary_is_kept(body: bytes) -> None:
    assert not key_stores.is_key_store(body)
    assert Redactor().body(body, PUT, "input", "application/octet-stream") == body


def test_random_bytes_are_not_key_stores() -> None:
    assert not any(key_stores.is_key_store(os.urandom(n)) for n in range(1, 2000))


def _java_store(magic: bytes) -> bytes:
    """A JKS (or JCEKS) file's layout: magic, version 2, one private key entry, its digest."""
    import hashlib
    import struct

    alias = b"server"
    body = magic + struct.pack(">III", 2, 1, 1) + struct.pack(">H", len(alias)) + alias
    body += struct.pack(">Q", 1764331200000) + struct.pack(">I", 640) + os.urandom(640)
    body += struct.pack(">I", 0)
    return body + hashlib.sha1(body).digest()


@pytest.mark.parametrize("magic", [b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce"])
def test_a_java_key_store_is_redacted_whole(magic: bytes) -> None:
    """secrets-r14 fix half: ``http_jks_keystore_response`` (a JKS answer kept raw)."""
    body = _java_store(magic)
    assert key_stores.is_key_store(body)
    out = Redactor().body(body, PUT, "input", "application/x-java-keystore")
    assert out.startswith(b"REDACTED") and body[100:140] not in out


def test_a_java_magic_alone_is_no_key_store() -> None:
    assert not key_stores.is_key_store(b"\xfe\xed\xfe\xed" + b"\x00\x00\x00\x07" + os.urandom(90))
    assert not key_stores.is_key_store(b"\xfe\xed\xfe\xed" + os.urandom(20))


def test_a_java_key_stores_stand_in_keeps_its_magic() -> None:
    """secrets-r14 fix half: ``http_jks_keystore_response`` then replayed random bytes where
    code checks the magic (``data[:4] == b"\\xfe\\xed\\xfe\\xed"``)."""
    from harness.secrets import shapes

    body = _java_store(b"\xfe\xed\xfe\xed")
    text = body.decode("latin-1")
    shape = shapes.describe(text)
    got = shapes.stand_in(shape, "REDACTEDkey00001", "cassette")
    assert got is not None and len(got) == len(text) and got != text
    assert got.encode("latin-1")[:4] == b"\xfe\xed\xfe\xed"
