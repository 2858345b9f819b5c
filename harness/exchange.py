"""One HTTP exchange with an AWS API, the unit that cassettes, checks and backends share.

The recorder and replayer produce ``Exchange`` objects, the synthetic backend produces them,
and the contract checker consumes them. ``wire.decode_request``/``decode_response`` turn the
HTTP parts into wire-form member dicts (the shape our JSON Schemas describe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Source = Literal["recorded", "replayed", "synthetic", "cassette"]


@dataclass(frozen=True)
class BodyDigest:
    """A request body kept only as its SHA-256 (hex) and size: a large upload, which replay
    matches by exactly these (``harness.aws.bodies.digest_only``)."""

    sha256: str
    size: int

    def as_param(self) -> dict[str, Any]:
        """The body as request parameters hold a large blob (``protocols.to_data``)."""
        return {"$sha256": self.sha256, "$size": self.size}


@dataclass(frozen=True, kw_only=True)
class HttpRequest:
    """An HTTP request as sent (headers with their original case; body as bytes).

    ``body_digest`` is set when the body is not held (``body`` is then empty): what it was.
    """

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    body_digest: BodyDigest | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        return _lookup(self.headers, name, default)


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP response as received (body decoded from gzip/chunked transfer)."""

    status: int
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        return _lookup(self.headers, name, default)

    @property
    def transport_failure(self) -> str | None:
        """The botocore exception a call raised instead of getting a response (the name of
        an ``HTTPClientError`` such as ``EndpointConnectionError``), or None: stored as a
        response of status 0, which no server sends (``harness.replay.transport_failures``)."""
        if self.status != 0:
            return None
        return _lookup(self.headers, TRANSPORT_FAILURE_HEADER, None)


#: The header of a status-0 response that stands for a call that got no response.
TRANSPORT_FAILURE_HEADER = "x-botocore-harness-transport-failure"


@dataclass(slots=True)
class Exchange:
    """A request/response pair of one AWS operation, with where it came from.

    ``params`` holds the request members in wire form (see ``harness.aws.protocols.wire_form``);
    ``cassette`` and
    ``index`` say where the exchange is stored, when it is (``index`` counts from 0).
    """

    service: str
    operation: str
    request: HttpRequest
    response: HttpResponse
    source: Source
    params: dict[str, Any] = field(default_factory=dict)
    cassette: str | None = None
    index: int | None = None

    @property
    def label(self) -> str:
        """``service:Operation``, as every message names an operation."""
        return f"{self.service}:{self.operation}"

    @property
    def location(self) -> str:
        """Where the exchange lives, for messages: ``path/to.yaml #3`` or the source."""
        if self.cassette is None:
            return f"({self.source})"
        return f"{self.cassette} #{self.index}" if self.index is not None else self.cassette


def _lookup(headers: dict[str, str], name: str, default: str | None) -> str | None:
    if name in headers:
        return headers[name]
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return default
