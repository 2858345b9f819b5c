"""A test's other HTTP (requests, urllib3, httpx) in the same cassette, and no network in replay.

Real inner pytest runs: boto3 talks X-Ray to the scripted loopback server, ``requests``,
``urllib3`` and ``httpx`` talk to a second loopback HTTP server; replay runs with both stopped
while an audit hook counts every socket connect and DNS lookup of the process.
"""

from __future__ import annotations

import gzip
import io
import json
import socket
import sys
import threading
from base64 import b64decode, b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cassettes.cassette import is_other_http, load_yaml, read_cassette
from harness.cassettes.entries import read_entries
from harness.cli import run
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.lab import Lab
from tests.support.server import INSIGHT_ID, ScriptedServer

BEARER = "sentinelBearerToken0123456789abcdef"
PASSWORD = "sentinel-url-password-42"
SESSION_INFO_TOKEN = "sntlSessionInfo7c41d09b2e"

# --------------------------------------------------------------------------- socket audit

_audit_lock = threading.Lock()
_audited: list[tuple[str, Any]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _audited is None or event not in ("socket.connect", "socket.getaddrinfo"):
        return
    if event == "socket.connect" and getattr(args[0], "family", None) == socket.AF_UNIX:
        return
    with _audit_lock:
        if _audited is not None:
            _audited.append((event, args[1] if event == "socket.connect" else args[0]))


sys.addaudithook(_audit)  # once per process; inert unless a test is counting


@contextmanager
def socket_audit() -> Iterator[list[tuple[str, Any]]]:
    """Every socket connect and DNS lookup of the process while the block runs."""
    global _audited
    seen: list[tuple[str, Any]] = []
    _audited = seen
    try:
        yield seen
    finally:
        _audited = None


# --------------------------------------------------------------------------- servers


class OtherServer:
    """A small non-AWS HTTP API on loopback: JSON weather, an echo, and what it received."""

    def __init__(self) -> None:
        self.received: list[HttpRequest] = []
        self.stored: dict[str, Any] = {}
        self._server: LoopbackServer | None = None
        self.endpoint = ""

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.received.append(request)
        if "/store" in request.url:  # keeps what is POSTed, gives it back on GET
            if request.method == "POST":
                self.stored = json.loads(request.body)
                return HttpResponse(201, {"Content-Type": "application/json"}, b"{}")
            token = request.url.split("access_token=")[-1] if "access_token=" in request.url else ""
            data = {**self.stored, "seen_token": token}
            headers = {"Content-Type": "application/json", "Location": f"/store?t={token}"}
            return HttpResponse(200, headers, json.dumps(data).encode())
        if "/gzip" in request.url:  # compressed as a server compresses (level 6, no name)
            token = request.url.split("token=")[-1] if "token=" in request.url else ""
            data = json.dumps({"seen_token": token, "rows": list(range(200))}).encode()
            headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
            return HttpResponse(200, headers, gzip.compress(data, compresslevel=6, mtime=0))
        if "/whoami" in request.url:  # a session's details in a base64 JSON header
            info = json.dumps({"user": "alice", "token": SESSION_INFO_TOKEN}).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Session-Info": b64encode(info).decode(),
            }
            return HttpResponse(200, headers, b'{"user": "alice"}')
        if request.url.startswith("/echo") or "/echo" in request.url:
            return HttpResponse(200, {"Content-Type": "text/plain"}, b"echo:" + request.body)
        city = request.url.split("city=")[-1].split("&")[0] if "city=" in request.url else "?"
        data = {"city": city, "temperature": 21, "accessToken": "sentinel-response-token"}
        return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(data).encode())

    @contextmanager
    def serve(self, port: int = 0) -> Iterator[OtherServer]:
        with LoopbackServer(self.handle, port=port) as server:
            self.endpoint = server.endpoint_url
            yield self


