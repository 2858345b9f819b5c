"""A small threaded HTTP/1.1 server on loopback that hands each request to a Python handler.

Both the project's test server and ``harness serve`` are this server with a different
handler: ``handler(HttpRequest) -> HttpResponse``. It binds to 127.0.0.1 and an ephemeral
port by default, and stops cleanly from any thread.

It is meant to sit next to other CI jobs and to be hit by any client, so what one client can
take is bounded (``ServerLimits``):

- slots: at most ``max_connections`` connections are served at once. When all are taken, a
  new connection does not get a 503 while a slow one holds a slot: the connection that has
  waited longest for its current request (idle keep-alive, or a request still trickling in)
  is cut to make room. Only when every slot is answering does a newcomer get a 503.
- time: a connection silent for ``idle_timeout`` seconds is closed, and a request (its line,
  headers and body, from its first byte) must arrive within ``request_timeout`` seconds,
  however the bytes trickle in ("slowloris"); the response must leave within that time too.
- memory: request line and headers are at most ``max_head`` bytes (431 beyond); a body is
  at most ``max_body`` bytes, or what the handler's ``gate`` allows for that request (413);
  and the bodies held at once, over all connections, at most ``body_budget`` bytes. When
  the budget is full the oldest body still arriving is cut to make room; a 503 with
  ``Retry-After`` only when all of it is held by requests being answered. The gate turns
  these refusals into the service's own error.

Malformed requests get a 400, nothing it meets prints a traceback, and Content-Length and
chunked request bodies are both read, framing as strictly as RFC 9112 asks (``_framing``:
conflicting lengths, unknown codings, bare LFs, folded lines are a 400 and a closed
connection, so a proxy in front cannot be made to see two requests where this sees one).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from harness.exchange import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


MAX_CONNECTIONS = 256  # threads are cheap while idle; slow ones are cut to make room
IDLE_TIMEOUT = 15.0  # seconds a connection may stay silent (between or inside requests)
REQUEST_TIMEOUT = 30.0  # seconds for a request line, headers and body, however they trickle
MAX_HEAD = 64 * 1024  # request line and headers
MAX_BODY = 64 * 1024 * 1024
_RECV = 64 * 1024
_EVICT_WAIT = 2.0  # seconds the accept loop waits for a cut connection's slot
_CUT_WRITE = 0.5  # seconds to send a 503 to a request cut to make room
_LINGER = 1.0  # seconds to read (and drop) a refused body, so the client reads the refusal


@dataclass(kw_only=True, frozen=True)
class ServerLimits:
    """What one server lets its clients take; the defaults are the module's constants."""

    max_connections: int = MAX_CONNECTIONS
    idle_timeout: float = IDLE_TIMEOUT
    request_timeout: float = REQUEST_TIMEOUT
    max_head: int = MAX_HEAD
    max_body: int = MAX_BODY
    body_budget: int = MAX_BODY  # request bodies held at once, all connections together


class Gate(Protocol):
    """What a handler may tell the server about a request before its body is read."""

    def body_limit(self, head: HttpRequest) -> int:
        """The largest body this request (method, URL, headers; no body yet) may carry."""

    def refuse(self, head: HttpRequest, status: int, message: str) -> HttpResponse:
        """The error response for a request the server will not read (413, 408, 503)."""


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class _Refused(_BadRequest):
    """A well-formed request the server will not serve: answered in the gate's words."""


class _Gone(Exception):
    """The client closed the connection (or it was cut) in the middle of a request."""


