"""Stand-ins: what a placeholder becomes in replay when the test never supplied its value.

A secret the *service* generates (``GetRandomPassword``, an STS session token, the private
key of ``CreateKeyPair``) reaches the cassette as a placeholder such as ``REDACTEDpswd0001``
and has no live value to be bound to in replay. Code that checks it (``len(p) == 50``, a
PEM key it loads, base64 it decodes) would fail on the placeholder. So a recording keeps,
beside the placeholders, a *shape* of each value (``describe``), and replay serves a
**stand-in** built from it (``stand_in``): same length and alphabet, base64 that decodes,
hex that stays hex, a known public prefix kept (``ghp_``, an STS token's), an RSA private key
that parses (generated here, never the recorded one). Stand-ins are deterministic: the same
cassette and placeholder give the same value on every machine.

A shape holds no secret: the length, which kinds of characters occur (lower, upper, digits
and which punctuation), the encoding, a public prefix, a key's type and size. One more
field, ``literal``, is set when the value is written literally in the test's own source (a
documented example key the test compares against): ``s1:`` alone when no other literal
of the source has its shape, else with 8 bits of a slow hash that tell it from them, so that
replay serves that literal while the cassette holds neither the value nor enough to confirm
a guess of it. A cassette holds the shapes of the placeholders it holds, no others.
"""

from __future__ import annotations

import ast
import base64
import binascii
import functools
import hashlib
import html
import math
import random
import re
import string
from collections.abc import Iterable
from typing import Any

from harness.secrets import (
    b64_json,
    detectors,
    jose_claims,
    key_stores,
    token_formats,
    token_shapes,
    wrapped_shapes,
)

#: Prefixes that say which kind of token a value is and are public (documented formats):
#: the ``public_prefixes`` of the detectors' rows (an STS session token's, vendors').
PUBLIC_PREFIXES = tuple(
    sorted(
        {
            *(prefix for row in detectors.VALUE_FORMATS for prefix in row.public_prefixes),
            *(prefix for row in token_formats.TOKEN_FORMATS for prefix in row.public_prefixes),
            *key_stores.PUBLIC_MAGIC,
        },
        key=lambda prefix: (-len(prefix), prefix),  # the longest a value starts with wins
    )
)
#: A token format's prefixes, each with the format's whole pattern: kept only for a value
#: of that format (a password that happens to start "sk-" keeps no character of its own).
_FORMAT_OF_PREFIX: dict[str, list[re.Pattern[str]]] = {}
for _row in token_formats.TOKEN_FORMATS:
    for _prefix in _row.public_prefixes:
        _FORMAT_OF_PREFIX.setdefault(_prefix, []).append(re.compile(_row.pattern))


def _is_prefix_of(prefix: str, value: str) -> bool:
    if value == prefix or not value.startswith(prefix):
        return False
    formats = _FORMAT_OF_PREFIX.get(prefix)
    return formats is None or any(f.fullmatch(value) for f in formats)


_PEM = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]+)-----(?P<eol>\r?\n)(?P<body>[A-Za-z0-9+/=\r\n]+?)"
    r"\r?\n-----END (?P=label)-----(?P<tail>\s*)",
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_CLASSES = {"a": string.ascii_lowercase, "A": string.ascii_uppercase, "9": string.digits}
_RSA_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
#: A JOSE token in compact form: a JWS (a JWT: 3 parts) or a JWE (5), base64url parts
#: joined by dots, the first a JSON header ("eyJ")
_JOSE = re.compile(r"eyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?")
_BASE64URL_CHARS = string.ascii_letters + string.digits + "-_"


def describe(value: str, literal: str | None = None) -> dict[str, Any]:
    """The shape of a secret ``value``; ``literal`` is its keyed digest when the test's
    source states it (``literal_tag``)."""
    shape = _describe(value)
    if literal is not None:
        shape["literal"] = literal
    return shape


#: A value written with XML/HTML character references (``&#83;&#110;...``): the text it
#: stands for is the secret; a stand-in of that, escaped in replay as the body's XML is, is
#: what a parser reads (secrets-r16 ``http_xml_numeric_entities_password``: a stand-in of
#: the 129 characters of references parsed as 129 characters, for a password of 24)
_WITH_CHAR_REFS = re.compile(r"(?:[^&]|&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};)+")


