"""CBOR (RFC 8949) items to Python values and back, without interpretation.

botocore's own CBOR reader (``parsers.BaseCBORParser``) is shaped for responses: it drops
``null`` map values, rejects every tag but 1 and every simple value but four. A harness reads
any body it is handed, so this module keeps everything: tags stay ``Tag`` objects, simple
values stay ``Simple``, ``undefined`` stays ``UNDEFINED``, and a map whose keys are not all
text (keys ``1`` and ``true`` are one Python key) stays a ``Map`` of ordered pairs.

Python values of a decoded item: ``int``, ``float``, ``bool``, ``None``, ``str``, ``bytes``,
``list``, ``dict`` (text keys), ``Map``, ``Tag``, ``Simple``, ``UNDEFINED``. ``dumps``
writes those back, with definite lengths and each float in the shortest of half, single and
double precision that holds it exactly.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any, Final

_BREAK: Final = 0xFF
_INDEFINITE: Final = 31
#: nesting deeper than this is refused rather than left to exhaust Python's stack
MAX_DEPTH: Final = 200


class CBORDecodeError(ValueError):
    """Bytes that are not one well-formed CBOR item."""


@dataclass(frozen=True)
class Tag:
    """A tagged item (major type 6): ``Tag(1, 1398796238)`` is an epoch timestamp."""

    tag: int
    value: Any


@dataclass(frozen=True)
class Simple:
    """A simple value (major type 7) other than false, true, null and undefined."""

    value: int


@dataclass(frozen=True)
class Map:
    """A map whose keys are not all text: its ``(key, value)`` pairs, in wire order."""

    items: tuple[tuple[Any, Any], ...]


class _Undefined:
    """CBOR's ``undefined`` (simple value 23): not ``null``."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = _Undefined()


# --------------------------------------------------------------------------- decode


