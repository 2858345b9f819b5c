"""Find credential material and secrets in cassette files (ours, vcrpy's, pytest-recording's).

Three kinds of evidence, reported together:

- **credential material in the file text** (``DETECTORS``): SigV4 ``Authorization`` headers,
  presigned-URL signatures and credentials, session and SSO bearer tokens, access key ids
  that are not our pseudonyms, secret access keys, JWTs, PEM private keys, passwords in URLs
  and bearer tokens. Bodies vcrpy stored as ``!!binary`` or gzip are decoded and searched too.
- **every secret the redactor's detection library finds** (``harness.secrets.detectors``,
  the same ``find_secrets`` the recorder redacts with): in each string of each interaction
  (URL, header values, bodies, ``!!binary``/gzip bodies decoded), headers named like
  credentials (``X-Api-Key``, ``PRIVATE-TOKEN``...), and in the file text when the file is
  not a readable cassette. Placeholders and the cassette's own pseudonyms are never findings.
- **the redactor's verdict**: each interaction is run through today's redaction
  (``harness.secrets``, with the operation's model when the request can be identified);
  anything it would still remove — a sensitive member of the model, a credential header, a
  secret JSON member — is a finding, located by JSON pointer.

A finding names the file, the line or interaction and the kind of secret, never the secret
itself; its ``fingerprint`` is a salted hash of what was found there (``fingerprint``), so a
reviewed acknowledgement (``harness.secrets.scan_acks``) holds for that value only. ``harness
scan`` prints them; ``scan_file`` is the API the recorder uses to warn when an old cassette is
replayed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from harness.errors import HarnessUsageError
from harness.safe_text import one_line
from harness.secrets import second_opinion
from harness.secrets.detectors import find_secrets, name_kind
from harness.secrets.placeholders import PATTERN as _PLACEHOLDER

#: Files larger than this are not scanned (a cassette this big is reported, not read).
MAX_SCAN_BYTES = 512 * 1024 * 1024
#: The acknowledged findings ``harness scan`` reads by default (``harness.secrets.scan_acks``);
#: not a cassette, so a folder's copy is never scanned as one.
ACKS_FILE = ".harness-scan-acks.yaml"

_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9])")
_REDACTED = re.compile(r"REDACTED")


@dataclass(frozen=True)
class Detector:
    """A pattern that reveals credential material in text; every match holds one of
    ``needles`` (lower case, if any), so text that holds none needs no search by it."""

    kind: str
    pattern: re.Pattern[str]
    advice: str
    needles: tuple[str, ...] = ()


def _detector(
    kind: str, pattern: str, advice: str, needles: tuple[str, ...], flags: int = re.IGNORECASE
) -> Detector:
    return Detector(kind, re.compile(pattern, flags), advice, needles)


_REMOVE = "re-record the cassette with botocore-harness (it drops this at record time)"

#: What credential material looks like in a cassette file.
DETECTORS: tuple[Detector, ...] = (
    _detector("SigV4 signature", r"AWS4-HMAC-SHA256\s+Credential=", _REMOVE, ("aws4-hmac",)),
    _detector(
        "presigned URL signature",
        r"(?:X-Amz-Signature|[?&]Signature)(?:=|%3D)(?!REDACTED)[0-9A-Za-z%/+]{16,}",
        _REMOVE,
        ("signature",),
    ),
    _detector(
        "presigned URL credential",
        r"(?:X-Amz-Credential|AWSAccessKeyId)(?:=|%3D)(?!(?:AKIA|ASIA)?REDACTED)[A-Z0-9]{16,}",
        _REMOVE,
        ("x-amz-credential", "awsaccesskeyid"),
    ),
    _detector(
        "session token",
        r"X-Amz-Security-Token(?:['\"]?\s*[:=]\s*[\[-]?\s*['\"]?|%3D)(?!REDACTED)"
        r"[A-Za-z0-9/+=%]{16,}",
        _REMOVE,
        ("x-amz-security-token",),
    ),
    _detector("SSO bearer token", r"x-amz-sso_bearer_token", _REMOVE, ("sso_bearer",)),
    _detector(
        "secret access key",
        r"(?:aws_secret_access_key|secretAccessKey|SecretAccessKey)['\"]?\s*[:=]\s*['\"]?"
        r"(?!REDACTED)[A-Za-z0-9/+]{40}",
        _REMOVE,
        ("secret_access_key", "secretaccesskey"),
    ),
    _detector(
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}",
        _REMOVE,
        ("eyj",),
        0,
    ),
    _detector(
        "PEM private key",
        # (line breaks written as escapes too, "\\n" in a JSON or .env value; the lookahead
        # sits at one place, so backtracking cannot step around a placeholder)
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?!(?:\s|\\+[nrt])*REDACTED)"
        r"(?:\s|\\+[nrt])*[A-Za-z0-9+/]",
        _REMOVE,
        ("private key-----",),
    ),
    _detector(
        "password in a URL",
        # (a placeholder the harness wrote, REDACTEDpswd0001, is no finding)
        r"\b[a-z][a-z0-9+.-]*://[^:/@\s\"']+:(?!REDACTED[a-z]{0,4}\d{0,4}@)[^@/\s\"']+@",
        _REMOVE,
        ("@",),
    ),
    _detector(
        "bearer token", r"\bBearer\s+(?!REDACTED)[A-Za-z0-9\-._~+/]{16,}", _REMOVE, ("bearer",)
    ),
)


@dataclass(kw_only=True, frozen=True)
class Finding:
    """One piece of evidence: where, what kind, and what to do; never the value.

    ``fingerprint`` is :func:`fingerprint` of what was found at that place (every value of
    that kind there), empty when not known; it is not part of a finding's identity."""

    path: str
    kind: str
    where: str
    advice: str
    fingerprint: str = field(default="", compare=False)

    def __str__(self) -> str:
        # (a place can name a header or member the cassette wrote: shown escaped)
        return f"{one_line(self.path)}: {one_line(self.where)}: {one_line(self.kind)}"

    def as_dict(self) -> dict[str, str]:
        """The finding as JSON data (``harness scan --format json``)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "where": self.where,
            "advice": self.advice,
            "fingerprint": self.fingerprint,
        }


#: Salts every fingerprint: a hash of a known key published elsewhere never matches one.
_SALT = b"botocore-harness scan fingerprint\x00"


def fingerprint(value: str | bytes) -> str:
    """``sha256:<hex>`` of ``value``, salted: names a value without holding it."""
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return "sha256:" + hashlib.sha256(_SALT + data).hexdigest()


def _combined(fingerprints: Iterable[str]) -> str:
    """One fingerprint for every value found at one place (a single one stays as it is), so
    that a second value beside an acknowledged one changes it."""
    distinct = sorted({f for f in fingerprints if f})
    if len(distinct) <= 1:
        return distinct[0] if distinct else ""
    return fingerprint("\x00".join(distinct))


def _removal(path: Path, kind: str, where: str, value: str) -> Finding:
    """A finding of ``value`` (fingerprinted, never kept) that redaction removes."""
    return Finding(
        path=str(path), kind=kind, where=where, advice=_REMOVE, fingerprint=fingerprint(value)
    )


def scan_text(
    path: str, text: str, known: Iterable[str] = (), *, detect: bool = True
) -> Iterator[Finding]:
    """Credential material in ``text`` (``known`` pseudonyms are not access key ids); with
    ``detect``, also every secret ``find_secrets`` sees (by line)."""
    return (finding for finding, _ in _text_evidence(path, text, known, detect=detect))


def _text_evidence(
    path: str, text: str, known: Iterable[str] = (), *, detect: bool = True
) -> Iterator[tuple[Finding, str]]:
    """``scan_text``'s findings, each with the text its pattern matched (not reported: it
    tells a finding another one already names, ``_deduplicated``)."""
    starts = _line_starts(text)
    # Searching for a few words is many times faster than trying each pattern at every
    # character (a 45 MB cassette: 0.3 s instead of 9.7). Only in ASCII text, where a pattern's
    # IGNORECASE is ASCII's: in Unicode it also equates "ı" with "i", "ſ" with "s"...
    lowered = text.lower() if text.isascii() else None
    for detector in DETECTORS:
        if (
            lowered is not None
            and detector.needles
            and not any(n in lowered for n in detector.needles)
        ):
            continue
        for match in detector.pattern.finditer(text):
            line = _line_of(starts, match.start())
            # (a pattern may match only the start of a credential: the whole line is hashed)
            value = text[starts[line - 1] : starts[line] if line < len(starts) else len(text)]
            yield (
                Finding(
                    path=path,
                    kind=detector.kind,
                    where=f"line {line}",
                    advice=detector.advice,
                    fingerprint=fingerprint(value),
                ),
                match.group(0),
            )
    pseudonyms = set(known)
    seen: set[tuple[str, int]] = set()
    if lowered is None or "akia" in lowered or "asia" in lowered:
        for match in _ACCESS_KEY.finditer(text):
            if match.group(1) not in pseudonyms and not _PLACEHOLDER.fullmatch(match.group(1)):
                line = _line_of(starts, match.start())
                seen.add(("access key id", line))
                yield (
                    Finding(
                        path=path,
                        kind="access key id",
                        where=f"line {line}",
                        advice=_REMOVE,
                        fingerprint=fingerprint(match.group(1)),
                    ),
                    match.group(1),
                )
    if detect:
        by_line: dict[tuple[str, int], list[str]] = {}  # every value of a kind on a line
        for kind, start, end in _secrets(text, pseudonyms):
            by_line.setdefault((kind, _line_of(starts, start)), []).append(text[start:end])
        for (kind, line), values in by_line.items():
            if (kind, line) not in seen:
                seen.add((kind, line))
                mark = _combined(fingerprint(v) for v in values)
                finding = Finding(
                    path=path, kind=kind, where=f"line {line}", advice=_REMOVE, fingerprint=mark
                )
                yield finding, "\x00".join(values)


#: What a kind of ``find_secrets`` is called in a finding.
SECRET_KINDS = {
    "secret": "secret value",
    "token": "token",
    "password": "password",
    "signature": "signature",
    "key": "API or private key",
    "akid": "access key id",
}


def _secrets(text: str, pseudonyms: set[str]) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of each secret ``find_secrets`` sees in ``text``, pseudonyms aside."""
    for found in find_secrets(text):
        if found.kind == "akid" and text[found.start : found.end] in pseudonyms:
            continue
        yield SECRET_KINDS.get(found.kind, "secret value"), found.start, found.end


