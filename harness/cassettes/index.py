"""Indexes of a large cassette, so replay starts without parsing its YAML.

Parsing YAML is what a big cassette costs before its first replayed call (about 0.2 ms per
interaction: 2 s for 10,000). What replay needs up front is small: each interaction's
operation, parameters, tag and match key. So a cassette of at least ``MIN_BYTES`` gets that,
with where each interaction sits in the file, written beside it as a *companion*
(``<cassette>.index.json``, written when the cassette is saved or first parsed; commit it
with the cassette, and a fresh clone replays at once), and to a cache folder (pytest's
cache under the plugin) for checkouts where the companion cannot be written. Later loads
read an index and read an interaction's YAML only when it is replayed or shown in a miss.

The cassette stays the only source of truth. An index is JSON (reading one never runs
code, wherever it came from: a CI cache restored from a fork, a pull request) and is used
only when its stamp matches: the index format, the botocore and redaction versions and the
match policy, and the cassette itself: the companion by a digest of the cassette's bytes,
the cache by the cassette's path, size, modification time and inode; any difference and it
is ignored (and rebuilt). The cassette is kept open while it is replayed, so a rewrite by
another test (writes are atomic renames) never changes what the spans point at. An
interaction that does not read back as indexed (another operation, other parameters: a
stale or forged index) raises ``CassetteError`` instead of being served. Cassettes with
aliases, other HTTP interactions, or a layout where interactions cannot be told apart line
by line are never indexed.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from harness import __version__
from harness.cassettes.files import atomic_write_bytes
from harness.cassettes.runs import RunDigests
from harness.cassettes.versions import REDACTION_VERSION

#: Cassettes smaller than this load fast enough by parsing; they get no index.
MIN_BYTES = 1 << 20
#: Bumped whenever what the index holds changes shape.
FORMAT = 3  # 3: each row holds its slots
#: The companion of ``x.yaml`` is ``x.yaml`` + this.
COMPANION_SUFFIX = ".index.json"

#: One interaction: (service, operation, params, tag, recorded_at as epoch seconds, start,
#: end, match key, timestamps or None, slots as ``matching.slots_as_data`` writes them or
#: None).
Row = tuple[
    str,
    str,
    dict[str, Any],
    dict[str, Any],
    float | None,
    int,
    int,
    tuple[str, ...],
    dict[str, float] | None,
    list[Any] | None,
]

_COLUMN_0 = re.compile(rb"\n[^\s#]")
_HEAD = re.compile(rb"^interactions:[ \t]*\n", re.MULTILINE)
_ANCHOR = re.compile(rb"[&*]id\d{3}\b")


@dataclass
class Index:
    """What replay needs of a cassette, without its bodies; ``read(i)`` gets interaction i's
    YAML bytes from the file as it was when indexed."""

    metadata: dict[str, Any]
    rows: list[Row]
    _file: BinaryIO
    #: the cassette text's long runs (``harness.cassettes.runs``); None from an older index
    runs: RunDigests | None = None

    def read(self, start: int, end: int) -> bytes:
        """The bytes ``[start, end)`` of the cassette as indexed."""
        return os.pread(self._file.fileno(), end - start, start)

    def close(self) -> None:
        """Let go of the cassette file."""
        self._file.close()


def identity(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime in ns, inode) of ``path``: what must not change under an index."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _index_file(folder: Path, path: Path) -> Path:
    name = hashlib.blake2b(str(path.resolve()).encode(), digest_size=16).hexdigest()
    return folder / f"{name}.index"


def companion_of(path: Path) -> Path:
    """Where the committed index of the cassette ``path`` sits: beside it."""
    return path.with_name(path.name + COMPANION_SUFFIX)


def _stamp(fingerprint: str) -> dict[str, Any]:
    import botocore

    return {
        "format": FORMAT,
        "botocore": botocore.__version__,
        "redaction": REDACTION_VERSION,
        "policy": fingerprint,
    }


def digest(data: bytes) -> str:
    """The digest a companion names its cassette's bytes by."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def load(folder: Path, path: Path, fingerprint: str) -> Index | None:
    """The cached index of ``path`` if a valid one is in ``folder`` (else None)."""
    try:
        data = _index_file(folder, path).read_bytes()
    except OSError:
        return None
    want = {**_stamp(fingerprint), "harness": __version__, "path": str(path.resolve())}
    found = _decode(data, {**want, "identity": list(identity(path) or ())})
    if found is None:
        return None
    head, metadata, rows, runs = found
    try:
        file = path.open("rb")
    except OSError:
        return None
    if list(_identity_of(file)) != head["identity"] or not _tiles(rows, file):
        file.close()  # (replaced since we checked, or rows that do not cover the file)
        return None
    return _index(metadata, rows, file, runs)


