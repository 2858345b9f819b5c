"""Uploads the test generates: a blob bound like a generated value, its digests following it.

A test that uploads bytes it made up for the run (``os.urandom(n)``, a JSON document with a
uuid in it, ``gzip.compress(...)`` whose header holds the time) sends other bytes on every
run. With generated values bound (``aws_volatile``, on by default), each top-level blob of a
request is a slot (``blob_slots``): the recorded bytes are bound to the live ones for the
whole test when they differ only as values made up per run (``refusal``), the members
derived from the blob (``Content-MD5``, ``Content-Length``, ``x-amz-checksum-*``) take no
part in the match, and in replay a response that carries the recorded bytes (a later
``GetObject``) carries the live ones, with its ETag and checksums computed from them
(``harness.aws.bodies.derived_pairs``). A changed fixed body still misses: bytes written in
the test's source, or texts that differ beyond generated values, are never bound.

A blob over ``harness.aws.protocols.INLINE_BYTES_LIMIT`` (4 KiB) is matched by its digest
and not bound: the match key does not hold its bytes (over ``aws_digest_bodies_over`` the
cassette does not either), so random bytes cannot be told from a changed file.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import io
import math
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from harness.aws.models import operation_model
from harness.replay.volatile import Generated, Volatile
from harness.secrets.vault import SLOT

#: How a blob slot shows in a match key.
MASK = "\u27e6blob\u27e7"
_DERIVED_HEADERS = ("content-md5", "content-length")


@functools.cache
def _blob_and_derived(service: str, operation: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The operation's top-level blob members, and the members whose value is computed from
    the request body (its length, MD5 and checksums, bound to headers)."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return (), frozenset()
    blobs = tuple(n for n, m in shape.members.items() if m.type_name == "blob")
    derived = frozenset(
        name
        for name, member in shape.members.items()
        if member.serialization.get("location") == "header"
        and (
            str(member.serialization.get("name", "")).lower() in _DERIVED_HEADERS
            or str(member.serialization.get("name", "")).lower().startswith("x-amz-checksum-")
        )
    )
    return blobs, derived


def blob_slots(
    service: str, operation: str, params: dict[str, Any], found: list[Generated]
) -> dict[str, Any]:
    """``params`` with each inline blob masked (its value to ``found``) and the members
    derived from it left out; unchanged when the request carries no such blob."""
    blobs, derived = _blob_and_derived(service, operation)
    present = [
        n
        for n in blobs
        if isinstance(params.get(n), str) and params[n] and not SLOT.fullmatch(params[n])
    ]  # (a sensitive blob redacted whole, KMS Plaintext, is a placeholder: bound as one)
    if not present:
        return params
    out = {k: v for k, v in params.items() if k not in derived}
    for name in present:
        found.append(Generated("blob", params[name], "blob"))
        out[name] = MASK
    return out


def refusal(
    recorded: str,
    live: str,
    volatile: Volatile,
    known: Callable[[str], str | None] | None,
) -> str | None:
    """Why live bytes may not stand for recorded ones (both base64), or None: they may when
    they differ only as made up per run — random bytes on both sides, texts equal once
    generated values are masked, or the same content in another gzip or zip archive."""
    try:
        old, new = base64.b64decode(recorded), base64.b64decode(live)
    except (binascii.Error, ValueError):
        return "not base64"
    if old == new:
        return None
    text = new.decode("utf-8", "replace")
    if known is not None and len(new) >= 4:
        where = known(text)
        if where is not None:
            return f"the sent bytes are {where}, so they are not made up per run"
    old, new = _decoded(old), _decoded(new)
    if old == new:
        return None  # the same content, another gzip header (its time)
    old_text, new_text = _text(old), _text(new)
    if old_text is not None and new_text is not None:
        if volatile.mask_text(old_text, []) == volatile.mask_text(new_text, []):
            return None
        return "the uploaded texts differ beyond generated values"
    if _random(old) and _random(new):
        return None
    return "the uploaded bytes differ, and not as random bytes made up per run"


def _decoded(data: bytes) -> bytes:
    """The content of a gzip or zip archive, without the times its headers hold (a Lambda
    deployment package zipped by the test on each run)."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return data
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = sorted((i.filename, archive.read(i)) for i in archive.infolist())
        except (OSError, ValueError, zipfile.BadZipFile, zlib.error, NotImplementedError):
            return data
        return b"".join(b"--- " + name.encode() + b"\n" + body + b"\n" for name, body in members)
    return data


def _text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if all(c.isprintable() or c.isspace() for c in text) else None


def _random(data: bytes) -> bool:
    """Bytes with near the most entropy their length allows (``os.urandom``, ciphertext)."""
    if len(data) < 16:
        return False
    binary = sum(1 for byte in data if byte >= 0x7F or (byte < 0x20 and byte not in b"\t\n\r"))
    if binary < 0.3 * len(data):  # random bytes are mostly outside printable ASCII
        return False
    counts = Counter(data)
    entropy = -sum(n / len(data) * math.log2(n / len(data)) for n in counts.values())
    return entropy >= 0.85 * min(8.0, math.log2(len(data)))