MIXED = f"""
import os, pytest, requests, urllib3
from helpers import client, save

@pytest.mark.aws_cassette{{marker}}
def test_mixed():
    insight = client("xray").get_insight(InsightId="{INSIGHT_ID}")["Insight"]
    other = os.environ["OTHER_ENDPOINT"]
    weather = requests.get(
        other + "/weather?city=Oslo&password={PASSWORD}",
        headers={{"Authorization": "Bearer {BEARER}", "X-Trace": "t-1"}},
    )
    assert weather.status_code == 200
    echo = urllib3.PoolManager().request("POST", other + "/echo", body=b"ping")
    save("mixed", {{"insight": insight["InsightId"], "weather": weather.json(),
                   "echo": echo.data.decode()}})
"""


class MixedLab(Lab):
    """The record/replay lab plus the non-AWS server, on one port for record and replay."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(pytester, monkeypatch, ScriptedServer())
        self.other = OtherServer()
        with self.other.serve():  # pick a free port, then keep it (vcrpy matches on port)
            self.port = int(self.other.endpoint.rsplit(":", 1)[1])
        monkeypatch.setenv("OTHER_ENDPOINT", f"http://127.0.0.1:{self.port}")

    def record(self, *args: str) -> pytest.RunResult:
        self.monkeypatch.delenv("AWS_PROFILE", raising=False)  # left by a replay
        with self.other.serve(self.port):
            return super().record(*args)

    def write(self, source: str = MIXED, marker: str = "", ini: str = "") -> None:
        self.pytester.makepyfile(test_mixed=source.replace("{marker}", marker))
        if ini:
            self.pytester.makeini(f"[pytest]\n{ini}\n")

    @property
    def cassette(self) -> Path:
        return self.pytester.path / "cassettes/test_mixed/test_mixed.yaml"

    def other_requests(self) -> list[str]:
        data = load_yaml(self.cassette.read_bytes())
        return [
            f"{i['request']['method']} {i['request']['uri'].split(':', 2)[2].split('/', 1)[1]}"
            for i in data["interactions"]
            if is_other_http(i)
        ]


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[MixedLab]:
    yield MixedLab(pytester, monkeypatch)


# --------------------------------------------------------------------------- tests


def test_aws_and_other_http_share_one_cassette_and_replay_without_any_socket(
    lab: MixedLab,
) -> None:
    lab.write()
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    # the secrets really went out: the server saw them
    sent = lab.other.received[0]
    assert sent.header("Authorization") == f"Bearer {BEARER}" and PASSWORD in sent.url
    assert [c.name for c in lab.cassettes()] == ["test_mixed.yaml"]

    text = lab.cassette.read_text()
    for secret in (BEARER, PASSWORD, "sentinel-response-token"):
        assert secret not in text
    cassette = read_cassette(lab.cassette)
    # botocore's request is recorded once, by us; requests and urllib3 by vcrpy
    assert [e.label for e in cassette.exchanges] == ["xray:GetInsight"]
    assert lab.other_requests() == ["GET weather?city=Oslo&password=REDACTEDpswd0001", "POST echo"]
    weather = cassette.other[0]
    assert "Authorization" not in weather["request"]["headers"]
    assert weather["request"]["headers"]["X-Trace"] == ["t-1"]
    # plain vcrpy loads the file: all three interactions
    requests, responses, *_ = deserialize(lab.cassette.read_text(), yamlserializer)
    assert len(requests) == len(responses) == 3
    # the cassette tools list every interaction, in file order
    entries, _ = read_entries(lab.cassette)
    assert [e.index for e in entries] == [0, 1, 2]
    assert entries[0].label == "xray:GetInsight"
    assert [e.exchange is None for e in entries] == [False, True, True]

    before = lab.cassette.read_bytes()
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)
    assert seen == []  # no connect, no lookup: both servers are down anyway
    with socket_audit() as seen:  # with the network block off: replay itself opens nothing
        lab.replay("--aws-allowed-hosts=*").assert_outcomes(passed=1)
    assert seen == []
    assert lab.same_results() == ["mixed"]
    replayed = json.loads((lab.results / "mixed-replay.json").read_text())
    assert replayed["echo"] == "echo:ping" and replayed["weather"]["city"] == "Oslo"
    # the response was redacted too: a token the server made replays as a placeholder
    # the token the service made comes back as a stand-in of its shape, never the real one
    token = replayed["weather"]["accessToken"]
    assert token != "sentinel-response-token" and "REDACTED" not in token
    assert len(token) == len("sentinel-response-token")
    assert lab.cassette.read_bytes() == before

    # new_episodes with nothing new, servers up: every request matches, none is sent, and
    # the file is left byte for byte
    with socket_audit() as seen:
        lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=1)
    assert seen == [] and len(lab.other.received) == 2
    assert lab.cassette.read_bytes() == before


SECRETS_SENT = f"""
import os, pytest, requests

