"""Cost of ``harness coverage``, against reading the same cassette, measured in one run.

Builds one cassette of 10,000 interactions (``--count``) of every first-class operation,
from the synthetic engine with throttles and empty pages (as ``harness synth --faults``
makes them: retries follow their throttle, pagination chains are followed), then times, in
interleaved rounds:

- read: every interaction of the cassette read into exchanges, as every command reads it
  (``harness.audit.coverage.entries_of``: streamed, parameters decoded);
- coverage: ``harness coverage --format json`` on it, in this process (read, count, decode
  what the figures need, render).

Prints the min and median of each, the ratio coverage/read and the interactions per second.
The issue's budget is 2 s for 10,000 interactions.

Run: ``python bench/bench_coverage.py [--count N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import ops
from harness.audit.coverage import entries_of
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.synthetic.engine import Faults, SyntheticBackend
from harness.synthetic.exchanges import synthesize

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def build(path: Path, count: int) -> int:
    """Write ``count`` (or a few more, to end a retry) exchanges of every first-class
    operation in turn; returns how many."""
    backend = SyntheticBackend(seed=7, now=NOW, faults=Faults(throttle_every=9, empty_page_every=5))
    share = -(-count // len(ops.PACKS))
    exchanges = []
    for pack in ops.PACKS:
        exchanges += synthesize(backend, pack.service, pack.operation, share)
    write_cassette(path, exchanges[: max(count, 1)], {"synthetic": True})
    return min(len(exchanges), count)


def read_all(path: Path) -> int:
    return sum(1 for _ in entries_of(path))


def coverage(path: Path) -> int:
    out, err = io.StringIO(), io.StringIO()
    code = run(["coverage", "--no-usage", "--format", "json", str(path)], out, err)
    assert code == 0, err.getvalue()
    return len(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="interactions (10,000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coverage.yaml"
        count = build(path, args.count)
        size = path.stat().st_size
        print(
            f"cassette: {count:,} interactions of {len(ops.PACKS)} operations, "
            f"{size / 2**20:.1f} MiB"
        )
        coverage(path)  # warm: models and schemas loaded once, as in any command
        times: dict[str, list[float]] = {"read": [], "coverage": []}
        for _ in range(args.rounds):
            for name, step in (("read", read_all), ("coverage", coverage)):
                start = time.perf_counter()
                step(path)
                times[name].append(time.perf_counter() - start)
    print(f"{'':10} {'min':>8} {'median':>8}")
    for name, found in times.items():
        print(f"{name:10} {min(found):7.2f}s {statistics.median(found):7.2f}s")
    ratio_min = min(times["coverage"]) / min(times["read"])
    ratio_median = statistics.median(times["coverage"]) / statistics.median(times["read"])
    rate = count / min(times["coverage"])
    print(
        f"coverage of {count:,} interactions  {min(times['coverage']):.2f} s  "
        f"ratio coverage/read = {ratio_min:.2f} (median {ratio_median:.2f})  {rate:,.0f} /s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
