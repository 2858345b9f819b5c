"""Autouse fixtures that act only on marked tests stay out of every other test.

``@pytest.mark.aws_cassette`` and ``@pytest.mark.aws_synthetic`` work through autouse
fixtures (an autouse fixture sets up where the marked test's own fixtures expect it: before
them, after the wider-scoped ones). pytest sets each fixture up and tears it down for every
test: the two cost about 115 µs a test (0.7M instructions; 0.23 s in a 2,000-test run that
uses no AWS). Just before a test's fixtures are set up, a test without the marker has the
fixture taken out of its own list of fixture names (``item.fixturenames``, which pytest
walks to set fixtures up); a marked test keeps it where pytest put it.
"""

from __future__ import annotations

import pytest


def leave_out_unless_marked(item: pytest.Item, marker: str, fixture: str) -> None:
    """Drop the autouse ``fixture`` from ``item`` when the item does not carry ``marker``.

    Called from a ``tryfirst`` ``pytest_runtest_setup``: after collection and every
    ``pytest_collection_modifyitems`` (a conftest adding the marker there is seen), before
    pytest sets the test's fixtures up. A new list: parametrized tests share the old one.
    """
    names = getattr(item, "fixturenames", None)
    if not isinstance(names, list) or fixture not in names:
        return
    if item.get_closest_marker(marker) is None:
        item.fixturenames = [name for name in names if name != fixture]  # type: ignore[attr-defined]