class _Connection:
    """The socket of one connection, read and written against the idle timeout and the
    request's deadline; it also says what the connection is doing, for eviction."""

    def __init__(self, sock: socket.socket, limits: ServerLimits) -> None:
        self._sock, self._limits = sock, limits
        self._buffer = bytearray()
        self._deadline: float | None = None
        self._head_left = limits.max_head
        self.phase = "idle"  # idle, reading, working, writing or cut
        self.cut_while = ""  # the phase it was cut in
        self.reserved = 0  # bytes of the body budget its request holds
        # when it began waiting for its current request (writing: its response)
        self.since = time.monotonic()
        self.closed = False
        #: why the head of the current request is malformed (a line ended by a bare LF,
        #: a folded header line), or "": the reader notes it, the handler answers 400
        self.malformed = ""
        self.in_request_line = True  # (an over-long head is 414 while still in it)

    # -------------------------------------------------------------- request boundaries

    def await_request(self) -> None:
        self.phase, self.since = "idle", time.monotonic()
        self.malformed = ""
        self.in_request_line = True
        self._head_left = self._limits.max_head
        self._deadline = None
        if self._buffer:  # a pipelined request is already here: its clock runs
            self._start_clock()

    def skip_blank_lines(self) -> None:
        """RFC 9112 section 2.2: empty lines before a request line are ignored (a client may
        end a body with an extra CRLF); a few at most, then the request line is judged."""
        for _ in range(_BLANK_LINES):
            while len(self._buffer) < 2:
                if not self._fill():
                    return  # (closed: the handler sees the end of the connection)
            if not self._buffer.startswith(b"\r\n"):
                return
            del self._buffer[:2]

    def head_done(self) -> None:
        self._head_left = -1

    def respond(self) -> None:
        """The response is about to go out: it has ``request_timeout`` to leave."""
        if self.phase != "cut":
            self.phase, self.since = "writing", time.monotonic()
        self._deadline = time.monotonic() + self._limits.request_timeout

    def cut(self) -> None:
        """Stop this connection from another thread. A request still arriving stops being
        read (its thread answers 503 and closes); an idle one, or a response stuck on a
        client that does not read it, is closed outright."""
        self.cut_while, self.phase = self.phase, "cut"
        how = socket.SHUT_RD if self.cut_while == "reading" else socket.SHUT_RDWR
        with contextlib.suppress(OSError):
            self._sock.shutdown(how)

    def _start_clock(self) -> None:
        self.phase = "reading"
        self._deadline = time.monotonic() + self._limits.request_timeout

    def _timeout(self, writing: bool = False) -> float:
        if self.phase == "cut":
            if not writing:
                raise _Gone("cut to make room for another connection")
            return _CUT_WRITE  # a last word (503) to a request that was cut
        if self._deadline is None:
            return self._limits.idle_timeout
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the request took over {self._limits.request_timeout:g} s")
        return min(self._limits.idle_timeout, left)

    # -------------------------------------------------------------- reading

    def _fill(self, most: int = _RECV) -> bool:
        """One ``recv`` into the buffer; False when the client closed its side."""
        self._sock.settimeout(self._timeout())
        data = self._sock.recv(most)
        if not data:
            if self.phase == "cut":
                raise _Gone("cut to make room for another connection")
            return False
        if self._deadline is None:
            self._start_clock()  # the request's first byte
        self._buffer += data
        return True

    def readline(self, limit: int = -1) -> bytes:
        limit = limit if limit >= 0 else 1 << 62
        if self._head_left >= 0:
            limit = min(limit, self._head_left + 1)
        while True:
            newline = self._buffer.find(b"\n", 0, limit)
            if newline >= 0:
                end = newline + 1
                break
            if len(self._buffer) >= limit or not self._fill(min(_RECV, limit)):
                end = min(limit, len(self._buffer))
                break
        line = bytes(self._buffer[:end])
        del self._buffer[:end]
        if self._head_left >= 0:
            self.in_request_line = self._head_left == self._limits.max_head
            self._note_head_line(line)
            self._head_left -= len(line)
            if self._head_left < 0:
                raise http.client.LineTooLong(
                    f"request line and headers over {self._limits.max_head} bytes"
                )
        return line

    def _note_head_line(self, line: bytes) -> None:
        """RFC 9112 section 2.2: a line of the head ends in CRLF; a header line starting
        with white space is obsolete folding (section 5.2), which a server rejects."""
        if self.malformed:
            return
        first = self._head_left == self._limits.max_head  # (the request line)
        if line.endswith(b"\n") and not line.endswith(b"\r\n"):
            self.malformed = "a line of the request head ends in a bare LF, not CRLF"
        elif _CONTROL.search(line.removesuffix(b"\r\n")):
            # RFC 9110 section 5.5: NUL, a stray CR and other controls are no field content
            # (and a NUL in the target, none of a request line's)
            self.malformed = "a control character (NUL, CR, ...) in the request head"
        elif first or line == b"\r\n":
            return
        elif line[:1] in (b" ", b"\t"):
            self.malformed = "a header line is folded (obsolete line folding)"
        elif _HEADER_NAME.match(line) is None:
            self.malformed = "a header line is not 'name: value' (white space before the colon?)"

    def read(self, size: int = -1) -> bytes:
        """Exactly ``size`` bytes (``_Gone`` if the client stops short)."""
        while len(self._buffer) < size:
            if not self._fill(min(_RECV, size - len(self._buffer))):
                raise _Gone("the client closed the connection before the end of the body")
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def linger(self) -> None:
        """Read and drop what the client still sends for up to ``_LINGER`` seconds, after
        a refusal: closing with unread bytes resets the connection, and the client would
        see the reset instead of the refusal."""
        self._buffer.clear()
        try:
            self._sock.shutdown(socket.SHUT_WR)
            stop = time.monotonic() + _LINGER
            scratch = bytearray(_RECV)
            while self.phase != "cut" and (left := stop - time.monotonic()) > 0:
                self._sock.settimeout(left)
                if not self._sock.recv_into(scratch):
                    break
        except OSError:
            pass

    # -------------------------------------------------------------- writing

    def write(self, data: bytes) -> int:
        with memoryview(data) as view:
            sent = 0
            while sent < len(view):
                self._sock.settimeout(self._timeout(writing=True))
                sent += self._sock.send(view[sent : sent + _RECV])
            return sent

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses its pooled connections
    # A malformed request line is answered with a status line and headers (400), not the
    # bare HTTP/0.9 body http.server sends by default.
    default_request_version = "HTTP/1.0"
    # Headers and body go out as two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms per request on Linux).
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # http.server's own reader would wait past any deadline
        self._io = _Connection(self.connection, self.server.limits)
        self.rfile = self.wfile = self._io  # type: ignore[assignment]  # read/write only
        self.server.track(self._io)

    def finish(self) -> None:
        self.server.untrack(self._io)

    def handle_one_request(self) -> None:
        self._io.await_request()
        try:
            try:
                self._io.skip_blank_lines()
            except (TimeoutError, OSError):  # idle, or gone: as http.server ends such a one
                self.close_connection = True
                return
            super().handle_one_request()
        except http.client.HTTPException:  # the request line or the head is over max_head
            self.close_connection = True
            if self._io.in_request_line:
                self._send_plain(414, "request line too long")
            else:
                self._send_plain(431, "request line and headers too long")
        except _Gone:
            self.close_connection = True
            if self._io.cut_while == "reading":  # its headers were still arriving
                self._send_plain(503, _CUT_MESSAGE)

    def handle_expect_100(self) -> bool:
        self._expects_continue = True  # sent once the body is admitted (see _answer)
        return True

    def _handle(self) -> None:
        self._io.head_done()
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        target = self.path
        if _ABSOLUTE_FORM.match(target):
            # RFC 9112 section 3.2.2: a server MUST accept a target in absolute form (as
            # aiobotocore's httpx backend sends), and its host is the one that counts
            split = urlsplit(target)
            host, target = split.netloc, urlunsplit(("", "", split.path or "/", split.query, ""))
        head = HttpRequest(
            method=self.command,
            url=f"http://{host}{target}",
            headers={k: v for k, v in self.headers.items()},
        )
        try:
            response = self._answer(head)
        except _Refused as refused:
            self.close_connection = True
            response = self.server.refusal(head, refused.status, refused.message)
            self._respond(response)
            self._io.linger()
            return
        except _BadRequest as bad:
            self.close_connection = True
            self._send_plain(bad.status, bad.message)
            return
        self._respond(response)

    def _answer(self, head: HttpRequest) -> HttpResponse:
        server = self.server
        limit = server.body_limit(head)
        chunked, length = self._framing()
        if chunked:
            reserve = limit  # its length is unknown until the last chunk
        else:
            reserve = length
            if reserve > limit:
                raise _Refused(
                    413,
                    f"The request body ({reserve} bytes) is over the {limit} bytes this "
                    "request may carry.",
                )
        if not server.budget.take(reserve, server.cut_a_body, _EVICT_WAIT):
            raise _Refused(
                503,
                "The server holds as many request bodies as its memory budget allows "
                f"({server.limits.body_budget} bytes), all being answered; retry in a moment.",
            )
        self._io.reserved = reserve
        if getattr(self, "_expects_continue", False):  # admitted: now the client may send
            self._expects_continue = False
            self.send_response_only(100)
            self.end_headers()
        try:
            try:
                body = self._chunked(limit) if chunked else self._io.read(reserve)
            except _Gone:
                if self._io.cut_while != "reading":
                    raise
                raise _Refused(503, _CUT_MESSAGE) from None
            except TimeoutError:
                raise _Refused(
                    408, f"The request did not arrive within {server.limits.request_timeout:g} s."
                ) from None
            self._io.phase = "working"
            request = HttpRequest(method=head.method, url=head.url, headers=head.headers, body=body)
            try:
                return server.handler(request)
            except Exception as exc:  # a handler bug must not hang the client: answer 500
                return HttpResponse(
                    500,
                    {"Content-Type": "application/json", "x-amzn-ErrorType": "InternalFailure"},
                    json.dumps(
                        {"message": f"harness server handler failed: {type(exc).__name__}"}
                    ).encode(),
                )
        finally:
            self._io.reserved = 0
            server.budget.give(reserve)

    def _respond(self, response: HttpResponse) -> None:
        self._io.respond()
        if response.transport_failure is not None:
            # a recorded call that got no response: the client gets none either (its SDK
            # raises a connection error, as it did while recording)
            self.close_connection = True
            return
        self.send_response_only(response.status)
        sent = {key.lower() for key in response.headers}
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        if "date" not in sent:  # exactly one Date header, the handler's if it gave one
            self.send_header("Date", self.date_time_string())
        if response.status == 503 and "retry-after" not in sent:
            self.send_header("Retry-After", "1")
        if self.close_connection:
            self.send_header("Connection", "close")
        length = str(len(response.body))
        if self.command == "HEAD" and not response.body:
            # a HEAD answer's Content-Length is the size of the body it does not send (S3
            # HeadObject's ContentLength): the handler's, when it gave one
            length = next(
                (v for k, v in response.headers.items() if k.lower() == "content-length"), length
            )
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _framing(self) -> tuple[bool, int]:
        """How the request's body is framed: (chunked, else its Content-Length), read as
        strictly as RFC 9112 asks (sections 6.1 and 6.3), since a proxy in front that reads
        a request otherwise would send two where this server sees one (request smuggling):
        a malformed head, both framings, two different lengths, a length of anything but
        ASCII digits, or a transfer coding other than ``chunked`` alone is a 400."""
        if self._io.malformed:
            raise _BadRequest(400, self._io.malformed)
        hosts = self.headers.get_all("Host") or []
        if self.request_version == "HTTP/1.1" and (
            len(hosts) != 1 or not _HOST.fullmatch(hosts[0].strip(_OWS))
        ):
            # RFC 9112 section 3.2: exactly one Host, a valid one, else 400
            raise _BadRequest(400, "a request needs exactly one valid Host header (RFC 9112 3.2)")
        # (white space around a value is spaces and tabs only, RFC 9110 section 5.6.3: not
        # str.strip()'s vertical tab, form feed, \x1c-\x1f or \x85 that hide 'chunked')
        codings = [
            word.strip(_OWS).lower()
            for value in self.headers.get_all("Transfer-Encoding") or []
            for word in value.split(",")
        ]
        lengths = {
            word.strip(_OWS)
            for value in self.headers.get_all("Content-Length") or []
            for word in value.split(",")
        }
        if codings and lengths:
            raise _BadRequest(400, "both Transfer-Encoding and Content-Length frame the body")
        if codings:
            if codings != ["chunked"]:
                raise _BadRequest(
                    400, f"transfer coding {', '.join(codings)[:60]!r}: only 'chunked' is read"
                )
            return True, 0
        if len(lengths) > 1:
            raise _BadRequest(400, "two different Content-Length values")
        text = lengths.pop() if lengths else "0"
        if not _DIGITS.fullmatch(text):
            raise _BadRequest(400, f"Content-Length {text[:40]!r} is not a number")
        return False, int(text[:20]) if len(text) <= 20 else 1 << 70  # int() of 10⁵ digits: slow

    def _send_plain(self, status: int, message: str) -> None:
        # (a request line never read leaves what send_error's logging reads unset)
        self.requestline = getattr(self, "requestline", "")
        self.request_version = getattr(self, "request_version", self.default_request_version)
        self.command = getattr(self, "command", None) or ""
        try:
            self._io.respond()
            self.send_error(status, message)
        except (OSError, _Gone, TimeoutError):
            pass

    def _chunked(self, limit: int) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            found = _CHUNK_LINE.fullmatch(self._io.readline(1024))
            if found is None:  # (RFC 9112 section 7.1: hex digits, extensions, CRLF)
                raise _BadRequest(400, "a malformed chunk size line")
            size = int(found.group(1), 16)
            if size == 0:
                while True:  # trailers, then the blank line
                    line = self._io.readline(1024)
                    if not line.endswith(b"\r\n"):
                        raise _BadRequest(400, "a chunked trailer line not ended by CRLF")
                    if line == b"\r\n":
                        return b"".join(chunks)
                    if _HEADER_NAME.match(line) is None or _CONTROL.search(line[:-2]):
                        # a trailer is a field line like a header (RFC 9112 section 7.1.2)
                        raise _BadRequest(400, "a chunked trailer line is not 'name: value'")
            total += size
            if size < 0 or total > limit:
                raise _Refused(
                    413, f"The request body is over the {limit} bytes this request may carry."
                )
            chunks.append(self._io.read(size))
            if self._io.read(2) != b"\r\n":
                raise _BadRequest(400, "a chunk not followed by CRLF")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and `harness serve` print what matters themselves


