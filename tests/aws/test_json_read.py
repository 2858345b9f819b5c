"""harness.aws.protocols.json_read reads every JSON body into the value json.loads gives (or fails
as it
fails): orjson serves only where the two agree."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.aws.protocols import json_read


def _deep_in_the_stack(read: Callable[[], Any], frames: int = 200) -> Any:
    """``read()`` called ``frames`` calls deep, as a check under pytest calls it: json's
    nesting limit is what the stack has left."""
    return read() if frames == 0 else _deep_in_the_stack(read, frames - 1)


def _same(text: bytes) -> None:
    try:
        expected: Any = _deep_in_the_stack(lambda: json.loads(text))
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            _deep_in_the_stack(lambda: json_read.loads(text))
        return
    got = _deep_in_the_stack(lambda: json_read.loads(text))
    # repr tells 1 from 1.0 and -0.0 from 0.0, and NaN equals NaN by it
    assert repr(got) == repr(expected), text


_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
_values = st.recursive(
    st.none() | st.booleans() | _numbers | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_values, st.sampled_from([None, 2]), st.booleans())
def test_any_json_value_reads_as_json_reads_it(value: Any, indent: int | None, ascii: bool) -> None:
    _same(json.dumps(value, indent=indent, ensure_ascii=ascii).encode())


_number_text = st.from_regex(r"\A-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,4})?\Z")


@given(_number_text)
def test_number_texts_read_to_the_same_number(text: str) -> None:
    _same(text.encode())
    _same(f'{{"n": [{text}]}}'.encode())


@given(
    st.binary(max_size=40)
    | st.text(alphabet='{}[]":,0123456789.eE-+ \\ntrufalsNI\ud800', max_size=40).map(
        lambda t: t.encode("utf-8", "surrogatepass")
    )
)
def test_broken_or_odd_texts_fail_or_read_as_json_reads_them(text: bytes) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        b"18446744073709551616",  # beyond 64 bits: orjson would give a float
        b'{"a": -9223372036854775809}',
        b"123456789012345678901234567890",
        b"NaN",
        b"[Infinity, -Infinity]",
        b"1e400",
        b'"\\ud800"',  # a lone surrogate escape
        b'\xef\xbb\xbf{"a": 1}',  # a byte-order mark
        '{"a": 1}'.encode("utf-16"),
        b'{"a": 1, "a": 2}',
        b"",
        b"{",
        b'{"a": 1} x',
        b"[" * 5000 + b"]" * 5000,
        # deeper than json reads from a deep stack, within orjson's 1,024 levels
        *(b"[" * depth + b"]" * depth for depth in (300, 990, 1000, 1020)),
        b'{"a": ' * 1000 + b"1" + b"}" * 1000,
    ],
)
def test_texts_orjson_reads_differently_or_refuses(text: bytes) -> None:
    _same(text)


def test_a_big_integer_stays_an_integer() -> None:
    value = json_read.loads(b'{"Count": 123456789012345678901234567890}')
    assert value == {"Count": 123456789012345678901234567890}
    assert isinstance(value["Count"], int)
    assert math.isinf(json_read.loads(b"1e400"))
