"""``harness scan --fix``: migrate old cassettes in place, redacted as the recorder would now.

Each interaction is redacted again with today's redaction, the same ``Redactor`` and the same
per-exchange pass as the recorder uses when it loads an older cassette
(``harness.replay.recorder.redact_exchange``), then the last sweep (a value redacted anywhere in
the file replaced wherever else it sits). Placeholders already in the file are kept, new ones
are numbered after the file's, so replay binds them like any recorded placeholder. Other
HTTP interactions are redacted by name and value, without a model, and rewritten only when
something changed. A file where nothing changes is left byte for byte; a changed one is
written atomically with the current redaction version in its metadata.

What changed is reported by kind and place (interaction, side, header name or JSON pointer),
never by value.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.aws.protocols.wire_form import request_params
from harness.cassettes.cassette import Cassette, interaction_tag, read_cassette
from harness.cassettes.interactions import http_of
from harness.cassettes.versions import dropped_values
from harness.cassettes.writing import other_interaction, write_cassette
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.secrets import REDACTION_VERSION, Redaction, Redactor, sensitive_numbers
from harness.secrets.containers import rewrite_body
from harness.secrets.placeholders import ACCOUNT_PREFIX, placeholder_numbers
from harness.secrets.placeholders import PATTERN as _PLACEHOLDER

#: What a placeholder's code says it stands for, in a report.
_KINDS = {
    "scrt": "secret",
    "tokn": "token",
    "pswd": "password",
    "sign": "signature",
    "pkey": "key",
    "numb": "number",
}
_ACCOUNT = re.compile(rf"(?<!\d){ACCOUNT_PREFIX}\d{{4}}(?!\d)")


@dataclass(frozen=True)
class Change:
    """One place redaction changed in a cassette: where, and what kind of value (never it)."""

    path: str
    where: str
    kind: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.kind}"

    def as_dict(self) -> dict[str, str]:
        """The change as JSON data (``harness scan --fix --format json``)."""
        return {"path": self.path, "where": self.where, "kind": self.kind}


def readable(path: Path) -> Cassette:
    """``path`` read as a cassette; ``HarnessUsageError`` (one paragraph) when it is not one."""
    from harness.cassettes.interactions import CassetteError
    from harness.errors import HarnessUsageError

    try:
        return read_cassette(path)
    except CassetteError as exc:
        raise HarnessUsageError(
            f"Cannot fix {path}: {exc} Only cassettes (ours, vcrpy's, pytest-recording's) can "
            "be migrated: re-record this one, or leave it out of the paths given; no file was "
            "changed."
        ) from None


def fix_file(path: Path) -> list[Change]:
    """Redact ``path`` again in place; what changed (empty: the file was left as it was).

    An unreadable file or one that is not a cassette raises ``HarnessUsageError``.
    """
    from harness.secrets.exchanges import redact_exchange

    cassette = readable(path)
    info = cassette.metadata.get("harness")
    info = info if isinstance(info, dict) else {}
    identifiers = bool(info.get("identifiers", True))
    redactor = Redactor(
        redaction=Redaction(pseudonyms=identifiers),
        numbers=sensitive_numbers(cassette.metadata),
        dropped_values=dropped_values(cassette.metadata),
    )
    redactor.vault.seed_numbers(placeholder_numbers(info.get("placeholders")))
    redactor.vault.seed(path.read_text("utf-8", "replace"))  # above any placeholder in it

    label = str(path)
    changes: list[Change] = []
    exchanges = [redact_exchange(e, redactor) for e in cassette.exchanges]
    other: list[dict[str, Any]] = []
    other_http: list[tuple[int, HttpRequest, HttpResponse, HttpRequest, HttpResponse]] = []
    for position, item in zip(cassette.other_positions, cassette.other, strict=True):
        request, response = http_of(path, position, item)
        other_http.append(
            (position, request, response, redactor.request(request), redactor.response(response))
        )
    # the sweep knows every value only once every interaction was redacted
    exchanges = [_swept(redactor, e) for e in exchanges]
    for before, after, position in zip(
        cassette.exchanges, exchanges, cassette.positions, strict=True
    ):
        where = f"#{position} {before.label}"
        changes += _compare(label, where, before.request, after.request, "request")
        changes += _compare(label, where, before.response, after.response, "response")
    for (position, request, response, clean_request, clean_response), item in zip(
        other_http, cassette.other, strict=True
    ):
        clean_request = _swept_message(redactor, clean_request)
        clean_response = _swept_message(redactor, clean_response)
        where = f"#{position} {request.method} (other HTTP)"
        found = _compare(label, where, request, clean_request, "request")
        found += _compare(label, where, response, clean_response, "response")
        other.append(other_interaction(clean_request, clean_response) if found else item)
        changes += found
    if not changes:
        return []  # clean: left byte for byte (loading still redacts an old one in memory)
    numbers = placeholder_numbers(info.get("placeholders"))
    for family, number in redactor.vault.numbers().items():
        numbers[family] = max(numbers.get(family, 1), number)
    metadata = {
        **cassette.metadata,
        "harness": {
            **info,
            "redaction": REDACTION_VERSION,
            "identifiers": identifiers,
            "placeholders": numbers,
            **({"numbers": True} if redactor.numbers else {}),
            **({"dropped": True} if redactor.dropped_values else {}),
        },
    }
    tags = [
        interaction_tag(t.get("region"), t.get("recorded_at"), t.get("answered_at"), t.get("phase"))
        for t in cassette.tags
    ]
    write_cassette(path, exchanges, metadata, tags, other)
    return changes


def _swept(redactor: Redactor, exchange: Exchange) -> Exchange:
    request = _swept_message(redactor, exchange.request)
    response = _swept_message(redactor, exchange.response)
    if request == exchange.request and response == exchange.response:
        return exchange
    return Exchange(
        exchange.service,
        exchange.operation,
        request,
        response,
        exchange.source,
        request_params(exchange.service, exchange.operation, request),
        exchange.cassette,
        exchange.index,
    )


def _swept_message(redactor: Redactor, message: Any) -> Any:
    def text(value: str) -> str:
        return redactor.sweep(value.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")

    headers = {k: text(v) for k, v in message.headers.items()}
    body = rewrite_body(message.body, message.header("Content-Type") or "", redactor.sweep)
    if isinstance(message, HttpRequest):
        return HttpRequest(method=message.method, url=text(message.url), headers=headers, body=body)
    return HttpResponse(message.status, headers, body)


def _compare(path: str, where: str, before: Any, after: Any, side: str) -> list[Change]:
    """The places ``after`` differs from ``before`` (a request or a response)."""
    out = []
    lowered = {k.lower() for k in after.headers}
    for name in sorted(before.headers):
        if name.lower() not in lowered:
            out.append(Change(path, f"{where} {side} header {name}", "dropped"))
        elif name in after.headers and before.headers[name] != after.headers[name]:
            kind = _kinds_added(before.headers[name], after.headers[name])
            out.append(Change(path, f"{where} {side} header {name}", kind))
    if isinstance(before, HttpRequest) and before.url != after.url:
        out.append(Change(path, f"{where} {side} URL", _kinds_added(before.url, after.url)))
    if before.body != after.body:
        out += [
            Change(path, f"{where} {side} body {pointer}", kind)
            for pointer, kind in _body_changes(before.body, after.body)
        ]
    return out


def _body_changes(before: bytes, after: bytes) -> list[tuple[str, str]]:
    try:
        old, new = json.loads(before), json.loads(after)
    except (ValueError, RecursionError):
        return [("(text)", _kinds_added(before, after))]
    found: list[tuple[str, str]] = []
    _pointers(old, new, "", found)
    return found  # equal data: a body only written another way is no change


def _pointers(old: Any, new: Any, path: str, found: list[tuple[str, str]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key in new:
                _pointers(old[key], new[key], f"{path}/{key}", found)
    elif isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            _pointers(a, b, f"{path}/{i}", found)
    elif old != new:
        found.append((path or "/", _kinds_added(json.dumps(old), json.dumps(new))))


def _kinds_added(before: str | bytes, after: str | bytes) -> str:
    """What the placeholders added between two texts stand for: ``password``, ``2 account
    id``..."""
    old = _count(before)
    added = _count(after) - old
    if not added:
        return "replaced"
    return ", ".join(f"{n} {kind}" if n > 1 else kind for kind, n in sorted(added.items()))


def _count(text: str | bytes) -> Counter[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    found: Counter[str] = Counter()
    for match in _PLACEHOLDER.finditer(text):
        token = match.group(0)
        found["access key id" if token[:4] in ("AKIA", "ASIA") else _KINDS[token[8:12]]] += 1
    found["account id"] += len(_ACCOUNT.findall(text))
    return +found
