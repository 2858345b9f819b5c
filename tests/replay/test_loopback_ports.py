"""A server the test starts on port 0 listens on a new port each run (issue 62): URLs built
from its address reach requests (a queue URL, a webhook) and responses. The ``port``
volatile kind binds the loopback address the recording was made against to the live one."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from harness.replay.volatile import Generated, Volatile, loopback_address
from tests.support.moto_server import moto_server

ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("http://127.0.0.1:49731/123/q", ["127.0.0.1:49731"]),
        ("https://localhost:51000/hook", ["localhost:51000"]),
        ("http://[::1]:40000/", ["[::1]:40000"]),
        ("http://127.0.0.1:32768/", ["127.0.0.1:32768"]),
        ("http://127.0.0.1:65535", ["127.0.0.1:65535"]),
        # a port a project fixes, one out of range, an address inside another name
        ("http://127.0.0.1:8000/", []),
        ("http://127.0.0.1:32767/", []),
        ("http://127.0.0.1:65536/", []),
        ("http://10.127.0.0.1:40000/", []),
        ("http://example.com:40000/", []),
    ],
)
def test_the_port_kind_is_a_loopback_address_on_a_port_the_system_picks(
    text: str, found: list[str]
) -> None:
    generated: list[Generated] = []
    Volatile(("port",)).mask_text(text, generated)
    assert [g.value for g in generated] == found
    assert loopback_address(text) == (found[0] if found else None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _app(endpoint: str) -> dict[str, Any]:
    """Code that builds URLs from the address of the server it was given."""
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=endpoint, **keys)
    listed = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    built = f"{endpoint}/{ACCOUNT}/jobs"
    sqs.send_message(QueueUrl=built, MessageBody="hello")
    sns = boto3.client("sns", region_name="us-east-1", endpoint_url=endpoint, **keys)
    topic = sns.create_topic(Name="events")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=f"{endpoint}/hook")
    return {"listed": listed}


def _recorder(path: Path, mode: str, kinds: str) -> CassetteRecorder:
    return CassetteRecorder(path, mode, policy=MatchPolicy(volatile=[kinds]))


def test_urls_built_from_a_new_port_replay_and_come_back_with_it(tmp_path: Path) -> None:
    path = tmp_path / "ports.yaml"
    with moto_server() as endpoint:
        recorder = _recorder(path, "all", "uuid hex alnum hash time port")
        with recorder.activate():
            live = _app(endpoint)
        recorder.save()
    assert live["listed"].startswith(endpoint)
    elsewhere = f"http://127.0.0.1:{_free_port()}"
    assert elsewhere != endpoint
    replay = _recorder(path, "none", "uuid hex alnum hash time port")
    with replay.activate():
        replayed = _app(elsewhere)  # (nothing listens there: every answer is the cassette's)
    # as a live server on the new port would answer: its own address in the queue URL
    assert replayed["listed"] == live["listed"].replace(endpoint, elsewhere)
    assert not replay.misses


def test_without_the_port_kind_a_url_built_from_a_new_port_misses(tmp_path: Path) -> None:
    path = tmp_path / "ports.yaml"
    with moto_server() as endpoint:
        recorder = _recorder(path, "all", "uuid hex alnum hash time")
        with recorder.activate():
            _app(endpoint)
        recorder.save()
    replay = _recorder(path, "none", "uuid hex alnum hash time")
    with replay.activate(), pytest.raises(CassetteMiss, match="QueueUrl"):
        _app(f"http://127.0.0.1:{_free_port()}")
