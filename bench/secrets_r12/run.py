"""Rerun the secrets-r12 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r12/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The search is this file's own (nothing of ``harness.secrets`` is imported). Where: every file
under the suite folder (cassettes, body files, companion indexes, logs, ``.pytest_cache``),
the runs' temp folder and their HOME, and every file's name; the test module is the only
file skipped (it holds no sentinel: they come from the environment). Forms: raw,
URL-encoded (``quote``/``quote_plus``), JSON-escaped (also with ``\\/`` and with every
character ``\\uXXXX``-escaped), hex (either case), base64 and URL-safe base64 at each
alignment; and the same forms inside every gzip/zlib/raw-deflate/zstd/brotli stream or
base64 run found in a file, inside every string of a YAML or JSON file once parsed (so a
folded or escaped scalar is read as its value), and in file names. Files pytest itself
writes (``.pytest_cache/v/cache``) are reported apart as ``pytest``: they are not the
harness's doing.

The loopback API is this file's own ``http.server`` (not the harness's): it answers for what
moto lacks (CodeArtifact, ECR Public, Redshift's IAM credentials, Redshift Serverless, IoT
provisioning claims, IAM Identity Center OIDC, SSM sessions, EC2 password data, IAM's
service credential reset, SAML federation, Amplify, CodeBuild source credentials,
CodePipeline webhooks, Lambda Invoke, API Gateway's authorizer test and management API, Step
Functions activities, Logs Insights, AppConfig Data) and for web APIs.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import datetime
import gzip
import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.moto_server import moto_server  # noqa: E402


def split() -> dict[str, str]:
    halves = {}
    for line in (HERE / "split.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            half, name = line.split()
            halves[name] = half
    return halves


def rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


UPPER_DIGITS = string.ascii_uppercase + string.digits
ACCOUNT = "123456789012"
ALNUM = string.ascii_letters + string.digits


def key_and_cert(cn: str = "r12.example.com") -> tuple[bytes, bytes]:
    """A fresh RSA key and a self-signed certificate for it, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem, cert.public_bytes(serialization.Encoding.PEM)


