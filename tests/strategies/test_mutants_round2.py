"""The round-2 mutants of ``bench/mutation/insights_lib.py`` (``ROUND2``, held out) are well formed.

Each applies exactly once, changes the library's source and still compiles; names are unique and
none clashes with the first batch (``MUTANTS``), whose dev/held-out split stays as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.mutation import mutants as M  # noqa: E402


def test_there_are_at_least_24() -> None:
    assert len(M.ROUND2) >= 24
    assert M.held_out_2() == M.ROUND2


def test_names_are_unique_and_new() -> None:
    names = [m.name for m in M.ROUND2]
    assert len(names) == len(set(names))
    assert not set(names) & {m.name for m in M.MUTANTS}


def test_round2_is_not_in_the_first_batch_or_its_split() -> None:
    dev, held_out = M.split()
    first = {m.name for m in dev + held_out}
    assert first == {m.name for m in M.MUTANTS}
    assert not first & {m.name for m in M.ROUND2}


@pytest.mark.parametrize("mutant", M.ROUND2, ids=[m.name for m in M.ROUND2])
def test_applies_once_changes_and_compiles(mutant: M.Mutant) -> None:
    text = M.source()
    assert text.count(mutant.old) == 1
    mutated = M.apply(mutant, text)
    assert mutated != text
    compile(mutated, f"insights_lib[{mutant.name}].py", "exec")


def test_no_round2_mutant_repeats_a_first_batch_edit() -> None:
    text = M.source()
    first = {M.apply(m, text) for m in M.MUTANTS}
    assert not [m.name for m in M.ROUND2 if M.apply(m, text) in first]
