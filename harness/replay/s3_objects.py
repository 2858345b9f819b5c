"""S3 objects a test uploaded with bytes it made up per run, read back in replay as sent.

A body over 4 KiB is matched by its digest. When a test uploads megabytes it made up for
the run (``os.urandom``), its ``PutObject`` (or a multipart upload's ``UploadPart``) binds
to the recorded one (``harness.replay.uploads``: same size, random bytes), and the object
now holds the live bytes, as the service would. This table keeps them by bucket and key
(a multipart upload's parts joined by ``CompleteMultipartUpload``, in the order its part
list gives), and a later ``GetObject`` of that key, whole or a ``Range``, gets the live
bytes where the recording has its own, with its integrity headers recomputed
(``harness.aws.bodies.settle``), and the ETag the recording had for the made-up bytes
(their MD5, for a single-part upload) and the full-object checksums it had for them
(``x-amz-checksum-crc32``, ``-sha256``, ...: a ``ChecksumAlgorithm`` upload) become the
live bytes' in the PutObject, GetObject and HeadObject answers about that key. "Amazon S3
returns the specified range of bytes of the object" (GetObject, ``Range``), so a ranged
answer is the same slice of the live bytes.

A ``CopyObject`` of such an object holds its live bytes, and an ``UploadPartCopy`` from one
(a managed copy: ``s3.copy`` above its multipart threshold) gives the part the live bytes of
its ``CopySourceRange``, joined at completion as uploaded parts are. An upload that did not
bind (the same bytes as recorded), a ``DeleteObject`` and a copy of another object forget the
key: from then on the recording answers, as it did before.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import unquote

from harness.aws.bodies import body_digests, settle
from harness.exchange import HttpResponse
from harness.replay.uploads import digest_of

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")
_PLAIN_MD5 = re.compile(r'"?[0-9a-f]{32}"?')  # (a multipart ETag ends in -N: not an MD5)

Key = tuple[str, str]


class UploadedObjects:
    """The objects of one test whose bytes the test made up, by ``(Bucket, Key)``."""

    def __init__(self) -> None:
        self._objects: dict[Key, bytes] = {}
        #: (Bucket, Key) -> header -> (the recorded value, the live bytes' value): the
        #: ETag and the checksums computed from the made-up bytes
        self._etags: dict[Key, dict[str, tuple[str, str]]] = {}
        #: (Bucket, Key) -> the bytes of an upload kept as its digest and sent as recorded:
        #: the recorded answer reading them back may hold placeholders (a password in a
        #: large JSON document) the upload, never redacted, binds to no live value
        self._verbatim: dict[Key, bytes] = {}
        #: (Bucket, Key, UploadId) -> PartNumber -> the part's live bytes
        self._parts: dict[tuple[str, str, str], dict[int, bytes]] = {}

    def replayed(
        self,
        operation: str,
        params: dict[str, Any],
        recorded: dict[str, Any],
        sent: bytes | None,
        response: HttpResponse,
    ) -> HttpResponse:
        """The answer to a replayed S3 call, given what the live request sent (``params``;
        ``sent``: its body's bytes when it uploaded one) and what the recorded one did."""
        key = _key(params)
        if key is None:
            return response
        if operation in ("PutObject", "UploadPart"):
            live, old = digest_of(params.get("Body")), digest_of(recorded.get("Body"))
            made_up = live is not None and old is not None and live != old and sent is not None
            if operation == "PutObject":
                self._etags.pop(key, None)
                self._verbatim.pop(key, None)
                if live is not None and live == old and sent is not None:
                    self._verbatim[key] = sent
                if made_up and sent is not None:
                    self._objects[key] = sent
                    swaps = _derived_headers(response, sent)
                    if swaps:
                        self._etags[key] = swaps
                        return _with_etag(response, swaps)
                else:
                    self._objects.pop(key, None)
            elif sent is not None:
                upload = (*key, str(params.get("UploadId", "")))
                number = params.get("PartNumber")
                if isinstance(number, int):
                    self._parts.setdefault(upload, {})[number] = sent
            return response
        if operation == "CompleteMultipartUpload":
            self._complete(key, params)
            return response
        if operation in ("DeleteObject", "CopyObject"):
            self._objects.pop(key, None)
            self._verbatim.pop(key, None)
            self._etags.pop(key, None)
            source = _source(params)
            if operation == "CopyObject" and source in self._objects and response.status == 200:
                self._objects[key] = self._objects[source]  # (a copy holds the live bytes)
                if source in self._etags:
                    self._etags[key] = self._etags[source]
            return response
        if operation == "UploadPartCopy":
            self._part_copied(key, params)
            return response
        if operation in ("GetObject", "HeadObject") and key in self._etags:
            response = _with_etag(response, self._etags[key])
        if operation == "GetObject" and key in self._objects:
            return _read(self._objects[key], response)
        if operation == "GetObject" and key in self._verbatim:
            return _read_verbatim(self._verbatim[key], response)
        return response

    def _part_copied(self, key: Key, params: dict[str, Any]) -> None:
        """An ``UploadPartCopy`` from an object holding live bytes: the part is those bytes
        (``CopySourceRange``'s slice of them), joined at ``CompleteMultipartUpload``."""
        source = self._objects.get(_source(params) or ("", ""))
        number = params.get("PartNumber")
        if source is None or not isinstance(number, int):
            return
        ranged = _COPY_RANGE.fullmatch(str(params.get("CopySourceRange") or "").strip())
        if ranged is not None:
            source = source[int(ranged.group(1)) : int(ranged.group(2)) + 1]
        elif params.get("CopySourceRange"):
            return  # (a range we cannot read: the recording answers)
        upload = (*key, str(params.get("UploadId", "")))
        self._parts.setdefault(upload, {})[number] = source

    def _complete(self, key: Key, params: dict[str, Any]) -> None:
        parts = self._parts.pop((*key, str(params.get("UploadId", ""))), None)
        self._objects.pop(key, None)
        self._verbatim.pop(key, None)
        self._etags.pop(key, None)
        listed = (params.get("MultipartUpload") or {}).get("Parts")
        if not parts or not isinstance(listed, list):
            return
        numbers = [p.get("PartNumber") for p in listed if isinstance(p, dict)]
        known = [n for n in numbers if isinstance(n, int) and n in parts]
        if known and len(known) == len(numbers):
            self._objects[key] = b"".join(parts[n] for n in known)


def _source(params: dict[str, Any]) -> Key | None:
    """The ``(Bucket, Key)`` a copy reads (``CopySource``: ``bucket/key``, URL-encoded,
    maybe with ``?versionId=``)."""
    source = params.get("CopySource")
    if not isinstance(source, str):
        return None
    path = unquote(source.split("?versionId=", 1)[0]).lstrip("/")
    bucket, _, name = path.partition("/")
    return (bucket, name) if bucket and name else None


def _key(params: dict[str, Any]) -> Key | None:
    bucket, name = params.get("Bucket"), params.get("Key")
    if isinstance(bucket, str) and isinstance(name, str):
        return bucket, name
    return None


def _read(live: bytes, response: HttpResponse) -> HttpResponse:
    """``response`` (a recorded GetObject) with the live object's bytes in place of the
    recorded ones: the same range of them, when the recording read a range of an object of
    the live one's size; the recording as it is otherwise (another object was read)."""
    if response.status not in (200, 206) or not response.body:
        return response
    ranged = _CONTENT_RANGE.fullmatch((response.header("Content-Range") or "").strip())
    if ranged is not None:
        start, end, total = (int(g) for g in ranged.groups())
        if total != len(live) or end - start + 1 != len(response.body):
            return response
        body = live[start : end + 1]
    elif len(response.body) == len(live):
        body = live
    else:
        return response
    if body == response.body:
        return response
    return settle(HttpResponse(response.status, dict(response.headers), body))


def _read_verbatim(sent: bytes, response: HttpResponse) -> HttpResponse:
    """``response`` (a recorded GetObject after an upload of the very bytes ``sent``) with
    those bytes, or the range of them it read, when its ETag is their MD5: the server sent
    them then (a single-part object's ETag is the MD5 of its bytes), and the recording may
    hold them redacted. Any other answer (another object, a multipart ETag) is served as
    recorded."""
    etag = (response.header("ETag") or "").strip('"')
    if response.status not in (200, 206) or not _PLAIN_MD5.fullmatch(etag):
        return response
    if etag != hashlib.md5(sent, usedforsecurity=False).hexdigest():
        return response
    content_range = (response.header("Content-Range") or "").strip()
    ranged = _CONTENT_RANGE.fullmatch(content_range)
    if ranged is not None:
        start, end, total = (int(g) for g in ranged.groups())
        if total != len(sent) or end >= total:
            return response
        body = sent[start : end + 1]
    elif content_range or response.status == 206:
        return response
    else:
        body = sent
    if body == response.body:
        return response
    return settle(HttpResponse(response.status, dict(response.headers), body))


def _derived_headers(response: HttpResponse, sent: bytes) -> dict[str, tuple[str, str]]:
    """The headers of a recorded PutObject answer computed from the recorded bytes — a
    single-part ETag (their MD5) and each full-object checksum — with the same computed
    from the live bytes ``sent``: header -> (recorded value, live value)."""
    swaps: dict[str, tuple[str, str]] = {}
    digests: dict[str, str] | None = None
    for name, value in response.headers.items():
        lower = name.lower()
        if lower == "etag":
            if _PLAIN_MD5.fullmatch(value):
                live = f'"{hashlib.md5(sent, usedforsecurity=False).hexdigest()}"'
                swaps[lower] = (value, live)
            continue
        if not lower.startswith(_CHECKSUM_PREFIX) or "-" in value:  # (a composite: -N)
            continue
        digests = body_digests(sent) if digests is None else digests
        computed = digests.get(lower)
        if computed is not None:
            swaps[lower] = (value, computed)
    return {name: pair for name, pair in swaps.items() if pair[0] != pair[1]}


_CHECKSUM_PREFIX = "x-amz-checksum-"


def _with_etag(response: HttpResponse, swaps: dict[str, tuple[str, str]]) -> HttpResponse:
    """``response`` with the recorded ETag and checksums of a made-up upload given as the
    live bytes' (a header still holding the recorded value)."""

    def value(name: str, recorded: str) -> str:
        pair = swaps.get(name.lower())
        return pair[1] if pair is not None and pair[0] == recorded else recorded

    headers = {k: value(k, v) for k, v in response.headers.items()}
    if headers == response.headers:
        return response
    return HttpResponse(response.status, headers, response.body)
