"""Bodies that hold other bodies: multipart/form-data and AWS event streams.

Both are bytes, often not UTF-8 as a whole (a file part, the binary framing of an event
stream), so they cannot go through the text detectors in one piece. They are split here
into their parts, each part is handed to the redactor as a body of its own (``Redact``), and
the container is put back together: a multipart body keeps its boundary and every part the
redactor left alone byte for byte (a binary file part is never touched); an event stream is
encoded anew, each message with its headers in order and fresh CRCs, so botocore decodes it
into the same events.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.aws import eventstream

#: ``(part headers, part content) -> new content`` (``None``: leave the part as it is)
RedactPart = Callable[[dict[str, str], bytes], "bytes | None"]

_BOUNDARY = re.compile(r"""boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;,"]{1,200}))""", re.IGNORECASE)
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def multipart_boundary(content_type: str) -> bytes | None:
    """The boundary of a ``multipart/*`` content type, or ``None`` for anything else."""
    if not content_type.lower().lstrip().startswith("multipart/"):
        return None
    found = _BOUNDARY.search(content_type)
    if found is None:
        return None
    return (found.group(1) or found.group(2)).encode("latin-1", "replace")


def redact_multipart(body: bytes, boundary: bytes, redact: RedactPart) -> bytes:
    """``body`` with each part's content replaced by ``redact``'s, framing kept exactly."""
    delimiter = b"--" + boundary
    pieces = body.split(delimiter)
    changed = False
    for index in range(1, len(pieces)):
        piece = pieces[index]
        if piece.startswith(b"--"):  # the closing delimiter: the epilogue follows
            break
        head_end = _HEAD_END.search(piece)
        if head_end is None:
            continue
        content = piece[head_end.end() :]
        # the line break before the next delimiter belongs to the delimiter, not the content
        tail = b"\r\n" if content.endswith(b"\r\n") else b"\n" if content.endswith(b"\n") else b""
        content = content[: len(content) - len(tail)]
        headers = _part_headers(piece[: head_end.start()])
        new = redact(headers, content)
        if new is not None and new != content:
            pieces[index] = piece[: head_end.end()] + new + tail
            changed = True
    return delimiter.join(pieces) if changed else body


def _part_headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").splitlines():
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers


def part_name(headers: dict[str, str]) -> str | None:
    """The ``name`` of a form-data part (its ``Content-Disposition``), if it has one."""
    found = re.search(
        r"""(?:^|;)\s*name\s*=\s*(?:"([^"]*)"|([^\s;]+))""",
        headers.get("content-disposition", ""),
        re.IGNORECASE,
    )
    return None if found is None else (found.group(1) or found.group(2))


#: ``(message, its headers redacted) -> new payload`` of one event-stream message
RedactMessage = Callable[[eventstream.Message], bytes]
#: ``(header name, string value) -> new value`` of one event-stream string header
RedactHeader = Callable[[str, str], str]


def redact_event_stream(body: bytes, payload: RedactMessage, header: RedactHeader) -> bytes | None:
    """An event stream with each message's payload and string headers redacted, encoded
    anew; ``None`` when ``body`` is no valid event stream."""
    try:
        messages = eventstream.decode_stream(body)
    except eventstream.EventStreamError:
        return None
    out = []
    changed = False
    for message in messages:
        headers = tuple(
            eventstream.Header(h.name, h.type, header(h.name, h.value))
            if h.type == "string" and not h.name.startswith(":")
            else h
            for h in message.headers
        )
        new = eventstream.Message(headers, message.payload)
        new = eventstream.Message(headers, payload(new))
        changed = changed or new != message
        out.append(new)
    if not changed:
        return body
    return eventstream.encode_stream(out)


def rewrite_body(body: bytes, content_type: str, rewrite: Callable[[bytes], bytes]) -> bytes:
    """``rewrite`` applied to a stored body's bytes; to an event stream's payloads and string
    headers one by one (its framing holds lengths and CRCs a rewrite of the raw bytes would
    break)."""
    if eventstream.is_event_stream(content_type):
        found = redact_event_stream(
            body,
            lambda message: rewrite(message.payload),
            lambda name, value: rewrite(value.encode("utf-8")).decode("utf-8", "replace"),
        )
        if found is not None:
            return found
    return rewrite(body)
