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
layout; it never imports vcrpy. The other HTTP of a test (``harness.replay.other_http``, vcrpy)
hands
its interactions to the recorder (``other``, ``add_other``): one file, one save.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import os
import re
import secrets
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple

from harness import __version__
from harness.aws.bodies import (
    DIGEST_BODIES_OVER,
    BodyError,
    dechunked,
    digest_only,
    digest_payload,
    settle,
    through_coding,
)
from harness.aws.models import botocore_version
from harness.aws.protocols.wire_form import decode_error, request_params
from harness.cassettes import index as cassette_index
from harness.cassettes.cassette import (
    LazyExchange,
    interaction_tag,
    parse_cassette,
    read_bytes,
    read_cassette,
    read_metadata,
    split_items,
    write_cassette,
)
from harness.cassettes.pending import PendingInteractions
from harness.errors import HarnessUsageError, SecretInCassetteWarning
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay import credential_expiry, miss_report, transport_failures, uploads
from harness.replay.first_seen import CassetteRuns
from harness.replay.intercept import Call, NotEarly, Send, answers_early, intercept
from harness.replay.matching import (
    Key,
    MatchIndex,
    MatchPolicy,
    Near,
    region_of,
    slots_as_data,
    supports,
)
from harness.replay.miss_report import CassetteMiss as CassetteMiss  # importable from here
from harness.replay.record_modes import RECORD_MODES as RECORD_MODES  # still importable from here
from harness.replay.record_modes import check_record_mode
from harness.replay.s3_objects import UploadedObjects
from harness.secrets import REDACTION_VERSION, Redaction, Redactor, shapes
from harness.secrets.containers import rewrite_body
from harness.secrets.exchanges import redact_exchange, without_headers
from harness.secrets.placeholders import placeholder_numbers, renumbered
from harness.secrets.vault import Ties, family_of_token, restore_text

# Headers that change on every call and mean nothing to a replay: left out of cassettes so
# that re-recording the same traffic gives the same file.
#: Live requests whose match parameters a recorder keeps (least recently used out).
_MATCH_FORMS_KEPT = 256

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


class _OnDisk(NamedTuple):
    """What a cassette on disk holds that a save must keep (``CassetteRecorder._disk_base``)."""

    exchanges: list[Exchange]  # redacted
    tags: list[dict[str, Any]]
    placeholders: dict[str, int]  # the next number of each placeholder family
    other: list[dict[str, Any]]  # other HTTP clients' interactions
    metadata: dict[str, Any]  # all but the harness's own
    shapes: dict[str, Any]  # placeholder -> the shape of the value it stands for


