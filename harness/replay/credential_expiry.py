"""Temporary credentials replay with the lifetime they had when recorded.

STS ``AssumeRole``, Cognito ``GetCredentialsForIdentity``, SSO ``GetRoleCredentials``...
answer credentials that expire (an hour, often less; moto: 90 s). Replayed as recorded,
they expire in the past: code that checks ``Expiration > now`` before using them, or a
botocore ``RefreshableCredentials`` built on them, asks for new ones on every call, calls
the recording never made, and replay misses. So in a response that carries credentials,
an expiry that lay ahead of the answer when recorded lies ahead of now by as much in replay.
Nothing else moves: another ``Expiration`` (an S3 lifecycle rule's) is not near a credential.
"""

from __future__ import annotations

import datetime as dt
import re

#: A response carries credentials when it names a secret key or session token member
#: (looked for as plain substrings first: a regex over a 10 MiB download costs half a second).
_MARKERS = (b"SessionToken", b"SecretAccessKey", b"SecretKey", b"sessionToken")
_CREDENTIALS = re.compile(rb"SessionToken|SecretAccessKey|[\"<]SecretKey[\">]|[\"<]sessionToken")
#: Credentials come in small documents: a larger body (a download) is not looked at.
_LARGEST = 256 * 1024
_NAME = rb"[Ee]xpiration|[Ee]xpires(?:At)?"
_EPOCH = re.compile(rb'("(?:' + _NAME + rb')"\s*:\s*)(\d{10}(?:\d{3})?(?:\.\d+)?)(?![\d.])')
_ISO = re.compile(
    rb'("(?:' + _NAME + rb')"\s*:\s*"|<(?:' + _NAME + rb")>)"
    rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)"
)


def extended(body: bytes, answered_at: float, now: float) -> bytes:
    """``body`` with each credential expiry after ``answered_at`` moved by
    ``now - answered_at`` (unchanged when it carries no credentials)."""
    shift = now - answered_at
    if (
        shift <= 0
        or len(body) > _LARGEST
        or not any(marker in body for marker in _MARKERS)
        or not _CREDENTIALS.search(body)
    ):
        return body

    def epoch(match: re.Match[bytes]) -> bytes:
        text = match.group(2).decode()
        millis = len(text.split(".")[0]) == 13
        value = float(text) / (1000 if millis else 1)
        if value <= answered_at:
            return match.group(0)
        moved = (value + shift) * (1000 if millis else 1)
        out = f"{moved:.3f}".rstrip("0").rstrip(".") if "." in text else str(int(moved))
        return match.group(1) + out.encode()

    def iso(match: re.Match[bytes]) -> bytes:
        head, stamp, fraction, zone = (g.decode() if g else "" for g in match.groups())
        when = dt.datetime.fromisoformat(stamp + ("+00:00" if zone == "Z" else zone))
        if when.timestamp() <= answered_at:
            return match.group(0)
        moved = (when + dt.timedelta(seconds=shift)).strftime("%Y-%m-%dT%H:%M:%S")
        if fraction:
            moved += fraction  # (kept as written: sub-second precision is not the point)
        return (head + moved + zone).encode()

    return _ISO.sub(iso, _EPOCH.sub(epoch, body))
