"""What ``MatchIndex`` files and reads: each recording as an ``Entry`` in the queue of its
key, and each live request as a ``LiveForm`` (its key, slots and timestamps)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from harness.exchange import Exchange
from harness.replay.match_keys import Key


def drop_taken(queue: deque[Entry], passed: int, dead: int) -> None:
    """Drop the taken entries among the first ``passed`` of ``queue`` (``dead`` of them),
    so a walk passes each taken entry once: O(passed)."""
    if not dead:
        return
    kept = [entry for _, entry in zip(range(passed), queue, strict=False) if not entry.taken]
    for _ in range(passed):
        queue.popleft()
    queue.extendleft(reversed(kept))


@dataclass(kw_only=True, frozen=True)
class LiveForm:
    """A live request as ``MatchIndex.take`` reads it: the key of its queue, its slots
    (generated values and placeholders, in order), its timestamps (time-shifted matching),
    and, matching by region, the key of the recordings made in no known region."""

    key: Key
    live: tuple[Any, ...]
    times: dict[str, float]
    anywhere: Key | None = None
    #: the request as sent (``exact_form``): what an exact match has equal
    exact: str | None = None


@dataclass(kw_only=True, slots=True)
class Entry:
    """One recorded exchange as ``MatchIndex`` files it: in the queue of its key, and in
    the exact-form and slot indexes; handed out once (``taken``)."""

    index: int
    exchange: Exchange
    times: dict[str, float]  # JSON pointer -> epoch seconds of each timestamp parameter
    recorded_at: float | None
    params: dict[str, Any] | None = None  # normalised, for a custom matcher
    slots: tuple[Any, ...] | None = None  # its bound values in key order (None: not yet read)
    taken: bool = False  # replayed (left in the queues it sits in, skipped, dropped later)
    key: Key | None = None  # the key an index filed it under, checked before it is served
    data: Any = None  # its slots as an index wrote them (``slots_as_data``), until read
