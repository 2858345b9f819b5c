"""Every text format the detectors read is one row, and each row's example is found.

``text_formats.TEXT_FORMATS`` holds a row per format that names a secret another way than
``name=value`` (.netrc, SMTP AUTH, PuTTY keys, command lines, Dockerfiles, .pgpass, SQL,
sibling-named values in XML, forms, YAML...): a cheap gate, the finder it opens, and an
example holding a made-up secret. ``spans`` asks the rows in order; these tests find each
row's secret in its example, in a small and a large (prefiltered) text, through the row's
own gate and finder and through ``find_secrets`` and the Redactor.
"""

from __future__ import annotations

import pytest

from harness.secrets import text_formats
from harness.secrets.detectors import PREFILTER_MIN, Scan, find_secrets, name_kind
from harness.secrets.redactor import Redactor
from harness.secrets.text_formats import TEXT_FORMATS, TextFormat

ROWS = {row.name: row for row in TEXT_FORMATS}
_FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 80


def _texts(row: TextFormat) -> list[str]:
    large = f"{_FILLER}\n{row.example}\n{_FILLER}"
    assert len(large) >= PREFILTER_MIN
    return [row.example, large]


def _gate(row: TextFormat, scan: Scan) -> bool:
    has, may = (scan.has, scan.may_match) if scan.prefilter else (scan.text.__contains__, None)
    return row.gate(has, may or (lambda pattern: True), scan)


def test_the_table_has_one_row_per_format() -> None:
    assert len(ROWS) == len(TEXT_FORMATS) >= 20
    assert all(row.secret and row.secret in row.example for row in TEXT_FORMATS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_rows_example_opens_its_gate_and_its_finder_finds_the_secret(name: str) -> None:
    row = ROWS[name]
    for text in _texts(row):
        scan = Scan.of(text)
        assert _gate(row, scan), (name, scan.prefilter)
        found = [text[start:end] for start, end, _ in row.find(text, name_kind, scan)]
        assert row.secret in found, (name, scan.prefilter, found)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_rows_example_is_found_and_redacted(name: str) -> None:
    row = ROWS[name]
    for text in _texts(row):
        spans = text_formats.spans(text, name_kind, Scan.of(text))
        assert row.secret in [text[start:end] for start, end, _ in spans]
        at = text.index(row.secret)
        found = find_secrets(text)
        assert any(f.start <= at and at + len(row.secret) <= f.end for f in found), name
        assert row.secret not in Redactor().text(text)


def test_a_prose_text_opens_few_gates() -> None:
    """The gates are cheap answers: plain prose opens almost none of them."""
    text = "The quick brown fox jumps over the lazy dog, twice a day."
    opened = [row.name for row in TEXT_FORMATS if _gate(row, Scan(text))]
    assert len(opened) <= 2, opened