#: A header line's start: its name (a token) and the colon, nothing between (section 5.1).
_HEADER_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:")
#: Control characters no line of a request head holds (HTAB aside).
#: A request target in absolute form (``http://host/path``), not origin form (``/path``).
_ABSOLUTE_FORM = re.compile(r"https?://", re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
#: Optional white space around a field value (RFC 9110 section 5.6.3).
_OWS = " \t"
#: A Host: a name or an IPv4 address, or an IPv6 one in brackets, with an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{0,5})?")
#: Empty lines ignored before a request line.
_BLANK_LINES = 4
#: A Content-Length: ASCII digits only (``str.isdigit`` also takes "²" and "٣").
_DIGITS = re.compile(r"[0-9]+")
#: A chunk's size line: hex digits, then extensions (``;name`` or ``;name=value``), CRLF.
_CHUNK_LINE = re.compile(
    rb"([0-9A-Fa-f]{1,16})"
    rb"(?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+"
    rb"(?:[ \t]*=[ \t]*(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|\"[^\"\r\n]*\"))?)*\r\n"
)


class _ByteBudget:
    """Bytes taken and given back from any thread; a taker waits at most ``wait`` seconds,
    while ``make_room`` (cutting a connection still receiving its body) frees some."""

    def __init__(self, total: int) -> None:
        self._left = total
        self._changed = threading.Condition()

    def take(self, size: int, make_room: Callable[[], bool], wait: float) -> bool:
        stop = time.monotonic() + wait
        with self._changed:
            while size > self._left:
                left = stop - time.monotonic()
                if left <= 0 or not make_room():
                    return False
                self._changed.wait(min(left, 0.1))
            self._left -= size
            return True

    def give(self, size: int) -> None:
        with self._changed:
            self._left += size
            self._changed.notify_all()


_CUT_MESSAGE = (
    "Every connection slot was taken and this request was the slowest to arrive: it was cut "
    "to make room. Retry; a request should arrive in one go."
)
_BUSY_TEXT = b"too many connections, retry later\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
    b"Retry-After: 1\r\nContent-Length: " + str(len(_BUSY_TEXT)).encode() + b"\r\n\r\n" + _BUSY_TEXT
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # listen backlog (socketserver's 5 drops connects under bursts)

    def __init__(
        self, address: tuple[str, int], handler: Handler, limits: ServerLimits, gate: Gate | None
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # an IPv6 literal such as ::1
        super().__init__(address, _RequestHandler)
        self.handler, self.limits, self.gate = handler, limits, gate
        self.budget = _ByteBudget(limits.body_budget)
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self._connections: dict[_Connection, None] = {}
        self._connections_lock = threading.Lock()

    def body_limit(self, head: HttpRequest) -> int:
        limit = self.limits.max_body
        return min(limit, self.gate.body_limit(head)) if self.gate else limit

    def refusal(self, head: HttpRequest, status: int, message: str) -> HttpResponse:
        if self.gate is not None:
            return self.gate.refuse(head, status, message)
        body = json.dumps({"message": message}).encode()
        return HttpResponse(status, {"Content-Type": "application/json"}, body)

    def track(self, connection: _Connection) -> None:
        with self._connections_lock:
            self._connections[connection] = None

    def untrack(self, connection: _Connection) -> None:
        with self._connections_lock:
            self._connections.pop(connection, None)

    def _evict(self) -> bool:
        """Cut the connection that has waited longest for its current request, unless it
        is being answered; True if one was cut."""
        return self._cut_oldest(lambda c: c.phase in ("idle", "reading", "writing"))

    def cut_a_body(self) -> bool:
        """Cut the oldest connection still receiving a body (its budget comes back when its
        thread leaves); True if one was cut or is being cut."""
        with self._connections_lock:
            if any(c.phase == "cut" and c.reserved for c in self._connections):
                return True  # wait for that one first
        return self._cut_oldest(lambda c: c.phase == "reading" and c.reserved > 0)

    def _cut_oldest(self, which: Callable[[_Connection], bool]) -> bool:
        with self._connections_lock:
            candidates = [c for c in self._connections if which(c)]
        if not candidates:
            return False
        min(candidates, key=lambda c: c.since).cut()
        return True

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most ``max_connections``: when all are taken the
        slowest waiting one is cut; a 503 only when every one is being answered."""
        if not self._slots.acquire(blocking=False) and not (
            self._evict() and self._slots.acquire(timeout=_EVICT_WAIT)
        ):
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(_BUSY)
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
    """Serve ``handler`` over HTTP in a background thread; use as a context manager.

    ``limits`` bounds what clients may take (see the module docstring); ``gate``, when
    given, says how large each request's body may be and words the refusals.
    """

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: ServerLimits | None = None,
        gate: Gate | None = None,
    ) -> None:
        self._server = _Server((host, port), handler, limits or ServerLimits(), gate)
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
