"""How old a cassette's recordings may be (``max_age``), and what happens when they are older.

Every interaction the recorder writes carries ``recorded_at`` in its ``harness`` tag. A
project sets a limit (``aws_max_age = 30d``) and an action (``aws_max_age_action``):

- ``warn`` (default): a test that replayed an interaction older than the limit passes with
  a ``StaleCassetteWarning`` naming it;
- ``fail``: that test fails, naming the interaction and the command that re-records it;
- ``rerecord``: in a record mode that may record (``once``, ``new_episodes``, ``all``) a
  cassette whose oldest interaction is older than the limit is recorded again (the test runs
  as in mode ``all``); in replay-only mode it fails like ``fail``, with the command to run.

A ``recorded_at`` later than now by more than ``FUTURE_SLACK`` (a machine's clock may run
somewhat ahead) is no age at all: a cassette edited by hand, or recorded on a clock years
ahead, would pass any limit. It counts as over the limit, saying so.

Apart from the recorder so the plugin can check settings without importing the engine.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from harness.errors import HarnessAssertionError, HarnessUsageError, did_you_mean

ACTIONS = ("warn", "fail", "rerecord")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw]?)")


class StaleCassette(HarnessAssertionError):
    """A test replayed a recording older than its ``max_age`` (action ``fail``/``rerecord``)."""


class StaleCassetteWarning(UserWarning):
    """A test replayed a recording older than its ``max_age`` (action ``warn``)."""


def parse_max_age(value: Any, where: str) -> float | None:
    """Seconds from ``30d``, ``12h``, ``6w``, ``90m``, ``45s``, a number of seconds or a
    ``timedelta``; ``None``, ``off`` or ``none`` (and ``False``) mean no limit."""
    if value is None or value is False:
        return None
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip().lower()
        if text in ("", "off", "none"):
            return None
        found = _DURATION.fullmatch(text)
        seconds = float(found[1]) * _UNITS[found[2] or "s"] if found else math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise HarnessUsageError(
            f"Cannot use max age {value!r} from {where}: give a duration such as 30d, 12h, 6w, "
            "90m or 45s (or a number of seconds, above 0), or 'off' for no limit."
        )
    return seconds


def check_action(value: Any, where: str) -> str:
    """``value`` if it is a max-age action, else a usage error naming ``where``."""
    action = str(value).strip().lower()
    if action not in ACTIONS:
        raise HarnessUsageError(
            f"Unknown max age action {value!r} in {where}.{did_you_mean(action, ACTIONS)} "
            f"Use one of: {', '.join(ACTIONS)}."
        )
    return action


#: How far ahead of now a ``recorded_at`` may be and still be taken as an age (a clock ahead).
FUTURE_SLACK = 3600.0


def over_limit(age: float, max_age: float) -> bool:
    """Is a recording ``age`` seconds old (negative: recorded "in the future") over
    ``max_age``? One from further ahead than ``FUTURE_SLACK`` is: its age is unknown."""
    return age > max_age or age < -FUTURE_SLACK


def epoch_of(recorded_at: Any) -> float | None:
    """Epoch seconds of a ``recorded_at`` tag (ISO 8601, ``Z``), None when absent or unreadable."""
    if not recorded_at:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(recorded_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def age_text(seconds: float) -> str:
    """``41 days``, ``5 hours``, ``12 minutes``, ``30 seconds`` (rounded down)."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    count = max(int(seconds), 0)
    return f"{count} second{'s' if count != 1 else ''}"


def short_age(seconds: float) -> str:
    """``41d``, ``5h``, ``12m``, ``30s``: an age in a listing's column."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{max(int(seconds), 0)}s"


def limit_text(seconds: float) -> str:
    """A limit as the user may have written it: ``30d`` rather than ``2592000 s``."""
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


__all__ = [
    "ACTIONS",
    "FUTURE_SLACK",
    "StaleCassette",
    "StaleCassetteWarning",
    "age_text",
    "check_action",
    "epoch_of",
    "limit_text",
    "over_limit",
    "parse_max_age",
    "short_age",
]
