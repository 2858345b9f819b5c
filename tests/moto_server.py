"""moto's own server on loopback, for tests that record real AWS-shaped traffic.

Started by the test that needs it on 127.0.0.1 with a free port, and stopped after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def moto_server() -> Iterator[str]:
    """A running ``moto.server.ThreadedMotoServer``: yields its ``http://127.0.0.1:PORT``."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
