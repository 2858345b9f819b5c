"""The "this kind is reached" tests draw a derandomized sample (``tests/support/draws``): one
seed per Hypothesis version. Here they run again on fresh random samples, so a reach that
holds only on that one seed shows."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.draws import RANDOM_EXAMPLES_ENV

ROOT = Path(__file__).resolve().parents[2]


def _samplers() -> list[str]:
    """Node ids of the test functions that call ``examples()``."""
    ids = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        if "from tests.support.draws import" not in source:
            continue
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                calls = (n for n in ast.walk(node) if isinstance(n, ast.Call))
                if any(getattr(c.func, "id", None) == "examples" for c in calls):
                    ids.append(f"{path.relative_to(ROOT)}::{node.name}")
    return ids


@pytest.mark.slow
@pytest.mark.parametrize("run", range(3))
def test_reach_holds_on_random_seeds(run: int) -> None:
    samplers = _samplers()
    assert len(samplers) >= 8, samplers
    env = dict(os.environ, **{RANDOM_EXAMPLES_ENV: "1"})
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *samplers]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, f"run {run}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
