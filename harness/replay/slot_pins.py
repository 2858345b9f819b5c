"""Which recordings can answer a request whose live values pin slots.

A live value that cannot stand for another (one already bound, or one the test's source,
environment or cassette holds) pins its slot: only the recordings made with that value
there can fit. ``SlotPins`` keeps, for ``MatchIndex``'s stage 2,

- the set of every value a recording holds in a pinnable slot: a pinned value none holds
  means no recording fits, one set lookup (``held_by_none``);
- per key, the entries by (slot position, recorded value), built the first time a value
  pins a slot of that key and kept up to date from then on (``candidates``): O(q) once
  per key, q the key's queue, then the entries with that value alone are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from harness.replay.match_keys import Key

#: Generated kinds a slot is never pinned by: times bind by their offset from now, uploads
#: by their bytes, idempotency tokens never decide a match.
FREE_KINDS = frozenset({"time", "blob", "token"})


def pins(slot: Any) -> bool:
    """True for a slot a live value may pin: a generated value of no free kind (not a
    placeholder), as a slot or as ``slots_as_data`` wrote it."""
    if isinstance(slot, list):
        return slot[0] not in FREE_KINDS
    return not isinstance(slot, str) and slot.kind not in FREE_KINDS


class SlotPins:
    """See the module. Entries are ``MatchIndex``'s: each has ``slots`` (read through
    ``read_slots`` when an index filed it unread) and ``taken``."""

    def __init__(self) -> None:
        #: None once a recording's slots are not known (an index of an older format)
        self._held: set[str] | None = set()
        self._by_slot: dict[Key, dict[tuple[int, str], list[Any]]] = {}

    def note(self, slots: tuple[Any, ...] | None) -> None:
        """A recording with ``slots`` (None: not known) was indexed."""
        if self._held is not None:
            if slots is None:
                self._held = None
            else:
                self._held.update(slot.value for slot in slots if pins(slot))

    def note_data(self, data: list[Any] | None) -> None:
        """A recording with slots as ``slots_as_data`` wrote them was indexed."""
        if self._held is not None:
            if data is None:
                self._held = None
            else:
                self._held.update(item[1] for item in data if pins(item))

    def filed(self, key: Key, entry: Any) -> None:
        """``entry`` was filed under ``key`` after its key's slot index was built."""
        by_slot = self._by_slot.get(key)
        if by_slot is not None:
            _file_by_slot(by_slot, entry)

    def held_by_none(self, values: Iterable[str]) -> bool:
        """True when no recording holds one of ``values`` in a slot: one set lookup each."""
        held = self._held
        return held is not None and any(value not in held for value in values)

    def candidates(
        self,
        key: Key,
        queue: Iterable[Any],
        pinned: dict[int, str],
        read_slots: Callable[[Any], Any],
    ) -> list[Any]:
        """The entries of ``key`` (its ``queue``) recorded with the ``pinned`` values (slot
        position -> value) in their slots, in recorded order, the taken ones at its start
        dropped: the shortest list of one pinned place's."""
        by_slot = self._by_slot.get(key)
        if by_slot is None:
            by_slot = self._by_slot[key] = {}
            for entry in queue:
                if not entry.taken:
                    _file_by_slot(by_slot, read_slots(entry))
        found = min((by_slot.get(place, []) for place in pinned.items()), key=len)
        while found and found[0].taken:
            del found[0]
        return found


def _file_by_slot(by_slot: dict[tuple[int, str], list[Any]], entry: Any) -> None:
    for position, slot in enumerate(entry.slots or ()):
        if pins(slot):
            by_slot.setdefault((position, slot.value), []).append(entry)
