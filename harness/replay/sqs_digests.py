"""SQS's MD5s in a replayed answer are those of the values the test gets.

``SendMessage`` answers ``MD5OfMessageBody`` and ``MD5OfMessageAttributes`` of what was
sent, ``SendMessageBatch`` the same per entry, ``ReceiveMessage`` ``MD5OfBody`` and
``MD5OfMessageAttributes`` of each message it gives. Code checks them (the SDKs for Java
and .NET do, and so do apps on boto3). When replay binds a value the test made up per run
(a uuid in the body, a trace id in an attribute) the test sends, and gets back, the live
value, while the recorded MD5s were of the recorded one: the check failed in replay only.
Each such MD5 is computed again from what this run sent (a send) or what the answer gives
(a receive), as SQS computes it; an answer whose MD5s already agree is served as it was.
Only an MD5 that agreed with the recorded values is computed again: one the server got
wrong when recorded (or that digests what the recording holds redacted) is served as it
was, so replay never mends what the server sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import struct
from collections.abc import Callable
from typing import Any

from harness.aws.bodies import settle
from harness.exchange import HttpResponse

OPERATIONS = frozenset({"SendMessage", "SendMessageBatch", "ReceiveMessage"})

# (response member, what it digests, how): for a send the digested member is the request's
_DIGESTS = (
    ("MD5OfMessageBody", "MessageBody", "body"),
    ("MD5OfBody", "Body", "body"),
    ("MD5OfMessageAttributes", "MessageAttributes", "attributes"),
    ("MD5OfMessageSystemAttributes", "MessageSystemAttributes", "attributes"),
)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _binary(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return base64.b64decode(str(value), validate=True)  # (wire form: base64)


def attributes_md5(attributes: dict[str, Any]) -> str:
    """The MD5 SQS gives of message (or system) attributes: each, by name, as its length-
    prefixed name, data type, a transport byte and its length-prefixed value."""
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        attr = attributes[name]
        for part in (name.encode(), str(attr["DataType"]).encode()):
            digest.update(struct.pack(">I", len(part)) + part)
        if attr.get("StringValue") is not None:
            value = str(attr["StringValue"]).encode()
            digest.update(b"\x01" + struct.pack(">I", len(value)) + value)
        else:
            value = _binary(attr["BinaryValue"])
            digest.update(b"\x02" + struct.pack(">I", len(value)) + value)
    return digest.hexdigest()


def _digests(answer: dict[str, Any], source: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(member, served MD5, the MD5 of ``source``'s values, or the served one when it cannot
    be computed) for each MD5 ``answer`` holds, in ``_DIGESTS``' order."""
    found = []
    for member, digested, how in _DIGESTS:
        served = answer.get(member)
        if not isinstance(served, str):
            continue
        truth, value = served, source.get(digested)
        try:
            if value is not None:
                truth = _md5(str(value).encode("utf-8")) if how == "body" else attributes_md5(value)
        except (KeyError, TypeError, ValueError, binascii.Error):
            pass  # (not SQS's form: left as recorded)
        found.append((member, served, truth))
    return found


def followed(
    operation: str,
    sent: dict[str, Any],
    response: HttpResponse,
    *,
    recorded: tuple[Callable[[], dict[str, Any]], Callable[[], HttpResponse]],
) -> HttpResponse:
    """``response`` (served for SQS ``operation``, sent with wire-form ``sent``) with each
    MD5 that of the values this run sent or is given; ``response`` itself when all agree.
    ``recorded``: the recording's request parameters and answer (read only when an MD5
    differs), whose MD5s that agreed with its values are the only ones computed again."""
    doc = _answer(operation, response)
    if doc is None:
        return response
    pairs = _pairs(operation, doc, sent)
    if all(served == truth for a, s in pairs for _, served, truth in _digests(a, s)):
        return response  # (the common case: nothing bound in the digested values)
    recorded_doc = _answer(operation, recorded[1]())
    if recorded_doc is None:
        return response
    agreed = {
        served
        for answer, source in _pairs(operation, recorded_doc, recorded[0]())
        for _, served, truth in _digests(answer, source)
        if served == truth
    }
    text = response.body.decode("utf-8")
    cursor, changed = 0, False
    for answer, source in pairs:  # (each answer's members follow the one before's)
        end = cursor
        for member, served, truth in _digests(answer, source):
            pattern = re.compile(rf'"{member}"\s*:\s*"{re.escape(served)}"')
            found = pattern.search(text, cursor)
            if found is None:
                continue
            start, stop = found.span()
            if truth != served and served in agreed:
                text = text[:start] + found.group(0).replace(served, truth) + text[stop:]
                changed = True
            end = max(end, stop)
        cursor = end
    if not changed:
        return response
    return settle(HttpResponse(response.status, response.headers, text.encode("utf-8")))


def _answer(operation: str, response: HttpResponse) -> dict[str, Any] | None:
    """The JSON document of a successful SQS answer of ``operation``, or None."""
    if operation not in OPERATIONS or response.status != 200 or not response.body:
        return None
    if response.header("Content-Encoding"):
        return None
    try:
        doc = json.loads(response.body)
    except ValueError:  # (the query protocol's XML: older botocore; left as recorded)
        return None
    return doc if isinstance(doc, dict) else None


def _pairs(
    operation: str, doc: dict[str, Any], sent: dict[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(an answer holding MD5s, what they digest) of ``doc``: a send's request (by entry
    ``Id`` in a batch), a received message itself."""
    if operation == "SendMessage":
        return [(doc, sent)]
    if operation == "SendMessageBatch":
        entries = {e.get("Id"): e for e in sent.get("Entries", []) if isinstance(e, dict)}
        return [
            (ok, entries[ok["Id"]])
            for ok in doc.get("Successful") or []
            if isinstance(ok, dict) and ok.get("Id") in entries
        ]
    return [(m, m) for m in doc.get("Messages") or [] if isinstance(m, dict)]
