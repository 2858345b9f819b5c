"""moto's own server on loopback, for tests that record real AWS-shaped traffic.

Started by the test that needs it on 127.0.0.1 with a free port, and stopped after it. moto's
state is process-wide (servers in one process share it), so a server starts empty: a module
that ran before in the same worker leaves nothing in the next one's recording.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def moto_server() -> Iterator[str]:
    """A running ``moto.server.ThreadedMotoServer``: yields its ``http://127.0.0.1:PORT``."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(reset, timeout=30) as answer:
            answer.read()
        yield endpoint
    finally:
        _stop(server, host, port)


def _stop(server: Any, host: str, port: int) -> None:
    """``server.stop()``, returning once the server has stopped serving, as it does alone;
    but its serving loop looks for the stop request only when a connection comes or every
    half second, so each stop waited half a second: connections made while it stops wake it."""
    failed: list[BaseException] = []

    def stop() -> None:
        try:
            server.stop()
        except BaseException as exc:  # raised below, in the caller's thread
            failed.append(exc)

    stopping = threading.Thread(target=stop, daemon=True)
    stopping.start()
    while stopping.is_alive():
        try:
            socket.create_connection((host, port), timeout=1).close()
        except OSError:
            break
        stopping.join(0.01)
    stopping.join()
    if failed:
        raise failed[0]


def moto_with_test_credentials(monkeypatch: Any) -> Iterator[str]:
    """A fixture body: moto's ``testing`` keys and us-east-1 in the environment, and a
    server running (``yield from moto_with_test_credentials(monkeypatch)``)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto_server() as url:
        yield url


def configure(endpoint: str, settings: dict[str, Any]) -> None:
    """Set moto server's own options (``/moto-api/config``): ``{"stepfunctions":
    {"execute_state_machine": True}}`` runs a state machine's definition, ``{"lambda":
    {"use_docker": False}}`` answers Lambda without docker."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config", data=json.dumps(settings).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
