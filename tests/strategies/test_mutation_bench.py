"""The mutation benchmark's own checks (bench/bench_mutation.py, issue 57): every mutant is
one edit that applies exactly once and compiles, the dev/held-out split is the committed
one, and (slow) both suites pass on the correct library."""

from __future__ import annotations

import os
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


def test_the_suites_import_the_harness_as_installed() -> None:
    """The runner puts a copy of ``harness/`` under ``site-packages`` first on the suites' path,
    so Hypothesis does not count the harness's modules as the project's own (it reads the
    constants of those into its draws)."""
    from hypothesis.internal.constants_ast import is_local_module_file

    from bench import bench_mutation

    env = bench_mutation.environment(None)
    first = Path(env["PYTHONPATH"].split(os.pathsep)[0])
    copied = first / "harness" / "strategies" / "__init__.py"
    assert first.name == "site-packages" and copied.is_file()
    assert copied.read_bytes() == (ROOT / "harness" / "strategies" / "__init__.py").read_bytes()
    assert not is_local_module_file(str(copied))
    assert is_local_module_file(str(ROOT / "harness" / "strategies" / "__init__.py"))
