"""In replay, a client nothing points anywhere is pointed where its recording went.

The moto recipe (``docs/how-to/moto.md``) points every client at a loopback server through
``AWS_ENDPOINT_URL`` while recording and sets nothing in replay. botocore then builds other
requests than it built live: over ``http://127.0.0.1:PORT`` an S3 upload carries its
checksum in a header and names the bucket in the path, a presigned URL names the loopback
host, a global service (Route 53, IAM) signs with the client's region; with no endpoint it
builds ``https`` requests to AWS's hosts, ``aws-chunked`` with a trailing checksum, a scope
of ``us-east-1``. Code that looks at its requests (a ``before-sign`` hook, a presigned URL
posted with ``requests``, ``client.meta.region_name``) saw the difference.

So, in replay, botocore's configured-endpoint lookup (``AWS_ENDPOINT_URL``, its per-service
variables, the config file's ``services``) answers, when it finds nothing, with the loopback
origin the cassette's first request of that service went to: the same form as live (live,
the port is a new one every run anyway). Nothing is sent there: replay answers every
request, and the network guard blocks loopback. An endpoint the code passes, one the
environment configures, and ``ignore_configured_endpoint_urls`` win as they do live; a
service recorded against AWS's own hosts is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from harness.exchange import Exchange

if TYPE_CHECKING:
    from harness.replay.cassette_source import CassetteSource

#: hosts a local stand-in listens on (moto server, LocalStack, ``harness serve``)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def recorded_origins(exchanges: Iterable[Exchange]) -> dict[str, str]:
    """Service -> the loopback origin (``http://127.0.0.1:PORT``) its first recorded request
    went to; a service whose first request went elsewhere is not named."""
    first: dict[str, str] = {}
    for exchange in exchanges:
        if exchange.service not in first:
            first[exchange.service] = loopback_origin(exchange)
    return {service: origin for service, origin in first.items() if origin}


def loopback_origin(exchange: Exchange) -> str:
    """The loopback origin ``exchange``'s request went to, or "" (elsewhere, or no URL)."""
    try:
        url = urlsplit(exchange.request.url)
        host = url.hostname
    except ValueError:  # (a malformed URL: not an origin)
        return ""
    loopback = host in LOOPBACK_HOSTS and url.scheme in ("http", "https")
    return f"{url.scheme}://{url.netloc}" if loopback else ""


def origins_of(source: CassetteSource) -> Origins:
    """``recorded_origins`` of what a cassette holds, from the position of each service's
    first exchange its source keeps as it reads them (``first_of_service``): one request
    read per service, not a walk over every exchange at each test's set-up. A cassette
    read lazily (a large plain vcrpy one) is read on only when a client of a service it
    has not reached yet asks (``ReadOn``)."""
    if source.interactions_left():
        return ReadOn(source)
    stored = source.stored
    origins = {s: loopback_origin(stored[p]) for s, p in source.first_of_service.items()}
    return {service: origin for service, origin in origins.items() if origin}


class ReadOn:
    """The recorded origins of a cassette read lazily: a service's first request is looked
    for when a client of that service is made, reading on (under the recorder's lock) only
    until it is found, or the cassette is read whole."""

    def __init__(self, source: CassetteSource) -> None:
        self._source = source
        self._found: dict[str, str] = {}

    def __bool__(self) -> bool:
        return True

    def get(self, service: str, default: str | None = None) -> str | None:
        found = self._found.get(service)
        if found is None:
            source = self._source
            while service not in source.first_of_service and source.read_on():
                pass
            position = source.first_of_service.get(service)
            found = loopback_origin(source.stored[position]) if position is not None else ""
            self._found[service] = found
        return found or default


#: what ``point_clients_at`` reads: a service's recorded origin, by ``get``
Origins = dict[str, str] | ReadOn


def point_clients_at(monkeypatch: pytest.MonkeyPatch, origins: Origins) -> None:
    """From now on (until ``monkeypatch`` is undone), a client of a service in ``origins``
    that nothing else configures an endpoint for gets that origin."""
    if not origins:
        return
    from botocore.configprovider import ConfiguredEndpointProvider

    provide = ConfiguredEndpointProvider.provide

    def configured_or_recorded(self: Any) -> Any:
        return provide(self) or origins.get(getattr(self, "_client_name", None) or "")

    monkeypatch.setattr(ConfiguredEndpointProvider, "provide", configured_or_recorded)
