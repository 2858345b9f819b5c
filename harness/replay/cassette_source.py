"""The interactions a recorder replays from, and the ways to read them from a cassette file.

A ``CassetteSource`` holds a cassette's recorded exchanges (redacted), their tags and where
each sits in the file, and fills them one of four ways:

- through an index (the committed companion beside a large cassette, or the cache's): no
  YAML is read, each exchange is read from the file when replay first uses it;
- from a migrated copy in the cache (a large cassette of another recorder, redacted once);
- lazily (a large cassette of another recorder read the first time): each interaction is
  read and redacted only when replay reaches it (``harness.cassettes.pending``);
- parsed whole, writing the indexes a large cassette's next load reads.

Every exchange it stores is filed in the recorder's ``MatchIndex``. A recorder's
``Replayer`` reads what it holds; its ``Recording`` appends to it and, once saved, replaces
it with what the file holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import secrets
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

from harness.cassettes import index as cassette_index
from harness.cassettes.cassette import interaction_tag, parse_cassette, read_bytes, split_items
from harness.cassettes.interactions import LazyExchange
from harness.cassettes.pending import PendingInteractions
from harness.cassettes.runs import RunDigests
from harness.cassettes.versions import dropped_values
from harness.cassettes.writing import write_cassette
from harness.errors import SecretInCassetteWarning
from harness.exchange import Exchange
from harness.replay.match_keys import Key, region_of, slots_as_data
from harness.replay.matching import MatchIndex
from harness.secrets import REDACTION_VERSION, Redaction, Redactor, sensitive_numbers
from harness.secrets.exchanges import redact_exchange
from harness.secrets.placeholders import placeholder_numbers

#: A stored exchange's match key, timestamps and slots (``MatchIndex.add``).
Keyed = tuple[Key, dict[str, float], tuple[Any, ...] | None]


class CassetteSource:
    """One cassette's recorded interactions, read into a ``MatchIndex`` (see the module).

    ``redactor`` is the recorder's: interactions another recorder stored in the clear are
    redacted as this test's requests are, so both sides of a match hold the same
    placeholders, with a vault of their own (``loader``). ``lock`` is the recorder's: a
    server's threads replay from one recorder, and reading on (lazily) happens under it.
    """

    def __init__(
        self,
        path: Path,
        *,
        redactor: Redactor,
        index: MatchIndex,
        lock: threading.Lock,
        replay_only: bool,
    ) -> None:
        self.path = path
        self.redactor = redactor
        self.index = index
        self.lock = lock
        self.replay_only = replay_only
        #: the exchanges replay answers from (and this run's recordings), in file order
        self.stored: list[Exchange] = []
        #: service -> the position in ``stored`` of its first exchange (as read so far)
        self.first_of_service: dict[str, int] = {}
        self.tags: list[dict[str, Any]] = []
        #: Other HTTP clients' interactions (mappings as stored), as loaded.
        self.other: list[dict[str, Any]] = []
        # Interaction numbers in the file as loaded (the exchanges', the other ones'); None
        # once saved, as a save writes AWS interactions first, then the other ones.
        self.positions: list[int] | None = None
        self.other_positions: list[int] = []
        #: placeholder -> the shape of its value, for a stand-in when no live value binds
        self.shapes: dict[str, Any] = {}
        #: what Python's ``random`` is seeded with while the test runs: a new seed for each
        #: recording, the recorded one in replay (``harness.replay.seeded_random``)
        self.random_seed = secrets.randbits(63)
        self.secrets_on_disk = 0  # interactions of an old cassette that redaction changed
        self._old: Redactor | None = None  # see loader
        self._index_file: cassette_index.Index | None = None  # the cassette, kept open
        #: the loaded file's long runs, when its index held them or a load made them
        #: (``KnownValues`` asks them before searching the file for a value)
        self.run_digests: RunDigests | None = None
        #: a large foreign cassette's interactions not read yet (``_load_lazily``)
        self._pending: _Pending | None = None
        self._warned_leaky = False

    # ------------------------------------------------------------------ the ways to read

    def load(self, index_dir: Path | None, companion: bool = False) -> None:
        """Read the cassette to replay from, through an index when it has a valid one (its
        committed companion, or the cache's); a large cassette parsed gets both written
        (``companion``: parsed to write the companion, as a save does)."""
        with _gc_paused():  # loading makes many objects and no garbage: skip GC passes
            self._load(index_dir, companion)

    def _load(self, index_dir: Path | None, companion: bool) -> None:
        fingerprint = self.index.fingerprint()
        size = self.path.stat().st_size
        indexing = fingerprint is not None and size >= cassette_index.MIN_BYTES
        if indexing and not companion:
            assert fingerprint is not None
            found = cassette_index.load(index_dir, self.path, fingerprint) if index_dir else None
            if found is None:
                found = cassette_index.load_companion(self.path, fingerprint)
            if found is not None and self.adopt(found.metadata):
                self._add_indexed(found)
                self.run_digests = found.runs
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
        self.positions, self.other_positions = cassette.positions, cassette.other_positions
        if _redaction_version(cassette.metadata) != REDACTION_VERSION:
            leaks = _leaks(self.path, self.secrets_on_disk)
            _warn_if_leaky(self.path, leaks)
            if indexing and index_dir is not None and not cassette.other:
                self._save_migrated(index_dir, text, cassette.metadata, leaks)
        elif indexing and not cassette.other and self.secrets_on_disk == 0:
            assert fingerprint is not None
            spans = cassette_index.spans(text, len(cassette.exchanges))
            if spans is not None and self.adopt(cassette.metadata):
                rows = [
                    (
                        intern(e.service),  # interned: each name is held once
                        intern(e.operation),
                        e.params,
                        _interned(tag),
                        epoch(tag.get("recorded_at")),
                        start,
                        end,
                        (intern(key[0]), intern(key[1]), *key[2:]),
                        times or None,
                        slots_as_data(slots),
                    )
                    for e, tag, (start, end), (key, times, slots) in zip(
                        cassette.exchanges, self.tags, spans, keys, strict=True
                    )
                ]
                runs = RunDigests.of_text(text)
                self.run_digests = runs
                if index_dir is not None:
                    cassette_index.save(
                        index_dir, self.path, fingerprint, seen, cassette.metadata, rows, runs
                    )
                # beside the cassette: a clone that has it committed replays at once
                cassette_index.save_companion(
                    self.path, fingerprint, text, cassette.metadata, rows, runs
                )

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
        if "version" not in outside:
            return False  # cut short, or laid out unlike vcrpy: the whole read says which
        found = outside.get("metadata")
        metadata: dict[str, Any] = found if isinstance(found, dict) else {}
        if _redaction_version(metadata) == REDACTION_VERSION or self.adopt(metadata):
            return False  # ours: the eager load writes its index
        pending = PendingInteractions(self.path, text, located)
        self._pending = _Pending(
            pending=pending,
            interactions=iter(pending),
            text=text,
            metadata=metadata,
            index_dir=index_dir,
        )
        self.positions = []
        self.other = [item for _, item in pending.other]
        self.other_positions = [position for position, _ in pending.other]
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
        before = self.secrets_on_disk
        key = self._add_one(exchange, tag, redacted=False)[0]
        assert self.positions is not None
        self.positions.append(position)
        if self.secrets_on_disk > before and not self._warned_leaky:
            self._warned_leaky = True
            _warn_if_leaky(self.path, ["secret values"], lazily=True)
        if self._old is not None:
            self.redactor.vault.seed_numbers(self._old.vault.numbers())
        return key

    def read_all(self) -> None:
        """Read what a lazily loaded cassette still holds (what needs every interaction).
        Never called holding ``lock``: it takes it, as ``take`` reads on under it (a
        server's threads replay from one recorder)."""
        if self._pending is None:
            return
        with self.lock:
            self.index.read_all()

    def finish_reading(self) -> None:
        """After the test: read and redact what a lazily loaded cassette still holds, so its
        redacted copy is kept in the cache and the next run's load reads no YAML."""
        if self._pending is not None and self._pending.index_dir is not None:
            self.read_all()

    def read_on(self) -> bool:
        """Read the next interaction of a lazily loaded cassette (False: none is left)."""
        with self.lock:
            more = self.index.more
            if more is None:
                return False
            more()
            return True

    def interactions_left(self) -> int:
        """How many interactions of a lazily loaded cassette are not read yet."""
        return self._pending.pending.left if self._pending is not None else 0

    def _finished_lazily(self, lazy: _Pending) -> None:
        """Every interaction read: keep the redacted copy in the cache, as an eager load does
        (the next load of the same bytes reads no YAML)."""
        if lazy.index_dir is not None and not self.other:
            leaks = [f"secret values in {self.secrets_on_disk} interaction(s)"]
            self._save_migrated(
                lazy.index_dir, lazy.text, lazy.metadata, leaks if self.secrets_on_disk else []
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
            **({"numbers": True} if self.redactor.numbers else {}),
            **({"dropped": True} if self.redactor.dropped_values else {}),
            "migrated_from": str(self.path),
            "leaks": leaks,
        }
        kept = {k: v for k, v in metadata.items() if k != "harness"}
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            write_cassette(target, self.stored, {**kept, "harness": harness}, self.tags)
        except OSError:
            return  # (only speed is lost)
        # parsed as a cassette of ours: its index is written beside it (a companion)
        self.companion_for(target)

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
        if not isinstance(info, dict) or not self.adopt(found.metadata):
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
        read, path = found.read, self.path
        stored, tags, keyed = self.stored, self.tags, []
        firsts = self.first_of_service
        for position, row in enumerate(found.rows):
            service, operation, params, tag, recorded_at, start, end, key, times, slots = row
            if service not in firsts:
                firsts[service] = position
            # (its key and slots are checked against its parameters before replay serves it,
            # ``MatchIndex._verified``; its parameters against the file when it is read)
            region = tag.get("region")
            exchange = LazyExchange(service, operation, params, path, position, read, (start, end))
            stored.append(exchange)
            tags.append(tag)
            keyed.append((position, exchange, region, recorded_at, key, times, slots))
        self.index.add_keyed(keyed)
        self.positions, self.other_positions = list(range(len(found.rows))), []
        found.rows = []  # what replay needs is in the index now

    def companion_for(self, path: Path) -> None:
        """Write the committed index of the cassette at ``path`` beside it, for its bytes on
        disk now (only a large one gets one: ``cassette_index.MIN_BYTES``), under this
        source's match settings."""
        if not path.exists() or path.stat().st_size < cassette_index.MIN_BYTES:
            return
        index = MatchIndex(match_region=self.index.match_region, policy=self.index.policy)
        fresh = CassetteSource(
            path,
            redactor=Redactor(redaction=Redaction()),
            index=index,
            lock=self.lock,
            replay_only=False,
        )
        fresh.load(None, companion=True)

    # ------------------------------------------------------------------ adding

    def add_recorded(
        self,
        exchanges: Iterable[Exchange],
        tags: Sequence[dict[str, Any]] = (),
        metadata: dict[str, Any] | None = None,
    ) -> list[Keyed]:
        """Add recorded exchanges to replay from (what a load does with the file).

        Exchanges not written by us (plain vcrpy, pytest-recording, pseudonyms off) are
        redacted now, so they match live requests redacted the same way. Returns each
        one's match key, timestamps and slots (``MatchIndex.add``).
        """
        redacted = self.adopt(metadata or {})
        tags = list(tags)
        keys = []
        for exchange in exchanges:
            position = len(self.stored)
            tag = tags[position] if position < len(tags) else {}
            keys.append(self._add_one(exchange, tag, redacted))
        if self._old is not None:
            self.redactor.vault.seed_numbers(self._old.vault.numbers())
        return keys

    def _add_one(self, exchange: Exchange, tag: dict[str, Any], redacted: bool) -> Keyed:
        """Store and index one recorded exchange (redacted now unless ``redacted``)."""
        position = len(self.stored)
        if not redacted:
            original = exchange
            exchange = redact_exchange(exchange, self.loader(), exchange.request, exchange.response)
            if _scrubbed(original, exchange):
                self.secrets_on_disk += 1
        region = tag.get("region") or region_of(exchange.request.url)
        recorded_at = epoch(tag.get("recorded_at"))
        self.stored.append(exchange)
        self.first_of_service.setdefault(exchange.service, position)
        self.tags.append(
            interaction_tag(
                region, tag.get("recorded_at"), tag.get("answered_at"), tag.get("phase")
            )
        )
        return self.index.add(position, exchange, region, recorded_at)

    def adopt(self, metadata: dict[str, Any]) -> bool:
        """Number this test's placeholders after the cassette's; True when its exchanges
        are redacted as this recorder would (nothing to redact when loading)."""
        info = metadata.get("harness")
        info = info if isinstance(info, dict) else {}
        seed = info.get("random_seed")
        if isinstance(seed, int) and not isinstance(seed, bool):
            self.random_seed = seed
        self.redactor.vault.seed_numbers(placeholder_numbers(info.get("placeholders")))
        # the live requests are redacted as the recorded ones were
        self.redactor.numbers = sensitive_numbers(metadata)
        self.redactor.dropped_values = dropped_values(metadata)
        self.shapes.update(shapes_of(info.get("shapes")))
        return bool(
            info.get("redaction") == REDACTION_VERSION
            and bool(info.get("identifiers")) == self.redactor.redaction.pseudonyms
        )

    def loader(self) -> Redactor:
        """The redactor of exchanges an older cassette holds in the clear: its own vault, so
        replay never hands the recorded values back as if the test had supplied them; this
        test's placeholders are numbered after its."""
        if self._old is None:
            self._old = Redactor(
                redaction=self.redactor.redaction,
                numbers=self.redactor.numbers,
                dropped_values=self.redactor.dropped_values,
            )
        return self._old

    # ------------------------------------------------------------------ what it holds

    @property
    def recorded_since(self) -> float | None:
        """When the earliest stored interaction was recorded (epoch seconds), if known.

        A time kept to the second (older cassettes) is taken at the end of its second, so a
        clock started there is never before the recording."""
        self.read_all()
        known = []
        for tag in self.tags:
            text = str(tag.get("recorded_at") or "")
            at = epoch(text)
            if at is not None:
                known.append(at if "." in text else at + 1)
        return min(known) if known else None

    def answered_at(self, index: int) -> float | None:
        """When the answer of stored interaction ``index`` arrived (epoch seconds), if known."""
        if not 0 <= index < len(self.tags):
            return None
        return epoch(self.tags[index].get("answered_at"))

    def recorded_at(self, index: int) -> float | None:
        """When stored interaction ``index`` was recorded (epoch seconds), if known."""
        if not 0 <= index < len(self.tags):
            return None
        return epoch(self.tags[index].get("recorded_at"))


def shapes_of(value: Any) -> dict[str, Any]:
    """A cassette's placeholder shapes (metadata ``harness.shapes``), checked."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, dict)}


def epoch(value: Any) -> float | None:
    """A recorded ISO 8601 stamp (a tag's ``recorded_at``) in epoch seconds, if it is one."""
    if not value:
        return None
    return _epoch_of_text(str(value))


@functools.lru_cache(maxsize=4096)
def _epoch_of_text(value: str) -> float | None:
    """(read on every replayed call)"""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


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
        stacklevel=5,
    )


#: Credentials any plain vcrpy recording of a signed request holds: a SigV4/SigV2
#: ``Authorization`` value or a session token header, in vcrpy's layout.
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