@pytest.mark.aws_cassette{{marker}}
def test_mixed():
    other = os.environ["OTHER_ENDPOINT"]
    session = requests.Session()
    session.headers["Authorization"] = "Bearer {BEARER}"
    session.headers["X-Api-Key"] = "sentinel-api-key-header"
    session.cookies.set("session", "sentinel-cookie-value")
    reply = session.post(
        other + "/weather?city=Oslo&password={PASSWORD}",
        json={{"user": "me", "password": "sentinel-body-password", "accessToken": "sentinel-jwt"}},
    )
    assert reply.status_code == 200
    userinfo = other.replace("http://", "http://me:sentinel-basic-password@")
    assert requests.get(userinfo + "/weather?city=Basic").status_code == 200
"""


def test_sentinel_secrets_of_other_http_never_reach_the_cassette(lab: MixedLab) -> None:
    lab.write(SECRETS_SENT)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    first, second = lab.other.received
    assert first.header("Authorization") == f"Bearer {BEARER}"  # they were really sent
    assert "sentinel-body-password" in first.body.decode()
    assert second.header("Authorization", "").startswith("Basic ")
    text = lab.cassette.read_text()
    for secret in (
        BEARER,
        PASSWORD,
        "sentinel-api-key-header",
        "sentinel-cookie-value",
        "sentinel-body-password",
        "sentinel-jwt",
        "sentinel-basic-password",
        "sentinel-response-token",
        "Basic ",
    ):
        assert secret not in text, secret
    # and replay still matches the redacted requests
    lab.replay().assert_outcomes(passed=1)


READ_BACK = """
import os, pytest, requests

@pytest.mark.aws_cassette
def test_mixed():
    other = os.environ["OTHER_ENDPOINT"]
    secret = {"name": "db", "password": "sntl-store-password-31", "api_key": "sntl-store-key-32"}
    assert requests.post(other + "/store", json=secret).status_code == 201
    back = requests.get(other + "/store?access_token=sntl-query-token-33")
    assert back.json() == {**secret, "seen_token": "sntl-query-token-33"}
    assert back.url.endswith("access_token=sntl-query-token-33")
    assert back.headers["Content-Length"] == str(len(back.content))
    made = requests.get(other + "/weather?city=Oslo").json()["accessToken"]
    assert made == "sentinel-response-token" or made.startswith("REDACTEDtokn")  # not ours
"""


def test_other_http_replay_gives_back_the_values_the_test_supplied(lab: MixedLab) -> None:
    lab.write(READ_BACK)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    text = lab.cassette.read_text()
    for secret in ("sntl-store-password-31", "sntl-store-key-32", "sntl-query-token-33"):
        assert secret not in text, secret
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)  # the secrets come back as the test sent them
    assert seen == []
    # binding is per value: the same request with a changed non-secret value still misses
    lab.write(READ_BACK.replace("/store?access_token", "/store2?access_token"))
    lab.replay().assert_outcomes(failed=1)


def test_a_non_aws_miss_names_the_request_and_how_to_record_it(lab: MixedLab) -> None:
    lab.write()
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.write(MIXED.replace("city=Oslo", "city=Bergen"))
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*OtherHttpMiss: No recorded response for GET http://127.0.0.1:{lab.port}"
            "/weather?city=Bergen&password=REDACTED (a non-AWS request, recorded by vcrpy) "
            "in cassette *test_mixed.yaml (record mode 'none').",
            "*The cassette holds 2 non-AWS request(s):",
            f"*GET http://127.0.0.1:{lab.port}/weather?city=Oslo&password=REDACTEDpswd0001",
            "*To record it, run:",
            "*pytest test_mixed.py::test_mixed --aws-record-mode=new_episodes",
        ]
    )
    message = [line for line in result.stdout.lines if line.startswith("E ")]
    assert message and not any(PASSWORD in line for line in message)


def test_a_swallowed_non_aws_miss_still_fails_the_test(lab: MixedLab) -> None:
    lab.write(
        """
