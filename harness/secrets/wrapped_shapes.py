"""The shape of a secret written inside a wrapper: a stand-in is the wrapper around a stand-in.

Three ways to carry a secret whose stand-in code would take apart, found by the secrets-r17
trial's fix half (each redacted, then served in replay as random text of its length):

- a PEM key written on one line, its lines joined by blanks (as a private key is put in an
  environment variable or a JSON field that holds no newline): ``http_pem_single_line_spaces``
  (code that reads it saw no ``-----BEGIN ... ----- `` start);
- base64 of a PEM key's text (``PRIVATE_KEY_B64``): ``http_base64_of_pem_json`` (decoding
  the stand-in gave bytes no PEM, no UTF-8);
- hex of a secret's text (``password_hex``): ``http_hex_encoded_password_json`` (the hex
  stand-in decoded to bytes no UTF-8).

Each shape is ``{"form": "wrapped", "wrap": ..., "inner": <the shape of what is inside>}``:
the wrapper (public: how it was written) around the inner value's own shape (``shapes``'s,
holding no secret). Its stand-in is the inner shape's stand-in, wrapped again.
"""

from __future__ import annotations

import base64
import binascii
import random
import re
from collections.abc import Callable
from typing import Any

Describe = Callable[[str], dict[str, Any]]
Build = Callable[[dict[str, Any], random.Random], "str | None"]

_ONE_LINE_PEM = re.compile(
    r"(?P<head>-----BEGIN (?P<label>[A-Z0-9 ]{1,64})-----) (?P<body>[A-Za-z0-9+/=]{1,100}"
    r"(?: [A-Za-z0-9+/=]{1,100}){0,400}) (?P<foot>-----END (?P=label)-----)"
)
_B64_PEM_HEAD = "LS0tLS1CRUdJTi"  # base64 of "-----BEGIN"
_HEX_TEXT = re.compile(r"(?:[0-9a-f]{2}){8,4096}|(?:[0-9A-F]{2}){8,4096}")
_PRINTABLE = re.compile(r"[\x20-\x7e]+")


def shape_of(value: str, describe: Describe) -> dict[str, Any] | None:
    """The shape of ``value`` when it wraps a value whose shape ``describe`` gives (a PEM on
    one line, base64 of a PEM, hex of text), else None."""
    pem = _ONE_LINE_PEM.fullmatch(value)
    if pem is not None:
        lines = "\n".join((pem["head"], *pem["body"].split(" "), pem["foot"]))
        inner = describe(lines)
        return _wrapped("pem-one-line", inner) if inner.get("form") == "pem" else None
    if value.startswith(_B64_PEM_HEAD) and len(value) % 4 == 0:
        try:
            text = base64.b64decode(value, validate=True).decode("ascii")
        except (binascii.Error, ValueError):
            return None
        inner = describe(text)
        return _wrapped("base64", inner) if inner.get("form") == "pem" else None
    if _HEX_TEXT.fullmatch(value):  # (text's hex may be all digits: "41" is "A")
        text = bytes.fromhex(value).decode("latin-1")
        if _PRINTABLE.fullmatch(text) is None or not re.search("[A-Za-z]", text):
            return None  # random bytes: a key's hex, kept as hex
        return _wrapped("hex" if value.lower() == value else "HEX", describe(text))
    return None


def _wrapped(wrap: str, inner: dict[str, Any]) -> dict[str, Any]:
    return {"form": "wrapped", "wrap": wrap, "inner": inner}


def build(shape: dict[str, Any], rng: random.Random, build_inner: Build) -> str | None:
    """The stand-in of a wrapped shape: its inner stand-in, wrapped as the live value was."""
    inner = build_inner(dict(shape["inner"]), rng)
    if inner is None:
        return None
    wrap = shape["wrap"]
    if wrap == "pem-one-line":
        return " ".join(line for line in inner.splitlines() if line)
    if wrap == "base64":
        return base64.b64encode(inner.encode("ascii")).decode("ascii")
    if wrap in ("hex", "HEX"):
        out = inner.encode("utf-8").hex()
        return out if wrap == "hex" else out.upper()
    return None
