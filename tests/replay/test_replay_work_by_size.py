"""A replayed call does the same work in a cassette of 2,000 interactions as in one of
6,000 (issue 61's sweep, counted rather than timed: a busy machine moves timings by half,
while the number of Python function calls a call makes is exact).

Both cassettes are read through their companion index (as a fresh clone reads them), in
shuffled, reversed and bound order (fresh ids, each bound to an unused recording). A
matcher that re-read its cassette per call, scanned its queue or its whole index, or
re-masked every candidate would make more calls in the larger one (the round that found
0.9 s a call at 200 and 227 s at 2,000 would fail here by a factor of three). What it
cannot see: a scan inside one C call (a list copied, ``in`` on a list), which calls nothing.
``bench/bench_order_work.py`` prints the same count up to 100,000, beside timings.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.bench_order import Cassette
from bench.bench_order_work import calls_per_call


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Cassette]:
    folder: Path = tmp_path_factory.mktemp("by-size")
    return {size: Cassette(folder, size, seed=7) for size in (2_000, 6_000)}


@pytest.mark.parametrize("order", ["shuffled", "reversed", "bound"])
def test_a_replayed_call_makes_as_many_calls_whatever_the_cassettes_size(
    cassettes: dict[int, Cassette], order: str
) -> None:
    rng = random.Random(5)
    small, large = (calls_per_call(cassettes[n], order, 60, rng) for n in (2_000, 6_000))
    assert large <= small * 1.02, (order, small, large)
    assert small <= large * 1.02, (order, small, large)


def test_finding_the_recorded_endpoints_reads_as_much_whatever_the_cassettes_size(
    tmp_path: Path,
) -> None:
    """The recorded-endpoint lookup a replaying test's set-up makes (``origins_of``) reads
    one request per service from an indexed cassette, a service recorded only in the last
    interaction included: as many Python calls at 6,000 interactions as at 2,000 (a walk
    over every exchange, as set-up did before, made three times as many)."""
    import cProfile
    import pstats

    from bench.bench_recorded_endpoints import CURRENT, ORIGINS, _exchanges
    from harness.cassettes.writing import write_cassette
    from harness.replay.recorded_endpoints import origins_of
    from harness.replay.recorder import CassetteRecorder

    counts = []
    for size in (2_000, 6_000):
        path = write_cassette(tmp_path / f"c{size}.yaml", _exchanges(size), CURRENT)
        CassetteRecorder(path, "none", index_dir=tmp_path / "index")  # (writes its index)
        # (a first read learns the file's YAML layout, once per process: not measured)
        origins_of(CassetteRecorder(path, "none", index_dir=tmp_path / "index").source)
        recorder = CassetteRecorder(path, "none", index_dir=tmp_path / "index")
        profile = cProfile.Profile()
        profile.enable()
        origins = origins_of(recorder.source)
        profile.disable()
        assert origins == ORIGINS
        counts.append(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]
    assert counts[0] == counts[1], counts