import os, pytest, requests

@pytest.mark.aws_cassette{marker}
def test_mixed():
    try:
        requests.get(os.environ["OTHER_ENDPOINT"] + "/weather?city=Oslo")
    except Exception:
        pass  # the code under test hides the failure
"""
    )
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*OtherHttpMiss: No recorded response for GET *city=Oslo*",
            "*The cassette file does not exist.",
            "*pytest test_mixed.py::test_mixed --aws-record-mode=once",
        ]
    )


def test_record_modes_apply_to_non_aws_requests(lab: MixedLab) -> None:
    lab.write()
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.other.received) == 2
    # once, with the cassette there: replay only, the server is not asked
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.other.received) == 2
    # new_episodes: the known requests replay, the new one is recorded and appended
    lab.write(MIXED.replace('"/echo"', '"/echo?again=1"'))
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=1)
    assert len(lab.other.received) == 3
    assert lab.other_requests() == [
        "GET weather?city=Oslo&password=REDACTEDpswd0001",
        "POST echo",
        "POST echo?again=1",
    ]
    # all: everything goes to the servers again and replaces the cassette
    lab.record("--aws-record-mode=all").assert_outcomes(passed=1)
    assert len(lab.other.received) == 5
    assert lab.other_requests() == [
        "GET weather?city=Oslo&password=REDACTEDpswd0001",
        "POST echo?again=1",
    ]
    assert len(read_cassette(lab.cassette).exchanges) == 1
    # none without a recording of it: a miss, nothing sent
    lab.write(MIXED.replace('"/echo?again=1"', '"/echo?third=1"'))
    lab.record().assert_outcomes(failed=1)
    assert len(lab.other.received) == 5


def test_tests_sharing_a_cassette_keep_each_others_other_http(lab: MixedLab) -> None:
    lab.write(
        """
import os, pytest, requests

@pytest.mark.aws_cassette("shared")
def test_a():
    assert requests.get(os.environ["OTHER_ENDPOINT"] + "/weather?city=A").json()["city"] == "A"

@pytest.mark.aws_cassette("shared")
def test_b():
    assert requests.get(os.environ["OTHER_ENDPOINT"] + "/weather?city=B").json()["city"] == "B"
"""
    )
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=2)
    shared = lab.pytester.path / "cassettes/test_mixed/shared.yaml"
    assert len(read_cassette(shared).other) == 2
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=2)
    assert seen == []


def test_urllib3_and_httpx_record_and_replay(lab: MixedLab) -> None:
    pytest.importorskip("httpx")
    lab.write(
        """
import os, httpx, pytest, urllib3
from helpers import save

@pytest.mark.aws_cassette{marker}
def test_mixed():
    other = os.environ["OTHER_ENDPOINT"]
    with httpx.Client() as client:
        sync = client.get(other + "/weather?city=Sync").json()
    async def fetch():
        async with httpx.AsyncClient() as client:
            return (await client.post(other + "/echo", content=b"async")).text
    import asyncio
    pooled = urllib3.PoolManager().request("GET", other + "/weather?city=Pool").json()
    save("clients", {"sync": sync, "async": asyncio.run(fetch()), "pooled": pooled})
