"""``harness scan`` on cassettes written without redaction: each planted secret of a test's
other HTTP (OAuth, API keys, GraphQL, encoded AWS credentials) is reported, exit 1, and no
sentinel is ever printed."""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import run

KEY_ID = "AKIASNTLSCANOTHER001"


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _presigned(signature: str) -> str:
    return (
        "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
        f"&X-Amz-Credential={KEY_ID}%2F20240101%2Fus-east-1%2Fsts%2Faws4_request"
        f"&X-Amz-Date=20240101T000000Z&X-Amz-Signature={signature}"
    )


def _http(
    method: str = "GET",
    uri: str = "https://api.example.com/v1",
    request_headers: dict[str, str] | None = None,
    request_body: Any = None,
    status: int = 200,
    response_headers: dict[str, str] | None = None,
    response_body: Any = "",
) -> dict[str, Any]:
    """A plain vcrpy interaction, tagged as the recorder tags other HTTP, not redacted."""
    return {
        "harness": {"kind": "http"},
        "request": {
            "method": method,
            "uri": uri,
            "body": request_body,
            "headers": {k: [v] for k, v in (request_headers or {}).items()},
        },
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {k: [v] for k, v in (response_headers or {}).items()},
            "body": {"string": response_body},
        },
    }


_MULTIPART = (
    '--b0\r\nContent-Disposition: form-data; name="username"\r\n\r\nbob\r\n'
    '--b0\r\nContent-Disposition: form-data; name="password"\r\n\r\nsntl-scan-multipart\r\n'
    "--b0--\r\n"
)
_S3_ERROR = (
    "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
    "does not match the signature you provided.</Message><AWSAccessKeyId>"
    f"{KEY_ID}</AWSAccessKeyId><SignatureProvided>sntlscansigprovided</SignatureProvided>"
    "<CanonicalRequest>GET\n/k\n\nhost:b.s3.amazonaws.com\nx-amz-security-token:"
    "sntl-scan-canonical-token\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD</CanonicalRequest>"
    "</Error>"
)

#: (id, interaction, sentinel): each holds one planted secret, nowhere redacted.
PLANTED: list[tuple[str, dict[str, Any], str]] = [
    (
        "oauth token response JSON",
        _http("POST", "https://auth.example.com/oauth/token", response_body=json.dumps(
            {"access_token": "sntl-scan-at", "token_type": "Bearer", "expires_in": 3600})),
        "sntl-scan-at",
    ),
    (
        "oauth refresh_token and id_token",
        _http("POST", "https://auth.example.com/oauth/token", response_body=json.dumps(
            {"refresh_token": "sntl-scan-rt", "id_token": "sntl-scan-idt"})),
        "sntl-scan-rt",
    ),
    (
        "oauth form body",
        _http("POST", "https://auth.example.com/oauth/token",
              {"Content-Type": "application/x-www-form-urlencoded"},
              "grant_type=authorization_code&code=sntl-scan-code&client_id=app"
              "&client_secret=sntl-scan-cs"),
        "sntl-scan-cs",
    ),
    (
        "client_assertion form body",
        _http("POST", "https://auth.example.com/token", request_body=(
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
            "bearer&client_assertion=sntl-scan-assertion")),
        "sntl-scan-assertion",
    ),
    (
        "multipart password",
        _http("POST", "https://api.example.com/login",
              {"Content-Type": "multipart/form-data; boundary=b0"}, _MULTIPART),
        "sntl-scan-multipart",
    ),
    (
        "query api_key",
        _http(uri="https://api.example.com/v1/items?api_key=sntl-scan-query-key&page=2"),
        "sntl-scan-query-key",
    ),
    (
        "google key",
        _http(uri="https://maps.googleapis.com/maps/api/geocode/json?key=sntl-scan-gkey&a=x"),
        "sntl-scan-gkey",
    ),
    (
        "location redirect code",
        _http(status=302, response_headers={
            "Location": "https://app.example.com/cb?code=sntl-scan-loc&state=xyz"}),
        "sntl-scan-loc",
    ),
    (
        "location implicit fragment",
        _http(status=302, response_headers={
            "Location": "https://app.example.com/cb#access_token=sntl-scan-frag&state=s"}),
        "sntl-scan-frag",
    ),
    ("X-Api-Key header", _http(request_headers={"X-Api-Key": "sntl-scan-xapikey"}),
     "sntl-scan-xapikey"),
    ("X-Functions-Key header", _http(request_headers={"x-functions-key": "sntl-scan-fn"}),
     "sntl-scan-fn"),
    ("Ocp-Apim header", _http(request_headers={"Ocp-Apim-Subscription-Key": "sntl-scan-apim"}),
     "sntl-scan-apim"),
    ("PRIVATE-TOKEN header", _http(request_headers={"PRIVATE-TOKEN": "sntl-scan-gitlab"}),
     "sntl-scan-gitlab"),
    ("DD-API-KEY header", _http(request_headers={"DD-API-KEY": "sntl-scan-dd"}),
     "sntl-scan-dd"),
    (
        "graphql mutation",
        _http("POST", "https://api.example.com/graphql", {"Content-Type": "application/json"},
              json.dumps({"query": 'mutation { login(user: "b", password: "sntl-scan-gql") }'})),
        "sntl-scan-gql",
    ),
    (
        "authorization basic",
        _http(request_headers={"Authorization": "Basic "
                               + base64.b64encode(b"bob:sntl-scan-basic").decode()}),
        base64.b64encode(b"bob:sntl-scan-basic").decode(),
    ),
    (
        "bearer in a body",
        _http(response_body="use the header Authorization: Bearer sntl-scan-bearer to call"),
        "sntl-scan-bearer",
    ),
    (
        "eks token",
        _http(response_body=json.dumps({"status": {"token": "k8s-aws-v1."
                                                   + _b64url(_presigned("sntlscaneks"))}})),
        _b64url(_presigned("sntlscaneks")),
    ),
    (
        "s3 signature error",
        _http(status=403, response_body=_S3_ERROR),
        "sntl-scan-canonical-token",
    ),
    (
        "gzip binary body",
        _http(response_headers={"Content-Encoding": "gzip"},
              response_body=gzip.compress(json.dumps({"client_secret": "sntl-scan-gz"}).encode())),
        "sntl-scan-gz",
    ),
    (
        "json in json",
        _http(response_body=json.dumps({"Body": json.dumps({"password": "sntl-scan-nested"})})),
        "sntl-scan-nested",
    ),
    (
        "github token",
        _http(response_body="token=ghp_sntlScanGitHubAbcdefghijklmnopqrstuvw1"),
        "ghp_sntlScanGitHubAbcdefghijklmnopqrstuvw1",
    ),
]  # fmt: skip


