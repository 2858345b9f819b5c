"""Where a value first occurs in a large text, found without searching the text per value.

Replay asks of each value it may bind "is it in the cassette?" and "where does it first
appear?" (``harness.replay.matching``). Searching a cassette's whole text for each value made
a replay cost (values asked) x (cassette size): 0.9 s a call from 200 interactions, minutes
from 2,000. ``WordOffsets`` reads the text once and keeps, for every run of letters and
digits of ``MIN_WORD`` or more, the offset of its first occurrence. A value occurs (between
non-alphanumeric characters, or the text's ends) only where each of its long runs occurs as a
whole run, so

- a value one of whose long runs the text never holds is absent: one dict lookup;
- otherwise its first occurrence is at or after the latest of its runs' first offsets (each
  less the run's place in the value), and one search from there finds it, usually at once.

Values with no long run are searched for in full, once each (``find`` keeps every answer).

Cost: building, one regex pass over the text and a dict entry per distinct long run (memory
in distinct runs, not in text size: a uuid adds two); ``find``, O(1) amortized per value
asked again, one dict lookup per run plus a search from the bound for a new value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Runs of letters and digits shorter than this are not indexed (they repeat everywhere:
#: ``json``, ``2026``, a uuid's four-digit groups) and carry no bound.
MIN_WORD = 6

_LONG_RUN = re.compile(rb"(?<![0-9A-Za-z])[0-9A-Za-z]{%d,}" % MIN_WORD)
_RUNS_OF_VALUE = re.compile(f"[0-9A-Za-z]{{{MIN_WORD},}}")


def occurrence(value: str) -> re.Pattern[bytes]:
    """The pattern of ``value`` standing alone: not inside a longer run of letters/digits."""
    return re.compile(rb"(?<![0-9A-Za-z])" + re.escape(value.encode()) + rb"(?![0-9A-Za-z])")


@dataclass
class WordOffsets:
    """A text and the first offset of each of its long runs (see the module's docstring)."""

    text: bytearray
    _first: dict[bytes, int] = field(default_factory=dict, repr=False)
    _found: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index_from(0)

    def extend(self, more: bytes | bytearray) -> None:
        """Append ``more`` (which must not continue a run the text ends with)."""
        start = len(self.text)
        self.text += more
        self._index_from(start)
        # a value found stays where it was found; one not found may be in what was added
        self._found = {k: v for k, v in self._found.items() if v >= 0}

    def _index_from(self, start: int) -> None:
        first = self._first
        for match in _LONG_RUN.finditer(self.text, start):
            first.setdefault(match.group(), match.start())

    def find(self, value: str) -> int:
        """The offset where ``value`` first occurs standing alone, or -1."""
        found = self._found.get(value)
        if found is None:
            found = self._found[value] = self._search(value)
        return found

    def _search(self, value: str) -> int:
        if not value:
            return -1
        start = 0
        for run in _RUNS_OF_VALUE.finditer(value):
            at = self._first.get(run.group().encode())
            if at is None:
                return -1  # a run of the value the text never holds
            start = max(start, at - len(value[: run.start()].encode()))
        match = occurrence(value).search(self.text, start)
        return match.start() if match is not None else -1