"""
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.other.received) == 3
    assert sorted(lab.other_requests()) == [
        "GET weather?city=Pool",
        "GET weather?city=Sync",
        "POST echo",
    ]
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)
    assert seen == []
    assert lab.same_results() == ["clients"]


# --------------------------------------------------------------------------- network guard

RAW = """
import os, socket, pytest

@pytest.mark.aws_cassette{marker}
def test_mixed():
    {body}
"""


def test_the_network_guard_names_host_and_port_of_a_connect(lab: MixedLab) -> None:
    body = 'socket.create_connection(("127.0.0.1", int(os.environ["OTHER_PORT"])), timeout=2)'
    lab.write(RAW.replace("{body}", body))
    lab.monkeypatch.setenv("OTHER_PORT", str(lab.port))
    with lab.other.serve(lab.port):  # a live server: only the guard stops the connect
        result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*NetworkBlocked: Network blocked during replay: the test tried to connect to "
            f"127.0.0.1:{lab.port} (socket.connect).*aws_allowed_hosts*--aws-allowed-hosts*"
        ]
    )
    assert lab.other.received == []


def test_the_network_guard_blocks_dns_lookups(lab: MixedLab) -> None:
    lab.write(RAW.replace("{body}", 'socket.getaddrinfo("db.example.invalid", 5432)'))
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*NetworkBlocked: *the test tried to look up db.example.invalid:5432*"]
    )


def test_a_swallowed_blocked_connect_still_fails_the_test(lab: MixedLab) -> None:
    body = (
        "try:\n        socket.create_connection(('10.255.255.1', 80), timeout=1)\n"
        "    except BaseException:\n        pass"
    )
    lab.write(RAW.replace("{body}", body))
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NetworkBlocked: *connect to 10.255.255.1:80*"])


@pytest.mark.parametrize(
    ("marker", "args", "ini"),
    [
        ("(allowed_hosts=['127.0.0.1'])", (), ""),
        ("(allowed_hosts='loopback')", (), ""),
        ("", ("--aws-allowed-hosts=localhost,127.0.0.1:{port}",), ""),
        ("", (), "aws_allowed_hosts = loopback"),
        ("", (), "aws_allowed_hosts = *"),
    ],
)
def test_allowed_hosts_let_a_replaying_test_reach_them(
    lab: MixedLab, marker: str, args: tuple[str, ...], ini: str
) -> None:
    body = (
        'sock = socket.create_connection(("127.0.0.1", int(os.environ["OTHER_PORT"])))\n'
        "    sock.close()"
    )
    lab.write(RAW.replace("{body}", body), marker=marker, ini=ini)
    lab.monkeypatch.setenv("OTHER_PORT", str(lab.port))
    with lab.other.serve(lab.port):
        lab.replay(*(a.format(port=lab.port) for a in args)).assert_outcomes(passed=1)


def test_an_allowed_port_does_not_allow_another(lab: MixedLab) -> None:
    body = 'socket.create_connection(("127.0.0.1", int(os.environ["OTHER_PORT"])))'
    lab.write(RAW.replace("{body}", body), marker="(allowed_hosts=['127.0.0.1:1'])")
    lab.monkeypatch.setenv("OTHER_PORT", str(lab.port))
    with lab.other.serve(lab.port):
        lab.replay().assert_outcomes(failed=1)


def test_a_bad_allowed_host_is_one_paragraph(lab: MixedLab) -> None:
    lab.write(RAW.replace("{body}", "pass"), ini="aws_allowed_hosts = example.com:http")
    result = lab.replay()
    assert result.ret != 0
    result.stderr.fnmatch_lines(
        ["*Cannot read allowed host 'example.com:http' from the aws_allowed_hosts ini setting*"]
    )
    assert "Traceback" not in result.stderr.str()


def test_recording_is_not_blocked(lab: MixedLab) -> None:
    lab.write()
    with socket_audit() as seen:
        lab.record("--aws-record-mode=all").assert_outcomes(passed=1)
    assert any(event == "socket.connect" for event, _ in seen)


def test_prune_keeps_other_http_and_drops_unused_aws_interactions(lab: MixedLab) -> None:
    lab.write()
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    # a second AWS call the test no longer makes: the only interaction prune may drop
    extra = f'client("xray").get_insight_events(InsightId="{INSIGHT_ID}")\n    other = '
    lab.write(MIXED.replace("other = ", extra, 1))
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=1)
    lab.write()
    lab.replay().assert_outcomes(passed=1)
    out, err = io.StringIO(), io.StringIO()
    cache = str(lab.pytester.path / ".pytest_cache")
    code = run(["cassette", "prune", str(lab.cassette), "--cache-dir", cache], out, err)
    out, err = out.getvalue(), err.getvalue()
    assert code == 0, err
    assert "dropped 1 of 4 (#1)" in out
    assert [e.label for e in read_cassette(lab.cassette).exchanges] == ["xray:GetInsight"]
    assert lab.other_requests() == ["GET weather?city=Oslo&password=REDACTEDpswd0001", "POST echo"]
    lab.replay().assert_outcomes(passed=1)


def test_scan_checks_other_http_interactions_with_the_redaction_rules(tmp_path: Path) -> None:
    from harness.cassettes.writing import dump_yaml, other_interaction
    from harness.secrets.scan import scan_file

    leaky = other_interaction(
        HttpRequest(
            method="GET",
            url="https://api.example.com/v1/me?password=hunter2",
            headers={"X-Session-Token": "opaque-session-value", "Accept": "application/json"},
        ),
        HttpResponse(200, {}, b'{"accessToken": "opaque-access-value", "name": "me"}'),
    )
    path = tmp_path / "leaky.yaml"
    path.write_text(dump_yaml({"interactions": [leaky], "version": 1}))
    findings = scan_file(path)
    where = {(f.kind, f.where) for f in findings}
    assert ("credential header X-Session-Token", "#0 GET api.example.com/v1/me request") in where
    # (the redaction's place, named by the string reader's kind: one finding, not two)
    assert ("token", "#0 GET api.example.com/v1/me response body /accessToken") in where
    assert len(findings) == 3, findings
    assert not any("hunter2" in str(f) for f in findings)


def test_a_test_failing_while_recording_saves_no_other_http(lab: MixedLab) -> None:
    lab.write(MIXED.replace("    save(", "    assert False, 'broken run'\n    save("))
    result = lab.record("--aws-record-mode=once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Not saving 3 new recording(s) to *test_mixed.yaml*"])
    assert not lab.cassette.exists()


def test_a_plain_vcrpy_cassette_mixing_hosts_replays_offline(lab: MixedLab) -> None:
    # plain vcrpy stored the URL's password; the live request is matched redacted, and so
    # is the stored one
    import requests
    import vcr

    path = lab.pytester.path / "legacy.yaml"
    with lab.other.serve(lab.port), vcr.use_cassette(str(path)):
        url = f"http://127.0.0.1:{lab.port}/weather?city=Legacy&password=plain-vcrpy-kept-it"
        assert requests.get(url, timeout=5).json()["city"] == "Legacy"
    lab.write(
        f"""
