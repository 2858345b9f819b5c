"""Verdicts of exchanges already checked, by content: a replayed exchange is checked once.

A test suite replays the same recorded exchanges again and again (every test of a module, a
paginator chain walking the same pages, Hypothesis examples). Their contract verdict is a
pure function of the exchange's bytes and of the schemas and rules, which do not change
while a process runs; so the checker keeps the verdict of each exchange it judged, keyed by
a digest of everything the check reads, and a replay of the same bytes reuses it.

Never hiding a violation is the design constraint: the key covers the whole request
(method, URL, headers, body, decoded parameters) and the whole response (status, headers,
body), plus the schema source the verdict was made against; any change to one byte is a
new key. The cache lives in the process (bounded, least recently used first out), so a new
run, a new botocore or an edited rule always starts empty.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from harness.exchange import Exchange

T = TypeVar("T")

#: Verdicts kept per cache; each holds the decoded response of one small exchange.
MAX_ENTRIES = 2048
#: Exchanges with a larger response body are checked every time rather than kept.
MAX_BODY = 64 * 1024


def exchange_digest(exchange: Exchange) -> bytes | None:
    """A digest of everything a contract check reads from ``exchange`` (None: too large)."""
    request, response = exchange.request, exchange.response
    if len(response.body) > MAX_BODY:
        return None
    digest = hashlib.blake2b(digest_size=20)
    head = [
        exchange.service,
        exchange.operation,
        request.method,
        request.url,
        sorted(request.headers.items()),
        response.status,
        sorted(response.headers.items()),
    ]
    # repr, not JSON: as exact (strings are escaped, floats round-trip) at a third of the
    # cost; a different key order only makes a new key, which costs a check, never a miss
    digest.update(repr(head).encode())
    digest.update(b"\0request\0" + request.body)
    digest.update(b"\0response\0" + response.body)
    digest.update(repr(exchange.params).encode())
    return digest.digest()


class VerdictCache(Generic[T]):
    """A thread-safe, bounded map from (source, digest) to a verdict."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self.limit = limit
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Hashable, bytes], T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(
        self, source: Hashable, exchange: Exchange, compute: Callable[[], T]
    ) -> tuple[T, bool]:
        """The verdict of ``exchange`` against the schemas named by ``source`` (a schema
        source's key), and whether it came from the cache."""
        digest = exchange_digest(exchange)
        if digest is None:
            return compute(), False
        key = (source, digest)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found, True
            self.misses += 1
        verdict = compute()
        with self._lock:
            self._entries[key] = verdict
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return verdict, False

    def clear(self) -> None:
        """Forget every verdict (tests that change schemas in place call it)."""
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0
