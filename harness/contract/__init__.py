"""Judging traffic: JSON Schemas (``schemas/``), the checker, the documented rules, the
verdict cache.

The package's public face: ``__all__`` lists what users import from here, each name loading
lazily from the module that defines it. Names of the time ``harness.contract`` was one
module (``from harness.contract import ContractResult``) are still found in its parts.
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "check_exchange": "harness.contract.checker",
    "check_exchanges": "harness.contract.checker",
    "check_all": "harness.contract.checker",
    "check_request": "harness.contract.checker",
    "check_cassette": "harness.contract.report",
    "CassetteReport": "harness.contract.report",
    "ContractResult": "harness.contract.checker",
    "ContractViolationError": "harness.contract.checker",
    "Violation": "harness.contract.checker",
    "RuleContext": "harness.contract.checker",
    "Skipped": "harness.contract.checker",
    "SEVERITIES": "harness.contract.checker",
    "RULES": "harness.contract.rules",
    "AWS_COMMON_ERRORS": "harness.ops.common",
    "SchemaSource": "harness.contract.schemas.store",
    "default_schema_dir": "harness.contract.schemas.store",
    "load_schema": "harness.contract.schemas.store",
    "operation_schemas": "harness.contract.schemas.generate",
    "error_schema": "harness.contract.schemas.generate",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(
    __name__,
    _LAZY,
    also=tuple(
        f"harness.contract.{part}"
        for part in ("checker", "report", "results", "settings", "validation")
    ),
)
