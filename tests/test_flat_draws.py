"""The flat building blocks requests are drawn with (``harness.ops.draw``): every kind of a
joint draw is reachable, each exactly once in the joint numbering, simplest first, and
Hypothesis shrinks to the simplest kinds."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING, Any, cast

from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from harness.ops import draw as d

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)


def _refuse(_strategy: Any) -> Any:
    raise AssertionError("a constant kind drew")


_no_draw = cast("DrawFn", _refuse)


def test_joint_numbers_every_combination_of_kinds_once() -> None:
    letters, digits = d.Variants("a", "b"), d.Variants(1, 2, 3)
    nested = d.Variants(
        None, d.Variants("x", "y").map(lambda v: v.upper())
    )  # a Flat kind: 1 + 2 kinds
    joint = d.Joint(letters, digits, nested, then=lambda *values: values)
    assert joint.count == 2 * 3 * 3
    values = [joint.value(_no_draw, kind) for kind in range(joint.count)]
    assert sorted(values, key=repr) == sorted(
        itertools.product("ab", (1, 2, 3), (None, "X", "Y")), key=repr
    )
    assert values[0] == ("a", 1, None)  # kind 0: every part its first kind


def test_kinds_that_are_strategies_or_functions_draw_and_shrink_to_the_simplest() -> None:
    joint = d.Joint(
        d.Variants(None, st.integers(5, 9)),
        d.Variants("const", lambda draw: draw(st.text("pq", min_size=2, max_size=4))),
        then=lambda *values: values,
    )
    assert find(joint.strategy, lambda v: True) == (None, "const")
    assert find(joint.strategy, lambda v: v[0] is not None and v[1] != "const") == (5, "pp")


def test_the_combinations_drawn_cover_all_of_them() -> None:
    # 24 combinations, each of them reached in 300 examples
    joint = d.Joint(
        d.Variants(*"abcd"), d.Variants(*"xyz"), d.Variants(0, 1), then=lambda *v: repr(v)
    )
    seen: set[str] = set()

    @settings(
        max_examples=300,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(joint.strategy)
    def collect(value: str) -> None:
        seen.add(value)

    collect()
    assert len(seen) == 24


def test_windows_reach_both_ends_and_omissions_within_their_span() -> None:
    clock = d.Clock.of(NOW, frozen=False)
    window = d.Window(clock, dt.timedelta(days=1), exclusive_end=True)
    widest = int(dt.timedelta(days=1).total_seconds())
    seen = [window.value(_no_draw, kind) for kind in range(window.count) if _constant(window, kind)]
    assert (None, None) in seen
    oldest = NOW - dt.timedelta(seconds=widest)
    assert any(start == oldest for start, _ in seen)  # the start at the cutoff
    for start, end in seen:
        if start is not None and end is not None:
            assert oldest <= start < end <= NOW  # EndTime is exclusive: never empty


def _constant(window: d.Window, kind: int) -> bool:
    try:
        window.value(_no_draw, kind)
    except AssertionError:
        return False
    return True


@settings(max_examples=200, database=None)
@given(d.insight_ids().strategy)
def test_insight_ids_match_the_model_pattern(insight_id: str) -> None:
    assert UUID.fullmatch(insight_id)


@settings(max_examples=100, database=None)
@given(st.data())
def test_long_texts_have_their_exact_length_and_alphabet(data: st.DataObject) -> None:
    size = data.draw(st.integers(65, 3000))
    value = data.draw(d.text_of("ab-", size))
    assert len(value) == size and set(value) <= set("ab-")