def loads(data: bytes) -> Any:
    """Decode exactly one CBOR item; trailing bytes or a truncated item raise."""
    reader = _Reader(bytes(data))
    try:
        value = reader.item(0)
    except IndexError:
        raise CBORDecodeError("CBOR item truncated") from None
    if reader.pos != len(reader.data):
        raise CBORDecodeError(f"{len(reader.data) - reader.pos} bytes after the CBOR item")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise CBORDecodeError("CBOR item truncated")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            return int.from_bytes(self.take(1 << (info - 24)), "big")
        raise CBORDecodeError(f"reserved additional information {info}")

    def at_break(self) -> bool:
        if self.pos >= len(self.data):
            raise CBORDecodeError("indefinite-length item not terminated")
        if self.data[self.pos] == _BREAK:
            self.pos += 1
            return True
        return False

    def item(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CBORDecodeError(f"CBOR nested deeper than {MAX_DEPTH}")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 0:
            return self.argument(info)
        if major == 1:
            return -1 - self.argument(info)
        if major in (2, 3):
            raw = self.string(major, info)
            if major == 2:
                return raw
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CBORDecodeError(f"text string is not UTF-8: {exc}") from None
        if major == 4:
            if info == _INDEFINITE:
                items = []
                while not self.at_break():
                    items.append(self.item(depth + 1))
                return items
            return [self.item(depth + 1) for _ in range(self.argument(info))]
        if major == 5:
            return self.map(info, depth)
        if major == 6:
            return Tag(self.argument(info), self.item(depth + 1))
        return self.simple_or_float(info)

    def string(self, major: int, info: int) -> bytes:
        if info != _INDEFINITE:
            return self.take(self.argument(info))
        chunks = []
        while not self.at_break():
            initial = self.take(1)[0]
            # chunks of an indefinite string are definite strings of the same major type
            if initial >> 5 != major or initial & 0x1F == _INDEFINITE:
                raise CBORDecodeError("bad chunk in an indefinite-length string")
            chunks.append(self.take(self.argument(initial & 0x1F)))
        return b"".join(chunks)

    def map(self, info: int, depth: int) -> dict[str, Any] | Map:
        pairs: list[tuple[Any, Any]] = []
        if info == _INDEFINITE:
            while not self.at_break():
                pairs.append((self.item(depth + 1), self.item(depth + 1)))
        else:
            for _ in range(self.argument(info)):
                pairs.append((self.item(depth + 1), self.item(depth + 1)))
        keys = [k for k, _ in pairs]
        if all(type(k) is str for k in keys) and len(set(keys)) == len(keys):
            return dict(pairs)
        return Map(tuple(pairs))

    def simple_or_float(self, info: int) -> Any:
        if info < 20:
            return Simple(info)
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 23:
            return UNDEFINED
        if info == 24:
            value = self.take(1)[0]
            if value < 32:  # RFC 8949 3.3: two-byte forms of 0..31 are not well-formed
                raise CBORDecodeError(f"simple value {value} in two-byte form")
            return Simple(value)
        if info == 25:
            return float(struct.unpack(">e", self.take(2))[0])
        if info == 26:
            return float(struct.unpack(">f", self.take(4))[0])
        if info == 27:
            return float(struct.unpack(">d", self.take(8))[0])
        if info == _INDEFINITE:
            raise CBORDecodeError("break code outside an indefinite-length item")
        raise CBORDecodeError(f"reserved additional information {info} in major type 7")


# --------------------------------------------------------------------------- encode


def dumps(value: Any) -> bytes:
    """Encode a value of the kinds ``loads`` returns (tuples encode as arrays)."""
    out = bytearray()
    _write(out, value, 0)
    return bytes(out)


def _head(out: bytearray, major: int, argument: int) -> None:
    if argument < 24:
        out.append(major << 5 | argument)
    elif argument < 1 << 8:
        out.append(major << 5 | 24)
        out.append(argument)
    elif argument < 1 << 16:
        out.append(major << 5 | 25)
        out += argument.to_bytes(2, "big")
    elif argument < 1 << 32:
        out.append(major << 5 | 26)
        out += argument.to_bytes(4, "big")
    elif argument < 1 << 64:
        out.append(major << 5 | 27)
        out += argument.to_bytes(8, "big")
    else:
        raise ValueError(f"{argument} does not fit a CBOR head (use a bignum tag)")


def _write(out: bytearray, value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"value nested deeper than {MAX_DEPTH}")
    if value is None:
        out.append(0xF6)
    elif value is UNDEFINED:
        out.append(0xF7)
    elif isinstance(value, bool):
        out.append(0xF5 if value else 0xF4)
    elif isinstance(value, int):
        if value >= 0:
            _head(out, 0, value)
        else:
            _head(out, 1, -1 - value)
    elif isinstance(value, float):
        out += _float(value)
    elif isinstance(value, str):
        encoded = value.encode("utf-8")
        _head(out, 3, len(encoded))
        out += encoded
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        _head(out, 2, len(raw))
        out += raw
    elif isinstance(value, list | tuple):
        _head(out, 4, len(value))
        for item in value:
            _write(out, item, depth + 1)
    elif isinstance(value, dict | Map):
        pairs = list(value.items()) if isinstance(value, dict) else list(value.items)
        _head(out, 5, len(pairs))
        for key, item in pairs:
            _write(out, key, depth + 1)
            _write(out, item, depth + 1)
    elif isinstance(value, Tag):
        _head(out, 6, value.tag)
        _write(out, value.value, depth + 1)
    elif isinstance(value, Simple):
        if not (0 <= value.value < 20 or 32 <= value.value < 256):
            raise ValueError(f"simple value {value.value} has a reserved or dedicated meaning")
        if value.value < 20:
            out.append(0xE0 | value.value)
        else:
            out += bytes((0xF8, value.value))
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _float(value: float) -> bytes:
    if math.isnan(value):
        return b"\xf9\x7e\x00"  # the canonical quiet NaN (RFC 8949 4.2.2)
    for fmt, info in ((">e", 0xF9), (">f", 0xFA)):
        try:
            packed = struct.pack(fmt, value)
        except OverflowError:
            continue
        if struct.unpack(fmt, packed)[0] == value:
            return bytes((info,)) + packed
    return b"\xfb" + struct.pack(">d", value)


__all__ = ["MAX_DEPTH", "UNDEFINED", "CBORDecodeError", "Map", "Simple", "Tag", "dumps", "loads"]
