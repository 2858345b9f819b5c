"""Find secret values in any text: the one detection library of the redactor and the scanner.

``find_secrets(text)`` returns where secrets sit in a text (sorted, non-overlapping spans,
each with a kind), whatever the text is: a header value, a URL, a JSON/XML/form/multipart
body, an error message, GraphQL. The redactor replaces each span with a placeholder
(``harness.redaction.placeholders``); ``harness scan`` reports each span it finds in a
cassette. Values that are placeholders already are never reported.

Detection by value (what a credential looks like) and by name (``"client_secret": "..."``,
``password=...``), names judged by ``harness.secret_names`` in any case style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """A secret value at ``text[start:end]``; ``kind`` says what it is (placeholders keep it)."""

    start: int
    end: int
    kind: str


#: The kinds a detector reports: each becomes a placeholder of its own shape.
KINDS = ("secret", "token", "password", "signature", "key", "akid")

# Where a URL parameter starts: ?, &, or their URL-encoded and JSON-escaped forms.
_PARAM_START = r"(?:[?&]|%3[Ff]|%26|\\u0026|&amp;)"
_PARAM_EQUALS = r"(?:=|%3[Dd])"
_PARAM_VALUE = r"(?:(?!%26|\\u0026|&amp;)[^&\s\"'<>\\])+"

#: (kind, pattern): the value is the group named ``v``.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "signature",
        re.compile(
            rf"{_PARAM_START}(?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature"
            rf"|AWSAccessKeyId){_PARAM_EQUALS}(?P<v>{_PARAM_VALUE})",
            re.IGNORECASE,
        ),
    ),
    (
        "signature",
        re.compile(
            r"(?:signature|string to sign|canonical request|credential)\s*(?:is|was|:|=)?\s*'"
            r"(?P<v>[^']{8,})'",
            re.IGNORECASE,
        ),
    ),
    ("token", re.compile(r"\b(?P<v>eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)")),
    (
        "key",
        re.compile(
            r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(?P<v>.*?)-----END \1PRIVATE KEY-----",
            re.DOTALL,
        ),
    ),
    ("password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^:/@\s\"']*:(?P<v>[^@/\s\"']+)@")),
    (
        "password",
        re.compile(r"\b(?:password|passwd|pwd)\s*=\s*(?P<v>[^;&\s\"']+)", re.IGNORECASE),
    ),
    ("token", re.compile(r"\bBearer\s+(?P<v>[A-Za-z0-9\-._~+/]{8,}=*)", re.IGNORECASE)),
)


def find_secrets(text: str) -> list[Found]:
    """Where secrets sit in ``text``: sorted, non-overlapping spans (first found wins)."""
    found: list[Found] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("v")
            if end > start:
                found.append(Found(start, end, kind))
    return _disjoint(found)


def _disjoint(found: list[Found]) -> list[Found]:
    found.sort(key=lambda f: (f.start, -f.end))
    out: list[Found] = []
    for item in found:
        if out and item.start < out[-1].end:
            continue
        out.append(item)
    return out
