"""Whether a live value may stand for a recorded one: the refusals of binding.

Binding must never turn a changed *hardcoded* value into a match, so a value is bound only
when it looks made up on both sides: a time keeps its offset from "now"; any other value is
refused when the live one is written in the test's source or found in the cassette (data
the test read, or a literal), or when the recorded one first came from a response (a
server's id, not the test's). ``MatchIndex`` asks a ``BindingJudge`` per candidate.

Cost: every fact a refusal asks of a value is computed once per value, never by searching
the text per candidate: ``known`` (the recorder's ``KnownValues``) is asked once per value;
where a recorded value first appears reads the interactions before the one asked about,
once per test, into a ``WordOffsets`` index extended as later ones are asked about
(O(p) once, p the furthest position asked about; O(1) per value after).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from harness.exchange import Exchange
from harness.replay import uploads
from harness.replay.first_seen import WordOffsets
from harness.replay.match_policy import MatchPolicy
from harness.replay.match_times import (
    date_verdict,
    hour_verdict,
    same_day,
    same_hour,
    time_verdict,
)
from harness.replay.volatile import DATE_SHAPES, HOUR_SHAPES, Generated, made_up

#: One recorded exchange as ``MatchIndex`` lists them: (index, exchange, region, recorded_at).
Recorded = tuple[int, Exchange, str | None, float | None]


@dataclass(frozen=True, kw_only=True)
class Asked:
    """What a refusal knows of the candidate: the exchange recorded ``index``-th, at
    ``recorded_at``; the replay's time ``now``; ``sent(sha256)``: the bytes of a body the
    live request holds as that digest, or None."""

    index: int
    recorded_at: float | None
    now: float | None
    sent: Callable[[str], bytes | None] | None


#: ``known`` answers kept (the live values a test sends; the oldest out first).
_KNOWN_KEPT = 65536
_UNASKED = object()


class BindingJudge:
    """Says why a live generated value may not stand for a recorded one (``refuse``).

    ``recorded`` is the index's list of every recorded exchange, shared (appended to as
    the index grows, which tells ``noted`` first); ``known(value)`` says where a live value
    was found that makes it no generated one (the test's source, the environment, the
    cassette), or None."""

    def __init__(
        self,
        *,
        policy: MatchPolicy,
        known: Callable[[str], str | None] | None,
        recorded: list[Recorded],
        written: Callable[[str], str | None] | None = None,
    ) -> None:
        self.policy = policy
        self.known = known
        self.written = written
        self._recorded = recorded
        #: False once ``recorded`` lists an exchange out of recorded order (``noted``)
        self._in_order = True
        #: why generated values were not bound, for the miss message (the last few)
        self.refusals: list[str] = []
        self._known_values: dict[str, str | None] = {}
        self._written_values: dict[str, str | None] = {}
        #: every recorded request and response before the furthest asked about, as one
        #: text indexed by its long runs, with each part's start and (index, is a response)
        self._haystack: WordOffsets | None = None
        self._parts: tuple[list[int], list[tuple[int, bool]]] = ([], [])
        self._in_haystack = 0
        #: (exchanges indexed, their text in recorded order, its parts) when out of order
        self._unordered: (
            tuple[int, WordOffsets, tuple[list[int], list[tuple[int, bool]]]] | None
        ) = None

    def noted(self, index: int) -> None:
        """Told of each exchange before it is appended to ``recorded``: whether they stay
        in recorded order is known as they come (the load reads each anyway), so no
        test's first binding scans them all."""
        if self._recorded and index <= self._recorded[-1][0]:
            self._in_order = False

    def refuse(self, recorded: Generated, live: Generated, asked: Asked) -> str | None:
        """Why ``live`` may not stand for ``recorded`` (a generated value of the exchange
        ``asked`` is about), or None; kept for the miss message."""
        why = self._refusal(recorded, live, asked)
        if why is not None:
            self.refusals[:] = [*self.refusals[-4:], f"{recorded.value!r} -> {live.value!r}: {why}"]
        return why

    def where_known(self, value: str) -> str | None:
        """``known(value)``, asked once per value (None without ``known``)."""
        if self.known is None:
            return None
        found = self._known_values.get(value, _UNASKED)
        if found is _UNASKED:
            found = self._known_values[value] = self.known(value)
            if len(self._known_values) > _KNOWN_KEPT:
                self._known_values.pop(next(iter(self._known_values)))
        return found  # type: ignore[return-value]

    def days_moved(
        self, slots: tuple[object, ...], recorded_at: float | None, now: float | None
    ) -> bool:
        """True when a recording holds a day alone (``2026-12-01``) and today is not the day
        it was recorded: a live day equal to it is then another distance from today (a
        week written ahead, replayed three days later, sends the fourth recorded day
        first), so the request as sent is no proof it is that recording's. So for a day
        and its hour (``dt=2026-12-01/hour=09``) and this hour."""
        if self.policy.time_tolerance is None or recorded_at is None or now is None:
            return False
        shapes = {getattr(slot, "shape", None) for slot in slots}
        if not shapes.isdisjoint(HOUR_SHAPES) and not same_hour(recorded_at, now):
            return True
        return not shapes.isdisjoint(DATE_SHAPES) and not same_day(recorded_at, now)

    def _where_written(self, value: str) -> str | None:
        """``written(value)``, asked once per value (``known`` without ``written``)."""
        if self.written is None:
            return self.where_known(value)
        found = self._written_values.get(value, _UNASKED)
        if found is _UNASKED:
            found = self._written_values[value] = self.written(value)
            if len(self._written_values) > _KNOWN_KEPT:
                self._written_values.pop(next(iter(self._written_values)))
        return found  # type: ignore[return-value]

    def _refusal(self, recorded: Generated, live: Generated, asked: Asked) -> str | None:
        now, recorded_at, sent = asked.now, asked.recorded_at, asked.sent
        if recorded.kind == "blob":
            volatile = self.policy.volatile
            return uploads.refusal(recorded.value, live.value, volatile, self.known, sent)
        if recorded.kind == "time":
            if recorded.epoch is None or live.epoch is None:
                return "not a time"
            day = recorded.shape in DATE_SHAPES or recorded.shape in HOUR_SHAPES
            hourly = recorded.shape in HOUR_SHAPES
            judge = hour_verdict if hourly else date_verdict if day else time_verdict
            verdict = judge(recorded.epoch, live.epoch, recorded_at, now, self.policy)
            if verdict is not None:
                return f"a generated time, but {verdict}"
            # a day is written down more often than a time of day: today's date typed into
            # the test after the recording would otherwise stand for the recorded one. Not
            # the cassette: a test that writes a week ahead and replays days later sends
            # days the recording wrote too (its offset from today is the proof it is made)
            where = self._where_written(live.value) if day else None
            return None if where is None else f"the sent day is {where}, so it is not generated"
        if recorded.kind in RANDOM_KINDS and alike(recorded.value, live.value):
            return (
                "the two differ in a few characters only, as a counter or a chosen id does "
                "(two values made up at random differ almost everywhere)"
            )
        if recorded.kind in WORD_KINDS and is_word(recorded) and is_word(live):
            # ``confirmed`` -> ``cancelled``: a word the test computed, not read in its
            # source, is still chosen; bound, replay would serve the answer to the other word
            return (
                "both are words, not values made up at random; declare a pattern (re:...) "
                "for names the test makes of letters alone"
            )
        where = self.where_known(live.value)
        if where is not None:
            return f"the sent value is {where}, so it is not generated per run"
        if self._from_a_response(recorded.value, asked.index):
            return "the recorded value came from an earlier response (a server's value)"
        return None

    def _from_a_response(self, value: str, before: int) -> bool:
        """True when ``value`` first appears in a recorded response before interaction
        ``before`` (before any request carried it)."""
        place = self._first_place(value, before)
        return place is not None and place[0] < before and place[1]

    def _first_place(self, value: str, before: int) -> tuple[int, bool] | None:
        """Where ``value`` first appears standing alone among the interactions before
        ``before`` (an interaction's request before its response), or None.

        Reads only those interactions, once, into an index of their requests and responses
        (``WordOffsets``), extended as later ones are asked about: a test binding to the
        first unused recordings of a 100,000-interaction cassette reads the first few, not
        all (amortized, the read is O(the furthest interaction asked about) per test; a
        lookup, O(1) per value). ``recorded`` is in recorded order, so its prefix is what
        came before."""
        if not self._in_order:
            return self._first_place_unordered(value)
        every = self._recorded
        end = self._in_haystack
        while end < len(every) and every[end][0] < before:
            end += 1
        if self._haystack is None or end > self._in_haystack:
            base = len(self._haystack.text) if self._haystack is not None else 0
            more = _text_of(every[self._in_haystack : end], self._parts, base)
            if self._haystack is None:
                self._haystack = WordOffsets(more)
            else:
                self._haystack.extend(more)
            self._in_haystack = end
        at = self._haystack.find(value)
        starts, places = self._parts
        return places[bisect.bisect_right(starts, at) - 1] if at >= 0 else None

    def _first_place_unordered(self, value: str) -> tuple[int, bool] | None:
        """``_first_place`` when ``recorded`` was indexed out of recorded order (so its
        prefix is not what came first): every exchange, sorted, read again whenever more
        were indexed; the first place overall (the caller compares it with ``before``)."""
        every = self._recorded
        if self._unordered is None or self._unordered[0] != len(every):
            parts: tuple[list[int], list[tuple[int, bool]]] = ([], [])
            text = _text_of(sorted(every, key=lambda r: r[0]), parts, 0)
            self._unordered = (len(every), WordOffsets(text), parts)
        _, haystack, (starts, places) = self._unordered
        at = haystack.find(value)
        return places[bisect.bisect_right(starts, at) - 1] if at >= 0 else None


