"""An aiobotocore body that fails while recording reaches the code as aiobotocore raises it.

Recording reads the whole body of each aiobotocore response before answering (as the sync
path does). A server that sends its headers and then stalls made that read fail with the
HTTP library's own exception (aiohttp's ``SocketTimeoutError``, httpx's ``ReadTimeout``),
which no code catches: aiobotocore's suite, ``test_connector_timeout2[asyncio-aiohttp]``,
expects botocore's ``ReadTimeoutError`` and failed while recording. The body is now read as
aiobotocore's session reads one it does not stream, inside its ``send``: the failure is
aiobotocore's mapping of it (``ReadTimeoutError``), recorded as the call's failure and
raised again in replay, as the sync path does with urllib3's.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "aiobotocore",
    reason="the async tests need the async extra: pip install -e '.[test,async]'",
)

from aiobotocore.config import AioConfig
from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.session import get_session
from botocore.exceptions import ReadTimeoutError

from harness.replay.recorder import CassetteRecorder
from tests.support.raw_server import RawServer


def _backends() -> list[Any]:
    backends: list[Any] = [pytest.param(AIOHTTPSession, id="aiohttp")]
    try:
        import httpx  # noqa: F401  (the backend needs it)
        from aiobotocore.httpxsession import HttpxSession
    except ImportError:
        return backends
    return [*backends, pytest.param(HttpxSession, id="httpx")]


class _StallsAfterHeaders(RawServer):
    """A loopback server that answers each request with a 200 and a Content-Length, sends
    no byte of the body, and holds the connection until closed."""

    def __init__(self) -> None:
        super().__init__(backlog=4, accept_timeout=0.2)
        self.stop = threading.Event()
        self.answered = threading.Event()  # set once headers went out
        self.held: list[socket.socket] = []
        self.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
            conn.sendall(head.encode())
            self.held.append(conn)
            self.answered.set()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        for conn in self.held:
            conn.close()
        self.sock.close()


def _s3(endpoint: str, config: AioConfig) -> Any:
    """An aiobotocore S3 client of ``endpoint`` (an async context manager)."""
    return get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


async def _get_object(endpoint: str, session_class: type) -> bytes:
    config = AioConfig(
        read_timeout=1,
        connect_timeout=5,
        retries={"max_attempts": 0},
        http_session_cls=session_class,
    )
    async with _s3(endpoint, config) as s3:
        response = await s3.get_object(Bucket="stalled", Key="key")
        async with response["Body"] as body:
            return bytes(await body.read())


@pytest.fixture
def fresh_httpx_error_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx maps httpcore's exceptions to its own through a table it fills once per
    process, from the ``httpcore`` imported then. An in-process pytester run of another
    test (``test_trio``) may have filled it with an ``httpcore`` it then dropped from
    ``sys.modules``: httpx would no longer map a ``ReadTimeout`` of the one imported now.
    Emptied for this test, the table is filled again from the current ``httpcore``."""
    try:
        from httpx._transports import default
    except ImportError:
        return
    monkeypatch.setattr(default, "HTTPCORE_EXC_MAP", {})


@pytest.mark.parametrize("session_class", _backends())
@pytest.mark.usefixtures("fresh_httpx_error_map")
def test_a_body_that_times_out_while_recording_raises_botocores_error_then_replays_it(
    tmp_path: Path, session_class: type
) -> None:
    path = tmp_path / "stalled.yaml"
    server = _StallsAfterHeaders()
    endpoint = server.endpoint
    try:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate(), pytest.raises(ReadTimeoutError):
            asyncio.run(_get_object(endpoint, session_class))
        recorder.save()
    finally:
        server.close()

    replay = CassetteRecorder(path, "none")
    with replay.activate(), pytest.raises(ReadTimeoutError):
        asyncio.run(_get_object(endpoint, session_class))  # (nothing listens now)
    assert replay.unused == []


async def _abandoned_get_object(
    endpoint: str, session_class: type, answered: threading.Event | None = None
) -> tuple[bool, float]:
    """A ``get_object`` the caller stops waiting for, its server holding the body: (whether
    the call returned, how long the caller waited). It stops waiting after 1 s, or, given
    ``answered`` (a server's), 0.5 s after the server sent its headers: a loaded machine
    can take longer than a fixed second to send the request at all, and a call cancelled
    before it is sent has nothing to record (CI's lowest-botocore job, once)."""
    import anyio

    config = AioConfig(read_timeout=30, retries={"max_attempts": 0}, http_session_cls=session_class)
    async with _s3(endpoint, config) as s3:
        returned = False
        start = time.perf_counter()
        async with anyio.create_task_group() as tasks:
            with anyio.CancelScope() as scope:
                tasks.start_soon(_stop_waiting, scope, answered)
                await s3.get_object(Bucket="stalled", Key="key")
                returned = True
            tasks.cancel_scope.cancel()
        return returned, time.perf_counter() - start


async def _stop_waiting(scope: Any, answered: threading.Event | None) -> None:
    """Cancel ``scope`` 1 s from now, or 0.5 s after ``answered`` is set (bounded: 20 s)."""
    import anyio

    if answered is None:
        await anyio.sleep(1)
    else:
        with anyio.move_on_after(20):
            while not answered.is_set():
                await anyio.sleep(0.02)
        await anyio.sleep(0.5)
    scope.cancel()