def load_companion(path: Path, fingerprint: str) -> Index | None:
    """The companion index of ``path`` if it was made for these very bytes (else None)."""
    try:
        data = companion_of(path).read_bytes()
    except OSError:
        return None
    if not data.startswith(b"{"):
        return None
    try:
        file = path.open("rb")
    except OSError:
        return None
    size = os.fstat(file.fileno()).st_size
    found = _decode(
        data, {**_stamp(fingerprint), "digest": digest(os.pread(file.fileno(), size, 0))}
    )
    if found is None or not _tiles(found[2], file):
        file.close()
        return None
    return _index(found[1], found[2], file, found[3])


def _index(
    metadata: dict[str, Any], rows: list[Row], file: BinaryIO, runs: RunDigests | None
) -> Index:
    index = Index(metadata, rows, file, runs)
    weakref.finalize(index, file.close)
    return index


def _decode(
    data: bytes, want: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], list[Row], RunDigests | None] | None:
    """An index's head, metadata, rows and run digests when its head is ``want`` and every
    row has the shape of a ``Row`` (else None: an index that reads otherwise is not used)."""
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(found, dict) or found.get("head") != want:
        return None
    metadata, raw = found.get("metadata"), found.get("rows")
    if not isinstance(metadata, dict) or not isinstance(raw, list):
        return None
    rows = [_row(item) for item in raw]
    if any(row is None for row in rows) or not _in_file_order(rows):  # type: ignore[arg-type]
        return None
    runs = RunDigests.from_data(found.get("runs"))
    return found["head"], metadata, rows, runs  # type: ignore[return-value]


def _in_file_order(rows: list[Row]) -> bool:
    """True when row i's span lies before row i+1's: the interactions, in the order the
    cassette holds them. Two identical polls whose spans were swapped (each row still reads
    as a request of its parameters) would otherwise replay CREATING and ACTIVE reversed."""
    return all(a[6] <= b[5] for a, b in itertools.pairwise(rows))


def _tiles(rows: list[Row], file: BinaryIO) -> bool:
    """True when the rows cover the cassette's interactions with nothing left out: each
    span begins where the one before ended, the first right after ``interactions:``, the
    last where the next top-level key (or the file) ends. A companion with one of two
    identical polls taken out (the rest still in order, each still reading as indexed)
    would otherwise replay the second poll's answer for the first."""
    if not rows or any(a[6] != b[5] for a, b in itertools.pairwise(rows)):
        return False
    fd = file.fileno()
    start, end = rows[0][5], rows[-1][6]
    before = os.pread(fd, 64, max(0, start - 64))[: min(64, start)]
    if re.search(rb"(?:^|\n)interactions:[ \t]*\r?\n\Z", before) is None:
        return False
    after = os.pread(fd, 1, end)
    return after == b"" or after not in (b"-", b" ", b"\t", b"\r", b"\n")