def _describe(value: str) -> dict[str, Any]:
    if "&#" in value and _WITH_CHAR_REFS.fullmatch(value):
        value = html.unescape(value)
    pem = _PEM.fullmatch(value)
    if pem is not None:
        body = re.sub(r"\s", "", pem["body"])
        out: dict[str, Any] = {"form": "pem", "label": pem["label"], "bytes": _decoded_size(body)}
        bits = _rsa_bits(body, pem["label"])
        if bits:
            out["rsa"] = bits
        elif pem["label"] == "OPENSSH PRIVATE KEY" and _openssh_type(body) == "ssh-ed25519":
            out["openssh"] = "ssh-ed25519"
        if pem["eol"] != "\n":
            out["eol"] = pem["eol"]
        if pem["tail"]:
            out["tail"] = pem["tail"]
        return out
    if _JOSE.fullmatch(value):  # a JWT or JWE: its parts' lengths, its dots where they were
        jose = {"length": len(value), "form": "jose", "parts": [len(p) for p in value.split(".")]}
        return {**jose, **(jose_claims.readable(value) or {})}  # a JWT's header and claims
    wrapped = wrapped_shapes.shape_of(value, _describe)  # (a PEM on one line, hex of text)
    if wrapped is not None:
        return wrapped
    cursor = b64_json.shape_of(value, _describe, _secret_key)  # (a cursor, a state blob)
    if cursor is not None:
        return cursor
    prefix = next((p for p in PUBLIC_PREFIXES if _is_prefix_of(p, value)), "")
    rest = value[len(prefix) :]
    shape: dict[str, Any] = {"length": len(value)}
    if prefix:
        shape["prefix"] = prefix
    parts = token_shapes.layout(value, prefix)
    if parts is not None:  # a vendor's token with separators: they stay where they were
        shape["form"], shape["layout"] = "token", parts
        return shape
    if len(rest) >= 8 and re.fullmatch(r"[0-9a-f]+", rest) and re.search(r"\d", rest):
        shape["form"] = "hex"
    elif len(rest) >= 8 and re.fullmatch(r"[0-9A-F]+", rest) and re.search(r"\d", rest):
        shape["form"] = "HEX"
    elif (
        len(rest) >= 16
        and len(rest) % 4 == 0
        and _BASE64.fullmatch(rest)
        and _mixed(rest)
        and any(c in rest for c in "+/=")  # else letters and digits: kept to those
    ):
        shape["form"] = "base64"
        if rest.endswith("="):
            shape["padding"] = len(rest) - len(rest.rstrip("="))
    else:
        shape["form"] = "text"
        classes = "".join(c for c, chars in _CLASSES.items() if any(x in chars for x in rest))
        breaks = [[m.start(), m.group()] for m in _LINE_BREAK.finditer(rest)]
        if breaks and len(breaks) <= _MAX_BREAKS:
            # the value's line breaks and the indentation after each stay where they were
            # (a PEM body's lines in a YAML block: random blanks broke the document)
            shape["breaks"] = breaks
            rest = _LINE_BREAK.sub("", rest)
        others = "".join(sorted({x for x in rest if not x.isascii() or not x.isalnum()}))
        shape["classes"] = classes
        if others:
            shape["others"] = others
    return shape


def _secret_key(key: str) -> bool:
    # a JSON key a shape would keep: none that holds a secret by its look
    return bool(detectors.find_secrets(key))


#: A line break and the blanks after it: where a multi-line value's lines end and how the
#: next is indented (public: the layout, not the text).
_LINE_BREAK = re.compile(r"\r?\n[ \t]*")
_MAX_BREAKS = 4096


def _mixed(text: str) -> bool:
    return bool(re.search(r"[a-z]", text) and re.search(r"[A-Z]", text))


def _decoded_size(body: str) -> int:
    try:
        return len(base64.b64decode(body))
    except (binascii.Error, ValueError):
        return len(body) * 3 // 4


#: The prefix of a literal's tag (``literal_tag``); a tag without it is the 20-hex SHA-256
#: digest of cassettes recorded before (read, never written).
_TAG = "s1:"


def literal_tag(token: str, value: str, literals: Iterable[str]) -> str:
    """What lets replay find ``value`` again among the test's source ``literals``: ``s1:``
    alone when no other literal there has its shape (the shape, kept anyway, is enough);
    otherwise 8 bits of scrypt keyed by the placeholder (``_bits``). Nothing that confirms
    a guess where none is needed; where the source holds several same-shape literals (a
    test's account ids), one same-shape guess in 256 shares the bits."""
    shape = _describe(value)
    alike = sum(1 for literal in set(literals) if _same_shape(shape, token, literal))
    return _TAG if alike <= 1 else _TAG + _bits(token, value)


