"""Cassette files: vcrpy's YAML layout, read into ``Exchange`` objects (this module: the
file, its items and metadata; ``entries``: its interactions listed or streamed, AWS calls or
not; ``interactions``: each interaction; ``writing``: written atomically).

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from harness.cassettes import reads
from harness.cassettes.files import open_regular
from harness.cassettes.interactions import (
    CassetteError,
    aws_evidence,
    exchange_at,
    http_parts,
)
from harness.cassettes.yaml_events import MAX_ALIAS_NODES as MAX_ALIAS_NODES  # (their old home)
from harness.cassettes.yaml_events import MAX_DEPTH as MAX_DEPTH
from harness.cassettes.yaml_events import YamlLimitError
from harness.cassettes.yaml_io import load_yaml
from harness.exchange import Exchange, HttpRequest

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
    split = split_items_of(BytesText(read_bytes(path)))
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
        raise not_yaml(path, exc) from None
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
            raise at_line(exc, path, _line_of(text, index)) from None
        cassette.tags.append(dict(item["harness"]) if isinstance(item.get("harness"), dict) else {})
        cassette.positions.append(index)
    cut = cut_short(path, data)  # (after the interactions: a broken one names its line)
    if cut is not None:
        raise cut
    return cassette


def cut_short(path: Path, data: dict[str, Any]) -> CassetteError | None:
    """The error for a cassette of ours cut at an interaction's end, else None.

    The harness writes ``version`` (and ``metadata``) after the interactions (keys sorted),
    so a file it wrote that holds ``harness``-tagged interactions and no ``version`` lost
    its end: a cut there still parses, and every check would pass on what is left. (A
    foreign cassette cut so cannot be told from a shorter one: vcrpy tags nothing.)"""
    if "version" in data:
        return None
    items = data.get("interactions")
    if not any(isinstance(i, dict) and isinstance(i.get("harness"), dict) for i in items or ()):
        return None
    return CassetteError(
        f"Cassette {path} ends after interaction {len(items or ()) - 1} without the "
        "'version: 1' line botocore-harness writes after the last interaction: the file was "
        "cut short (a copy, checkout or edit interrupted) and what came after the cut is "
        "lost. Restore it from version control or re-record it."
    )


def _cassette_yaml(text: bytes) -> Any:
    """The YAML value of a cassette's bytes. A large one laid out item by item is read one
    interaction at a time (each through the YAML reader's layout plans, about twice as fast
    as one document of them all); anything the spans do not read (an error, a layout they
    misjudge) is read whole, which says what is wrong."""
    split = split_items_of(BytesText(text)) if len(text) >= STREAM_BYTES else None
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


def at_line(error: CassetteError, path: Path, line: int | None) -> CassetteError:
    """``error`` with the line its interaction starts at after the cassette's name."""
    if line is None:
        return error
    named = f"cassette {path}"
    return CassetteError(str(error).replace(named, f"{named} (line {line})", 1))


def not_yaml(path: Path, exc: yaml.YAMLError, line: int = 0, what: str = "") -> CassetteError:
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
    return is_foreign({}, request)


def is_foreign(tag: Mapping[str, Any], request: HttpRequest) -> bool:
    """The one rule for an interaction that is not an AWS call: no operation tag and no
    sign of AWS (``aws_evidence``). Known before any search of the models for it."""
    return not tag.get("service") and not aws_evidence(request)


#: Files at least this large are read one interaction at a time, by ``read_cassette`` and by
#: ``entries.stream_entries`` (which also lets the YAML reader's layout plans serve: see
#: ``harness.cassettes.yaml_io``).
STREAM_BYTES = 64 << 10


class BytesText:
    """A cassette's bytes in memory, read by range (as ``FileText`` reads a file)."""

    def __init__(self, data: bytes, close: Callable[[], None] = lambda: None) -> None:
        self.data, self.size, self.close = data, len(data), close

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        yield 0, self.data

    def read(self, start: int, end: int) -> bytes:
        return self.data[start:end]

    def line_at(self, offset: int) -> int:
        """The number of line breaks before ``offset`` (for messages)."""
        return self.data.count(b"\n", 0, offset)


class FileText:
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
    outside them (``split_items_of``), or None when the file must be read whole."""
    return split_items_of(BytesText(text))


def interaction_exchange(path: Path, index: int, item: Any) -> Exchange:
    """The exchange of interaction ``index`` of ``path`` (a mapping), its line named in
    an error when the file's layout tells it."""
    return exchange_at(path, index, item)


def is_other_interaction(path: Path, index: int, item: Any) -> bool:
    """True for an interaction that is not an AWS call (``_untagged_other``)."""
    return _untagged_other(path, index, item)


def split_items_of(
    text: BytesText | FileText,
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
