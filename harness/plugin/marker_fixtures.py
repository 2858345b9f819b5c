"""Autouse fixtures that act only on marked tests are not set up for other tests.

``@pytest.mark.aws_cassette`` and ``@pytest.mark.aws_synthetic`` work through autouse
fixtures (an autouse fixture sets up where the marked test's own fixtures expect it: before
them, after the wider-scoped ones). pytest sets each fixture up and tears it down for every
test: the two cost about 115 µs a test (0.7M instructions; 0.23 s in a 2,000-test run that
uses no AWS).

So a test's list of fixture names (``item.fixturenames``, which pytest walks to set the
test's fixtures up) leaves such a fixture out when the test does not carry its marker *at
the moment pytest reads the list*: after every ``pytest_runtest_setup`` hook, so a marker
a conftest adds there (or in ``pytest_collection_modifyitems``) still counts, as it did
when the fixture itself looked. A marked test keeps the fixture where pytest put it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


class _FixtureNames(list):  # type: ignore[type-arg]
    """An item's fixture names without the marker fixtures of markers it does not carry
    when read (iterated or searched); the list itself keeps them all."""

    def __init__(self, names: list[str], item: pytest.Item) -> None:
        super().__init__(names)
        self.item = item
        self.markers: dict[str, str] = {}  # fixture -> the marker it acts on

    def _left_out(self) -> set[str]:
        item = self.item
        return {f for f, m in self.markers.items() if item.get_closest_marker(m) is None}

    def __iter__(self) -> Iterator[str]:
        left_out = self._left_out()
        names = super().__iter__()
        return (name for name in names if name not in left_out) if left_out else names

    def __contains__(self, name: Any) -> bool:
        if name in self.markers and self.item.get_closest_marker(self.markers[name]) is None:
            return False
        return super().__contains__(name)


def leave_out_unless_marked(item: pytest.Item, marker: str, fixture: str) -> None:
    """Have pytest skip the autouse ``fixture`` for ``item`` unless the item carries
    ``marker`` when pytest sets its fixtures up. Called from a ``tryfirst``
    ``pytest_runtest_setup``, before pytest reads the names. A new list: parametrized tests
    share the one pytest made."""
    names = getattr(item, "fixturenames", None)
    if not isinstance(names, list) or not list.__contains__(names, fixture):
        return
    if not isinstance(names, _FixtureNames):
        names = _FixtureNames(names, item)
        item.fixturenames = names  # type: ignore[attr-defined]
    names.markers[fixture] = marker