def openssh_key() -> bytes:
    """A fresh Ed25519 key in OpenSSH's private key format."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )


def pem_lines(pem: str) -> list[str]:
    """Two lines from the middle of a PEM body: each alone is the key's text."""
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    if len(body) < 3:
        return body
    return [body[len(body) // 2], body[len(body) // 2 + 1]]


def pkcs8_pem(key_pem: bytes) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(key_pem, None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def ec_private_der() -> bytes:
    """A fresh P-256 private key, PKCS#8 DER (what KMS's GenerateDataKeyPair gives)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def pkcs12_and_slice() -> tuple[bytes, bytes]:
    """An unencrypted PKCS#12 file of a fresh key and certificate, and 48 bytes of the key's
    DER from its middle (the key's own bytes, as they sit in the file)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509 import load_pem_x509_certificate

    pem, cert = key_and_cert("r12-p12")
    key = serialization.load_pem_private_key(pem, None)
    p12 = pkcs12.serialize_key_and_certificates(
        b"r12", key, load_pem_x509_certificate(cert), None, serialization.NoEncryption()
    )
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    piece = der[300:348]
    assert piece in p12
    return p12, piece


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str | bytes]]]:
    """(environment, class -> its sentinel values)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str | bytes]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R12_" + cls.upper()] = value
        owned[cls] = [value]

    session = {
        "R12_EKS_KEY_ID": "ASIA" + rand(UPPER_DIGITS, 16),
        "R12_EKS_SECRET_KEY": rand(ALNUM + "/+", 40),
        "R12_EKS_SESSION": "IQoJb3JpZ2luX2VjE" + rand(ALNUM, 120),
    }
    env.update(session)
    if "http_eks_k8s_bearer_token" in owned:
        owned["http_eks_k8s_bearer_token"] = [session["R12_EKS_SESSION"]]
    p12, piece = pkcs12_and_slice()
    env["R12_S3P12"] = base64.b64encode(p12).decode()
    if "s3_pkcs12_binary_object" in owned:
        owned["s3_pkcs12_binary_object"] = [piece]
    key, _ = key_and_cert("r12-upload")
    env["R12_MPPEM"] = base64.b64encode(key).decode()
    if "http_multipart_pem_file_part" in owned:
        owned["http_multipart_pem_file_part"] = list(pem_lines(key.decode()))
    return env, owned


def xml_answer(action: str, ns: str, result: str) -> bytes:
    return (
        f'<{action}Response xmlns="{ns}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>r12-{action}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks) and a few web
    APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str | bytes]] = {}
        self.base = ""
        self.flaky = 0

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        self.codeartifact = make(
            "codeartifact_authorization_token", "eyJ2ZXIiOjEsImlzdSI6" + rand(ALNUM, 200)
        )
        self.ecrpub_pw = make(
            "ecr_public_authorization_token", "eyJwYXlsb2FkIjoi" + rand(ALNUM, 180)
        )
        self.ecrpub = make(
            "ecr_public_authorization_token",
            base64.b64encode(f"AWS:{self.ecrpub_pw}".encode()).decode(),
        )
        self.rs_pw = make("redshift_cluster_credentials_with_iam", rand(ALNUM + "/+", 64))
        self.rss_pw = make("redshift_serverless_get_credentials", rand(ALNUM + "/+", 64))
        iot_key, self.iot_cert = key_and_cert("r12-claim")
        self.iot_key = iot_key.decode()
        self.made["iot_provisioning_claim_private_key"] = list(pem_lines(self.iot_key))
        self.oidc_secret = make(
            "sso_oidc_register_client_secret", "eyJraWQiOiJrZXktMTU2" + rand(ALNUM, 300)
        )
        self.device_code = make("sso_oidc_device_authorization_code", rand(ALNUM + "-_", 86))
        self.ssm_tok = make("ssm_start_session_token_value", "AAEAA" + rand(ALNUM + "/+", 200))
        self.ec2_pw = make(
            "ec2_get_password_data", base64.b64encode(secrets.token_bytes(256)).decode()
        )
        self.svc_pw = make("iam_reset_service_specific_credential", rand(ALNUM + "/+", 44))
        self.saml_secret = make("sts_assume_role_with_saml_assertion", rand(ALNUM + "/+", 40))
        self.saml_token = make(
            "sts_assume_role_with_saml_assertion", "FwoGZXIvYXdzE" + rand(ALNUM, 200)
        )
        self.lambda_stripe = make("lambda_invoke_log_result", "sk_live_" + rand(ALNUM, 40))
        self.lambda_session = make("lambda_invoke_response_payload", rand(ALNUM, 40))
        self.sfn_token = make(
            "sfn_activity_task_token_input", "AAAAKgAAAAIAAAAA" + rand(ALNUM + "/+", 300)
        )
        self.sfn_pw = make("sfn_activity_task_token_input", rand(ALNUM, 32))
        self.logs_tok = make("logs_insights_query_results_token", "lq" + rand(ALNUM, 38))
        self.acd_pw = make("appconfigdata_latest_configuration", "ac" + rand(ALNUM, 30))
        self.code = make("http_oauth_code_redirect", rand(ALNUM, 40))
        self.code_tok = make("http_oauth_code_redirect", "at" + rand(ALNUM, 38))
        self.flaky_session = make("http_retried_request_api_key", "fs" + rand(ALNUM, 38))
        self.hop_pw = make("http_redirect_location_userinfo", "hp" + rand(ALNUM, 30))

        def seg(obj: object) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

        self.jwt_sig = make("http_unnamed_jwt_response", rand(ALNUM + "-_", 86))
        self.jwt = make(
            "http_unnamed_jwt_response",
            ".".join(
                [
                    seg({"alg": "RS256", "typ": "JWT"}),
                    seg({"sub": "alice", "jti": rand(ALNUM, 24)}),
                    self.jwt_sig,
                ]
            ),
        )
        self.stripe = make("http_stripe_key_unnamed", "sk_live_" + rand(ALNUM, 99))
        self.gh = make("http_github_token_unnamed", "ghp_" + rand(ALNUM, 36))
        self.slack = make(
            "http_slack_bot_token_text",
            f"xoxb-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(ALNUM, 24)}",
        )
        self.aws_secret = make("http_aws_keypair_in_html", rand(ALNUM + "/+", 40))
        self.aws_id = "AKIA" + rand(UPPER_DIGITS, 16)
        self.gkey = make("http_google_api_key_unnamed", "AIza" + rand(ALNUM + "-_", 35))
        sa_key, _ = key_and_cert("r12-sa")
        self.sa_key = pkcs8_pem(sa_key)
        self.made["http_gcp_service_account_json"] = list(pem_lines(self.sa_key))
        self.hook_pw = make("http_json_url_userinfo", "hk" + rand(ALNUM, 30))
        self.nested = make("http_doubly_nested_json_string", "ns" + rand(ALNUM, 38))
        self.mixed = make("http_multipart_mixed_response_token", "mx" + rand(ALNUM, 38))
        self.p12, piece = pkcs12_and_slice()
        self.made["http_pkcs12_binary_response"] = [piece]
        self.dkp_private = ec_private_der()
        self.made["kms_generate_data_key_pair_private"] = [self.dkp_private]
        self.xml_secret = make("http_xml_element_api_secret", "xs" + rand(ALNUM, 38))

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body or list of chunks)."""
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        js = {"Content-Type": "application/json"}
        route = parts.path
        target = headers.get("x-amz-target", "")
        amzjs = {"Content-Type": "application/x-amz-json-1.1"}
        xml = {"Content-Type": "text/xml"}

        def ok(data: object, status: int = 200, more: dict | None = None) -> tuple:
            return status, {**js, **(more or {})}, json.dumps(data).encode()

        def amz(data: object) -> tuple:
            return 200, amzjs, json.dumps(data).encode()

        form = parse_qs(body.decode("latin-1")) if b"Action=" in body else {}
        action = form.get("Action", [""])[0]
        if target.endswith("SpencerFrontendService.GetAuthorizationToken"):
            return amz(
                {"authorizationData": {"authorizationToken": self.ecrpub, "expiresAt": 1893456000}}
            )
        if target.endswith("TrentService.GenerateDataKeyPair"):
            data = {
                "KeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/r12",
                "KeyPairSpec": "ECC_NIST_P256",
                "PrivateKeyCiphertextBlob": base64.b64encode(secrets.token_bytes(180)).decode(),
                "PrivateKeyPlaintext": base64.b64encode(self.dkp_private).decode(),
                "PublicKey": base64.b64encode(b"0Y0\x13" + secrets.token_bytes(87)).decode(),
            }
            return amz(data)
        if target.endswith("RedshiftServerless.GetCredentials"):
            return amz({"dbUser": "IAM:r12", "dbPassword": self.rss_pw, "expiration": 1893456000})
        if target.endswith("AmazonSSM.StartSession"):
            return amz(
                {
                    "SessionId": "r12-0123456789abcdef0",
                    "TokenValue": self.ssm_tok,
                    "StreamUrl": "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/r12",
                }
            )
        if target.endswith("ImportSourceCredentials"):
            assert json.loads(body)["token"]
            return amz({"arn": f"arn:aws:codebuild:us-east-1:{ACCOUNT}:token/github"})
        if target.endswith("PutWebhook"):
            hook = json.loads(body)["webhook"]
            return amz(
                {
                    "webhook": {
                        "definition": hook,
                        "url": "https://webhooks.us-east-1.amazonaws.com/trigger?t=r12",
                        "arn": f"arn:aws:codepipeline:us-east-1:{ACCOUNT}:webhook:r12-hook",
                    }
                }
            )
        if target.endswith("GetActivityTask"):
            data = {
                "taskToken": self.sfn_token,
                "input": json.dumps({"job": 7, "db_password": self.sfn_pw}),
            }
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(data).encode()
        if target.endswith("SendTaskSuccess"):
            assert json.loads(json.loads(body)["output"])["result"]["apiKey"]
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, b"{}"
        if target.endswith("StartQuery"):
            return amz({"queryId": "r12-query-0001"})
        if target.endswith("GetQueryResults"):
            rows = [
                [
                    {"field": "@timestamp", "value": "2026-11-28 12:00:00.000"},
                    {"field": "@message", "value": f"login ok user=alice token={self.logs_tok}"},
                ]
            ]
            return amz(
                {"results": rows, "status": "Complete", "statistics": {"recordsMatched": 1.0}}
            )
        if action == "GetClusterCredentialsWithIAM":
            result = (
                f"<DbUser>IAMR:r12-role</DbUser><DbPassword>{self.rs_pw}</DbPassword>"
                "<Expiration>2030-01-01T00:00:00Z</Expiration>"
            )
            return (
                200,
                xml,
                xml_answer(action, "http://redshift.amazonaws.com/doc/2012-12-01/", result),
            )
        if action == "GetPasswordData":
            text = (
                '<GetPasswordDataResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                "<requestId>r12-ec2</requestId><instanceId>i-0123456789abcdef0</instanceId>"
                f"<timestamp>2026-11-28T12:00:00.000Z</timestamp><passwordData>{self.ec2_pw}"
                "</passwordData></GetPasswordDataResponse>"
            )
            return 200, xml, text.encode()
        if action == "ResetServiceSpecificCredential":
            result = (
                "<ServiceSpecificCredential><CreateDate>2026-11-28T12:00:00Z</CreateDate>"
                "<ServiceName>codecommit.amazonaws.com</ServiceName>"
                "<ServiceUserName>r12-git-at-123456789012</ServiceUserName>"
                f"<ServicePassword>{self.svc_pw}</ServicePassword>"
                "<ServiceSpecificCredentialId>ACCAEXAMPLE123EXAMPLE</ServiceSpecificCredentialId>"
                "<UserName>r12-git</UserName><Status>Active</Status></ServiceSpecificCredential>"
            )
            return 200, xml, xml_answer(action, "https://iam.amazonaws.com/doc/2010-05-08/", result)
        if action == "AssumeRoleWithSAML":
            result = (
                "<Credentials><AccessKeyId>ASIAR12EXAMPLE000001</AccessKeyId>"
                f"<SecretAccessKey>{self.saml_secret}</SecretAccessKey>"
                f"<SessionToken>{self.saml_token}</SessionToken>"
                "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
                "<AssumedRoleUser><AssumedRoleId>AROAR12EXAMPLE:alice</AssumedRoleId>"
                f"<Arn>arn:aws:sts::{ACCOUNT}:assumed-role/r12-saml/alice</Arn></AssumedRoleUser>"
                "<Subject>alice</Subject><SubjectType>persistent</SubjectType>"
                "<Issuer>https://idp.example.com</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>"
            )
            return 200, xml, xml_answer(action, "https://sts.amazonaws.com/doc/2011-06-15/", result)
        if route == "/v1/authorization-token":
            return ok({"authorizationToken": self.codeartifact, "expiration": 1893456000})
        if route.startswith("/provisioning-templates/"):
            return ok(
                {
                    "certificateId": "r12cert0123",
                    "certificatePem": self.iot_cert.decode(),
                    "keyPair": {
                        "PublicKey": "-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----\n",
                        "PrivateKey": self.iot_key,
                    },
                    "expiration": 1893456000,
                }
            )
        if route == "/client/register":
            return ok(
                {
                    "clientId": "r12clientid0001",
                    "clientSecret": self.oidc_secret,
                    "clientIdIssuedAt": 1764331200,
                    "clientSecretExpiresAt": 1893456000,
                }
            )
        if route == "/device_authorization":
            return ok(
                {
                    "deviceCode": self.device_code,
                    "userCode": "ABCD-EFGH",
                    "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
                    "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
                    "expiresIn": 600,
                    "interval": 1,
                }
            )
        if route == "/apps":
            req = json.loads(body)
            assert req["accessToken"]
            return ok(
                {
                    "app": {
                        "appId": "d1r12app",
                        "name": req["name"],
                        "repository": req["repository"],
                        "platform": "WEB",
                    }
                }
            )
        if route.startswith("/apps/") and route.endswith("/branches"):
            req = json.loads(body)
            return ok(
                {
                    "branch": {
                        "branchName": req["branchName"],
                        "enableBasicAuth": True,
                        "basicAuthCredentials": req["basicAuthCredentials"],
                        "stage": "NONE",
                    }
                }
            )
        if route.startswith("/2015-03-31/functions/"):
            name = route.split("/")[3]
            more = {"X-Amz-Executed-Version": "$LATEST"}
            if name == "r12-sync":
                assert json.loads(body)["auth"]["token"]
            if name == "r12-ctx":
                ctx = json.loads(base64.b64decode(headers["x-amz-client-context"]))
                assert ctx["custom"]["session"]
            if name == "r12-log":
                log = (
                    "START RequestId: r12 Version: $LATEST\n"
                    f"DEBUG charging with key {self.lambda_stripe}\n"
                    "END RequestId: r12\nREPORT RequestId: r12 Duration: 2.1 ms\n"
                )
                more["X-Amz-Log-Result"] = base64.b64encode(log.encode()).decode()
            if name == "r12-issue":
                inner = json.dumps({"user": "alice", "sessionKey": self.lambda_session})
                return ok({"statusCode": 200, "body": inner}, more=more)
            return ok({"ok": True}, more=more)
        if route.startswith("/restapis/") and "/authorizers/" in route:
            token = json.loads(body)["headers"]["Authorization"]
            return ok(
                {
                    "clientStatus": 200,
                    "principalId": "alice",
                    "policy": json.dumps({"Version": "2012-10-17", "Statement": []}),
                    "authorization": {"Authorization": [token]},
                    "latency": 4,
                }
            )
        if route.startswith("/@connections/"):
            assert json.loads(body)["resume"]
            return 200, {"Content-Length": "0"}, b""
        if route == "/configurationsessions":
            return ok({"InitialConfigurationToken": "r12-initial-" + "0" * 20}, status=201)
        if route == "/configuration":
            text = f"flags:\n  beta: true\ndb:\n  host: db.internal\n  password: {self.acd_pw}\n"
            return (
                200,
                {
                    "Content-Type": "application/x-yaml",
                    "Next-Poll-Configuration-Token": "r12-next-" + "1" * 20,
                    "Next-Poll-Interval-In-Seconds": "60",
                    "Version-Label": "v1",
                },
                text.encode(),
            )
        if route == "/r12/ws":
            good = "bearer.authorization.k8s.io." in headers.get("sec-websocket-protocol", "")
            return ok({"ok": good})
        if route == "/r12/authorize":
            where = f"/r12/cb?code={self.code}&state={query['state'][0]}"
            return 302, {"Location": where, "Content-Length": "0"}, b""
        if route == "/r12/cb":
            return ok({"ok": True})
        if route == "/r12/token":
            assert parse_qs(body.decode())["code"] == [self.code]
            return ok({"access_token": self.code_tok, "token_type": "bearer", "expires_in": 3600})
        if route in (
            "/r12/pkce",
            "/r12/saml/acs",
            "/r12/formlogin",
            "/r12/xmllogin",
            "/r12/upload",
        ):
            return ok({"ok": len(body) > 20})
        if route == "/r12/chunked":
            return ok({"ok": bool(json.loads(body)["api_token"])})
        if route == "/r12/flaky":
            self.flaky += 1
            if self.flaky == 1:
                return ok({"error": "try again"}, status=503)
            return ok({"session": self.flaky_session})
        if route == "/r12/hop":
            host = headers["host"]
            return (
                302,
                {"Location": f"http://svc:{self.hop_pw}@{host}/r12/landing", "Content-Length": "0"},
                b"",
            )
        if route == "/r12/landing":
            return ok({"ok": True})
        if route == "/r12/jwt":
            return ok({"data": self.jwt})
        if route == "/r12/stripe":
            return ok({"k": self.stripe})
        if route == "/r12/gh":
            return ok({"value": self.gh})
        if route == "/r12/slack.txt":
            return 200, {"Content-Type": "text/plain"}, (self.slack + "\n").encode()
        if route == "/r12/keys.html":
            page = (
                f"<html><body><h1>Keys</h1><pre>{self.aws_id} {self.aws_secret}</pre></body></html>"
            )
            return 200, {"Content-Type": "text/html"}, page.encode()
        if route == "/r12/maps":
            return ok({"k": self.gkey})
        if route == "/r12/sa.json":
            return ok(
                {
                    "type": "service_account",
                    "project_id": "r12-proj",
                    "private_key_id": "0123456789abcdef0123456789abcdef01234567",
                    "private_key": self.sa_key,
                    "client_email": "ci@r12-proj.iam.gserviceaccount.com",
                    "token_uri": "https://oauth2.googleapis.com/token",
                }
            )
        if route == "/r12/basic":
            good = headers.get("authorization", "").startswith("Basic ")
            return ok({"user": "alice" if good else None})
        if route == "/r12/hooks":
            return ok({"webhook": f"https://hook:{self.hook_pw}@hooks.example.com/x"})
        if route == "/r12/nested":
            return ok({"payload": json.dumps({"inner": json.dumps({"secret": self.nested})})})
        if route == "/r12/batch":
            text = (
                "--r12b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                f'--r12b\r\nContent-Type: application/json\r\n\r\n{{"token": "{self.mixed}"}}\r\n'
                "--r12b--\r\n"
            )
            return 200, {"Content-Type": "multipart/mixed; boundary=r12b"}, text.encode()
        if route == "/r12/client.p12":
            return 200, {"Content-Type": "application/x-pkcs12"}, self.p12
        if route == "/r12/pct":
            return ok({"ok": "%2B" in headers.get("x-auth-token", "")})
        if route == "/r12/creds.xml":
            text = (
                "<Credentials><ApiKey>r12-key-id</ApiKey>"
                f"<ApiSecret>{self.xml_secret}</ApiSecret></Credentials>"
            )
            return 200, {"Content-Type": "application/xml"}, text.encode()
        if route == "/r12/graphql":
            return ok({"data": {"listNotes": {"items": []}}})
        if route == "/api/v1/namespaces":
            good = headers.get("authorization", "").startswith("Bearer k8s-aws-v1.")
            return ok({"kind": "NamespaceList" if good else "Status", "items": []})
        return ok({"error": "not found", "path": route}, status=404)

    def serve(self) -> ThreadingHTTPServer:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def _any(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if not size:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out, payload = api.handle(self.command, self.path, headers, body)
                self.send_response(status)
                for k, v in out.items():
                    self.send_header(k, v)
                if isinstance(payload, list):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for piece in payload:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                if "Content-Length" not in out:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return server


# -- searching ---------------------------------------------------------------------------


def forms(raw: bytes) -> dict[bytes, str]:
    """Each encoded form of a value -> the encoding's name."""
    found: dict[bytes, str] = {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    for pad in range(3):
        encoded = base64.b64encode(b"\x00" * pad + raw)
        start, end = -(-8 * pad // 6), 8 * (pad + len(raw)) // 6
        core = encoded[start:end]
        found.setdefault(core.replace(b"+", b"-").replace(b"/", b"_"), "base64url")
        found[core] = "base64"
    found[binascii.hexlify(raw)] = "hex"
    found[binascii.hexlify(raw).upper()] = "HEX"
    found[json.dumps(text)[1:-1].encode()] = "json-escaped"
    found[json.dumps(text)[1:-1].replace("/", "\\/").encode()] = "json-escaped(\\/)"
    found["".join(f"\\u{ord(c):04x}" for c in text).encode()] = "\\u-escaped"
    found[quote_plus(text).encode()] = "url-encoded(plus)"
    found[quote(text, safe="").encode()] = "url-encoded"
    found[quote(quote(text, safe=""), safe="").encode()] = "url-encoded twice"
    found[json.dumps(text, ensure_ascii=False)[1:-1].encode()] = "json-escaped"
    found[raw] = "raw"
    return {k: v for k, v in found.items() if len(k) >= 8}


def _raw_deflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


def _zstd(data: bytes) -> bytes:
    import zstandard

    if not data.startswith(b"\x28\xb5\x2f\xfd"):
        raise ValueError("not zstd")
    return zstandard.ZstdDecompressor().decompress(data, max_output_size=50_000_000)


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.decompress(data)


OPENERS = (
    (gzip.decompress, "gzip"),
    (zlib.decompress, "zlib"),
    (_raw_deflate, "deflate"),
    (_zstd, "zstd"),
    (_brotli, "brotli"),
)


B64_RUN = re.compile(rb"[A-Za-z0-9+/=_\-\r\n ]{24,}")


def strings_of(data: bytes, name: str) -> list[bytes]:
    """Every string inside a YAML or JSON file, parsed (a folded scalar read whole)."""
    out: list[bytes] = []
    if not name.endswith((".yaml", ".yml", ".json")) or len(data) > 20_000_000:
        return out
    try:
        doc = yaml.safe_load(data) if name.endswith(("yaml", "yml")) else json.loads(data)
    except Exception:
        return out
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack += list(node.keys()) + list(node.values())
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, str):
            out.append(node.encode("utf-8", "surrogatepass"))
        elif isinstance(node, bytes):
            out.append(node)
    return out


def decoded_layers(data: bytes, depth: int = 0) -> list[tuple[str, bytes]]:
    """(how, bytes) for the data's gzip/zlib streams and base64 runs, recursively."""
    out: list[tuple[str, bytes]] = []
    if depth > 2:
        return out
    for opener, name in OPENERS:
        try:
            inner = opener(data)
        except Exception:
            continue
        out.append((name, inner))
        out += [(f"{name}>{h}", b) for h, b in decoded_layers(inner, depth + 1)]
    if len(data) < 30_000_000:
        for match in B64_RUN.finditer(data):
            chunk = re.sub(rb"[\r\n ]", b"", match.group())
            for decoder, name in (
                (base64.b64decode, "base64"),
                (base64.urlsafe_b64decode, "base64url"),
            ):
                try:
                    inner = decoder(chunk + b"=" * (-len(chunk) % 4))
                except Exception:
                    continue
                if len(inner) < 8:
                    continue
                for opener, zname in OPENERS:
                    with contextlib.suppress(Exception):
                        out.append((f"{name}>{zname}", opener(inner)))
                break
    return out


def search(data: bytes, name: str, values: dict[str, list[bytes]]) -> list[tuple[str, str]]:
    """(class, encoding) of each sentinel in the data or a layer decoded from it."""
    hits: list[tuple[str, str]] = []
    layers = [("", data), *decoded_layers(data)]
    parsed = strings_of(data, name)
    if parsed:
        layers.append(("parsed", b"\x00".join(parsed)))
        for s in parsed:
            layers += [(f"parsed>{h}", b) for h, b in decoded_layers(s, 1)]
    table = {cls: [forms(raw) for raw in raws] for cls, raws in values.items()}
    for cls, all_forms in table.items():
        for how, blob in layers:
            for fs in all_forms:
                for form, enc in fs.items():
                    if form in blob:
                        hits.append((cls, f"{how}>{enc}" if how else enc))
                        break
    return sorted(set(hits))


def junit(path: Path) -> dict[str, str]:
    """test function name -> passed | failed: first line of the message."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for case in ET.parse(path).iter("testcase"):
        name = case.get("name", "").split("[")[0]
        bad = case.find("failure") if case.find("failure") is not None else case.find("error")
        skipped = case.find("skipped")
        if bad is not None:
            msg = (bad.get("message") or "").splitlines()[0][:150] if bad.get("message") else ""
            out[name] = "FAILED " + msg
        elif skipped is not None:
            out[name] = "skipped"
        else:
            out[name] = "passed"
    return out


def main() -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="leave the run's folders in DIR")
    parser.add_argument("--only", help="comma-separated classes")
    parser.add_argument("-v", action="store_true", help="print the inner runs' output")
    args = parser.parse_args()
    halves = split()
    classes = sorted(halves)
    chosen = args.only.split(",") if args.only else classes

    work = Path(args.keep or tempfile.mkdtemp(prefix="r12-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r12.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R12_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R12_OBSERVED=str(obs),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SHARED_CREDENTIALS_FILE=str(out / "no-credentials"),
        AWS_CONFIG_FILE=str(out / "no-config"),
        AWS_EC2_METADATA_DISABLED="true",
        HARNESS_CHECK_CACHE=str(suite / ".harness_cache"),
    )
    selection = ["-k", " or ".join(f"test_{c}" for c in chosen)] if args.only else []
    base = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:hypothesispytest"]
    base += ["-p", "no:xdist", "-q", "-rN", *selection]

    def pytest_run(phase: str, *extra: str) -> str:
        env["R12_PHASE"] = phase
        done = subprocess.run(
            [*base, f"--junitxml={out / phase}.xml", *extra],
            cwd=suite,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        (out / f"{phase}.log").write_text(done.stdout + done.stderr)
        if args.v:
            print(done.stdout[-5000:], done.stderr[-3000:])
        return done.stdout + done.stderr

    api = Api()
    server = api.serve()
    try:
        with moto_server() as moto:
            env["R12_MOTO"], env["R12_API"] = moto, api.base
            pytest_run("record", "--aws-record-mode=once", "--aws-keep-failed-recordings")
    finally:
        server.shutdown()
        server.server_close()
    recorded = junit(out / "record.xml")
    if not recorded:
        print((out / "record.log").read_text()[-3000:])
        return 2
    pytest_run("replay", "--aws-record-mode=none")
    replayed = junit(out / "replay.xml")
    scan = subprocess.run(
        [sys.executable, "-m", "harness", "scan", "cassettes"],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
    )
    (out / "scan.log").write_text(scan.stdout + scan.stderr)

    # every value to look for, by class: sentinels, what servers made, what the code saw
    def as_bytes(v: str | bytes) -> bytes:
        return v if isinstance(v, bytes) else v.encode()

    values: dict[str, list[bytes]] = {c: [as_bytes(v) for v in owned[c]] for c in chosen}
    for cls, made in api.made.items():
        if cls in values:
            values[cls] += [as_bytes(v) for v in made]
    for seen in obs.iterdir():
        cls, key = seen.name.split(".", 1)
        if cls not in values or key.lower().endswith("accesskeyid"):
            continue  # an access key id is an identifier: its shape's placeholder is fine
        text = seen.read_text()
        if text.startswith("b64:"):
            values[cls].append(base64.b64decode(text[4:]))
        elif text.startswith("-----BEGIN"):
            values[cls] += [line.encode() for line in pem_lines(text)]
        else:
            values[cls].append(text.encode())

    leaks: dict[str, list[str]] = {c: [] for c in chosen}
    for root in (suite, temp, home):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(work)
            for cls, raws in values.items():
                if any(r.decode("utf-8", "replace") in str(rel) for r in raws):
                    leaks[cls].append(f"{rel} (file name)")
            if not path.is_file() or path.name in ("test_r12.py", "pytest.ini"):
                continue
            if "__pycache__" in path.parts and path.name.startswith("test_r12"):
                continue
            for cls, enc in search(path.read_bytes(), path.name, values):
                owner = "pytest" if ".pytest_cache/v/cache" in str(rel) else "harness"
                leaks[cls].append(f"{rel} [{enc}] ({owner})")

    totals = {"fix": [0, 0, 0, 0], "held-out": [0, 0, 0, 0]}  # n, leaked, wrong, not recorded
    print(f"run folder: {work}\nharness scan: exit {scan.returncode}")
    for cls in chosen:
        half = halves[cls]
        name = "test_" + cls
        rec, rep = recorded.get(name, "missing"), replayed.get(name, "missing")
        theirs = [x for x in leaks[cls] if not x.endswith("(pytest)")]
        status = "LEAKED" if theirs else "clean"
        replay_bad = rec == "passed" and rep != "passed"
        totals[half][0] += 1
        totals[half][1] += bool(theirs)
        totals[half][2] += replay_bad
        totals[half][3] += rec != "passed"
        print(f"{half:9} {cls:40} {status:6} record={rec[:70]} replay={rep[:110]}")
        for where in leaks[cls]:
            print(f"{'':10}{where}")
    for half, (n, leaked, wrong, unrec) in totals.items():
        print(
            f"{half}: {leaked} of {n} classes leaked; {wrong} replayed wrongly;"
            f" {unrec} did not record"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