def _record_abandoned(path: Path, session_class: type, loop: str) -> tuple[str, Any]:
    """Record ``_abandoned_get_object`` into ``path``: the stalling server's endpoint (closed
    now) and what the call gave."""
    import anyio

    server = _StallsAfterHeaders()
    endpoint = server.endpoint
    try:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            got = anyio.run(
                _abandoned_get_object, endpoint, session_class, server.answered, backend=loop
            )
        recorder.save()
    finally:
        server.close()
    return endpoint, got


def _loops() -> list[Any]:
    """(event loop, session class): asyncio on each backend, trio on httpx."""
    loops = [pytest.param("asyncio", b.values[0], id=f"asyncio-{b.id}") for b in _backends()]
    try:
        import trio  # noqa: F401
        from aiobotocore.httpxsession import HttpxSession
    except ImportError:
        return loops
    return [*loops, pytest.param("trio", HttpxSession, id="trio-httpx")]


@pytest.mark.parametrize(("loop", "session_class"), _loops())
@pytest.mark.usefixtures("fresh_httpx_error_map")
def test_a_call_its_caller_stopped_waiting_for_is_recorded_as_abandoned_and_hangs_in_replay(
    tmp_path: Path, loop: str, session_class: type
) -> None:
    """aiobotocore's ``test_connector_timeout``: its calls are cancelled (``move_on_after``)
    while recording reads a body the server holds. The send went on after the cancel (under
    trio it was cancelled too, and nothing recorded it), and what it got came after the test
    and its cassette ended: nothing was kept, and replay missed. The call is now kept as
    abandoned when its caller stops waiting, and in replay no answer comes until the caller
    stops waiting again."""
    import anyio

    path = tmp_path / "abandoned.yaml"
    endpoint, (returned, waited) = _record_abandoned(path, session_class, loop)
    assert not returned and waited < 25
    assert "Abandoned" in path.read_text()

    replay = CassetteRecorder(path, "none")
    with replay.activate():
        returned, waited = anyio.run(_abandoned_get_object, endpoint, session_class, backend=loop)
    assert not returned and 0.9 < waited < 5  # held until the caller stopped waiting
    assert replay.misses == [] and replay.unused == []


@pytest.mark.usefixtures("fresh_httpx_error_map")
def test_a_replayed_abandoned_call_is_bounded_for_a_caller_that_waits_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that now waits longer than the recording's did (its timeout raised, or gone)
    is told, after ``ABANDONED_HOLD``, that the cassette holds no answer: not hung."""
    import anyio

    from harness.replay import aio
    from harness.replay.transport_failures import Abandoned

    session_class = _backends()[0].values[0]
    path = tmp_path / "abandoned.yaml"
    endpoint, _ = _record_abandoned(path, session_class, "asyncio")
    monkeypatch.setattr(aio, "ABANDONED_HOLD", 0.3)

    async def waits_longer() -> None:
        config = AioConfig(retries={"max_attempts": 0}, http_session_cls=session_class)
        async with _s3(endpoint, config) as s3:
            with anyio.fail_after(10):
                await s3.get_object(Bucket="stalled", Key="key")

    with CassetteRecorder(path, "none").activate(), pytest.raises(Abandoned, match="re-record"):
        anyio.run(waits_longer)


@pytest.mark.usefixtures("fresh_httpx_error_map")
def test_an_abandoned_call_is_kept_though_its_chain_ends_after_the_caller_went_on(
    tmp_path: Path,
) -> None:
    """CI's lowest-botocore job, once, on a loaded machine: the caller stopped waiting, went
    on and saved the cassette before the worker thread had kept the call as abandoned, so
    nothing was written. A layer between the recording and the network that is slow to fail
    (0.5 s) stands for the loaded machine: the cancelled caller now waits for its chain."""
    import anyio

    from harness.replay.intercept import intercept

    def slow_to_fail(call: Any, send: Any) -> Any:
        try:
            return send()
        except BaseException:
            time.sleep(0.5)
            raise

    path = tmp_path / "abandoned.yaml"
    server = _StallsAfterHeaders()
    try:
        recorder = CassetteRecorder(path, "all")
        with intercept(slow_to_fail), recorder.activate():  # (the recording innermost)
            returned, _ = anyio.run(
                _abandoned_get_object, server.endpoint, AIOHTTPSession, server.answered
            )
        recorder.save()
    finally:
        server.close()
    assert not returned
    assert "Abandoned" in path.read_text()


@pytest.mark.usefixtures("fresh_httpx_error_map")
def test_an_abandoned_call_whose_chain_needs_the_loop_to_end_is_kept(tmp_path: Path) -> None:
    """The cancelled caller waits for its chain to end (the test above) without blocking
    the event loop: a layer that, failing, asks the loop for something (as a handler that
    logs through an async logger does) would otherwise wait for a loop that waits for it,
    until the wait gave up (5 s), and the call was never kept."""
    import anyio

    from harness.replay.intercept import intercept

    loops: list[asyncio.AbstractEventLoop] = []

    def needs_the_loop_to_fail(call: Any, send: Any) -> Any:
        try:
            return send()
        except BaseException:
            asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loops[0]).result(timeout=8)
            raise

    async def on_this_loop(endpoint: str, answered: threading.Event) -> tuple[bool, float]:
        loops.append(asyncio.get_running_loop())
        return await _abandoned_get_object(endpoint, AIOHTTPSession, answered)

    path = tmp_path / "abandoned.yaml"
    server = _StallsAfterHeaders()
    try:
        recorder = CassetteRecorder(path, "all")
        with intercept(needs_the_loop_to_fail), recorder.activate():
            returned, _ = anyio.run(on_this_loop, server.endpoint, server.answered)
        recorder.save()
    finally:
        server.close()
    assert not returned
    assert "Abandoned" in path.read_text()
