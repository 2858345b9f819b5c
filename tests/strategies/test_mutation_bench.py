"""The mutation benchmark's own checks (bench/bench_mutation.py, issue 57): every mutant is
one edit that applies exactly once and compiles, the dev/held-out split is the committed
one, and (slow) both suites pass on the correct library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.mutation import mutants as M

ROOT = Path(__file__).resolve().parents[2]


def test_every_mutant_applies_exactly_once_and_changes_the_source() -> None:
    text = M.source()
    names = [m.name for m in M.MUTANTS]
    assert len(names) == len(set(names)) >= 34
    for mutant in M.MUTANTS:
        mutated = M.apply(mutant, text)
        assert mutated != text
        compile(mutated, mutant.name, "exec")


def test_a_snippet_found_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="occurs 2 times"):
        M.apply(M.Mutant("twice", "x", "y"), "x x")


def test_the_split_is_fixed_and_halves_the_mutants() -> None:
    dev, held_out = M.split()
    assert (dev, held_out) == M.split()
    assert abs(len(dev) - len(held_out)) <= 1
    assert {m.name for m in dev} | {m.name for m in held_out} == {m.name for m in M.MUTANTS}
    assert dev[0].name == "graph-span-exclusive"  # the split committed before the suites
    assert held_out[0].name == "as-utc-relabels-offset"


@pytest.mark.slow
@pytest.mark.parametrize("suite", ["harness_style", "stubber_style"])
def test_both_suites_pass_on_the_correct_library(suite: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", suite, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT / "bench" / "mutation" / "suites",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
