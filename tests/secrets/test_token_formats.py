"""Every vendor token format is one row, and every row's example is found, wherever it sits.

The detectors' pattern, prefilters and cheap pre-check for vendor tokens are derived from
``token_formats.TOKEN_FORMATS``; these tests hold each row to what it promises, so a format
can no longer be listed in one place and forgotten in another.
"""

from __future__ import annotations

import json
import re

import pytest

from harness.secrets.detectors import find_secrets
from harness.secrets.token_formats import BOUNDARIES, TOKEN_FORMATS, TokenFormat, families

ROWS = {row.issuer: row for row in TOKEN_FORMATS}

#: Where a token sits in what the harness reads: prose, JSON, a header line, a query string,
#: an environment file, a YAML value.
PLACES = (
    "the token is {} today.",
    json.dumps({"Value": "{}"}),
    "X-Custom: {}",
    "https://example.com/hook?x=1&value={}&y=2",
    "EXPORTED={}\n",
    "config:\n  value: '{}'\n",
)


def _found(text: str, token: str) -> bool:
    return any(text[f.start : f.end] == token for f in find_secrets(text))


def test_the_table_has_one_row_per_issuer() -> None:
    assert len(ROWS) == len(TOKEN_FORMATS) >= 25
    assert {row.family for row in TOKEN_FORMATS} <= set(BOUNDARIES)


@pytest.mark.parametrize("issuer", sorted(ROWS))
def test_every_rows_example_is_its_format(issuer: str) -> None:
    row = ROWS[issuer]
    assert re.fullmatch(row.pattern, row.example), row.example
    holds = [n for n in row.needles if row.example[row.offset :].startswith(n)]
    assert holds, f"{row.example!r} holds none of {row.needles} at {row.offset}"
    assert all(r in row.example for r in row.requires)


@pytest.mark.parametrize("issuer", sorted(ROWS))
@pytest.mark.parametrize("place", PLACES)
def test_every_rows_example_is_found_wherever_it_sits(issuer: str, place: str) -> None:
    token = ROWS[issuer].example
    assert _found(place.replace("{}", token), token)


@pytest.mark.parametrize("issuer", sorted(ROWS))
def test_the_row_is_what_finds_it(issuer: str) -> None:
    """Without its row, a family's pattern no longer matches the example: the row is the
    one place that format is known (the base64 and name rules may still catch it elsewhere)."""
    row = ROWS[issuer]
    others = tuple(r for r in TOKEN_FORMATS if r is not row)
    assert any(f.pattern.search(row.example) for f in families())
    assert not any(f.pattern.search(row.example) for f in families(others))


def test_a_cut_token_is_not_a_token() -> None:
    """A prefix alone, or too short a body, is prose: ``ghp_`` in a sentence is no token."""
    for row in TOKEN_FORMATS:
        cut = row.offset + max(len(n) for n in row.needles) + 3
        stub = row.example[: min(cut, len(row.example) - 1)]  # (a needle at the token's end)
        assert not any(f.pattern.search(f"see {stub} here") for f in families()), row.issuer


def test_families_share_prefilters_only_with_what_they_hold() -> None:
    for family in families():
        literals = {n for p in family.prefilters for n in p.needles}
        assert all(isinstance(n, str) for n in literals)
        rows = [r for r in TOKEN_FORMATS if family.pattern.search(r.example)]
        assert rows and all(set(r.needles) <= literals for r in rows)
        assert all(n.lower() in family.needles for r in rows for n in r.needles)


def test_a_new_row_is_found_without_touching_the_detectors() -> None:
    row = TokenFormat(
        issuer="Example vendor", pattern=r"exv_[a-z0-9]{24}", needles=("exv_",), example=""
    )
    (family,) = families((row,))
    assert family.pattern.search("key exv_abcdefghijklmnopqrstuvwx.")
    assert family.needles == ("exv_",)