@functools.lru_cache(maxsize=4096)
def _bits(token: str, value: str) -> str:
    """8 bits of scrypt (4 MiB, ~15 ms a try) of ``value`` salted with its placeholder."""
    key = hashlib.scrypt(
        value.encode("utf-8", "surrogatepass"),
        salt=token.encode("utf-8"),
        n=1 << 12,
        r=8,
        p=1,
        dklen=1,
    )
    return key.hex()


def _same_shape(shape: dict[str, Any], token: str, literal: str) -> bool:
    """Whether ``literal`` could be the value of ``shape`` (an id's placeholder, kept with no
    shape of its own, has its value's length and kind)."""
    bare = {k: v for k, v in shape.items() if k != "literal"}
    if token.startswith("REDACTED"):
        return _describe(literal) == bare
    if token.isdigit():  # an account id
        return len(literal) == len(token) and literal.isdigit()
    return len(literal) == len(token) and literal[:4] == token[:4]  # an access key id


def _literal_of(
    digest: str, shape: dict[str, Any], token: str, literals: Iterable[str]
) -> str | None:
    """The one literal of the source with ``shape`` that ``digest`` names; None if none, or
    more than one, does."""
    found = {literal for literal in literals if _same_shape(shape, token, literal)}
    if digest.startswith(_TAG):
        bits = digest[len(_TAG) :]
        if bits:
            found = {literal for literal in found if _bits(token, literal) == bits}
    else:  # a legacy SHA-256 digest
        found = {
            literal
            for literal in found
            if hashlib.sha256(f"{token}\0{literal}".encode("utf-8", "surrogatepass")).hexdigest()[
                :20
            ]
            == digest
        }
    return found.pop() if len(found) == 1 else None


def source_literals(texts: Iterable[str]) -> set[str]:
    """The string constants of the test's sources: a Python module's as ``ast`` reads them
    (adjacent literals joined, as a long token is often written over several lines), and
    any quoted run (a data file, a comment)."""
    found: set[str] = set()
    for text in texts:
        for match in re.finditer(r"(?P<q>['\"])(?P<s>[^'\"\\\n]{4,4096})(?P=q)", text):
            found.add(match["s"])
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            value = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and 4 <= len(value) <= 65536:
                found.add(value)
    return found


def stand_in(shape: Any, token: str, seed: str, literals: Iterable[str] = ()) -> str | None:
    """The value replay serves for ``token`` (shape ``shape``; ``seed`` names the cassette),
    or None when the shape is unusable. A literal of the test's source comes first."""
    if not isinstance(shape, dict):
        return None
    digest = shape.get("literal")
    if isinstance(digest, str):
        literal = _literal_of(digest, shape, token, literals)
        if literal is not None:
            return literal
    try:
        return _build(shape, random.Random(f"{seed}/{token}"))
    except (KeyError, TypeError, ValueError):
        return None  # a shape edited by hand: the placeholder itself is served


def _build(shape: dict[str, Any], rng: random.Random) -> str | None:
    form = shape.get("form")
    if form == "pem":
        return _pem(shape, rng)
    if form == "jose":
        return _jose(shape, rng)
    if form == "token":
        return token_shapes.build(shape, rng)
    if form == "b64json":
        return b64_json.build(shape, rng, _build)
    if form == "wrapped":
        return wrapped_shapes.build(shape, rng, _build)
    length, prefix = int(shape["length"]), str(shape.get("prefix", ""))
    size = length - len(prefix)
    if size <= 0 or length > 1 << 20:
        return None
    if form == "hex":
        body = "".join(rng.choice("0123456789abcdef") for _ in range(size))
    elif form == "HEX":
        body = "".join(rng.choice("0123456789ABCDEF") for _ in range(size))
    elif form == "base64":
        body = _base64_of_length(size, int(shape.get("padding", 0)), rng)
    elif form == "text":
        pools = [_CLASSES[c] for c in str(shape.get("classes", "")) if c in _CLASSES]
        if shape.get("others"):
            pools.append(str(shape["others"]))
        if not pools:
            return None
        # one of each kind first (a password policy requiring each), then any, shuffled
        chars = [rng.choice(pool) for pool in pools][:size]
        alphabet = "".join(pools)
        chars += [rng.choice(alphabet) for _ in range(size - len(chars))]
        rng.shuffle(chars)
        for at, run in shape.get("breaks") or ():  # (each where it was, as it was)
            at = int(at)
            if not (0 <= at <= size - len(run)) or _LINE_BREAK.fullmatch(run) is None:
                raise ValueError("not a line break of this value")
            chars[at : at + len(run)] = list(run)
        body = "".join(chars)
    else:
        return None
    return prefix + body


