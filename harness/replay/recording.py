"""Keeping new exchanges and saving them: what a recorder adds to its cassette.

A ``Recording`` appends each exchange a test made live, redacted, to the recorder's
``CassetteSource``, and ``save()`` writes them atomically after what the file holds on disk
now: under a lock on the cassette's folder the file is read again, so recorders sharing it
(threads, pytest-xdist workers) lose nobody's interactions, and this run's placeholders are
numbered above the ones other savers wrote meanwhile.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import __version__
from harness.aws.bodies import through_coding
from harness.aws.content_codings import coding_by_look
from harness.aws.models import botocore_version
from harness.aws.protocols.wire_form import request_params
from harness.cassettes.cassette import interaction_tag, read_cassette, read_metadata
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay.cassette_source import CassetteSource, shapes_of
from harness.replay.first_seen import KnownValues
from harness.replay.intercept import Call
from harness.secrets import REDACTION_VERSION, formats, shapes
from harness.secrets.containers import rewrite_body
from harness.secrets.exchanges import redact_exchange, swept_request
from harness.secrets.placeholders import found_in, placeholder_numbers, renumbered
from harness.secrets.scan import cbor_strings, opened_body


class Recording:
    """This run's new exchanges in one cassette, and their save (see the module).

    ``run_id`` names the test run: in mode ``all`` the first save of a run replaces the
    cassette and later saves of the same run append. ``emit`` is told of every exchange
    recorded."""

    def __init__(
        self,
        source: CassetteSource,
        *,
        record_mode: str,
        run_id: str | None,
        known: KnownValues,
        emit: Callable[[Exchange], None],
    ) -> None:
        self.source = source
        self.path = source.path
        self.redactor = source.redactor
        self.index = source.index
        self.lock = source.lock
        self.record_mode = record_mode
        self.run_id = run_id
        self.known = known
        self._emit = emit
        self._label = str(self.path)
        self._recorded = 0  # exchanges recorded since the last save
        self._saved_upto = 0  # stored exchanges before it are on disk (a save wrote them)
        #: other HTTP clients' interactions new this run (mappings as stored)
        self.other_new: list[dict[str, Any]] = []
        # this run numbers its placeholders from here: a save that finds the file's counters
        # moved past these (another worker saved) renumbers them above (``save``)
        self._numbered_from = self.redactor.vault.numbers()

    @property
    def count(self) -> int:
        """How many exchanges this run recorded (not yet saved), other HTTP included."""
        return self._recorded + len(self.other_new)

    def record(
        self,
        call: Call,
        live: HttpRequest,
        response: HttpResponse,
        sent_at: str,
        phase: str | None,
    ) -> None:
        """Keep ``call``'s exchange (``live``: its request as a recording stores it), made
        at ``sent_at`` in test phase ``phase``."""
        answered_at = iso_now()
        exchange = redact_exchange(
            Exchange(call.service, call.operation, call.request, response, "recorded"),
            self.redactor,
            live,
            response,
        )
        if self.index.binding.has_ties():  # new_episodes: as the cassette holds them
            exchange = self._as_recorded(exchange)
        with self.lock:
            stored = self.source.stored
            exchange.cassette, exchange.index = self._label, len(stored)
            stored.append(exchange)
            self.source.first_of_service.setdefault(exchange.service, exchange.index)
            self.source.tags.append(interaction_tag(call.region, sent_at, answered_at, phase))
            self._recorded += 1
        self._emit(exchange)

    def add_other(self, interactions: Iterable[dict[str, Any]]) -> None:
        """Keep other HTTP clients' new interactions (redacted mappings) for ``save()``."""
        with self.lock:
            self.other_new.extend(interactions)

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

    # ------------------------------------------------------------------ save

    def save(self, extra_metadata: dict[str, Any] | None = None) -> Path | None:
        """Write the cassette if this run recorded anything; returns the path written.

        Several tests (threads, pytest-xdist workers) may share one cassette: under a lock on
        its folder, what is on disk now is re-read and this recorder's new interactions are
        appended to it, so nobody's recordings are lost. In mode ``all`` the file is replaced
        by the first recorder of a run (``run_id``) and appended to by the others.
        ``extra_metadata`` goes beside ours in the cassette's ``metadata``.
        """
        if not self.count:
            return None
        source = self.source
        with self.lock, folder_lock(self.path.parent):
            disk = self._disk_base()
            base, base_tags = disk.exchanges, disk.tags
            shift = {
                family: max(0, number - self._numbered_from.get(family, 1))
                for family, number in disk.placeholders.items()
            }
            # what earlier saves wrote is on disk already (unless the file was replaced)
            since = self._saved_upto if base else 0
            present: set[str] = set()  # the placeholders the new interactions hold
            new = [
                (self._swept(e, shift, present), t)
                for e, t in zip(source.stored[since:], source.tags[since:], strict=True)
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
                    **({"numbers": True} if self.redactor.numbers else {}),
                    **({"dropped": True} if self.redactor.dropped_values else {}),
                    "recorded_with": f"botocore-harness {__version__}",
                    "random_seed": source.random_seed,
                    **({"run_id": self.run_id} if self.run_id else {}),
                },
                **(extra_metadata or {}),
            }
            floor = self._numbered_from
            other_new = [_renumbered(i, shift, floor) for i in self.other_new]
            other = [*disk.other, *other_new]
            present.update(_placeholders_in(other_new))  # (other HTTP's, as vcrpy keeps it)
            described = {**disk.shapes, **self._new_shapes(shift, floor, present)}
            if described:
                metadata["harness"]["shapes"] = dict(sorted(described.items()))
                source.shapes.update(described)
            source.stored, source.tags, source.other = exchanges, tags, other
            source.positions, source.other_positions = None, []
            self._saved_upto, self._recorded = len(exchanges), 0
            self.other_new = []
            written = write_cassette(self.path, exchanges, metadata, tags, other)
        source.companion_for(written)  # a fresh clone replays a large one without parsing it
        return written

    def _new_shapes(
        self, shift: dict[str, int], floor: dict[str, int], present: set[str]
    ) -> dict[str, Any]:
        """The shape of each value this run replaced whose placeholder, as saved, the new
        interactions hold (the vault is shared by the tests of a session: another test's
        secrets are not described here): every secret's, and an id's only when the test's
        source states it (to serve it back)."""
        literals = self.known.source_literals()
        to_recorded = self.index.binding.live_to_recorded
        out: dict[str, Any] = {}
        for value, token in self.redactor.vault.values():
            token = to_recorded.get(token, token)
            if token in self.source.shapes:
                continue  # the cassette's own, described when it was recorded
            token = renumbered(token, shift, floor)
            if token not in present:
                continue
            literal = shapes.literal_tag(token, value, literals) if value in literals else None
            if token.startswith("REDACTED"):
                out[token] = shapes.describe(value, literal)
            elif literal is not None:  # an account or access key id the test writes
                out[token] = {"literal": literal}
        return out

    def _swept(
        self,
        exchange: Exchange,
        shift: dict[str, int] | None = None,
        present: set[str] | None = None,
    ) -> Exchange:
        """The last pass before a save: a value redacted anywhere in this test is replaced
        wherever else it still sits (``Redactor.sweep``), and this run's placeholders are
        moved up by ``shift`` (``save``)."""
        floor = self._numbered_from

        def sweep(data: bytes) -> bytes:
            data = self.redactor.sweep(data)
            if shift and any(shift.values()):
                data = _renumbered(data, shift, floor)
            if present is not None:
                present.update(found_in(data.decode("utf-8", "surrogateescape")))
            return data

        def text(value: str) -> str:
            inside = formats.inside_base64_json(value, text)  # (a header: placeholders inside)
            return inside if inside is not None else sweep(value.encode("utf-8")).decode("utf-8")

        request, response = exchange.request, exchange.response
        swept = swept_request(request, sweep)
        swept_response = HttpResponse(
            response.status,
            {k: text(v) for k, v in response.headers.items()},
            through_coding(
                response.body,
                response.header("Content-Encoding") or coding_by_look(response.body),
                lambda inner: rewrite_body(inner, response.header("Content-Type") or "", sweep),
            ),
        )
        if swept == request and swept_response == response:
            return exchange
        return Exchange(
            exchange.service,
            exchange.operation,
            swept,
            swept_response,
            exchange.source,
            request_params(exchange.service, exchange.operation, swept),
            exchange.cassette,
            exchange.index,
        )

    def _disk_base(self) -> _OnDisk:
        """What the cassette holds on disk now, redacted, that this save must keep."""
        if not self.path.exists():
            return _OnDisk()
        if self.record_mode == "all":
            info = read_metadata(self.path).get("harness")
            info = info if isinstance(info, dict) else {}
            if not self.run_id or info.get("run_id") != self.run_id:
                return _OnDisk()  # a new run re-records everything
        cassette = read_cassette(self.path)
        info = cassette.metadata.get("harness")
        info = info if isinstance(info, dict) else {}
        exchanges = cassette.exchanges
        if info.get("redaction") != REDACTION_VERSION:
            loader = self.source.loader()
            exchanges = [redact_exchange(e, loader) for e in exchanges]
        tags = [
            interaction_tag(
                t.get("region"), t.get("recorded_at"), t.get("answered_at"), t.get("phase")
            )
            for t in cassette.tags
        ]
        return _OnDisk(
            exchanges=exchanges,
            tags=tags,
            placeholders=placeholder_numbers(info.get("placeholders")),
            other=cassette.other,
            metadata={k: v for k, v in cassette.metadata.items() if k != "harness"},
            shapes=shapes_of(info.get("shapes")),
        )


