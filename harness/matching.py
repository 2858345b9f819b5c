"""Match live botocore requests to recorded ones by what they mean, in constant time.

Two requests match when they call the same service and operation with the same parameters,
read through botocore's model (``wire.decode_request``). Everything else is ignored:
signatures, dates, invocation ids, user agents, the order of JSON keys, the host (an
``AWS_ENDPOINT_URL`` or region change between record and replay must not break replay) and
which ``X-Amz-Target`` form a json-protocol request used (the target only selects the
operation). The client region takes part only when region matching is on.

Values botocore generates itself take no part: members with the ``idempotencyToken`` trait
(a fresh UUID per call unless the code passes one) are left out of the match key, so a
``CreateSecret`` recorded yesterday replays today; miss reports still show them.

The ``MatchIndex`` maps a canonical key to the recorded exchanges with that key, in recorded
order: a lookup is one dict access whatever the cassette size, and identical requests (a
throttled call and its retry, a polled resource) replay in the order they were recorded.
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.exchange import Exchange, HttpRequest
from harness.models import operation_model, service_model
from harness.protocols import CODECS, protocol_of
from harness.wire import WireError, decode_request

Key = tuple[str, ...]

_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com")


def supports(service: str) -> bool:
    """True when requests of ``service`` can be matched by parameters (a codec reads them)."""
    return protocol_of(service_model(service)) in CODECS


def request_params(service: str, operation: str, request: HttpRequest) -> dict[str, Any]:
    """The request's parameters in wire form; an unreadable body becomes ``{"$body": text}``."""
    try:
        return decode_request(service, operation, request)
    except WireError:
        return {"$body": request.body.decode("utf-8", "replace")}


def canonical(params: dict[str, Any]) -> str:
    """A text that is equal for equal parameters, whatever the order of their keys."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def match_key(
    service: str, operation: str, params: dict[str, Any], region: str | None = None
) -> Key:
    """The index key of a request: service, operation, canonical parameters (and region).

    Members botocore generates (``idempotencyToken``) are left out.
    """
    text = canonical(without_generated(service, operation, params))
    if region is None:
        return (service, operation, text)
    return (service, operation, text, region)


def without_generated(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the members whose value botocore generates (idempotency tokens)."""
    names = _generated_members(service, operation)
    if not names or not any(name in params for name in names):
        return params
    return {k: v for k, v in params.items() if k not in names}


@functools.cache
def _generated_members(service: str, operation: str) -> frozenset[str]:
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return frozenset()
    found: set[str] = set()
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken"):
            found.update({name, str(member.serialization.get("name") or name)})
    return frozenset(found)


def region_of(url: str) -> str | None:
    """The region in an AWS endpoint host name (``xray.eu-west-1.amazonaws.com``), if any."""
    found = _REGION_IN_HOST.search(url)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Near:
    """A recorded request close to an unmatched one, with how its parameters differ."""

    index: int
    exchange: Exchange
    differences: list[str]
    used: bool  # already replayed by this test


@dataclass
class MatchIndex:
    """Recorded exchanges by match key; ``take`` hands each out once, in recorded order."""

    match_region: bool = False
    _queues: dict[Key, deque[tuple[int, Exchange]]] = field(default_factory=dict)
    _all: list[tuple[int, Exchange, str | None]] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)

    def add(self, index: int, exchange: Exchange, region: str | None = None) -> None:
        """Index the exchange stored at ``index`` (recorded in ``region``, when known)."""
        key = match_key(
            exchange.service,
            exchange.operation,
            exchange.params,
            (region or "") if self.match_region else None,
        )
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
        queue.append((index, exchange))
        self._all.append((index, exchange, region))

    def extend(self, exchanges: Iterable[tuple[int, Exchange, str | None]]) -> None:
        """Index many ``(index, exchange, region)`` triples."""
        for index, exchange, region in exchanges:
            self.add(index, exchange, region)

    def __len__(self) -> int:
        return len(self._all)

    def take(
        self, service: str, operation: str, params: dict[str, Any], region: str | None = None
    ) -> tuple[int, Exchange] | None:
        """The next unused recorded exchange matching the request, or ``None``."""
        if self.match_region:
            queue = self._queues.get(match_key(service, operation, params, region or ""))
            if not queue:  # recorded without a known region: matches any region
                queue = self._queues.get(match_key(service, operation, params, ""))
        else:
            queue = self._queues.get(match_key(service, operation, params))
        if not queue:
            return None
        found = queue.popleft()
        self._used.add(found[0])
        return found

    def closest(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None = None,
        limit: int = 3,
    ) -> list[Near]:
        """The recorded requests most like an unmatched one (same operation first).

        Only called on a miss, so a scan is fine here.
        """
        ranked: list[tuple[tuple[int, int, int], Near]] = []
        for index, exchange, recorded_region in self._all:
            same_op = (exchange.service, exchange.operation) == (service, operation)
            differences = param_differences(exchange.params, params) if same_op else []
            if self.match_region and same_op and recorded_region and recorded_region != region:
                differences.append(f"region: recorded {recorded_region!r}, sent {region!r}")
            near = Near(index, exchange, differences, index in self._used)
            ranked.append(((0 if same_op else 1, len(differences), index), near))
        ranked.sort(key=lambda pair: pair[0])
        return [near for _, near in ranked[:limit]]


def param_differences(recorded: Any, sent: Any, path: str = "") -> list[str]:
    """Readable differences between recorded and sent parameters, by JSON pointer."""
    if isinstance(recorded, dict) and isinstance(sent, dict):
        out: list[str] = []
        for name in sorted(set(recorded) | set(sent)):
            where = f"{path}/{name}"
            if name not in sent:
                out.append(f"{where}: recorded {_short(recorded[name])}, not sent")
            elif name not in recorded:
                out.append(f"{where}: not recorded, sent {_short(sent[name])}")
            else:
                out.extend(param_differences(recorded[name], sent[name], where))
        return out
    if isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        out = []
        for i, (a, b) in enumerate(zip(recorded, sent, strict=True)):
            out.extend(param_differences(a, b, f"{path}/{i}"))
        return out
    if recorded == sent and type(recorded) is type(sent):
        return []
    return [f"{path or '/'}: recorded {_short(recorded)}, sent {_short(sent)}"]


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
