"""Issue 56: a secret inside a ``br``, ``zstd`` or stacked (``gzip, br``) body never reaches
the cassette, and a body the harness cannot open is refused, not stored.

Real inner pytest runs: httpx talks to a loopback server that answers under the coding a
request asks for (as a server does after content negotiation), boto3 puts and gets an S3
object stored with ``ContentEncoding="br"`` on moto's server (a large one: kept in a body
file under ``_bodies/``). Every file under the cassettes folder is searched for the
sentinels, raw and with each stored body opened by the compressors' own functions; replay
runs with both servers stopped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.cassettes.cassette import is_other_http, load_yaml
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.lab import Lab
from tests.support.server import ScriptedServer

brotli = pytest.importorskip("brotli")
zstandard = pytest.importorskip("zstandard")
pytest.importorskip("httpx")

#: made by the server: the test never knows it
SERVER_PASSWORD = "sntlCodedServerPassword0056"
#: the test's own, sent in the query and echoed in the body (given back in replay)
TOKEN = "sntl-coded-token-0056"
#: in the S3 object the test uploads brotli-compressed
OBJECT_SECRET = "sntlCodedObjectSecret0056"


def encoded(content: bytes, coding: str) -> bytes:
    """``content`` under ``coding`` (stacked ones applied in order), by the compressors."""
    encode = {
        "gzip": lambda b: gzip.compress(b, mtime=0),
        "br": brotli.compress,
        "zstd": zstandard.ZstdCompressor().compress,
    }
    for name in [c.strip() for c in coding.split(",")]:
        content = encode[name](content)
    return content


def opened(body: bytes, coding: str) -> bytes:
    undo = {
        "gzip": gzip.decompress,
        "br": brotli.decompress,
        "zstd": lambda b: zstandard.ZstdDecompressor().stream_reader(b).read(),
    }
    for name in reversed([c.strip() for c in coding.split(",") if c.strip()]):
        body = undo[name](body)
    return body


class CodingServer:
    """Answers ``/coded?coding=...&token=...`` with a password and the token under that
    coding, ``/plain?coding=br`` with nothing secret; keeps what it sent."""

    def __init__(self) -> None:
        self.sent: dict[str, bytes] = {}

    def handle(self, request: HttpRequest) -> HttpResponse:
        split = urlsplit(request.url)
        query = parse_qs(split.query)
        coding = query["coding"][0]
        data: dict[str, Any] = {"rows": list(range(60))}
        if split.path == "/coded":
            data.update(password=SERVER_PASSWORD, seen_token=query.get("token", [""])[0])
        body = encoded(json.dumps(data).encode(), coding)
        self.sent[f"{split.path} {coding}"] = body
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        return HttpResponse(200, headers, body)


OPENED = """
import gzip, brotli, zstandard

def opened(raw, coding):
    undo = {"gzip": gzip.decompress, "br": brotli.decompress,
            "zstd": lambda b: zstandard.ZstdDecompressor().stream_reader(b).read()}
    for name in reversed([c.strip() for c in coding.split(",")]):
        raw = undo[name](raw)
    return raw
"""

CODED = """
import hashlib, json, os, httpx, pytest
from helpers import save
from opening import opened

@pytest.mark.aws_cassette
def test_coded():
    other = os.environ["OTHER_ENDPOINT"]
    seen = {}
    with httpx.Client() as client:
        for coding in ("br", "zstd", "gzip, br"):
            query = {"coding": coding, "token": os.environ["CODED_TOKEN"]}
            with client.stream("GET", other + "/coded", params=query) as answer:
                raw = b"".join(answer.iter_raw())
            seen[coding] = [answer.headers["content-encoding"],
                            answer.headers.get("content-length") == str(len(raw)),
                            json.loads(opened(raw, coding))]
        with client.stream("GET", other + "/plain", params={"coding": "br"}) as answer:
            seen["plain"] = hashlib.sha256(b"".join(answer.iter_raw())).hexdigest()
    save("coded", seen)
"""

S3_OBJECT = """
import json, os, random, boto3, brotli, pytest
from helpers import save

@pytest.mark.aws_cassette
def test_object():
    s3 = boto3.client("s3", endpoint_url=os.environ["MOTO_ENDPOINT"], region_name="us-east-1")
    s3.create_bucket(Bucket="coded")
    rows = random.Random(56).randbytes(100_000).hex()  # (incompressible: over 64 KiB as br)
    content = json.dumps({"client_secret": os.environ["OBJECT_SECRET"], "rows": rows})
    s3.put_object(Bucket="coded", Key="k", Body=brotli.compress(content.encode()),
                  ContentEncoding="br", ContentType="application/json")
    got = s3.get_object(Bucket="coded", Key="k")
    body = got["Body"].read()
    save("object", [got["ContentEncoding"], len(body) > 65536,
                    json.loads(brotli.decompress(body))])
