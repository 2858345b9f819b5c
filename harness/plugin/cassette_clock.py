"""The test's clock while a cassette replays: real, or the time it was recorded (``clock``).

With the recorded clock the test starts at the recording's time and the clock ticks; it is
moved forward to when a replayed answer arrived whenever it is behind (``ClockCatchUp``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError, did_you_mean
from harness.plugin.cassette_settings import CLOCKS

if TYPE_CHECKING:
    from harness.exchange import Exchange
    from harness.replay.recorder import CassetteRecorder


class ClockCatchUp:
    """Moves the recorded replay clock forward to when a replayed answer arrived, if it is
    behind: a time the server stamped during the call (a CreationDate) is then never later
    than the test's "now" after it, as while recording."""

    def __init__(self) -> None:
        self.recorder: CassetteRecorder | None = None
        self.coordinates: Any = None  # time-machine's, while the recorded clock runs

    def __call__(self, exchange: Exchange) -> None:
        recorder, index = self.recorder, exchange.index
        if self.coordinates is None or recorder is None or index is None:
            return
        if exchange.source != "replayed":
            return
        import time

        # (an older cassette has no answered_at: its clock only starts at the recording)
        answered = recorder.answered_at(index)
        if answered is not None and time.time() < answered:
            self.coordinates.move_to(dt.datetime.fromtimestamp(answered, tz=dt.timezone.utc))


def clock_of(item: pytest.Item, options: dict[str, Any]) -> str:
    """The test's replay clock setting, as given (checked by ``replay_clock``)."""
    # Precedence: marker, command line, ini.
    clock = options.get("clock") or item.config.getoption("aws_replay_clock", None)
    return str(clock or item.config.getini("aws_replay_clock"))


@contextmanager
def replay_clock(
    item: pytest.Item,
    options: dict[str, Any],
    recorder: CassetteRecorder,
    catch_up: ClockCatchUp | None = None,
) -> Iterator[None]:
    """With clock 'recorded', replay runs with the clock at the recording time, ticking,
    never behind an answer it replayed (``catch_up``)."""
    clock = clock_of(item, options)
    if clock not in CLOCKS:
        raise HarnessUsageError(
            f"Unknown replay clock {clock!r} for {item.nodeid}.{did_you_mean(clock, CLOCKS)} "
            "Use 'real' or 'recorded'."
        )
    since = recorder.recorded_since if clock != "real" and recorder.replay_only else None
    if since is None:
        yield
        return
    try:
        import time_machine
    except ImportError:
        raise HarnessUsageError(
            f"The recorded replay clock of {item.nodeid} needs time-machine: install "
            "'botocore-harness[clock]' (or time-machine itself)."
        ) from None
    start = dt.datetime.fromtimestamp(since, tz=dt.timezone.utc)
    with time_machine.travel(start, tick=True) as coordinates:
        if catch_up is not None:
            catch_up.coordinates = coordinates
        try:
            yield
        finally:
            if catch_up is not None:
                catch_up.coordinates = None
