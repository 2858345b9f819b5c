"""Cassette files: vcrpy's YAML layout, read into ``Exchange`` objects (this module: the
file, its items and metadata; ``interactions``: each interaction; ``writing``: written
atomically).

A cassette written here is a plain vcrpy cassette (``version: 1``, ``interactions`` of
``request``/``response``), so vcrpy and pytest-recording load it. We add only what vcrpy
ignores: a top-level ``metadata`` mapping and, per interaction, a ``harness`` mapping naming
the service and operation. Bodies are stored readably (``harness.aws.bodies``): the protocol's
JSON documents as pretty, sorted-key text in YAML literal blocks so a cassette reads well in
code review and diffs line by line, XML and other text as is, payloads the caller owns (S3
objects, Lambda payloads) exactly as received, binary bodies as ``!!binary`` (as vcrpy writes
bytes), and event streams as their decoded messages (``body.events``, ``harness.aws.eventstream``).
A large upload that replay matches by digest is stored as ``{sha256, size, stored: digest
only}`` (``bodies.digest_only``).

Cassettes from plain vcrpy or pytest-recording load too: the operation is then recovered from
the request itself (``wire.identify``), ``!!binary`` and gzip bodies are decoded.

A test's other HTTP (``requests``, ``urllib3``, ``httpx``: recorded by vcrpy through
``harness.replay.other_http``) shares the file: those interactions are tagged ``harness: {kind:
http}``, written after the AWS ones, and kept apart from them when read (``Cassette.other``).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import yaml

from harness.cassettes import reads
from harness.cassettes.files import open_regular
from harness.cassettes.interactions import (
    CassetteError,
    aws_evidence,
    decoded_at,
    exchange_at,
    http_parts,
    request_summary,
)
from harness.cassettes.yaml_io import MAX_ALIAS_NODES as MAX_ALIAS_NODES  # (their old home)
from harness.cassettes.yaml_io import MAX_DEPTH as MAX_DEPTH
from harness.cassettes.yaml_io import YamlLimitError, load_yaml
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse

T = TypeVar("T")
R = TypeVar("R")


FORMAT_VERSION = 1  # vcrpy's CASSETTE_FORMAT_VERSION


@dataclass(kw_only=True)
class Cassette:
    """A cassette file's content: its exchanges, in recorded order, and its metadata."""

    path: Path
    exchanges: list[Exchange]
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Per interaction, the ``harness`` mapping as stored (``{}`` for plain vcrpy ones).
    tags: list[dict[str, Any]] = field(default_factory=list)
    #: Where each exchange sits in the file (interaction numbers, from 0).
    positions: list[int] = field(default_factory=list)
    #: The interactions of other HTTP clients (tagged ``kind: http``), as stored.
    other: list[dict[str, Any]] = field(default_factory=list)
    #: Where each of ``other`` sits in the file.
    other_positions: list[int] = field(default_factory=list)


#: The ``harness`` tag of an interaction recorded from another HTTP client than botocore.
OTHER_HTTP_TAG = {"kind": "http"}


def is_other_http(item: Any) -> bool:
    """True for an interaction mapping tagged as another HTTP client's (not an AWS call)."""
    tag = item.get("harness") if isinstance(item, dict) else None
    return isinstance(tag, dict) and tag.get("kind") == OTHER_HTTP_TAG["kind"]


# --------------------------------------------------------------------------- read


#: The pytest phases a test's interaction can be recorded in (``phase`` of its tag).
PHASES = ("setup", "call", "teardown")


def interaction_tag(
    region: str | None, recorded_at: Any, answered_at: Any = None, phase: str | None = None
) -> dict[str, Any]:
    """The per-interaction ``harness`` tag: client region, when the request was made and
    when its answer arrived (the recorded replay clock never runs behind a time the server
    stamped in between), and the test phase it was made in when not the test's body
    (``phase: setup`` or ``teardown``: a function-scoped fixture's set-up or tear-down; no
    ``phase`` is the test's own call, as in every cassette recorded before phases)."""
    tag: dict[str, Any] = {}
    if region:
        tag["region"] = region
    if recorded_at:
        tag["recorded_at"] = str(recorded_at)
    if answered_at:
        tag["answered_at"] = str(answered_at)
    if phase in PHASES and phase != "call":
        tag["phase"] = phase
    return tag


