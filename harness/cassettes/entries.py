"""A cassette's interactions listed (``read_entries``) or streamed (``stream_entries``) as
``Entry`` objects, AWS calls or not: what ``harness check``, the audits and the ``harness
cassette`` commands read. A large file is read one interaction at a time, in runs
(``runs``), so memory stays flat at any size.

``read_cassette`` (``harness.cassettes.cassette``) refuses a file with an interaction that is
not an AWS call; these read such files too (vcrpy and pytest-recording cassettes mix hosts).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from harness.cassettes import cassette as cassette_file  # (STREAM_BYTES: read at each call)
from harness.cassettes.cassette import (
    BytesText,
    FileText,
    at_line,
    cut_short,
    is_foreign,
    is_other_http,
    not_yaml,
    read_bytes,
    read_cassette,
    split_items_of,
)
from harness.cassettes.files import open_regular
from harness.cassettes.interactions import (
    CassetteError,
    decoded_at,
    exchange_at,
    http_parts,
    request_summary,
)
from harness.cassettes.yaml_io import load_yaml
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse

T = TypeVar("T")
R = TypeVar("R")


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
        foreign = is_foreign(tag, exchange.request)
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


#: Files of at least ``cassette.STREAM_BYTES`` up to this size are read in one go, then parsed
#: one interaction at a time; larger ones are read an interaction at a time too, so memory
#: stays flat at any size.
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
    if handle is None or os.fstat(handle.fileno()).st_size < cassette_file.STREAM_BYTES:
        if handle is not None:
            handle.close()
        entries, metadata = read_entries(path)
        return iter(entries), metadata
    file = FileText(path, handle)
    text: BytesText | FileText = file
    try:
        if file.size <= HELD_BYTES:  # one read, then slices: no system call per interaction
            data = file.read(0, file.size)
            file.confirm_unchanged()
            text = BytesText(data, handle.close)
        split = split_items_of(text)
    except BaseException:
        text.close()
        raise
    if split is None or "version" not in split[1]:
        # read whole: it says what is wrong (a cut), or reads what spans misjudge
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


def _entries_of(
    path: Path, text: BytesText | FileText, located: list[tuple[int, int]]
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
                    raise at_line(exc, path, text.line_at(start) + 1) from None
                yield entry
            if failure is not None:
                raise failure
        if isinstance(text, FileText):
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


def _item(path: Path, text: BytesText | FileText, index: int, start: int, end: int) -> Any:
    """The mapping of the interaction at ``start:end`` of ``text``."""
    try:
        data = load_yaml(text.read(start, end), depth=1)
    except yaml.YAMLError as exc:
        _misread_unless_broken(text)
        line = text.line_at(start)  # where the interaction begins, counted once
        raise not_yaml(path, exc, line, f" (interaction #{index})") from None
    item = data[0] if isinstance(data, list) and len(data) == 1 else None
    if not isinstance(item, dict):
        _misread_unless_broken(text)
        error = CassetteError(f"Interaction #{index} of cassette {path} is not a mapping.")
        raise at_line(error, path, text.line_at(start) + 1)
    return item


def _misread_unless_broken(text: BytesText | FileText) -> None:
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
    if is_other_http(item) or is_foreign(tag, request):
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
    if cut_short(path, data) is not None:
        raise error  # (the strict read's error says so)
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
