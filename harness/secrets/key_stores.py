"""A binary body that is a private key or a key store, by its DER structure.

The redactor leaves a body that is not UTF-8 text as it is (rewriting binary would corrupt
it), so a key uploaded or downloaded in DER form (an S3 object ``client.p12``, a
``key.der``) went to the cassette raw. A body that is exactly one DER object of one of
these kinds is a secret whole, like a PEM private key is:

- a PKCS#12 file (RFC 7292: ``PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe
  ContentInfo, ...}``, its ``authSafe`` of type ``data`` or ``signedData``);
- a PKCS#8 private key (RFC 5208: ``PrivateKeyInfo ::= SEQUENCE { version 0,
  privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING }``) or an encrypted one
  (``EncryptedPrivateKeyInfo``, PBES2 or PKCS#12's PBE: still the key, for whoever guesses
  its password);
- a PKCS#1 RSA private key (RFC 8017 A.1.2: version 0, then the modulus) and a SEC1 EC
  private key (RFC 5915: version 1, then the key as an OCTET STRING).

The body must be one DER object to its last byte: random binary or a certificate (public)
does not pass. Java's own key stores are no DER: a JKS or JCEKS file (``0xFEEDFEED`` or
``0xCECECECE``, version 1 or 2, a count of entries, then the first entry's tag: 1 a private
or 2 a trusted certificate, 3 a secret key) is a key store too (secrets-r14:
``http_jks_keystore_response``).
"""

from __future__ import annotations

_PKCS7 = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07"  # 1.2.840.113549.1.7 (data, signedData)
_PBES2 = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d"  # 1.2.840.113549.1.5.13
_PKCS12_PBE = b"\x06\x0a\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01"  # 1.2.840.113549.1.12.1.x


def _header(data: bytes, at: int = 0) -> tuple[int, int] | None:
    """(where the content starts, its length) of the DER SEQUENCE at ``at``, or None."""
    if len(data) < at + 2 or data[at] != 0x30:
        return None
    first = data[at + 1]
    if first < 0x80:
        return at + 2, first
    count = first & 0x7F
    if not 1 <= count <= 4 or len(data) < at + 2 + count:
        return None
    return at + 2 + count, int.from_bytes(data[at + 2 : at + 2 + count], "big")


_JAVA_MAGIC = (b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce")
#: A Java key store's magic as the placeholder's text has it (latin-1): public, kept by its
#: stand-in (``shapes.PUBLIC_PREFIXES``), so code that checks the magic finds it in replay
PUBLIC_MAGIC = tuple(magic.decode("latin-1") for magic in _JAVA_MAGIC)


def _java_key_store(body: bytes) -> bool:
    """A JKS or JCEKS file by its header (magic, version 1 or 2, entries, a known tag)."""
    if len(body) < 64 or body[:4] not in _JAVA_MAGIC:
        return False
    version, count, tag = (int.from_bytes(body[at : at + 4], "big") for at in (4, 8, 12))
    return version in (1, 2) and 1 <= count <= 100_000 and tag in (1, 2, 3)


def is_key_store(body: bytes) -> bool:
    """True when ``body`` is, whole, a DER private key or PKCS#12 file, or a Java key store
    (see above)."""
    if _java_key_store(body):
        return True
    outer = _header(body)
    if outer is None or outer[0] + outer[1] != len(body) or len(body) < 32:
        return False
    start = outer[0]
    rest = body[start : start + 40]
    if rest.startswith(b"\x02\x01\x03\x30"):  # PFX v3, then authSafe ContentInfo
        return _PKCS7 in rest[:24]
    if rest.startswith(b"\x02\x01\x00\x30"):  # PKCS#8 v0, then AlgorithmIdentifier
        return b"\x04" in rest[4:40] and b"\x06" in rest[4:12]
    if rest.startswith(b"\x02\x01\x00\x02"):  # PKCS#1 RSA v0, then the modulus
        return len(body) > 120
    if rest.startswith(b"\x02\x01\x01\x04"):  # SEC1 EC v1, then the key
        return True
    inner = _header(body, start)  # EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmId, ... }
    return inner is not None and (
        body[inner[0] :].startswith(_PBES2) or body[inner[0] :].startswith(_PKCS12_PBE)
    )
