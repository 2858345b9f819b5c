"""The moto-server recipe of docs/how-to/moto.md works as written: its ``conftest.py``
starts moto server on 127.0.0.1 only when the run records, and the cassettes it records
replay with no server and no credentials."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("moto.server")

DOC = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "moto.md"

APP_TEST = """
import os
import uuid

import boto3
import pytest


@pytest.mark.aws_cassette
def test_a_queue_round_trip():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    assert message["Body"] == "hello"
    # the recording run has the server; the replaying one has none
    with open(os.environ["RUNS"], "a") as runs:
        runs.write(os.environ.get("AWS_ENDPOINT_URL", "none") + "\\n")
"""


def conftest_of_the_doc() -> str:
    found = re.search(r'```python title="conftest.py"\n(.*?)^```$', DOC.read_text(), re.M | re.S)
    assert found, "docs/how-to/moto.md lost its conftest.py"
    return found.group(1)


def test_the_recipe_records_with_moto_server_and_replays_without(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytester.makeconftest(conftest_of_the_doc())
    pytester.makepyfile(test_app=APP_TEST)
    runs = tmp_path / "runs.txt"
    monkeypatch.setenv("RUNS", str(runs))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")  # moto takes any
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    pytester.runpytest_subprocess("--aws-record-mode=once", "-p", "no:randomly").assert_outcomes(
        passed=1
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
    recorded, replayed = runs.read_text().splitlines()
    assert recorded.startswith("http://127.0.0.1:") and replayed == "none"
    assert list((pytester.path / "cassettes").rglob("*.yaml"))
