"""The HTTP content codings the harness reads: name -> decode and encode, one table.

A body under a content coding (``Content-Encoding: gzip``, ``br``, ``zstd``, or several
stacked: ``gzip, br`` was gzipped, then brotli-compressed) holds its content compressed: a
secret inside is not text a detector can see. The redactor reads inside every coding here
(``bodies.through_coding``), ``harness scan`` opens every one of them, and replay gives the
test's values back inside them: all through ``CODINGS``.

``gzip``, ``x-gzip`` and ``deflate`` (zlib-wrapped, or raw as some servers send it) are the
standard library's. ``br`` needs the ``brotli`` package (1.2 or later: its decoder can stop at
a limit) and ``zstd`` the ``zstandard`` package, both imported only when a body needs them
(the ``codings`` extra installs them). A coding whose package is missing raises
``Unavailable``: a body that cannot be opened cannot be judged, so it is never stored as it
is. ``identity`` and ``aws-chunked`` (S3 answers a GetObject of an object uploaded with
aws-chunked framing under that label, the payload itself as its body) leave the bytes as
they are.

Decoding is bounded: past ``limit`` bytes it raises ``ExpandsBeyond`` having held little
more than ``limit`` (a compression bomb costs the limit, not what it expands to). Bytes that
are not what their coding says raise ``NotThatCoding``. Encoding is deterministic (the same
content gives the same bytes: a cassette re-recorded unchanged stays unchanged).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any


class ExpandsBeyond(ValueError):
    """A compressed body that would expand beyond the limit it was read under."""


class NotThatCoding(ValueError):
    """Bytes that are not what their content coding says (corrupt, truncated, another)."""


class Unavailable(LookupError):
    """A content coding the harness cannot open here: a package it needs is not installed
    (``package`` names it), or nobody knows the coding (``package`` is None)."""

    def __init__(self, coding: str, package: str | None) -> None:
        super().__init__(coding)
        self.coding = coding
        self.package = package


@dataclass(frozen=True)
class Coding:
    """One content coding: ``decode(body, limit)`` gives the content (``NotThatCoding``,
    ``ExpandsBeyond``), ``encode(content, original)`` gives a body of that coding again
    (``original``: the body as received, whose header a gzip copies). ``package``: the
    third-party package it needs, if any."""

    name: str
    decode: Callable[[bytes, int], bytes]
    encode: Callable[[bytes, bytes], bytes]
    package: str | None = None


_STEP = 1 << 20  # output read at a time: a bomb is stopped within a step of the limit


def inflate(body: bytes, wbits: int, limit: int) -> bytes:
    """``body`` decompressed (``wbits`` as ``zlib.decompressobj`` takes it: 16+ a gzip
    header, 15 zlib, -15 raw deflate), read 1 MiB at a time into one growing buffer, so a
    bomb costs ``limit``, not what it would expand to. Raises ``zlib.error`` when it is not
    that coding, ``ExpandsBeyond`` past ``limit``."""
    decompressor = zlib.decompressobj(wbits)
    out = bytearray()
    pending = body
    while len(out) <= limit:
        out += decompressor.decompress(pending, _STEP)
        pending = decompressor.unconsumed_tail
        if not pending:
            break
    if len(out) > limit or decompressor.unconsumed_tail:
        del out  # not kept alive by the traceback while the error travels
        raise ExpandsBeyond(limit)
    return bytes(out)


def _zlib_whole(body: bytes, wbits: int, limit: int) -> tuple[bytes, bytes]:
    """``inflate`` of a body that must begin with one whole stream of that kind: its
    content, and the bytes after the stream."""
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(body, limit + 1)
    except zlib.error as exc:
        raise NotThatCoding(str(exc)) from None
    if len(out) > limit or decompressor.unconsumed_tail:
        del out
        raise ExpandsBeyond(limit)
    if not decompressor.eof:
        raise NotThatCoding("the compressed data ends before its stream does")
    return out, decompressor.unused_data


def _gunzip(body: bytes, limit: int) -> bytes:
    # a gzip body may hold several members, one after another (RFC 1952): all are read,
    # a secret in the second is content as much as one in the first
    out = bytearray()
    while body.strip(b"\0"):  # (zeros after the last member are padding, as gzip reads it)
        content, body = _zlib_whole(body, 16 + zlib.MAX_WBITS, limit - len(out))
        out += content
    return bytes(out)


def _gzip(content: bytes, original: bytes) -> bytes:
    import gzip

    # the original header's MTIME field (RFC 1952): the same content gives the same bytes
    mtime = int.from_bytes(original[4:8], "little") if original[:2] == b"\x1f\x8b" else 0
    return gzip.compress(content, mtime=mtime)


def _undeflate(body: bytes, limit: int) -> bytes:
    try:  # zlib-wrapped, as RFC 9110 says deflate is
        content, rest = _zlib_whole(body, zlib.MAX_WBITS, limit)
    except NotThatCoding:  # raw deflate, as some servers send it
        content, rest = _zlib_whole(body, -zlib.MAX_WBITS, limit)
    if rest:
        raise NotThatCoding("bytes follow the deflate stream")
    return content


def _deflate(content: bytes, original: bytes) -> bytes:
    # as received: zlib-wrapped when the original was (a zlib header's first byte is 0xX8
    # and the two bytes make a multiple of 31), raw otherwise
    wrapped = (
        len(original) >= 2
        and original[0] & 0x0F == 8
        and (original[0] << 8 | original[1]) % 31 == 0
    )
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    return compressor.compress(content) + compressor.flush()


def _unbrotli(body: bytes, limit: int) -> bytes:
    brotli = _package("br", "brotli")
    if not hasattr(brotli.Decompressor, "can_accept_more_data"):
        raise Unavailable("br", "brotli>=1.2")  # (older ones cannot stop at a limit)
    decompressor = brotli.Decompressor()
    try:
        out = bytearray(decompressor.process(body, output_buffer_limit=limit + 1))
        while (
            len(out) <= limit
            and not decompressor.is_finished()
            and not decompressor.can_accept_more_data()
        ):
            out += decompressor.process(b"", output_buffer_limit=limit + 1 - len(out))
    except brotli.error as exc:
        raise NotThatCoding(str(exc)) from None
    if len(out) > limit:
        del out
        raise ExpandsBeyond(limit)
    if not decompressor.is_finished():
        raise NotThatCoding("the brotli stream ends before it is finished")
    return bytes(out)


def _brotli(content: bytes, original: bytes) -> bytes:
    return bytes(_package("br", "brotli").compress(content))


def _unzstd(body: bytes, limit: int) -> bytes:
    zstandard = _package("zstd", "zstandard")
    decompressor = zstandard.ZstdDecompressor()
    try:
        # first bounded: the reader hands out what is asked, so a bomb stops at the limit
        reader = decompressor.stream_reader(body, read_across_frames=True)
        size = 0
        while size <= limit:
            chunk = reader.read(min(_STEP, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
        if size > limit:
            raise ExpandsBeyond(limit)
        # then whole (within the limit now), frame by frame: the reader says nothing of a
        # last frame cut short, each frame's decoder does (a body may hold several)
        out = bytearray()
        pending = body
        while pending:
            frame = decompressor.decompressobj()
            out += frame.decompress(pending)
            if not frame.eof:
                raise NotThatCoding("the zstd frame ends before its last block")
            pending = frame.unused_data
    except zstandard.ZstdError as exc:
        raise NotThatCoding(str(exc)) from None
    return bytes(out)


def _zstd(content: bytes, original: bytes) -> bytes:
    return bytes(_package("zstd", "zstandard").ZstdCompressor().compress(content))


def _unxz(body: bytes, limit: int) -> bytes:
    import lzma

    return _bounded(lzma.LZMADecompressor(format=lzma.FORMAT_XZ), body, limit, lzma.LZMAError)


def _xz(content: bytes, original: bytes) -> bytes:
    import lzma

    # the original stream's integrity check (its header's flags), so the same content gives
    # the same bytes
    check = original[7] & 0x0F if original[:6] == b"\xfd7zXZ\x00" else lzma.CHECK_CRC64
    return lzma.compress(content, format=lzma.FORMAT_XZ, check=check)


def _unbzip2(body: bytes, limit: int) -> bytes:
    import bz2

    return _bounded(bz2.BZ2Decompressor(), body, limit, OSError)


def _bzip2(content: bytes, original: bytes) -> bytes:
    import bz2

    level = original[3] - ord("0") if original[:3] == b"BZh" and original[3:4].isdigit() else 9
    return bz2.compress(content, compresslevel=level)


def _bounded(decompressor: Any, body: bytes, limit: int, error: type[Exception]) -> bytes:
    """One xz or bzip2 stream, read to at most ``limit`` bytes: the whole body."""
    try:
        content = decompressor.decompress(body, max_length=limit + 1)
    except (error, EOFError, ValueError) as exc:
        raise NotThatCoding(str(exc)) from None
    if len(content) > limit:
        raise ExpandsBeyond(limit)
    if not decompressor.eof or decompressor.unused_data:
        raise NotThatCoding("not one whole stream")
    return bytes(content)


def _as_is(body: bytes, limit: int) -> bytes:
    return body


def _kept(content: bytes, original: bytes) -> bytes:
    return content


def _package(coding: str, name: str) -> Any:
    """The module ``name``, imported now (``Unavailable`` when it is not installed)."""
    try:
        return import_module(name)
    except ImportError:  # (a module set to None in sys.modules raises it too)
        raise Unavailable(coding, name) from None


#: Every content coding the harness reads, by its name in ``Content-Encoding`` (lower case).
CODINGS: dict[str, Coding] = {
    coding.name: coding
    for coding in (
        Coding("gzip", _gunzip, _gzip),
        Coding("x-gzip", _gunzip, _gzip),
        Coding("deflate", _undeflate, _deflate),
        Coding("br", _unbrotli, _brotli, package="brotli"),
        Coding("zstd", _unzstd, _zstd, package="zstandard"),
        # (no HTTP coding: an object stored as .xz or .bz2, known by its look)
        Coding("xz", _unxz, _xz),
        Coding("bzip2", _unbzip2, _bzip2),
        Coding("identity", _as_is, _kept),
        Coding("aws-chunked", _as_is, _kept),
    )
}


def codings_of(header: str) -> list[str]:
    """The codings a ``Content-Encoding`` value names, in the order they were applied,
    lower case (``"gzip, br"`` -> ``["gzip", "br"]``)."""
    return [c.strip().lower() for c in header.split(",") if c.strip()]


def coding(name: str) -> Coding:
    """The ``Coding`` of ``name``; ``Unavailable`` when nobody knows it."""
    found = CODINGS.get(name.strip().lower())
    if found is None:
        raise Unavailable(name.strip(), None)
    return found


def decode(body: bytes, codings: list[str], limit: int) -> bytes:
    """``body`` with ``codings`` (as ``codings_of`` gives them) undone, the last first;
    ``Unavailable``, ``NotThatCoding`` or ``ExpandsBeyond`` when one cannot be."""
    for name in reversed(codings):
        body = coding(name).decode(body, limit)
    return body


#: A compressed file's first bytes and its coding. A body sent under no ``Content-Encoding``
#: may still be a compressed file (an S3 object uploaded as ``cfg.json.zst`` or
#: ``dump.json.gz`` with its file's own type): its content is as hidden as a coded body's.
_MAGIC = (
    (b"\x1f\x8b\x08", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xfd7zXZ\x00", "xz"),
    # "BZh", the block size, a block's magic: a text that starts "BZh" is no bzip2 stream
    *((b"BZh%d1AY&SY" % level, "bzip2") for level in range(1, 10)),
)


def coding_by_look(body: bytes) -> str:
    """The coding a body labelled with none is in, by its first bytes (a gzip member, a zstd
    frame, an xz or bzip2 stream), for ``bodies.through_coding``; "" for any other body, and
    for one whose package is not installed here (it stays a binary body, left as it is)."""
    for magic, name in _MAGIC:
        if body.startswith(magic):
            package = CODINGS[name].package
            if package is not None:
                try:
                    _package(name, package)
                except Unavailable:
                    return ""
            return name
    return ""
