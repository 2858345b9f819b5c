"""What a rule-true item costs to draw (issue 57: a page plan's draw was most of a Hypothesis
suite's time). Hypothesis validates each new strategy object the first time it is drawn
from, so a strategy rebuilt inside every draw (timestamps bounded by an earlier draw, an
insight's impact statistics) pays that again and again; these draws build only leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies._internal.strategies import OneOfStrategy, SearchStrategy

from harness.aws.shapes import timestamps
from harness.ops.draw import impact_statistics

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 1, 12, tzinfo=UTC)


@contextmanager
def validated_one_ofs() -> Iterator[list[Any]]:
    """Every one_of strategy object validated meanwhile (new ones are validated once)."""
    seen: list[Any] = []
    real = SearchStrategy.validate

    def counting(self: SearchStrategy[Any]) -> None:
        if isinstance(self, OneOfStrategy) and not getattr(self, "_counted", False):
            self._counted = True  # type: ignore[attr-defined]
            seen.append(self)
        real(self)

    SearchStrategy.validate = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        SearchStrategy.validate = real  # type: ignore[method-assign]


def test_timestamps_bounded_by_an_earlier_draw_build_no_new_one_of() -> None:
    @st.composite
    def chained(draw: Any) -> list[dt.datetime]:
        start = draw(timestamps(NOW - dt.timedelta(days=2), NOW, milliseconds=True))
        end = draw(timestamps(start, NOW, milliseconds=True))
        assert NOW - dt.timedelta(days=2) <= start <= end <= NOW
        return [start, end]

    with validated_one_ofs() as seen:

        @settings(max_examples=30, database=None, derandomize=True)
        @given(chained())
        def run(pair: list[dt.datetime]) -> None:
            pass

        run()
    assert len(seen) <= 1


def test_impact_statistics_build_no_one_of_per_draw() -> None:
    stats = impact_statistics()
    with validated_one_ofs() as seen:

        @settings(max_examples=30, database=None, derandomize=True)
        @given(stats)
        def run(value: dict[str, int]) -> None:
            assert value["FaultCount"] + value["OkCount"] <= value["TotalCount"]

        run()
    assert len(seen) <= 1


def test_timestamps_still_reach_both_ends() -> None:
    low, high = NOW - dt.timedelta(hours=1), NOW
    found: set[dt.datetime] = set()

    @settings(max_examples=100, database=None, derandomize=True)
    @given(timestamps(low, high))
    def run(when: dt.datetime) -> None:
        assert low <= when <= high
        found.add(when)

    run()
    assert {low, high} <= found
