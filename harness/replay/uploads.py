"""Uploads the test generates: a blob bound like a generated value, its digests following it.

A test that uploads bytes it made up for the run (``os.urandom(n)``, a JSON document with a
uuid in it, ``gzip.compress(...)`` whose header holds the time) sends other bytes on every
run. With generated values bound (``aws_volatile``, on by default), each blob of a request,
at any depth (the records of a batch), is a slot (``blob_slots``): the recorded bytes are
bound to the live ones for the whole test when they differ only as values made up per run
(``refusal``), the members
derived from the blob (``Content-MD5``, ``Content-Length``, ``x-amz-checksum-*``) take no
part in the match, and in replay a response that carries the recorded bytes (a later
``GetObject``) carries the live ones, with its ETag and checksums computed from them
(``harness.aws.bodies.derived_pairs``). A changed fixed body still misses: bytes written in
the test's source, or texts that differ beyond generated values, are never bound.

A blob over ``harness.aws.protocols.INLINE_BYTES_LIMIT`` (4 KiB) is in the parameters as its
SHA-256 and size (``{"$sha256", "$size"}``; over ``aws_digest_bodies_over`` the cassette
keeps no more either). Its slot is ``sha256:HEX:SIZE``: the recorded one binds to the live
one when the sizes are equal and the live bytes (``sent``: the body this request carries)
are random; the bytes are given back to later reads by ``harness.replay.s3_objects``. A
changed fixed file of the same size that reads as random (a compressed archive) binds too:
the recording holds no bytes to tell it from made-up ones.
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


def upload_blobs(service: str, operation: str) -> tuple[str, ...]:
    """The operation's top-level blob members (an upload's bytes: S3's ``Body``)."""
    return _blob_and_derived(service, operation)[0]


@functools.cache
def body_derived(service: str, operation: str) -> tuple[frozenset[str], frozenset[str]]:
    """The top-level members computed from an upload's bytes: in the request (its MD5,
    length and checksums) and in the answer (``ETag``, the checksums S3 echoes). When the
    bytes were made up per run these differ with them, and mean nothing more."""
    model = operation_model(service, operation)
    request = _blob_and_derived(service, operation)[1]
    answer = frozenset(
        name
        for name, member in (model.output_shape.members.items() if model.output_shape else ())
        if member.serialization.get("location") == "header"
        and (
            str(member.serialization.get("name", "")).lower() == "etag"
            or str(member.serialization.get("name", "")).lower().startswith("x-amz-checksum-")
        )
    )
    return request, answer


def blob_slots(
    service: str, operation: str, params: dict[str, Any], found: list[Generated]
) -> dict[str, Any]:
    """``params`` with each inline blob masked (its value to ``found``) and the members
    derived from it left out; unchanged when the request carries no such blob.

    Blobs at any depth are slots: the records of a batch (Kinesis ``PutRecords``, Firehose
    ``PutRecordBatch``, SQS batches of binary attributes) each carry their own bytes made
    up per run, as the singular call's one blob does. Their slots come in the order the
    request holds them."""
    nested = _nested_blobs(service, operation)
    if nested:
        shape = operation_model(service, operation).input_shape
        params = {
            k: (_masked(shape.members[k], v, found) if k in nested else v)
            for k, v in params.items()
        }
    blobs, derived = _blob_and_derived(service, operation)
    present = [
        n
        for n in blobs
        if (isinstance(params.get(n), str) and params[n] and not SLOT.fullmatch(params[n]))
        or digest_of(params.get(n)) is not None
    ]  # (a sensitive blob redacted whole, KMS Plaintext, is a placeholder: bound as one)
    # a small text blob holding placeholders is matched by its text, its generated values
    # masked in it (``Volatile.mask_params``): the digests of its bytes follow them
    as_text = [n for n in blobs if isinstance(params.get(n), dict) and "$text" in params[n]]
    if not present and not as_text:
        return params
    out = {k: v for k, v in params.items() if k not in derived}
    for name in present:
        value = params[name]
        digest = digest_of(value)
        slot = value if digest is None else f"{DIGEST}{digest[0]}:{digest[1]}"
        found.append(Generated("blob", slot, "blob"))
        out[name] = MASK
    return out


def _is_blob_value(value: Any) -> bool:
    # (a sensitive blob redacted whole, KMS Plaintext, is a placeholder: bound as one)
    return (isinstance(value, str) and bool(value) and not SLOT.fullmatch(value)) or (
        digest_of(value) is not None
    )


