"""aiobotocore's HTTP session called directly, its request getting no response: replayed.

aiobotocore's own code calls its HTTP session outside any operation (instance metadata for
credentials and the ``auto`` defaults mode), and so do tests of it (TLS refused, a proxy
refusing). Those requests are vcrpy's (``harness.replay.other_http``), and vcrpy records
only responses: a request refused live left nothing, so replay missed, and the miss failed
the test even where the code swallows the live ``EndpointConnectionError``. (aiobotocore
3.10.0's suite: 21 tests, 7 per backend.) Now the session's failure is recorded in the
cassette's order as the botocore exception it raised, and raised again in replay, under
every backend and event loop: aiohttp and httpx under asyncio, httpx under trio.
"""

from __future__ import annotations

import pytest

pytest.importorskip("aiobotocore", reason="the async tests need the async extra")

from tests.replay.test_async import QUIET
from tests.replay.test_async_transport_failures import fresh_httpx_error_map  # noqa: F401

INNER = """
import socket, ssl, threading

import anyio
import pytest
from aiobotocore.httpsession import AIOHTTPSession
from botocore.awsrequest import AWSRequest
from botocore.exceptions import EndpointConnectionError, SSLError

BACKENDS = [pytest.param(("asyncio", AIOHTTPSession), id="asyncio-aiohttp")]
try:
    from aiobotocore.httpxsession import HttpxSession
except ImportError:
    pass
else:
    BACKENDS.append(pytest.param(("asyncio", HttpxSession), id="asyncio-httpx"))
    try:
        import trio  # noqa: F401
    except ImportError:
        pass
    else:
        BACKENDS.append(pytest.param(("trio", HttpxSession), id="trio-httpx"))


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def plain_server():
    # answers a TLS handshake with plain text: the handshake fails
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\n\\r\\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock


def request(url):
    prepared = AWSRequest(method="GET", url=url, headers={"Accept": "application/json"}).prepare()
    prepared.stream_output = False
    return prepared


@pytest.mark.aws_cassette
@pytest.mark.parametrize("backend", BACKENDS)
def test_refused_and_swallowed(backend):
    loop, session_class = backend

    async def main():
        async with session_class() as session:
            with pytest.raises(EndpointConnectionError):
                await session.send(request(f"http://127.0.0.1:{closed_port()}/a?x=1"))
            try:  # as instance metadata's fetcher does: the failure swallowed
                await session.send(request(f"http://127.0.0.1:{closed_port()}/b"))
            except EndpointConnectionError:
                pass
        return "done"

    assert anyio.run(main, backend=loop) == "done"


@pytest.mark.aws_cassette
@pytest.mark.parametrize("backend", BACKENDS)
def test_tls_refused(backend):
    loop, session_class = backend
    server = plain_server()

    async def main():
        async with session_class() as session:
            with pytest.raises(SSLError):
                await session.send(request(f"https://127.0.0.1:{server.getsockname()[1]}/c"))

    try:
        anyio.run(main, backend=loop)
    finally:
        server.close()
"""


@pytest.mark.usefixtures("fresh_httpx_error_map")  # (the inner runs are in this process)
def test_direct_session_failures_record_then_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_direct=INNER)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    recorded = pytester.runpytest("--aws-record-mode=once", *QUIET)
    outcomes = recorded.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("error", 0) == 0, recorded.outlines
    texts = [p.read_text() for p in (pytester.path / "cassettes").rglob("*.yaml")]
    assert texts and all("x-botocore-harness-transport-failure" in t for t in texts)
    assert sum(t.count("EndpointConnectionError") for t in texts) >= 2 * len(texts) // 2

    # replay: nothing listens on those ports now, and the harness's defaults apply
    replayed = pytester.runpytest(*QUIET)
    replayed.assert_outcomes(passed=outcomes["passed"])