def scan_file(path: Path) -> list[Finding]:
    """Every finding in one cassette file; unreadable files raise ``HarnessUsageError``."""
    from harness.cassettes.interactions import CassetteError
    from harness.cassettes.yaml_events import YamlLimitError
    from harness.cassettes.yaml_io import load_yaml

    try:
        size = path.stat().st_size
        if size > MAX_SCAN_BYTES:
            raise HarnessUsageError(
                f"{path} is {size:,} bytes, over the scanner's limit of {MAX_SCAN_BYTES:,}: "
                "split the cassette, or scan it with a streaming tool such as gitleaks."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise HarnessUsageError(
            f"Cannot read {path}: {exc.strerror or exc}. Check the path and its permissions."
        ) from None
    text = raw.decode("utf-8", "replace")
    try:
        data = load_yaml(raw)
    except YamlLimitError as exc:  # an alias bomb: refused, as every other command does
        raise HarnessUsageError(
            f"{path} is not a cassette this scanner reads: {exc}. Restore it from version "
            "control or re-record it; a file that hostile may hide anything."
        ) from None
    except Exception:  # not YAML (or not a cassette): the text search still applies
        data = None
    known = _known_pseudonyms(data)
    cassette = isinstance(data, dict) and isinstance(data.get("interactions"), list)
    # A cassette's strings are searched one by one below (each decoded from its YAML form):
    # the file text then needs only the credential patterns.
    in_text = list(_text_evidence(str(path), text, known, detect=not cassette))
    findings = [finding for finding, _ in in_text]
    if not cassette:
        # YAML that is no cassette, or no YAML at all: what its text shows is reported, and
        # the file is bad input (exit 2), never "no secrets" about a file scan cannot read
        what = (
            "is empty"
            if not raw.strip()
            else ("is not YAML or JSON" if data is None else "holds no 'interactions' list")
        )
        raise PartlyRead(
            f"{path} {what}: it is not a cassette, so harness scan searched its text only "
            "(the findings above, if any). Restore it from version control, re-record it, "
            "or scan files that are not cassettes with a general secret scanner "
            "(detect-secrets, gitleaks).",
            _unique(findings),
        )
    if isinstance(data, dict) and cassette:
        damaged: list[str] = []  # body files that are not what their cassette says
        unopened: list[str] = []  # bodies under a coding that cannot be undone here
        in_bodies: list[tuple[Finding, str]] = []  # a body's text, read by the patterns
        in_strings: list[tuple[Finding, str]] = []  # each string of an interaction
        for index, item in enumerate(data["interactions"]):
            for where, body, unvouched in _binary_bodies(item, path, damaged, index, unopened):
                # (the redactor's verdict reads a body as the cassette holds it; one it
                # cannot read, it cannot judge: every detector reads it here instead)
                for finding, matched in _text_evidence(str(path), body, known, detect=unvouched):
                    in_bodies.append((replace(finding, where=f"#{index} {where}"), matched))
            for kind, where, value in _interaction_secrets(item, known):
                in_strings.append((_removal(path, kind, f"#{index} {where}", value), value))
        findings = _deduplicated(in_text + in_bodies, in_strings, [])
        from harness.cassettes.cassette import cut_short

        cut = cut_short(path, data)
        if cut is not None:  # searched all the same; what was cut off cannot be vouched for
            raise PartlyRead(f"{cut} harness scan searched what is left.", _unique(findings))
        if damaged:
            # read and searched all the same: a file replaced by other bytes may hold
            # anything; but the cassette cannot be vouched for (replay refuses it too)
            raise PartlyRead(
                f"{path}: {damaged[0]}"
                + (f" (and {len(damaged) - 1} more)." if len(damaged) > 1 else ".")
                + " harness scan searched what is there, but the cassette no longer holds what "
                "was recorded. Restore the _bodies folder from version control, or re-record.",
                _unique(findings),
            )
        if unopened:
            raise PartlyRead(
                f"{path}: {unopened[0]}"
                + (f" (and {len(unopened) - 1} more)" if len(unopened) > 1 else "")
                + ": harness scan cannot read inside it, so it cannot vouch the body holds no "
                "secret (it searched the bytes as they are). Install what it needs (pip "
                "install 'botocore-harness[codings]' gives brotli and zstandard) and scan "
                "again, or re-record the interaction under a coding it reads (gzip, identity).",
                _unique(findings),
            )
        broken = _malformed(data["interactions"])
        if broken is not None:
            # the text was searched, an interaction could not be: never "clean"
            raise PartlyRead(
                f"Interaction #{broken} of {path} is not a request and a response (each "
                "needs request.method, request.uri and response.status, as vcrpy writes "
                "them): harness scan searched the file's text only and cannot vouch it holds "
                "no secret the model marks (a password member, a token). Restore the file "
                "from version control or re-record it, then scan again.",
                _unique(findings),
            )
        # an interaction the model cannot place (an operation this botocore lacks): its
        # text evidence stands alone, every detector having read it above
        verdict: list[tuple[Finding, str]] = []
        with contextlib.suppress(CassetteError, HarnessUsageError):
            verdict = list(_redactor_verdict(path))
        findings = _deduplicated(in_text + in_bodies, in_strings, verdict)
    return _unique(findings)


def _deduplicated(
    matched: list[tuple[Finding, str]],
    strings: list[tuple[Finding, str]],
    verdict: list[tuple[Finding, str]],
) -> list[Finding]:
    """One finding per secret, at its most precise place: a line (or body text) a pattern
    matched is left out when a string finding's value sits in what it matched, and a
    string finding when the redactor's verdict names a value that holds it in the same
    place (interaction, side, and body, headers or URL; by JSON pointer). The finding kept
    takes the more telling kind of the two (an "access key id" rather than a "secret
    value"). Three readers of one cassette each reported the same key: one leaked
    credential pair listed eleven findings."""
    judged = [_Held(finding, value) for finding, value in verdict]
    by_place: dict[tuple[str, str, str], list[_Held]] = {}
    for held in judged:
        by_place.setdefault(_place(held.finding), []).append(held)
    named: list[_Held] = []
    for finding, value in strings:
        places = by_place.get(_place(finding), [])
        covering = [held for held in places if value in held.value]
        if not covering:
            named.append(_Held(finding, value))
        for held in covering:
            held.finding = _telling(held.finding, finding.kind)
    seen: list[Finding] = []
    # values by their first characters: a line's match is looked up at each of its places,
    # not against every value (a leaky cassette of thousands of findings stays linear)
    by_head: dict[str, list[_Held]] = {}
    for held in named + judged:
        if len(held.value) >= _MIN_COVERED:
            by_head.setdefault(held.value[:_MIN_COVERED], []).append(held)
    for finding, text in matched:
        inside = {
            id(held): held
            for at in range(len(text) - _MIN_COVERED + 1)
            for held in by_head.get(text[at : at + _MIN_COVERED], ())
            if text.startswith(held.value, at)
        }
        if not inside:
            seen.append(finding)
        for held in inside.values():
            held.finding = _telling(held.finding, finding.kind)
    return seen + [held.finding for held in named + judged]


@dataclass
class _Held:
    """A finding kept so far and the value it names (``_deduplicated``)."""

    finding: Finding
    value: str


#: Kinds that say less than another reader's name for the same value, least telling first.
_VAGUE = ("secret value", "token")


def _telling(kept: Finding, other_kind: str) -> Finding:
    """``kept`` with ``other_kind`` when that one says more than its own kind."""
    if kept.kind not in _VAGUE or other_kind == kept.kind:
        return kept
    if other_kind not in _VAGUE or _VAGUE.index(other_kind) > _VAGUE.index(kept.kind):
        return replace(kept, kind=other_kind)
    return kept


#: A value this short is not taken to be what a pattern matched (it could be anything).
_MIN_COVERED = 8


def _place(finding: Finding) -> tuple[str, str, str]:
    """(interaction, side, part) of a finding: ``#3``, ``request``, ``body`` of ``#3 request
    body`` and of ``#3 s3:PutObject request body /Tags``; a line is ``("", "", "")``. Two
    findings of one value are one only in one place (a key in a URL and in a body: two)."""
    where = finding.where
    if not where.startswith("#"):
        return "", "", ""
    side = "request" if " request" in where else "response" if " response" in where else ""
    if " body" in where:
        part = "body"
    elif " headers" in where or finding.kind.startswith("credential header"):
        part = "headers"
    else:
        part = "uri" if " uri" in where else ""
    return where.split(" ", 1)[0], side, part


def _malformed(items: list[Any]) -> int | None:
    """The number of the first interaction that is not a request and a response, or None."""
    for index, item in enumerate(items):
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if not (
            isinstance(request, dict)
            and isinstance(response, dict)
            and isinstance(request.get("method"), str)
            and isinstance(request.get("uri"), str)
            and isinstance(response.get("status"), dict | int)
        ):
            return index
    return None


class PartlyRead(HarnessUsageError):
    """A cassette whose text was scanned but whose interactions could not all be read, so
    the redactor's verdict is missing: bad input (exit 2), with what the text did show."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def _known_pseudonyms(data: Any) -> set[str]:
    if not isinstance(data, dict):
        return set()
    info = (
        (data.get("metadata") or {}).get("harness")
        if isinstance(data.get("metadata"), dict)
        else None
    )
    if not isinstance(info, dict):
        return set()
    return {str(p) for p in info.get("pseudonyms") or []}


def _interaction_secrets(item: Any, known: set[str]) -> Iterator[tuple[str, str, str]]:
    """(kind, where, value) of each secret in an interaction's strings and credential
    headers (the value only to fingerprint it)."""
    yield from _walk(item, "", known, 0)


def _walk(value: Any, where: str, known: set[str], depth: int) -> Iterator[tuple[str, str, str]]:
    if depth > 40:
        return
    if isinstance(value, dict):
        for key, member in value.items():
            inner = f"{where} {key}".strip()
            if where.endswith("headers") and isinstance(key, str):
                yield from _header(key, member, inner)
            if key == "body" and "headers" in value:
                if isinstance(member, dict) and isinstance(member.get("events"), list):
                    # an event stream as a cassette keeps it: judged whole (``_whole_stream``)
                    yield from _walk(_whole_stream(member["events"]), inner, known, depth + 1)
                    continue
                raw = member.get("string") if isinstance(member, dict) else member
                if isinstance(raw, bytes):
                    data = opened_body(raw, value["headers"])
                    strings: Any = cbor_strings(data, value["headers"])
                    if strings is None:
                        strings = _stream_of(data, value["headers"])
                    if strings is None and data is not raw:
                        strings = data  # (opened by its Content-Encoding: br has no look)
                    if strings is not None:  # (see _binary_bodies)
                        yield from _walk(strings, inner, known, depth + 1)
                        continue
            yield from _walk(member, inner, known, depth + 1)
    elif isinstance(value, list):
        for member in value:
            yield from _walk(member, where, known, depth + 1)
    elif isinstance(value, bytes | str):
        text = value if isinstance(value, str) else opened_body(value).decode("utf-8", "replace")
        for piece in _as_read(text):
            own = list(_secrets(piece, known))
            for kind, start, end in own:
                yield kind, where, piece[start:end]
            yield from _second_opinion(piece, own, where, known)


def _second_opinion(
    piece: str, own: list[tuple[str, int, int]], where: str, known: set[str]
) -> Iterator[tuple[str, str, str]]:
    """What detect-secrets finds in ``piece`` that the harness's detectors did not
    (``harness.secrets.second_opinion``; nothing when it is not installed)."""
    for kind, value in second_opinion.find(piece):
        at = piece.find(value)
        if value in known or any(start <= at < end for _, start, end in own):
            continue
        yield kind, where, value


#: A URL-encoded form body (a query-protocol request): name=value pairs joined by "&"
_FORM_BODY = re.compile(r"[\w.%~*-]+=[^&\s]*(?:&[\w.%~*-]+=[^&\s]*)+")


def _as_read(text: str) -> list[str]:
    """The texts the redactor reads ``text`` as: a form body pair by pair, decoded (as
    ``Redactor._form`` does: read encoded, a value's end is not seen); a JSON document as
    written and each string of it that escapes hide (a line break in an SMTP dialogue, a
    Kubernetes manifest), as the redactor walks it; else ``text``."""
    if "&" in text and _FORM_BODY.fullmatch(text) is not None:
        return [f"{key}={value}" for key, value in parse_qsl(text, keep_blank_values=True)]
    if text.lstrip()[:1] in ("{", "[") and "\\" in text:
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError):
            return [text]
        return [text, *(s for s in _strings(loaded, 0) if _ESCAPED.search(s))]
    return [text]


_ESCAPED = re.compile(r'[\r\n\t"\\]')


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > 40:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for member in value.values():
            yield from _strings(member, depth + 1)
    elif isinstance(value, list):
        for member in value:
            yield from _strings(member, depth + 1)


def _header(name: str, value: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """A header named like a credential (``X-Api-Key``, ``PRIVATE-TOKEN``) that has a value
    other than a placeholder."""
    if name_kind(name) is None:
        return
    values = value if isinstance(value, list) else [value]
    for item in values:
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        if text.strip() and _PLACEHOLDER.sub("", text).replace("REDACTED", "").strip():
            yield f"credential header {name}", where, text
            return


def _binary_bodies(
    item: Any, path: Path, damaged: list[str], index: int, unopened: list[str]
) -> Iterator[tuple[str, str, bool]]:
    # vcrpy keeps bytes bodies as !!binary, often gzip: the text search cannot see inside.
    # A large payload kept in a body file beside the cassette is read from there.
    from harness.cassettes import body_files

    if not isinstance(item, dict):
        return
    for side in ("request", "response"):
        part = item.get(side)
        if not isinstance(part, dict):
            continue
        body = part.get("body")
        if body_files.is_marker(body):
            try:
                data, unvouched = body_files.read(path, body), False
            except ValueError as exc:
                # not the bytes recorded (or missing): what is there is scanned all the same,
                # since a file replaced by other bytes may hold anything
                damaged.append(f"interaction #{index}'s {side} body: {exc}")
                data, unvouched = body_files.whatever_is_there(path, body), True
            text = data[:MAX_SCAN_BYTES].decode("utf-8", "replace")
            yield f"{side} body file", text, unvouched
            continue
        if isinstance(body, dict):
            body = body.get("string")
        if isinstance(body, bytes):
            why = _unopenable(body, part.get("headers"))
            if why is not None:
                unopened.append(f"interaction #{index}'s {side} body is under {why}")
            data = opened_body(body, part.get("headers"))
            strings = cbor_strings(data, part.get("headers"))
            if strings is not None:
                # a CBOR body (smithy-rpc-v2-cbor) has no delimiters between its strings:
                # read as text, a placeholder ran on into the next key; its strings are
                # searched one per line, as the redactor walked them
                yield f"{side} body", "\n".join(strings), False
                continue
            yield f"{side} body", data.decode("utf-8", "replace"), False


def cbor_strings(data: bytes, headers: Any) -> list[str] | None:
    """Every string (keys too) of a CBOR body, when the headers say CBOR and it decodes."""
    kind = ""
    if isinstance(headers, dict):
        for key, value in headers.items():
            if str(key).lower() == "content-type":
                kind = str(value[0] if isinstance(value, list) and value else value)
    if "cbor" not in kind.lower():
        return None
    from harness.aws.protocols.cbor import loads

    try:
        decoded = loads(data)
    except Exception:  # (not CBOR after all: searched as text)
        return None
    found: list[str] = []
    for value in _strings_and_keys(decoded, 0):
        found.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    return found


def _strings_and_keys(value: Any, depth: int) -> Iterator[Any]:
    if depth > 40:
        return
    if isinstance(value, str | bytes):
        yield value
    elif isinstance(value, dict):
        for key, member in value.items():
            yield from _strings_and_keys(key, depth + 1)
            yield from _strings_and_keys(member, depth + 1)
    elif isinstance(value, list):
        for member in value:
            yield from _strings_and_keys(member, depth + 1)


def stored_header(headers: Any, name: str) -> str:
    """A header's value in a stored interaction (vcrpy keeps each as a list), or ``""``."""
    if not isinstance(headers, dict):
        return ""
    for key, value in headers.items():
        if str(key).lower() == name:
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(v) for v in values)
    return ""


def opened_body(body: bytes, headers: Any = None) -> bytes:
    """``body`` with the content codings its ``Content-Encoding`` names undone (every one
    the recorder reads: ``content_codings.CODINGS``), the last first; a body whose coding
    cannot be undone, or that names none, is opened by its look (gzip, zlib, zstd: vcrpy
    kept the bytes received, the header aside) or kept as it is."""
    from harness.aws import content_codings as codings

    names = codings.codings_of(stored_header(headers, "content-encoding"))
    if names:
        try:
            return codings.decode(body, names, MAX_SCAN_BYTES)
        except (codings.Unavailable, codings.NotThatCoding, codings.ExpandsBeyond):
            pass
    for name, magic in (("gzip", b"\x1f\x8b"), ("deflate", b""), ("zstd", b"\x28\xb5\x2f\xfd")):
        if magic and not body.startswith(magic):
            continue
        if name == "deflate" and (len(body) < 2 or (body[0] << 8 | body[1]) % 31):
            continue  # (no zlib header: raw deflate is not guessed from a look)
        try:
            return codings.decode(body, [name], MAX_SCAN_BYTES)
        except (codings.Unavailable, codings.NotThatCoding, codings.ExpandsBeyond):
            continue
    return body


def _unopenable(body: bytes, headers: Any) -> str | None:
    """What keeps a stored body's content from being read (``Content-Encoding br, which
    needs the brotli package``), when a coding it names cannot be undone here; None when
    it can, or when it is text as it is (a label the body does not have)."""
    from harness.aws import content_codings as codings
    from harness.aws.bodies import as_text

    names = codings.codings_of(stored_header(headers, "content-encoding"))
    if not names or as_text(body) is not None:
        return None
    try:
        codings.decode(body, names, MAX_SCAN_BYTES)
    except codings.Unavailable as exc:
        if exc.package is None:
            return f"Content-Encoding {exc.coding}, a coding harness scan does not know"
        return f"Content-Encoding {exc.coding}, which needs the {exc.package} package"
    except (codings.NotThatCoding, codings.ExpandsBeyond):
        pass  # (not what it says: searched as it is, as the recorder judged it)
    return None


def _whole_stream(events: Any) -> Any:
    """A stored event stream's messages with the payloads of each run the redactor judges
    whole (``containers.runs``: one event type's pieces of a byte stream, S3 Select's
    ``Records``) joined into its first message, so a secret the server cut in two is one
    string again; the stored messages as they are when they do not read as a stream."""
    from harness.aws import eventstream
    from harness.secrets.containers import runs

    try:
        messages = eventstream.from_data(events)
    except eventstream.EventStreamError:
        return events
    merged = list(messages)
    for run in runs(messages):
        joined = b"".join(messages[i].payload for i in run)
        merged[run[0]] = eventstream.Message(messages[run[0]].headers, joined)
        for i in run[1:]:
            merged[i] = eventstream.Message(messages[i].headers, b"")
    return eventstream.to_data(merged)


def _stream_of(data: bytes, headers: Any) -> Any:
    """The messages of an event-stream body kept as its bytes (other HTTP), as
    ``_whole_stream`` joins them; None for any other body."""
    from harness.aws import eventstream

    if not eventstream.is_event_stream(stored_header(headers, "content-type")):
        return None
    try:
        return _whole_stream(eventstream.to_data(eventstream.decode_stream(data)))
    except eventstream.EventStreamError:
        return None


def _redactor_verdict(path: Path) -> Iterator[tuple[Finding, str]]:
    """What today's redaction would still remove from each interaction (by JSON pointer),
    each with the value removed (a JSON string's text)."""
    from harness.aws.bodies import UnreadableCoding
    from harness.aws.models import operation_model
    from harness.cassettes.cassette import read_cassette
    from harness.cassettes.interactions import http_of, request_line
    from harness.secrets import Redaction, Redactor, sensitive_numbers

    cassette = read_cassette(path)
    # Identifiers are not secrets: only what would be scrubbed or dropped counts here (a
    # cassette that stores the numbers of secret documents as 0 is read so).
    redactor = Redactor(
        redaction=Redaction(pseudonyms=False, key=b"scan" * 8),
        numbers=sensitive_numbers(cassette.metadata),
    )
    checked = [
        (e.index, e.label, e.service, e.operation, e.request, e.response)
        for e in cassette.exchanges
    ]
    for position, item in zip(cassette.other_positions, cassette.other, strict=True):
        request, response = http_of(path, position, item)  # other HTTP: no model, text rules
        line = request_line(request)  # no query: it may hold the very secret found
        checked.append((position, line, "", "", request, response))
    for index, name, service, operation, request, response in checked:
        label = f"#{index} {name}"
        try:
            model = operation_model(service, operation) if service else None
        except Exception:
            model = None
        try:
            clean_request = redactor.request(request, model)
            clean_response = redactor.response(response, model)
        except UnreadableCoding:  # (a coding it cannot open: reported by _binary_bodies)
            continue
        for side, before, after in (
            ("request", request, clean_request),
            ("response", response, clean_response),
        ):
            for header in sorted(set(before.headers) - set(after.headers)):
                kind, value = f"credential header {header}", str(before.headers[header])
                yield _removal(path, kind, f"{label} {side}", value), value
        for side, old, new in (
            ("request", request, clean_request),
            ("response", response, clean_response),
        ):
            # inside its codings: redacted in a gzip or br body, it changed within them
            body, clean = opened_body(old.body, old.headers), opened_body(new.body, new.headers)
            for pointer, value in _changed(body, clean):
                where = f"{label} {side} body {pointer}"
                yield _removal(path, "secret value", where, value), _as_text(value)


def _as_text(value: str) -> str:
    """A JSON string's text (``"abc"`` -> ``abc``); any other JSON as it is written."""
    try:
        loaded = json.loads(value)
    except ValueError:
        return value
    return loaded if isinstance(loaded, str) else value


def _changed(before: bytes, after: bytes) -> list[tuple[str, str]]:
    """(pointer, the value before as JSON text) of each place redaction changed."""
    if before == after:
        return []
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError:
        old_text = before.decode("utf-8", "replace")
        new_text = after.decode("utf-8", "replace")
        # Text bodies: the redactor only ever inserts REDACTED; count what it would add.
        added = len(_REDACTED.findall(new_text)) - len(_REDACTED.findall(old_text))
        return [("(text)", old_text)] if added > 0 else []
    return list(_pointers(old, new, ""))


def _pointers(old: Any, new: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key in new:
                yield from _pointers(old[key], new[key], f"{path}/{key}")
    elif isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            yield from _pointers(a, b, f"{path}/{i}")
    elif old != new:
        yield path or "/", json.dumps(old, sort_keys=True, ensure_ascii=False)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset)


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per kind and place, in order, fingerprinting every value found there."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.kind, finding.where), []).append(finding)
    return [
        replace(group[0], fingerprint=_combined(f.fingerprint for f in group))
        for group in groups.values()
    ]


def discover(paths: Iterable[Path]) -> list[Path]:
    """Cassette-like files under ``paths`` (``*.yaml``, ``*.yml``, ``*.json``), sorted."""
    from harness.cassettes.files import absent_because
    from harness.cassettes.index import COMPANION_SUFFIX
    from harness.errors import HarnessUsageError

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix in _SUFFIXES
                # (a cassette's index holds only what its cassette holds, scanned there)
                and not p.name.endswith(COMPANION_SUFFIX)
                and p.name != ACKS_FILE
            ]
            if not inside:
                raise HarnessUsageError(
                    f"No cassettes (*.yaml, *.yml, *.json) under {path}: nothing to scan. "
                    "Point 'harness scan' at the folder that holds them (default: cassettes/)."
                )
            found.extend(inside)
        elif path.is_file():
            if path.name.endswith(COMPANION_SUFFIX):
                continue  # (as in a folder; the pre-commit hook passes it beside its cassette)
            if path.suffix not in _SUFFIXES:
                raise HarnessUsageError(
                    f"{path} is not a cassette: harness scan reads cassettes (*.yaml, *.yml, "
                    "*.json), and would say nothing true of another file. Scan other files "
                    "with a general secret scanner (detect-secrets, gitleaks)."
                )
            found.append(path)
        else:
            raise HarnessUsageError(
                f"{path} {absent_because(path)}. Pass cassette files or folders "
                "(default: cassettes/)."
            )
    return found


_SUFFIXES = (".yaml", ".yml", ".json")