def _row(item: Any) -> Row | None:
    if not isinstance(item, list) or len(item) != 10:
        return None
    service, operation, params, tag, recorded_at, start, end, key, times, slots = item
    if not (
        isinstance(service, str)
        and isinstance(operation, str)
        and isinstance(params, dict)
        and isinstance(tag, dict)
        and (recorded_at is None or isinstance(recorded_at, int | float))
        and isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end
        and isinstance(key, list)
        and all(isinstance(part, str) for part in key)
        and (times is None or isinstance(times, dict))
        and (slots is None or _slots_read(slots))
    ):
        return None
    return (service, operation, params, tag, recorded_at, start, end, tuple(key), times, slots)


def _slots_read(slots: Any) -> bool:
    """True when ``slots`` reads as ``matching.slots_as_data`` writes them: each a
    placeholder (a string) or [kind, value, shape, epoch or None]."""
    return isinstance(slots, list) and all(
        isinstance(slot, str)
        or (
            isinstance(slot, list)
            and len(slot) == 4
            and all(isinstance(part, str) for part in slot[:3])
            and (slot[3] is None or isinstance(slot[3], int | float))
        )
        for slot in slots
    )


def _identity_of(file: BinaryIO) -> tuple[int, int, int]:
    stat = os.fstat(file.fileno())
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _has_anchor(text: Any) -> bool:
    """True when an anchor or alias may appear: PyYAML's (``&id001``, ``*id001``) or any
    other name where a node may start (after a space, a line break, ``[``, ``{`` or ``,``:
    ``key:  &a``, ``[*a, *a]``). Each ``&`` and ``*`` is found with a one-byte find, which
    is memchr-fast (a longer needle costs ten times as much, and a regex scan of every byte
    cost 0.2 s for 20 MB); a body that merely holds `` &x`` only costs reading the file
    whole."""
    for marker in (b"&", b"*"):
        at = text.find(marker)
        while at != -1:
            before = text[at - 1 : at] if at else b"\n"
            after = text[at + 1 : at + 2]
            if (
                after
                and after not in _NOT_A_NAME
                and (before in _NODE_START or text[max(at - 2, 0) : at] in (b'":', b"':"))
            ):
                return True  # (and after a quoted flow key's colon: {"k":*a})
            if _ANCHOR.match(text, at):
                return True
            at = text.find(marker, at + 1)
    return False


#: What may come before a node (so before an anchor or alias): white space and line breaks
#: (a NEL, LS or PS ends in 0x85, 0xA8 or 0xA9 in UTF-8; other characters ending so only
#: cost a whole read), and flow indicators; and what cannot start a name.
_NODE_START = frozenset(bytes([c]) for c in b" \t\n\r[{,\x85\xa8\xa9")
_NOT_A_NAME = frozenset(bytes([c]) for c in b" \t\r\n,[]{}")


def spans(text: Any, count: int | None = None) -> list[tuple[int, int]] | None:
    """Where each of the ``count`` interactions of a cassette's bytes starts and ends (any
    number of them, without ``count``); see :func:`scan`."""
    found = scan([(0, text)], len(text), count)
    return found[1] if found is not None else None


def interaction_lines(path: Path) -> list[int]:
    """The line each interaction of cassette ``path`` starts at (empty when its layout is
    not one item per column-0 ``-``, as the harness and vcrpy write)."""
    text = path.read_bytes()
    found = spans(text) or []
    return [text.count(b"\n", 0, start) + 1 for start, _ in found]


