"""``CassetteRuns.holds`` against the regex it stands for, before and after its set is built.

The recorder asks it whether a live value stands in the cassette file (then the value is no
generated one and is not bound): a wrong "absent" would bind a value the test read from the
cassette, and serve another recording's answer.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.replay import first_seen
from harness.replay.first_seen import CassetteRuns, occurrence

# texts and values of few distinct characters, so values often do occur, inside longer
# runs, at the text's ends, across a chunk boundary, next to bytes outside ASCII
_ALPHABET = st.sampled_from(["a", "b", "7", "-", " ", ":", "é", "\n", "A", "_"])
_TEXT = st.lists(_ALPHABET, max_size=300).map("".join)
_VALUE = st.lists(_ALPHABET, min_size=1, max_size=12).map("".join)


def _brute(text: bytes, value: str) -> bool:
    return occurrence(value).search(text) is not None


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(_VALUE, max_size=12), st.integers(0, 3), st.integers(2, 64))
def test_holds_agrees_with_the_regex(
    text: str, values: list[str], build_after: int, chunk: int
) -> None:
    data = text.encode()
    old = first_seen._SEARCHES_BEFORE_BUILDING, first_seen._CHUNK
    first_seen._SEARCHES_BEFORE_BUILDING, first_seen._CHUNK = build_after, chunk
    try:
        runs = CassetteRuns(data)
        # values drawn, and runs of the text itself (present, cut, extended)
        words = data.translate(first_seen._RUNS_ONLY).split()
        asked = values + [w.decode() for w in words] + [w.decode()[1:] for w in words]
        asked += [w.decode() + "a" for w in words]
        for value in [v for v in asked if v] * 2:  # (twice: the kept answers too)
            assert runs.holds(value) == _brute(data, value), value
    finally:
        first_seen._SEARCHES_BEFORE_BUILDING, first_seen._CHUNK = old


def test_a_fresh_uuid_is_absent_without_searching_once_built() -> None:
    ids = [f"{n:08x}-7425-40de-944b-{n:012x}" for n in range(2000)]
    text = "\n".join(f"  InsightId: {i}" for i in ids).encode()
    runs = CassetteRuns(text)
    assert all(runs.holds(i) for i in ids[:20])  # searched: 20 passes over the text
    assert runs._runs is not None  # (past the budget: the set was built)
    searched = runs._searched
    assert not runs.holds("deadbeef-7425-40de-944b-0000000000ff")
    assert runs._searched == searched  # its long runs are missing: no search
    assert runs.holds(ids[-1]) and not runs.holds(ids[-1][:-1])
