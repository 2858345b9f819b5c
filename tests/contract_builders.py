"""The three names ``bench/bench_check.py`` imports, kept for it alone; tests do not use it.

Nothing is built by hand here any more: ``valid`` is the synthetic engine's exchange (see
``synthetic_exchanges``, where tests get theirs). Delete this file once the benchmark imports
``synthetic_exchanges`` itself.
"""

from __future__ import annotations

from typing import Any

from synthetic_exchanges import NOW as _NOW
from synthetic_exchanges import build, pair

__all__ = ["NOW", "build", "valid"]

#: The request time of every exchange ``build`` makes, in epoch seconds.
NOW = int(_NOW.timestamp())


def valid(service: str, operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh copies of the engine's valid wire-form request/response pair of an operation."""
    return pair(service, operation)
