"""The block reader (``harness.cassettes.yaml_io.load_block``) reads what PyYAML reads, or declines.

It is the first of the cassette readers: it must never give a value PyYAML would not give
for the same text. Declining (``NotBlock``) is always safe, since the next reader is PyYAML's;
so each test compares with PyYAML, and the layout our writer produces must not be declined
(that would only cost speed, but is the point of the reader).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cassettes import yaml_io as cassette_yaml
from harness.cassettes.cassette import load_yaml
from harness.cassettes.index import spans
from harness.cassettes.writing import dump_cassette, dump_yaml
from harness.cassettes.yaml_events import YamlLimitError
from harness.cassettes.yaml_io import NotBlock, load_block
from tests.support.synthetic_exchanges import build
from tests.support.synthetic_exchanges import pair as valid

BUNDLED = sorted((Path(__file__).resolve().parents[2] / "cassettes").rglob("*.yaml"))


def pyyaml(text: str | bytes) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def agrees(text: str | bytes) -> bool:
    """True when the block reader read ``text``; fails the test if it read it differently,
    or read what PyYAML refuses."""
    try:
        expected = pyyaml(text)
    except yaml.YAMLError:
        with pytest.raises(NotBlock):
            load_block(text)
        return False
    try:
        value = load_block(text)
    except NotBlock:
        return False
    assert value == expected, text
    return True


# Keys and scalars chosen to hit YAML's resolution rules (1.1 booleans, octal, sexagesimal,
# timestamps, null spellings) and its indicators (quotes, colons, hashes, dashes, pipes).
_TRICKY = [
    "0755", "0x1F", "0b11", "1:30", "190:20:30", "1_000", "2024-01-01", "2024-01-01T10:00:00Z",
    ".inf", "-.inf", ".nan", "1e3", "+1", "-1", "yes", "No", "off", "ON", "~", "null", "Null",
    "=", "<<", "", " ", "a: b", "a:b", "a #b", "a#b", "#a", "- a", "-a", "-", "--", "---", "...",
    "? a", "?a", ":a", "|", "|-", ">", "!a", "&a", "*a", "%a", "@a", "`a", "'a'", '"a"', "{}",
    "[]", "{a: 1}", "[1]", "a,b", "a\tb", "a ", " a", "a\n", "\na", "a\n\nb", "a\n  b\n",
    "\u00e9t\u00e9", "\u2028", "\x85", "\ufeff", "\x7f", "\x00", "\U0001f600", "\\", '\\"',
    "x-amz-id-2", "http://127.0.0.1:8080/a?b=c#d", "Content-Type", "application/x-amz-json-1.1",
]  # fmt: skip
_keys = st.sampled_from(_TRICKY) | st.text(max_size=12)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=40)
    | st.sampled_from(_TRICKY)
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=24,
)


# What cassettes hold: header-like keys, printable text short enough not to wrap (bodies are
# multi-line text), numbers, booleans, nulls, bytes.
_PLAIN_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
_header_keys = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,14}", fullmatch=True).filter(
    lambda k: k.lower() not in _PLAIN_WORDS
)
_line_text = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2000, exclude_categories=["Cc"]), max_size=40
)
# long enough for PyYAML to wrap it over several lines (botocore's User-Agent, prose)
_words = st.lists(
    st.from_regex(r"[A-Za-z0-9/.,=-][A-Za-z0-9/.,#=-]{0,11}", fullmatch=True), max_size=40
)
_prose = st.tuples(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), _words).map(
    lambda first_rest: " ".join([first_rest[0], *first_rest[1]])
)
_cassette_scalars = (
    st.none()
    | _prose
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | _line_text
    | st.lists(_line_text.map(str.rstrip), min_size=2, max_size=6).map("\n".join)
    | st.binary(max_size=40)
    | st.sampled_from([t for t in _TRICKY if not set(t) & set("\u2028\x85\ufeff\x7f\x00")])
)
_cassette_documents = st.recursive(
    _cassette_scalars,
    lambda inner: (
        # (no list directly in a list: PyYAML writes "- - x", which cassettes never hold)
        st.lists(inner.filter(lambda v: not isinstance(v, list)), min_size=1, max_size=4)
        | st.dictionaries(_header_keys, inner, min_size=1, max_size=4)
    ),
    max_leaves=24,
)


@given(document=st.dictionaries(_header_keys, _cassette_documents, min_size=1, max_size=4))
@settings(max_examples=100, deadline=None)
def test_what_cassettes_hold_is_read_by_the_block_reader(document: dict[str, object]) -> None:
    text = dump_yaml(document)
    assert agrees(text), "declined"


@given(document=st.dictionaries(_keys, _documents, min_size=1, max_size=4))
@settings(max_examples=100, deadline=None)
def test_what_the_writer_writes_reads_as_pyyaml_reads_it(document: dict[str, object]) -> None:
    text = dump_yaml(document)
    agrees(text)
    assert load_yaml(text.encode()) == pyyaml(text)


@given(document=_documents, style=st.sampled_from([None, "|", '"', "'"]))
@settings(max_examples=100, deadline=None)
def test_other_writers_styles_read_as_pyyaml_reads_them(document: object, style: str) -> None:
    text = yaml.safe_dump({"interactions": document}, default_style=style, allow_unicode=True)
    agrees(text)
    assert load_yaml(text.encode()) == pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: 1 # comment\n",
        "# comment\na: 1\n",
        "a: {b: 1}\n",  # flow collections
        "a: [1, 2]\n",
        "a: >\n  folded\n  text\n",
        "a: |+\n  kept\n\n",
        "a: |2-\n    indented first line\n",
        "a: word\n  continues\n",  # a plain scalar wrapped onto the next line
        "a: 'quoted\n  wraps'\n",
        'a: "quoted\\\n  wraps"\n',
        'a: "\\x41\\e"\n',  # YAML-only escapes
        'a: "\\ud83d\\ude00"\n',  # surrogate escapes: PyYAML keeps two characters
        "a: 1\r\nb: 2\r\n",  # Windows line ends
        "\ufeffa: 1\n",  # a byte-order mark
        "a:\n\tb: 1\n",  # a tab for indentation
        "a: 1\n\nb: 2\n",  # a blank line between keys
        "a: 1\na: 2\n",  # a duplicate key
        "a: 1",  # no final line break
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 2024-01-01\n",  # a date
        "a: !!str 1\n",
        "a:\n- 1\n-  2\n",
        "a:\n  - 1\n - 2\n",
        "a: |-\n    first\n  less indented\n",
        "a: |\n  text\n\n\n",  # trailing blank lines in a block
        "a: |\n  text\n   \n",  # a trailing line of more spaces than the block's indent
        "a: |-\n  one\n\n  two\nb: 3\n",  # a blank line inside a block
        "- a: |-\n    in an item\n  b: 1\n",
        "- !!binary |\n  aGVsbG8=\n",
        "a: !!binary \n",  # an empty value after the tag (found by a differential trial)
        "a: !!binary |\n  not base64!\n",
        "[1, 2]\n",
        "plain\n",
        "a: b: c\n",
        "a:: b\n",
        "? a\n: b\n",
        "",
        "\n",
        "   \n",
    ],
)
def test_unusual_yaml_is_read_as_pyyaml_reads_it(text: str) -> None:
    agrees(text)
    try:
        expected = pyyaml(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            load_yaml(text.encode())
        return
    assert load_yaml(text.encode()) == expected


@pytest.mark.parametrize(
    "target",
    [
        ("xray", "GetInsight"),
        ("xray", "GetInsightEvents"),
        ("cloudtrail", "ListInsightsData"),
        ("cloudtrail", "ListInsightsMetricData"),
        ("internetmonitor", "GetInternetEvent"),
    ],
)
def test_cassettes_we_write_are_read_by_the_block_reader(target: tuple[str, str]) -> None:
    request, response = valid(*target)
    text = dump_cassette([build(*target, request, response, index=i) for i in range(3)])
    assert agrees(text), "the block reader declined a cassette the harness wrote"


def test_each_interaction_of_the_bundled_cassettes_is_read_by_the_block_reader() -> None:
    assert BUNDLED
    for path in BUNDLED:
        raw = path.read_bytes()
        located = spans(raw)
        assert located, path
        for start, end in located:
            assert agrees(raw[start:end]), f"{path.name} bytes {start}..{end}"


def test_nesting_beyond_the_limit_is_left_to_the_reader_that_reports_it() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(120)) + "  " * 120 + "v: 1\n"
    with pytest.raises(NotBlock):
        load_block(text)
    with pytest.raises(YamlLimitError, match="nesting deeper than 100"):
        load_yaml(text.encode())


@pytest.mark.slow
@given(
    cassette=st.dictionaries(_header_keys, _cassette_documents, min_size=1, max_size=4),
    tricky=st.dictionaries(_keys, _documents, min_size=1, max_size=4),
)
@settings(max_examples=3000, deadline=None)
def test_many_documents_read_as_pyyaml_reads_them(
    cassette: dict[str, object], tricky: dict[str, object]
) -> None:
    """The property tests above, thirty times longer (``-m slow``)."""
    assert agrees(dump_yaml(cassette)), "declined"
    agrees(dump_yaml(tricky))


# --------------------------------------------------------------------------- layout plans
# A layout read twice gets a plan (one regex and a builder); reading by plan must give what
# the line reader gives, which the tests above compare with PyYAML. These tests make sure
# plans are made and used, and compare them with PyYAML where plans meet odd values and
# edits that change a document's layout only slightly.


def _interaction_text(target: tuple[str, str] = ("xray", "GetInsight"), index: int = 0) -> str:
    request, response = valid(*target)
    return dump_cassette([build(*target, request, response, index=index)])


def _item(text: str) -> str:
    """The one interaction of a dumped cassette, as its own document (``- harness: ...``)."""
    raw = text.encode()
    ((start, end),) = spans(raw)
    return raw[start:end].decode()


def _learned(text: str) -> None:
    """Read ``text`` until a plan of its layout exists."""
    for _ in range(3):
        load_block(text)
    assert cassette_yaml._read_by_plan(text) is not cassette_yaml._NO_PLAN, "no plan made"


def test_a_layout_read_twice_is_read_by_its_plan_as_pyyaml_reads_it() -> None:
    first, other = _item(_interaction_text(index=0)), _item(_interaction_text(index=7))
    _learned(first)
    assert first != other
    assert cassette_yaml._read_by_plan(other) == pyyaml(other)
    assert load_block(other) == pyyaml(other)


_EDITS = st.sampled_from([" ", "  ", "-", "- ", ":", ": ", "|", "|-", "\n", "'", '"', "#", "a"])


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_edited_documents_of_a_planned_layout_read_as_pyyaml_reads_them(
    data: st.DataObject,
) -> None:
    """Small edits anywhere (an indent, a dash, a colon, a block indicator, a line break)
    either keep the layout, and the plan reads the value as PyYAML does, or change it, and
    the plan must not match."""
    text = _item(_interaction_text(("internetmonitor", "GetInternetEvent")))
    _learned(text)
    at = data.draw(st.integers(0, len(text) - 1), label="at")
    cut = data.draw(st.integers(0, 2), label="cut")
    edited = text[:at] + data.draw(_EDITS, label="insert") + text[at + cut :]
    agrees(edited)


@given(values=st.lists(_cassette_scalars, min_size=6, max_size=6))
@settings(max_examples=200, deadline=None)
def test_any_values_in_a_planned_layout_read_as_pyyaml_reads_them(values: list[object]) -> None:
    def document(v: list[object]) -> str:
        return dump_yaml(
            [
                {
                    "harness": {"operation": v[0], "service": v[1]},
                    "request": {"body": v[2], "headers": {"X-Id": [v[3]]}, "method": "GET"},
                    "response": {"body": {"string": v[4]}, "status": {"code": v[5]}},
                }
            ]
        )

    _learned(document(["GetInsight", "xray", '{\n  "a": 1\n}', "x", "{}\n", 200]))
    agrees(document(values))


def test_a_layout_whose_plan_was_evicted_is_planned_again() -> None:
    """More layouts under one head than it keeps plans for: the first, evicted by the
    others, gets a plan again when it comes back (it was once read twice, which must not
    keep it from being planned for ever)."""

    def layout(n: int) -> str:  # one head, a different layout per n (n header lines)
        headers = {f"X-H{i}": [str(i)] for i in range(n)}
        return dump_yaml(
            [{"harness": {"operation": "Evicted", "service": "xray"}, "request": headers}]
        )

    texts = [layout(n) for n in range(1, cassette_yaml.PLANS_PER_HEAD + 3)]
    for text in texts:
        _learned(text)
    assert cassette_yaml._read_by_plan(texts[0]) is cassette_yaml._NO_PLAN, "not evicted"
    _learned(texts[0])
    assert load_block(texts[0]) == pyyaml(texts[0])


def test_a_plan_that_almost_matches_fails_fast_on_blank_lines() -> None:
    """Blank lines in a block could be matched two ways by a careless plan, costing time
    exponential in their number on a document that then does not match; the plan's block
    lines match one way only. (In a child process: a regex holds the GIL while it runs.)"""
    script = """
from harness.cassettes import yaml_io as cassette_yaml
from harness.cassettes.writing import dump_yaml
text = dump_yaml([{"a": {"body": "x\\ny\\n", "next": 1}}])
for _ in range(3):
    cassette_yaml.load_block(text)
assert cassette_yaml._read_by_plan(text) is not cassette_yaml._NO_PLAN
hostile = text.replace("x\\n", "x\\n" + "     \\n" * 5000).replace("next: 1", "other: 1")
assert cassette_yaml._read_by_plan(hostile) is cassette_yaml._NO_PLAN
import yaml
print(cassette_yaml.load_block(hostile) == yaml.safe_load(hostile))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True"], done.stdout + done.stderr