class CassetteRecorder:
    """Records into or replays from one cassette file; use ``activate()`` around the code.

    ``run_id`` names the test run (the plugin passes one per session): in mode ``all`` the
    first save of a run replaces the cassette and later saves of the same run append.
    ``on_exchange`` is called with every exchange (source ``recorded`` or ``replayed``,
    cassette path and interaction index set). ``rerecord_command`` is shown in miss reports.
    ``index_dir`` keeps sidecar indexes of large cassettes (``harness.cassettes.index``), so
    their next load reads no YAML. ``digest_over``: request bodies larger than this (bytes)
    that replay matches by digest are kept as their SHA-256 and size (``bodies.digest_only``;
    None keeps every body whole). A long-lived recorder (``harness serve``) passes
    ``keep_history=False`` (``exchanges`` and ``misses`` stay empty; ``on_exchange`` still
    sees each) and ``match_cache=0`` (no live request kept), so its memory does not grow with
    the traffic.
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
        match_cache: int = _MATCH_FORMS_KEPT,
    ) -> None:
        self.path = Path(path)
        self._keep_history = keep_history
        self._match_cache = match_cache
        self.run_id = run_id
        self.record_mode = check_record_mode(record_mode, "the recorder")
        self.existed = self.path.exists()
        self.redactor = Redactor(redaction or Redaction())
        self._old: Redactor | None = None  # see _loader
        self.index = MatchIndex(
            match_region=match_region, policy=policy or MatchPolicy(), known=self._known
        )
        self._sources = tuple(sources)
        self.digest_over = digest_over
        self._texts: dict[str, str] = {}  # the sources' and the cassette's text, once read
        self._words: CassetteRuns | None = None  # the cassette's text, asked (_known)
        self._literals: set[str] | None = None  # the sources' string literals, once found
        #: placeholder -> the shape of its value, for a stand-in when no live value binds
        self._shapes: dict[str, Any] = {}
        #: what Python's ``random`` is seeded with while the test runs: a new seed for each
        #: recording, the recorded one in replay (``harness.replay.seeded_random``)
        self.random_seed = secrets.randbits(63)
        self.exchanges: list[Exchange] = []  # this run's, in call order
        self.misses: list[CassetteMiss] = []
        self._on_exchange = on_exchange
        self._rerecord_command = rerecord_command
        self._stored: list[Exchange] = []
        self._tags: list[dict[str, Any]] = []
        #: the test phase new interactions are made in (``setup``, ``call``, ``teardown``),
        #: stamped into their tags but for ``call``; set by the pytest plugin, None elsewhere
        self.phase: str | None = None
        self._recorded = 0
        self._saved_upto = 0  # exchanges before it are on disk (a save wrote them)
        self._lock = threading.Lock()
        self._uploaded = UploadedObjects()  # objects the test uploaded with made-up bytes
        self._match_forms: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], Any]] = OrderedDict()
        self._label = str(self.path)
        self._secrets_on_disk = 0  # interactions of an old cassette that redaction changed
        self._index_file: cassette_index.Index | None = None  # the cassette, kept open
        #: a large foreign cassette's interactions not read yet (``_load_lazily``)
        self._pending: _Pending | None = None
        self._warned_leaky = False
        #: Other HTTP clients' interactions (mappings as stored): loaded, and new this run.
        self.other: list[dict[str, Any]] = []
        self._other_new: list[dict[str, Any]] = []
        # Interaction numbers in the file as loaded (the exchanges', the other ones'); None
        # once saved, as a save writes AWS interactions first, then the other ones.
        self._positions: list[int] | None = None
        self._other_positions: list[int] = []
        if self.existed and self.record_mode != "all":
            with _gc_paused():  # loading makes many objects and no garbage: skip GC passes
                self._load(index_dir)
        # this run numbers its placeholders from here: a save that finds the file's counters
        # moved past these (another worker saved) renumbers them above (``save``)
        self._numbered_from = self.redactor.vault.numbers()

    def _load(self, index_dir: Path | None, companion: bool = False) -> None:
        """Read the cassette to replay from, through an index when it has a valid one (its
        committed companion, or the cache's); a large cassette parsed gets both written
        (``companion``: parsed to write the companion, as a save does)."""
        fingerprint = self.index.fingerprint()
        size = self.path.stat().st_size
        indexing = fingerprint is not None and size >= cassette_index.MIN_BYTES
        if indexing and not companion:
            assert fingerprint is not None
            found = cassette_index.load(index_dir, self.path, fingerprint) if index_dir else None
            if found is None:
                found = cassette_index.load_companion(self.path, fingerprint)
            if found is not None and self._adopt(found.metadata):
                self._add_indexed(found)
                return
            if found is not None:
                found.close()
        seen = cassette_index.identity(self.path)
        text = read_bytes(self.path)
        if indexing and index_dir is not None and not companion:
            assert fingerprint is not None
            if self._load_migrated(index_dir, fingerprint, text):
                return
        if indexing and not companion and self.replay_only and self._load_lazily(text, index_dir):
            return
        cassette = parse_cassette(self.path, text)
        keys = self.add_recorded(cassette.exchanges, cassette.tags, cassette.metadata)
        self.other = list(cassette.other)
        self._positions, self._other_positions = cassette.positions, cassette.other_positions
        if _redaction_version(cassette.metadata) != REDACTION_VERSION:
            leaks = _leaks(self.path, self._secrets_on_disk)
            _warn_if_leaky(self.path, leaks)
            if indexing and index_dir is not None and not cassette.other:
                self._save_migrated(index_dir, text, cassette.metadata, leaks)
        elif indexing and not cassette.other and self._secrets_on_disk == 0:
            assert fingerprint is not None
            spans = cassette_index.spans(text, len(cassette.exchanges))
            if spans is not None and self._adopt(cassette.metadata):
                rows = [
                    (
                        intern(e.service),  # interned: each name is held once
                        intern(e.operation),
                        e.params,
                        _interned(tag),
                        _epoch(tag.get("recorded_at")),
                        start,
                        end,
                        (intern(key[0]), intern(key[1]), *key[2:]),
                        times or None,
                        slots_as_data(slots),
                    )
                    for e, tag, (start, end), (key, times, slots) in zip(
                        cassette.exchanges, self._tags, spans, keys, strict=True
                    )
                ]
                if index_dir is not None:
                    cassette_index.save(
                        index_dir, self.path, fingerprint, seen, cassette.metadata, rows
                    )
                # beside the cassette: a clone that has it committed replays at once
                cassette_index.save_companion(self.path, fingerprint, text, cassette.metadata, rows)

    def _load_lazily(self, text: bytes, index_dir: Path | None) -> bool:
        """Replay a large cassette of another recorder (plain vcrpy, an older version)
        reading and redacting each interaction only when replay reaches it
        (``harness.cassettes.pending``): its first call is answered at once, not after every
        interaction was redacted. False when the cassette is ours or not laid out item by item.
        """
        split = split_items(text)
        if split is None:
            return False
        located, outside = split
        found = outside.get("metadata")
        metadata: dict[str, Any] = found if isinstance(found, dict) else {}
        if _redaction_version(metadata) == REDACTION_VERSION or self._adopt(metadata):
            return False  # ours: the eager load writes its index
        pending = PendingInteractions(self.path, text, located)
        self._pending = _Pending(
            pending=pending,
            interactions=iter(pending),
            text=text,
            metadata=metadata,
            index_dir=index_dir,
        )
        self._positions = []
        self.other = [item for _, item in pending.other]
        self._other_positions = [position for position, _ in pending.other]
        self.index.more = self._read_next
        if _CREDENTIALS_ON_DISK.search(text):
            self._warned_leaky = True
            _warn_if_leaky(self.path, ["credentials in request headers"], lazily=True)
        return True

    def _read_next(self) -> Key | None:
        """Read, redact and index the next interaction of a lazily loaded cassette; its match
        key, or None when every one has been read."""
        lazy = self._pending
        if lazy is None:
            return None
        found = next(lazy.interactions, None)
        if found is None:
            self._pending = None
            self.index.more = None
            self._finished_lazily(lazy)
            return None
        position, exchange, tag = found
        before = self._secrets_on_disk
        key = self._add_one(exchange, tag, redacted=False)[0]
        assert self._positions is not None
        self._positions.append(position)
        if self._secrets_on_disk > before and not self._warned_leaky:
            self._warned_leaky = True
            _warn_if_leaky(self.path, ["secret values"], lazily=True)
        if self._old is not None:
            self.redactor.vault.seed_numbers(self._old.vault.numbers())
        return key

    def _read_all(self) -> None:
        """Read what a lazily loaded cassette still holds (what needs every interaction).
        Never called holding ``_lock``: it takes it, as ``take`` reads on under it (a
        server's threads replay from one recorder)."""
        if self._pending is None:
            return
        with self._lock:
            self.index.read_all()

    def finish_reading(self) -> None:
        """After the test: read and redact what a lazily loaded cassette still holds, so its
        redacted copy is kept in the cache and the next run's load reads no YAML (the
        plugin calls this once the test is over, out of the test's time)."""
        if self._pending is not None and self._pending.index_dir is not None:
            self._read_all()

    def _finished_lazily(self, lazy: _Pending) -> None:
        """Every interaction read: keep the redacted copy in the cache, as an eager load does
        (the next load of the same bytes reads no YAML)."""
        if lazy.index_dir is not None and not self.other:
            leaks = [f"secret values in {self._secrets_on_disk} interaction(s)"]
            self._save_migrated(
                lazy.index_dir, lazy.text, lazy.metadata, leaks if self._secrets_on_disk else []
            )

    def _migrated_path(self, index_dir: Path, text: bytes) -> Path | None:
        """Where the copy of these bytes redacted with this recorder's settings is kept
        (None: the settings hold a function, so no copy can be named by them)."""
        settings = self.redactor.redaction.fingerprint()
        if settings is None:
            return None
        return index_dir / f"{cassette_index.digest(text)}-{settings}.migrated.yaml"

    def _save_migrated(
        self, index_dir: Path, text: bytes, metadata: dict[str, Any], leaks: list[str]
    ) -> None:
        """Keep a large cassette of another recorder (plain vcrpy, an older version) as
        this load redacted it, in the cache, indexed: the next load of the same bytes reads
        that instead of redacting every interaction again."""
        target = self._migrated_path(index_dir, text)
        if target is None:
            return
        harness = {
            "redaction": REDACTION_VERSION,
            "identifiers": self.redactor.redaction.pseudonyms,
            "placeholders": self.redactor.vault.numbers(),
            "migrated_from": str(self.path),
            "leaks": leaks,
        }
        kept = {k: v for k, v in metadata.items() if k != "harness"}
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            write_cassette(target, self._stored, {**kept, "harness": harness}, self._tags)
        except OSError:
            return  # (only speed is lost)
        # parsed as a cassette of ours: its index is written beside it (a companion)
        CassetteRecorder(
            target, "all", match_region=self.index.match_region, policy=self.index.policy
        ).write_companion()

    def _load_migrated(self, index_dir: Path, fingerprint: str, text: bytes) -> bool:
        """Replay from the migrated copy of these bytes (``_save_migrated``), if the cache
        holds one made under this match policy; warns as the first load did."""
        target = self._migrated_path(index_dir, text)
        if target is None or not target.exists():
            return False
        found = cassette_index.load_companion(target, fingerprint)
        if found is None:
            return False
        info = found.metadata.get("harness")
        if not isinstance(info, dict) or not self._adopt(found.metadata):
            found.close()
            return False
        self._add_indexed(found)
        leaks = info.get("leaks")
        if isinstance(leaks, list):
            _warn_if_leaky(self.path, [str(k) for k in leaks])
        return True

    def _add_indexed(self, found: cassette_index.Index) -> None:
        """Replay from an index: exchanges read from the file when first used, each checked
        to be the one indexed (its match key) when it is read."""
        self._index_file = found
        read, label = found.read, str(self.path)
        stored, tags, keyed = self._stored, self._tags, []
        for position, row in enumerate(found.rows):
            service, operation, params, tag, recorded_at, start, end, key, times, slots = row
            # (its key and slots are checked against its parameters before replay serves it,
            # ``MatchIndex._verified``; its parameters against the file when it is read)
            region = tag.get("region")
            exchange = LazyExchange(service, operation, params, label, position, read, (start, end))
            stored.append(exchange)
            tags.append(tag)
            keyed.append((position, exchange, region, recorded_at, key, times, slots))
        self.index.add_keyed(keyed)
        self._positions, self._other_positions = list(range(len(found.rows))), []
        found.rows = []  # what replay needs is in the index now

    def write_companion(self) -> None:
        """Write the committed index of this cassette beside it, for its bytes on disk now
        (only a large one gets one: ``cassette_index.MIN_BYTES``)."""
        fresh = CassetteRecorder(
            self.path, "all", match_region=self.index.match_region, policy=self.index.policy
        )
        if fresh.existed and self.path.stat().st_size >= cassette_index.MIN_BYTES:
            with _gc_paused():
                fresh._load(None, companion=True)

    # ------------------------------------------------------------------ state

    @property
    def replay_only(self) -> bool:
        """True when the network is never used: mode ``none``, or ``once`` with a cassette."""
        return self.record_mode == "none" or (self.record_mode == "once" and self.existed)

    @property
    def recorded_since(self) -> float | None:
        """When the earliest stored interaction was recorded (epoch seconds), if known.

        A time kept to the second (older cassettes) is taken at the end of its second, so a
        clock started there is never before the recording."""
        self._read_all()
        known = []
        for tag in self._tags:
            text = str(tag.get("recorded_at") or "")
            epoch = _epoch(text)
            if epoch is not None:
                known.append(epoch if "." in text else epoch + 1)
        return min(known) if known else None

    def answered_at(self, index: int) -> float | None:
        """When the answer of stored interaction ``index`` arrived (epoch seconds), if known."""
        if not 0 <= index < len(self._tags):
            return None
        return _epoch(self._tags[index].get("answered_at"))

    def recorded_at(self, index: int) -> float | None:
        """When stored interaction ``index`` was recorded (epoch seconds), if known."""
        if not 0 <= index < len(self._tags):
            return None
        return _epoch(self._tags[index].get("recorded_at"))

    @property
    def stored(self) -> tuple[Exchange, ...]:
        """The interactions replay answers from (and this run's recordings), in file order."""
        self._read_all()
        return tuple(self._stored)

    @property
    def recorded_count(self) -> int:
        """How many exchanges this run recorded (not yet saved), other HTTP included."""
        return self._recorded + len(self._other_new)

    @property
    def stored_count(self) -> int:
        """How many interactions the cassette holds (as it will be saved)."""
        left = self._pending.interactions_left() if self._pending is not None else 0
        return len(self._stored) + len(self.other) + left

    @property
    def used(self) -> list[int]:
        """Interactions this run replayed or recorded (numbers in the cassette as saved).

        Other HTTP clients' interactions always count as used: vcrpy replays them, and
        ``prune`` must never drop what it cannot tell is unused.
        """
        replayed = {e.index for e in self.exchanges if e.source == "replayed"}
        recorded = {e.index for e in self.exchanges if e.source == "recorded"}
        found = {i for i in replayed | recorded if i is not None}
        if self._positions is not None:
            found = {self._positions[i] if i < len(self._positions) else i for i in found}
            found |= set(self._other_positions)
        else:
            found |= set(range(len(self._stored), len(self._stored) + len(self.other)))
        return sorted(found)

    @property
    def unused(self) -> list[int]:
        """Stored interactions this run neither replayed nor recorded (``prune`` drops them)."""
        used = set(self.used)
        return [i for i in range(self.stored_count) if i not in used]

    def _replayed_writes(self) -> list[str]:
        """The operations this test replayed so far that change state (CreateBucket,
        PutItem...), each named once: what a call missing after them may depend on."""
        seen: dict[str, None] = {}
        for exchange in self.exchanges:
            if exchange.source == "replayed" and _is_write(exchange.operation):
                seen.setdefault(f"{exchange.service}:{exchange.operation}")
        return list(seen)[:5]

    def rerecord_hint(self, mode: str) -> str | None:
        """The command that records this cassette's test in ``mode`` (None when unknown)."""
        return self._rerecord_command(mode) if self._rerecord_command is not None else None

    def add_other(self, interactions: Iterable[dict[str, Any]]) -> None:
        """Keep other HTTP clients' new interactions (redacted mappings) for ``save()``."""
        with self._lock:
            self._other_new.extend(interactions)

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

    def add_recorded(
        self,
        exchanges: Iterable[Exchange],
        tags: Sequence[dict[str, Any]] = (),
        metadata: dict[str, Any] | None = None,
    ) -> list[tuple[Key, dict[str, float], tuple[Any, ...] | None]]:
        """Add recorded exchanges to replay from (what ``__init__`` does with the file).

        Exchanges not written by us (plain vcrpy, pytest-recording, pseudonyms off) are
        redacted now, so they match live requests redacted the same way. Returns each
        one's match key, timestamps and slots (``MatchIndex.add``).
        """
        redacted = self._adopt(metadata or {})
        tags = list(tags)
        keys = []
        for exchange in exchanges:
            position = len(self._stored)
            tag = tags[position] if position < len(tags) else {}
            keys.append(self._add_one(exchange, tag, redacted))
        if self._old is not None:
            self.redactor.vault.seed_numbers(self._old.vault.numbers())
        return keys

    def _add_one(
        self, exchange: Exchange, tag: dict[str, Any], redacted: bool
    ) -> tuple[Key, dict[str, float], tuple[Any, ...] | None]:
        """Store and index one recorded exchange (redacted now unless ``redacted``)."""
        position = len(self._stored)
        if not redacted:
            original = exchange
            exchange = self._redacted(exchange, exchange.request, exchange.response, self._loader())
            if _scrubbed(original, exchange):
                self._secrets_on_disk += 1
        region = tag.get("region") or region_of(exchange.request.url)
        recorded_at = _epoch(tag.get("recorded_at"))
        self._stored.append(exchange)
        self._tags.append(
            interaction_tag(
                region, tag.get("recorded_at"), tag.get("answered_at"), tag.get("phase")
            )
        )
        return self.index.add(position, exchange, region, recorded_at)

    def _adopt(self, metadata: dict[str, Any]) -> bool:
        """Number this test's placeholders after the cassette's; True when its exchanges
        are redacted as this recorder would (nothing to redact when loading)."""
        info = metadata.get("harness")
        info = info if isinstance(info, dict) else {}
        seed = info.get("random_seed")
        if isinstance(seed, int) and not isinstance(seed, bool):
            self.random_seed = seed
        self.redactor.vault.seed_numbers(placeholder_numbers(info.get("placeholders")))
        self._shapes.update(_shapes(info.get("shapes")))
        return bool(
            info.get("redaction") == REDACTION_VERSION
            and bool(info.get("identifiers")) == self.redactor.redaction.pseudonyms
        )

    # ------------------------------------------------------------------ intercept

    @contextmanager
    def activate(self) -> Iterator[CassetteRecorder]:
        """Route every botocore client's requests through this cassette while the block runs.

        Replay-only modes skip signing (unless moto's ``mock_aws`` answers first), so no
        credentials are needed or read; presigned URLs are signed (``harness.replay.intercept``).
        """
        offline = self.replay_only
        with intercept(self.handler, sign=not offline, sends=not offline, early=offline):
            yield self

    def handler(self, call: Call, send: Send) -> HttpResponse:
        """The ``intercept`` handler: replay from the index, or record from the network."""
        if not supports(call.service):
            return self._pass_through(call, send, "botocore-harness has no codec for its protocol")
        # The live request goes through the same redaction as the recorded one did, so both
        # sides of the match hold the same pseudonyms and placeholders.
        whole = without_headers(call.request, _VOLATILE_REQUEST_HEADERS)  # as a recording stores it
        # a large upload goes by its digest: never redacted, copied or written (its bytes)
        live = digest_only(call.service, call.operation, whole, self.digest_over)
        if self.record_mode != "all":
            # An early call (before botocore's retry loop) is answered only with a success:
            # an error must come back through the loop, which retries it as AWS's would be.
            accept = _early_answer(call) if call.early else None
            sent = _sent_body(whole, live)  # (a digested body's bytes, if binding asks)
            as_sent = self._taken_as_sent(call, live, accept)
            if as_sent is not None and as_sent[0] is not None:
                return self._served(call, as_sent[0], as_sent[1], sent)
            # (what the lookup read of the request as sent is the redacted request's when
            # redaction changes nothing: not read twice)
            raw = as_sent[1:] if as_sent is not None else None
            shared, form = self._match_form(call, live, raw)
            params = dict(shared)
            with self._lock:
                found = self.index.take(
                    call.service,
                    call.operation,
                    params,
                    call.region,
                    time.time(),
                    accept,
                    form,
                    sent=sent,
                )
            if found is None:
                found = self._take_other_form(call, whole, live, accept)
            if found is None and call.early:
                raise NotEarly
            if found is not None:
                return self._served(call, found, params, sent)
            if self.replay_only:
                raise self._miss(call, params)
        sent_at = _iso_now()  # when the request was made: time-shifted matching's "now"
        try:
            response = send()
        except Exception as error:
            failed = transport_failures.as_response(error)
            if failed is None:
                raise
            self._record(call, live, failed, sent_at)  # the call got no response: that
            raise  # is what it gave the test, and what replay will give back
        self._record(call, live, response, sent_at)
        return response

    def _taken_as_sent(
        self, call: Call, live: HttpRequest, accept: Any
    ) -> tuple[tuple[int, Exchange] | None, dict[str, Any], Any] | None:
        """The recording of this very request, found before redacting it (redaction is most
        of a new request's cost) or None when none is left as sent (``handler`` then
        redacts it and lets ``take`` decide, every stage), with the parameters and the
        ``MatchIndex.form`` of the request as sent; None when not looked up.

        Sound because a recording is stored redacted: a live request whose parameters equal
        a stored one's holds no value this redaction would replace (the stored one would
        hold its placeholder instead), so redacting it would give the same parameters and
        the same first exact match. Account ids are the exception (a request naming the
        test's own account matches a recording of its pseudonym only once redacted), so a
        request holding twelve digits in a row goes the long way."""
        if live.body_digest is not None or _TWELVE_DIGITS.search(live.url):
            return None
        if _TWELVE_DIGITS.search(live.body.decode("utf-8", "replace")):
            return None
        try:
            params = request_params(call.service, call.operation, live)
        except HarnessUsageError:  # (a WireError: the long way says what is wrong)
            return None
        form = self.index.form(call.service, call.operation, params, call.region)
        if form is None:
            return None
        with self._lock:
            found = self.index.take_exact(call.service, call.operation, form, time.time(), accept)
        return found, params, form

    def _served(
        self,
        call: Call,
        found: tuple[int, Exchange],
        params: dict[str, Any],
        sent: Callable[[str], bytes | None],
    ) -> HttpResponse:
        """The answer of the recording ``found`` for ``call`` (sent with ``params``)."""
        index, recorded = found
        self._emit(
            Exchange(
                recorded.service,
                recorded.operation,
                recorded.request,
                recorded.response,
                "replayed",
                recorded.params,
                self._label,
                index,
            )
        )
        transport_failures.raise_recorded(recorded.response, call.request.url)
        response = self._restored(recorded.response, self.answered_at(index))
        if call.service == "s3":
            upload = uploads.digest_of(params.get("Body"))
            body = sent(upload[0]) if upload is not None else None
            with self._lock:
                response = self._uploaded.replayed(
                    call.operation, params, recorded.params, body, response
                )
        return response

    def _record(self, call: Call, live: HttpRequest, response: HttpResponse, sent_at: str) -> None:
        answered_at = _iso_now()
        exchange = self._redacted(
            Exchange(call.service, call.operation, call.request, response, "recorded"),
            live,
            response,
        )
        if self.index.binding.has_ties():  # new_episodes: as the cassette holds them
            exchange = self._as_recorded(exchange)
        with self._lock:
            index = len(self._stored)
            exchange.cassette, exchange.index = self._label, index
            self._stored.append(exchange)
            self._tags.append(interaction_tag(call.region, sent_at, answered_at, self.phase))
            self._recorded += 1
        self._emit(exchange)

    def _match_params(self, call: Call, live: HttpRequest) -> dict[str, Any]:
        """The parameters of the live request once redacted: what the index matches on."""
        return dict(self._match_form(call, live)[0])

    def _match_form(
        self, call: Call, live: HttpRequest, raw: tuple[dict[str, Any], Any] | None = None
    ) -> tuple[dict[str, Any], Any]:
        """The parameters of the live request once redacted, and how the index reads them
        (``MatchIndex.form``; not to be changed: they are kept).

        Tests replay the same request again and again; its redaction, decoding and masking
        are pure functions of its bytes (the volatile headers are gone), so they are kept per
        content.
        """
        # (headers in the order sent: a call site sends them in one order)
        key = (call.service, call.operation, call.region, live.method, live.url, live.body,
               live.body_digest, *live.headers.items(), self.redactor.vault.size())  # fmt: skip
        with self._lock:
            found = self._match_forms.get(key)
            if found is not None:
                self._match_forms.move_to_end(key)
                return found
        vault = self.redactor.vault
        known = vault.size()
        redacted = self.redactor.request(live, call.operation_model)
        if vault.size() > known and self.index.binding.live_to_recorded:
            # a value an earlier request carried bare (tied so) is redacted from now on
            binding = self.index.binding
            for value, token in list(vault.values()):
                binding.alias(value, token)
        # the sweep a save gives the recorded request, given to the live one: a value the
        # test redacted earlier, echoed in a name or a document, sits as a placeholder on
        # both sides
        if self.redactor.sweeps():
            redacted = _swept_request(redacted, self.redactor.sweep)
        if raw is not None and redacted == live:  # (``raw``: read of ``live`` already)
            found = raw
        else:
            params = request_params(call.service, call.operation, redacted)
            found = (params, self.index.form(call.service, call.operation, params, call.region))
        with self._lock:
            self._match_forms[key] = found
            while len(self._match_forms) > self._match_cache:
                self._match_forms.popitem(last=False)
        return found

    def _take_other_form(
        self, call: Call, whole: HttpRequest, live: HttpRequest, accept: Any
    ) -> tuple[int, Exchange] | None:
        """A stored upload in the other form than ``live``: kept whole (an older cassette, a
        larger ``digest_over``), matched by the digest of its redacted bytes, or kept as the
        digest of the bytes sent. Tried only when the cassette holds an upload so (redacting
        a large body is the cost that the digest form saves)."""
        payload = digest_payload(call.service, call.operation)
        if payload is None:
            return None
        name = (call.service, call.operation)
        other = whole if live.body_digest is not None else digest_only(*name, whole, 0)
        sent = live.body_digest or other.body_digest
        if sent is None:
            return None
        over = self.digest_over or 0

        def stored_so(exchange: Exchange) -> bool:
            value = exchange.params.get(payload)
            if (exchange.service, exchange.operation) != name or not isinstance(value, dict):
                return False
            if other is whole:  # (whole, its size may have changed with redaction)
                return value.get("$size", 0) > over and exchange.request.body_digest is None
            return value.get("$size") == sent.size and exchange.request.body_digest is not None

        self._read_all()
        if not any(stored_so(e) for e in list(self._stored)):
            return None
        params = self._match_params(call, other)
        with self._lock:
            return self.index.take(
                call.service, call.operation, params, call.region, time.time(), accept
            )

    def _restored(self, response: HttpResponse, answered_at: float | None = None) -> HttpResponse:
        """A recorded response with the values this test supplied given back in place of
        their placeholders (a secret it wrote, the account id it configured); temporary
        credentials in it expire as long after now as they did after ``answered_at``."""
        if answered_at is not None and response.body:
            body = credential_expiry.extended(response.body, answered_at, time.time())
            if body is not response.body:
                response = HttpResponse(response.status, response.headers, body)
        binding, vault = self.index.binding, self.redactor.vault
        generated = binding.has_ties()
        if not generated and not vault.has_values() and not self._shapes:
            return response
        body = response.body
        headers = {
            k: restore_text(v, binding, vault, "raw", self._stand_in)
            for k, v in response.headers.items()
        }
        live_upload = binding.blob_bytes.get(body) if body and binding.blob_bytes else None
        if live_upload is not None:  # an upload the test made up, read back: the live bytes
            return settle(HttpResponse(response.status, headers, live_upload))
        if body and binding.blobs:
            body = _blobs_read_back(body, binding.blobs)
        content_type = response.header("Content-Type") or ""

        def given_back(content: bytes) -> bytes:
            if not (generated or b"REDACTED" in content or b"99999999" in content):
                return content
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                return content
            form = _text_form(text, content_type)
            return restore_text(text, binding, vault, form, self._stand_in).encode("utf-8")

        if body:  # (inside a gzip or deflate coding, as the redactor read it)
            body = through_coding(body, response.header("Content-Encoding") or "", given_back)
        if binding.blob_bytes and not body:
            headers = _upload_length(headers, binding.blob_bytes)
        if body is response.body and headers == response.headers:
            return response
        return HttpResponse(response.status, headers, body)

    def _stand_in(self, token: str) -> str | None:
        """The value served for a recorded placeholder no live value is bound to: the
        literal of the test's source it was, or a stand-in of its shape (``shapes``), bound
        from now on as if the test had supplied it (it may send it back)."""
        shape = self._shapes.get(token)
        if shape is None:
            return None
        value = shapes.stand_in(shape, token, self.path.name, self._source_literals())
        if value is None:
            return None
        live = self.redactor.vault.placeholder(value, family_of_token(token))
        if live not in self.index.binding.live_to_recorded:
            self.index.binding.tie(Ties(placeholders={token: live}))
        return value

    def _source_literals(self) -> set[str]:
        if self._literals is None:
            self._literals = shapes.source_literals(self._text(p) for p in self._sources)
        return self._literals

    def _new_shapes(self, shift: dict[str, int], floor: dict[str, int]) -> dict[str, Any]:
        """The shape of each value this run replaced, by its placeholder as saved: every
        secret's, and an id's only when the test's source states it (to serve it back)."""
        literals = self._source_literals()
        to_recorded = self.index.binding.live_to_recorded
        out: dict[str, Any] = {}
        for value, token in self.redactor.vault.values():
            token = to_recorded.get(token, token)
            if token in self._shapes:
                continue  # the cassette's own, described when it was recorded
            token = renumbered(token, shift, floor)
            literal = shapes.literal_digest(token, value) if value in literals else None
            if token.startswith("REDACTED"):
                out[token] = shapes.describe(value, literal)
            elif literal is not None:  # an account or access key id the test writes
                out[token] = {"literal": literal}
        return out

    def _as_recorded(self, exchange: Exchange) -> Exchange:
        """A newly recorded exchange with the live placeholders bound to recorded ones
        written as recorded, so the cassette numbers one value one way."""
        to_recorded = self.index.binding.to_recorded

        def message(part: Any) -> Any:
            try:
                body = to_recorded(part.body.decode("utf-8")).encode("utf-8")
            except UnicodeDecodeError:
                body = part.body
            headers = {k: to_recorded(v) for k, v in part.headers.items()}
            if isinstance(part, HttpRequest):
                return replace(part, url=to_recorded(part.url), headers=headers, body=body)
            return HttpResponse(part.status, headers, body)

        request = message(exchange.request)
        return Exchange(
            exchange.service,
            exchange.operation,
            request,
            message(exchange.response),
            exchange.source,
            request_params(exchange.service, exchange.operation, request),
        )

    def _known(self, value: str) -> str | None:
        """Where ``value`` (a live value that looks generated) shows it is not: written in
        the test's source files, or found in the cassette (recorded data, a literal)."""
        for path in self._sources:
            if value in self._text(path):
                return f"written in {path.name}"
        for name, text in os.environ.items():
            if value in text:
                return f"in the environment (${name})"
        if self.existed and self._cassette_words().holds(value):
            return f"found in the cassette {self.path.name}"
        return None

    def _cassette_words(self) -> CassetteRuns:
        """The cassette file's bytes, asked whether a value stands in them: a search each for
        the first values, then a set of its long runs (``CassetteRuns``)."""
        if self._words is None:
            try:
                self._words = CassetteRuns(self.path.read_bytes())
            except OSError:
                self._words = CassetteRuns(b"")
        return self._words

    def _text(self, path: Path) -> str:
        found = self._texts.get(str(path))
        if found is None:
            try:
                found = path.read_text("utf-8", "replace")
            except OSError:
                found = ""
            self._texts[str(path)] = found
        return found

    def _pass_through(self, call: Call, send: Send, why: str) -> HttpResponse:
        if self.replay_only:
            raise self._miss(
                call, {}, why=f"{call.service}:{call.operation} is not replayed: {why}."
            )
        return send()

    def _loader(self) -> Redactor:
        """The redactor of exchanges an older cassette holds in the clear: its own vault, so
        replay never hands the recorded values back as if the test had supplied them; this
        test's placeholders are numbered after its."""
        if self._old is None:
            self._old = Redactor(self.redactor.redaction)
        return self._old

    def _redacted(
        self,
        exchange: Exchange,
        request: HttpRequest,
        response: Any,
        redactor: Redactor | None = None,
    ) -> Exchange:
        return redact_exchange(exchange, redactor or self.redactor, request, response)

    def _emit(self, exchange: Exchange) -> None:
        if self._keep_history:
            self.exchanges.append(exchange)
        if self._on_exchange is not None:
            self._on_exchange(exchange)

    # ------------------------------------------------------------------ save

    def save(self, extra_metadata: dict[str, Any] | None = None) -> Path | None:
        """Write the cassette if this run recorded anything; returns the path written.

        Several tests (threads, pytest-xdist workers) may share one cassette: under a lock on
        its folder, what is on disk now is re-read and this recorder's new interactions are
        appended to it, so nobody's recordings are lost. In mode ``all`` the file is replaced
        by the first recorder of a run (``run_id``) and appended to by the others.
        ``extra_metadata`` goes beside ours in the cassette's ``metadata``.
        """
        if not self.recorded_count:
            return None
        with self._lock, folder_lock(self.path.parent):
            disk = self._disk_base()
            base, base_tags = disk.exchanges, disk.tags
            shift = {
                family: max(0, number - self._numbered_from.get(family, 1))
                for family, number in disk.placeholders.items()
            }
            # what earlier saves wrote is on disk already (unless the file was replaced)
            since = self._saved_upto if base else 0
            new = [
                (self._swept(e, shift), t)
                for e, t in zip(self._stored[since:], self._tags[since:], strict=True)
                if e.source == "recorded"
            ]
            for offset, (exchange, _) in enumerate(new):
                exchange.index = len(base) + offset
            exchanges = [*base, *(e for e, _ in new)]
            tags = [*base_tags, *(t for _, t in new)]
            numbers = {f: n + shift.get(f, 0) for f, n in self.redactor.vault.numbers().items()}
            for family, number in disk.placeholders.items():
                numbers[family] = max(numbers.get(family, 1), number)
            metadata = {
                **disk.metadata,  # what else the file said of itself (synth's, the user's)
                "harness": {
                    "botocore": botocore_version(),
                    "redaction": REDACTION_VERSION,
                    "identifiers": self.redactor.redaction.pseudonyms,
                    "placeholders": numbers,
                    "recorded_with": f"botocore-harness {__version__}",
                    "random_seed": self.random_seed,
                    **({"run_id": self.run_id} if self.run_id else {}),
                },
                **(extra_metadata or {}),
            }
            floor = self._numbered_from
            described = {**disk.shapes, **self._new_shapes(shift, floor)}
            if described:
                metadata["harness"]["shapes"] = dict(sorted(described.items()))
                self._shapes.update(described)
            other = [*disk.other, *(_renumbered(i, shift, floor) for i in self._other_new)]
            self._stored, self._tags, self.other = exchanges, tags, other
            self._saved_upto, self._recorded = len(exchanges), 0
            self._other_new = []
            self._positions, self._other_positions = None, []
            written = write_cassette(self.path, exchanges, metadata, tags, other)
        if written.stat().st_size >= cassette_index.MIN_BYTES:
            self.write_companion()  # a fresh clone replays it without parsing it
        return written

    def _swept(self, exchange: Exchange, shift: dict[str, int] | None = None) -> Exchange:
        """The last pass before a save: a value redacted anywhere in this test is replaced
        wherever else it still sits (``Redactor.sweep``), and this run's placeholders are
        moved up by ``shift`` (``save``)."""
        floor = self._numbered_from

        def sweep(data: bytes) -> bytes:
            data = self.redactor.sweep(data)
            return _renumbered(data, shift, floor) if shift and any(shift.values()) else data

        def text(value: str) -> str:
            return sweep(value.encode("utf-8")).decode("utf-8")

        request, response = exchange.request, exchange.response
        swept_request = _swept_request(request, sweep)
        swept_response = HttpResponse(
            response.status,
            {k: text(v) for k, v in response.headers.items()},
            through_coding(
                response.body,
                response.header("Content-Encoding") or "",
                lambda inner: rewrite_body(inner, response.header("Content-Type") or "", sweep),
            ),
        )
        if swept_request == request and swept_response == response:
            return exchange
        return Exchange(
            exchange.service,
            exchange.operation,
            swept_request,
            swept_response,
            exchange.source,
            request_params(exchange.service, exchange.operation, swept_request),
            exchange.cassette,
            exchange.index,
        )

    def _disk_base(self) -> _OnDisk:
        """What the cassette holds on disk now, redacted, that this save must keep."""
        if not self.path.exists():
            return _OnDisk([], [], {}, [], {}, {})
        if self.record_mode == "all":
            info = read_metadata(self.path).get("harness")
            info = info if isinstance(info, dict) else {}
            if not self.run_id or info.get("run_id") != self.run_id:
                return _OnDisk([], [], {}, [], {}, {})  # a new run re-records everything
        cassette = read_cassette(self.path)
        info = cassette.metadata.get("harness")
        info = info if isinstance(info, dict) else {}
        exchanges = cassette.exchanges
        if info.get("redaction") != REDACTION_VERSION:
            loader = self._loader()
            exchanges = [self._redacted(e, e.request, e.response, loader) for e in exchanges]
        tags = [
            interaction_tag(
                t.get("region"), t.get("recorded_at"), t.get("answered_at"), t.get("phase")
            )
            for t in cassette.tags
        ]
        kept = {k: v for k, v in cassette.metadata.items() if k != "harness"}
        return _OnDisk(
            exchanges,
            tags,
            placeholder_numbers(info.get("placeholders")),
            cassette.other,
            kept,
            _shapes(info.get("shapes")),
        )

    # ------------------------------------------------------------------ misses

    def _miss(self, call: Call, params: dict[str, Any], why: str | None = None) -> CassetteMiss:
        self._read_all()  # (the report names the closest of every interaction)
        near: list[Near] = []
        if not why and self.existed:
            near = self.index.closest(
                call.service, call.operation, params, call.region, now=time.time()
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
        )
        if self._keep_history:
            self.misses.append(miss)
        return miss


_READ_PREFIXES = ("Get", "Describe", "List", "Head", "Query", "Scan", "BatchGet", "Select")


def _is_write(operation: str) -> bool:
    return not operation.startswith(_READ_PREFIXES)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (flock on the directory itself: no lock files left).

    Where ``fcntl`` is missing (Windows), saving is still atomic but not merged.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _renumbered(value: Any, shift: dict[str, int], floor: dict[str, int]) -> Any:
    """``value`` (bytes, text, or an interaction mapping) with this run's placeholders moved
    up by ``shift`` (``placeholders.renumbered``)."""
    if not any(shift.values()):
        return value
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
        return renumbered(text, shift, floor).encode("utf-8", "surrogateescape")
    if isinstance(value, str):
        return renumbered(value, shift, floor)
    if isinstance(value, dict):
        return {k: _renumbered(v, shift, floor) for k, v in value.items()}
    if isinstance(value, list):
        return [_renumbered(v, shift, floor) for v in value]
    return value


def _interned(tag: dict[str, Any]) -> dict[str, Any]:
    return {k: intern(v) if k == "region" and isinstance(v, str) else v for k, v in tag.items()}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Collect no garbage while the block runs (as it was after): building 100,000 small
    objects otherwise triggers full collections that cost more than the building."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Enabling would collect the new objects at once (0.2 s for 100,000 interactions);
            # frozen first, they join the oldest generation unexamined, as long-lived data.
            gc.freeze()
            gc.enable()
            gc.unfreeze()


#: A blob's base64 shorter than this is not looked for in a response (it could be a piece of
#: any other base64 there).
_BLOB_READ_BACK_MIN = 16


def _blobs_read_back(body: bytes, blobs: dict[str, str]) -> bytes:
    """``body`` with the base64 of each blob the test made up and sent (a Kinesis record's
    ``Data``, a DynamoDB binary attribute, an SQS binary attribute) as the live one's: a
    response that reads it back gives the test what it sent in this run."""
    for recorded, live in blobs.items():
        if len(recorded) >= _BLOB_READ_BACK_MIN:
            old = recorded.encode("ascii", "replace")
            if old in body:  # (the cheap test first: most responses hold none)
                # a whole base64 value only: the recorded blob's text may begin another
                # one (a record appended to), whose bytes are not the test's blob
                whole = re.compile(
                    rb"(?<![A-Za-z0-9+/=])" + re.escape(old) + rb"(?![A-Za-z0-9+/=])"
                )
                body = whole.sub(live.encode("ascii", "replace"), body)  # (base64: no \\)
    return body


def _early_answer(call: Call) -> Callable[[Exchange], bool]:
    """What an early call accepts: a success that stays one (``answers_early``)."""
    return lambda exchange: answers_early(call.operation_model, exchange.response)


def _iso_now() -> str:
    # to the microsecond: the recorded replay clock starts here and must not run behind
    # what the server stamped
    return dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _epoch(value: Any) -> float | None:
    if not value:
        return None
    return _epoch_of_text(str(value))


@functools.lru_cache(maxsize=4096)
def _epoch_of_text(value: str) -> float | None:
    """A recorded ISO 8601 stamp in epoch seconds (read on every replayed call)."""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _upload_length(headers: dict[str, str], blobs: dict[bytes, bytes]) -> dict[str, str]:
    """A bodiless response (HeadObject) about an upload the test made up: the length of
    the live bytes, which its ETag (already the live one) names."""
    etag = next((v.strip('"') for k, v in headers.items() if k.lower() == "etag"), None)
    if etag is None:
        return headers
    for old, new in blobs.items():
        if hashlib.md5(new, usedforsecurity=False).hexdigest() == etag:
            return {
                k: (str(len(new)) if k.lower() == "content-length" and v == str(len(old)) else v)
                for k, v in headers.items()
            }
    return headers


def _swept_request(request: HttpRequest, sweep: Callable[[bytes], bytes]) -> HttpRequest:
    """``request`` with ``sweep`` applied to its URL, headers and body."""

    def text(value: str) -> str:
        return sweep(value.encode("utf-8")).decode("utf-8")

    swept = replace(
        request,
        url=text(request.url),
        headers={k: text(v) for k, v in request.headers.items()},
        body=rewrite_body(request.body, request.header("Content-Type") or "", sweep),
    )
    return request if swept == request else swept


def _shapes(value: Any) -> dict[str, Any]:
    """A cassette's placeholder shapes (metadata ``harness.shapes``), checked."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, dict)}


def _text_form(text: str, content_type: str) -> str:
    """How a body carries values: JSON strings, XML text, a form, or plain text."""
    first = text.lstrip()[:1]
    lowered = content_type.lower()
    if first in ("{", "[") or "json" in lowered:
        return "json"
    if first == "<" or "xml" in lowered:
        return "xml"
    if "x-www-form-urlencoded" in lowered:
        return "form"
    return "raw"


def _redaction_version(metadata: dict[str, Any]) -> Any:
    info = metadata.get("harness")
    return info.get("redaction") if isinstance(info, dict) else None


def _scrubbed(original: Exchange, redacted: Exchange) -> bool:
    """True when redaction dropped a header or scrubbed a value (not only pseudonyms)."""
    for before, after in (
        (original.request, redacted.request),
        (original.response, redacted.response),
    ):
        if len(after.headers) < len(before.headers):
            return True
        if after.body.count(b"REDACTED") > before.body.count(b"REDACTED"):
            return True
    return False


def _leaks(path: Path, scrubbed: int) -> list[str]:
    """What an old cassette on disk holds in the clear: what loading it had to scrub, or
    else the credential material the scanner's text detectors see (a pass over the file
    that costs as much as the redaction did: `harness scan` says where, not this)."""
    from harness.secrets.scan import scan_text

    if scrubbed:
        return [f"secret values in {scrubbed} interaction(s)"]
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return []
    return sorted({f.kind for f in scan_text(str(path), text)})


def _warn_if_leaky(path: Path, kinds: list[str], *, lazily: bool = False) -> None:
    if not kinds:
        return
    # (a large cassette read lazily: migrating it also makes its loads instant)
    fix = (
        f"`harness scan {path}` to see where, then `harness scan --fix {path}` to redact it "
        "on disk once (its loads are then instant too)"
        if lazily
        else f"`harness scan {path}` to see where, then re-record it"
    )
    warnings.warn(
        SecretInCassetteWarning(
            f"Cassette {path} holds secrets or credentials on disk ({', '.join(kinds)}). "
            f"Replay redacts them in memory, but the file still leaks them: run {fix}."
        ),
        stacklevel=4,
    )


#: Credentials any plain vcrpy recording of a signed request holds: a SigV4/SigV2
#: ``Authorization`` value or a session token header, in vcrpy's layout.
#: Twelve digits in a row: an account id, which a recording holds as its pseudonym.
_TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_CREDENTIALS_ON_DISK = re.compile(
    rb"\n      (?:[Aa]uthorization:\n      - (?:AWS4-HMAC-SHA256 Credential=|AWS [A-Z0-9]{16,}:|"
    # (vcrpy writes botocore's header values, bytes, as base64: "AWS4-HMAC-SHA256 Credential")
    rb"!!binary \|\n        QVdTNC1ITUFDLVNIQTI1NiBDcmVkZW50aWFs)"
    rb"|[Xx]-[Aa][Mm][Zz]-[Ss]ecurity-[Tt]oken:)"
)


@dataclass(kw_only=True)
class _Pending:
    """A lazily loaded cassette: its interactions not read yet, and what finishing needs."""

    pending: PendingInteractions
    interactions: Iterator[tuple[int, Exchange, dict[str, Any]]]
    text: bytes
    metadata: dict[str, Any]
    index_dir: Path | None

    def interactions_left(self) -> int:
        return self.pending.left


def _sent_body(whole: HttpRequest, live: HttpRequest) -> Callable[[str], bytes | None]:
    """``sent(sha256)``: the bytes of the request body whose digest is ``sha256`` (kept as
    its digest in ``live``, or over 4 KiB in its parameters), None for another digest;
    ``whole`` is the request as sent (an aws-chunked upload is read plainly)."""
    digest = live.body_digest

    def sent(sha256: str) -> bytes | None:
        if digest is not None and digest.sha256 != sha256:
            return None
        body = whole.body
        if "aws-chunked" in (whole.header("Content-Encoding") or "").lower():
            try:
                body = dechunked(whole).body
            except BodyError:
                return None
        if digest is None and hashlib.sha256(body).hexdigest() != sha256:
            return None
        return body

    return sent
