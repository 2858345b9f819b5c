"""httpx's in-process transports are the test's own: called as live, in replay too.

vcrpy patches httpx's ``MockTransport``, ``WSGITransport`` and ``ASGITransport`` as it
patches the network transport, so a test's ``MockTransport`` handler (its double of the
network) was recorded and then replayed from the cassette instead of being called:
aiobotocore 3.10.0's ``test_httpx_content_encoded_body_validates_wire_bytes`` compares the
body with this run's ``gzip.compress`` (whose header holds the time) and got the
recording's. Nothing of them leaves the process: they are left alone, never recorded.
"""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")

from tests.replay.test_async import QUIET

INNER = """
import asyncio, gzip

import httpx
import pytest

CALLS = []


def handler(request):
    CALLS.append(request.url.path)
    wire = gzip.compress(b"hello " * 50)
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=wire)


@pytest.mark.aws_cassette
def test_sync_mock_transport():
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        response = client.get("http://example.com/sync")
    assert response.content == b"hello " * 50
    assert CALLS[-1] == "/sync"


@pytest.mark.aws_cassette
def test_async_mock_transport():
    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            request = client.build_request("GET", "http://example.com/async")
            return await client.send(request, stream=True)

    before = len(CALLS)
    raw = asyncio.run(main())
    assert len(CALLS) == before + 1  # the handler answered, not the cassette


@pytest.mark.aws_cassette
def test_wsgi_app():
    def app(environ, start_response):
        CALLS.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(len(CALLS)).encode()]

    with httpx.Client(transport=httpx.WSGITransport(app=app)) as client:
        assert client.get("http://app.local/wsgi").text == str(len(CALLS))
"""


def test_in_process_transports_are_called_in_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_transports=INNER)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    pytester.runpytest("--aws-record-mode=once", *QUIET).assert_outcomes(passed=3)
    texts = [p.read_text() for p in (pytester.path / "cassettes").rglob("*.yaml")]
    assert not any("example.com" in t or "app.local" in t for t in texts)  # never recorded
    pytester.runpytest(*QUIET).assert_outcomes(passed=3)
