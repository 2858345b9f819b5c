"""A signed JWT's readable parts, kept in its shape so that its stand-in reads as it did.

A JWS in compact form (a JWT: ``header.claims.signature``) is a credential by its
signature; its header and claims are base64url of JSON that anyone holding the token can
read, and code does (a Cognito ``IdToken``'s ``cognito:username``, ``exp`` - ``iat``). A
stand-in of random base64url parts broke such code in replay (invisible_r14: a claims
decode raised ``UnicodeDecodeError``). So the shape keeps the header's and the claims'
JSON text, exactly as decoded, when both are JSON objects in UTF-8 and the redactor finds
nothing secret in either; the stand-in is then those two parts re-encoded (as long as the
live ones) and a random signature. A JWE (five parts, encrypted) and any token whose parts
are not such JSON keep the random stand-in.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
from typing import Any

_URL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _decode(part: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return text if _encode(text) == part else None


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def decoded_part(part: str) -> str | None:
    """A token part's text (base64url without padding, UTF-8), or None when it is not one."""
    return _decode(part)


def encoded_part(text: str) -> str:
    """``text`` as a token part (base64url without padding)."""
    return _encode(text)


def readable(value: str) -> dict[str, str] | None:
    """``{"header": ..., "claims": ...}`` (JSON texts) of a signed JWT whose two parts are
    JSON objects with nothing secret in them, else None."""
    parts = value.split(".")
    if len(parts) != 3:
        return None
    texts = [_decode(p) for p in parts[:2]]
    if any(t is None for t in texts):
        return None
    header, claims = (str(t) for t in texts)
    try:
        if not all(isinstance(json.loads(t), dict) for t in (header, claims)):
            return None
    except ValueError:
        return None
    from harness.secrets.redactor import Redactor  # (the redactor describes shapes)

    redactor = Redactor()
    if any(redactor.text(t) != t for t in (header, claims)):
        return None
    return {"header": header, "claims": claims}


def rebuild(shape: dict[str, Any], rng: random.Random) -> str | None:
    """The stand-in of a shape ``readable`` filled: the recorded header and claims, and a
    random signature as long as the live one; None when the shape has no such parts."""
    header, claims = shape.get("header"), shape.get("claims")
    if not isinstance(header, str) or not isinstance(claims, str):
        return None
    parts = [int(n) for n in shape["parts"]]
    if len(parts) != 3:
        return None
    signature = "".join(rng.choice(_URL_CHARS) for _ in range(parts[2]))
    out = ".".join([_encode(header), _encode(claims), signature])
    if [len(p) for p in out.split(".")] != parts:
        raise ValueError("not the recorded parts' lengths")
    return out
