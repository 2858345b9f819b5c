"""aiobotocore clients (aioboto3, s3fs...) through the same handlers as botocore's clients.

aiobotocore's ``AioEndpoint`` overrides ``_send`` and ``_do_get_response`` with coroutines, so
the wrap of ``botocore.endpoint.Endpoint`` never sees its requests; this module wraps the
coroutines the same way (installed once per process, inert while no ``intercept()`` context
is open) and builds the very ``Call`` the sync path builds.

Handlers are plain functions (``handler(call, send) -> HttpResponse``), one implementation
for both kinds of client. How an async call runs them:

- every active layer may send (recording, a pass-through): the handlers run on a worker
  thread, so the event loop stays free; their ``send()`` runs aiobotocore's real send as a
  coroutine on the client's own event loop (its aiohttp session belongs to that loop) and
  waits for it on the worker thread;
- some layer promised never to send (``intercept(..., sends=False)``: replay-only
  cassettes, the synthetic backend): the network cannot be reached, so the handlers answer
  right on the loop's thread, awaiting nothing.

What depends on the event loop is one row of ``aio_runtimes.RUNTIMES`` per runtime: how to
know it runs the task, how to run the handlers on a worker thread and the real send back on
the loop, and the aiobotocore HTTP sessions it sends through (asyncio itself; trio and any other
loop anyio knows, through aiobotocore's httpx backend).

The answer reaches aiobotocore as an ``AioAWSResponse`` over an in-memory body that speaks
the part of aiohttp's response aiobotocore reads (``read()``, ``content.read()``,
``content.iter_chunks()``): streaming bodies (``await body.read()``), event streams,
checksum validation, retries and error parsing all run aiobotocore's own code.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import inspect
import math
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Future
from types import ModuleType
from typing import Any

from harness.exchange import HttpResponse
from harness.replay import long_polls, thread_charges, transport_failures, vcr_sessions
from harness.replay.aio_runtimes import RUNTIMES, runtime_of_task
from harness.replay.http_messages import request_body, served

#: (operation_model, context) of the aiobotocore call running in this task
_current: contextvars.ContextVar[tuple[Any, Any] | None] = contextvars.ContextVar(
    "harness_aio_call", default=None
)
#: True in the task that sends an aiobotocore request through aiohttp: that traffic is ours,
#: and vcrpy's aiohttp patcher (``harness.replay.other_http``) must leave it alone.
_sending: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "harness_aio_sending", default=False
)
#: While an offline chain hands a request to a transport double (``_doubled``): the answer
#: the double's call to aiobotocore's own ``send`` gets instead of the network (``_bottom``)
_pending: contextvars.ContextVar[Callable[[], Awaitable[Any]] | None] = contextvars.ContextVar(
    "harness_aio_pending", default=None
)
_loop_thread = threading.local()  # set while handlers run inline on an event loop's thread


#: ``harness.replay.intercept``, handed over by its ``install`` call: the sync layers, call
#: and chain this module drives (handed over, not imported: intercept installs this module).
sync: Any = None


def install(originals: dict[str, Any], core: ModuleType) -> None:
    """Wrap aiobotocore's endpoint and signer (the caller, ``core``, holds its lock)."""
    global sync
    if "aio" in originals:
        return
    sync = core
    from aiobotocore.credentials import AioCredentials
    from aiobotocore.endpoint import AioEndpoint
    from aiobotocore.signers import AioRequestSigner

    offline = sync.OFFLINE_CREDENTIALS  # aiobotocore awaits get_frozen_credentials()
    originals["aio_offline_credentials"] = AioCredentials(offline.access_key, offline.secret_key)

    sessions = originals["aio_sessions"] = {}  # aiobotocore's own HTTP sessions: ``_bottom``
    calls = originals["aio_library_calls"] = {}  # each one's HTTP library call, as it was
    for module, name in dict.fromkeys(s for runtime in RUNTIMES for s in runtime.sessions):
        try:
            session_class = getattr(__import__(f"aiobotocore.{module}", fromlist=[name]), name)
        except (ImportError, AttributeError):  # (httpx not installed: no such backend)
            continue
        sessions[session_class] = session_class.send = _bottom(session_class.send)
        library, owner, method = LIBRARY_CALLS[name]
        try:
            owner_class = getattr(__import__(library, fromlist=[owner]), owner)
        except (ImportError, AttributeError):
            continue
        calls[session_class] = (owner_class, method, vars(owner_class).get(method))
    originals["aio_do_get_response"] = AioEndpoint._do_get_response
    originals["aio_send"] = AioEndpoint._send
    originals["aio_sign"] = AioRequestSigner.sign
    AioEndpoint._do_get_response = _do_get_response
    AioEndpoint._send = _send
    AioRequestSigner.sign = _sign
    originals["aio"] = True


