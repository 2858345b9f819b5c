"""A redacted JSON document written back in the layout it came in.

The redactor reads a JSON body, replaces its secrets and writes it again; written compactly,
a document the code uploaded indented (``json.dumps(config, indent=2)`` to S3) came back
in replay as other bytes than it sent, though only its secrets were told to change. When
the document is exactly what ``json.dumps`` writes in one of its common layouts (compact or
not, indented by 2 or 4 spaces or a tab, ASCII-escaped or not, with or without a final
newline), the redacted document is written in that layout; otherwise as before. Only a
document that round-trips exactly is rewritten so: its text holds nothing the parsed value
does not (no duplicate member, no other spelling of a number), so no secret can survive in
a part the parser dropped.
"""

from __future__ import annotations

import json
from typing import Any

#: A document larger than this is written compactly (each layout tried costs one dump).
LIMIT = 4_000_000

_FLAT = ({"separators": (", ", ": ")}, {"separators": (",", ":")})


def _layouts(body: bytes) -> list[dict[str, Any]]:
    core = body.rstrip(b"\n")
    if b"\n" not in core:
        return [dict(f) for f in _FLAT]
    second = core.split(b"\n", 2)[1]
    pad = second[: len(second) - len(second.lstrip(b" \t"))].decode("ascii", "replace")
    if not pad:
        return []
    return [{"indent": pad}, {"indent": pad, "separators": (",", ": ")}]


def layout_of(body: bytes, loaded: Any) -> tuple[dict[str, Any], bytes] | None:
    """The ``json.dumps`` keywords and the trailing newlines that write ``loaded`` as exactly
    ``body``, or None when no common layout does."""
    if len(body) > LIMIT or body[:1] not in (b"{", b"["):
        return None
    tail = body[len(body.rstrip(b"\n")) :]
    if len(tail) > 1:
        return None
    for layout in _layouts(body):
        for ascii_only in (True, False):
            keywords = {**layout, "ensure_ascii": ascii_only}
            try:
                text = json.dumps(loaded, **keywords).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate ("\\ud800"): sent escaped, if at all
                continue
            except (ValueError, TypeError, RecursionError):
                return None
            if text + tail == body:
                return keywords, tail
    return None


def dump_as(layout: tuple[dict[str, Any], bytes], clean: Any) -> bytes | None:
    """``clean`` written in ``layout`` (``layout_of``), or None when it cannot be."""
    keywords, tail = layout
    try:
        return json.dumps(clean, **keywords).encode("utf-8") + tail
    except (UnicodeEncodeError, ValueError, TypeError):
        return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Duplicate
    return found


class _Duplicate(ValueError):
    """A JSON object names a member twice: the parse keeps only the last value."""


def parsed_whole(body: bytes) -> bool:
    """True when parsing ``body`` dropped nothing of its text: no object names a member
    twice (the parse keeps the last value; an earlier one, unseen by the redactor, could
    hold a secret). Escapes (``\\/``, ``\\u00e9``) and a number's spelling (``1.0E9``)
    are read whole. A body no layout writes back is kept as sent only after this check."""
    try:
        json.loads(body, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError):
        return False
    return True
