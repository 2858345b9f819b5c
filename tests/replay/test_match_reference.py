"""The indexed matcher against a brute-force reference: same answers on random cassettes
and random call orders.

``MatchIndex.take`` finds an exact match by one lookup and pins slots through indexes built
once; ``Reference`` below does what ``take``'s docstring says by reading every recorded
exchange on every call, and computes every fact a refusal needs (is the value in the
cassette, where does it first appear) by searching every recorded text. Hypothesis draws
cassettes (one operation, many ids; repeats; answers that hand out ids; hard-coded and
generated values mixed; a second operation) and call sequences (shuffled, reversed, subsets,
repeats, fresh ids, hard-coded ids the cassette lacks, operations interleaved): both must
serve the same recorded exchange, miss together, and leave the same bindings.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.aws.protocols import wire_form as wire
from harness.exchange import Exchange
from harness.plugin.cassette_settings import VOLATILE_DEFAULT
from harness.replay import uploads
from harness.replay.binding_judge import RANDOM_KINDS, WORD_KINDS, alike, is_word
from harness.replay.match_keys import exact_form, key_and_slots
from harness.replay.match_policy import MatchPolicy
from harness.replay.match_times import date_verdict, time_verdict
from harness.replay.matching import MatchIndex
from harness.replay.volatile import DATE_SHAPES
from harness.secrets.vault import Binding, Ties

ENDPOINT = "https://xray.us-east-1.amazonaws.com"
HARD_CODED = ["insight-0001", "insight-0002", "checkout-group"]


def _exchange(operation: str, params: dict[str, Any], answer: dict[str, Any]) -> Exchange:
    request = wire.encode_request("xray", operation, params, ENDPOINT)
    response = wire.encode_response("xray", operation, answer)
    return Exchange("xray", operation, request, response, "recorded", params)


def _insight(insight: str, also: str | None = None) -> Exchange:
    """GetInsight for ``insight``; its answer names ``also`` too (a server's id) if given."""
    answer: dict[str, Any] = {"Insight": {"InsightId": insight, "State": "CLOSED"}}
    if also is not None:
        answer["Insight"]["Summary"] = f"related to {also}"
    return _exchange("GetInsight", {"InsightId": insight}, answer)


def _events(insight: str, token: str | None) -> Exchange:
    params: dict[str, Any] = {"InsightId": insight}
    if token is not None:
        params["NextToken"] = token
    return _exchange("GetInsightEvents", params, {"InsightEvents": []})


def _standing_alone(value: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![0-9A-Za-z])" + re.escape(value.encode()) + rb"(?![0-9A-Za-z])")


@dataclass
class _Recorded:
    index: int
    exchange: Exchange
    key: tuple[str, ...]
    slots: tuple[Any, ...]
    exact: str | None
    used: bool = False


class Reference:
    """``MatchIndex.take``'s rule, by brute force (no index, no memo, no cleverness)."""

    def __init__(self, policy: MatchPolicy, exchanges: list[Exchange], known: Any) -> None:
        self.policy, self.known, self.binding = policy, known, Binding()
        self.recorded = []
        for index, exchange in enumerate(exchanges):
            key, slots, exact = self._read(exchange.operation, exchange.params)
            self.recorded.append(_Recorded(index, exchange, key, slots, exact))

    def _read(self, operation: str, params: dict[str, Any]) -> tuple[Any, Any, str | None]:
        key, slots = key_and_slots("xray", operation, params, None, self.policy.volatile)
        return key, slots, exact_form("xray", operation, params)

    def take(self, operation: str, params: dict[str, Any]) -> int | None:
        key, live, exact = self._read(operation, params)
        same = [r for r in self.recorded if not r.used and r.key == key]
        forms = {exact, self.binding.to_recorded(exact)} if exact is not None else set()
        for r in same:  # 1. exact, in recorded order
            ties = self.binding.fits(r.slots, live) if r.exact in forms else None
            if ties is not None:
                return self._give(r, ties)
        for r in same:  # 2. bound, in recorded order
            ties = self.binding.fits(r.slots, live, lambda a, b, r=r: self.refusal(r, a, b))
            if ties is not None:
                return self._give(r, ties)
        return None

    def _give(self, r: _Recorded, ties: Ties) -> int:
        r.used = True
        self.binding.tie(ties)
        return r.index

    def refusal(self, r: _Recorded, recorded: Any, live: Any) -> str | None:
        """``MatchIndex._refusal``'s reasons, each fact found by reading everything."""
        if recorded.kind == "blob":
            return uploads.refusal(recorded.value, live.value, self.policy.volatile, None, None)
        if recorded.kind == "time":
            if recorded.epoch is None or live.epoch is None:
                return "not a time"
            day = recorded.shape in DATE_SHAPES
            judge = date_verdict if day else time_verdict
            if judge(recorded.epoch, live.epoch, None, None, self.policy) is not None:
                return "time"
            return "day written" if day and self.known(live.value) else None
        if recorded.kind in RANDOM_KINDS and alike(recorded.value, live.value):
            return "alike"
        if recorded.kind in WORD_KINDS and is_word(recorded) and is_word(live):
            return "words"
        if self.known(live.value) is not None:
            return "known"
        if self.first_place(recorded.value, r.index):
            return "from a response"
        return None

    def first_place(self, value: str, before: int) -> bool:
        """True when ``value`` first stands alone in a response before ``before``."""
        pattern = _standing_alone(value)
        for r in self.recorded:
            request, response = r.exchange.request, r.exchange.response
            sent = request.url.encode() + b"\0" + request.body
            answered = "\0".join(response.headers.values()).encode() + b"\0" + response.body
            if pattern.search(sent):
                return False
            if pattern.search(answered):
                return r.index < before
        return False


def _cassette_known(exchanges: list[Exchange], source: set[str], on_disk: bool) -> Any:
    """``known`` as the recorder answers it: in the test's source, or in the cassette (when
    it is on disk: a cassette being recorded is not yet)."""
    texts = [
        e.request.url.encode() + b"\0" + e.request.body + b"\0" + e.response.body for e in exchanges
    ]

    def known(value: str) -> str | None:
        if value in source:
            return "written in test_app.py"
        pattern = _standing_alone(value)
        found = on_disk and any(pattern.search(t) for t in texts)
        return "found in the cassette" if found else None

    return known


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Exchange], list[tuple[str, dict[str, Any]]], set[str]]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    ids = [
        str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(draw(st.integers(1, 12)))
    ]
    pool = ids + HARD_CODED[: draw(st.integers(0, 3))]
    exchanges: list[Exchange] = []
    for _ in range(draw(st.integers(1, 24))):
        insight = rng.choice(pool)
        kind = draw(st.sampled_from(["get", "get", "get", "listing", "events"]))
        if kind == "get":
            exchanges.append(_insight(insight))
        elif kind == "listing":  # the answer hands out an id a later request uses
            handed = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            exchanges.append(_insight(insight, also=handed))
            exchanges.append(_insight(handed))
        else:
            token = draw(st.sampled_from([None, "abc123def456", "7f3a9c1e2b4d6f80"]))
            exchanges.append(_events(insight, token))
    recorded_calls = [(e.operation, dict(e.params)) for e in exchanges]
    fresh = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(4)]
    order = draw(st.sampled_from(["shuffled", "reversed", "subset", "mixed"]))
    calls = list(recorded_calls)
    if order == "shuffled":
        rng.shuffle(calls)
    elif order == "reversed":
        calls.reverse()
    elif order == "subset":
        calls = calls[:: draw(st.integers(2, 4))]
    else:  # repeats, fresh ids, hard-coded ids, interleaved
        extra = [("GetInsight", {"InsightId": v}) for v in fresh + HARD_CODED]
        extra += [("GetInsightEvents", {"InsightId": v}) for v in fresh[:2]]
        calls = [rng.choice(calls + extra) for _ in range(draw(st.integers(1, 30)))]
    if draw(st.booleans()):  # fresh ids in place of some recorded ones (generated per run)
        swap = dict(zip(ids, fresh, strict=False))
        calls = [(op, {k: swap.get(v, v) for k, v in p.items()}) for op, p in calls]
    source = {v for v in pool + fresh if rng.random() < 0.2}
    return exchanges, calls, source, draw(st.booleans())


