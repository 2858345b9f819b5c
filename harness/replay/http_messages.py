"""botocore's HTTP objects and the harness's: a prepared request's body read without taking
it from the send (``request_body``), a response read as received off the wire
(``received_response``), and an ``HttpResponse`` made into what botocore's HTTP session
returns (``to_botocore_response``)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from botocore.awsrequest import AWSResponse

from harness.aws.bodies import settle
from harness.exchange import HttpResponse
from harness.secrets import placeholders


class Rewind:
    """The bytes of a request body, and how to put the body back where sending starts."""

    def __init__(self, body: bytes, stream: Any = None, position: int = 0) -> None:
        self.body = body
        self._stream = stream
        self._position = position

    def __call__(self) -> None:
        if self._stream is not None:
            self._stream.seek(self._position)


def request_body(request: Any) -> Rewind:
    """Read a request's body for the ``Call`` without taking it from the real send.

    A file-like body (S3 uploads; botocore's aws-chunked wrapper of them) is read, then
    seeked back to where it was, so the send streams the very bytes we read and botocore's
    retries can rewind it as usual. A body that cannot seek is replaced by the bytes read.
    """
    body = request.body
    if body is None:
        return Rewind(b"")
    if isinstance(body, bytes):
        return Rewind(body)
    if isinstance(body, str):
        return Rewind(body.encode("utf-8"))
    if isinstance(body, bytearray | memoryview):
        return Rewind(bytes(body))
    if hasattr(body, "read"):
        position: int | None
        try:
            position = int(body.tell())
        except (AttributeError, OSError, ValueError):
            # aws-chunked wrappers cannot tell but rewind to 0, as botocore's retries do
            position = 0 if hasattr(body, "seek") else None
        data = body.read()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data or b"")
        if position is not None:
            try:
                body.seek(position)
                return Rewind(data, body, position)
            except (AttributeError, OSError, ValueError):
                pass
        request.body = data
        return Rewind(data)
    # an iterable of chunks: it can be consumed once, so the send gets the joined bytes
    data = b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    request.body = data
    return Rewind(data)


def as_text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def from_botocore_response(response: Any) -> HttpResponse:
    """Read a botocore/urllib3 response fully, as botocore reads it (``received_response``)."""
    return received_response(response.status_code, response.headers, response.content or b"")


def received_response(status: Any, raw_headers: Any, body: bytes) -> HttpResponse:
    """An ``HttpResponse`` of a status, headers and body exactly as read off the wire.

    A content coding is not undone: botocore never decodes one (its HTTP session reads with
    ``decode_content=False``), so an S3 object stored with ``ContentEncoding="gzip"`` reaches
    the code as the gzip bytes stored, with its ``Content-Encoding`` and ``Content-Length``.
    Redaction looks inside the coding (``bodies.through_coding``).
    """
    return HttpResponse(int(status), {k: as_text(v) for k, v in raw_headers.items()}, body)


class RawBody(io.BytesIO):
    """The part of a urllib3 response botocore reads: ``stream()``, ``read()``, ``close()``.

    ``read()`` of the whole body returns the stored bytes themselves (BytesIO shares them),
    so a large body is not copied; ``read(n)`` and ``stream(n)`` hand out chunks.
    """

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        """Yield the rest of the body in chunks of ``amt`` bytes (all at once without it)."""
        while chunk := self.read(amt):
            yield chunk

    @property
    def _fp(self) -> Any:
        """What ``StreamingBody.set_socket_timeout`` reaches through (``_fp.fp.raw._sock``):
        the body is in memory, read off the socket already, so a timeout has nothing to do."""
        return _NO_SOCKET_FILE


class _NoSocket:
    def settimeout(self, timeout: float | None) -> None:
        """No socket is read any more: nothing can time out."""


_NO_SOCKET_FILE = SimpleNamespace(fp=SimpleNamespace(raw=SimpleNamespace(_sock=_NoSocket())))


def served(response: HttpResponse) -> HttpResponse:
    """A response as replay serves it: ``Content-Length``, ``x-amz-crc32`` and
    ``Content-MD5`` made true for its body (``bodies.settle``: a JSON document stored
    pretty-printed), its ``x-amz-checksum-*`` as recorded, so a body that does not match its
    checksum fails botocore's check as live. A body holding a redaction's mark (a
    placeholder, an account's pseudonym, a Docker login's) has its checksums made true as
    well: the recorder keeps the server's checksum of the secret it took out. (A body the
    replayer gave values back into was settled there: ``Replayer.restored``.)"""
    body = response.body
    if not body or not any(k[:15].lower() == "x-amz-checksum-" for k in response.headers):
        return settle(response)  # (no body to look through for marks)
    return settle(response, checksums_as_stored=not _REDACTION_MARK.search(body))


#: What a body the redactor rewrote holds, from ``harness.secrets.placeholders``: a
#: placeholder (or the legacy bare one), an account id's pseudonym (twelve digits, not any
#: run of nines), a Docker login's placeholder in base64.
_REDACTION_MARK = re.compile(
    b"|".join(
        [
            re.escape(placeholders.LEGACY.encode()),
            rb"(?<!\d)" + re.escape(placeholders.ACCOUNT_PREFIX.encode()) + rb"\d{4}(?!\d)",
            re.escape(placeholders.DOCKER_PREFIX.encode()),
        ]
    )
)


def to_botocore_response(response: HttpResponse, url: str) -> AWSResponse:
    """Make an ``HttpResponse`` look like what botocore's HTTP session returns.

    Integrity headers are made true for the body served where the harness changed it
    (``served``).
    """
    response = served(response)
    return AWSResponse(url, response.status, dict(response.headers), RawBody(response.body))