def interaction_phase(tag: Mapping[str, Any]) -> str:
    """The test phase an interaction was recorded in, read from its ``harness`` tag:
    ``setup``, ``teardown``, or ``call`` (no phase, or one this version does not know)."""
    phase = tag.get("phase")
    return phase if isinstance(phase, str) and phase in PHASES else "call"


def read_cassette(path: str | os.PathLike[str]) -> Cassette:
    """Load a cassette; a corrupt, truncated or foreign file raises ``CassetteError``."""
    path = Path(path)
    return parse_cassette(path, read_bytes(path))


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A cassette's ``metadata`` mapping, without parsing its interactions when its layout
    lets them be told apart line by line (a save in mode ``all`` needs only this of the
    file it replaces: parsing a cassette of large downloads cost more than writing it)."""
    path = Path(path)
    split = _split_items(_BytesText(read_bytes(path)))
    if split is None:
        return read_cassette(path).metadata
    found = split[1].get("metadata")
    return dict(found) if isinstance(found, dict) else {}


def read_bytes(path: Path) -> bytes:
    """A cassette file's bytes; an unreadable file raises ``CassetteError``."""
    try:
        with open_regular(path) as handle:
            reads.note(os.fstat(handle.fileno()))
            return handle.read()
    except OSError as exc:
        raise CassetteError(
            f"Cannot read cassette {path}: {exc.strerror or exc}. Check the path and its "
            "permissions."
        ) from None


