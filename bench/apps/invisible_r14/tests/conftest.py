"""moto server (Lambda without docker) while recording (as docs/how-to/moto.md shows),
uuid names, and `observed`: what a test saw live is written down while recording and compared
while replaying, so any way replay is visible to the code fails the test."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from courseware import Courseware

OBSERVATIONS = Path(
    os.environ.get("COURSEWARE_OBSERVATIONS") or Path(__file__).parent / "observations"
)
# sentinel secrets: they must never reach a cassette (the trial greps for them)
LEARNER_PASSWORD = "SENTINELr14LearnerPassw0rd!9c"
PROCESS_SECRET = "SENTINELr14ProcessSecretKey4e1a"


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
    import urllib.request

    # Lambda without docker: an invoke answers with its payload (moto's simple backend)
    urllib.request.urlopen(
        urllib.request.Request(
            f"http://{host}:{port}/moto-api/config",
            data=b'{"lambda": {"use_docker": false}}',
            method="POST",
        )
    ).read()
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()


@pytest.fixture
def cw() -> Courseware:
    return Courseware()


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:10]


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
