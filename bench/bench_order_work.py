"""Replay's work per call by cassette size, counted, beside its time in one process.

``bench_order.py`` times each size in its own rows against Stubber; on a busy 2-core
machine its figures move by half from run to run (two rows doing the same work differed by
1.5x). This bench gives two steadier measures of the same question, does a replayed call
cost more in a larger cassette:

- **Python function calls per replayed call** (``cProfile``'s count): exact, the same on
  every run, so growth with N shows as a number that changes;
- **CPU time per call**, every size's cassette built in this one process and replayed in
  turn, round after round (alternating order), the min and median over ``--rounds``.

Cassettes as ``bench_order.py`` builds them (X-Ray ``GetInsight``, a uuid each, read
through their companion index from 2,000 interactions up); orders shuffled, reversed and
bound (fresh uuids, each bound to an unused recording), ``--calls`` a row.

``--whole N``: also replay the cassette of N interactions (one read through its index)
loaded whole, every interaction parsed at load (not timed), as a cassette under 1 MiB is:
the rows ``N whole`` against ``N`` show what a call through the index pays for reading its
interaction from the file on first use, and against the first size whether anything else
grows. (Its bound row holds, once, the set of the file's long runs built at the first
binding, as a cassette without a companion index builds it: about 10 ms per MB.)

Run: ``python bench/bench_order_work.py [--sizes 200 2000 20000 100000] [--rounds 5]
[--whole 2000]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_order import Cassette, client
from harness.cassettes import index as cassette_index

ORDERS = ("shuffled", "reversed", "bound")


def replay(
    cassette: Cassette,
    ids: list[str],
    profile: cProfile.Profile | None = None,
    whole: bool = False,
) -> float:
    """CPU µs per call of replaying ``ids[1:]`` (the first call warms the client);
    ``whole``: the cassette loaded whole, not through its index."""
    least = cassette_index.MIN_BYTES
    if whole:
        cassette_index.MIN_BYTES = 1 << 62  # (no cassette is indexed: each is parsed at load)
    try:
        recorder, xray = cassette.recorder(), client()  # (the recorder loads its cassette)
    finally:
        cassette_index.MIN_BYTES = least
    with recorder.activate():
        xray.get_insight(InsightId=ids[0])
        start = time.process_time()
        if profile is not None:
            profile.enable()
        for insight in ids[1:]:
            xray.get_insight(InsightId=insight)
        if profile is not None:
            profile.disable()
        return (time.process_time() - start) / (len(ids) - 1) * 1e6


def calls_per_call(
    cassette: Cassette, order: str, calls: int, rng: random.Random, whole: bool = False
) -> float:
    profile = cProfile.Profile()
    replay(cassette, cassette.calls(order, calls + 1, rng), profile, whole)
    return pstats.Stats(profile).total_calls / calls  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000, 100000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--whole", type=int, nargs="*", default=[])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    cassettes = {size: Cassette(folder, size, seed=7) for size in {*args.sizes, *args.whole}}
    # a row: (size, loaded whole), the sizes' rows in order, each whole one after its size
    rows = [(size, False) for size in args.sizes]
    for size in args.whole:
        place = next((n + 1 for n, row in enumerate(rows) if row[0] == size), len(rows))
        rows.insert(place, (size, True))
    rng = random.Random(3)
    times: dict[tuple[int, bool, str], list[float]] = {}
    for number in range(args.rounds):
        for size, whole in rows if number % 2 == 0 else rows[::-1]:
            for order in ORDERS:
                ids = cassettes[size].calls(order, args.calls + 1, rng)
                sample = replay(cassettes[size], ids, whole=whole)
                times.setdefault((size, whole, order), []).append(sample)
    print(f"{args.rounds} rounds in one process, {args.calls} calls a row; CPU µs per call")
    head = ("N", "order", "py calls/call", "min µs", "median", "min × first N")
    print("{:>14} {:9} {:>13} {:>7} {:>7} {:>13}".format(*head))
    for order in ORDERS:
        first = min(times[(*rows[0], order)])
        for size, whole in rows:
            samples = times[size, whole, order]
            count = calls_per_call(cassettes[size], order, args.calls, rng, whole)
            label = f"{size} whole" if whole else str(size)
            print(
                f"{label:>14} {order:9} {count:>13.0f} {min(samples):>7.0f} "
                f"{statistics.median(samples):>7.0f} {min(samples) / first:>12.2f}×"
            )


if __name__ == "__main__":
    main()
