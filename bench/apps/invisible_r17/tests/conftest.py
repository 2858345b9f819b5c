"""moto server while recording, uuid names and `observed`: what a test saw live is written
down while recording and compared while replaying, so any way replay is visible to the code
fails the test (r16's pattern; record mode `once` mixes the two in one run)."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

OBSERVATIONS = Path(os.environ.get("DEPOT_OBSERVATIONS") or Path(__file__).parent / "observations")
# sentinel secrets: they must never reach a cassette (the trial greps for them)
SSE_C_KEY = b"SENTINELr17-ssec-key-0123456789a"  # 32 bytes
SESSION_TOKEN = "SENTINELr17SessionTokenFromTheApp"
PROCESS_SECRET = "SENTINELr17ProcessSecret/K7MDENGbPxRfi"
CONTAINER_TOKEN = "SENTINELr17ContainerAuthToken"
_SERVER: Any = None


def _mode(config: pytest.Config) -> str:
    return config.getoption("aws_record_mode") or config.getini("aws_record_mode") or "none"


def pytest_configure(config: pytest.Config) -> None:
    global _SERVER
    if _mode(config) == "none" or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from moto.server import ThreadedMotoServer

    _SERVER = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    _SERVER.start()
    host, port = _SERVER.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SERVER is not None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        _SERVER.stop()


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def depot(suffix):
    from depot import Depot

    return Depot(f"d{suffix}")


@pytest.fixture
def endpoint() -> str:
    """moto's address while recording; an address nobody listens on in replay."""
    return os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


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
def observed(request: pytest.FixtureRequest, aws_cassette: Any) -> Iterator[Observed]:
    # replaying or recording is the cassette's own answer (mode `once` mixes them)
    obs = Observed(request.node.nodeid, not aws_cassette.replay_only)
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