import os, pytest, requests

@pytest.mark.aws_cassette(name="{path}")
def test_mixed():
    url = "/weather?city=Legacy&password=plain-vcrpy-kept-it"
    reply = requests.get(os.environ["OTHER_ENDPOINT"] + url)
    assert reply.json()["city"] == "Legacy"
"""
    )
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)
    assert seen == []


GENERATED = """
import os
import time
import uuid

import pytest
import requests


@pytest.mark.aws_cassette
def test_mixed():
    other = os.environ["OTHER_ENDPOINT"]
    city = f"c-{uuid.uuid4()}"  # made up per run, like a presigned URL's bucket and expiry
    expires = int(time.time()) + 3600
    reply = requests.get(f"{other}/weatherSUFFIX?city={city}&Expires={expires}")
    assert reply.status_code == 200
"""


def test_generated_values_in_other_http_urls_bind_as_declared(lab: MixedLab) -> None:
    """aws_volatile applies to a test's other HTTP too (a presigned URL's uuid bucket and
    its Expires): declared, they bind; undeclared, or beside a changed literal, they miss."""
    lab.write(GENERATED.replace("SUFFIX", ""))
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.replay("--aws-volatile=off").assert_outcomes(failed=1)  # a new uuid and expiry: opted out
    lab.replay().assert_outcomes(passed=1)  # bound by default
    lab.replay("--aws-volatile=uuid,time").assert_outcomes(passed=1)
    lab.write(GENERATED.replace("SUFFIX", "2"))  # the hardcoded path changed: still a miss
    lab.replay("--aws-volatile=uuid,time").assert_outcomes(failed=1)
    # a time keeps its offset from now, counted from the recorded response's Date: an
    # expiry a day ahead instead of an hour is another request, not a generated value
    lab.write(GENERATED.replace("SUFFIX", "").replace("+ 3600", "+ 86400"))
    lab.replay("--aws-volatile=uuid,time").assert_outcomes(failed=1)
    lab.write(GENERATED.replace("SUFFIX", "").replace("+ 3600", "+ 3700"))  # within 300 s
    lab.replay("--aws-volatile=uuid,time").assert_outcomes(passed=1)


PROBE = """
import os

