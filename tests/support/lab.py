"""An inner pytest project plus the scripted loopback server, switched between record
and replay: the record/replay tests' shared lab."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from harness.replay.match_keys import canonical
from harness.secrets import Redactor
from harness.secrets.vault import mask
from tests.support.server import (
    ACCESS_KEY_ID,
    INSIGHT_ID,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    ScriptedServer,
)

CONFTEST = """
import json, os
from pathlib import Path

def pytest_aws_exchange(item, exchange):
    log = Path(os.environ["HARNESS_EXCHANGE_LOG"])
    with log.open("a") as handle:
        handle.write(json.dumps([item.name, exchange.label, exchange.source,
                                 exchange.response.status, exchange.index,
                                 Path(exchange.cassette).name]) + "\\n")
"""

HELPERS = """
import json, os
from pathlib import Path
import boto3

ENDPOINT = os.environ.get("HARNESS_TEST_ENDPOINT", "http://127.0.0.1:9")

def client(service, **kwargs):
    return boto3.session.Session().client(service, endpoint_url=ENDPOINT, **kwargs)

def save(name, result):
    out = Path(os.environ["HARNESS_RESULTS"]) / f"{name}-{os.environ['HARNESS_PHASE']}.json"
    out.write_text(json.dumps(result, default=str, sort_keys=True))
"""


QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning", "-p", "no:hypothesispytest")


class Lab:
    """An inner pytest project plus the scripted server, switched between record and replay."""

    def __init__(
        self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, server: ScriptedServer
    ) -> None:
        self.pytester = pytester
        self.monkeypatch = monkeypatch
        self.server = server
        self.results = pytester.path / "results"
        self.results.mkdir()
        self.log = pytester.path / "exchanges.log"
        pytester.makeconftest(CONFTEST)
        pytester.makepyfile(helpers=HELPERS)
        monkeypatch.setenv("HARNESS_RESULTS", str(self.results))
        monkeypatch.setenv("HARNESS_EXCHANGE_LOG", str(self.log))

    def record(self, *args: str) -> pytest.RunResult:
        """Run with sentinel credentials, the server up."""
        self.monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        self.monkeypatch.setenv("HARNESS_PHASE", "record")
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        self.monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
        self.monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        self.log.write_text("")
        with self.server.serve() as srv:
            self.monkeypatch.setenv("HARNESS_TEST_ENDPOINT", srv.endpoint_url)
            return self.pytester.runpytest(*args, *QUIET)

    def replay(self, *args: str) -> pytest.RunResult:
        """Run with the server stopped (its port closed), no credentials, a bogus profile."""
        self.monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        self.monkeypatch.setenv("HARNESS_PHASE", "replay")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            self.monkeypatch.delenv(name, raising=False)
        self.monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
        self.monkeypatch.setenv("AWS_PROFILE", "no-such-profile-on-this-machine")
        self.log.write_text("")
        return self.pytester.runpytest(*args, *QUIET)

    def exchanges(self) -> list[list[object]]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def cassettes(self) -> list[Path]:
        return sorted((self.pytester.path / "cassettes").rglob("*.yaml"))

    def same_results(self) -> list[str]:
        names = sorted(p.name.rsplit("-", 1)[0] for p in self.results.glob("*-record.json"))
        for name in names:
            # Replay answers carry placeholders where the recording had a secret or an
            # identifier the test never sent, and the test's own values where it sent them:
            # equal once both are redacted and the placeholders' numbering is set aside.
            recorded = json.loads((self.results / f"{name}-record.json").read_text())
            replayed = json.loads((self.results / f"{name}-replay.json").read_text())
            assert _shape(replayed) == _shape(recorded), name
        return names


def _shape(result: object) -> str:
    return mask(canonical({"result": Redactor().data(result)}))[0]


OTHER_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f01"

#: Two tests on one named cassette (``shared``): the lifecycle and prune tests' suite.
SHARED_CASSETTE_TESTS = f"""
import os, pytest
from helpers import client

@pytest.mark.aws_cassette("shared")
def test_first():
    client("xray").get_insight(InsightId="{INSIGHT_ID}")
    assert os.environ.get("FAIL") != "1"

@pytest.mark.aws_cassette("shared")
def test_second():
    if os.environ.get("SKIP_SECOND") != "1":
        client("xray").get_insight(InsightId="{OTHER_ID}")
"""