def _agree(
    exchanges: list[Exchange],
    calls: list[tuple[str, dict[str, Any]]],
    source: set[str],
    on_disk: bool,
) -> None:
    policy = MatchPolicy(volatile=list(VOLATILE_DEFAULT))
    known = _cassette_known(exchanges, source, on_disk)
    index = MatchIndex(policy=policy, known=known)
    for position, exchange in enumerate(exchanges):
        index.add(position, exchange)
    reference = Reference(policy, exchanges, known)
    for step, (operation, params) in enumerate(calls):
        found = index.take("xray", operation, params)
        got = found[0] if found is not None else None
        want = reference.take(operation, params)
        assert got == want, f"call {step} {operation} {params}: indexed {got}, reference {want}"
        assert index.binding.generated == reference.binding.generated, f"call {step}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_indexed_matcher_agrees_with_brute_force(scenario: Any) -> None:
    _agree(*scenario)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_indexed_matcher_agrees_with_brute_force_5000(scenario: Any) -> None:
    _agree(*scenario)


def test_exact_request_found_first_whatever_its_place() -> None:
    """The issue's trap: the live uuid's own recording sits last; every one before it is a
    candidate for binding. It is served by one lookup, never by binding another."""
    ids = [str(uuid.UUID(int=i + 1, version=4)) for i in range(300)]
    exchanges = [_insight(i) for i in ids]
    asked: list[str] = []
    index = MatchIndex(
        policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)),
        known=lambda value: asked.append(value),  # (no value is known: binding would fit)
    )
    for position, exchange in enumerate(exchanges):
        index.add(position, exchange)
    for position in reversed(range(300)):
        found = index.take("xray", "GetInsight", {"InsightId": ids[position]})
        assert found is not None and found[0] == position
    assert asked == []  # no binding was considered, so no fact was asked


