"""moto server while recording (as docs/how-to/moto.md shows), one set of resources per
module (uuid names), and `observed`: what a test saw live is written down while recording
and compared while replaying, so any way replay is visible to the code fails the test."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from beacon import Beacon, HookLog
from beacon.app import REGION

OBSERVATIONS = Path(os.environ.get("BEACON_OBSERVATIONS") or Path(__file__).parent / "observations")
# sentinel secrets: they must never reach a cassette (the trial greps for them)
DB_PASSWORD = "SENTINELr10dbPassw0rd7f3a"
API_TOKEN = "SENTINELr10apiT0ken91c2"
SEALED_NOTE = "SENTINELr10kmsPlain5e8d"


def _mode(config: pytest.Config) -> str:
    return config.getoption("aws_record_mode") or config.getini("aws_record_mode") or "none"


@pytest.fixture(scope="session", autouse=True)
def moto_when_recording(pytestconfig: pytest.Config) -> Iterator[str | None]:
    if _mode(pytestconfig) == "none":
        yield None
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()


def make_names() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:12]
    s = boto3.Session(region_name=REGION)
    names = {
        "ssm_path": f"/beacon/{suffix}",
        "namespace": f"Beacon/{suffix}",
        "log_group": f"/beacon/{suffix}",
        "stream": f"beacon-{suffix}",
        "bus": f"beacon-bus-{suffix}",
        "role": f"arn:aws:iam::123456789012:role/beacon-{suffix}",
    }
    names["topic"] = s.client("sns").create_topic(Name=f"beacon-{suffix}")["TopicArn"]
    kinesis = s.client("kinesis")
    kinesis.create_stream(StreamName=names["stream"], ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(
        StreamName=names["stream"], WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    s.client("events").create_event_bus(Name=names["bus"])
    names["secret"] = s.client("secretsmanager").create_secret(
        Name=f"beacon/{suffix}/db",
        SecretString=json.dumps({"username": "beacon", "password": DB_PASSWORD, "port": 5432}),
    )["ARN"]
    ssm = s.client("ssm")
    ssm.put_parameter(Name=f"{names['ssm_path']}/api_token", Value=API_TOKEN, Type="SecureString")
    ssm.put_parameter(Name=f"{names['ssm_path']}/channel", Value="#ops-alerts", Type="String")
    ssm.put_parameter(Name=f"{names['ssm_path']}/limits/burst", Value="20", Type="String")
    names["key"] = s.client("kms").create_key(Description="beacon")["KeyMetadata"]["KeyId"]
    logs = s.client("logs")
    logs.create_log_group(logGroupName=names["log_group"])
    return names


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return make_names()


@pytest.fixture
def hooks() -> HookLog:
    return HookLog()


@pytest.fixture
def beacon(names: dict[str, str], hooks: HookLog) -> Beacon:
    return Beacon(names, hooks=hooks)


@pytest.fixture
def log_stream(names: dict[str, str], beacon: Beacon) -> str:
    stream = f"run-{uuid.uuid4().hex[:10]}"
    beacon.logs.create_log_stream(logGroupName=names["log_group"], logStreamName=stream)
    return stream


class Observed:
    def __init__(self, nodeid: str, recording: bool) -> None:
        self.path = OBSERVATIONS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".json")
        self.recording = recording
        self.values: dict[str, Any] = {}
        self.stored = (
            {} if recording or not self.path.exists() else json.loads(self.path.read_text())
        )

    def __call__(self, name: str, value: Any) -> Any:
        value = json.loads(json.dumps(value, default=str))
        self.values[name] = value
        if not self.recording:
            assert name in self.stored, f"nothing observed live for {name!r}"
            assert value == self.stored[name], (
                f"{name}: replay saw {value!r}, live saw {self.stored[name]!r}"
            )
        return value

    def save(self) -> None:
        if self.recording:
            OBSERVATIONS.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.values, indent=1, sort_keys=True) + "\n")


@pytest.fixture
def observed(request: pytest.FixtureRequest) -> Iterator[Observed]:
    obs = Observed(request.node.nodeid, _mode(request.config) != "none")
    yield obs
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed:
        obs.save()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    if rep.when == "call":
        item.rep_call = rep  # type: ignore[attr-defined]
    return rep
