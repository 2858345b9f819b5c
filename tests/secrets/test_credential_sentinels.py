"""No credential reaches a cassette, whichever provider in botocore's chain supplied it.

Each test points one real botocore credential provider (or the SSO token provider) at
loopback stand-ins: a shared credentials file, ``credential_process``, the container
credentials endpoint, the EC2 instance metadata service (IMDSv2), and AWS IAM Identity
Center (SSO, legacy profile and ``sso-session``). Every value the provider hands out is a
sentinel. The test records real calls while the provider is in use, checks that botocore
really signed with the sentinel credentials (so a silent fallback cannot pass), and then
requires that no sentinel, in any encoding, is in the cassette file. The SSO scenarios also
check that the provider's ``GetRoleCredentials`` call is never recorded, and record
``ListAccounts``, whose ``x-amz-sso_bearer_token`` header is the developer's SSO access token.
Bearer-signed services (CodeCatalyst) send that token as ``Authorization: Bearer``; botocore
refuses bearer auth over plain HTTP, so that header is proven gone in ``test_redaction``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import botocore.credentials
import botocore.session
import botocore.tokens
import pytest
from test_secret_sentinels import forms

from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

ACCESS_KEY = "ASIASNTLPROVIDERKEY7"
SECRET_KEY = "SntlProviderSecretAccessKey0123456789abc"
TOKEN = "IQoJSntlProviderSessionTokenForTheCassette"
SSO_ACCESS_TOKEN = "aoaSntlSsoAccessTokenValue0123456789"
SSO_REFRESH_TOKEN = "aorSntlSsoRefreshTokenValue0123456789"
SSO_CLIENT_SECRET = "SntlSsoClientSecretValue0123456789"
CONTAINER_AUTH = "SntlContainerAuthorizationToken0123"
IMDS_TOKEN = "SntlImdsSessionToken0123456789=="

SECRETS = (
    SECRET_KEY,
    TOKEN,
    ACCESS_KEY,  # an identifier: only its keyed pseudonym may appear
    SSO_ACCESS_TOKEN,
    SSO_REFRESH_TOKEN,
    SSO_CLIENT_SECRET,
    CONTAINER_AUTH,
    IMDS_TOKEN,
)

START_URL = "https://sentinel.awsapps.com/start"
LATER = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=6)


def _later_iso() -> str:
    return LATER.strftime("%Y-%m-%dT%H:%M:%SZ")


def fake_aws(request: HttpRequest) -> HttpResponse:
    """Stand-ins for every credential endpoint, SSO, and CloudTrail for the recorded calls."""
    path = urlsplit(request.url).path
    creds = {"AccessKeyId": ACCESS_KEY, "SecretAccessKey": SECRET_KEY}
    if path == "/latest/api/token":  # IMDSv2 session token
        ttl = {"x-aws-ec2-metadata-token-ttl-seconds": "21600"}
        return HttpResponse(200, ttl, IMDS_TOKEN.encode())
    if path == "/latest/meta-data/iam/security-credentials/":
        assert request.header("x-aws-ec2-metadata-token") == IMDS_TOKEN
        return HttpResponse(200, {}, b"sentinel-role")
    if path == "/latest/meta-data/iam/security-credentials/sentinel-role":
        body = {**creds, "Code": "Success", "Token": TOKEN, "Expiration": _later_iso()}
        return HttpResponse(200, {}, json.dumps(body).encode())
    if path == "/container-credentials":
        assert request.header("Authorization") == CONTAINER_AUTH
        body = {**creds, "Token": TOKEN, "Expiration": _later_iso()}
        return HttpResponse(200, {}, json.dumps(body).encode())
    if path == "/federation/credentials":  # SSO GetRoleCredentials
        assert request.header("x-amz-sso_bearer_token") == SSO_ACCESS_TOKEN
        role = {
            "accessKeyId": ACCESS_KEY,
            "secretAccessKey": SECRET_KEY,
            "sessionToken": TOKEN,
            "expiration": int(LATER.timestamp() * 1000),
        }
        answer = json.dumps({"roleCredentials": role}).encode()
        return HttpResponse(200, {"Content-Type": "application/json"}, answer)
    if path == "/assignment/accounts":  # SSO ListAccounts, the token in a header
        assert request.header("x-amz-sso_bearer_token") == SSO_ACCESS_TOKEN
        return HttpResponse(200, {"Content-Type": "application/json"}, b'{"accountList": []}')
    return HttpResponse(200, {"Content-Type": "application/x-amz-json-1.1"}, b'{"trailList": []}')


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(fake_aws) as running:
        yield running


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty AWS configuration: no credentials anywhere unless a test adds them."""
    home = tmp_path / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore reads the SSO cache folder once, at import: point it at this home
    cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache)
    return home


