"""Examples of a Hypothesis strategy, drawn fast."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

#: Set to 1 to draw ``examples()`` at random (a new sample each run).
RANDOM_EXAMPLES_ENV = "HARNESS_TESTS_RANDOM_EXAMPLES"


def examples(strategy: st.SearchStrategy[Any], count: int = 300) -> list[Any]:
    """Draw ``count`` examples without shrinking (find() would shrink each one: slow).

    Derandomized: tests assert that kinds are *reached* in these examples, and a random
    sample may miss a rare one (CI once drew no 20-character name in 100); a fixed seed makes
    such a test pass or fail the same way on every run of one Hypothesis version. That one
    seed proves reach on one sample only: ``RANDOM_EXAMPLES_ENV=1`` draws at random instead,
    which the slow test ``test_reach_holds_on_random_seeds`` does a few times over."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=os.environ.get(RANDOM_EXAMPLES_ENV, "") in ("", "0"),
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        drawn.append(example)

    collect()
    return drawn
