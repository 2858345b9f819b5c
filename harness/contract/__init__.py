"""Judging traffic: JSON Schemas (``schemas/``), the checker, the documented rules, the
verdict cache.

``from harness.contract import check_exchange`` keeps working: the public names load lazily
from the module that defines them.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "check_exchange": "harness.contract.checker",
    "check_exchanges": "harness.contract.checker",
    "check_all": "harness.contract.checker",
    "check_request": "harness.contract.checker",
    "check_cassette": "harness.contract.checker",
    "CassetteReport": "harness.contract.checker",
    "ContractResult": "harness.contract.checker",
    "ContractViolationError": "harness.contract.checker",
    "Violation": "harness.contract.checker",
    "RuleContext": "harness.contract.checker",
    "Skipped": "harness.contract.checker",
    "SEVERITIES": "harness.contract.checker",
    "RULES": "harness.contract.rules",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'harness.contract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
