"""``harness scan --fix``: old cassettes migrated in place, and they still replay.

Cassettes are written the way older tools left them — a plain vcrpy file, and one of ours
that claims today's redaction version but holds secrets an older harness did not know — from
real botocore traffic captured on loopback, with sentinels in the secret, the signature, the
credential headers and the account id. ``--fix`` must leave none on disk, report changes by
kind and place only, and the migrated files must replay a test that supplies the secret.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import botocore.session
from test_placeholder_merge import ACCOUNT, SecretsServer

from harness.aws.protocols.wire_form import request_params
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION
from harness.serve.http import LoopbackServer

KEY_ID = "AKIASNTLFIXKEY000001"
SECRET = "sntl-fix-secret-string-77"
SESSION = "IQoJsntlFixSessionToken000000000000000000"
SENTINELS = (KEY_ID, SECRET, SESSION, ACCOUNT)


def captured(folder: Path) -> list[Exchange]:
    """CreateSecret then GetSecretValue, as sent and received, nothing redacted."""
    server = SecretsServer()
    seen: list[tuple[HttpRequest, HttpResponse]] = []

    def handle(request: HttpRequest) -> HttpResponse:
        response = server.handle(request)
        seen.append((request, response))
        return response

    session = botocore.session.Session()
    session.set_credentials(KEY_ID, "not-a-sentinel", SESSION)
    with LoopbackServer(handle) as loopback:
        client = session.create_client(
            "secretsmanager", region_name="us-east-1", endpoint_url=loopback.endpoint_url
        )
        client.create_secret(Name="db", SecretString=SECRET)
        client.get_secret_value(SecretId="db")
        endpoint = loopback.endpoint_url
    out = []
    for (request, response), operation in zip(
        seen, ("CreateSecret", "GetSecretValue"), strict=True
    ):
        # (the server's request URL is absolute already: the endpoint once, not twice)
        url = request.url if request.url.startswith("http") else endpoint + request.url
        full = HttpRequest(
            method=request.method, url=url, headers=request.headers, body=request.body
        )
        params = request_params("secretsmanager", operation, full)
        out.append(Exchange("secretsmanager", operation, full, response, "recorded", params))
    return out


def old_cassettes(folder: Path) -> list[Path]:
    exchanges = captured(folder)
    plain = write_cassette(folder / "plain.yaml", exchanges)  # no metadata: vcrpy-like
    claims = {"harness": {"redaction": REDACTION_VERSION, "identifiers": True}}
    ours = write_cassette(folder / "ours.yaml", exchanges, claims)
    for path in (plain, ours):
        text = path.read_text()
        assert all(s in text for s in (SECRET, ACCOUNT, SESSION)), path
    return [plain, ours]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_fix_migrates_old_cassettes_in_place_and_they_replay(tmp_path: Path) -> None:
    paths = old_cassettes(tmp_path)
    assert cli("scan", str(tmp_path))[0] == 1

    code, out, err = cli("scan", "--fix", str(tmp_path))
    assert code == 0, out + err
    assert not any(s in out + err for s in SENTINELS)
    for path in paths:
        text = path.read_text()
        assert not any(s in text for s in SENTINELS), path
        assert (
            f"{path}: #0 secretsmanager:CreateSecret request header Authorization: dropped" in out
        )
        assert f"{path}: #0 secretsmanager:CreateSecret request body /SecretString: secret" in out
        assert f"{path}: #1 secretsmanager:GetSecretValue response body /ARN: account id" in out
    assert "Redacted" in out and "still found" not in out
    assert cli("scan", str(tmp_path))[0] == 0
    before = [p.read_bytes() for p in paths]
    assert cli("scan", "--fix", str(tmp_path))[0] == 0  # nothing left to do: left as it was
    assert [p.read_bytes() for p in paths] == before

    session = botocore.session.Session()  # no credentials: replay needs none
    for path in paths:
        with CassetteRecorder(path, "none").activate():
            client = session.create_client("secretsmanager", region_name="us-east-1")
            client.create_secret(Name="db", SecretString=SECRET)
            got = client.get_secret_value(SecretId="db")
            assert got["SecretString"] == SECRET  # bound at replay: the test's own value
            assert got["ARN"].split(":")[4].startswith("99999999")


def test_fix_on_a_file_that_is_not_a_cassette_changes_nothing(tmp_path: Path) -> None:
    plain, _ = old_cassettes(tmp_path)
    before = plain.read_bytes()
    (tmp_path / "notes.yaml").write_text("just: [a, list\n")
    code, out, err = cli("scan", "--fix", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith("harness scan: error: Cannot fix ") and "notes.yaml" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert plain.read_bytes() == before
    code, _, err = cli("scan", "--fix", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err


def test_fix_reports_json(tmp_path: Path) -> None:
    old_cassettes(tmp_path)
    code, out, _ = cli("scan", "--fix", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert code == 0 and document["files"] == 2 and document["findings"] == []
    kinds = {c["kind"] for c in document["changes"]}
    assert {"dropped", "secret", "account id"} <= kinds
