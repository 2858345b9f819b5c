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


#: ``joined payloads -> (start, end, replacement)`` of each secret in them (byte offsets,
#: in order, not overlapping)
FindSpans = Callable[[bytes], "list[tuple[int, int, bytes]]"]
#: ``a run of a byte stream's pieces -> a new payload for each``, or ``None``
RedactRun = Callable[[list[eventstream.Message]], "list[bytes] | None"]


def redact_event_stream(
    body: bytes,
    payload: RedactMessage,
    header: RedactHeader,
    whole: FindSpans | None = None,
    run: RedactRun | None = None,
) -> bytes | None:
    """An event stream with each message's payload and string headers redacted, encoded
    anew; ``None`` when ``body`` is no valid event stream.

    With ``whole``, the stream is judged whole first (``judged_whole``): a secret the server
    cut across two messages is found in their joined payloads. With ``run``, each run of a
    byte stream's pieces (``runs``) is offered whole: the payloads it gives (one per message)
    replace theirs; ``None`` leaves each to ``payload``. A stream in which nothing is found
    is returned as it is, byte for byte."""
    try:
        original = eventstream.decode_stream(body)
    except eventstream.EventStreamError:
        return None
    messages = judged_whole(original, whole) if whole is not None else original
    whole_runs: dict[int, bytes] = {}
    for indexes in runs(messages) if run is not None else ():
        given = run([messages[i] for i in indexes]) if run is not None else None
        if given is not None and len(given) == len(indexes):
            whole_runs.update(zip(indexes, given, strict=True))
    out = []
    changed = messages is not original
    for index, message in enumerate(messages):
        headers = tuple(
            eventstream.Header(h.name, h.type, header(h.name, h.value))
            if h.type == "string" and not h.name.startswith(":")
            else h
            for h in message.headers
        )
        new = eventstream.Message(headers, message.payload)
        if index in whole_runs:
            new = eventstream.Message(headers, whole_runs[index])
        else:
            new = eventstream.Message(headers, payload(new))
        changed = changed or new != message
        out.append(new)
    if not changed:
        return body
    return eventstream.encode_stream(out)


def judged_whole(messages: list[eventstream.Message], find: FindSpans) -> list[eventstream.Message]:
    """``messages`` with each secret ``find`` sees in the joined payloads of a run (``runs``)
    replaced across the messages it covers: its replacement where it starts, the rest of its
    bytes taken out of the messages it runs on into. ``messages`` itself when nothing is.

    A server cuts a stream's messages anywhere (S3 SelectObjectContent's ``Records`` carry
    a CSV or JSON result in pieces; Lambda's response stream its payload chunks), so a token
    may end one message and go on in the next: judged one by one, each half passes."""
    out = list(messages)
    changed = False
    for run in runs(messages):
        payloads = [messages[i].payload for i in run]
        joined = b"".join(payloads)
        spans = find(joined)
        if not spans:
            continue
        start = 0
        for index, payload in zip(run, payloads, strict=True):
            end = start + len(payload)
            new = bytearray()
            at = start
            for first, last, replacement in spans:
                if last <= start or first >= end:
                    continue
                if first >= start:  # the secret starts here: its replacement goes here
                    new += joined[at:first] + replacement
                at = min(last, end)  # its bytes in this message are taken out
            new += joined[at:end]
            if new != payload:
                out[index] = eventstream.Message(messages[index].headers, bytes(new))
                changed = True
            start = end
    return out if changed else messages


def runs(messages: list[eventstream.Message]) -> list[list[int]]:
    """The indexes of each run of two or more consecutive event messages of one
    ``:event-type`` whose payload is not JSON (a structured event is whole in its message:
    only a byte stream's pieces are joined)."""
    found: list[list[int]] = []
    current: list[int] = []
    kind: object = None
    for index, message in enumerate(messages):
        this = _piece_of(message)
        if this is not None and this == kind:
            current.append(index)
            continue
        if len(current) > 1:
            found.append(current)
        current, kind = ([index], this) if this is not None else ([], None)
    if len(current) > 1:
        found.append(current)
    return found


def _piece_of(message: eventstream.Message) -> str | None:
    """The event type of a message that carries a piece of a byte stream, else None."""
    if message.header(":message-type") not in (None, "event"):
        return None  # an error or an exception is whole
    event_type = message.header(":event-type")
    content_type = str(message.header(":content-type") or "").lower()
    if not isinstance(event_type, str) or "json" in content_type:
        return None
    return event_type


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
