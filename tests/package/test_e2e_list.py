"""tests/e2e.txt names test functions that exist: a renamed test does not drop out silently."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def e2e_functions() -> set[str]:
    """What the top-level conftest.py reads (its ``e2e_functions``; conftest is no module
    name to import from here: every test directory may have one)."""
    lines = (line.strip() for line in (ROOT / "tests" / "e2e.txt").read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def test_every_listed_e2e_test_exists() -> None:
    listed = e2e_functions()
    assert len(listed) >= 100
    missing = []
    for name in sorted(listed):
        path, function = name.split("::")
        source = ROOT / path
        defined = source.is_file() and any(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
            for node in ast.walk(ast.parse(source.read_text()))
        )
        if not defined:
            missing.append(name)
    assert missing == []
