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

``CassetteRuns`` answers only "does the value stand in the text?" for a whole cassette
file: it searches for the first values asked and builds the set of the text's long runs
only once those searches have cost about as much as building it.

``KnownValues`` answers a binding's other question, "where does this live value show it is
not generated?" (the test's source files, the environment, the cassette file), reading each
file once per test.

Cost (``WordOffsets``): building, one regex pass over the text and a dict entry per
distinct long run (memory in distinct runs, not in text size: a uuid adds two); ``find``,
O(1) amortized per value asked again, one dict lookup per run plus a search from the bound
for a new value.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.cassettes.runs import MIN_WORD, RunDigests, long_runs
from harness.secrets import shapes

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


#: ``CassetteRuns`` builds its set once the searches made so far have read the text this
#: many times over: building costs about 60 searches, so a test that asks a few values never
#: pays for it, and one that asks many pays at most about 1.3x what building at once costs.
_SEARCHES_BEFORE_BUILDING = 16


class CassetteRuns:
    """Whether values stand alone in a large text (a cassette file): ``holds(value)``.

    Answers as ``occurrence(value).search(text) is not None`` does. With the text's
    ``RunDigests`` (kept in the cassette's index), a value one of whose long runs the text
    lacks is absent at once, and the text is never read for it: O(log runs) per value,
    nothing per test. Without them, the first values asked are searched for directly (one
    pass over the text each, at ``bytes.find`` speed: about 3 ms for 20 MB); once those
    searches have read the text ``_SEARCHES_BEFORE_BUILDING`` times, the set of its long
    runs is built (``runs.long_runs``, about 10 ms per MB) and plays the digests' part.
    The text is read (``read``) when first searched. Every answer is kept.
    """

    def __init__(self, read: Callable[[], bytes], digests: RunDigests | None = None) -> None:
        self._read = read
        self._text: bytes | None = None
        self._digests = digests
        self._runs: set[bytes] | None = None
        self._searched = 0
        self._answers: dict[str, bool] = {}

    @property
    def text(self) -> bytes:
        if self._text is None:
            self._text = self._read()
        return self._text

    def holds(self, value: str) -> bool:
        found = self._answers.get(value)
        if found is None:
            found = self._answers[value] = self._holds(value)
        return found

    def _holds(self, value: str) -> bool:
        needle = value.encode("utf-8")
        if not needle:
            return False
        runs = [run.encode() for run in _RUNS_OF_VALUE.findall(value)]
        if self._digests is not None and not all(map(self._digests.may_hold, runs)):
            return False  # a long run of the value the text never holds
        text = self.text
        if self._runs is None and self._searched >= _SEARCHES_BEFORE_BUILDING * len(text):
            self._runs = long_runs(text)
        if self._runs is not None and any(run not in self._runs for run in runs):
            return False
        self._searched += len(text)
        return _stands_alone_in(text, needle)


def _stands_alone_in(text: bytes, needle: bytes) -> bool:
    """``occurrence(needle)`` has a match in ``text``: found by ``bytes.find``, each hit's
    neighbours checked (a regex with lookarounds is several times slower on a large text)."""
    at = text.find(needle)
    while at >= 0:
        before = text[at - 1 : at] if at else b""
        after = text[at + len(needle) : at + len(needle) + 1]
        if not before.isalnum() and not after.isalnum():
            return True
        at = text.find(needle, at + 1)
    return False


def _in_environment(value: str) -> bool:
    """Whether ``value`` stands in an environment variable's value: one search of the values
    as the process keeps them (``os.environ.items()`` decodes every variable, ~30 µs a
    binding in a small environment)."""
    data = getattr(os.environ, "_data", None)
    values = list(data.values()) if isinstance(data, dict) else None
    if not values or "\0" in value:
        return any(value in text for text in os.environ.values())
    if isinstance(values[0], bytes):  # (POSIX: bytes, as os.environ encodes them)
        return value.encode(sys.getfilesystemencoding(), "surrogateescape") in b"\0".join(values)
    return value in "\0".join(values)


class KnownValues:
    """Where a live value that looks generated shows it is not (``known``): written in the
    test's source files, in the environment, or standing in the cassette file. The facts
    a refusal to bind depends on, read once per file and kept per value."""

    def __init__(
        self,
        cassette: Path,
        sources: Sequence[Path],
        *,
        existed: bool,
        run_digests: Callable[[], RunDigests | None] = lambda: None,
    ) -> None:
        self.cassette = cassette
        self.sources = tuple(sources)
        self.existed = existed  # (a cassette written this run holds nothing to ask)
        #: the cassette file's long runs as its index keeps them (asked once, when first
        #: needed: the cassette is loaded after this is made)
        self._run_digests = run_digests
        self._texts: dict[str, str] = {}  # the sources' text, once read
        self._runs: CassetteRuns | None = None  # the cassette's bytes, asked
        self._literals: set[str] | None = None  # the sources' string literals, once found

    def known(self, value: str) -> str | None:
        """Where ``value`` was found, said for a miss report, or None."""
        where = self.written(value)
        if where is None and self.existed and self._cassette_runs().holds(value):
            return f"found in the cassette {self.cassette.name}"
        return where

    def written(self, value: str) -> str | None:
        """Where ``value`` is written down (the test's source files, the environment), or
        None: ``known`` without the cassette."""
        for path in self.sources:
            if value in self.text(path):
                return f"written in {path.name}"
        if not _in_environment(value):
            return None
        for name, text in os.environ.items():
            if value in text:
                return f"in the environment (${name})"
        return None

    def source_literals(self) -> set[str]:
        """The string literals of the test's source files (``shapes.source_literals``)."""
        if self._literals is None:
            self._literals = shapes.source_literals(self.text(p) for p in self.sources)
        return self._literals

    def text(self, path: Path) -> str:
        found = self._texts.get(str(path))
        if found is None:
            try:
                found = path.read_text("utf-8", "replace")
            except OSError:
                found = ""
            self._texts[str(path)] = found
        return found

    def _cassette_runs(self) -> CassetteRuns:
        """The cassette file's bytes, asked whether a value stands in them."""
        if self._runs is None:
            self._runs = CassetteRuns(self._read_cassette, self._run_digests())
        return self._runs

    def _read_cassette(self) -> bytes:
        try:
            return self.cassette.read_bytes()
        except OSError:
            return b""
