"""Every form of credential found by its value is one row, and each row's examples are found.

``detectors.VALUE_FORMATS`` holds a row per form (access key ids, session tokens, JWTs, EKS
tokens, the vendors' token families, webhook URLs, URL credentials, quoted signatures); the
patterns ``_by_value`` searches, the cheap pre-check every text goes through and the prefixes
a stand-in keeps (``shapes.PUBLIC_PREFIXES``) are derived from the rows. These tests find
each row's examples in a small and a large text, redacted and reported by ``harness scan``,
and hold each derived list to the rows, so a form cannot be declared in one place and left
out of another (an EKS token alone in a text, or a quoted canonical request, used to pass
the pre-check unsearched: their literals were in no list it read).
"""

from __future__ import annotations

import json
import re

import pytest

from harness.secrets import detectors, key_stores, redactor, shapes, token_formats
from harness.secrets.detectors import VALUE_FORMATS, ValueFormat, find_secrets
from harness.secrets.redactor import Redactor
from harness.secrets.scan import scan_text
from harness.secrets.text_formats import PREFILTERS

ROWS = {row.name: row for row in VALUE_FORMATS}
EXAMPLES = [(row.name, example) for row in VALUE_FORMATS for example in row.examples]

#: Prose around a value: a short text, and one long enough to be searched where its
#: literals are (``detectors.PrefilteredScan``).
_FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 80
PLACES = ("the value is {} today.", _FILLER + "\n{}\n" + _FILLER)


def _value(row: ValueFormat, example: str) -> str:
    match = row.pattern.search(example)
    assert match is not None, f"{row.name}: {example!r} is not of its pattern"
    return example[slice(*detectors._value_span(match))]


def test_the_table_has_one_row_per_form_and_each_an_example() -> None:
    assert len(ROWS) == len(VALUE_FORMATS) >= 10
    assert all(row.examples and row.needles for row in VALUE_FORMATS)
    assert {row.kind for row in VALUE_FORMATS} <= set(detectors.KINDS)


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
@pytest.mark.parametrize("place", PLACES, ids=("short", "large"))
def test_every_rows_example_is_found(name: str, example: str, place: str) -> None:
    value = _value(ROWS[name], example)
    text = place.replace("{}", example)
    assert value in [text[f.start : f.end] for f in find_secrets(text)]
    assert value in [text[f.start : f.end] for f in find_secrets(text, prefilter=False)]


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_every_rows_example_is_redacted_and_reported_by_scan(name: str, example: str) -> None:
    value = _value(ROWS[name], example)
    for text in (f"the value is {example} today.", json.dumps({"Value": example})):
        assert value not in Redactor().text(text)
    assert list(scan_text("cassette.yaml", f"body: {json.dumps(example)}\n"))


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_row_is_what_finds_it(name: str) -> None:
    """Each row's pattern finds its examples' values: ``_by_value`` searches every row's
    pattern, with the row's needles, and the large-text prefilters know it."""
    row = ROWS[name]
    assert (row.kind, row.pattern, row.needles) in detectors.VALUE_PATTERNS
    assert row.pattern in detectors._BY_VALUE
    assert row.pattern in PREFILTERS
    for example in row.examples:
        lowered = example.lower()
        assert any(n in (lowered if row.needles[0].islower() else example) for n in row.needles)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_pre_check_holds_every_rows_gate(name: str) -> None:
    """The cheap pre-check every text goes through is derived from the rows: each literal of
    a row's gate is in it, and every needle of the row holds one of them (or is a Telegram
    bot's "bot", looked for with its digit)."""
    row = ROWS[name]
    for literal in row.gate_literals:
        if row.fold:
            assert literal in detectors._VALUE_WORDS or detectors._MAYBE_WORD.search(literal)
        else:
            assert literal in detectors._VALUE_PREFIXES
        assert detectors.Scan(f"x {literal} y").values() or detectors.Scan(literal).words()
    for needle in row.needles:
        held = any(g.lower() in needle.lower() for g in row.gate_literals)
        assert held or (needle == "bot" and detectors._BOT_DIGIT.pattern.startswith(needle))


