"""A long poll answered in replay after the time the recording waited for it.

Some operations ask the server to hold the request until something arrives or a wait the
request names runs out (SQS ``ReceiveMessage``, Redshift Data's statements: an input member
``WaitTimeSeconds``). An empty long poll came back live only when its wait ran out; replay
answered at once, so code that times it (or paces a loop on it) saw another service.
Replay now holds such an answer for as long as the recording waited for it (the tag's
``answered_at`` less its ``recorded_at``), never longer than the wait the live request
asks; every other answer comes at once.

``HOLDING`` says whether replay holds them at all: the plugin's ``aws_long_polls`` setting
(``as-recorded``, the default, or ``at-once`` for a suite that would rather not wait), set
once for the run.

The replayer notes the hold (``note``) on the thread that runs the handler chain;
``intercept.chain`` sleeps it there, or, when the chain runs on an event loop's thread
(aiobotocore in replay), leaves it to the loop to await (``deferring``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: The input members by which a request asks the server to hold it, in seconds.
WAIT_MEMBERS = ("WaitTimeSeconds",)

#: What ``aws_long_polls`` may say: hold a long poll as recorded, or answer it at once.
SETTINGS = ("as-recorded", "at-once")
#: Whether replay holds long polls (``aws_long_polls``; a process-wide setting of the run).
HOLDING = True

_state = threading.local()


def hold_for(
    params: Mapping[str, Any], recorded_at: float | None, answered_at: float | None
) -> float:
    """Seconds to hold the answer to a request with ``params``, recorded between
    ``recorded_at`` and ``answered_at`` (0: none)."""
    if not HOLDING or recorded_at is None or answered_at is None:
        return 0.0
    for member in WAIT_MEMBERS:
        asked = params.get(member)
        if isinstance(asked, int | float) and not isinstance(asked, bool) and asked > 0:
            return max(0.0, min(answered_at - recorded_at, float(asked)))
    return 0.0


def note(seconds: float) -> None:
    """Hold the answer being given on this thread for ``seconds``."""
    if seconds > 0:
        _state.held = seconds


def take() -> float:
    """The hold noted on this thread since the last take (0: none)."""
    held = float(getattr(_state, "held", 0.0))
    _state.held = 0.0
    return held


def wait(seconds: float) -> None:
    """Sleep ``seconds`` here, or note them for the event loop running this thread."""
    if seconds <= 0:
        return
    if getattr(_state, "deferring", False):
        _state.deferred = float(getattr(_state, "deferred", 0.0)) + seconds
        return
    time.sleep(seconds)


@contextmanager
def deferring() -> Iterator[list[float]]:
    """While the block runs on an event loop's thread, holds are collected, not slept: the
    list it yields holds their sum afterwards, for the loop to await."""
    _state.deferring, _state.deferred = True, 0.0
    out: list[float] = []
    try:
        yield out
    finally:
        out.append(float(getattr(_state, "deferred", 0.0)))
        _state.deferring, _state.deferred = False, 0.0


def held(send: Callable[[], Any]) -> Callable[[], Any]:
    """``send``, its answer held as long as a replayed long poll was noted to be."""

    def run() -> Any:
        take()  # (nothing left over from another call)
        answer = send()
        wait(take())
        return answer

    return run
