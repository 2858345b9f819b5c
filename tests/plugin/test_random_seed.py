"""Values a test draws from Python's ``random`` replay (issue 43).

A sensor reading made up with ``random.uniform`` in a JSON message and a name drawn with
``random.choice`` in a module-scoped fixture have no generated shape, so they cannot bind:
the cassette records the seed ``random`` had, a new one per recording, and replay seeds it
again, for the test's set-up, its body (after any plugin that reseeds per test) and wide
fixtures. Replayed alone, shuffled, in another order: the same values. ``random``'s state
from before the test is put back after it.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from harness.plugin.random_seed import seeded
from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

SUITE = """
import json
import os
import random
import string

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")


def sqs():
    return boto3.client(
        "sqs", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )


@pytest.fixture(scope="module")
def queue():
    name = "readings-" + "".join(random.choice(string.ascii_lowercase) for _ in range(3))
    return sqs().create_queue(QueueName=name)["QueueUrl"]


@pytest.fixture
def reading():
    return {"celsius": round(random.uniform(-20, 40), 3)}


@pytest.mark.aws_cassette
def test_a_reading_is_sent(queue, reading):
    client = sqs()
    reading["humidity"] = random.random()
    client.send_message(QueueUrl=queue, MessageBody=json.dumps(reading))
    (got,) = client.receive_message(QueueUrl=queue)["Messages"]
    assert json.loads(got["Body"]) == reading


@pytest.mark.aws_cassette
def test_a_shuffled_batch_is_sent(queue):
    client = sqs()
    ids = [str(n) for n in range(5)]
    random.shuffle(ids)
    entries = [{"Id": i, "MessageBody": f"m{i}"} for i in ids]
    sent = client.send_message_batch(QueueUrl=queue, Entries=entries)
    assert [s["Id"] for s in sent["Successful"]] == ids
"""


def test_values_drawn_from_random_replay_in_any_order(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "2 passed" in out, out
    seeds = {
        yaml.safe_load(path.read_text())["metadata"]["harness"]["random_seed"]
        for path in (tmp_path / "cassettes").rglob("*.yaml")
    }
    assert len(seeds) == 3  # the module fixture's cassette and each test's: each its own
    assert "2 passed" in run_inner(tmp_path), out
    alone = run_inner(tmp_path, "test_app.py::test_a_shuffled_batch_is_sent")
    assert "1 passed" in alone, alone
    second, first = (
        "test_app.py::test_a_shuffled_batch_is_sent",
        "test_app.py::test_a_reading_is_sent",
    )
    reversed_order = run_inner(tmp_path, second, first)
    assert "2 passed" in reversed_order, reversed_order


def test_another_recording_draws_other_values(tmp_path: Path) -> None:
    """A seed per recording, not a fixed one: a suite recorded against AWS again draws
    fresh names (a fixed seed would collide with what the last run left behind)."""
    from harness.replay.recorder import CassetteRecorder

    seeds = {CassetteRecorder(tmp_path / f"{n}.yaml", "all").random_seed for n in range(5)}
    assert len(seeds) == 5


def test_the_state_of_random_before_is_put_back() -> None:
    random.seed(7)
    expected = random.random()
    random.seed(7)
    with seeded(1234):
        inside = random.random()
    assert random.random() == expected and inside != expected
