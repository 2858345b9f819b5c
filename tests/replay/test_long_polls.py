"""An empty long poll is answered in replay after the wait it took live, not at once.

SQS ``ReceiveMessage(WaitTimeSeconds=2)`` on an empty queue comes back when the wait runs
out; replay answered it at once, so code timing it saw another service (aiobotocore 3.10.0's
``test_put_pull_wait``, one per backend, asserts more than 1.5 s). Now the answer of a
request naming a ``WaitTimeSeconds`` is held as long as the recording waited for it (at
most what the request asks); a poll that found a message comes at once. Sync botocore,
aiobotocore under asyncio, and under trio (awaited on the loop, which stays free).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("moto.server")

from tests.replay.test_async import QUIET
from tests.support.moto_server import moto_server as running_moto

INNER = """
import os, time

import boto3
import pytest

ENDPOINT = os.environ.get("HARNESS_SQS_ENDPOINT", "http://127.0.0.1:9")


def test_sync_long_poll():
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=ENDPOINT)
    url = sqs.create_queue(QueueName="polled")["QueueUrl"]
    start = time.perf_counter()
    empty = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
    took = time.perf_counter() - start
    assert "Messages" not in empty and took > 1.5
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    start = time.perf_counter()
    found = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
    assert found["Messages"][0]["Body"] == "hello"
    assert time.perf_counter() - start < 1.5  # a message: at once


def _async_poll(loop):
    aiobotocore = pytest.importorskip("aiobotocore")
    import anyio
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    config = None
    if loop == "trio":
        pytest.importorskip("trio")
        from aiobotocore.httpxsession import HttpxSession

        config = AioConfig(http_session_cls=HttpxSession)
    ticks = []

    async def ticker():  # the loop stays free while the answer is held
        for _ in range(10):
            ticks.append(time.perf_counter())
            await anyio.sleep(0.1)

    async def main():
        async with get_session().create_client(
            "sqs", region_name="us-east-1", endpoint_url=ENDPOINT, config=config
        ) as sqs:
            url = (await sqs.create_queue(QueueName=f"polled-{loop}"))["QueueUrl"]
            async with anyio.create_task_group() as tg:
                tg.start_soon(ticker)
                start = time.perf_counter()
                empty = await sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
                took = time.perf_counter() - start
        return empty, took

    empty, took = anyio.run(main, backend=loop)
    assert "Messages" not in empty and took > 1.5
    assert len(ticks) == 10


def test_asyncio_long_poll():
    _async_poll("asyncio")


def test_trio_long_poll():
    _async_poll("trio")
"""


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


def test_an_empty_long_poll_is_held_in_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    pytester.makepyfile(test_polls=INNER)
    (pytester.path / "conftest.py").write_text(
        "import pytest\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        item.add_marker(pytest.mark.aws_cassette)\n"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("HARNESS_SQS_ENDPOINT", moto_endpoint)
    recorded = pytester.runpytest("--aws-record-mode=once", *QUIET)
    outcomes = recorded.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1 and recorded.ret == 0, recorded.outlines
    monkeypatch.setenv("HARNESS_SQS_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    replayed = pytester.runpytest(*QUIET)
    replayed.assert_outcomes(passed=outcomes["passed"], skipped=outcomes.get("skipped", 0))
    # a suite that would rather not wait says so: answered at once (the timing assert fails)
    at_once = pytester.runpytest("--aws-long-polls=at-once", "-k", "test_sync_long_poll", *QUIET)
    at_once.assert_outcomes(failed=1)
    assert any("took > 1.5" in line for line in at_once.outlines), at_once.outlines


def test_a_mistyped_long_polls_setting_stops_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest("-o", "aws_long_polls=sometimes")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*aws_long_polls ini setting is 'sometimes'*at-once*"])
