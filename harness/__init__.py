"""botocore-harness: offline record/replay, JSON Schemas and contract checks for AWS APIs."""

from __future__ import annotations

from harness.errors import HarnessAssertionError, HarnessError, HarnessUsageError

__version__ = "0.1.0"

__all__ = [
    "HarnessAssertionError",
    "HarnessError",
    "HarnessUsageError",
    "__version__",
]
