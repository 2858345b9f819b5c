"""What the code's botocore clients are made with: settings that only a network would show.

Every client of boto3 and botocore is made by ``botocore.session.Session.create_client``
(``boto3.client``, ``Session.client`` and resources call it): it is wrapped once, and while a
test is watched each client made is judged on its settings as made (``client.meta``):

- an AWS endpoint over plain HTTP (``use_ssl=False``, an ``http://`` ``endpoint_url``); AWS's
  hosts are the partitions' DNS suffixes in botocore's own ``partitions.json``;
- ``verify=False`` (certificates not checked);
- proxies in its ``Config`` (a debugging proxy left in);
- a connect or read timeout under ``aws_process_min_timeout`` seconds (5 by default: a slow
  TLS handshake or a long-poll, S3's first byte of a large object, take longer).

The credentials a client is made with (its keyword arguments, or a plain ``Credentials`` the
session found) are noted too: ``process_output`` looks for them in what the test printed and
logged. aiobotocore's ``AioSession.create_client`` is its own and is not watched.
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from harness.plugin.process_state import Change


@dataclass
class ClientWatch:
    """The clients made while one test is watched: what was wrong, and their credentials."""

    min_timeout: float
    changes: list[Change] = field(default_factory=list)
    known: set[str] = field(default_factory=set)


_WATCHES: list[ClientWatch] = []


def start(min_timeout: float) -> ClientWatch:
    _wrap_create_client()
    watch = ClientWatch(min_timeout=min_timeout)
    _WATCHES.append(watch)
    return watch


def stop(watch: ClientWatch) -> None:
    if watch in _WATCHES:
        _WATCHES.remove(watch)


def _wrap_create_client() -> None:
    # Asked every test, from sys.modules (an import statement per test cost more than a
    # trivial test): a pytester run may have imported botocore afresh.
    module = sys.modules.get("botocore.session") or importlib.import_module("botocore.session")
    Session = module.Session
    if getattr(Session.create_client, "_harness_watched", False):
        return
    original = Session.create_client

    @functools.wraps(original)
    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        if _WATCHES:
            _judge(client, _arguments(original, self, args, kwargs))
        return client

    create_client._harness_watched = True  # type: ignore[attr-defined]
    Session.create_client = create_client


def _arguments(original: Any, session: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    import inspect

    try:
        bound = inspect.signature(original).bind(session, *args, **kwargs)
    except TypeError:
        return dict(kwargs)
    return dict(bound.arguments)


def _judge(client: Any, arguments: dict[str, Any]) -> None:
    meta = client.meta
    name = f"the {meta.service_model.service_name} client (region {meta.region_name})"
    found: list[Change] = []
    url = urlsplit(meta.endpoint_url or "")
    if url.scheme == "http" and _is_aws_host(url.hostname or ""):
        found.append(
            Change(
                "clients",
                f"{name} sends to {meta.endpoint_url} over plain HTTP",
                "Drop use_ssl=False and any http:// endpoint_url to AWS: requests, signed "
                "headers and answers would cross the network unencrypted.",
            )
        )
    if arguments.get("verify") is False:
        found.append(
            Change(
                "clients",
                f"{name} was made with verify=False",
                "Drop verify=False (TLS certificates unchecked); give a CA bundle "
                "(verify='path/to/bundle.pem', AWS_CA_BUNDLE) where a proxy re-signs.",
            )
        )
    config = meta.config
    if getattr(config, "proxies", None):
        found.append(
            Change(
                "clients",
                f"{name} was made with proxies {sorted(config.proxies)} in its Config",
                "Remove the proxy from the code (a debugging proxy left in sends every "
                "call through it); a deployment sets HTTPS_PROXY in its environment.",
            )
        )
    watch_timeout = min(w.min_timeout for w in _WATCHES)
    for setting in ("connect_timeout", "read_timeout"):
        value = getattr(config, setting, None)
        if isinstance(value, int | float) and value < watch_timeout:
            found.append(
                Change(
                    "clients",
                    f"{name} was made with {setting}={value}",
                    f"A {setting} under {watch_timeout:g} s fails calls a slow network or a "
                    "long answer needs (botocore's default is 60 s); raise it, or lower "
                    "aws_process_min_timeout if this is meant.",
                )
            )
    known = _credentials(client, arguments)
    for watch in _WATCHES:
        watch.changes.extend(found)
        watch.known.update(known)


@functools.lru_cache(maxsize=1)
def _aws_suffixes() -> tuple[str, ...]:
    """The DNS suffixes of AWS's partitions, from botocore's ``partitions.json``."""
    from botocore.loaders import create_loader

    data = create_loader().load_data("partitions")
    return tuple(
        "." + value
        for partition in data.get("partitions", [])
        for key, value in partition.get("outputs", {}).items()
        if key.endswith("Suffix") and isinstance(value, str)
    )


def _is_aws_host(host: str) -> bool:
    return host.lower().endswith(_aws_suffixes())


def _credentials(client: Any, arguments: dict[str, Any]) -> set[str]:
    """The secret key and token the client was given, else those of a plain ``Credentials``
    it found (a refreshable one is not read: reading may refresh, over the network)."""
    from botocore.credentials import Credentials

    known = {
        value
        for name in ("aws_secret_access_key", "aws_session_token")
        if isinstance(value := arguments.get(name), str) and len(value) >= 8
    }
    signer = getattr(client, "_request_signer", None)
    found: Any = getattr(signer, "_credentials", None)
    if type(found) is Credentials:
        known.update(v for v in (found.secret_key, found.token) if isinstance(v, str) and v)
    return known
