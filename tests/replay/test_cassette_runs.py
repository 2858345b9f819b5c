"""``CassetteRuns.holds`` against the regex it stands for, before and after its set is built.

The recorder asks it whether a live value stands in the cassette file (then the value is no
generated one and is not bound): a wrong "absent" would bind a value the test read from the
cassette, and serve another recording's answer.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cassettes import runs as cassette_runs
from harness.cassettes.runs import RUNS_ONLY, RunDigests
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
@given(_TEXT, st.lists(_VALUE, max_size=12), st.integers(0, 3), st.integers(2, 64), st.booleans())
def test_holds_agrees_with_the_regex(
    text: str, values: list[str], build_after: int, chunk: int, digested: bool
) -> None:
    data = text.encode()
    old = first_seen._SEARCHES_BEFORE_BUILDING, cassette_runs.CHUNK
    first_seen._SEARCHES_BEFORE_BUILDING, cassette_runs.CHUNK = build_after, chunk
    try:
        # (with the digests an index keeps, and without: the set built as searches go)
        runs = CassetteRuns(lambda: data, RunDigests.of_text(data) if digested else None)
        # values drawn, and runs of the text itself (present, cut, extended)
        words = data.translate(RUNS_ONLY).split()
        asked = values + [w.decode() for w in words] + [w.decode()[1:] for w in words]
        asked += [w.decode() + "a" for w in words]
        for value in [v for v in asked if v] * 2:  # (twice: the kept answers too)
            assert runs.holds(value) == _brute(data, value), value
    finally:
        first_seen._SEARCHES_BEFORE_BUILDING, cassette_runs.CHUNK = old


def test_a_fresh_uuid_is_absent_without_searching_once_built() -> None:
    ids = [f"{n:08x}-7425-40de-944b-{n:012x}" for n in range(2000)]
    text = "\n".join(f"  InsightId: {i}" for i in ids).encode()
    runs = CassetteRuns(lambda: text)
    assert all(runs.holds(i) for i in ids[:20])  # searched: 20 passes over the text
    assert runs._runs is not None  # (past the budget: the set was built)
    searched = runs._searched
    assert not runs.holds("deadbeef-7425-40de-944b-0000000000ff")
    assert runs._searched == searched  # its long runs are missing: no search
    assert runs.holds(ids[-1]) and not runs.holds(ids[-1][:-1])


def test_with_the_index_digests_a_fresh_uuid_never_reads_the_file() -> None:
    ids = [f"{n:08x}-7425-40de-944b-{n:012x}" for n in range(2000)]
    text = "\n".join(f"  InsightId: {i}" for i in ids).encode()
    reads: list[int] = []

    def read() -> bytes:
        reads.append(1)
        return text

    digests = RunDigests.from_data(RunDigests.of_text(text).to_data())  # (as an index keeps)
    assert digests is not None and len(digests) == 2 * len(ids) + 1  # (+ "InsightId")
    runs = CassetteRuns(read, digests)
    assert not any(runs.holds(f"deadbeef-7425-40de-944b-{n:012x}") for n in range(5000, 5200))
    assert reads == []  # absent by the digests: the cassette was never read
    assert runs.holds(ids[7]) and reads == [1]  # present: one read to be sure, then kept
    assert not runs.holds(ids[7][:-1] + "z")


def test_run_digests_refuse_what_an_index_should_not_hold() -> None:
    assert RunDigests.from_data(None) is None
    assert RunDigests.from_data("not base64!") is None
    assert RunDigests.from_data("AAAAAAA=") is None  # (5 bytes: not whole digests)
    empty = RunDigests.from_data("")  # (a text with no long run)
    assert empty is not None and len(empty) == 0 and not empty.may_hold(b"abcdef")
