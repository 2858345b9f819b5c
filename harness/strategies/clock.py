"""Time where bugs live: Period-grid boundaries, other time zones, a clock tests can move.

* :func:`grid_times` draws aware datetimes on and around a ``Period`` grid (the grid point,
  ±1 µs, ±1 ms, ±1 s, half a period) written in UTC offsets other than zero: the inputs that
  tell flooring from rounding, an exclusive end from an inclusive one, and
  ``astimezone`` from ``replace(tzinfo=...)``.
* :func:`local_time_zone` runs a block with the process's local time zone set (``TZ`` and
  ``time.tzset()``), so code that reads local time by mistake (``datetime.now()``, a naive
  ``datetime(...)``) gives itself away; :func:`time_zones` draws the zones most likely to.
* :class:`ManualClock` is one clock for your code and the synthetic backend
  (``@pytest.mark.aws_synthetic(now=clock)`` takes any callable): set or advance it and both
  see the same time.
* :func:`register_profiles` registers Hypothesis settings profiles for this face:
  ``aws-ci`` (reproducible, bounded) and ``aws-dev``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from harness.strategies import StrategyArgumentError

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "NAMED_ZONES",
    "OFFSETS",
    "ZONES",
    "ManualClock",
    "grid_times",
    "local_time_zone",
    "register_profiles",
    "time_zones",
]

#: UTC offsets a grid time is written in: the same instant, other wall clocks (half and
#: quarter hours, both date lines).
OFFSETS = tuple(dt.timezone(dt.timedelta(minutes=m)) for m in (0, 345, -210, 14 * 60, -11 * 60, 60))
#: Local time zones (POSIX TZ names) that expose code reading local time: never UTC, not
#: whole hours, each side of the date line, with and without summer time.
ZONES = (
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Europe/Berlin",
    "Australia/Lord_Howe",
)
#: Named zones a grid or edge time is also written in (where this machine has them): London
#: sits at offset zero in winter without being UTC (``tzinfo is timezone.utc`` and
#: ``utcoffset() == 0`` then disagree), Berlin and Lord Howe change their clocks (a wall
#: clock's arithmetic across the change is an hour, or half of one, off).
NAMED_ZONES = ("Europe/London", "Europe/Berlin", "Australia/Lord_Howe")


def written_in() -> tuple[dt.tzinfo, ...]:
    """The zones an instant is written in: :data:`OFFSETS`, then the :data:`NAMED_ZONES`
    this machine's time zone database holds."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    named: list[dt.tzinfo] = []
    for name in NAMED_ZONES:
        try:
            named.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):  # (no tz database: Windows without tzdata)
            continue
    return (*OFFSETS, *named)


_NUDGES = (
    dt.timedelta(0),
    dt.timedelta(milliseconds=-1),
    dt.timedelta(milliseconds=1),
    dt.timedelta(microseconds=-1),
    dt.timedelta(seconds=-1),
    dt.timedelta(seconds=1),
    dt.timedelta(microseconds=500_000),
)


def grid_times(
    period: int,
    *,
    start: dt.datetime,
    end: dt.datetime,
    offsets: bool = True,
) -> SearchStrategy[dt.datetime]:
    """Aware datetimes in ``[start, end]`` on or next to the grid of ``period`` seconds.

    A draw is a grid point (a multiple of ``period`` since the epoch) nudged by one of 0,
    ±1 µs, ±1 ms, ±1 s, +0.5 s or half a period, or now and then any microsecond of the
    range; with ``offsets`` it is written in one of :data:`OFFSETS` or :data:`NAMED_ZONES`
    (the same instant).
    """
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise StrategyArgumentError(f"period={period!r} must be a whole number of seconds >= 1.")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise StrategyArgumentError(f"{name}={value!r} must be an aware datetime.")
    if end < start:
        raise StrategyArgumentError(f"end={end!r} is before start={start!r}.")
    low = int(start.timestamp()) // period + 1
    high = int(end.timestamp()) // period
    span_us = int((end - start) / dt.timedelta(microseconds=1))
    nudges = (*_NUDGES, dt.timedelta(seconds=period / 2), dt.timedelta(seconds=-period / 2))

    def build(grid: int | None, nudge: dt.timedelta, anywhere: int, zone: dt.tzinfo) -> dt.datetime:
        if grid is None or high < low:
            moment = start + dt.timedelta(microseconds=anywhere)
        else:
            base = dt.datetime.fromtimestamp(grid * period, tz=dt.timezone.utc)
            moment = min(max(base + nudge, start), end)
        return moment.astimezone(zone)

    grids = st.integers(low, high) if high >= low else st.none()
    zones = st.sampled_from(written_in()) if offsets else st.just(dt.timezone.utc)
    return st.builds(
        build,
        st.one_of(grids, st.none()) if high >= low else st.none(),
        st.sampled_from(nudges),
        st.integers(0, max(span_us, 0)),
        zones,
    )