#: Seconds a replayed abandoned call waits for its caller to stop waiting again, then raises.
ABANDONED_HOLD = 120.0


def _never_answered() -> str:
    return (
        f"Replay held this aiobotocore call {ABANDONED_HOLD:g} s with no answer: while "
        "recording, its caller stopped waiting (a timeout, a cancel scope) before any answer "
        "came, so the cassette holds none. If the code now waits for this answer, re-record "
        "the test (--aws-record-mode=all)."
    )


#: The call into its HTTP library each aiobotocore HTTP session sends through: (module,
#: class, method). A test that replaces it (``mocker.patch.object(aiohttp.ClientSession,
#: "request", side_effect=...)``) stands a double in for the network (``_library_doubled``).
LIBRARY_CALLS = {
    "AIOHTTPSession": ("aiohttp", "ClientSession", "request"),
    "HttpxSession": ("httpx", "AsyncClient", "send"),
}


async def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
    token = _current.set((operation_model, context))
    try:
        return await sync._originals["aio_do_get_response"](self, request, operation_model, context)
    finally:
        _current.reset(token)


async def _send(self: Any, request: Any) -> Any:
    original_send = sync._originals["aio_send"]
    found = _current.get()
    layers = sync.active_layers()
    if found is None or not layers:  # not an operation call, or no context open
        token = _sending.set(True)
        try:
            return await original_send(self, request)
        finally:
            _sending.reset(token)
    operation_model, context = found
    if _library_doubled(self):
        # a test double stands in for the HTTP library under aiobotocore's session: it
        # answers (or raises), while recording and in replay alike; nothing reaches the
        # network, so nothing is recorded or replayed
        token = _sending.set(True)
        try:
            return await original_send(self, request)
        finally:
            _sending.reset(token)
    thread_charges.check(layers, operation_model)
    if _doubled(self) and any(not layer.sends for layer in layers):
        # a test double stands in for the transport: it is called, as live; if it hands
        # the request on to aiobotocore's own send, the offline chain answers there
        handed = _pending.set(lambda: _answered(self, request, operation_model, context, layers))
        try:
            return await original_send(self, request)
        finally:
            _pending.reset(handed)
    return await _answered(self, request, operation_model, context, layers)


def _doubled(endpoint: Any) -> bool:
    """True when a test double replaced this endpoint's HTTP session or its ``send``: a
    custom ``http_session_cls``, a session class overriding ``send``, a mocked ``send``.
    (A double of ``_send`` itself on the endpoint is called without us.)"""
    session = getattr(endpoint, "http_session", None)
    if session is None:
        return False
    if "send" in vars(session):
        return True
    own = sync._originals["aio_sessions"].values()  # (their send as we wrapped it)
    return not any(type(session).send is send for send in own)


def _library_doubled(endpoint: Any) -> bool:
    """True when the test replaced the HTTP library call this endpoint's session sends
    through (``LIBRARY_CALLS``) with a double that answers itself: a mock, a function of its
    own; not a spy calling through to the real one (pytest-mock's ``spy``, a mock that
    ``wraps`` it), which reaches the network and is recorded as any call."""
    session = getattr(endpoint, "http_session", None)
    calls = sync._originals.get("aio_library_calls", {}) if session is not None else {}
    for session_class, (owner, method, original) in calls.items():
        if not isinstance(session, session_class):
            continue
        return _a_double(vars(owner).get(method), original)
    return False


def _a_double(now: Any, original: Any) -> bool:
    if now is original or now is None:
        return False
    own = getattr(now, "__dict__", {})
    return "spy_return" not in own and own.get("_mock_wraps") is None


def _bottom(original: Any) -> Any:
    """aiobotocore's own session ``send``, answered by the pending offline chain when a
    transport double hands it a request in replay (once: a retry sets it again)."""

    async def send(self: Any, request: Any) -> Any:
        pending = _pending.get()
        if pending is None:
            if not _sending.get():  # the session called directly: vcrpy's, failures ours
                return await vcr_sessions.session_send(original, self, request)
            return await original(self, request)
        _pending.set(None)
        return await pending()

    return send


