"""A small threaded HTTP/1.1 server on loopback that hands each request to a Python handler.

Both the project's test server and ``harness serve`` are this server with a different
handler: ``handler(HttpRequest) -> HttpResponse``. It binds to 127.0.0.1 and an ephemeral
port by default, and stops cleanly from any thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from harness.exchange import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses its pooled connections
    # Headers and body go out as two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms per request on Linux).
    disable_nagle_algorithm = True
    server: _Server

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
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
        self.send_response(response.status)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and `harness serve` print what matters themselves


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: Handler) -> None:
        super().__init__(address, _RequestHandler)
        self.handler = handler


class LoopbackServer:
    """Serve ``handler`` over HTTP in a background thread; use as a context manager."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: give it to ``boto3.client(..., endpoint_url=...)``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LoopbackServer:
        """Start serving in a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="harness-http", daemon=True
        )
        self._thread.start()
        return self

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
