"""``harness serve``: the synthetic backend over real HTTP, until SIGINT or SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol, TextIO

from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import (
    IDLE_TIMEOUT,
    MAX_CONNECTIONS,
    REQUEST_TIMEOUT,
    LoopbackServer,
    ServerLimits,
)
from harness.synthetic.engine import SyntheticBackend
from harness.synthetic.limits import CEILING_BYTES

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Request bodies held at once per process. With ``MAX_ACTIVE`` answers built at once and
#: every body within its operation's limits, this keeps a process under 250 MiB however
#: hostile the traffic (bench/bench_serve.py measures it).
BODY_BUDGET = 32 * 1024 * 1024


class Backend(Protocol):
    """What ``serve`` answers from: the synthetic backend, or recorded cassettes
    (``harness.serve.cassettes``); ``handle`` answers, ``body_limit`` and ``refuse`` are the
    server's gate (``harness.serve.http.Gate``)."""

    def handle(self, request: HttpRequest) -> HttpResponse: ...

    def body_limit(self, head: HttpRequest) -> int: ...

    def refuse(self, head: HttpRequest, status: int, message: str) -> HttpResponse: ...


def serve(
    backend: Backend,
    stdout: TextIO,
    host: str = "127.0.0.1",
    port: int = 0,
    stop: threading.Event | None = None,
    workers: int = 1,
    limits: ServerLimits | None = None,
) -> int:
    """Serve ``backend`` on ``host:port``; print the endpoint URL first; return 0 when stopped.

    The URL is the first line of ``stdout`` (flushed at once) so a parent process can read
    it. Serving ends when ``stop`` is set or, in the main thread, on SIGINT or SIGTERM.
    ``workers`` > 1 answers from that many processes sharing the listening socket (forked
    from this one, which is one of them), so throughput grows with clients; the backend's
    counters are shared, so faults and rate limits count for the whole server.
    ``limits`` bounds connections, time and memory per process (default ``serve_limits()``);
    each request's body is bounded by its operation's input shape (the backend's gate).
    """
    stop = stop or threading.Event()
    server = LoopbackServer(  # bound and listening
        backend.handle, host=host, port=port, limits=limits or serve_limits(), gate=backend
    )
    children: list[int] = []
    try:
        if workers > 1:
            assert isinstance(backend, SyntheticBackend), "only the synthetic backend forks"
            backend.share_counters()
            server.prefork()
            children = [_fork_worker(server) for _ in range(workers - 1)]
        with server, _on_signals(stop):
            stdout.write(f"{server.endpoint_url}\n")
            stdout.flush()
            if isinstance(backend, SyntheticBackend):
                processes = f", {workers} processes" if workers > 1 else ""
                what = (
                    "synthetic xray, cloudtrail and internetmonitor "
                    f"(seed {backend.seed}{processes})"
                )
            else:
                what = getattr(backend, "describe", lambda: type(backend).__name__)()
            stdout.write(f"harness serve: {what} — stop with Ctrl-C or SIGTERM\n")
            stdout.flush()
            while not stop.wait(0.5):
                pass
    finally:
        _stop_workers(children)
        server.close()
    return 0


def serve_limits(
    max_connections: int = MAX_CONNECTIONS,
    request_timeout: float = REQUEST_TIMEOUT,
    idle_timeout: float = IDLE_TIMEOUT,
    body_budget: int = BODY_BUDGET,
    max_body: int = CEILING_BYTES,
) -> ServerLimits:
    """The server's limits: for the synthetic backend no body is larger than the largest
    input of the served operations (``harness.synthetic.limits.CEILING_BYTES`` at most);
    cassettes may hold larger ones (an S3 upload), up to the whole body budget."""
    return ServerLimits(
        max_connections=max_connections,
        idle_timeout=idle_timeout,
        request_timeout=request_timeout,
        max_body=max_body,
        body_budget=max(body_budget, max_body),
    )


def _fork_worker(server: LoopbackServer) -> int:
    """A child process serving the same socket until SIGTERM (or its parent is gone)."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:  # the child: never back into the caller's code, never its exit handlers
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
        # Ctrl-C reaches the whole process group: the parent stops its children itself
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.start()
        while not stopping.wait(0.5) and os.getppid() == parent:
            pass
        server.stop()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _stop_workers(children: list[int], grace: float = 5.0) -> None:
    """SIGTERM every child, wait up to ``grace`` seconds in all, then SIGKILL the rest."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in children:
        while True:
            with contextlib.suppress(ChildProcessError):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                if done == 0:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
            break


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
