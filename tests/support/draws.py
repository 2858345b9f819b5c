"""Examples of a Hypothesis strategy, drawn fast."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st


def examples(strategy: st.SearchStrategy[Any], count: int = 300) -> list[Any]:
    """Draw ``count`` examples without shrinking (find() would shrink each one: slow).

    Derandomized: tests assert that kinds are *reached* in these examples, and a random
    sample may miss a rare one (CI once drew no 20-character name in 100); a fixed seed makes
    such a test pass or fail the same way on every run of one Hypothesis version."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        drawn.append(example)

    collect()
    return drawn