def _jose(shape: dict[str, Any], rng: random.Random) -> str:
    """A JWT's or JWE's stand-in: as many base64url parts, each as long, joined by dots,
    the first a header's ``eyJ`` (a parser that counts the parts, or splits on the dots,
    finds them where the live token had them)."""
    readable = jose_claims.rebuild(shape, rng)
    if readable is not None:
        return readable
    parts = [int(n) for n in shape["parts"]]
    if sum(parts) + len(parts) - 1 != int(shape["length"]) or parts[0] < 3 or len(parts) > 5:
        raise ValueError("not a JOSE shape")
    out = ["".join(rng.choice(_BASE64URL_CHARS) for _ in range(n)) for n in parts]
    out[0] = "eyJ" + out[0][3:]
    return ".".join(out)


def _base64_of_length(size: int, padding: int, rng: random.Random) -> str:
    if size % 4 or padding not in (0, 1, 2):
        raise ValueError("not a base64 length")
    raw = bytes(rng.getrandbits(8) for _ in range(size // 4 * 3 - padding))
    return base64.b64encode(raw).decode("ascii")


def _pem(shape: dict[str, Any], rng: random.Random) -> str:
    label = str(shape["label"])
    if not re.fullmatch(r"[A-Z0-9 ]{1,60}", label):
        raise ValueError(label)
    bits = int(shape.get("rsa") or 0)
    width = 64
    if bits:
        size = int(shape.get("bytes") or 0)
        der = _rsa_private_der(bits, rng.getrandbits(64), label == "PRIVATE KEY", size)
    elif shape.get("openssh") == "ssh-ed25519":
        der, width = _openssh_ed25519(rng), 70  # ssh-keygen's line width
    else:
        der = bytes(rng.getrandbits(8) for _ in range(min(int(shape["bytes"]), 1 << 16)))
    eol = str(shape.get("eol", "\n"))
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    text = eol.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])
    return text + str(shape.get("tail", ""))


# --------------------------------------------------------------------------- RSA keys


def _rsa_bits(body: str, label: str) -> int:
    """The modulus size of an RSA private key in PKCS#1 or PKCS#8 DER, else 0."""
    if label not in ("RSA PRIVATE KEY", "PRIVATE KEY"):
        return 0
    try:
        der = base64.b64decode(body)
        items = _der_sequence(der)
        if label == "PRIVATE KEY":
            algorithm = _der_items(items[1][1])
            if items[1][0] != 0x30 or algorithm[0][1] != _RSA_OID:
                return 0
            items = _der_sequence(items[2][1])
        modulus = int.from_bytes(items[1][1], "big")
    except (binascii.Error, ValueError, IndexError):
        return 0
    bits = modulus.bit_length()
    return bits if 512 <= bits <= 8192 else 0