def test_a_pinned_value_reads_only_its_own_recordings() -> None:
    """A hard-coded id the cassette lacks is refused by every recording: one lookup per
    recording that holds it, not a refusal per recording of the operation."""
    ids = [str(uuid.UUID(int=i + 1, version=4)) for i in range(500)]
    missing = str(uuid.UUID(int=10**6, version=4))
    index = MatchIndex(
        policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)),
        known=lambda value: "written in test_app.py" if value == missing else None,
    )
    for position, insight in enumerate(ids):
        index.add(position, _insight(insight))
    assert index.take("xray", "GetInsight", {"InsightId": missing}) is None
    assert index.refusals == []  # no recording was even tried


def test_exact_form_is_canonical() -> None:
    a = exact_form("xray", "GetInsightEvents", {"InsightId": "x", "NextToken": "t"})
    b = exact_form("xray", "GetInsightEvents", {"NextToken": "t", "InsightId": "x"})
    assert a == b == json.dumps({"InsightId": "x", "NextToken": "t"}, separators=(",", ":"))


class _Counted(Exchange):
    """An exchange that counts reads of its request and response (as a lazily read
    cassette's interaction costs a read of the file)."""

    reads = 0

    def __getattribute__(self, name: str) -> Any:
        if name in ("request", "response"):
            type(self).reads += 1
        return super().__getattribute__(name)


class _CountedList(list[Any]):
    """The index's list of every recorded exchange, counting the items read from it."""

    reads = 0

    def __getitem__(self, at: Any) -> Any:
        found = super().__getitem__(at)
        type(self).reads += len(found) if isinstance(at, slice) else 1
        return found


def test_binding_fresh_ids_reads_the_recordings_before_them_only() -> None:
    """Whether a recorded id came from an earlier response is read from the interactions
    before it: binding fresh ids to the first unused recordings of a large cassette reads a
    few of them, however many there are (the issue's sweep: 200 then 20,000), and so few
    items of the index's list of them (whether it is in recorded order is not scanned)."""
    reads, listed = [], []
    for size in (200, 20_000):
        ids = [str(uuid.UUID(int=i + 1, version=4)) for i in range(size)]
        index = MatchIndex(
            policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)),
            known=lambda v: None,
            _all=_CountedList(),
        )
        for position, insight in enumerate(ids):
            plain = _insight(insight)
            index.add(
                position,
                _Counted(
                    *(
                        getattr(plain, f)
                        for f in ("service", "operation", "request", "response", "source", "params")
                    )
                ),
            )
        _Counted.reads = _CountedList.reads = 0
        for n in range(20):
            fresh = str(uuid.UUID(int=10**9 + n, version=4))
            found = index.take("xray", "GetInsight", {"InsightId": fresh})
            assert found is not None and found[0] == n  # bound, in recorded order
        reads.append(_Counted.reads)
        listed.append(_CountedList.reads)
    assert reads[0] == reads[1] <= 2 * 2 * 20  # (request and response of the first 20)
    assert listed[0] == listed[1] <= 4 * 20
