"""Round 5 of the mutation benchmark's mutants (bench/mutation/mutants_round5.py, issue 57):
each applies exactly once, none repeats an earlier mutant, each has a witness that tells it
from the correct library, and ``bench_mutation.py`` offers ``--half held-out-5``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bench.mutation import round5_witnesses as W
from bench.mutation.mutants import MUTANTS, ROUND2, apply
from bench.mutation.mutants_round3 import ROUND3
from bench.mutation.mutants_round4 import ROUND4
from bench.mutation.mutants_round5 import ROUND5, held_out_5

ROOT = Path(__file__).resolve().parents[2]


def test_round5_mutants_apply_once_and_are_new() -> None:
    assert len(ROUND5) >= 35
    for mutant in ROUND5:
        ast.parse(apply(mutant))  # its snippet occurs once; the mutant still parses
    earlier = MUTANTS + ROUND2 + ROUND3 + ROUND4
    names = [m.name for m in ROUND5]
    assert len(set(names)) == len(names)
    assert not set(names) & {m.name for m in earlier}
    assert not {(m.old, m.new) for m in ROUND5} & {(m.old, m.new) for m in earlier}
    mutated = {apply(m) for m in earlier}
    mine = [apply(m) for m in ROUND5]
    assert len(set(mine)) == len(mine)  # no two of this batch give the same source
    assert not set(mine) & mutated
    assert held_out_5() == ROUND5


def test_every_round5_mutant_has_a_witness_that_differs() -> None:
    assert set(W.WITNESSES) == {m.name for m in ROUND5}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mutation" / "round5_witnesses.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith(": differs") for line in lines) == len(ROUND5)
    assert not any("EQUIVALENT" in line for line in lines)


def test_bench_offers_held_out_5() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_mutation.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "held-out-5" in done.stdout