import boto3
import pytest
import requests

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
PROBED = os.environ["PROBED"]


def optional_service():
    try:  # a local service the suite uses when it runs, and does without otherwise
        return requests.get(PROBED, timeout=1).status_code
    except requests.ConnectionError:
        return None


@pytest.mark.aws_cassette
def test_probe_then_aws():
    assert optional_service() is None
    sqs = boto3.client(
        "sqs", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )
    assert sqs.list_queues().get("QueueUrls", []) == []
"""


def test_a_host_allowed_by_name_is_live_while_recording_and_in_replay(tmp_path: Path) -> None:
    """A refused connection cannot be recorded; to a host allowed by name the request goes
    live in both runs, so the code's own handling of the refusal replays."""
    import socket

    from tests.support.inner_suite import run_inner
    from tests.support.moto_server import moto_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "test_probe.py").write_text(PROBE)
    probed = f"http://127.0.0.1:{port}/health"
    allow = f"--aws-allowed-hosts=127.0.0.1:{port}"
    with moto_server() as endpoint:
        out = run_inner(
            tmp_path, "--aws-record-mode=once", allow, MOTO_ENDPOINT=endpoint, PROBED=probed
        )
    assert "1 passed" in out, out
    assert "1 passed" in run_inner(tmp_path, allow, PROBED=probed)
    # not allowed: the swallowed miss still fails the test, naming the setting
    out = run_inner(tmp_path, PROBED=probed)
    assert "1 failed" in out and "OtherHttpMiss" in out, out


GZIPPED = """
import hashlib, os, httpx, pytest, requests
from helpers import save

@pytest.mark.aws_cassette{marker}
def test_mixed():
    other = os.environ["OTHER_ENDPOINT"]
    seen = {}
    with requests.get(other + "/gzip", stream=True) as plain:
        raw = plain.raw.read(decode_content=False)
        seen["requests"] = [plain.headers.get("Content-Encoding"),
                            plain.headers.get("Content-Length"), hashlib.sha256(raw).hexdigest()]
    with httpx.Client() as client, client.stream("GET", other + "/gzip") as streamed:
        raw = b"".join(streamed.iter_raw())
        seen["httpx"] = [streamed.headers.get("content-encoding"),
                         streamed.headers.get("content-length") == str(len(raw)),
                         hashlib.sha256(raw).hexdigest()]
    secret = requests.get(other + "/gzip?token=sntl-gzip-token-77")
    seen["secret"] = [secret.headers.get("Content-Encoding"), secret.json()["seen_token"]]
    save("gzipped", seen)
"""


