"""The long runs of letters and digits a cassette's text holds, and a compact digest of them.

Replay asks of a value it may bind "does it stand in the cassette file?"
(``harness.replay.first_seen``). A value stands in a text only where each of its runs of
``MIN_WORD`` or more letters and digits is a whole run of the text, so the set of the
text's long runs answers "no" at once for most values. Building that set reads the whole
file (about 10 ms per MB): a test binding fresh ids from a 100,000-interaction cassette
would pay it on every run.

``RunDigests`` keeps that answer in the cassette's index instead (``harness.cassettes.index``,
made when the index is written, stamped with the cassette's bytes like every other row):
the CRC-32 of each distinct long run, sorted, 4 bytes each. ``may_hold`` is a binary search:
O(log runs) per run asked, never a false "no" (a false "yes", about one in 2**32 / runs,
only costs the search the caller makes to be sure).
"""

from __future__ import annotations

import base64
import binascii
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable

#: Runs of letters and digits shorter than this are not indexed (they repeat everywhere:
#: ``json``, ``2026``, a uuid's four-digit groups) and carry no bound.
MIN_WORD = 6
#: Every byte but ASCII letters and digits, as a space: the text's runs are then its words.
RUNS_ONLY = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))
#: Texts are split this many bytes at a time (at a byte outside every run), so the words of
#: a 100 MB cassette are never all in memory at once.
CHUNK = 1 << 22


def long_runs(text: bytes) -> set[bytes]:
    """The distinct runs of ``MIN_WORD`` or more ASCII letters and digits in ``text``:
    one ``bytes.translate`` and ``split`` pass, ``CHUNK`` bytes at a time."""
    runs: set[bytes] = set()
    start, chunk = 0, CHUNK
    while start < len(text):
        end = min(start + chunk, len(text))
        while end < len(text) and text[end : end + 1].isalnum():
            end += 1  # (a chunk ends outside a run: no run is cut in two)
        words = set(text[start:end].translate(RUNS_ONLY).split())
        runs.update(word for word in words if len(word) >= MIN_WORD)
        start = end
    return runs


class RunDigests:
    """Whether a run may be one of a text's long runs, from the runs' sorted CRC-32s."""

    def __init__(self, digests: array[int]) -> None:
        self._digests = digests  # (array "I" of 4-byte items, sorted)

    @classmethod
    def of_runs(cls, runs: Iterable[bytes]) -> RunDigests:
        return cls(_uint32(sorted({zlib.crc32(run) for run in runs})))

    @classmethod
    def of_text(cls, text: bytes) -> RunDigests:
        return cls.of_runs(long_runs(text))

    @classmethod
    def from_data(cls, data: object) -> RunDigests | None:
        """Read back what ``to_data`` wrote (None for anything else)."""
        if not isinstance(data, str):
            return None
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(raw) % 4:
            return None
        digests = _uint32()
        digests.frombytes(raw)
        if sys.byteorder == "big":
            digests.byteswap()  # (stored little-endian)
        return cls(digests)

    def to_data(self) -> str:
        digests = self._digests
        if sys.byteorder == "big":
            digests = _uint32(digests)
            digests.byteswap()
        return base64.b64encode(digests.tobytes()).decode("ascii")

    def may_hold(self, run: bytes) -> bool:
        """False only when ``run`` is not one of the text's long runs."""
        digest = zlib.crc32(run)
        at = bisect_left(self._digests, digest)
        return at < len(self._digests) and self._digests[at] == digest

    def __len__(self) -> int:
        return len(self._digests)


def _uint32(items: Iterable[int] = ()) -> array[int]:
    """An array of unsigned 4-byte integers (``I`` is 4 bytes on every platform Python
    supports, ``L`` is 8 on most 64-bit ones)."""
    digests = array("I", items)
    assert digests.itemsize == 4
    return digests