def scan(
    blocks: Iterable[tuple[int, bytes]], size: int, count: int | None = None
) -> tuple[int, list[tuple[int, int]]] | None:
    """Where a cassette's ``interactions:`` line starts, and where each of the ``count``
    interactions starts and ends (any number of them, without ``count``), from its bytes as
    ``(offset, block)`` pieces in order, each made of whole lines (see ``file_blocks``);
    ``size``: the bytes in all.

    Our writer (and vcrpy's) puts ``interactions:`` and each item's ``- `` at column 0 and
    indents everything inside an item, so an item runs from its ``- `` line to the next line
    at column 0. None when the bytes are not laid out like that (or use aliases).
    """
    head: int | None = None
    starts: list[int] = []
    end_of_list: int | None = None
    for base, block in blocks:
        if _has_anchor(block):  # (an anchor sits within one line, so within one block)
            return None
        if end_of_list is not None:
            continue  # (the rest is read for anchors only)
        begin = 0
        if head is None:
            found = _HEAD.search(block)
            if found is None:
                continue
            head, begin = base + found.start(), found.end()
        for at in _column_0(block, begin):
            if block[at : at + 2] == b"- ":
                starts.append(base + at)
            elif block[at : at + 1] != b"-":  # a top-level key: the list is over
                end_of_list = base + at
                break
    if head is None or not starts or (count is not None and len(starts) != count):
        return None  # (items indented under the key, as yq writes them, are not at column 0)
    ends = [*starts[1:], size if end_of_list is None else end_of_list]
    return head, list(zip(starts, ends, strict=True))


def _column_0(block: bytes, at: int) -> Iterator[int]:
    """Where each line from ``at`` (a line's start) on that starts at column 0 starts: one
    search for a line break and a non-blank (memchr-fast), not a test of every byte."""
    first = block[at : at + 1]
    if first and not first.isspace() and first != b"#":
        yield at
    for found in _COLUMN_0.finditer(block, at):
        yield found.start() + 1


#: Bytes read at a time by ``file_blocks`` (a line longer than this is read whole).
BLOCK_BYTES = 1 << 20


def file_blocks(fd: int, size: int, block_bytes: int = BLOCK_BYTES) -> Iterator[tuple[int, bytes]]:
    """The first ``size`` bytes of the open file ``fd`` as ``(offset, block)`` pieces of whole
    lines, read ``block_bytes`` at a time with ``pread`` (a file cut short meanwhile ends the
    pieces early)."""
    offset, carry = 0, b""
    while offset + len(carry) < size:
        # (a long line doubles the read, so it is not copied once per block)
        want = min(max(block_bytes, len(carry)), size - offset - len(carry))
        read = os.pread(fd, want, offset + len(carry))
        if not read:
            break
        data = carry + read
        cut = data.rfind(b"\n") + 1
        if not cut:
            carry = data  # (no line break yet: a long line)
            continue
        yield offset, data[:cut]
        offset, carry = offset + cut, data[cut:]
    if carry:
        yield offset, carry


def save(
    folder: Path,
    path: Path,
    fingerprint: str,
    seen: tuple[int, int, int] | None,
    metadata: dict[str, Any],
    rows: list[Row],
    runs: RunDigests,
) -> None:
    """Write the cached index of ``path`` (its identity ``seen`` when its bytes were read;
    ``runs``, of those bytes).

    Skipped when the cassette changed meanwhile; a failure to write only costs speed.
    """
    if seen is None or identity(path) != seen:
        return
    head = {**_stamp(fingerprint), "harness": __version__, "path": str(path.resolve())}
    _write(_index_file(folder, path), {**head, "identity": list(seen)}, metadata, rows, runs)


def save_companion(
    path: Path,
    fingerprint: str,
    text: bytes,
    metadata: dict[str, Any],
    rows: list[Row],
    runs: RunDigests,
) -> None:
    """Write the companion of the cassette ``path`` whose bytes are ``text`` (``runs``,
    their long runs)."""
    head = {**_stamp(fingerprint), "digest": digest(text)}
    _write(companion_of(path), head, metadata, rows, runs)


def _write(
    target: Path,
    head: dict[str, Any],
    metadata: dict[str, Any],
    rows: list[Row],
    runs: RunDigests,
) -> None:
    try:
        data = orjson.dumps(
            {"head": head, "metadata": metadata, "rows": rows, "runs": runs.to_data()}
        )
    except TypeError:
        return  # (a value JSON cannot hold: no index, the cassette is parsed)
    back = orjson.loads(data)
    if back["metadata"] != metadata or [r[2] for r in back["rows"]] != [r[2] for r in rows]:
        return  # (a value JSON does not give back as it was, a NaN: parsed each time)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
    except OSError:
        pass
