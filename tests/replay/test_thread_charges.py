"""A thread that outlives its test (issue 62): its calls are charged to the test that started
it, and refused once that test has ended, instead of landing in the next test's cassette; a
pool reused across tests charges each work item to the test that submitted it; a wider
fixture's thread calls for the test running when it calls.

Real inner suites (pytest in a child process, the plugin, botocore clients, a moto server),
recorded and then replayed with the server stopped.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

SUITE = '''
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

KEYS = dict(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1",
    endpoint_url=os.environ["MOTO_ENDPOINT"],
)
go = threading.Event()
outcome = {}
state = {}


def _list(prefix):
    return boto3.client("sqs", **KEYS).list_queues(QueueNamePrefix=prefix)


def _late_call():
    go.wait(30)
    try:
        _list("late")
        outcome["late"] = "sent"
    except Exception as exc:
        outcome["late"] = type(exc).__name__


@pytest.mark.aws_cassette
def test_a_starts_a_thread_and_a_pool():
    state["thread"] = threading.Thread(target=_late_call, name="poller")
    state["thread"].start()
    state["pool"] = ThreadPoolExecutor(max_workers=1)
    state["pool"].submit(_list, "from-a").result()
    _list("main-a")


@pytest.mark.aws_cassette
def test_b_runs_when_the_thread_calls():
    go.set()
    state["thread"].join(30)
    assert outcome["late"] == "ThreadOutlivedItsTest"
    state["pool"].submit(_list, "from-b").result()  # a pool made in test a, reused
    state["pool"].shutdown()


@pytest.fixture(scope="module")
def worker():
    """A module fixture's thread (its cassette does not own it): it calls for the test
    running when it calls."""
    import queue

    asks, answers = queue.Queue(), queue.Queue()

    def serve():
        while (prefix := asks.get()) is not None:
            try:
                answers.put(_list(prefix) and "ok")
            except Exception as exc:
                answers.put(type(exc).__name__)

    thread = threading.Thread(target=serve, name="fixture-worker")
    thread.start()
    yield lambda prefix: (asks.put(prefix), answers.get(timeout=30))[1]
    asks.put(None)
    thread.join(30)


@pytest.mark.aws_cassette
def test_c_asks_a_fixture_thread(worker):
    assert worker("from-fixture-thread") == "ok"
'''


def _cassettes(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted((folder / "cassettes").rglob("*.yaml"))}


def test_a_thread_outliving_its_test_is_refused_and_a_reused_pool_is_charged_per_item(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_threads.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
        assert "3 passed" in out, out
    cassettes = _cassettes(tmp_path)
    a = next(text for name, text in cassettes.items() if "test_a" in name)
    b = next(text for name, text in cassettes.items() if "test_b" in name)
    assert "from-a" in a and "main-a" in a and "from-b" not in a
    assert "from-b" in b and "from-a" not in b
    assert "late" not in a + b  # the late call reached neither cassette
    c = next(text for name, text in cassettes.items() if "test_c" in name)
    assert "from-fixture-thread" in c
    # replay, the server gone: the same charges, the same refusal
    out = run_inner(tmp_path, "--aws-record-mode=none", MOTO_ENDPOINT=endpoint)
    assert "3 passed" in out, out
    assert _cassettes(tmp_path) == cassettes
