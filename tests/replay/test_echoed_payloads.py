"""A value the client sent, redacted at record time, comes back as the client sent it when
the service echoes it (issue 59): Lambda ``Invoke``'s ``Payload`` is a sensitive blob, stored
as a placeholder in the request and, echoed by the function, as the whole response body.
Replay gave the placeholder's text back (``REDACTEDscrt0002``) in process and over
``harness serve``: wrong data. Recorded on moto server (its Lambda runs the function
without docker), replayed with another payload: an echo answers what it was given."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from pathlib import Path

import pytest

from harness.replay.recorder import CassetteRecorder
from tests.support.cassette_serving import client, serving
from tests.support.moto_server import moto_server

ECHO = "def handler(event, context):\n    return event\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("echo.py", ECHO)
    return buffer.getvalue()


def _without_docker(moto: str) -> None:
    """moto's Lambda runs a Python function in process (no docker here)."""
    config = json.dumps({"lambda": {"use_docker": False}}).encode()
    request = urllib.request.Request(f"{moto}/moto-api/config", data=config, method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def _create_and_invoke(endpoint: str) -> bytes:
    """The echo function created on ``endpoint`` and invoked once with ``{"n": 1}``."""
    role = client("iam", endpoint).create_role(RoleName="echo", AssumeRolePolicyDocument="{}")
    lam = client("lambda", endpoint)
    lam.create_function(
        FunctionName="echo",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="echo.handler",
        Code={"ZipFile": _zip()},
    )
    return bytes(lam.invoke(FunctionName="echo", Payload=b'{"n": 1}')["Payload"].read())


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cassette of an echo function created and invoked once, with ``{"n": 1}``."""
    folder = tmp_path_factory.mktemp("echo") / "cassettes"
    with moto_server() as moto:
        _without_docker(moto)
        recorder = CassetteRecorder(folder / "echo.yaml", "all")
        with recorder.activate():
            live = _create_and_invoke(moto)
        recorder.save()
    assert json.loads(live) == {"n": 1}  # what the server sent
    stored = (folder / "echo.yaml").read_text()
    assert '{"n": 1}' not in stored and "REDACTED" in stored  # a sensitive blob: redacted
    return folder


@pytest.mark.parametrize("payload", [b'{"n": 1}', b'{"n": 2, "who": "another run"}'])
def test_an_echoed_payload_replays_in_process_as_sent(cassettes: Path, payload: bytes) -> None:
    recorder = CassetteRecorder(cassettes / "echo.yaml", "none")
    with recorder.activate():
        got = client("lambda", "http://127.0.0.1:9").invoke(FunctionName="echo", Payload=payload)
        assert got["Payload"].read() == payload


def test_an_echoed_payload_replays_over_serve_as_sent(cassettes: Path) -> None:
    payload = b'{"n": 3, "via": "serve"}'
    with serving("--cassettes", cassettes) as server:
        got = client("lambda", server.url).invoke(FunctionName="echo", Payload=payload)
        assert got["Payload"].read() == payload


def test_an_echoed_payload_recorded_through_serve_replays_as_sent(tmp_path: Path) -> None:
    folder = tmp_path / "through-serve"
    with moto_server() as moto, serving("--record-to", folder, "--upstream", moto) as recording:
        _without_docker(moto)
        assert json.loads(_create_and_invoke(recording.url)) == {"n": 1}
    assert '{"n": 1}' not in "".join(p.read_text() for p in folder.glob("*.yaml"))
    payload = b'{"n": 4, "via": "record-to"}'
    with serving("--cassettes", folder) as server:
        client("iam", server.url).create_role(RoleName="echo", AssumeRolePolicyDocument="{}")
        got = client("lambda", server.url).invoke(FunctionName="echo", Payload=payload)
        assert got["Payload"].read() == payload
