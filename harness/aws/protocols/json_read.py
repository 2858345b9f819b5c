"""JSON bodies to Python values: the value ``json.loads`` gives, three times as fast.

Decoding a response body is the largest single cost of checking a small exchange (a 1 KB
body: ~14 µs with ``json``, ~5 µs with orjson). orjson reads JSON into the same values as
``json`` with one exception: an integer beyond 64 bits becomes a float. So a body with a run
of 19 or more digits (anywhere, even inside a string: the test must be cheap, not exact),
and anything orjson refuses (``NaN``, a lone surrogate escape, a byte-order mark, UTF-16,
broken JSON) is read by ``json``, which gives the value or the error message it always gave.
So is a body with 256 or more brackets: orjson reads 1,024 levels of nesting, while
``json`` raises ``RecursionError`` at a depth that depends on the caller's stack, and a body
the harness cannot load elsewhere must not pass a check. ``tests/aws/test_json_read.py``
compares both readers on generated texts.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency; json alone when installed without it
    orjson = None  # type: ignore[assignment]

#: Maps every digit to "0", each opening bracket to "[" and every other byte to " ", so a
#: run of 19 digits is one find, and the brackets one count, in one pass over the body.
_DIGITS_AND_BRACKETS = bytes(
    0x30 if 0x30 <= b <= 0x39 else 0x5B if b in b"[{" else 0x20 for b in range(256)
)
#: The shortest integer orjson may read as a float: -9223372036854775809 (19 digits).
_LONG_NUMBER = b"0" * 19
#: Fewer brackets than this cannot nest deep enough for ``json`` to run out of stack.
_BRACKETS = 256


def loads(body: bytes | str) -> Any:
    """``json.loads(body)``: the same value, or the same ``ValueError``."""
    if orjson is not None and isinstance(body, bytes):
        marks = body.translate(_DIGITS_AND_BRACKETS)
        if marks.find(_LONG_NUMBER) >= 0 or marks.count(b"[") >= _BRACKETS:
            return json.loads(body)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass  # json reads it, or says why not in its own words
    return json.loads(body)
