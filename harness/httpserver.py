"""A small threaded HTTP/1.1 server on loopback that hands each request to a Python handler.

Both the project's test server and ``harness serve`` are this server with a different
handler: ``handler(HttpRequest) -> HttpResponse``. It binds to 127.0.0.1 and an ephemeral
port by default, and stops cleanly from any thread.

It is meant to sit next to other CI jobs and to be hit by any client, so it is bounded: at
most ``MAX_CONNECTIONS`` connections are served at once (one more gets a 503 and is
closed), a connection that sends nothing for ``IDLE_TIMEOUT`` seconds is closed, one whose
request line and headers take longer than ``HEADER_TIMEOUT`` in all (a byte now and then:
"slowloris") is closed too, bodies over
``MAX_BODY`` bytes get a 413, malformed requests a 400, and nothing it meets prints a
traceback. Content-Length and chunked request bodies are both read.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from harness.exchange import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


MAX_CONNECTIONS = 256  # threads are cheap while idle; slow clients cannot starve others
IDLE_TIMEOUT = 15.0  # seconds a connection may stay silent (between or inside requests)
MAX_BODY = 64 * 1024 * 1024
HEADER_TIMEOUT = 30.0  # seconds for a request line and its headers, however they trickle in


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses its pooled connections
    # A malformed request line is answered with a status line and headers (400), not the
    # bare HTTP/0.9 body http.server sends by default.
    default_request_version = "HTTP/1.0"
    # Headers and body go out as two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms per request on Linux).
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT  # socket timeout: idle keep-alive and slow senders are dropped
    server: _Server

    def setup(self) -> None:
        super().setup()
        self._reader = _HeaderDeadline(self.rfile, self.connection)
        self.rfile = self._reader  # type: ignore[assignment]  # http.server only reads it

    def handle_one_request(self) -> None:
        self._reader.start()  # the clock runs from the wait for the request line
        super().handle_one_request()

    def _handle(self) -> None:
        self._reader.stop()  # the headers are in: the body has the per-read timeout only
        try:
            body = self._body()
        except _BadRequest as bad:
            self.send_error(bad.status, bad.message)
            self.close_connection = True
            return
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = HttpRequest(
            method=self.command,
            url=f"http://{host}{self.path}",
            headers={k: v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self.server.handler(request)
        except Exception as exc:  # a handler bug must not hang the client: answer 500
            response = HttpResponse(
                500,
                {"Content-Type": "application/json", "x-amzn-ErrorType": "InternalFailure"},
                f'{{"message": "harness server handler failed: {type(exc).__name__}"}}'.encode(),
            )
        self.send_response_only(response.status)
        sent = {key.lower() for key in response.headers}
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        if "date" not in sent:  # exactly one Date header, the handler's if it gave one
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked()
        text = (self.headers.get("Content-Length") or "0").strip()
        if not text.isdigit():
            raise _BadRequest(400, f"Content-Length {text[:40]!r} is not a number")
        length = int(text)
        if length > MAX_BODY:
            raise _BadRequest(413, f"a body over {MAX_BODY} bytes")
        return self.rfile.read(length) if length else b""

    def _chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise _BadRequest(400, "a malformed chunk size") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers, then the blank line
                    pass
                return b"".join(chunks)
            total += size
            if size < 0 or total > MAX_BODY:
                raise _BadRequest(413, f"a body over {MAX_BODY} bytes")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and `harness serve` print what matters themselves


class _HeaderDeadline:
    """The connection's reader, refusing to wait past a deadline while one is running."""

    def __init__(self, rfile: Any, connection: socket.socket) -> None:
        self._rfile, self._connection = rfile, connection
        self._deadline: float | None = None

    def start(self) -> None:
        self._deadline = time.monotonic() + HEADER_TIMEOUT

    def stop(self) -> None:
        self._deadline = None
        self._connection.settimeout(IDLE_TIMEOUT)

    def _wait(self) -> None:
        if self._deadline is None:
            return
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request's headers took too long")
        self._connection.settimeout(min(IDLE_TIMEOUT, left))

    def readline(self, limit: int = -1) -> bytes:
        self._wait()
        return bytes(self._rfile.readline(limit))

    def read(self, size: int = -1) -> bytes:
        self._wait()
        return bytes(self._rfile.read(size))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rfile, name)


_BUSY_TEXT = b"too many connections, retry later\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(_BUSY_TEXT)).encode() + b"\r\n\r\n" + _BUSY_TEXT
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # listen backlog (socketserver's 5 drops connects under bursts)

    def __init__(self, address: tuple[str, int], handler: Handler) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # an IPv6 literal such as ::1
        super().__init__(address, _RequestHandler)
        self.handler = handler
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most ``MAX_CONNECTIONS``; beyond that a 503."""
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that vanished or timed out: nothing to report, never a traceback


class LoopbackServer:
    """Serve ``handler`` over HTTP in a background thread; use as a context manager."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: give it to ``boto3.client(..., endpoint_url=...)``."""
        address, port = self._server.server_address[:2]
        host = str(address)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> LoopbackServer:
        """Start serving in a daemon thread; returns self."""
        # a short poll interval: stop() returns in ~50 ms instead of serve_forever's 0.5 s
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="harness-http", daemon=True
        )
        self._thread.start()
        return self

    def prefork(self) -> None:
        """Make the listening socket safe to serve from several processes: a process woken
        for a connection another one took must not block in ``accept`` (and so miss its
        own ``stop``)."""
        self._server.socket.setblocking(False)

    def close(self) -> None:
        """Close the listening socket (``stop`` does, too; closing twice is harmless)."""
        self._server.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` is called from another thread."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
