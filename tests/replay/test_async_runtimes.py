"""Every event loop aiobotocore calls are answered under is one row of ``aio_runtimes.RUNTIMES``.

Each row says how to know it runs the task, how the handlers reach a worker thread and the
real send gets back to the loop, and which aiobotocore HTTP sessions it sends through.
Here each row serves its example: under its own loop it is the runtime chosen, a function
run on a worker thread runs a coroutine back on the loop and gets its answer, and its
sessions' ``send`` is wrapped once installed. (``test_async.py`` and ``test_trio.py``
record and replay whole apps under each.)
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

pytest.importorskip("aiobotocore", reason="the async tests need the async extra")

from harness.exchange import HttpResponse
from harness.replay import aio, aio_runtimes
from harness.replay.intercept import intercept

ROWS = {row.name: row for row in aio_runtimes.RUNTIMES}


def _run_asyncio(main: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(main())  # type: ignore[arg-type]


def _run_trio(main: Callable[[], Awaitable[Any]]) -> Any:
    trio = pytest.importorskip("trio")
    pytest.importorskip("anyio")
    return trio.run(main)


#: How to run a coroutine function under each row's event loop.
LOOPS = {"asyncio": _run_asyncio, "anyio (trio)": _run_trio}


def test_every_runtime_has_a_loop_here_and_the_last_runs_any() -> None:
    assert set(ROWS) == set(LOOPS)
    assert aio_runtimes.RUNTIMES[-1].running() is not None


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_runtime_is_chosen_under_its_loop_and_carries_calls_between_threads(
    name: str,
) -> None:
    loop_thread: list[int] = []

    async def receive() -> HttpResponse:
        loop_thread.append(threading.get_ident())  # (the real send runs on the loop)
        return HttpResponse(200, {}, b"sent")

    async def main() -> tuple[str, HttpResponse, int]:
        runtime, handle = aio_runtimes.runtime_of_task()
        here = threading.get_ident()

        def chain() -> HttpResponse:  # (the handlers, on a worker thread)
            assert threading.get_ident() != here
            return runtime.from_thread(handle, receive)

        answer = await runtime.to_thread(handle, chain, lambda: abandoned.append(True))
        return runtime.name, answer, here

    abandoned: list[bool] = []  # (the caller never stopped waiting)
    chosen, answer, here = LOOPS[name](main)
    assert chosen == name and abandoned == []
    assert answer == HttpResponse(200, {}, b"sent")
    assert loop_thread == [here]


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_runtimes_sessions_are_wrapped_once_installed(name: str) -> None:
    with intercept(lambda call, send: send()):
        wrapped = aio.sync._originals["aio_sessions"]
    for module, class_name in ROWS[name].sessions:
        try:
            session = getattr(importlib.import_module(f"aiobotocore.{module}"), class_name)
        except (ImportError, AttributeError):
            continue  # (a backend not installed: nothing to wrap)
        assert wrapped[session] is session.send
