"""A pytest plugin ``bench/app_replay.py`` loads (``-p app_clock_plugin``) to run a suite
with the clock moved ahead: ``$APP_CLOCK_DAYS`` days (default 3) from the moment pytest
starts, ticking, for the whole session (collection, fixtures of every scope, tests; under
pytest-xdist in each worker, which loads it from the same ``-p``)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine

DAYS_ENV = "APP_CLOCK_DAYS"
_TRAVEL: list[Any] = []


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    days = float(os.environ.get(DAYS_ENV) or 3)
    travel = time_machine.travel(datetime.now(timezone.utc) + timedelta(days=days), tick=True)
    travel.start()
    _TRAVEL.append(travel)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    while _TRAVEL:
        _TRAVEL.pop().stop()