def _aws_interaction() -> dict[str, Any]:
    """An ordinary AWS call (vcrpy layout) that holds no secret."""
    return {
        "request": {
            "method": "POST",
            "uri": "https://xray.us-east-1.amazonaws.com/Insights",
            "body": json.dumps({"InsightId": "c9a2f3a1-0000-4000-8000-123456789012"}),
            "headers": {"Content-Type": ["application/json"], "X-Amz-Date": ["20240101T0000Z"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps({"Insight": {"State": "ACTIVE", "KeyName": "k"}})},
        },
    }


def _write(path: Path, *interactions: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"interactions": list(interactions), "version": 1}))
    return path


def _scan(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("item", "sentinel"), [p[1:] for p in PLANTED], ids=[p[0] for p in PLANTED]
)
def test_each_planted_secret_is_reported_and_never_printed(
    tmp_path: Path, item: dict[str, Any], sentinel: str
) -> None:
    path = _write(tmp_path / "leaky.yaml", _aws_interaction(), item)
    for fmt in ("text", "json"):
        code, out, err = _scan("--format", fmt, str(path))
        assert code == 1, out + err
        assert sentinel not in out + err
        assert "sntl" not in out + err
    _code, out, _ = _scan("--format", "json", str(path))
    wheres = {f["where"] for f in json.loads(out)["findings"]}
    assert any(w.startswith("#1 ") for w in wheres), wheres  # the other-HTTP interaction


def test_the_same_cassettes_with_placeholders_are_clean(tmp_path: Path) -> None:
    clean = _http(
        "POST",
        "https://auth.example.com/cb?code=REDACTEDscrt0001&state=xyz",
        {"X-Api-Key": "REDACTEDpkey0002", "Accept": "application/json"},
        "grant_type=authorization_code&code=REDACTEDscrt0001&client_secret=REDACTEDscrt0003",
        response_headers={"Location": "https://app/cb#access_token=REDACTEDtokn0004&state=s"},
        response_body=json.dumps({"access_token": "REDACTEDtokn0004", "token_type": "Bearer",
                                  "AccessKeyId": "ASIAREDACTED00000001"}),
    )  # fmt: skip
    path = _write(tmp_path / "clean.yaml", _aws_interaction(), clean)
    code, out, _ = _scan(str(path))
    assert code == 0, out


def test_a_file_that_is_not_a_cassette_is_searched_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('[{"weird": "shape"}, "X-Auth-Token: sntl-scan-text"]\n')
    code, out, err = _scan(str(path))
    # what its text shows is reported; the file is bad input, never "clean" (issue 63)
    assert code == 2 and "line 1" in out and "sntl" not in out + err
    assert "holds no 'interactions' list: it is not a cassette" in err


def test_the_installed_command_reports_and_exits_1(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _write(tmp_path / "leaky.yaml", PLANTED[0][1])
    done = subprocess.run(
        [sys.executable, "-m", "harness", "scan", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "sntl" not in done.stdout + done.stderr
