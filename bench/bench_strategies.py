"""Examples per second that ``harness.strategies.requests()`` draws for each first-class
operation (issue 13: ≥ 1,000/s), against trivial strategies measured in the same run.

Each measurement runs one ``@given`` test of ``--examples`` examples, generate phase only,
no database and no deadline: what a property test pays per example to draw its input.
How much work Hypothesis does for the same number of examples varies with its random seed
(±15% run to run), so round N runs every strategy with seed N. Rounds are interleaved
(every strategy once per round, in a rotated order); the report gives the best and the
median round of each, and the best's ratio to ``st.integers()``: Hypothesis's own cost per
example, the floor no strategy goes below. A strategy meets the target when its median does.

Run: ``python bench/bench_strategies.py [--rounds 5] [--examples 1000]`` (about a minute).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from harness import ops, strategies

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
TARGET = 1000  # examples/s, issue 13


def examples_per_second(
    strategy: st.SearchStrategy[Any], examples: int, run_seed: int = 0
) -> float:
    """Examples/s of one ``@given`` run that draws ``examples`` values of ``strategy``."""
    drawn = 0

    @seed(run_seed)
    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(_value: Any) -> None:
        nonlocal drawn
        drawn += 1

    start = time.perf_counter()
    run()
    return drawn / (time.perf_counter() - start)


def subjects() -> dict[str, Callable[[], st.SearchStrategy[Any]]]:
    """Baselines first, then every first-class operation's ``requests()``."""
    found: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "st.integers() (baseline)": st.integers,
        "st.uuids()": st.uuids,
    }
    for service, operations in ops.SEED_OPERATIONS.items():
        for operation in operations:
            found[f"{service}:{operation}"] = lambda s=service, o=operation: strategies.requests(
                s, o, now=NOW
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--examples", type=int, default=1000)
    args = parser.parse_args()
    built = {name: make() for name, make in subjects().items()}
    for strategy in built.values():  # build and warm up caches outside the timing
        examples_per_second(strategy, 20)
    rates: dict[str, list[float]] = {name: [] for name in built}
    names = list(built)
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            rates[name].append(examples_per_second(built[name], args.examples, round_))
    baseline = max(rates["st.integers() (baseline)"])
    print(
        f"examples/s, {args.examples} per run, {args.rounds} interleaved rounds "
        f"(target for requests(): {TARGET:,}/s)"
    )
    print(f"{'strategy':38} {'best':>7} {'median':>7}  {'of baseline':>11}  target")
    short = 0
    for name, values in rates.items():
        best, median = max(values), statistics.median(values)
        mark = ""
        if ":" in name:
            mark = "met" if median >= TARGET else "SHORT (median)"
            short += median < TARGET
        print(f"{name:38} {best:7,.0f} {median:7,.0f}  {best / baseline:10.2f}×  {mark}")
    print(f"requests() with a median below {TARGET:,}/s: {short} of {len(names) - 2}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
