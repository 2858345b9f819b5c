"""The synthetic engine's counters: request and page numbers, and documented-rate windows.

Faults count requests (``throttle_every=N``: every Nth request of the backend) and rate
limits count recent requests per operation. One engine in one process keeps them in plain
integers under a thread lock. ``harness serve --workers N`` answers from N processes: before
it forks, the engine's counters move into shared memory (:class:`SharedCounters`), so the
Nth request is the Nth of the whole server, whichever process answers it, and a rate limit
holds for the server, not per process.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol


class Counters(Protocol):
    """What the engine counts with: request and page numbers, and rate-limit admissions."""

    def next_request(self) -> int:
        """The number of this request (from 1)."""
        ...

    def next_page(self) -> int:
        """The number of this paginated answer (from 1)."""
        ...

    def admit(self, key: Any, limit: float, moment: float) -> bool:
        """True when a request to ``key`` at ``moment`` (``time.monotonic``) stays within
        ``limit`` requests in the second before it (and counts it); False: throttled."""
        ...


class ThreadCounters:
    """Counters of one engine, for the threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._pages = 0
        self._recent: dict[Any, deque[float]] = {}

    def next_request(self) -> int:
        with self._lock:
            self._requests += 1
            return self._requests

    def next_page(self) -> int:
        with self._lock:
            self._pages += 1
            return self._pages

    def admit(self, key: Any, limit: float, moment: float) -> bool:
        with self._lock:
            recent = self._recent.setdefault(key, deque())
            while recent and moment - recent[0] >= 1.0:
                recent.popleft()
            if len(recent) >= limit:
                return False
            recent.append(moment)
            return True


class SharedCounters:
    """Counters in shared memory, one lock for all: correct across processes forked after
    they are made. ``keys``: every rate-limited key with its limit (the windows are sized
    up front)."""

    def __init__(self, keys: Iterable[tuple[Any, float]]) -> None:
        context = multiprocessing.get_context("fork")
        self._shared_lock = context.Lock()
        self._numbers = context.RawArray("q", 2)  # requests, pages
        # per key, a ring of the last ``limit`` admitted moments (0.0: none yet)
        self._rings: dict[Any, Any] = {}
        self._next: dict[Any, Any] = {}
        for key, limit in keys:
            size = max(1, math.ceil(limit))  # "limit" admissions in a second, no more
            self._rings[key] = context.RawArray("d", size)
            self._next[key] = context.RawValue("i", 0)

    def _bump(self, slot: int) -> int:
        with self._shared_lock:
            self._numbers[slot] += 1
            return int(self._numbers[slot])

    def next_request(self) -> int:
        return self._bump(0)

    def next_page(self) -> int:
        return self._bump(1)

    def admit(self, key: Any, limit: float, moment: float) -> bool:
        ring = self._rings.get(key)
        if ring is None:
            return True  # no documented limit was registered for it
        with self._shared_lock:
            oldest = self._next[key].value  # the ring's oldest admission is the next to go
            if ring[oldest] and moment - ring[oldest] < 1.0:
                return False
            ring[oldest] = moment
            self._next[key].value = (oldest + 1) % len(ring)
            return True
