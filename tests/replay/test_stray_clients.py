"""While recording, a client made before ``AWS_ENDPOINT_URL`` was set goes to AWS itself: the
run is told before the request leaves (``StrayClientWarning``).

The request never reaches the internet here: ``HTTPS_PROXY`` names a closed loopback port,
so the send fails on this machine after the warning (the failure is what the test's code
sees, as it would without the harness).
"""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from harness.errors import StrayClientWarning
from harness.replay import stray_clients
from harness.replay.recorder import CassetteRecorder


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stray_clients, "_told", set())
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        monkeypatch.delenv(name, raising=False)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _told(service: str, url: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stray_clients.warn_if_stray(service, url)
    return [str(w.message) for w in caught if issubclass(w.category, StrayClientWarning)]


def test_a_request_to_aws_while_the_environment_points_at_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "https://sqs.eu-west-1.amazonaws.com/"
    assert _told("sqs", url) == []  # nothing configured: AWS is where clients go
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com")
    assert _told("sqs", url) == []  # configured elsewhere than loopback: not our recipe
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    (message,) = _told("sqs", url)
    assert "sqs.eu-west-1.amazonaws.com" in message and "http://127.0.0.1:5000" in message
    assert "pytest_configure" in message
    assert _told("sqs", url) == []  # once per service and host
    assert _told("sqs", "http://127.0.0.1:5000/") == []  # the loopback server itself


def test_per_service_variables_and_the_ignore_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://localhost:4566")
    assert _told("s3", "https://s3.amazonaws.com/b") == []  # only SQS is pointed
    assert len(_told("sqs", "https://sqs.us-east-1.amazonaws.com/")) == 1
    monkeypatch.setattr(stray_clients, "_told", set())
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert _told("sqs", "https://sqs.us-east-1.amazonaws.com/") == []


def test_a_client_made_before_the_variable_is_told_of_while_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{_closed_port()}")
    made_at_import = boto3.client(
        "sqs",
        region_name="eu-west-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="stray/secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")  # the fixture, later
    recorder = CassetteRecorder(tmp_path / "c.yaml", "all")
    with (
        pytest.warns(StrayClientWarning, match=r"sqs\.eu-west-1\.amazonaws\.com"),
        recorder.activate(),
        pytest.raises(Exception, match=r"(?i)proxy|connect"),
    ):
        made_at_import.list_queues()