def parse_cassette(path: Path, text: bytes) -> Cassette:
    """``read_cassette`` of bytes already read from ``path``."""
    try:
        data = _cassette_yaml(text)
    except yaml.YAMLError as exc:
        raise _not_yaml(path, exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(
            f"{path} is not a cassette: expected a YAML mapping with an 'interactions' list "
            "(vcrpy's layout). Point the harness at cassette files only."
        )
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    cassette = Cassette(path=path, exchanges=[], metadata=dict(metadata or {}))
    for index, item in enumerate(data["interactions"]):
        try:
            if _untagged_other(path, index, item):
                cassette.other.append(item)
                cassette.other_positions.append(index)
                continue
            cassette.exchanges.append(exchange_at(path, index, item))
        except CassetteError as exc:
            raise _at_line(exc, path, _line_of(text, index)) from None
        cassette.tags.append(dict(item["harness"]) if isinstance(item.get("harness"), dict) else {})
        cassette.positions.append(index)
    return cassette


def _cassette_yaml(text: bytes) -> Any:
    """The YAML value of a cassette's bytes. A large one laid out item by item is read one
    interaction at a time (each through the YAML reader's layout plans, about twice as fast
    as one document of them all); anything the spans do not read (an error, a layout they
    misjudge) is read whole, which says what is wrong."""
    split = _split_items(_BytesText(text)) if len(text) >= STREAM_BYTES else None
    if split is not None:
        located, outside = split
        items = []
        for start, end in located:
            try:
                item = load_yaml(text[start:end], depth=1)
            except yaml.YAMLError:
                break
            if not isinstance(item, list) or len(item) != 1:
                break
            items.append(item[0])
        else:
            outside["interactions"] = items
            return outside
    return load_yaml(text)


def _line_of(text: bytes, index: int) -> int | None:
    """The line interaction ``index`` starts at, when the file is laid out item by item at
    column 0 (as the harness and vcrpy write it); None otherwise. Only for error messages."""
    from harness.cassettes.index import spans

    located = spans(text)
    if located is None or index >= len(located):
        return None
    return text.count(b"\n", 0, located[index][0]) + 1


def _at_line(error: CassetteError, path: Path, line: int | None) -> CassetteError:
    """``error`` with the line its interaction starts at after the cassette's name."""
    if line is None:
        return error
    named = f"cassette {path}"
    return CassetteError(str(error).replace(named, f"{named} (line {line})", 1))


def _not_yaml(path: Path, exc: yaml.YAMLError, line: int = 0, what: str = "") -> CassetteError:
    """The error for YAML that does not parse; ``line``: where the parsed text began."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, YamlLimitError):
        at = f" at line {line + mark.line + 1}" if mark else ""
        return CassetteError(
            f"Cassette {path} is beyond a loading limit{at}{what}: {exc.problem}. No cassette "
            "needs this; the file is damaged or hostile. Restore it from version control or "
            "re-record it."
        )
    where = f" at line {line + mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return CassetteError(
        f"Cassette {path} is not valid YAML{where}{what}: {problem}. The file may be truncated "
        "or hand-edited; restore it from version control or re-record it."
    )


def _untagged_other(path: Path, index: int, item: Any) -> bool:
    """True for an interaction of plain vcrpy or pytest-recording that is no AWS call: no
    ``harness`` operation tag and no sign of AWS (``aws_evidence``). Such a cassette mixing
    hosts replays its other HTTP through vcrpy (``harness.replay.other_http``)."""
    if is_other_http(item):
        http_parts(path, index, item)  # a malformed one is reported like any other
        return True
    tag = item.get("harness") if isinstance(item, dict) else None
    if isinstance(tag, dict) and tag.get("service"):
        return False
    try:
        request, _ = http_parts(path, index, item)
    except CassetteError:
        return False  # reported by the strict read, naming what is missing
    return _foreign({}, request)


def _foreign(tag: Mapping[str, Any], request: HttpRequest) -> bool:
    """The one rule for an interaction that is not an AWS call: no operation tag and no
    sign of AWS (``aws_evidence``). Known before any search of the models for it."""
    return not tag.get("service") and not aws_evidence(request)


@dataclass(kw_only=True, frozen=True)
class Entry:
    """One interaction of any vcrpy-layout cassette, read as far as it can be.

    ``exchange`` is ``None`` for an interaction that is not a call to an AWS operation
    botocore knows (another vendor's API, an image download in a plain vcrpy cassette);
    ``request`` and ``response`` are there for every interaction.
    """

    index: int
    request: HttpRequest
    response: HttpResponse
    exchange: Exchange | None
    tag: dict[str, Any]

    @property
    def line(self) -> str:
        """``GET host/path``, for listings."""
        return request_summary(self.request)

    @property
    def status(self) -> int:
        """The response's HTTP status."""
        return self.response.status

    @property
    def size(self) -> int:
        """Bytes of request and response body together (an upload kept as its digest: as
        sent)."""
        digest = self.request.body_digest
        return (digest.size if digest else len(self.request.body)) + len(self.response.body)

    @property
    def label(self) -> str:
        """``service:Operation``, or the request line of a foreign interaction."""
        return self.exchange.label if self.exchange is not None else self.line


def read_entries(path: str | os.PathLike[str]) -> tuple[list[Entry], dict[str, Any]]:
    """Every interaction of a cassette and its metadata, tolerating non-AWS interactions.

    ``read_cassette`` refuses a file with an interaction it cannot read as an AWS call; this
    reads such files too (vcrpy and pytest-recording cassettes mix hosts), marking foreign
    interactions. A file that is not a cassette at all, or an interaction without a request
    or response, still raises ``CassetteError``.
    """
    path = Path(path)
    try:
        cassette = read_cassette(path)
    except CassetteError as error:
        return _read_leniently(path, error)
    entries = []
    for i, exchange in enumerate(cassette.exchanges):
        tag = cassette.tags[i] if i < len(cassette.tags) else {}
        foreign = _foreign(tag, exchange.request)
        entries.append(
            Entry(
                index=cassette.positions[i],
                request=exchange.request,
                response=exchange.response,
                exchange=None if foreign else exchange,
                tag=tag,
            )
        )
    for position, item in zip(cassette.other_positions, cassette.other, strict=True):
        request, response = http_parts(path, position, item)
        response = decoded_at(path, position, response)
        raw = item.get("harness")
        entries.append(
            Entry(
                index=position,
                request=request,
                response=response,
                exchange=None,
                tag=dict(raw) if isinstance(raw, dict) else {},
            )
        )
    entries.sort(key=lambda entry: entry.index)
    return entries, cassette.metadata


#: Files at least this large are read one interaction at a time by ``stream_entries``
#: (which also lets the YAML reader's layout plans serve: see ``harness.cassettes.yaml_io``).
STREAM_BYTES = 64 << 10
#: ... and those up to this size are read in one go, then parsed one interaction at a time;
#: larger ones are read an interaction at a time too, so memory stays flat at any size.
HELD_BYTES = 8 << 20


def stream_entries(path: str | os.PathLike[str]) -> tuple[Iterator[Entry], dict[str, Any]]:
    """``read_entries``, one interaction at a time for a large file in our (or vcrpy's)
    layout, so memory stays flat whatever the cassette's size (``harness check``).

    The file is read in blocks to find each interaction's span (``cassette_index.scan``),
    then each span is read and parsed as the iterator reaches it. Other files:
    ``read_entries``. The iterator raises ``StreamMisread`` when a span turns out not to be
    one interaction of a file that does parse (entries already yielded cannot be taken
    back): the caller starts again from ``read_entries``, as ``contract.check_cassette``
    does; and ``CassetteError`` when the file is cut short meanwhile.
    """
    path = Path(path)
    try:
        handle = open_regular(path)
    except OSError:
        handle = None  # (read_entries says why)
    if handle is None or os.fstat(handle.fileno()).st_size < STREAM_BYTES:
        if handle is not None:
            handle.close()
        entries, metadata = read_entries(path)
        return iter(entries), metadata
    file = _FileText(path, handle)
    text: _BytesText | _FileText = file
    try:
        if file.size <= HELD_BYTES:  # one read, then slices: no system call per interaction
            data = file.read(0, file.size)
            file.confirm_unchanged()
            text = _BytesText(data, handle.close)
        split = _split_items(text)
    except BaseException:
        text.close()
        raise
    if split is None:  # read whole: it says what is wrong, or reads what spans misjudge
        text.close()
        entries, metadata = read_entries(path)
        return iter(entries), metadata
    located, outside = split
    found_metadata = outside.get("metadata")
    metadata = dict(found_metadata) if isinstance(found_metadata, dict) else {}
    return _entries_of(path, text, located), metadata


class StreamMisread(Exception):
    """An interaction's span did not parse although the whole file does: the file is laid
    out in a way the spans misjudge (a quoted value continued at column 0); read it whole."""


class _BytesText:
    """A cassette's bytes in memory, read by range (as ``_FileText`` reads a file)."""

    def __init__(self, data: bytes, close: Callable[[], None] = lambda: None) -> None:
        self.data, self.size, self.close = data, len(data), close

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        yield 0, self.data

    def read(self, start: int, end: int) -> bytes:
        return self.data[start:end]

    def line_at(self, offset: int) -> int:
        """The number of line breaks before ``offset`` (for messages)."""
        return self.data.count(b"\n", 0, offset)


class _FileText:
    """A large cassette's bytes, read by range from the open file with ``pread``: memory
    stays flat. Not memory-mapped: a mapped file that another program cuts short (``cp``
    writing over it) kills the process with SIGBUS, and no message."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path, self.handle = path, handle
        info = os.fstat(handle.fileno())
        reads.note(info)
        self.size, self.identity = info.st_size, reads.identity(info)

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        from harness.cassettes.index import file_blocks

        return file_blocks(self.handle.fileno(), self.size)

    def read(self, start: int, end: int) -> bytes:
        """The bytes ``[start, end)``; ``CassetteError`` when the file no longer holds them."""
        data = os.pread(self.handle.fileno(), end - start, start)
        if len(data) != end - start:
            raise self._changed(f"it is now shorter than the {self.size:,} bytes it had")
        return data

    def confirm_unchanged(self) -> None:
        """Raise ``CassetteError`` when the file was written since it was opened (what was
        read may mix two versions)."""
        if reads.identity(os.fstat(self.handle.fileno())) != self.identity:
            raise self._changed("it was written since its check began")

    def _changed(self, how: str) -> CassetteError:
        return CassetteError(
            f"Cassette {self.path} changed while it was being read: {how}. Another program "
            "is writing it in place; check it again once that is done (the harness itself "
            "replaces files whole, which never does this)."
        )

    def line_at(self, offset: int) -> int:
        """The number of line breaks before ``offset`` (for messages)."""
        before = itertools.takewhile(lambda piece: piece[0] < offset, self.blocks())
        return sum(block.count(b"\n", 0, offset - base) for base, block in before)

    def close(self) -> None:
        self.handle.close()


#: Lines that hold no YAML value: blank, or a comment.
_BLANK_LINES = re.compile(rb"(?:[ \t]*(?:#[^\n]*)?\n)*")


def split_items(text: bytes) -> tuple[list[tuple[int, int]], dict[str, Any]] | None:
    """The spans of the interactions of a cassette's bytes and the YAML value of the text
    outside them (``_split_items``), or None when the file must be read whole."""
    return _split_items(_BytesText(text))


def interaction_exchange(path: Path, index: int, item: Any) -> Exchange:
    """The exchange of interaction ``index`` of ``path`` (a mapping), its line named in
    an error when the file's layout tells it."""
    return exchange_at(path, index, item)


def is_other_interaction(path: Path, index: int, item: Any) -> bool:
    """True for an interaction that is not an AWS call (``_untagged_other``)."""
    return _untagged_other(path, index, item)


def _split_items(
    text: _BytesText | _FileText,
) -> tuple[list[tuple[int, int]], dict[str, Any]] | None:
    """The spans of a cassette's interactions and the YAML value of the text outside them
    (its metadata and version, with ``interactions: []`` in their place), when the spans
    are its items; None when the file must be read whole. Not so when that text does not
    read, when another ``interactions:`` key follows (PyYAML keeps the last), or when the
    line the spans start from is inside a quoted value (the key then does not read)."""
    from harness.cassettes.index import scan

    found = scan(text.blocks(), text.size)
    if found is None:
        return None
    head, located = found
    between = text.read(head, located[0][0]).partition(b"\n")[2]
    if not _BLANK_LINES.fullmatch(between):
        return None  # an item the spans do not see (written "-" alone, or indented)
    rest = text.read(0, head) + b"interactions: []\n" + text.read(located[-1][1], text.size)
    try:
        outside = load_yaml(rest)
    except yaml.YAMLError:
        return None
    if not isinstance(outside, dict) or outside.get("interactions") != []:
        return None
    if rest.count(b"interaction") != 1:
        return None  # another "interactions" key, however spelt (PyYAML keeps the last)
    return located, outside


def _entries_of(
    path: Path, text: _BytesText | _FileText, located: list[tuple[int, int]]
) -> Iterator[Entry]:
    """Each span's entry; raises ``StreamMisread`` when a span does not read as one
    interaction but the whole file reads (the caller reads it whole), else the error.

    Spans are taken in runs (``runs``): a run's YAML is read, then its entries are built.
    Doing one thing many times in a row is faster than alternating (measured: ~6% of a
    small exchange's check; the interpreter stays in one code path longer)."""
    try:
        for run in runs(located, lambda span: span[1] - span[0]):
            items, failure = until_error(lambda found: _item(path, text, found[0], *found[1]), run)
            for (index, (start, _)), item in zip(run, items, strict=False):
                try:
                    entry = _entry(path, index, item)
                except CassetteError as exc:
                    raise _at_line(exc, path, text.line_at(start) + 1) from None
                yield entry
            if failure is not None:
                raise failure
        if isinstance(text, _FileText):
            text.confirm_unchanged()  # (a rewrite in place that kept the size)
    finally:
        text.close()


#: A run of interactions handled one step at a time, at most (by count and by bytes): long
#: enough to keep to one code path, short enough that memory stays flat.
RUN_ITEMS = 64
RUN_BYTES = 1 << 20


def runs(items: Iterable[T], size: Callable[[T], int]) -> Iterator[list[tuple[int, T]]]:
    """``items`` numbered from 0, in lists of at most ``RUN_ITEMS`` items and (unless one
    item alone is larger) ``RUN_BYTES`` bytes by ``size``."""
    run: list[tuple[int, T]] = []
    held = 0
    for number, item in enumerate(items):
        run.append((number, item))
        held += size(item)
        if len(run) >= RUN_ITEMS or held >= RUN_BYTES:
            yield run
            run, held = [], 0
    if run:
        yield run


def until_error(step: Callable[[T], R], items: list[T]) -> tuple[list[R], Exception | None]:
    """``step`` of each item up to the first that raises, and that error: the caller raises
    it after using the results before it, so a run reports its problems in their order."""
    done: list[R] = []
    for item in items:
        try:
            done.append(step(item))
        except Exception as exc:
            return done, exc
    return done, None


def _item(path: Path, text: _BytesText | _FileText, index: int, start: int, end: int) -> Any:
    """The mapping of the interaction at ``start:end`` of ``text``."""
    try:
        data = load_yaml(text.read(start, end), depth=1)
    except yaml.YAMLError as exc:
        _misread_unless_broken(text)
        line = text.line_at(start)  # where the interaction begins, counted once
        raise _not_yaml(path, exc, line, f" (interaction #{index})") from None
    item = data[0] if isinstance(data, list) and len(data) == 1 else None
    if not isinstance(item, dict):
        _misread_unless_broken(text)
        error = CassetteError(f"Interaction #{index} of cassette {path} is not a mapping.")
        raise _at_line(error, path, text.line_at(start) + 1)
    return item


def _misread_unless_broken(text: _BytesText | _FileText) -> None:
    """Raise ``StreamMisread`` when the whole file reads as YAML (then the spans, not the
    file, were wrong); return when it does not, for the caller to report the interaction."""
    try:
        load_yaml(text.read(0, text.size))
    except yaml.YAMLError:
        return
    raise StreamMisread


def _entry(path: Path, index: int, item: dict[str, Any]) -> Entry:
    """One interaction read as ``read_entries`` reads it (foreign ones without exchange)."""
    tag = dict(item["harness"]) if isinstance(item.get("harness"), dict) else {}
    request, response = http_parts(path, index, item)
    if is_other_http(item) or _foreign(tag, request):
        return Entry(
            index=index,
            request=request,
            response=decoded_at(path, index, response),
            exchange=None,
            tag=tag,
        )
    try:
        exchange: Exchange | None = exchange_at(path, index, item, (request, response))
    except HarnessUsageError:
        exchange = None
    if exchange is not None:
        response = exchange.response
    return Entry(index=index, request=request, response=response, exchange=exchange, tag=tag)


def _read_leniently(path: Path, error: CassetteError) -> tuple[list[Entry], dict[str, Any]]:
    try:
        data = load_yaml(read_bytes(path))
    except Exception:  # the strict read already said why, naming the file and line
        raise error from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise error
    entries = []
    for index, item in enumerate(data["interactions"]):
        if not isinstance(item, dict):
            raise error
        try:
            http_parts(path, index, item)
        except CassetteError:
            raise error from None  # a malformed interaction, not a foreign one
        entries.append(_entry(path, index, item))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return entries, dict(metadata or {})


# --------------------------------------------------------------------------- write
