"""Large payloads kept beside a cassette, not inside it: a content-addressed body file.

A payload the caller owns (an S3 object, a Lambda response payload) over ``LARGE_BODY``
bytes is written once to ``<cassette folder>/_bodies/<sha256>``, as the bytes received, and
the cassette names it with its digest, size and content type::

    body:
      file: _bodies/8f43…e1
      sha256: 8f43…e1
      size: 10485760
      type: application/octet-stream

so review shows what it is, the YAML stays small (no base64 inside it, nothing to load
twice), bytes on disk stay at the payload's size, and two cassettes of one folder that hold
the same payload share one file. Bodies are redacted before they are stored, like any other.
Reading checks the size and the digest: a missing or changed file is a clear error, never
other bytes served.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, TypeGuard

from harness.cassettes.files import atomic_write_bytes, open_regular

#: A payload over this many bytes goes to a body file (``aws_digest_bodies_over``'s default:
#: the size from which the cassette keeps an upload as its digest).
LARGE_BODY = 64 * 1024
FOLDER = "_bodies"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def marker(body: bytes, content_type: str | None) -> tuple[dict[str, Any], str]:
    """The cassette's mapping for ``body`` kept in a file, and the file's name (its digest)."""
    sha256 = hashlib.sha256(body).hexdigest()
    found = {"file": f"{FOLDER}/{sha256}", "sha256": sha256, "size": len(body)}
    if content_type:
        found["type"] = content_type
    return found, sha256


def is_marker(value: Any) -> TypeGuard[dict[str, Any]]:
    """True for a stored body that names a body file."""
    return isinstance(value, dict) and "file" in value and "string" not in value


def write(folder: Path, bodies: dict[str, bytes]) -> None:
    """Write each body to ``folder/_bodies/<sha256>`` (atomically; an existing file is left
    alone only when its bytes hash to its name: one damaged in place, of the same size, was
    skipped, so a re-recorded test passed and every later replay failed)."""
    if not bodies:
        return
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for sha256, body in bodies.items():
        path = target / sha256
        if path.is_file() and path.stat().st_size == len(body) and file_digest(path) == sha256:
            continue
        atomic_write_bytes(path, body)


def file_digest(path: Path) -> str | None:
    """The SHA-256 (hex) of the file at ``path``, read in blocks; None when unreadable."""
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def read(cassette: Path, value: dict[str, Any]) -> bytes:
    """The bytes a body-file marker names, checked; ``ValueError`` saying what is wrong."""
    sha256, size = value.get("sha256"), value.get("size")
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise ValueError("response.body names a body file whose sha256 is not 64 lowercase hex")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("response.body names a body file whose size is not a whole number")
    if value.get("file") != f"{FOLDER}/{sha256}":
        raise ValueError(f"response.body's file must be {FOLDER}/<its sha256>")
    path = cassette.parent / FOLDER / sha256
    try:
        with open_regular(path) as handle:
            data = handle.read(size + 1)
    except FileNotFoundError:
        raise ValueError(
            f"its body file {path} is missing (commit the {FOLDER} folder beside the "
            "cassette with it, or re-record)"
        ) from None
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"its body file {path} is not the bytes recorded (size or sha256)")
    return data


def whatever_is_there(cassette: Path, value: dict[str, Any]) -> bytes:
    """The bytes at the place a body-file marker names, whatever they are (b"" when there
    is no such file): for a scanner, which must read a file that is not what it claims."""
    sha256 = value.get("sha256")
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        return b""
    try:
        with open_regular(cassette.parent / FOLDER / sha256) as handle:
            return handle.read(MAX_WHATEVER)
    except OSError:
        return b""


#: What ``whatever_is_there`` reads at the most.
MAX_WHATEVER = 64 * 2**20
