"""The held-out mutant batches of the mutation benchmark after the first two (issue 57:
``bench/mutation/mutants_round3.py``, ``_round4``, ``_round5``, ``_round6``, ``_round7``,
``_round8``, ``_round9``, ``_round10``, ``_round11``, ``_round12``, ``_round13``,
``_round14``, ``_round15``, ``_round16``, ``_round17``), each written without reading the
suites: each mutant applies exactly once, changes the library and compiles; none repeats an
earlier batch's mutant by name, edit or resulting source; each has a witness that tells it from
the correct library (e2e: the witness script finds none equivalent); and ``bench_mutation.py``
offers the batch as ``--half held-out-N``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bench.mutation import mutants as M
from bench.mutation import (
    mutants_round3,
    mutants_round4,
    mutants_round5,
    mutants_round6,
    mutants_round7,
    mutants_round8,
    mutants_round9,
    mutants_round10,
    mutants_round11,
    mutants_round12,
    mutants_round13,
    mutants_round14,
    mutants_round15,
    mutants_round16,
    mutants_round17,
    round3_witnesses,
    round4_witnesses,
    round5_witnesses,
    round6_witnesses,
    round7_witnesses,
    round8_witnesses,
    round9_witnesses,
    round10_witnesses,
    round11_witnesses,
    round12_witnesses,
    round13_witnesses,
    round14_witnesses,
    round15_witnesses,
    round16_witnesses,
    round17_witnesses,
)

ROOT = Path(__file__).resolve().parents[2]

#: round, its mutants, the batch its ``held_out_N`` gives, its witnesses, its fewest mutants
BATCHES = [
    (3, mutants_round3.ROUND3, mutants_round3.held_out_3(), round3_witnesses, 36),
    (4, mutants_round4.ROUND4, mutants_round4.held_out_4(), round4_witnesses, 35),
    (5, mutants_round5.ROUND5, mutants_round5.held_out_5(), round5_witnesses, 35),
    (6, mutants_round6.ROUND6, mutants_round6.held_out_6(), round6_witnesses, 35),
    (7, mutants_round7.ROUND7, mutants_round7.held_out_7(), round7_witnesses, 46),
    (8, mutants_round8.ROUND8, mutants_round8.held_out_8(), round8_witnesses, 46),
    (9, mutants_round9.ROUND9, mutants_round9.held_out_9(), round9_witnesses, 41),
    (10, mutants_round10.ROUND10, mutants_round10.held_out_10(), round10_witnesses, 40),
    (11, mutants_round11.ROUND11, mutants_round11.held_out_11(), round11_witnesses, 40),
    (12, mutants_round12.ROUND12, mutants_round12.held_out_12(), round12_witnesses, 40),
    (13, mutants_round13.ROUND13, mutants_round13.held_out_13(), round13_witnesses, 40),
    (14, mutants_round14.ROUND14, mutants_round14.held_out_14(), round14_witnesses, 40),
    (15, mutants_round15.ROUND15, mutants_round15.held_out_15(), round15_witnesses, 40),
    (16, mutants_round16.ROUND16, mutants_round16.held_out_16(), round16_witnesses, 40),
    (17, mutants_round17.ROUND17, mutants_round17.held_out_17(), round17_witnesses, 40),
]
ROUNDS = [batch[0] for batch in BATCHES]


def _earlier(number: int) -> list[M.Mutant]:
    """Every mutant of the batches before round ``number``."""
    found = M.MUTANTS + M.ROUND2
    for round_number, batch, *_ in BATCHES:
        if round_number < number:
            found = found + batch
    return found


@pytest.mark.parametrize(
    ("number", "batch", "held_out", "witnesses", "fewest"), BATCHES, ids=ROUNDS
)
def test_each_mutant_applies_once_changes_the_source_and_compiles(
    number: int, batch: list[M.Mutant], held_out: list[M.Mutant], witnesses: ModuleType, fewest: int
) -> None:
    text = M.source()
    assert len(batch) >= fewest and held_out == batch
    for mutant in batch:
        assert text.count(mutant.old) == 1, mutant.name
        mutated = M.apply(mutant, text)
        assert mutated != text, mutant.name
        compile(mutated, f"<{mutant.name}>", "exec")


@pytest.mark.parametrize(
    ("number", "batch", "held_out", "witnesses", "fewest"), BATCHES, ids=ROUNDS
)
def test_the_batch_repeats_no_earlier_mutant(
    number: int, batch: list[M.Mutant], held_out: list[M.Mutant], witnesses: ModuleType, fewest: int
) -> None:
    earlier, text = _earlier(number), M.source()
    names = [m.name for m in batch]
    assert len(set(names)) == len(names)
    assert not set(names) & {m.name for m in earlier}
    assert not {(m.old, m.new) for m in batch} & {(m.old, m.new) for m in earlier}
    mine = [M.apply(m, text) for m in batch]
    assert len(set(mine)) == len(mine)  # no two of the batch give the same source
    assert not set(mine) & {M.apply(m, text) for m in earlier}


@pytest.mark.parametrize(
    ("number", "batch", "held_out", "witnesses", "fewest"), BATCHES, ids=ROUNDS
)
def test_every_mutant_has_one_witness(
    number: int, batch: list[M.Mutant], held_out: list[M.Mutant], witnesses: ModuleType, fewest: int
) -> None:
    assert set(witnesses.WITNESSES) == {m.name for m in batch}


@pytest.mark.parametrize("number", ROUNDS)
def test_the_witnesses_find_no_mutant_equivalent(number: int) -> None:
    batch = next(b for n, b, *_ in BATCHES if n == number)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mutation" / f"round{number}_witnesses.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith(": differs") for line in lines) == len(batch)
    assert not any("EQUIVALENT" in line for line in lines)


def test_the_runner_offers_every_batch() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_mutation.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert all(f"held-out-{number}" in done.stdout for number in ROUNDS)