def _masked(shape: Any, value: Any, found: list[Generated]) -> Any:
    """``value`` (under ``shape``) with each blob in it masked, its slot to ``found``."""
    kind = shape.type_name
    if kind == "blob":
        if not _is_blob_value(value):
            return value
        digest = digest_of(value)
        found.append(
            Generated(
                "blob", value if digest is None else f"{DIGEST}{digest[0]}:{digest[1]}", "blob"
            )
        )
        return MASK
    if kind == "structure" and isinstance(value, dict):
        return {
            k: _masked(shape.members[k], v, found)
            if k in shape.members and _holds_blob(shape.members[k])
            else v
            for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list) and _holds_blob(shape.member):
        return [_masked(shape.member, v, found) for v in value]
    if kind == "map" and isinstance(value, dict) and _holds_blob(shape.value):
        return {k: _masked(shape.value, v, found) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=4096)
def _holds_blob(shape: Any) -> bool:
    """True when a blob can sit in a value of ``shape`` (at any depth)."""
    return _holds_blob_named(shape, frozenset())


def _holds_blob_named(shape: Any, seen: frozenset[str]) -> bool:
    if shape.name in seen:  # a recursive shape: what it holds is being answered above
        return False
    seen = seen | {shape.name}
    kind = shape.type_name
    if kind == "blob":
        return True
    if kind == "structure":
        return any(_holds_blob_named(m, seen) for m in shape.members.values())
    if kind == "list":
        return _holds_blob_named(shape.member, seen)
    if kind == "map":
        return _holds_blob_named(shape.value, seen)
    return False


@functools.cache
def _nested_blobs(service: str, operation: str) -> frozenset[str]:
    """The top-level members that hold a blob below them (a list of records with ``Data``):
    the members ``blob_slots`` walks; the top-level blobs themselves are read directly."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return frozenset()
    return frozenset(
        name
        for name, member in shape.members.items()
        if member.type_name != "blob" and _holds_blob_named(member, frozenset())
    )


#: How a blob's slot value starts when only its digest is known (``sha256:HEX:SIZE``).
DIGEST = "sha256:"


def digest_of(value: Any) -> tuple[str, int] | None:
    """``(sha256, size)`` of a blob parameter held as its digest, or None."""
    if not isinstance(value, dict) or set(value) != {"$sha256", "$size"}:
        return None
    sha, size = value["$sha256"], value["$size"]
    if not isinstance(sha, str) or not isinstance(size, int) or isinstance(size, bool):
        return None
    return sha, size


def refusal(
    recorded: str,
    live: str,
    volatile: Volatile,
    known: Callable[[str], str | None] | None,
    sent: Callable[[str], bytes | None] | None = None,
) -> str | None:
    """Why live bytes may not stand for recorded ones (both base64, or both digests), or
    None: they may when they differ only as made up per run — random bytes on both sides,
    texts equal once generated values are masked, or the same content in another gzip or
    zip archive. ``sent(sha256)``: the bytes of a body the live request holds as a digest."""
    if recorded.startswith(DIGEST) or live.startswith(DIGEST):
        return _digest_refusal(recorded, live, sent)
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


def _digest_refusal(
    recorded: str, live: str, sent: Callable[[str], bytes | None] | None
) -> str | None:
    """Bodies known by their digest: the live one stands for the recorded one when both
    are the same size and the live bytes are random (only the live bytes are at hand)."""
    if not (recorded.startswith(DIGEST) and live.startswith(DIGEST)):
        return "one body is kept whole, the other as its digest"
    old_sha, _, old_size = recorded[len(DIGEST) :].partition(":")
    new_sha, _, new_size = live[len(DIGEST) :].partition(":")
    if old_sha == new_sha:
        return None
    if old_size != new_size:
        return f"the uploaded sizes differ ({old_size} recorded, {new_size} sent)"
    data = sent(new_sha) if sent is not None else None
    if data is None:
        return "only the digests of the uploaded bytes are known, and they differ"
    if not _random(data[:_SAMPLE]):
        return "the uploaded bytes differ, and the sent ones are not random bytes made up per run"
    return None


#: How much of a large body is looked at to tell random bytes (its start).
_SAMPLE = 64 * 1024


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
