"""A call that got no response replays as the same botocore exception, retries included.

Live, botocore raises ``EndpointConnectionError`` for a refused connection and
``ConnectionClosedError`` for a server that hangs up; its retry loop retries both. Replay
must give the test the same: the failure raised where it was, the retry answered by the
next recorded interaction (botocore's own integration suite: ``test_invalid_host_gaierror``
missed the cassette instead).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

from harness.contract.checker import check_all
from harness.replay.recorder import CassetteRecorder
from tests.support.raw_server import RawServer

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"


def _client(endpoint: str, attempts: int) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "max_attempts": attempts}),
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_replays_as_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "refused.yaml"
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate(), pytest.raises(EndpointConnectionError) as live:
        _client(endpoint, 2).list_queues()
    recorder.save()
    stored = yaml.safe_load(path.read_text())["interactions"]
    # the first attempt and two retries ("max_attempts" counts retries in botocore's Config)
    assert [i["response"]["status"]["code"] for i in stored] == [0, 0, 0]

    replay = CassetteRecorder(path, "none")
    with replay.activate(), pytest.raises(EndpointConnectionError) as again:
        _client(endpoint, 2).list_queues()
    assert str(again.value) == str(live.value)
    assert replay.unused == []
    # nothing to judge in a call that got no response: skipped, never a violation
    result = check_all(replay.exchanges)
    assert result.violations == [] and "EndpointConnectionError" in result.skipped[0].reason


class _HangsUpOnce(RawServer):
    """A loopback server that closes the first connection unanswered, then answers
    SQS ``ListQueues`` (json protocol) once."""

    def __init__(self) -> None:
        super().__init__(backlog=2, accept_timeout=10)
        self.start()

    def _serve(self) -> None:
        first, _ = self.sock.accept()
        first.recv(65536)
        first.close()
        second, _ = self.sock.accept()
        second.recv(65536)
        body = json.dumps({"QueueUrls": [QUEUE]}).encode()
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        second.sendall(head.encode() + body)
        second.close()

    def close(self) -> None:
        self.thread.join(timeout=10)
        self.sock.close()


def test_a_hang_up_then_a_retry_replays_in_the_same_order(tmp_path: Path) -> None:
    path = tmp_path / "retried.yaml"
    server = _HangsUpOnce()
    endpoint = server.endpoint
    recorder = CassetteRecorder(path, "all")
    retried: list[Any] = []
    try:
        client = _client(endpoint, 3)
        client.meta.events.register("needs-retry.sqs", lambda **kw: retried.append(1))
        with recorder.activate():
            live = client.list_queues()["QueueUrls"]
        recorder.save()
    finally:
        server.close()
    assert live == [QUEUE]

    replay = CassetteRecorder(path, "none")
    client = _client(endpoint, 3)
    replayed: list[Any] = []
    client.meta.events.register("needs-retry.sqs", lambda **kw: replayed.append(1))
    with replay.activate():
        assert client.list_queues()["QueueUrls"] == live
    assert len(replayed) == len(retried) and replay.unused == []


def test_harness_serve_gives_no_response_where_none_was_recorded(tmp_path: Path) -> None:
    """``harness serve --cassettes``: another SDK gets the connection closed unanswered,
    as the recording did (never an HTTP status 0)."""
    from tests.support.cassette_serving import serving

    path = tmp_path / "cassettes" / "refused.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate(), pytest.raises(EndpointConnectionError):
        _client(f"http://127.0.0.1:{_closed_port()}", 0).list_queues()
    recorder.save()
    with serving("--cassettes", path.parent) as server, pytest.raises(Exception) as served:
        _client(server.url, 0).list_queues()
    assert isinstance(served.value, EndpointConnectionError | ConnectionClosedError)