@dataclass(kw_only=True)
class _OnDisk:
    """What a cassette on disk holds that a save must keep (``Recording._disk_base``)."""

    exchanges: list[Exchange] = field(default_factory=list)  # redacted
    tags: list[dict[str, Any]] = field(default_factory=list)
    placeholders: dict[str, int] = field(default_factory=dict)  # each family's next number
    other: list[dict[str, Any]] = field(default_factory=list)  # other HTTP's interactions
    metadata: dict[str, Any] = field(default_factory=dict)  # all but the harness's own
    shapes: dict[str, Any] = field(default_factory=dict)  # placeholder -> its value's shape


def iso_now() -> str:
    """Now, as a tag records it: ISO 8601 in UTC to the microsecond (the recorded replay
    clock starts here and must not run behind what the server stamped)."""
    return dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")


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
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:  # a file where a folder goes, no permission: one paragraph
        from harness.cassettes.files import check_writable
        from harness.errors import HarnessUsageError

        hint = (
            "The recording was not saved: set aws_cassette_dir (or the marker's name) to a "
            "folder you can write, and record again."
        )
        try:
            check_writable(folder, folder=True)  # (names the first ancestor no folder)
        except HarnessUsageError as found:
            raise HarnessUsageError(f"{found} {hint}") from None
        raise HarnessUsageError(
            f"Cannot write cassettes in {folder}: {exc.strerror or exc}. {hint}"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _placeholders_in(value: Any) -> set[str]:
    """The numbered placeholders anywhere in ``value`` (text, bytes, mappings, lists): in a
    vcrpy request or response, inside its body's content codings."""
    if isinstance(value, bytes):
        return found_in(value.decode("utf-8", "surrogateescape"))
    if isinstance(value, str):
        found = found_in(value)

        def look(text: str) -> str:
            found.update(found_in(text))
            return text

        formats.inside_base64_json(value, look)
        return found
    if isinstance(value, list | tuple):
        return set().union(*(_placeholders_in(item) for item in value))
    if not isinstance(value, dict):
        return set()
    found = set().union(*(_placeholders_in(v) for k, v in value.items() if k != "body"))
    body = value.get("body")
    raw = body.get("string") if isinstance(body, dict) else body
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if isinstance(raw, bytes) and raw:
        # opened as `harness scan` opens it: by its Content-Encoding, else by its look
        opened = opened_body(raw, value.get("headers"))
        found |= _placeholders_in(opened)
        # (a CBOR body's strings touch their length bytes, letters as often as not: each
        # read alone, or a placeholder in one is not seen and its shape not kept)
        for text in cbor_strings(opened, value.get("headers")) or ():
            found |= found_in(text)
    elif body is not None:
        found |= _placeholders_in(body)
    return found


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