def test_every_vendor_token_needle_is_in_the_pre_check() -> None:
    for row in token_formats.TOKEN_FORMATS:
        assert set(row.needles) <= set(detectors._VALUE_PREFIXES), row.issuer


def test_every_access_key_prefix_is_an_access_key_id_to_the_redactor() -> None:
    for prefix in detectors.AKID_PREFIXES:
        key = prefix + "Q7X2M9P4L8K3J6H5"
        assert detectors.AKID.fullmatch(key) and redactor.ACCESS_KEY_ID.fullmatch(key)
    for prefix in redactor.IAM_ID_PREFIXES:
        assert redactor.ACCESS_KEY_ID.fullmatch(prefix + "Q7X2M9P4L8K3J6H5")
        assert not detectors.AKID.fullmatch(prefix + "Q7X2M9P4L8K3J6H5")  # an id, no secret


def _public_rows() -> list[tuple[str, str, tuple[str, ...], int]]:
    rows = [(r.name, p, r.needles, 0) for r in VALUE_FORMATS for p in r.public_prefixes]
    rows += [
        (r.issuer, p, r.needles, r.offset)
        for r in token_formats.TOKEN_FORMATS
        for p in r.public_prefixes
    ]
    # a Java key store's magic (latin-1, as its placeholder's text has it): a format's own
    rows += [("Java key store", p, (p,), 0) for p in key_stores.PUBLIC_MAGIC]
    return rows


def test_public_prefixes_are_the_rows_and_each_is_of_its_row() -> None:
    rows = _public_rows()
    assert {p for _, p, _, _ in rows} == set(shapes.PUBLIC_PREFIXES)
    assert len(set(shapes.PUBLIC_PREFIXES)) == len(shapes.PUBLIC_PREFIXES) >= 19
    lengths = [len(p) for p in shapes.PUBLIC_PREFIXES]
    assert lengths == sorted(lengths, reverse=True)  # the longest a value starts with wins
    for name, prefix, needles, offset in rows:
        assert any(prefix[offset:].startswith(n) for n in needles), (name, prefix)


def _of_prefix(prefix: str) -> str:
    """A value starting with ``prefix``: its token format's example with that prefix (a
    token format's prefix is kept only for a value of that format), else a made-up run."""
    for row in token_formats.TOKEN_FORMATS:
        if prefix in row.public_prefixes:
            own = max((p for p in row.public_prefixes if row.example.startswith(p)), key=len)
            value = _OTHER_FORMS.get(prefix, prefix + row.example[len(own) :])
            assert re.fullmatch(row.pattern, value), (row.issuer, value)
            return value
    return prefix + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"


#: prefixes of a second form of their format, whose example is of the first
_OTHER_FORMS = {"sntrys_": "sntrys_eyJ" + "a1B2" * 16, "NRII-": "NRII-" + "a1B2" * 8}


@pytest.mark.parametrize("prefix", shapes.PUBLIC_PREFIXES)
def test_a_stand_in_keeps_a_public_prefix(prefix: str) -> None:
    value = _of_prefix(prefix)
    shape = shapes.describe(value)
    assert shape["prefix"] == prefix
    stand_in = shapes.stand_in(shape, "REDACTEDtokn0001", "cassette")
    assert stand_in is not None and stand_in.startswith(prefix)
    assert len(stand_in) == len(value) and stand_in != value


def test_a_value_that_only_starts_like_a_token_keeps_none_of_its_characters() -> None:
    """A password that happens to start "sk-" or "hf_" is no OpenAI or Hugging Face token:
    its stand-in keeps no character of it (the shape is written in the cassette)."""
    for value in ("sk-my-own-password!", "hf_Secret-2026!", "pypi-AgEshort"):
        assert "prefix" not in shapes.describe(value), value


def test_a_new_row_reaches_the_pre_check_through_its_gate() -> None:
    row = ValueFormat(
        name="example",
        kind="token",
        pattern=re.compile(r"exv1\.[a-z]{8}"),
        needles=("exv1.",),
        examples=("exv1.abcdefgh",),
    )
    assert row.gate_literals == ("exv1.",) and not row.fold
