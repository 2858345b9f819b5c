"""aiobotocore's HTTP session called directly, and httpx's in-process transports, beside
vcrpy's cassette of a test's other HTTP (``other_http``).

A session called directly (instance metadata, a test's own TLS or proxy check) is no
operation: vcrpy records what its HTTP library answers, but a request that got no response
leaves vcrpy nothing, so it is recorded here as the exception the session raised and raised
again in replay (``session_send``). httpx's ``MockTransport``, ``WSGITransport`` and
``ASGITransport`` answer in the process: they keep their own methods while a cassette is
open (``in_process_transports_left_alone``). Imports neither ``aio`` nor ``other_http``,
which both use it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from harness.exchange import HttpResponse
from harness.replay import transport_failures
from harness.replay.miss_report import CassetteMiss

#: httpx's transports that answer in the process, never over the network (vcrpy's originals
#: of their methods): a test's ``MockTransport`` is its double of the network, a
#: ``WSGITransport`` or ``ASGITransport`` calls the test's own app.
_IN_PROCESS = (
    ("MockTransport", "handle_request", "_HttpxMockTransport_handle_request"),
    ("MockTransport", "handle_async_request", "_HttpxMockTransport_handle_async_request"),
    ("WSGITransport", "handle_request", "_HttpxWsgiTransport_handle_request"),
    ("ASGITransport", "handle_async_request", "_HttpxAsgiTransport_handle_async_request"),
)


@contextmanager
def in_process_transports_left_alone() -> Iterator[None]:
    """Give httpx's in-process transports back their own methods while vcrpy's cassette is
    open: what they answer is the test's (its handler, its app), called as live, in replay
    too; recorded, it was replayed from the cassette instead (a ``MockTransport``
    handler's fresh ``gzip.compress`` got the recording's bytes)."""
    from unittest import mock

    from vcr import patch as vcr_patch

    try:
        import httpx
    except ImportError:
        yield
        return
    with ExitStack() as stack:
        for transport, method, original in _IN_PROCESS:
            kind, own = getattr(httpx, transport, None), getattr(vcr_patch, original, None)
            if kind is not None and own is not None:
                stack.enter_context(mock.patch.object(kind, method, own))
        yield


#: The vcrpy cassettes open, innermost last (a process-wide list, as vcrpy's patches are).
_open: list[Any] = []


@contextmanager
def opened(cassette: Any) -> Iterator[None]:
    """While the block runs, ``cassette`` (vcrpy's) is the innermost one open."""
    _open.append(cassette)
    try:
        yield
    finally:
        _open.remove(cassette)


#: While ``session_send`` sends: set when the request comes to vcrpy's cassette.
reached_vcr: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "harness_vcrreached", default=None
)


class RecordedFailure(Exception):
    """Raised from vcrpy's replay of a request that got no response when it was recorded,
    out through the HTTP library's call, carrying the botocore exception to give back
    (``session_send`` raises it in place of the HTTP session's wrap of this one)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"recorded: the request got no response ({error})")
        self.error = error


async def session_send(original: Any, session: Any, request: Any) -> Any:
    """aiobotocore's HTTP session called directly, not for an operation (instance metadata,
    a test's own request): vcrpy records what its HTTP library answers, but a request that
    got no response (refused, TLS refused, a proxy refusing) leaves vcrpy nothing. Recorded
    here as the botocore exception the session raised (``transport_failures``, status 0),
    in the cassette's order; replayed by raising it again from the session's ``send``."""
    cassette = _open[-1] if _open else None
    if cassette is None:
        return await original(session, request)
    before = len(cassette.data)
    reached: list[bool] = []
    token = reached_vcr.set(reached)
    try:
        return await original(session, request)
    except transport_failures.BASES as error:
        cause = getattr(error, "kwargs", {}).get("error")
        if isinstance(cause, RecordedFailure):
            raise cause.error from None  # (the session wrapped it as an unknown exception)
        failed = transport_failures.as_response(error)
        if (
            failed is not None
            and not isinstance(cause, CassetteMiss)
            and reached  # (it came to vcrpy: not a double of the HTTP library answering)
            and not cassette.write_protected
            and len(cassette.data) == before  # (vcrpy kept nothing for it)
        ):
            cassette.append(_vcr_request(request), _failure_for_vcr(failed))
        raise
    finally:
        reached_vcr.reset(token)


def _vcr_request(request: Any) -> Any:
    """vcrpy's ``Request`` for an ``AWSPreparedRequest`` (a body that is not bytes or text,
    a stream, is left out: it would be read)."""
    from vcr.request import Request

    body = request.body if isinstance(request.body, bytes | str) else None
    headers = {str(k): text(v) for k, v in dict(request.headers or {}).items()}
    return Request(str(request.method).upper(), str(request.url), body, headers)


def _failure_for_vcr(failed: HttpResponse) -> dict[str, Any]:
    return {
        "status": {"code": failed.status, "message": ""},
        "headers": {k: [v] for k, v in failed.headers.items()},
        "body": {"string": failed.body},
    }


def text(value: Any) -> str:
    """A header's or body's value as text (bytes decoded, bad UTF-8 replaced)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
