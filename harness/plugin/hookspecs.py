"""Hooks the botocore-harness pytest plugin offers to other plugins and conftest files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.exchange import Exchange


@pytest.hookspec
def pytest_aws_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Called for every AWS exchange a test makes through a cassette or the synthetic backend.

    The contract checker implements it; a conftest can implement it too, to log or assert on
    the traffic of a test.
    """