def _text_of(
    added: list[Recorded], parts: tuple[list[int], list[tuple[int, bool]]], base: int
) -> bytearray:
    """The haystack's text of ``added`` exchanges (to follow ``base`` bytes), each part's
    start and place noted in ``parts``."""
    starts, places = parts
    text = bytearray()
    for index, exchange, _, _ in added:
        request, response = exchange.request, exchange.response
        sent = request.url.encode("utf-8") + b"\0" + request.body
        answered = "\0".join(response.headers.values()).encode("utf-8") + b"\0" + response.body
        for part, is_response in ((sent, False), (answered, True)):
            starts.append(base + len(text))
            places.append((index, is_response))
            text += part + b"\0"  # (no value spans two parts: values hold no NUL)
    return text


#: Kinds whose values are random when generated: two of them differ almost everywhere.
RANDOM_KINDS = frozenset({"uuid", "hex", "alnum", "hash"})


#: kinds whose pattern a word also matches
WORD_KINDS = frozenset({"hex", "alnum"})


def is_word(found: Generated) -> bool:
    """True for letters alone that read as a word (``padding``, ``Cancelled``): not hex
    digits that came out letters alone (``faaaba``: one draw in 360 of six), nor a long
    random run of small letters (a receipt handle: ``volatile.made_up``), nor letters
    drawn at random (``xkqzbwvmpt``: one suffix in 26 of ten letters and digits), which
    seldom mix vowels in as words do."""
    value = found.value
    if not value.isalpha() or _HEX_LETTERS.fullmatch(value) or made_up(found, 6):
        return False
    vowels = sum(1 for c in value if c in _VOWELS) / len(value)
    return 0.15 <= vowels <= 0.7 and _CONSONANT_RUN.search(value) is None


_HEX_LETTERS = re.compile(r"[a-f]+|[A-F]+")


_VOWELS = frozenset("aeiouyAEIOUY")


_CONSONANT_RUN = re.compile(r"[^aeiouyAEIOUY]{6,}")


_FEW = 3


_SHORT = 8  # (characters: shorter values agree by chance in a few places)


def alike(recorded: str, live: str) -> bool:
    """True when two values of one length differ in three letters or digits or fewer:
    ``item-000000000003`` and ``item-000000000000`` are a test's numbering, not values made
    up per run. Random ones differ almost everywhere, and even time-based ones (``uuid1``:
    its clock and sequence change, its node stays) differ in eight or more. Two short
    random ones (under eight characters) often agree by chance in a few places (``29f0f2``,
    ``27f8f2``: a few pairs in a thousand of six hex digits): a short numbering differs only
    at its end (``item01``, ``item07``)."""
    if len(recorded) != len(live):
        return False
    places = [i for i, (a, b) in enumerate(zip(recorded, live, strict=True)) if a != b]
    if len(places) > _FEW:
        return False
    if len(recorded) >= _SHORT or not places:
        return True
    return places[-1] == len(recorded) - 1 and places[-1] - places[0] < _FEW
