"""Round 4 of the mutation benchmark's mutants (bench/mutation/mutants_round4.py, issue 57):
each applies exactly once, none repeats an earlier mutant, each has a witness that tells it
from the correct library, and ``bench_mutation.py`` offers ``--half held-out-4``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bench.mutation import round4_witnesses as W
from bench.mutation.mutants import MUTANTS, ROUND2, apply
from bench.mutation.mutants_round3 import ROUND3
from bench.mutation.mutants_round4 import ROUND4, held_out_4

ROOT = Path(__file__).resolve().parents[2]


def test_round4_mutants_apply_once_and_are_new() -> None:
    assert len(ROUND4) >= 35
    for mutant in ROUND4:
        ast.parse(apply(mutant))  # its snippet occurs once; the mutant still parses
    earlier = MUTANTS + ROUND2 + ROUND3
    names = [m.name for m in ROUND4]
    assert len(set(names)) == len(names)
    assert not set(names) & {m.name for m in earlier}
    assert not {(m.old, m.new) for m in ROUND4} & {(m.old, m.new) for m in earlier}
    mutated = {apply(m) for m in earlier}
    assert not {apply(m) for m in ROUND4} & mutated
    assert held_out_4() == ROUND4


def test_every_round4_mutant_has_a_witness_that_differs() -> None:
    assert set(W.WITNESSES) == {m.name for m in ROUND4}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mutation" / "round4_witnesses.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith(": differs") for line in lines) == len(ROUND4)
    assert not any("EQUIVALENT" in line for line in lines)


def test_bench_offers_held_out_4() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_mutation.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "held-out-4" in done.stdout
