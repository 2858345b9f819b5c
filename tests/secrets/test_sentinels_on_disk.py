"""0 sentinels on disk: cassettes, sidecar indexes, pytest's cache, check caches, temp files.

A real inner suite is recorded through the plugin (moto server for AWS: a role assumed into
a non-example account, a secret written and read back, a cassette over the index size; a
loopback API for other HTTP: OAuth form and JSON, a bearer header, a multipart upload with a
binary file part, a query-string token, a secret read back). Then it replays twice (the
first replay builds the sidecar index, the second reads it), ``harness check`` and
``harness scan`` run over its cassettes with their caches in the suite's folder, and every
file under the suite's folder, its ``.pytest_cache`` and the temp folder the runs used is
searched for every sentinel: raw, base64 (each alignment), URL-encoded and JSON-escaped.
The sentinels reach the inner tests through the environment, so no source file (nor its
bytecode) holds one.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

import harness
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.moto_server import moto_server

SENTINELS = {
    "SNTL_ACCOUNT": "210987654329",
    "SNTL_SECRET_STRING": "sntlDiskSecretString0001",
    "SNTL_KEY_ID": "AKIASNTLDISKKEY00001",
    "SNTL_SECRET_KEY": "sntlDiskSecretAccessKey000000000000000001",
    "SNTL_SESSION": "IQoJsntlDiskSessionToken00000000000000001",
    "SNTL_CLIENT_SECRET": "sntlDiskClientSecret0001",
    "SNTL_PASSWORD": "sntlDiskPassword0001",
    "SNTL_BEARER": "sntlDiskBearerToken00000001",
    "SNTL_UPLOAD_TOKEN": "sntlDiskUploadToken0001",
    "SNTL_QUERY_TOKEN": "sntlDiskQueryToken0001",
}
#: made by the loopback API, never known to the test
SERVER_TOKEN = "sntlDiskServerAccessToken0001"

SUITE = """
import os
import boto3
import pytest
import requests

S = os.environ  # the sentinels: no source file holds one


def client(service, **credentials):
    return boto3.client(
        service, endpoint_url=S["MOTO_ENDPOINT"], region_name="us-east-1", **credentials
    )


@pytest.mark.aws_cassette
def test_aws():
    sts = client("sts")
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::" + S["SNTL_ACCOUNT"] + ":role/app", RoleSessionName="app"
    )["Credentials"]
    sm = client(
        "secretsmanager",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    arn = sm.create_secret(Name="db", SecretString=S["SNTL_SECRET_STRING"])["ARN"]
    assert arn.split(":")[4] == S["SNTL_ACCOUNT"]
    assert sm.get_secret_value(SecretId="db")["SecretString"] == S["SNTL_SECRET_STRING"]
    s3 = client("s3")
    s3.create_bucket(Bucket="big")
    big = "padding-line " * 90_000  # kept in a body file beside the cassette
    s3.put_object(Bucket="big", Key="k", Body=big.encode())
    assert s3.get_object(Bucket="big", Key="k")["Body"].read() == big.encode()
    logs = client("logs")  # documents over a megabyte: the cassette gets a sidecar index
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="s")
    # (filler words under 6 characters: replay's matching takes none for a made-up value,
    # as it took each "padding" of the megabyte, a quarter of each replay's time)
    for batch in range(3):
        events = [{"timestamp": 1700000000000 + batch * 1000 + n, "message": "pad-fill-row " * 200}
                  for n in range(150)]
        logs.put_log_events(logGroupName="app", logStreamName="s", logEvents=events)


@pytest.mark.aws_cassette
def test_other_http():
    api = S["OTHER_ENDPOINT"]
    token = requests.post(
        api + "/token",
        data={"grant_type": "client_credentials", "client_id": "app",
              "client_secret": S["SNTL_CLIENT_SECRET"]},
    ).json()["access_token"]
    auth = {"Authorization": "Bearer " + S["SNTL_BEARER"]}
    stored = requests.post(api + "/store", json={"password": S["SNTL_PASSWORD"]}, headers=auth)
    assert stored.status_code == 201
    upload = requests.post(
        api + "/upload",
        files={"file": ("blob.bin", bytes(range(256)) * 8, "application/octet-stream")},
        data={"access_token": S["SNTL_UPLOAD_TOKEN"], "title": "x"},
    )
    assert upload.status_code == 201
    back = requests.get(api + "/store?access_token=" + S["SNTL_QUERY_TOKEN"]).json()
    assert back["password"] == S["SNTL_PASSWORD"]
    assert token
