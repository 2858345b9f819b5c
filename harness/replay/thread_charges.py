"""Which test a thread's botocore call belongs to (issue 62: a thread outliving its test).

A thread the code under test starts (a poller, a background uploader) may still call AWS
after its test ended, while the next test's cassette is open: sent on, its call would be
recorded into, or answered from, the cassette of a test that never made it. So each call is
*charged* to the intercept layers (``intercept``) its starting thread had entered, or was
charged to itself, when the thread was started; a work item handed to a thread pool
(``ThreadPoolExecutor.submit``, and so asyncio's ``run_in_executor``) likewise when it was
submitted: a pool made in one test and reused by the next charges each call to the test
that asked for it. (Layers another thread entered meanwhile are not the starter's: a thread
started beside them is not charged to them.) A call
whose charged layers are not all still active is refused with ``ThreadOutlivedItsTest``.
A thread started, or an item submitted, while no layer was active (a session's pool, a
server) is charged to whichever test runs when it calls.

Cost: a call asks a thread-local and its thread's attribute (about a microsecond); starting
a thread or submitting an item takes a snapshot of the layers (a handful).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harness.errors import HarnessError

#: The layers the work item running on this thread was submitted under (set while it runs).
_item = threading.local()
_ATTRIBUTE = "_harness_charged_layers"
_installed: list[bool] = []


class ThreadOutlivedItsTest(HarnessError):
    """A thread's botocore call came after the test that started it ended: it is refused
    rather than recorded into, or answered from, another test's cassette."""


def install(current: Callable[[], tuple[Any, ...]]) -> None:
    """Charge threads and pool work items from now on (once per process). ``current``:
    the active layers the calling thread entered, outermost first."""
    if _installed:
        return
    _installed.append(True)
    start = threading.Thread.start
    submit = ThreadPoolExecutor.submit

    @functools.wraps(start)
    def charged_start(self: threading.Thread) -> None:
        layers = _here(current())
        if layers:
            setattr(self, _ATTRIBUTE, layers)
        start(self)

    def charged_submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return submit(self, _charged(fn, _here(current())), *args, **kwargs)

    threading.Thread.start = charged_start  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = charged_submit  # type: ignore[method-assign, assignment]


def _charges() -> tuple[Any, ...]:
    """The layers the calling thread's work is charged to (its item's, else its own)."""
    charged: tuple[Any, ...] | None = getattr(_item, "layers", None)
    if charged is None:
        charged = getattr(threading.current_thread(), _ATTRIBUTE, ())
    return charged or ()


def _here(entered: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a thread or item started here is charged to: this thread's charges, then the
    layers it entered itself."""
    inherited = _charges()
    seen = {id(layer) for layer in inherited}
    return inherited + tuple(layer for layer in entered if id(layer) not in seen)


def _charged(fn: Callable[..., Any], layers: tuple[Any, ...]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        before = getattr(_item, "layers", None)
        _item.layers = layers  # (an empty tuple too: charged to whoever runs then)
        try:
            return fn(*args, **kwargs)
        finally:
            _item.layers = before

    return run


def check(active: Sequence[Any], operation_model: Any) -> None:
    """Raise ``ThreadOutlivedItsTest`` when a call of ``operation_model`` on this thread is
    charged to a layer that is no longer among ``active``."""
    charged = _charges()
    if not charged:
        return
    alive = {id(layer) for layer in active}
    if all(id(layer) in alive for layer in charged):
        return
    what = f"{operation_model.service_model.service_name}:{operation_model.name}"
    thread = threading.current_thread().name
    raise ThreadOutlivedItsTest(
        f"Thread {thread!r} called {what} after the test that started it (or submitted "
        "this work to its pool) had ended: its call would be recorded into, or answered "
        "from, the cassette of the test running now, which never made it, so it is "
        "refused. Join the thread, or shut its pool down, before the test ends (a fixture's "
        "teardown is a good place); a thread or pool started before any test (a "
        "session-scoped fixture) is charged to the test running when it calls."
    )