def test_a_compressed_answer_replays_as_the_server_sent_it(lab: MixedLab) -> None:
    """Issue 62: a gzip answer to a non-AWS client was stored decoded, its Content-Encoding
    dropped and Content-Length rewritten, so replay served other bytes and headers than the
    server had. Now the bytes are kept as sent (raw bytes equal, record and replay), a
    secret inside the coding is redacted inside it (the sentinel is on disk in no form), and
    the test's own value comes back inside it in replay."""
    pytest.importorskip("httpx")
    lab.write(GZIPPED)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    recorded = json.loads((lab.results / "gzipped-record.json").read_text())
    # (httpx reads the bytes sent; vcrpy's urllib3 stub, recording too, hands requests the
    # content decoded beside the coded length: replay keeps that as it was while recording)
    assert recorded["httpx"][:2] == ["gzip", True] and recorded["requests"][0] == "gzip"
    assert recorded["secret"] == ["gzip", "sntl-gzip-token-77"]
    stored = load_yaml(lab.cassette.read_bytes())["interactions"]
    bodies = [e["response"]["body"]["string"] for e in stored if is_other_http(e)]
    bodies = [b if isinstance(b, bytes) else b.encode("utf-8") for b in bodies]
    inflated = [gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b for b in bodies]
    assert any(b[:2] == b"\x1f\x8b" for b in bodies)  # httpx's: stored compressed, as sent
    assert all(b"seen_token" in text for text in inflated)
    assert not [t for t in inflated if b"sntl-gzip-token-77" in t]
    assert "sntl-gzip-token-77" not in lab.cassette.read_text()
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)
    assert seen == []
    replayed = json.loads((lab.results / "gzipped-replay.json").read_text())
    assert replayed == recorded


def test_a_loopback_port_picked_per_run_binds(lab: MixedLab) -> None:
    """Issue 62: a server the test starts on port 0 gets another port each run, and its
    requests never matched in replay. A loopback port the system picked stands for the
    recorded one, the same one all test long; a port out of that range (fixed by a
    project) still has to match."""
    lab.write(READ_BACK)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    with lab.other.serve():  # another free port, picked as the test's server would
        moved = int(lab.other.endpoint.rsplit(":", 1)[1])
    assert moved != lab.port and moved >= 32768
    lab.monkeypatch.setenv("OTHER_ENDPOINT", f"http://127.0.0.1:{moved}")
    with socket_audit() as seen:
        lab.replay().assert_outcomes(passed=1)
    assert seen == []
    lab.monkeypatch.setenv("OTHER_ENDPOINT", "http://127.0.0.1:9")  # (a fixed port: no)
    lab.replay().assert_outcomes(failed=1)


SESSION_INFO = """
import base64, json, os, pytest, requests

@pytest.mark.aws_cassette
def test_mixed():
    got = requests.get(os.environ["OTHER_ENDPOINT"] + "/whoami")
    info = json.loads(base64.b64decode(got.headers["X-Session-Info"]))
    assert info["user"] == "alice" and "REDACTED" not in info["token"]
    assert len(info["token"]) == LENGTH
""".replace("LENGTH", str(len(SESSION_INFO_TOKEN)))


def test_a_secret_named_base64_json_header_keeps_its_shape_without_its_secret(
    lab: MixedLab,
) -> None:
    """secrets-r10's held-out ``http_base64_json_response_header`` (fixed after it was
    measured): the header was dropped for its name, and replay raised KeyError; now its
    JSON is kept, the token inside replaced, and replay gives a stand-in of its shape."""
    lab.write(SESSION_INFO)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    text = lab.cassette.read_text()
    assert SESSION_INFO_TOKEN not in text
    header = next(
        i["response"]["headers"]["X-Session-Info"][0]
        for i in load_yaml(lab.cassette.read_bytes())["interactions"]
        if is_other_http(i)
    )
    kept = json.loads(b64decode(header))
    assert kept["user"] == "alice" and kept["token"].startswith("REDACTED")
    lab.replay().assert_outcomes(passed=1)