def _write_config(home: Path, text: str) -> None:
    (home / ".aws" / "config").write_text(text)


def _sso_token_cache(home: Path, key: str) -> None:
    token = {
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": SSO_ACCESS_TOKEN,
        "expiresAt": _later_iso(),
        "clientId": "sentinel-client",
        "clientSecret": SSO_CLIENT_SECRET,
        "refreshToken": SSO_REFRESH_TOKEN,
        "registrationExpiresAt": _later_iso(),
    }
    name = hashlib.sha1(key.encode()).hexdigest() + ".json"
    (home / ".aws" / "sso" / "cache" / name).write_text(json.dumps(token))


def shared_file(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        f"aws_session_token = {TOKEN}\n"
    )


def credential_process(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    script = home / "creds.py"
    answer = {
        "Version": 1,
        "AccessKeyId": ACCESS_KEY,
        "SecretAccessKey": SECRET_KEY,
        "SessionToken": TOKEN,
        "Expiration": _later_iso(),
    }
    script.write_text(f"import json\nprint(json.dumps({answer!r}))\n")
    _write_config(home, f"[default]\ncredential_process = {sys.executable} {script}\n")


def container(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{server.endpoint_url}/container-credentials"
    )
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_AUTH)


def instance_metadata(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint_url + "/")


def sso_legacy(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(
        home,
        f"[default]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Sentinel\n",
    )
    _sso_token_cache(home, START_URL)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", server.endpoint_url)


def sso_session(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(
        home,
        "[default]\nsso_session = work\nsso_account_id = 123456789012\nsso_role_name = Sentinel\n"
        f"[sso-session work]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
    )
    _sso_token_cache(home, "work")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", server.endpoint_url)


PROVIDERS = {
    "shared-credentials-file": shared_file,
    "credential_process": credential_process,
    "container": container,
    "instance-metadata": instance_metadata,
    "sso": sso_legacy,
    "sso-session": sso_session,
}


def assert_no_secret(path: Path) -> str:
    text = path.read_text("utf-8", "replace")
    leaks = sorted({s for s in SECRETS for form in forms(s) if form in text})
    assert not leaks, f"{path.name} holds {leaks}"
    return text


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_provider_credentials_leave_no_trace(
    provider: str,
    aws_home: Path,
    server: LoopbackServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    PROVIDERS[provider](aws_home, server, monkeypatch)
    path = tmp_path / "cassette.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        session = botocore.session.Session()
        client = session.create_client(
            "cloudtrail", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        client.list_trails()
        used = session.get_credentials().get_frozen_credentials()
        if provider.startswith("sso"):
            sso = session.create_client("sso", region_name="us-east-1")
            sso.list_accounts(accessToken=SSO_ACCESS_TOKEN)
    recorder.save()
    # the provider under test really supplied the credentials that signed the call
    assert (used.access_key, used.secret_key, used.token) == (ACCESS_KEY, SECRET_KEY, TOKEN)
    text = assert_no_secret(path)
    assert "operation: ListTrails" in text
    # calls that answer with credentials are recorded with placeholders (no secret: above)
    if provider.startswith("sso"):
        assert "/federation/credentials" in text and "ASIAREDACTED" in text
    if provider.startswith("sso"):
        assert "operation: ListAccounts" in text
