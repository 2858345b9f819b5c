"""The shape of a secret that is base64 of a JSON object: its structure, so a stand-in is too.

A web API's pagination cursor or state blob is often base64 (or base64url) of compact JSON
(``{"offset":2,"sess":"..."}``); found secret whole (a session inside it), it was served in
replay as random text of its length, and code that decodes its cursor failed
(``UnicodeDecodeError``; secrets-r16 ``http_pagination_cursor_base64_session``). Its shape
now keeps the JSON's layout: the object's keys (names, checked to hold no secret) in order,
and for each leaf a shape of its own (a string's as any secret's, a whole number's digit
count; ``true``/``false``/``null`` as they are). Nothing of a leaf's text is kept. The
stand-in is that JSON with each leaf drawn from its shape, written with the same separators
and encoded in the same alphabet, with or without padding as the live value was.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
from collections.abc import Callable
from typing import Any

#: base64 of '{"', '{ ' and '{\n': a JSON object's first bytes
_HEADS = ("eyJ", "eyA", "ewo")
_SEPARATORS = ((",", ":"), (", ", ": "))
_MAX = 1 << 16

Describe = Callable[[str], dict[str, Any]]
Build = Callable[[dict[str, Any], random.Random], "str | None"]
Secret = Callable[[str], bool]


def shape_of(value: str, describe: Describe, secret: Secret) -> dict[str, Any] | None:
    """The shape of ``value`` when it is base64 of a compact JSON object (standard or URL
    alphabet, padded or not), else None. ``secret(key)``: a key that holds a secret (its
    shape would keep it): then None."""
    if value[:3] not in _HEADS or len(value) > _MAX:
        return None
    padded = value.endswith("=")
    # (neither alphabet's own characters: the URL one when unpadded, as JSON in URLs is)
    url = "-" in value or "_" in value or not ("+" in value or "/" in value or padded)
    try:
        raw = (base64.urlsafe_b64decode if url else base64.b64decode)(
            value + "=" * (-len(value) % 4)
        )
        text = raw.decode("utf-8")
        loaded = json.loads(text)
    except (binascii.Error, ValueError, RecursionError):
        return None
    if not isinstance(loaded, dict) or _encode(text, url, padded) != value:
        return None
    seps = next(
        (i for i, s in enumerate(_SEPARATORS) if json.dumps(loaded, separators=s) == text), None
    )
    if seps is None:
        return None
    try:
        layout = _layout(loaded, describe, secret)
    except (ValueError, RecursionError):
        return None
    return {"form": "b64json", "length": len(value), "json": layout, "seps": seps,
            "url": url, "padded": padded}  # fmt: skip


def build(shape: dict[str, Any], rng: random.Random, build_leaf: Build) -> str:
    """The stand-in of a shape ``shape_of`` made (``ValueError`` when a leaf has none)."""
    loaded = _draw(shape["json"], rng, build_leaf)
    text = json.dumps(loaded, separators=_SEPARATORS[int(shape["seps"])])
    return _encode(text, bool(shape["url"]), bool(shape["padded"]))


def _encode(text: str, url: bool, padded: bool) -> str:
    raw = text.encode("utf-8")
    out = (base64.urlsafe_b64encode if url else base64.b64encode)(raw).decode("ascii")
    return out if padded else out.rstrip("=")


def _layout(value: Any, describe: Describe, secret: Secret) -> Any:
    if isinstance(value, dict):
        if any(not isinstance(k, str) or secret(k) for k in value):
            raise ValueError("a key holds a secret")
        return ["o", [[k, _layout(v, describe, secret)] for k, v in value.items()]]
    if isinstance(value, list):
        return ["l", [_layout(v, describe, secret) for v in value]]
    if isinstance(value, str):
        return ["s", describe(value)] if value else ["s", None]
    if isinstance(value, bool) or value is None:
        return ["k", value]
    if isinstance(value, int):
        return ["n", len(str(abs(value))), value < 0]
    raise ValueError("a number that is not whole")


def _draw(layout: Any, rng: random.Random, build_leaf: Build) -> Any:
    kind = layout[0]
    if kind == "o":
        return {str(k): _draw(v, rng, build_leaf) for k, v in layout[1]}
    if kind == "l":
        return [_draw(v, rng, build_leaf) for v in layout[1]]
    if kind == "s":
        if layout[1] is None:
            return ""
        value = build_leaf(layout[1], rng)
        if value is None:
            raise ValueError("a leaf without a stand-in")
        return value
    if kind == "k":
        return layout[1]
    if kind == "n":
        digits = int(layout[1])
        number = rng.randrange(10 ** (digits - 1) if digits > 1 else 0, 10**digits)
        return -number if layout[2] else number
    raise ValueError(kind)
