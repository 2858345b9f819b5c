"""The shape of a vendor's token whose format has separators: a stand-in that is that format.

A stand-in of a token (``shapes.stand_in``) kept its length, its character kinds and a
public prefix, and drew the rest at random: a Terraform Cloud token's ``.atlasv1.`` in its
middle, a Sentry token's ``_`` between its two parts or a Shopify token's hex after
``shpat_`` came back anywhere or not at all, and code that finds the token by its format
(``re.search(r"shpat_[a-f0-9]{32}", text)``) found nothing in replay (secrets-r14:
``http_shopify_shpat_xml``, ``http_terraform_cloud_hcl_token``, ``http_sentry_sntrys_text``).

So a value that is, whole, a token of one of ``token_formats.TOKEN_FORMATS`` with a
separator or a literal in its middle (or at its end: ``suffixes``) gets a *layout*: its
separators (what is not a letter or digit) and the format's literal (a needle at its offset;
a JSON part's ``eyJ``; a suffix) where they were, and for each run of letters and digits
between them its length and kinds (hex stays hex). A layout holds what the format documents
and where the live token had punctuation, nothing of its random characters. The stand-in is
drawn run by run and must match the format's pattern (the last of a few draws when none
does).
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

from harness.secrets import token_formats
from harness.secrets.token_rows import TokenFormat

_KINDS = {
    "x": "0123456789abcdef",
    "X": "0123456789ABCDEF",
    "a": string.ascii_lowercase,
    "A": string.ascii_uppercase,
    "9": string.digits,
}
_FORMATS = tuple(
    (re.compile(row.pattern), row) for row in token_formats.TOKEN_FORMATS if len(row.pattern) < 400
)
_RUN = re.compile(r"[A-Za-z0-9]+")
_DRAWS = 8


def _format_of(value: str) -> tuple[re.Pattern[str], TokenFormat] | None:
    if len(value) > 2048 or value.isalnum():
        return None
    for pattern, row in _FORMATS:
        if any(n in value for n in row.needles) and pattern.fullmatch(value):
            return pattern, row
    return None


def layout(value: str, prefix: str) -> list[Any] | None:
    """The layout of ``value`` (a token of a format with separators), or None: a list of
    literal strings and ``[length, kinds]`` runs; ``prefix`` (public) is kept as written."""
    found = _format_of(value)
    if found is None:
        return None
    row = found[1]
    kept = [(0, len(prefix))] if prefix else []
    for needle in row.needles:
        if row.offset and value.startswith(needle, row.offset):
            kept.append((row.offset, row.offset + len(needle)))
    for literal in row.requires:  # (every token holds it: FCM's ":APA91b" stays where it was)
        at = value.find(literal, len(prefix))
        if at >= 0 and len(literal) > 1:
            kept.append((at, at + len(literal)))
    for suffix in row.suffixes:  # a literal end (Flutterwave's "-X") stays as written
        if value.endswith(suffix) and len(value) - len(suffix) >= len(prefix):
            kept.append((len(value) - len(suffix), len(value)))
    if len(kept) == bool(prefix) and value[len(prefix) :].isalnum():
        return None  # a prefix, then letters and digits: the plain shape keeps all there is
    out: list[Any] = []
    at = 0
    # the runs of a UUID after its prefix (LaunchDarkly's "api-<uuid>") are hex each, though
    # a run of 4 may hold no letter or no digit (secrets-r17): hex all of them stay (digits
    # alone stay digits: Asana's ids)
    hexed = re.fullmatch(r"[0-9a-f]{16,}", re.sub(r"[\W_]", "", value[len(prefix) :]))
    for start, end in sorted(kept):
        if start < at:
            continue
        out += _runs(value[at:start], hexed is not None)
        out.append(value[start:end])
        at = end
    out += _runs(value[at:], hexed is not None)
    return out


def _runs(text: str, hexed: bool = False) -> list[Any]:
    out: list[Any] = []
    at = 0
    for match in _RUN.finditer(text):
        if match.start() > at:
            out.append(text[at : match.start()])
        run = match.group()
        if run.startswith("eyJ") and len(run) > 3:  # base64 of a JSON object: '{"'
            out.append("eyJ")
            run = run[3:]
        out.append([len(run), "x" if hexed and not run.isdigit() else _kinds(run)])
        at = match.end()
    if at < len(text):
        out.append(text[at:])
    return out


def _kinds(run: str) -> str:
    if run.isdigit():
        return "9"
    if len(run) >= 8 and re.search(r"\d", run):
        if re.fullmatch(r"[0-9a-f]+", run):
            return "x"
        if re.fullmatch(r"[0-9A-F]+", run):
            return "X"
    return "".join(k for k in "aA9" if any(c in _KINDS[k] for c in run))


def build(shape: dict[str, Any], rng: random.Random) -> str | None:
    """A stand-in of ``shape["layout"]`` that its format's pattern matches (the last draw
    when none of a few does), or None when the layout does not have the shape's length."""
    parts = shape["layout"]
    value = ""
    for _ in range(_DRAWS):
        value = "".join(_draw(part, rng) for part in parts)
        if len(value) != int(shape["length"]):
            return None
        if _format_of(value) is not None:
            break
    return value


def _draw(part: Any, rng: random.Random) -> str:
    if isinstance(part, str):
        return part
    length, kinds = int(part[0]), str(part[1])
    pools = [_KINDS[k] for k in kinds if k in _KINDS] or [_KINDS["a"]]
    chars = [rng.choice(pool) for pool in pools][:length]
    alphabet = "".join(pools)
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)