def time_zones() -> SearchStrategy[str]:
    """Names of local time zones (:data:`ZONES`) to run code under with :func:`local_time_zone`."""
    return st.sampled_from(ZONES)


@contextmanager
def local_time_zone(name: str) -> Iterator[None]:
    """Run the block with the process's local time zone set to ``name`` (POSIX ``TZ``).

    ``datetime.now()``, ``datetime.fromtimestamp()`` without ``tz``, ``astimezone()`` of a
    naive datetime and ``time.localtime()`` follow it; the previous zone comes back after
    the block. Not thread-safe: the zone is the process's. Needs ``time.tzset`` (not on
    Windows).
    """
    if not hasattr(time, "tzset"):
        raise StrategyArgumentError("local_time_zone() needs time.tzset(), which Windows lacks.")
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


class ManualClock:
    """A clock your code and the synthetic backend share; it moves only when told.

    ``clock()`` (or ``clock.now()``) returns the current aware UTC time. Pass the clock to
    your code (or patch your code's ``now`` function with it) and to the backend:
    ``@pytest.mark.aws_synthetic(now=clock)``. ``clock.sleep`` stands in for ``time.sleep``:
    it returns at once, moves the clock on by the wait and keeps it in ``slept``, so a test
    checks a retry's backoff (and the backend sees the time pass) without waiting.
    ``ManualClock(start, step=1)`` moves on by a second after each read: code that reads the
    clock twice where it means one instant gets two (``reads`` counts them; the synthetic
    backend's reads move it on too).
    """

    def __init__(self, start: dt.datetime, *, step: float = 0) -> None:
        self._now = self._aware(start)
        if isinstance(step, bool) or not isinstance(step, int | float) or step < 0:
            raise StrategyArgumentError(f"step={step!r}: a step is a number of seconds >= 0.")
        #: seconds the clock moves on after each read (0: only when told), so code that
        #: reads it twice in one computation gets two times
        self.step = step
        #: how many times the clock was read
        self.reads = 0
        #: the waits ``sleep`` was asked for, in seconds, in order
        self.slept: list[float] = []

    @staticmethod
    def _aware(value: dt.datetime) -> dt.datetime:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise StrategyArgumentError(f"{value!r} must be an aware datetime.")
        return value.astimezone(dt.timezone.utc)

    def now(self) -> dt.datetime:
        """The clock's time (then, with a ``step``, the clock moves on by it)."""
        now = self._now
        self.reads += 1
        if self.step:
            self._now = now + dt.timedelta(seconds=self.step)
        return now

    __call__ = now

    def set(self, value: dt.datetime) -> None:
        """Put the clock at ``value`` (aware)."""
        self._now = self._aware(value)

    def advance(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move the clock on by ``seconds`` (or ``timedelta`` keywords); returns the new time."""
        self._now += dt.timedelta(seconds=seconds, **delta)
        return self._now

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` on this clock: no real wait; the clock moves on by ``seconds``."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise StrategyArgumentError(f"sleep({seconds!r}): a wait is a number of seconds >= 0.")
        self.slept.append(float(seconds))
        self._now += dt.timedelta(seconds=seconds)

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


def register_profiles() -> None:
    """Register Hypothesis profiles for suites written with this face.

    ``aws-ci``: 10 examples, ``derandomize`` (the same examples on every run and machine, no
    example database), no deadline (a botocore call's first run builds its client), the
    too-slow health check off (a page plan's first draw is slow), shrinking bounded to
    the explicit, reuse, generate and shrink phases with the default shrink budget.
    ``aws-dev``: 100 examples, random, with the example database. Load one with
    ``settings.load_profile("aws-ci")`` in a ``conftest.py``, or ``--hypothesis-profile``.
    """
    settings.register_profile(
        "aws-ci",
        max_examples=10,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow],
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    )
    settings.register_profile(
        "aws-dev",
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
