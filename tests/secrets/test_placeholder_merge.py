"""Two writers of one cassette (pytest-xdist workers sharing ``name=``) never let one
placeholder number stand for two values: the second save renumbers its run's placeholders
above the file's counters, consistently across its interactions, and the merged file
replays both runs in one test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.session

from harness.cassettes.cassette import read_cassette
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.secrets.placeholders import renumbered
from harness.serve.http import LoopbackServer

SECRETS = {"a": "sntl-merge-secret-A1", "b": "sntl-merge-secret-B2"}
ACCOUNT = "210987654322"


class SecretsServer:
    """Secrets Manager's CreateSecret and GetSecretValue, kept in memory."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}

    def handle(self, request: HttpRequest) -> HttpResponse:
        target = request.header("X-Amz-Target", "") or ""
        params = json.loads(request.body or b"{}")
        name = params.get("Name") or params.get("SecretId")
        arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{name}"
        if target.endswith("CreateSecret"):
            self.kept[name] = params["SecretString"]
            data = {"ARN": arn, "Name": name}
        else:
            data = {"ARN": arn, "Name": name, "SecretString": self.kept[name]}
        return HttpResponse(
            200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(data).encode()
        )


def _client(session: botocore.session.Session, endpoint: str | None = None):  # type: ignore[no-untyped-def]
    return session.create_client(
        "secretsmanager", region_name="us-east-1", endpoint_url=endpoint or "http://127.0.0.1:9"
    )


def _session() -> botocore.session.Session:
    session = botocore.session.Session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "not-a-sentinel")
    return session


def _use(client, name: str) -> None:  # type: ignore[no-untyped-def]
    client.create_secret(Name=name, SecretString=SECRETS[name])
    assert client.get_secret_value(SecretId=name)["SecretString"] == SECRETS[name]


def test_two_workers_saving_one_cassette_never_share_a_placeholder_number(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.yaml"
    server = SecretsServer()
    session = _session()
    # both workers open the cassette before either saves: both number from 1
    first, second = CassetteRecorder(path, "once"), CassetteRecorder(path, "once")
    with LoopbackServer(server.handle) as loopback:
        with first.activate():
            _use(_client(session, loopback.endpoint_url), "a")
        with second.activate():
            _use(_client(session, loopback.endpoint_url), "b")
    first.save()
    second.save()

    text = path.read_text()
    assert not any(s in text for s in (*SECRETS.values(), ACCOUNT))
    exchanges = read_cassette(path).exchanges
    assert len(exchanges) == 4
    secret_of = [
        json.loads(e.request.body)["SecretString"] if i % 2 == 0 else
        json.loads(e.response.body)["SecretString"]
        for i, e in enumerate(exchanges)
    ]  # fmt: skip
    # one value, one placeholder, within each run; two values, two placeholders across runs
    assert secret_of[0] == secret_of[1] and secret_of[2] == secret_of[3]
    assert secret_of[0] != secret_of[2]
    accounts = {re.findall(r":(\d{12}):", e.response.body.decode())[0] for e in exchanges}
    assert len(accounts) == 2  # each run's account placeholder is its own number
    numbers = read_cassette(path).metadata["harness"]["placeholders"]
    assert numbers["secret"] == 3 and numbers["account"] == 3  # above every number used

    # the merged file replays both runs in one test, each value given back
    replay = CassetteRecorder(path, "none")
    with replay.activate():
        client = _client(session)
        _use(client, "a")
        _use(client, "b")


def test_renumbering_moves_only_this_runs_placeholders() -> None:
    text = "REDACTEDpswd0001 REDACTEDscrt0003 ASIAREDACTED00000002 999999990002 1999999990002"
    moved = renumbered(text, {"secret": 5, "akid": 1, "account": 10}, {"secret": 2, "akid": 1})
    assert (
        moved == "REDACTEDpswd0001 REDACTEDscrt0008 ASIAREDACTED00000003 999999990012 1999999990002"
    )