"""


class Api:
    """The loopback API of the other-HTTP test: OAuth token, a store, an upload."""

    def __init__(self) -> None:
        self.stored: dict[str, str] = {}

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.url).path
        json_type = {"Content-Type": "application/json"}
        if path == "/token":
            assert parse_qs(request.body.decode())["client_secret"]
            data = {"access_token": SERVER_TOKEN, "token_type": "Bearer", "expires_in": 3600}
            return HttpResponse(200, json_type, json.dumps(data).encode())
        if path == "/store" and request.method == "POST":
            self.stored = json.loads(request.body)
            return HttpResponse(201, json_type, b"{}")
        if path == "/upload":
            assert b"\x00\x01\x02" in request.body
            return HttpResponse(201, json_type, b"{}")
        return HttpResponse(200, json_type, json.dumps(self.stored).encode())


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def forms(value: str) -> set[bytes]:
    """Every way a value could sit in a file: raw, URL- and JSON-encoded, base64 at each of
    the three alignments (its encoding inside a longer base64 run), standard and URL-safe."""
    raw = value.encode()
    found = {raw, quote(value, safe="").encode(), quote_plus(value).encode()}
    found.add(json.dumps(value)[1:-1].encode())
    for pad in range(3):
        encoded = base64.b64encode(b"\x00" * pad + raw)
        start, end = -(-8 * pad // 6), 8 * (pad + len(raw)) // 6  # characters of the value alone
        core = encoded[start:end]
        found.add(core)
        found.add(core.replace(b"+", b"-").replace(b"/", b"_"))
    return found


def run(folder: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout + done.stderr


def test_no_sentinel_anywhere_on_disk_after_record_replay_check_and_scan(
    tmp_path: Path, moto_endpoint: str
) -> None:
    suite, temp, home = tmp_path / "suite", tmp_path / "tmp", tmp_path / "home"
    for folder in (suite, temp, home):
        folder.mkdir()
    (suite / "test_app.py").write_text(SUITE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_"))}
    env.update(SENTINELS)
    # the harness under test, whatever the inner runs' folder is
    root = str(Path(harness.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        MOTO_ENDPOINT=moto_endpoint,
        AWS_ACCESS_KEY_ID=SENTINELS["SNTL_KEY_ID"],
        AWS_SECRET_ACCESS_KEY=SENTINELS["SNTL_SECRET_KEY"],
        AWS_SESSION_TOKEN=SENTINELS["SNTL_SESSION"],
        AWS_CONFIG_FILE=str(home / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        HARNESS_CHECK_CACHE=str(suite / ".harness_cache"),
    )
    pytest_args = ("-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:hypothesispytest")
    api = Api()
    with LoopbackServer(api.handle) as loopback:
        env["OTHER_ENDPOINT"] = loopback.endpoint_url
        out = run(suite, env, *pytest_args, "--aws-record-mode=once")
        assert "2 passed" in out, out
        endpoint = loopback.endpoint_url
    env.update(OTHER_ENDPOINT=endpoint, MOTO_ENDPOINT="http://127.0.0.1:9")  # both down
    companions = list((suite / "cassettes").rglob("*.index.json"))
    assert companions, "the save wrote no companion index"  # (searched below)
    for companion in companions:
        companion.unlink()
    for _ in range(2):  # the first replay writes both indexes again, the second reads one
        out = run(suite, env, *pytest_args, "--aws-record-mode=none")
        assert "2 passed" in out, out
    assert list((suite / ".pytest_cache").rglob("botocore-harness/index/*.index")), "no index"
    assert list((suite / "cassettes").rglob("*.index.json")), "no companion"
    out = run(suite, env, "-m", "harness", "check", "cassettes")
    assert "Traceback" not in out, out
    assert any((suite / ".harness_cache").rglob("*")), "harness check kept no report"
    out = run(suite, env, "-m", "harness", "scan", "cassettes")
    assert "No secrets found" in out, out

    searched = 0
    leaks = []
    for root in (suite, temp, home):
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name == "test_app.py":
                continue
            searched += 1
            data = path.read_bytes()
            for name, value in {**SENTINELS, "SERVER_TOKEN": SERVER_TOKEN}.items():
                if any(form in data for form in forms(value)):
                    leaks.append(f"{path.relative_to(tmp_path)}: {name}")
                if value in str(path):
                    leaks.append(f"{path.relative_to(tmp_path)} (its name): {name}")
    assert searched > 5
    assert not leaks, "\n".join(leaks)
