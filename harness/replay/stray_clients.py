"""While recording, a client that goes to AWS though the environment points clients elsewhere.

The moto recipe (``docs/how-to/moto.md``) points clients at a loopback server through
``AWS_ENDPOINT_URL`` set by a fixture. A client made before that (at import: a module-level
``boto3.client("s3")``) read its endpoint then, and records against AWS itself with the
machine's own credentials: real calls, real costs, a cassette of another world than the
rest of the run. botocore's configured-endpoint lookup, asked now for the call's service,
says where a client made now would go; a request to an AWS host while that lookup names a
loopback origin is such a stray, and the run is told (``StrayClientWarning``, once per
service and host) before the request leaves. ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` says
the mismatch is meant, and silences it.
"""

from __future__ import annotations

import os
import threading
import warnings
from urllib.parse import urlsplit

from harness.errors import StrayClientWarning
from harness.replay.recorded_endpoints import LOOPBACK_HOSTS

#: AWS's own hosts (commercial, China, the dual-stack ``api.aws``)
_AWS_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
_told: set[tuple[str, str]] = set()
_lock = threading.Lock()


def configured_endpoint(service: str) -> str | None:
    """Where botocore's configured-endpoint lookup sends a client of ``service`` made now
    (the environment's ``AWS_ENDPOINT_URL`` and per-service variables)."""
    from botocore.configprovider import ConfiguredEndpointProvider

    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    provider = ConfiguredEndpointProvider(full_config={}, scoped_config={}, client_name=service)
    found = provider.provide()
    return found if isinstance(found, str) else None


def warn_if_stray(service: str, url: str) -> None:
    """Warn once per service and host when a request to AWS leaves while the environment
    points this service's clients at a loopback server."""
    host = urlsplit(url).hostname or ""
    if not host.endswith(_AWS_SUFFIXES) or (service, host) in _told:
        return
    configured = configured_endpoint(service)
    if not configured or urlsplit(configured).hostname not in LOOPBACK_HOSTS:
        return
    with _lock:
        if (service, host) in _told:
            return
        _told.add((service, host))
    warnings.warn(
        StrayClientWarning(
            f"While recording, a {service} client sent a request to {host} (AWS itself, with "
            f"the credentials that client found) although the environment points {service} "
            f"clients at {configured}: the client was made before that was set, most likely "
            "at import (a module-level boto3.client or Session). Set AWS_ENDPOINT_URL in "
            "pytest_configure, before test modules are imported, or make the client in the "
            "test (docs/how-to/moto.md, 'Clients made at import'). Set "
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true if this client is meant to reach AWS."
        ),
        stacklevel=2,
    )