"""


class CodingLab(Lab):
    """The record/replay lab plus the coding server, on one port for record and replay."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(pytester, monkeypatch, ScriptedServer())
        self.other = CodingServer()
        with LoopbackServer(self.other.handle) as server:  # a free port, then kept
            self.port = int(server.endpoint_url.rsplit(":", 1)[1])
        monkeypatch.setenv("OTHER_ENDPOINT", f"http://127.0.0.1:{self.port}")
        monkeypatch.setenv("CODED_TOKEN", TOKEN)
        monkeypatch.setenv("OBJECT_SECRET", OBJECT_SECRET)
        monkeypatch.setenv("MOTO_ENDPOINT", "http://127.0.0.1:9")
        pytester.makepyfile(opening=OPENED)

    def record(self, *args: str) -> pytest.RunResult:
        self.monkeypatch.delenv("AWS_PROFILE", raising=False)  # left by a replay
        with LoopbackServer(self.other.handle, port=self.port):
            return super().record(*args)

    @property
    def folder(self) -> Path:
        return self.pytester.path / "cassettes"


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[CodingLab]:
    yield CodingLab(pytester, monkeypatch)


def _stored_bodies(folder: Path) -> list[tuple[str, bytes]]:
    """(Content-Encoding, bytes) of every body the cassettes under ``folder`` hold, bodies
    in files beside them included."""
    found = []
    for path in folder.rglob("*.yaml"):
        for item in load_yaml(path.read_bytes())["interactions"]:
            for side in ("request", "response"):
                part = item[side]
                coding = _header(part, "content-encoding")
                body = part.get("body")
                if isinstance(body, dict) and "file" in body:
                    body = (path.parent / body["file"]).read_bytes()
                elif isinstance(body, dict):
                    body = body.get("string")
                if isinstance(body, str):
                    body = body.encode()
                if isinstance(body, bytes) and body:
                    found.append((coding, body))
    return found


def _header(part: dict[str, Any], name: str) -> str:
    """A stored request's or response's header, whatever its case (httpx's are lower)."""
    for key, value in (part.get("headers") or {}).items():
        if key.lower() == name:
            return ", ".join(value) if isinstance(value, list) else str(value)
    return ""


def _leaks(folder: Path, sentinels: tuple[str, ...]) -> list[str]:
    """Where any sentinel sits under ``folder``: in a file's bytes, or in a stored body
    once opened by the compressors (each coding the cassette says it has)."""
    leaks = []
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        leaks += [f"{path.name}: {s}" for s in sentinels if s.encode() in data]
    for coding, body in _stored_bodies(folder):
        try:
            content = opened(body, coding)
        except Exception:  # (stored decoded: searched above)
            continue
        leaks += [f"a {coding} body: {s}" for s in sentinels if s.encode() in content]
    return leaks


def test_secrets_inside_br_zstd_and_stacked_codings_never_reach_the_cassette(
    lab: CodingLab,
) -> None:
    lab.pytester.makepyfile(test_coded=CODED)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    recorded = json.loads((lab.results / "coded-record.json").read_text())
    for coding in ("br", "zstd", "gzip, br"):  # the client saw the secret, live
        assert recorded[coding][:2] == [coding, True]
        assert recorded[coding][2]["password"] == SERVER_PASSWORD
        assert recorded[coding][2]["seen_token"] == TOKEN

    assert not _leaks(lab.folder, (SERVER_PASSWORD, TOKEN))
    stored = {}
    for item in load_yaml(next(lab.folder.rglob("*.yaml")).read_bytes())["interactions"]:
        assert is_other_http(item)
        coding = _header(item["response"], "content-encoding")
        stored[f"{urlsplit(item['request']['uri']).path} {coding}"] = item["response"]
    for coding in ("br", "zstd", "gzip, br"):  # kept under the coding sent, redacted inside
        response = stored[f"/coded {coding}"]
        body = response["body"]["string"]
        content = json.loads(opened(body, coding))
        assert content["password"].startswith("REDACTED") and content["rows"] == list(range(60))
        assert _header(response, "content-length") == str(len(body))
    # nothing secret: the very bytes the server sent
    assert stored["/plain br"]["body"]["string"] == lab.other.sent["/plain br"]
    assert recorded["plain"] == hashlib.sha256(lab.other.sent["/plain br"]).hexdigest()

    lab.replay().assert_outcomes(passed=1)  # (the server is down)
    replayed = json.loads((lab.results / "coded-replay.json").read_text())
    assert replayed["plain"] == recorded["plain"]
    for coding in ("br", "zstd", "gzip, br"):
        # the response the client saw, under its coding, with its true length; the test's
        # own token given back inside the coding, the server's password a stand-in
        assert replayed[coding][:2] == [coding, True]
        live, again = recorded[coding][2], replayed[coding][2]
        assert again["seen_token"] == TOKEN and again["rows"] == live["rows"]
        assert again["password"] != SERVER_PASSWORD


