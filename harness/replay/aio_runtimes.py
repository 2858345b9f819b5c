"""The event loops aiobotocore calls are answered under (``harness.replay.aio``): one row
of ``RUNTIMES`` each: how to know it runs the task, how to run a handler chain on a worker
thread and the real send back on the loop, and the HTTP sessions it sends through."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

from harness.exchange import HttpResponse


@dataclass(frozen=True, kw_only=True)
class Runtime:
    """An event loop aiobotocore runs under: a row of ``RUNTIMES``.

    ``running()``: this runtime's handle on the loop running the current task, or None when
    another runs it. ``to_thread(handle, function, abandon)``: awaits ``function()`` run on a
    worker thread (a chain that may send), calling ``abandon()`` if the caller stops waiting.
    ``from_thread(handle, coroutine, started=None)``: on that worker thread, runs
    ``coroutine()`` on the loop (aiobotocore's real send) and waits for its answer, handing
    ``started`` the future it waits on when one can be cancelled (asyncio). ``sessions``: the
    aiobotocore HTTP sessions (module, class) it sends through, wrapped by ``_bottom``.
    ``sleep(seconds)``: awaits on that loop (a replayed long poll's hold, ``long_polls``;
    an abandoned call's, forever). ``cancelled()``: the exception a cancelled task gets.
    """

    name: str
    running: Callable[[], Any]
    to_thread: Callable[
        [Any, Callable[[], HttpResponse], Callable[[], None]], Awaitable[HttpResponse]
    ]
    from_thread: Callable[..., HttpResponse]
    sessions: tuple[tuple[str, str], ...]
    sleep: Callable[[float], Awaitable[None]]
    cancelled: Callable[[], type[BaseException]]


def _asyncio_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop, or None under another event loop (trio, through
    aiobotocore's httpx backend)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _asyncio_to_thread(
    loop: asyncio.AbstractEventLoop, function: Callable[[], HttpResponse], abandon: Any
) -> HttpResponse:
    """Await ``function()`` on our own bounded pool. Cancelled: ``abandon()``, then wait for a
    chain that began to end (at once: its send is cancelled) and keep the call: the caller,
    going on at once, could save the cassette first (a loaded CI machine did). The loop gets
    a turn every 10 ms of that wait (a layer of the chain may need it to end); bounded (5 s)
    if a handler blocks."""
    work = _pool().submit(function)
    try:
        return await asyncio.wrap_future(work, loop=loop)
    except asyncio.CancelledError:
        abandon()
        deadline = time.monotonic() + 5
        while not work.cancel() and not work.done() and time.monotonic() < deadline:
            futures.wait([work], timeout=0.01)
            with contextlib.suppress(asyncio.CancelledError):  # (a cancel scope cancels
                await asyncio.sleep(0)  # again at every await; the first is raised below)
        raise


def _asyncio_from_thread(
    loop: asyncio.AbstractEventLoop,
    coroutine: Callable[[], Coroutine[Any, Any, HttpResponse]],
    started: Callable[[Future[Any]], None] | None = None,
) -> HttpResponse:
    """Run ``coroutine()`` on ``loop`` from a worker thread and wait for it; ``started`` gets
    its future first (cancelling it cancels the coroutine's task and ends the wait)."""
    future = asyncio.run_coroutine_threadsafe(coroutine(), loop)
    if started is not None:
        started(future)
    return future.result()


#: The event loops aiobotocore calls are answered under, asked in order: the first whose
#: ``running()`` gives a handle runs the call.
RUNTIMES: tuple[Runtime, ...] = (
    Runtime(
        name="asyncio",
        running=_asyncio_loop,
        to_thread=_asyncio_to_thread,
        from_thread=_asyncio_from_thread,
        sessions=(("httpsession", "AIOHTTPSession"), ("httpxsession", "HttpxSession")),
        sleep=asyncio.sleep,
        cancelled=lambda: asyncio.CancelledError,
    ),
    Runtime(
        # trio, or any other event loop anyio knows: anyio carries the calls between threads
        name="anyio (trio)",
        running=lambda: True,  # (the last row: any loop not asyncio's)
        # (not cancellable: the chain keeps an abandoned call before the caller goes on)
        to_thread=lambda _, function, abandon: anyio_module().to_thread.run_sync(function),
        from_thread=lambda _, coroutine, started=None: cast(
            HttpResponse, anyio_module().from_thread.run(coroutine)
        ),
        sessions=(("httpxsession", "HttpxSession"),),
        sleep=lambda seconds: anyio_module().sleep(seconds),
        cancelled=lambda: cast(type[BaseException], anyio_module().get_cancelled_exc_class()),
    ),
)


def runtime_of_task() -> tuple[Runtime, Any]:
    """The runtime running the current task, and its handle on the loop."""
    for runtime in RUNTIMES:
        handle = runtime.running()
        if handle is not None:
            return runtime, handle
    raise AssertionError("the last runtime runs any loop")  # (unreachable)


def anyio_module() -> ModuleType:
    """anyio, which runs the handlers on a worker thread and the real send on the loop
    under any event loop anyio knows (trio). httpx, the backend trio needs, brings it."""
    try:
        import anyio.from_thread
        import anyio.to_thread
    except ImportError:
        raise RuntimeError(
            "botocore-harness records an aiobotocore call outside asyncio (trio) through "
            "anyio, which is not installed. Install it (pip install anyio), or record under "
            "asyncio; replay needs neither."
        ) from None
    return anyio


#: Worker threads for handler chains that may send. A chain waits on its loop, never on
#: this pool, so a bounded pool cannot deadlock; more concurrent recordings queue.
_WORKERS = 8
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(_WORKERS, thread_name_prefix="harness-aio")
        return _executor
