"""Record botocore traffic into a cassette and replay it offline: the engine under the plugin.

A ``CassetteRecorder`` is an ``intercept`` handler for one cassette. Depending on the record
mode it answers a request from the cassette (replay: ``send()`` is never called, so no
socket is opened and no request is signed), or passes it to the network and keeps the
redacted exchange (record). ``save()`` writes the cassette atomically.

Record modes have pytest-recording's meanings:

- ``none``: replay only; a request without a recorded match fails (``CassetteMiss``);
- ``once``: record when the cassette file does not exist, otherwise replay only;
- ``new_episodes``: replay what matches, record what does not, and append it;
- ``all``: record everything, replacing the cassette.

This engine works on our own cassette layer (``harness.cassettes.cassette``), which writes vcrpy's
layout; it never imports vcrpy. The other HTTP of a test (``harness.replay.other_http``,
vcrpy) hands its interactions to the recorder (``other``, ``add_other``): one file, one save.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.aws.bodies import DIGEST_BODIES_OVER, UnreadableCoding, digest_only
from harness.aws.protocols.wire_form import decode_error
from harness.exchange import Exchange, HttpResponse
from harness.replay import miss_report, stray_clients, transport_failures
from harness.replay.cassette_source import CassetteSource, Keyed
from harness.replay.first_seen import KnownValues
from harness.replay.intercept import Call, Send, intercept
from harness.replay.match_keys import supports
from harness.replay.match_policy import MatchPolicy
from harness.replay.matching import MatchIndex
from harness.replay.miss_report import CassetteMiss as CassetteMiss  # importable from here
from harness.replay.nearest import Near, closest
from harness.replay.record_modes import RECORD_MODES as RECORD_MODES  # still importable from here
from harness.replay.record_modes import check_record_mode
from harness.replay.recording import Recording, iso_now
from harness.replay.replayer import MATCH_FORMS_KEPT, Replayer
from harness.secrets import Redaction, Redactor
from harness.secrets.exchanges import without_headers

# Headers that change on every call and mean nothing to a replay: left out of cassettes so
# that re-recording the same traffic gives the same file.
_VOLATILE_REQUEST_HEADERS = frozenset(
    {
        "x-amz-date",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "user-agent",
        "x-amz-user-agent",
        "content-length",
        "expect",
    }
)


@dataclass(kw_only=True, frozen=True)
class CallSummary:
    """One exchange of a test, as a test wants to assert on it."""

    service: str
    operation: str
    params: dict[str, Any]
    status: int
    error_code: str | None
    source: str


class CassetteRecorder:
    """Records into or replays from one cassette file; use ``activate()`` around the code.

    Made of three parts over one shared ``MatchIndex``: a ``CassetteSource`` (what the
    cassette holds, and the ways to read it), a ``Replayer`` (answers from it) and a
    ``Recording`` (new exchanges, and their save); the miss report is
    ``harness.replay.miss_report``'s.

    ``run_id`` names the test run (the plugin passes one per session): in mode ``all`` the
    first save of a run replaces the cassette and later saves of the same run append.
    ``on_exchange`` is called with every exchange (source ``recorded`` or ``replayed``,
    cassette path and interaction index set). ``rerecord_command`` is shown in miss reports.
    ``index_dir`` keeps sidecar indexes of large cassettes (``harness.cassettes.index``), so
    their next load reads no YAML. ``sources``: the test's source files (a value written
    there is never a generated one to bind). ``digest_over``: request bodies larger than
    this (bytes) that replay matches by digest are kept as their SHA-256 and size
    (``bodies.digest_only``; None keeps every body whole). A long-lived recorder
    (``harness serve``) passes ``keep_history=False`` (``exchanges`` and ``misses`` stay
    empty; ``on_exchange`` still sees each) and ``match_cache=0`` (no live request kept), so
    its memory does not grow with the traffic.
    """

    def __init__(
        self,
        path: str | Path,
        record_mode: str = "none",
        *,
        redaction: Redaction | None = None,
        match_region: bool = False,
        policy: MatchPolicy | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        rerecord_command: Callable[[str], str] | None = None,
        run_id: str | None = None,
        index_dir: Path | None = None,
        sources: Sequence[Path] = (),
        digest_over: int | None = DIGEST_BODIES_OVER,
        keep_history: bool = True,
        match_cache: int = MATCH_FORMS_KEPT,
    ) -> None:
        self.path = Path(path)
        self.run_id = run_id
        self.record_mode = check_record_mode(record_mode, "the recorder")
        self.existed = self.path.exists()
        self.redactor = Redactor(redaction=redaction or Redaction())
        self.digest_over = digest_over
        self.exchanges: list[Exchange] = []  # this run's, in call order
        self.misses: list[CassetteMiss] = []
        #: bodies the redactor could not judge (``UnreadableCoding``): raised where met, and
        #: kept, so a test whose code swallows the error still fails and saves nothing
        self.refused: list[UnreadableCoding] = []
        #: the test phase new interactions are made in (``setup``, ``call``, ``teardown``),
        #: stamped into their tags but for ``call``; set by the pytest plugin, None elsewhere
        self.phase: str | None = None
        self._keep_history = keep_history
        self._on_exchange = on_exchange
        self._rerecord_command = rerecord_command
        known = KnownValues(
            self.path, sources, existed=self.existed, run_digests=lambda: self.source.run_digests
        )
        self.index = MatchIndex(
            match_region=match_region,
            policy=policy or MatchPolicy(),
            known=known.known,
            written=known.written,
        )
        self.source = CassetteSource(
            self.path,
            redactor=self.redactor,
            index=self.index,
            lock=threading.Lock(),
            replay_only=self.replay_only,
        )
        if self.existed and self.record_mode != "all":
            self.source.load(index_dir)
        self.replayer = Replayer(
            self.source,
            known=known,
            digest_over=digest_over,
            match_cache=match_cache,
            emit=self._emit,
        )
        # (after the load: this run numbers its placeholders after the cassette's)
        self.recording = Recording(
            self.source, record_mode=self.record_mode, run_id=run_id, known=known, emit=self._emit
        )

    # ------------------------------------------------------------------ state

    @property
    def replay_only(self) -> bool:
        """True when the network is never used: mode ``none``, or ``once`` with a cassette."""
        return self.record_mode == "none" or (self.record_mode == "once" and self.existed)

    @property
    def random_seed(self) -> int:
        """What Python's ``random`` is seeded with while the test runs: a new seed for each
        recording, the recorded one in replay (``harness.replay.seeded_random``)."""
        return self.source.random_seed

    @property
    def other(self) -> list[dict[str, Any]]:
        """Other HTTP clients' interactions the cassette holds (mappings as stored)."""
        return self.source.other

    @property
    def recorded_since(self) -> float | None:
        """When the earliest stored interaction was recorded (epoch seconds), if known."""
        return self.source.recorded_since

    def answered_at(self, index: int) -> float | None:
        """When the answer of stored interaction ``index`` arrived (epoch seconds), if known."""
        return self.source.answered_at(index)

    def recorded_at(self, index: int) -> float | None:
        """When stored interaction ``index`` was recorded (epoch seconds), if known."""
        return self.source.recorded_at(index)

    @property
    def stored(self) -> tuple[Exchange, ...]:
        """The interactions replay answers from (and this run's recordings), in file order."""
        self.source.read_all()
        return tuple(self.source.stored)

    @property
    def recorded_count(self) -> int:
        """How many exchanges this run recorded (not yet saved), other HTTP included."""
        return self.recording.count

    @property
    def stored_count(self) -> int:
        """How many interactions the cassette holds (as it will be saved)."""
        source = self.source
        return len(source.stored) + len(source.other) + source.interactions_left()

    @property
    def used(self) -> list[int]:
        """Interactions this run replayed or recorded (numbers in the cassette as saved).

        Other HTTP clients' interactions always count as used: vcrpy replays them, and
        ``prune`` must never drop what it cannot tell is unused.
        """
        source = self.source
        found = {e.index for e in self.exchanges if e.index is not None}
        positions = source.positions
        if positions is not None:
            found = {positions[i] if i < len(positions) else i for i in found}
            found |= set(source.other_positions)
        else:
            found |= set(range(len(source.stored), len(source.stored) + len(source.other)))
        return sorted(found)

    @property
    def unused(self) -> list[int]:
        """Stored interactions this run neither replayed nor recorded (``prune`` drops them)."""
        used = set(self.used)
        return [i for i in range(self.stored_count) if i not in used]

    def rerecord_hint(self, mode: str) -> str | None:
        """The command that records this cassette's test in ``mode`` (None when unknown)."""
        return self._rerecord_command(mode) if self._rerecord_command is not None else None

    @property
    def calls(self) -> list[CallSummary]:
        """This run's exchanges, summarised: operation, parameters, status, error code."""
        return [
            CallSummary(
                service=e.service,
                operation=e.operation,
                params=e.params,
                status=e.response.status,
                error_code=decode_error(e.service, e.response).code
                if e.response.status >= 300
                else None,
                source=e.source,
            )
            for e in self.exchanges
        ]

    # ------------------------------------------------------------------ what it is given

    def add_recorded(
        self,
        exchanges: Iterable[Exchange],
        tags: Sequence[dict[str, Any]] = (),
        metadata: dict[str, Any] | None = None,
    ) -> list[Keyed]:
        """Add recorded exchanges to replay from (``CassetteSource.add_recorded``)."""
        return self.source.add_recorded(exchanges, tags, metadata)

    def add_other(self, interactions: Iterable[dict[str, Any]]) -> None:
        """Keep other HTTP clients' new interactions (redacted mappings) for ``save()``."""
        self.recording.add_other(interactions)

    def finish_reading(self) -> None:
        """After the test: read and redact what a lazily loaded cassette still holds, so its
        redacted copy is kept in the cache and the next run's load reads no YAML (the
        plugin calls this once the test is over, out of the test's time)."""
        self.source.finish_reading()

    def write_companion(self) -> None:
        """Write the committed index of this cassette beside it, for its bytes on disk now
        (only a large one gets one: ``cassette_index.MIN_BYTES``)."""
        self.source.companion_for(self.path)

    def save(self, extra_metadata: dict[str, Any] | None = None) -> Path | None:
        """Write the cassette if this run recorded anything; returns the path written
        (``Recording.save``: atomic, merged with what other recorders saved meanwhile)."""
        return self.recording.save(extra_metadata)

    # ------------------------------------------------------------------ intercept

    @contextmanager
    def activate(self, owns_threads: bool = True) -> Iterator[CassetteRecorder]:
        """Route every botocore client's requests through this cassette while the block runs.

        Replay-only modes skip signing (unless moto's ``mock_aws`` answers first), so no
        credentials are needed or read; presigned URLs are signed (``harness.replay.intercept``).
        ``owns_threads``: a thread started in the block calls into this cassette only, and is
        refused once it is closed (``harness.replay.thread_charges``); a wider fixture's
        cassette does not own its threads (they call into the running test's).
        """
        offline = self.replay_only
        with intercept(
            self.handler, sign=not offline, sends=not offline, early=offline, owns=owns_threads
        ):
            yield self

    def handler(self, call: Call, send: Send) -> HttpResponse:
        """The ``intercept`` handler: replay from the cassette, or record from the network."""
        try:
            return self._handle(call, send)
        except UnreadableCoding as exc:  # a body that cannot be judged is never stored
            where = f"{call.service}:{call.operation} ({call.request.url.split('?', 1)[0]})"
            raise self.refuse(exc.at("response", where)) from None

    def refuse(self, refusal: UnreadableCoding) -> UnreadableCoding:
        """Keep ``refusal`` (the test fails with it even if its code swallows it)."""
        if self._keep_history:
            self.refused.append(refusal)
        return refusal

    def _handle(self, call: Call, send: Send) -> HttpResponse:
        if not supports(call.service):
            return self._pass_through(call, send, "botocore-harness has no codec for its protocol")
        # The live request goes through the same redaction as the recorded one did, so both
        # sides of the match hold the same pseudonyms and placeholders.
        whole = without_headers(call.request, _VOLATILE_REQUEST_HEADERS)  # as a recording stores it
        # a large upload goes by its digest: never redacted, copied or written (its bytes)
        live = digest_only(call.service, call.operation, whole, self.digest_over)
        if self.record_mode != "all":
            response, params = self.replayer.answer(call, whole, live)
            if response is not None:
                return response
            if self.replay_only:
                raise self._miss(call, params)
        stray_clients.warn_if_stray(call.service, call.request.url)
        sent_at = iso_now()  # when the request was made: time-shifted matching's "now"
        try:
            response = send()
        except Exception as error:
            failed = transport_failures.as_response(error)
            if failed is None:
                raise
            # the call got no response: that is what it gave the test, and what replay
            # will give back
            self.recording.record(call, live, failed, sent_at, self.phase)
            raise
        self.recording.record(call, live, response, sent_at, self.phase)
        return response

    def _pass_through(self, call: Call, send: Send, why: str) -> HttpResponse:
        if self.replay_only:
            raise self._miss(
                call, {}, why=f"{call.service}:{call.operation} is not replayed: {why}."
            )
        stray_clients.warn_if_stray(call.service, call.request.url)
        return send()

    def _emit(self, exchange: Exchange) -> None:
        if self._keep_history:
            self.exchanges.append(exchange)
        if self._on_exchange is not None:
            self._on_exchange(exchange)

    # ------------------------------------------------------------------ misses

    def _miss(self, call: Call, params: dict[str, Any], why: str | None = None) -> CassetteMiss:
        self.source.read_all()  # (the report names the closest of every interaction)
        near: list[Near] = []
        if not why and self.existed:
            near = closest(
                self.index, call.service, call.operation, params, call.region, now=time.time()
            )
        miss = miss_report.miss(
            cassette=self.path,
            record_mode=self.record_mode,
            existed=self.existed,
            service=call.service,
            operation=call.operation,
            params=params,
            near=near,
            index=self.index,
            writes=self._replayed_writes(),
            rerecord_command=self._rerecord_command,
            why=why,
            swept=() if why else self.replayer.swept.refusals,
        )
        if self._keep_history:
            self.misses.append(miss)
        return miss

    def _replayed_writes(self) -> list[str]:
        """The operations this test replayed so far that change state (CreateBucket,
        PutItem...), each named once: what a call missing after them may depend on."""
        seen: dict[str, None] = {}
        for exchange in self.exchanges:
            if exchange.source == "replayed" and _is_write(exchange.operation):
                seen.setdefault(f"{exchange.service}:{exchange.operation}")
        return list(seen)[:5]


_READ_PREFIXES = ("Get", "Describe", "List", "Head", "Query", "Scan", "BatchGet", "Select")


def _is_write(operation: str) -> bool:
    return not operation.startswith(_READ_PREFIXES)