async def _answered(
    self: Any, request: Any, operation_model: Any, context: Any, layers: list[Any]
) -> Any:
    """The chain's answer to ``request``, as aiobotocore's session returns one."""
    original_send = sync._originals["aio_send"]
    rewind = await _request_body(request)
    call = sync.make_call(request, rewind.body, operation_model, context)
    runtime, loop = runtime_of_task()
    await _open_session(self, request.url)

    abandoned = threading.Event()  # set when the caller stopped waiting (cancelled)
    cancelled = runtime.cancelled()  # (asked here, on the loop: the worker cannot)
    sends: list[Future[Any]] = []  # (under asyncio: the real send, to cancel with it)

    def started(send: Future[Any]) -> None:
        sends.append(send)
        if abandoned.is_set():
            send.cancel()

    async def receive() -> HttpResponse:
        await rewind.aseek()
        _sending.set(True)  # this task's own context: ends with it
        # The whole body, as the sync path reads it, read by aiobotocore's session as it
        # reads a body it does not stream (inside its send): a failure while reading it
        # reaches the code as aiobotocore maps it (ReadTimeoutError, ConnectionClosedError),
        # recorded as the call's, never as aiohttp's or httpx's own exception.
        streaming = getattr(request, "stream_output", False)
        request.stream_output = False
        try:
            response = await original_send(self, request)
        finally:
            request.stream_output = streaming
        body = await response.content  # (read already: cached)
        decoded: HttpResponse = sync.received_response(
            response.status_code, response.headers, body or b""
        )
        return decoded

    def network() -> HttpResponse:
        if getattr(_loop_thread, "active", False):
            raise RuntimeError(
                "A botocore-harness handler registered with intercept(..., sends=False) "
                "called send() for an aiobotocore request: it promised to answer every "
                "request itself. Register it with sends=True (the default)."
            )
        if abandoned.is_set():
            raise transport_failures.Abandoned()
        try:
            return runtime.from_thread(loop, receive, started)
        except BaseException as error:
            # the caller stopped waiting, and its send was cancelled with it (under asyncio
            # by ``_answered``; under trio in the caller's own cancel scope): abandoned
            if abandoned.is_set() or isinstance(error, cancelled):
                raise transport_failures.Abandoned() from None
            raise

    run = sync.chain(layers, call, network)
    if any(not layer.sends for layer in layers):
        _loop_thread.active = True
        try:
            with long_polls.deferring() as held:  # (a replayed long poll: awaited below)
                answer = run()
        except transport_failures.Abandoned:
            # the recording's caller stopped waiting before any answer came: none comes
            # now either, until this caller stops waiting too (cancelled); bounded, so a
            # caller that now waits for ever gets told why instead of hanging the run
            _loop_thread.active = False
            await runtime.sleep(ABANDONED_HOLD)
            raise transport_failures.Abandoned(_never_answered()) from None
        finally:
            _loop_thread.active = False
        if held[0] > 0:
            await runtime.sleep(held[0])
    else:
        ctx = contextvars.copy_context()  # handlers see the task's context vars

        def abandon() -> None:
            # the caller stopped waiting (a cancel scope, a timeout): the recording keeps the
            # call as abandoned, not as what its send would get after the test (and cassette)
            abandoned.set()
            for send in list(sends):
                send.cancel()  # (the worker stops waiting for it at once, and records)

        try:
            answer = await runtime.to_thread(loop, functools.partial(ctx.run, run), abandon)
        except transport_failures.Abandoned:
            # (trio: the send was cancelled in the caller's scope, and the worker recorded
            # the call as abandoned) the caller's own cancellation follows at once
            await runtime.sleep(math.inf)
            raise
    return to_aio_response(answer, request.url)


async def _open_session(endpoint: Any, url: str) -> None:
    """Create the aiohttp session aiobotocore's send would have created for ``url``, as a
    live call leaves it: code that reads the client's state (s3fs rebuilds a client whose
    session is missing, on every call, until memory ran out in replay) sees it so. Creating
    it opens no connection; a version without this internal has nothing to mirror."""
    http = getattr(endpoint, "http_session", None)
    get_session = getattr(http, "_get_session", None)
    proxies = getattr(http, "_proxy_config", None)
    if get_session is None or proxies is None or getattr(http, "_sessions", None) is None:
        return
    try:
        await get_session(proxies.proxy_url_for(url))
    except (AttributeError, TypeError, RuntimeError):
        return  # (an http session of another shape: nothing to mirror)


