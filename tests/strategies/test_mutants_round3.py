"""Round 3 of the mutation benchmark's mutants (bench/mutation/mutants_round3.py, issue 57):
each applies exactly once, changes the source and compiles, is new (name and edit) against
the earlier batches, has a witness, and (e2e) the witness script finds none equivalent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.mutation import mutants as M
from bench.mutation import round3_witnesses as W
from bench.mutation.mutants_round3 import ROUND3, held_out_3

ROOT = Path(__file__).resolve().parents[2]


def test_each_mutant_applies_once_changes_the_source_and_compiles() -> None:
    text = M.source()
    assert len(ROUND3) >= 36
    for mutant in ROUND3:
        mutated = M.apply(mutant, text)
        assert mutated != text, mutant.name
        compile(mutated, f"<{mutant.name}>", "exec")


def test_the_batch_is_new() -> None:
    earlier = M.MUTANTS + M.ROUND2
    names = [m.name for m in ROUND3]
    assert len(set(names)) == len(names)
    assert not set(names) & {m.name for m in earlier}
    assert not {(m.old, m.new) for m in ROUND3} & {(m.old, m.new) for m in earlier}
    assert held_out_3() == ROUND3


def test_every_mutant_has_one_witness() -> None:
    assert set(W.WITNESSES) == {m.name for m in ROUND3}


def test_the_witnesses_find_no_mutant_equivalent() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mutation" / "round3_witnesses.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith(": differs") for line in lines) == len(ROUND3)


def test_the_runner_offers_the_third_batch() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_mutation.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "held-out-3" in done.stdout
