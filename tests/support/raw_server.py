"""A loopback socket server whose subclass writes the bytes of each exchange by hand: for
transports that misbehave (a hang-up, a body that never comes), which no HTTP server does
on purpose."""

from __future__ import annotations

import socket
import threading


class RawServer:
    """Listens on 127.0.0.1 (a port the system picks); ``_serve`` runs on a daemon thread."""

    def __init__(self, backlog: int, accept_timeout: float) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.sock.settimeout(accept_timeout)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        raise NotImplementedError
