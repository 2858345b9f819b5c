"""Match live botocore requests to recorded ones by what they mean, in constant time.

Two requests match when they call the same service and operation with the same parameters,
read through botocore's model (``wire.decode_request``). Everything else is ignored:
signatures, dates, invocation ids, user agents, the order of JSON keys, the host (an
``AWS_ENDPOINT_URL`` or region change between record and replay must not break replay) and
which ``X-Amz-Target`` form a json-protocol request used (the target only selects the
operation). The client region takes part only when region matching is on.

Values botocore generates itself take no part: members with the ``idempotencyToken`` trait
(a fresh UUID per call unless the code passes one) are left out of the match key, so a
``CreateSecret`` recorded yesterday replays today; miss reports still show them.

The ``MatchIndex`` maps a canonical key to the recorded exchanges with that key, in recorded
order: a lookup is one dict access whatever the cassette size, and identical requests (a
throttled call and its retry, a polled resource) replay in the order they were recorded.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from harness.aws.models import operation_model
from harness.cassettes.interactions import not_as_indexed
from harness.exchange import Exchange
from harness.replay.binding_judge import Asked, BindingJudge
from harness.replay.match_entries import Entry, LiveForm, drop_taken
from harness.replay.match_keys import (
    Key,
    canonical,
    exact_form,
    key_and_slots,
    keys_fingerprint,
    slots_of_data,
    token_slots,
)
from harness.replay.match_policy import Matcher, MatchPolicy, ask_matcher, user_error
from harness.replay.match_times import has_timestamps, mask_times, time_verdict
from harness.replay.protocol_defaults import same_effect
from harness.replay.slot_pins import SlotPins, pins
from harness.secrets.vault import Binding, Ties

_CUSTOM = "<custom matcher>"


#: ``_first_fit`` found nothing (yet) in what is indexed.
_NOT_YET = object()

#: live requests' keys kept (``_live_key``; the oldest out first)
_LIVE_KEYS_KEPT = 256


@dataclass(frozen=True, kw_only=True)
class _Asking:
    """What one ``take`` knows besides the request: the time, and the bytes of a body the
    request holds as a digest (``take``'s ``sent``)."""

    now: float | None
    sent: Callable[[str], bytes | None] | None


@dataclass(kw_only=True)
class MatchIndex:
    """Recorded exchanges by match key; ``take`` hands each out once, in recorded order.

    Timestamp parameters are masked in the key and compared by ``MatchPolicy`` among the
    (few) recorded requests that share the rest of the key.
    """

    match_region: bool = False
    policy: MatchPolicy = field(default_factory=MatchPolicy)
    #: (deques: replay takes from the front, whatever a queue's length)
    _queues: dict[Key, deque[Entry]] = field(default_factory=dict)
    _all: list[tuple[int, Exchange, str | None, float | None]] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)
    #: the recorded placeholders tied to the live test's values so far
    binding: Binding = field(default_factory=Binding)
    #: ``known(value)``: where a live value was found that makes it no generated one (the
    #: test's source, the cassette), or None; set by the recorder
    known: Callable[[str], str | None] | None = None
    #: ``written(value)``: ``known`` without the cassette (the source, the environment)
    written: Callable[[str], str | None] | None = None
    #: entries by key and exact form (the request as sent): stage 1 of ``take``
    _exact: dict[tuple[Key, str], deque[Entry]] = field(default_factory=dict)
    #: which recordings a live value pinning a slot leaves (``_pinned``)
    _pins: SlotPins = field(default_factory=SlotPins)
    #: live requests' keys and slots by content (``_live_key``), the oldest out first
    _live_keys: dict[tuple[Any, ...], tuple[Key, tuple[Any, ...]]] = field(default_factory=dict)
    #: ``more()``: index the next recorded exchange of a cassette read lazily and return its
    #: key (None when none is left; it then sets ``more`` to None); set by the recorder
    more: Callable[[], Key | None] | None = None

    def __post_init__(self) -> None:
        # (whether a live value may stand for a recorded one: ``binding_judge``)
        self._judge = BindingJudge(
            policy=self.policy, known=self.known, written=self.written, recorded=self._all
        )

    @property
    def refusals(self) -> list[str]:
        """Why generated values were not bound, for the miss message (the last few)."""
        return self._judge.refusals

    def add(
        self,
        index: int,
        exchange: Exchange,
        region: str | None = None,
        recorded_at: float | None = None,
    ) -> tuple[Key, dict[str, float], tuple[Any, ...] | None]:
        """Index the exchange stored at ``index`` (recorded in ``region``, at ``recorded_at``).

        Returns its key, timestamps and slots, which ``add_keyed`` takes to index it again
        without reading its parameters (``harness.cassettes.index``; slots as
        ``slots_as_data`` writes them)."""
        service, operation = exchange.service, exchange.operation
        where = (region or "") if self.match_region else None
        if self.policy.matcher(service, operation) is not None:
            # a custom matcher decides: index by operation only, ask it along the queue
            entry = Entry(
                index=index,
                exchange=exchange,
                times={},
                recorded_at=recorded_at,
                params=self.prepared(exchange),
            )
            key: Key = (service, operation, _CUSTOM) + ((where,) if where is not None else ())
        else:
            params, times = self.split(service, operation, exchange.params)
            key, slots = key_and_slots(service, operation, params, where, self.policy.volatile)
            entry = Entry(
                index=index, exchange=exchange, times=times, recorded_at=recorded_at, slots=slots
            )
            self._file_exact(key, entry, exact_form(service, operation, params))
            self._pins.note(slots)
        self._file(key, entry, region)
        return key, entry.times, entry.slots

    def key_of(self, exchange: Exchange, region: str | None = None) -> Key:
        """The key ``add`` files ``exchange`` under (recorded in ``region``)."""
        service, operation = exchange.service, exchange.operation
        where = (region or "") if self.match_region else None
        if self.policy.matcher(service, operation) is not None:
            return (service, operation, _CUSTOM) + ((where,) if where is not None else ())
        params, _ = self.split(service, operation, exchange.params)
        return key_and_slots(service, operation, params, where, self.policy.volatile)[0]

    def add_keyed(
        self,
        rows: Iterable[
            tuple[int, Exchange, str | None, float | None, Key, dict[str, float] | None, Any]
        ],
    ) -> None:
        """``add`` many ``(index, exchange, region, recorded_at, key, times, slots)`` with
        what ``add`` returned under the same ``fingerprint`` (slots as ``slots_as_data``
        wrote them; None when not known). The slots are taken as written only to find
        candidates: an entry is checked against its parameters before it is served
        (``_verified``)."""
        queues, every, file_exact = self._queues, self._all, self._file_exact
        no_times: dict[str, float] = {}
        split = self.split
        note_data = self._pins.note_data
        noted = self._judge.noted
        for index, exchange, region, recorded_at, key, times, data in rows:  # 100,000 rows
            entry = Entry(
                index=index,
                exchange=exchange,
                times=times or no_times,
                recorded_at=recorded_at,
                key=key,
                data=data,
            )
            note_data(data)
            queue = queues.get(key)
            if queue is None:
                queues[key] = deque((entry,))
            else:
                queue.append(entry)
            noted(index)
            every.append((index, exchange, region, recorded_at))
            service, operation = exchange.service, exchange.operation
            form = exact_form(service, operation, split(service, operation, exchange.params)[0])
            file_exact(key, entry, form)

    def _file(self, key: Key, entry: Entry, region: str | None) -> None:
        self._queues.setdefault(key, deque()).append(entry)
        self._judge.noted(entry.index)
        self._all.append((entry.index, entry.exchange, region, entry.recorded_at))
        self._pins.filed(key, entry)

    def _file_exact(self, key: Key, entry: Entry, form: str | None) -> None:
        if form is None:
            return
        found = self._exact.get((key, form))
        if found is None:
            self._exact[key, form] = deque((entry,))
        else:
            found.append(entry)

    def fingerprint(self) -> str | None:
        """What this index's keys depend on besides the parameters (``keys_fingerprint``)."""
        return keys_fingerprint(self.policy, self.match_region)

    def __len__(self) -> int:
        return len(self._all)

    @property
    def recorded(self) -> list[tuple[int, Exchange, str | None, float | None]]:
        """Every recorded exchange indexed: (index, exchange, region, recorded_at)."""
        return self._all

    def was_used(self, index: int) -> bool:
        """True when the exchange recorded ``index``-th was handed out by ``take``."""
        return index in self._used

    def prepared(self, exchange: Exchange) -> dict[str, Any]:
        """A recorded exchange's parameters as a custom matcher reads them (``shaped``)."""
        return self.shaped(exchange.service, exchange.operation, exchange.params)

    def shaped(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """``same_effect(params)``, normalised and without ignored members (policy steps 1, 2)."""
        params = same_effect(service, operation, params)
        for normalize in self.policy.normalizers(service, operation):
            try:
                params = normalize(copy.deepcopy(params))
            except Exception as exc:
                raise user_error("normalize", normalize, service, operation, exc) from exc
            if not isinstance(params, dict):
                raise user_error(
                    "normalize", normalize, service, operation, TypeError("returned no dict")
                )
        ignored = self.policy.ignored(service, operation)
        if ignored:
            params = {k: v for k, v in params.items() if k not in ignored}
        return params

    def split(
        self, service: str, operation: str, params: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, float]]:
        params = self.shaped(service, operation, params)
        if not has_timestamps(service, operation):
            return params, {}
        times: dict[str, float] = {}
        masked = mask_times(operation_model(service, operation).input_shape, params, "", times)
        return masked, times

    def form(
        self, service: str, operation: str, params: dict[str, Any], region: str | None = None
    ) -> LiveForm | None:
        """How ``take`` reads a live request of ``params``: a pure function of them under
        this index's policy, so a caller may keep it per request content and give it back
        (``take(..., form=)``); None under a custom matcher (it reads every exchange)."""
        if self.policy.matcher(service, operation) is not None:
            return None
        masked, times = self.split(service, operation, params)
        exact = exact_form(service, operation, masked)
        if self.match_region:
            key, live = self._live_key(service, operation, masked, region or "")
            anywhere = self._live_key(service, operation, masked, "")[0]
            # (recorded without a known region: filed under "", matching any)
            return LiveForm(key=key, live=live, times=times, anywhere=anywhere, exact=exact)
        key, live = self._live_key(service, operation, masked, None)
        return LiveForm(key=key, live=live, times=times, exact=exact)

    def take(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None = None,
        now: float | None = None,
        accept: Callable[[Exchange], bool] | None = None,
        form: LiveForm | None = None,
        sent: Callable[[str], bytes | None] | None = None,
    ) -> tuple[int, Exchange] | None:
        """The next unused recorded exchange matching the request, or ``None``.

        With ``accept``, that exchange is taken only if ``accept`` says yes (else ``None``,
        and it stays for the next ``take``). ``form`` is ``self.form(...)`` of the same
        request, when the caller kept it. ``sent(sha256)``: the bytes of the body the
        request holds as that digest, or None (a blob binds only when its bytes are known).

        In two stages, among the exchanges filed under the request's key (its parameters
        with generated values and placeholders masked):

        1. exact: the first one recorded with the parameters as sent (or as sent with the
           values this test already bound written as recorded): one dict lookup (the
           recorder asks this stage alone first, before redacting the request:
           ``take_exact``);
        2. bound: only when none is left, the first one recorded whose generated values the
           live ones may stand for (``_refuse``). A live value that cannot stand for another
           (written in the test's source, in the cassette, already bound) pins its slot:
           only the exchanges recorded with that value are read (``SlotPins``).

        Cost, in cassette size n and queue length q: stage 1 O(1); stage 2 O(k), k the
        exchanges passed over before the first that fits (taken ones are dropped as they
        are passed, so each is passed once), and O(q) once per key the first time a slot is
        pinned. Every fact a refusal asks of a value is computed once per value, never by
        searching the text per exchange (``harness.replay.first_seen``): where a recorded
        value first appears reads the interactions before the one asked about, once per
        test (O(p), p the furthest position asked about: the first few, when a test binds
        to its first unused recordings); whether a live value is in the cassette file (the
        recorder's ``known``) searches the file for the first values asked, then builds a
        set of its runs: O(n) once per test that binds, at most (as reading its index is),
        O(1) per value after. Stage 1 and every lookup after those reads do not grow with n.
        """
        matcher = self.policy.matcher(service, operation)
        if matcher is not None or self.match_region:
            self.read_all()  # (which queue answers depends on every recorded exchange)
        if matcher is not None:
            return self._take_custom(matcher, service, operation, params, region, accept)
        if form is None:
            form = self.form(service, operation, params, region)
            assert form is not None  # (no custom matcher)
        key, live = form.key, form.live
        if form.anywhere is not None and not self._untaken(key):
            key, live = form.anywhere, form.live
        while True:
            found = self._first_fit(key, live, form, _Asking(now=now, sent=sent), accept)
            if found is not _NOT_YET:
                return cast(tuple[int, Exchange] | None, found)
            # none read so far fits: read on (a lazily read cassette), in recorded order
            if not self._read_until(key):
                return None

    def _first_fit(
        self,
        key: Key,
        live: tuple[Any, ...],
        form: LiveForm,
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Take the first entry filed under ``key`` that answers the request (``take``'s
        stages): its ``(index, exchange)``; None when ``accept`` refuses it; ``_NOT_YET``
        when none fits."""
        queue = self._queues.get(key)
        if not queue:
            return _NOT_YET
        found = self._exact_fit(key, live, form, asking, accept)
        if found is not _NOT_YET:
            return found
        times = form.times
        pinned = self._pinned(live)
        if pinned:
            if self._pins.held_by_none(pinned.values()):
                return _NOT_YET  # a value no recording holds pins a slot: none can fit
            return self._first_fit_pinned(key, queue, pinned, live, times, asking, accept)
        passed, dead = 0, 0
        for entry in queue:
            passed += 1
            if entry.taken:
                dead += 1
                continue
            if times and not self._times_match(entry, times, asking.now):
                continue
            ties = self._ties(entry, live, asking)
            if ties is None:
                continue  # its placeholders stand for other values of this test
            found = self._give(entry, ties, accept)
            if found is not None:
                dead += 1
            drop_taken(queue, passed, dead)
            return found
        drop_taken(queue, passed, dead)
        return _NOT_YET

    def _exact_fit(
        self,
        key: Key,
        live: tuple[Any, ...],
        form: LiveForm,
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Stage 1 of ``take``: the first unused entry recorded with the request as sent (or
        as sent with this test's bound values written as recorded); ``_NOT_YET`` if none."""
        times = form.times
        for sent, exact in enumerate(self._exact_forms(form.exact)):
            bucket = self._exact.get((key, exact))
            if not bucket:
                continue
            while bucket and bucket[0].taken:
                bucket.popleft()
            for entry in bucket:
                if entry.taken or (times and not self._times_match(entry, times, asking.now)):
                    continue
                ties = self._ties(entry, live, asking, exact=True)
                if ties is not None:
                    # (the first form is the request as sent: its slots are the entry's)
                    return self._give(entry, ties, accept, live if sent == 0 else None)
        return _NOT_YET

    def take_exact(
        self,
        service: str,
        operation: str,
        form: LiveForm,
        now: float | None = None,
        accept: Callable[[Exchange], bool] | None = None,
    ) -> tuple[int, Exchange] | None:
        """``take``'s stage 1 alone, among the exchanges read so far: never binds, never
        reads on. None when no recording holds the request as sent (``take`` then decides,
        with every stage). O(1)."""
        if self.match_region or self.policy.matcher(service, operation) is not None:
            return None
        found = self._exact_fit(form.key, form.live, form, _Asking(now=now, sent=None), accept)
        return None if found is _NOT_YET else cast(tuple[int, Exchange] | None, found)

    def _first_fit_pinned(
        self,
        key: Key,
        queue: deque[Entry],
        pinned: dict[int, str],
        live: tuple[Any, ...],
        times: dict[str, float],
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Stage 2 when live values pin slots: only the entries recorded with the pinned
        values there can fit, read from the key's slot index in recorded order."""
        for entry in self._pins.candidates(key, queue, pinned, self._read_slots):
            if entry.taken or (times and not self._times_match(entry, times, asking.now)):
                continue
            ties = self._ties(entry, live, asking)
            if ties is not None:
                return self._give(entry, ties, accept)
        return _NOT_YET

    def _untaken(self, key: Key) -> bool:
        """True when an entry filed under ``key`` is still to be replayed."""
        queue = self._queues.get(key)
        while queue and queue[0].taken:
            queue.popleft()
        return queue is not None and any(not entry.taken for entry in queue)

    def _give(
        self,
        entry: Entry,
        ties: Ties,
        accept: Callable[[Exchange], bool] | None,
        same: tuple[Any, ...] | None = None,
    ) -> tuple[int, Exchange] | None:
        """Hand ``entry`` out (None when ``accept`` refuses it: it stays). ``same``: the
        live slots of a request whose exact form is the entry's (``_verified``)."""
        self._verified(entry, same)
        if accept is not None and not accept(entry.exchange):
            return None
        entry.taken = True
        self._used.add(entry.index)
        self.binding.tie(ties)
        return entry.index, entry.exchange

    def _exact_forms(self, exact: str | None) -> Iterator[str]:
        """The exact forms to look up: as sent, then (only when that finds nothing) with the
        values this test bound written as recorded (a later request about an id bound
        earlier): the rewrite is not paid by a request its own recording answers."""
        if exact is None:
            return
        yield exact
        binding = self.binding
        if binding.generated_back or binding.live_to_recorded or binding.blobs_back:
            recorded = binding.to_recorded(exact)
            if recorded != exact:
                yield recorded

    def _pinned(self, live: tuple[Any, ...]) -> dict[int, str]:
        """Slot position -> the only recorded value that can stand there, for each live
        value that cannot stand for another: one already bound (to its recorded value), or
        one ``known`` says is no generated value (only itself)."""
        pinned: dict[int, str] = {}
        for position, value in enumerate(live):
            if not pins(value):
                continue
            bound = self.binding.generated_back.get(value.value)
            if bound is not None:
                pinned[position] = bound
            elif self._judge.where_known(value.value) is not None:
                pinned[position] = value.value
        return pinned

    def _read_slots(self, entry: Entry) -> Entry:
        """``entry`` with its slots read (an entry indexed from a sidecar has none yet)."""
        if entry.slots is None:
            if entry.data is not None:
                entry.slots = slots_of_data(entry.data)
            else:
                entry.slots = self._verified(entry).slots
        return entry

    def _verified(self, entry: Entry, same: tuple[Any, ...] | None = None) -> Entry:
        """``entry`` once its key, slots and timestamps are those of its parameters (an
        index's entry: one stale or forged is never served); its slots read so.

        ``same``: the slots of a live request whose exact form is the entry's, computed at
        load from its parameters, and filed under the live request's key: its key is that
        key and its slots those slots but for its own idempotency tokens, so the masking
        (about 60 µs) is not done again."""
        if entry.key is None:
            return entry
        exchange = entry.exchange
        service, operation = exchange.service, exchange.operation
        params, times = self.split(service, operation, exchange.params)
        if same is not None:
            key = entry.key
            tokens = token_slots(service, operation, params)
            slots = (*(s for s in same if getattr(s, "kind", None) != "token"), *tokens)
        else:
            where = entry.key[3] if len(entry.key) > 3 else None
            key, slots = key_and_slots(service, operation, params, where, self.policy.volatile)
        if (
            key != entry.key
            or (entry.slots is not None and slots != entry.slots)
            or times != (entry.times or {})
        ):
            # a stale or forged index filed it under another request's key: never served
            raise not_as_indexed(str(exchange.cassette), entry.index, exchange.label)
        entry.slots, entry.key, entry.data = slots, None, None
        return entry

    def _read_until(self, key: Key) -> bool:
        """Index lazily read exchanges until one is filed under ``key``; False when every
        one is read."""
        while self.more is not None:
            if self.more() == key:
                return True
        return False

    def read_all(self) -> None:
        """Index every exchange a lazily read cassette still holds."""
        while self.more is not None:
            self.more()

    def _live_key(
        self, service: str, operation: str, masked: dict[str, Any], region: str | None
    ) -> tuple[Key, tuple[Any, ...]]:
        """``key_and_slots`` of a live request, kept per content: a test sends the same
        request again and again, and masking its generated values is the costly part."""
        found_key = (service, operation, canonical(masked), region)
        found = self._live_keys.get(found_key)
        if found is None:
            found = key_and_slots(service, operation, masked, region, self.policy.volatile)
            if len(self._live_keys) >= _LIVE_KEYS_KEPT:
                self._live_keys.pop(next(iter(self._live_keys)))
            self._live_keys[found_key] = found
        return found

    def _ties(
        self, entry: Entry, live: tuple[Any, ...], asking: _Asking, exact: bool = False
    ) -> Ties | None:
        """The ties under which ``entry`` answers a request with ``live`` slots (``exact``:
        with every generated value equal to its recorded one)."""
        slots = self._read_slots(entry).slots
        assert slots is not None
        if not slots and not live:
            return Ties()
        if exact:
            ties = self.binding.fits(slots, live)
            if ties is not None and self._judge.days_moved(slots, entry.recorded_at, asking.now):
                return None  # a day as sent but at another distance from today: stage 2 binds
            return ties
        asked = Asked(
            index=entry.index, recorded_at=entry.recorded_at, now=asking.now, sent=asking.sent
        )
        return self.binding.fits(slots, live, lambda r, v: self._judge.refuse(r, v, asked))

    def _take_custom(
        self,
        matcher: Matcher,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None,
        accept: Callable[[Exchange], bool] | None = None,
    ) -> tuple[int, Exchange] | None:
        sent = self.shaped(service, operation, params)
        keys: list[Key] = [(service, operation, _CUSTOM)]
        if self.match_region:
            keys = [(service, operation, _CUSTOM, region or ""), (service, operation, _CUSTOM, "")]
        for key in keys:
            queue = self._queues.get(key, deque())
            for position, entry in enumerate(queue):
                if ask_matcher(matcher, entry.params or {}, sent, service, operation):
                    if accept is not None and not accept(entry.exchange):
                        return None
                    del queue[position]
                    entry.taken = True
                    self._used.add(entry.index)
                    return entry.index, entry.exchange
        return None

    def _times_match(self, entry: Entry, sent: dict[str, float], now: float | None) -> bool:
        return all(
            time_verdict(entry.times.get(path), value, entry.recorded_at, now, self.policy) is None
            for path, value in sent.items()
        ) and set(sent) == set(entry.times)