def _der_sequence(der: bytes) -> list[tuple[int, bytes]]:
    tag, content, _ = _der_item(der, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    return _der_items(content)


def _der_items(content: bytes) -> list[tuple[int, bytes]]:
    items, at = [], 0
    while at < len(content):
        tag, inner, at = _der_item(content, at)
        items.append((tag, inner))
    return items


def _der_item(der: bytes, at: int) -> tuple[int, bytes, int]:
    tag, length = der[at], der[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4:
            raise ValueError("bad length")
        length = int.from_bytes(der[at : at + count], "big")
        at += count
    if at + length > len(der):
        raise ValueError("truncated")
    return tag, der[at : at + length], at + length


@functools.lru_cache(maxsize=32)
def _rsa_primes(bits: int, seed: int) -> tuple[int, int]:
    """Two primes whose product has ``bits`` bits, made from ``seed`` (the costly part)."""
    rng = random.Random(seed)
    while True:
        p, q = _prime(bits // 2, rng), _prime(bits - bits // 2, rng)
        if p != q and (p * q).bit_length() == bits and (p - 1) % 65537 and (q - 1) % 65537:
            return p, q


#: Public exponents tried, 65537 first, for a key of the recorded DER length (``e`` need only
#: be odd and prime to p-1 and q-1; the last ones are there for the lengths' sake alone).
_EXPONENTS = (65537, *range(65539, 65539 + 2 * 4096, 2))
#: Keys tried for the recorded length exactly before one whose PEM is as long will do. A
#: rare live length (1,188 bytes for 2,048 bits: about 1 key in 500) takes more than these
#: to meet; the search goes on (~0.5 ms a key) until a key of its PEM length is found.
_EXACT_TRIES = 130


@functools.lru_cache(maxsize=32)
def _rsa_private_der(bits: int, seed: int, pkcs8: bool, size: int = 0) -> bytes:
    """A valid RSA private key of ``bits`` bits, made from ``seed`` (a test key: never the
    recorded one), as PKCS#1 DER or wrapped in PKCS#8; of ``size`` bytes when one of a few
    keys of the same primes is (a PKCS#1 key's length varies with its numbers: 1,188 to
    1,193 bytes for 2,048 bits, and its PEM with it), else of a PEM as long. The primes'
    order and the public exponent make the others; 65537 first, with either order."""
    p0, q0 = _rsa_primes(bits, seed)
    first = near = b""
    tried = 0
    for e in _EXPONENTS:
        if near and tried >= _EXACT_TRIES:
            break
        for p, q in ((p0, q0), (q0, p0)):
            tried += 1
            phi = (p - 1) * (q - 1)
            if math.gcd(e, phi) != 1:
                continue
            d = pow(e, -1, phi)
            fields = [0, p * q, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p)]
            der = _der(0x30, b"".join(_der_int(x) for x in fields))
            if pkcs8:
                algorithm = _der(0x30, _der(0x06, _RSA_OID) + b"\x05\x00")
                der = _der(0x30, _der_int(0) + algorithm + _der(0x04, der))
            first = first or der
            if not size or len(der) == size:
                return der
            if not near and -(-len(der) // 3) == -(-size // 3):
                near = der  # (no key of that length: one whose PEM is as long)
    return near or first


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]


def _prime(bits: int, rng: random.Random) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if any(candidate % p == 0 for p in _SMALL_PRIMES) or not _probable_prime(candidate, rng):
            continue
        return candidate


def _probable_prime(n: int, rng: random.Random, rounds: int = 24) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


# --------------------------------------------------------------------------- OpenSSH keys

_OPENSSH_MAGIC = b"openssh-key-v1\0"


def _openssh_type(body: str) -> str | None:
    """The key type of an unencrypted OpenSSH private key (``ssh-ed25519``...)."""
    try:
        blob = base64.b64decode(body)
        if not blob.startswith(_OPENSSH_MAGIC):
            return None
        at = len(_OPENSSH_MAGIC)
        fields = []
        for _ in range(3):  # cipher, kdf, kdf options
            size = int.from_bytes(blob[at : at + 4], "big")
            fields.append(blob[at + 4 : at + 4 + size])
            at += 4 + size
        if fields[0] != b"none":
            return None
        at += 4  # number of keys
        at += 4  # the public key's length
        size = int.from_bytes(blob[at : at + 4], "big")
        return blob[at + 4 : at + 4 + size].decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _openssh_ed25519(rng: random.Random) -> bytes:
    """An unencrypted OpenSSH ed25519 private key made from ``rng`` (as ssh-keygen writes)."""
    seed = bytes(rng.getrandbits(8) for _ in range(32))
    public = _ed25519_public(seed)

    def string(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    kind = string(b"ssh-ed25519")
    public_blob = kind + string(public)
    check = rng.getrandbits(32).to_bytes(4, "big")
    private = check + check + public_blob + string(seed + public) + string(b"")
    private += bytes(range(1, 1 + (-len(private)) % 8))
    return (
        _OPENSSH_MAGIC + string(b"none") + string(b"none") + string(b"")
        + (1).to_bytes(4, "big") + string(public_blob) + string(private)
    )  # fmt: skip


# Ed25519 (RFC 8032, section 5.1): the public key of a seed, in extended coordinates.
_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202
_BASE = (_BX, _BY, 1, _BX * _BY % _P)


def _ed_add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, ...]:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    ea, eb = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    ec, ed = t1 * 2 * _D * t2 % _P, z1 * 2 * z2 % _P
    e, f, g, h = eb - ea, ed - ec, ed + ec, eb + ea
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _ed25519_public(seed: bytes) -> bytes:
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    point: tuple[int, ...] = (0, 1, 1, 0)
    addend: tuple[int, ...] = _BASE
    while scalar:
        if scalar & 1:
            point = _ed_add(point, addend)  # type: ignore[arg-type]
        addend = _ed_add(addend, addend)  # type: ignore[arg-type]
        scalar >>= 1
    x, y, z, _ = point
    inverse = pow(z, _P - 2, _P)
    x, y = x * inverse % _P, y * inverse % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")