def sending() -> bool:
    """True while aiobotocore sends one of its requests (through aiohttp) in this task."""
    return _sending.get()


class _AsyncRewind:
    """The bytes of a request body, and how to put an async body back where it started."""

    def __init__(self, body: bytes, stream: Any = None) -> None:
        self.body = body
        self._stream = stream

    async def aseek(self) -> None:
        if self._stream is None:
            return
        moved = self._stream.seek(0)
        if inspect.isawaitable(moved):
            await moved


async def _request_body(request: Any) -> Any:
    """Read the request body like ``http_messages.request_body``; aiobotocore's aws-chunked
    wrapper (``AioAwsChunkedWrapper``) reads with a coroutine, so it is awaited, then
    rewound to its start as aiobotocore's retries do."""
    body = request.body
    read = getattr(body, "read", None)
    if read is not None and inspect.iscoroutinefunction(read):
        chunks = []
        while chunk := await read():
            chunks.append(bytes(chunk))
        data = b"".join(chunks)
        if hasattr(body, "seek"):
            rewind = _AsyncRewind(data, body)
            await rewind.aseek()
            return rewind
        request.body = data
        return _AsyncRewind(data)
    plain = request_body(request)
    return _SyncRewind(plain)


class _SyncRewind(_AsyncRewind):
    def __init__(self, rewind: Any) -> None:
        super().__init__(rewind.body)
        self._rewind = rewind

    async def aseek(self) -> None:
        self._rewind()


async def _sign(
    self: Any,
    operation_name: str,
    request: Any,
    region_name: str | None = None,
    signing_type: str = "standard",
    *args: Any,
    **kwargs: Any,
) -> Any:
    """``intercept._sign`` for ``AioRequestSigner.sign``, a coroutine."""
    original = sync._originals["aio_sign"]
    if sync._offline() and not _any_library_doubled():
        if sync.skips_signing(self, operation_name, signing_type, sys._getframe(1)):
            return None  # the request comes to an offline layer, which never checks it
        if getattr(self, "_credentials", None) is None:
            signer = copy.copy(self)  # another task may sign with the client's meanwhile
            signer._credentials = sync._originals["aio_offline_credentials"]
            return await original(
                signer, operation_name, request, region_name, signing_type, *args, **kwargs
            )
    return await original(self, operation_name, request, region_name, signing_type, *args, **kwargs)


def _any_library_doubled() -> bool:
    """True while a test double stands in for an HTTP library aiobotocore sends through
    (``_library_doubled``): the request reaches the double, signed as live."""
    calls = sync._originals.get("aio_library_calls", {}).values()
    return any(_a_double(vars(owner).get(method), original) for owner, method, original in calls)


class _Content:
    """The part of aiohttp's ``StreamReader`` aiobotocore reads, over stored bytes."""

    def __init__(self, body: bytes) -> None:
        self._body = memoryview(body)
        self._position = 0

    def at_eof(self) -> bool:
        return self._position >= len(self._body)

    async def read(self, n: int = -1) -> bytes:
        end = len(self._body) if n is None or n < 0 else self._position + n
        chunk = bytes(self._body[self._position : end])
        self._position += len(chunk)
        return chunk

    async def readany(self) -> bytes:
        return await self.read()

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        """Yield the rest of the body as one chunk (event streams are decoded from it)."""
        chunk = await self.read()
        if chunk:
            yield chunk, True

    async def iter_any(self) -> AsyncIterator[bytes]:
        chunk = await self.read()
        if chunk:
            yield chunk


class _RawResponse:
    """The part of an aiohttp ``ClientResponse`` aiobotocore reads, over stored bytes."""

    def __init__(self, url: str, body: bytes) -> None:
        self.url = url
        self.content = _Content(body)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        """Nothing to close: the body is in memory."""

    def release(self) -> None:
        """Nothing to release: no connection is held."""


def to_aio_response(response: HttpResponse, url: str) -> Any:
    """Make an ``HttpResponse`` look like what aiobotocore's HTTP session returns."""
    from aiobotocore.awsrequest import AioAWSResponse

    response = served(response)
    return AioAWSResponse(
        url, response.status, dict(response.headers), _RawResponse(url, response.body)
    )
