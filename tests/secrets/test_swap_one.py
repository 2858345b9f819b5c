"""``vault.swap_one`` (a bound value given back without compiling a pattern) against the
pattern ``Binding._swap`` compiles for one value, which it replaces."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.secrets.vault import _UUID_LIKE, swap_one

_ALPHABET = st.sampled_from(["a", "b", "7", "-", "_", ".", " ", '"', "é", "A", "0"])
_TEXT = st.lists(_ALPHABET, max_size=120).map("".join)
_VALUE = st.lists(_ALPHABET, min_size=1, max_size=8).map("".join)
_UUID = "4f1a2b3c-7425-40de-944b-0123456789ab"


def _reference(text: str, old: str, new: str) -> str:
    word = "0-9A-Za-z"
    pattern = (
        re.escape(old)
        if _UUID_LIKE.fullmatch(old)
        else rf"(?<![{word}]){re.escape(old)}(?![{word}])"
    )
    return re.sub(pattern, lambda m: new, text)


@settings(max_examples=500, deadline=None)
@given(_TEXT, _VALUE, st.sampled_from(["X", "", "new-1", "a"]))
def test_swap_one_agrees_with_the_pattern(text: str, old: str, new: str) -> None:
    assert swap_one(text, old, new) == _reference(text, old, new)


@given(st.lists(st.sampled_from([_UUID, "x", "-", "1", " "]), max_size=12).map("".join))
def test_a_uuid_is_swapped_even_inside_a_run(text: str) -> None:
    assert swap_one(text, _UUID, "U") == _reference(text, _UUID, "U") == text.replace(_UUID, "U")


def test_examples() -> None:
    assert swap_one("id abc, abcd, xabc, abc", "abc", "Z") == "id Z, abcd, xabc, Z"
    assert swap_one("nothing here", "abc", "Z") == "nothing here"