def test_a_br_s3_object_kept_in_a_body_file_holds_no_secret(lab: CodingLab) -> None:
    from tests.support.moto_server import moto_server

    lab.pytester.makepyfile(test_object=S3_OBJECT)
    with moto_server() as endpoint:
        lab.monkeypatch.setenv("MOTO_ENDPOINT", endpoint)
        lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    recorded = json.loads((lab.results / "object-record.json").read_text())
    assert recorded[:2] == ["br", True] and recorded[2]["client_secret"] == OBJECT_SECRET
    assert list(lab.folder.rglob("_bodies/*")), "the object was not kept in a body file"
    assert not _leaks(lab.folder, (OBJECT_SECRET,))
    lab.monkeypatch.setenv("MOTO_ENDPOINT", "http://127.0.0.1:9")
    lab.replay().assert_outcomes(passed=1)
    replayed = json.loads((lab.results / "object-replay.json").read_text())
    # the test uploads the very bytes it recorded, secret inside, and reads them back: the
    # recorded GetObject's ETag is their MD5, so replay gives them back as the server did
    # (the cassette holds a placeholder; the secret comes from this run's own upload)
    assert replayed == recorded


SWALLOWED = """
import os, httpx, pytest

@pytest.mark.aws_cassette
def test_coded():
    other = os.environ["OTHER_ENDPOINT"]
    with httpx.Client() as client:
        assert client.get(other + "/plain", params={"coding": "gzip"}).status_code == 200
        try:  # the code under test swallows the error: the test still fails
            client.get(other + "/coded", params={"coding": "br", "token": "t"})
        except Exception as error:
            print("swallowed", type(error).__name__)
"""


@pytest.mark.parametrize(("missing", "coding"), [("brotli", "br"), ("zstandard", "zstd")])
def test_a_body_whose_coding_cannot_be_opened_is_refused_and_nothing_is_written(
    lab: CodingLab, monkeypatch: pytest.MonkeyPatch, missing: str, coding: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # the package is not installed
    lab.pytester.makepyfile(test_coded=SWALLOWED.replace('"coding": "br"', f'"coding": "{coding}"'))
    result = lab.record("--aws-record-mode=once")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "swallowed UnreadableCoding" in out
    message = next(line for line in out.splitlines() if "UnreadableCoding: The" in line)
    assert f"The response body of GET http://127.0.0.1:{lab.port}/coded is under" in message
    assert f"Content-Encoding {coding}, which needs the {missing} package" in message
    assert f"pip install {missing}" in message and "cannot be judged for secrets" in message
    assert "token" not in message  # (its query is never shown)
    # the interaction that was judged is not saved either: the test failed, nothing half
    # written is left (no cassette, no body file, no temporary file)
    assert not lab.folder.exists() or not [p for p in lab.folder.rglob("*") if p.is_file()]
    assert not [p for p in lab.pytester.path.rglob("*.tmp*")]
    assert SERVER_PASSWORD.encode() not in b"".join(
        p.read_bytes() for p in lab.pytester.path.rglob("*") if p.is_file()
    )


def test_an_aws_payload_under_a_coding_it_cannot_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 GetObject of an object stored with ``ContentEncoding="br"``, brotli missing: the
    call fails naming the operation, the recorder keeps the refusal, nothing is saved."""
    import botocore.session

    from harness.aws.bodies import UnreadableCoding
    from harness.replay.recorder import CassetteRecorder

    body = brotli.compress(json.dumps({"client_secret": OBJECT_SECRET}).encode())

    def answer(request: HttpRequest) -> HttpResponse:
        headers = {"Content-Encoding": "br", "Content-Type": "application/json"}
        return HttpResponse(200, {**headers, "Content-Length": str(len(body))}, body)

    monkeypatch.setitem(sys.modules, "brotli", None)
    path = tmp_path / "object.yaml"
    recorder = CassetteRecorder(path, "all")
    session = botocore.session.Session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "not-a-sentinel")
    with LoopbackServer(answer) as server, recorder.activate():
        s3 = session.create_client("s3", region_name="us-east-1", endpoint_url=server.endpoint_url)
        with pytest.raises(UnreadableCoding) as caught:
            s3.get_object(Bucket="coded", Key="k", VersionId="v1")
    message = str(caught.value)
    assert message.startswith(
        f"The response body of s3:GetObject ({server.endpoint_url}/coded/k) is under "
        "Content-Encoding br, which needs the brotli package"
    )
    assert recorder.refused == [caught.value]
    assert recorder.save() is None and not list(tmp_path.iterdir())
