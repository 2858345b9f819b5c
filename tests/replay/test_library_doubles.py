"""A double of the HTTP library under aiobotocore's session answers, as live, in replay too.

A test that replaces the call aiobotocore's session makes into its HTTP library
(``aiohttp.ClientSession.request``, ``httpx.AsyncClient.send``) with a mock stands it in for
the network, and reads what the call got (the timeouts a ``request-created`` handler set:
aiobotocore 3.10.0's ``test_read_timeout_override_from_request_created_handler``). Replay
answered from the cassette before the session ran, so the mock was never called
(``spy.call_args`` None). Now the double is called while recording and in replay alike,
with the request signed as live, and nothing of it is recorded.
"""

from __future__ import annotations

import pytest

pytest.importorskip("aiobotocore", reason="the async tests need the async extra")

from tests.replay.test_async import QUIET

INNER = """
from unittest import mock

import aiohttp
import anyio
import botocore.exceptions
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.session import AioSession

BACKENDS = [pytest.param(("asyncio", AIOHTTPSession, "aiohttp"), id="asyncio-aiohttp")]
try:
    import httpx
    from aiobotocore.httpxsession import HttpxSession
except ImportError:
    pass
else:
    BACKENDS.append(pytest.param(("asyncio", HttpxSession, "httpx"), id="asyncio-httpx"))
    try:
        import trio  # noqa: F401
    except ImportError:
        pass
    else:
        BACKENDS.append(pytest.param(("trio", HttpxSession, "httpx"), id="trio-httpx"))


@pytest.mark.aws_cassette
@pytest.mark.parametrize("backend", BACKENDS)
def test_double_of_the_library_is_called(backend):
    loop, session_class, library = backend
    if library == "httpx":
        double = mock.patch.object(httpx.AsyncClient, "send", side_effect=RuntimeError("stop"))
    else:
        double = mock.patch.object(
            aiohttp.ClientSession, "request", side_effect=RuntimeError("stop")
        )

    async def main():
        config = AioConfig(http_session_cls=session_class, connect_timeout=3, read_timeout=7,
                           retries={"max_attempts": 0})
        async with AioSession().create_client(
            "s3", "us-east-1", aws_access_key_id="xxx", aws_secret_access_key="xxx",
            config=config,
        ) as s3:
            s3.meta.events.register(
                "request-created.s3.ListBuckets",
                lambda request, **kwargs: request.context.update(read_timeout=1.5),
            )
            with pytest.raises(botocore.exceptions.HTTPClientError):
                await s3.list_buckets()

    with double as spy:
        anyio.run(main, backend=loop)
    assert spy.call_count == 1
    if library == "httpx":
        sent = spy.call_args.args[0]
        timeout = sent.extensions["timeout"]
        assert (timeout["connect"], timeout["read"]) == (3, 1.5)
        assert "authorization" in sent.headers
    else:
        timeout = spy.call_args.kwargs["timeout"]
        assert (timeout.sock_connect, timeout.sock_read) == (3, 1.5)
        assert "Authorization" in spy.call_args.kwargs["headers"]
"""


def test_library_doubles_are_called_in_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_doubles=INNER)
    recorded = pytester.runpytest("--aws-record-mode=once", *QUIET)
    passed = recorded.parseoutcomes().get("passed", 0)
    assert passed >= 1 and recorded.ret == 0, recorded.outlines
    pytester.runpytest(*QUIET).assert_outcomes(passed=passed)
    texts = [p.read_text() for p in (pytester.path / "cassettes").rglob("*.yaml")]
    assert not any("stop" in t for t in texts)  # nothing recorded (no failure to raise)
