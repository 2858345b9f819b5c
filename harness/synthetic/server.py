"""``harness serve``: the synthetic backend over real HTTP, until SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from harness.httpserver import LoopbackServer
from harness.synthetic.engine import SyntheticBackend

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(
    backend: SyntheticBackend,
    stdout: TextIO,
    host: str = "127.0.0.1",
    port: int = 0,
    stop: threading.Event | None = None,
) -> int:
    """Serve ``backend`` on ``host:port``; print the endpoint URL first; return 0 when stopped.

    The URL is the first line of ``stdout`` (flushed at once) so a parent process can read
    it. Serving ends when ``stop`` is set or, in the main thread, on SIGINT or SIGTERM.
    """
    stop = stop or threading.Event()
    with LoopbackServer(backend.handle, host=host, port=port) as server, _on_signals(stop):
        stdout.write(f"{server.endpoint_url}\n")
        stdout.flush()
        stdout.write(
            f"harness serve: synthetic xray, cloudtrail and internetmonitor (seed {backend.seed}) "
            "— stop with Ctrl-C or SIGTERM\n"
        )
        stdout.flush()
        while not stop.wait(0.5):
            pass
    return 0


@contextmanager
def _on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGINT/SIGTERM while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
