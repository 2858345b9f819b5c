"""Rerun the secrets-r13 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r13/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The search is this file's own (nothing of ``harness.secrets`` is imported), copied from
round 12's runner. Where: every file under the suite folder (cassettes, body files, companion
indexes, logs, ``.pytest_cache``), the runs' temp folder and their HOME, and every file's
name; the test module is the only file skipped (it holds no sentinel: they come from the
environment). Forms: raw, URL-encoded (``quote``/``quote_plus``, once and twice),
JSON-escaped (also with ``\\/`` and with every character ``\\uXXXX``-escaped), hex (either
case), base64 and URL-safe base64 at each alignment; and the same forms inside every
gzip/zlib/raw-deflate/zstd/brotli stream or base64 run found in a file, inside every string of
a YAML or JSON file once parsed, and in file names. Files pytest itself writes
(``.pytest_cache/v/cache``) are reported apart as ``pytest``.

The loopback API is this file's own ``http.server`` (not the harness's): it answers for what
moto lacks (Lightsail bucket access keys, MediaPackage channels, IVS, MWAA CLI tokens, GameLift
instance access, Chime SDK attendees, Connect federation, Bedrock and SageMaker runtime
invocations, CloudTrail lookups, QuickSight data sources, an S3 signature error) and for web
APIs (canned answers under ``/r13/c/<class>``, a Vault login, SOAP, JSON Patch, an upload).
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
from urllib.parse import quote, quote_plus, urlsplit

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


def key_and_cert(cn: str = "r13.example.com") -> tuple[bytes, bytes]:
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


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str | bytes]]]:
    """(environment, class -> its sentinel values)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str | bytes]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R13_" + cls.upper()] = value
        owned[cls] = [value]
    key, _ = key_and_cert("r13-vpn")
    env["R13_OVPNKEY"] = base64.b64encode(key).decode()
    if "s3_ovpn_inline_key" in owned:
        owned["s3_ovpn_inline_key"] = list(pem_lines(key.decode()))
    ssh = openssh_key()
    env["R13_SSHKEY"] = base64.b64encode(ssh).decode()
    if "http_put_openssh_key_octet" in owned:
        owned["http_put_openssh_key_octet"] = list(pem_lines(ssh.decode()))
    return env, owned


def xml_answer(action: str, ns: str, result: str) -> bytes:
    return (
        f'<{action}Response xmlns="{ns}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>r13-{action}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
HEX = "0123456789abcdef"


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks) and a few web
    APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str | bytes]] = {}
        self.base = ""
        # class -> (content type, body): the web APIs' canned answers
        self.canned: dict[str, tuple[str, bytes]] = {}

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        def can(cls: str, ctype: str, body: object) -> None:
            if not isinstance(body, (str, bytes)):
                body = json.dumps(body)
            self.canned[cls] = (ctype, body if isinstance(body, bytes) else body.encode())

        def b64u(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        js, text = "application/json", "text/plain"
        self.ls_secret = make("lightsail_create_bucket_access_key", rand(ALNUM + "/+", 40))
        self.ls_id = make("lightsail_create_bucket_access_key", "AKIA" + rand(UPPER_DIGITS, 16))
        self.mp_pw = make("mediapackage_ingest_endpoint_password", rand(HEX, 32))
        self.ivs_key = make("ivs_create_channel_stream_key", "sk_us-east-1_" + rand(ALNUM, 36))
        self.mwaa_tok = make("mwaa_create_cli_token", rand(ALNUM + "-_", 64))
        gl_key, _ = key_and_cert("r13-gamelift")
        self.gl_key = gl_key.decode()
        self.made["gamelift_get_instance_access_secret"] = list(pem_lines(self.gl_key))
        self.chime_tok = make("chime_sdk_attendee_join_token", rand(ALNUM + "+/", 120))
        self.connect_at = make("connect_get_federation_token", rand(ALNUM, 300))
        self.connect_rt = make("connect_get_federation_token", rand(ALNUM, 300))
        self.ct_pw = make("cloudtrail_lookup_event_request_parameters", "Ct" + rand(ALNUM, 22))
        self.vault_tok = make("http_vault_login_client_token", "hvs." + rand(ALNUM + "_-", 90))

        sig = make("http_azure_sas_token_url", base64.b64encode(secrets.token_bytes(32)).decode())
        can(
            "http_azure_sas_token_url",
            js,
            {
                "uploadUrl": "https://r13acct.blob.core.windows.net/uploads/report.csv?sv=2022-11-02"
                "&ss=b&srt=o&sp=rw&se=2030-01-01T00%3A00%3A00Z&spr=https&sig=" + quote(sig, safe="")
            },
        )
        gsig = make("http_gcs_signed_url_signature", rand(HEX, 512))
        can(
            "http_gcs_signed_url_signature",
            js,
            {
                "signedUrl": "https://storage.googleapis.com/r13-bucket/o.bin?X-Goog-Algorithm="
                "GOOG4-RSA-SHA256&X-Goog-Credential=sa%40r13.iam.gserviceaccount.com%2F20261128"
                "%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261128T120000Z&X-Goog-Expires=900"
                f"&X-Goog-SignedHeaders=host&X-Goog-Signature={gsig}"
            },
        )
        pw = make("http_jdbc_sqlserver_password_prop", "Jd" + rand(ALNUM, 22))
        can(
            "http_jdbc_sqlserver_password_prop",
            js,
            {
                "datasource": "jdbc:sqlserver://sql.internal:1433;databaseName=app;user=sa;"
                f"password={pw};encrypt=true"
            },
        )
        pw = make("http_amqp_url_in_yaml", "Aq" + rand(ALNUM, 22))
        can(
            "http_amqp_url_in_yaml",
            "application/yaml",
            f"broker:\n  url: amqp://app:{pw}@mq.internal:5672/prod\n  prefetch: 10\n",
        )
        ak = make(
            "http_azure_storage_connection_string",
            base64.b64encode(secrets.token_bytes(64)).decode(),
        )
        can(
            "http_azure_storage_connection_string",
            js,
            {
                "storage": "DefaultEndpointsProtocol=https;AccountName=r13acct;"
                f"AccountKey={ak};EndpointSuffix=core.windows.net"
            },
        )
        sg = make(
            "http_sendgrid_key_unnamed", f"SG.{rand(ALNUM + '-_', 22)}.{rand(ALNUM + '-_', 43)}"
        )
        can("http_sendgrid_key_unnamed", js, {"data": {"id": 7, "value": sg}})
        oa = make("http_openai_key_in_text", "sk-proj-" + rand(ALNUM + "-_", 156))
        can(
            "http_openai_key_in_text",
            text,
            f"2026-11-28T12:00:00Z INFO client configured with {oa}\n"
            "2026-11-28T12:00:01Z INFO ready\n",
        )
        an = make("http_anthropic_key_in_html", "sk-ant-api03-" + rand(ALNUM + "-_", 93) + "AA")
        can(
            "http_anthropic_key_in_html",
            "text/html",
            f"<html><body><p>Your new key:</p><code>{an}</code></body></html>",
        )
        gl = make("http_gitlab_pat_json_list", "glpat-" + rand(ALNUM + "-_", 20))
        can("http_gitlab_pat_json_list", js, [gl])
        npm = make("http_npm_token_unnamed", "npm_" + rand(ALNUM, 36))
        can("http_npm_token_unnamed", js, {"t": npm, "readonly": False})
        py = make("http_pypi_token_in_text", "pypi-AgEIcHlwaS5vcmc" + rand(ALNUM + "-_", 140))
        can("http_pypi_token_in_text", text, f"created: {py}\n")
        hf = make("http_huggingface_token_in_csv", "hf_" + rand(ALNUM, 34))
        can("http_huggingface_token_in_csv", "text/csv", f"id,value,scope\n1,{hf},read\n")
        db = make("http_databricks_token_unnamed", "dapi" + rand(HEX, 32))
        can("http_databricks_token_unnamed", js, {"v": db, "lifetime": 3600})
        do = make("http_digitalocean_token_xml", "dop_v1_" + rand(HEX, 64))
        can(
            "http_digitalocean_token_xml",
            "application/xml",
            f"<Items><Item><Name>ci</Name><Value>{do}</Value></Item></Items>",
        )
        jwe = make(
            "http_jwe_compact_token",
            ".".join(
                [
                    b64u(b'{"alg":"RSA-OAEP-256","enc":"A256GCM"}'),
                    b64u(secrets.token_bytes(256)),
                    b64u(secrets.token_bytes(12)),
                    b64u(secrets.token_bytes(90)),
                    b64u(secrets.token_bytes(16)),
                ]
            ),
        )
        can("http_jwe_compact_token", js, {"data": jwe})
        age = make("http_age_secret_key", "AGE-SECRET-KEY-1" + rand(BECH32.upper(), 58))
        can(
            "http_age_secret_key",
            text,
            f"# created: 2026-11-28T12:00:00Z\n# public key: age1{rand(BECH32, 58)}\n{age}\n",
        )
        armored = base64.b64encode(secrets.token_bytes(900)).decode()
        rows = [armored[i : i + 64] for i in range(0, len(armored), 64)]
        self.made["http_pgp_private_key_block"] = rows[3:5]
        can(
            "http_pgp_private_key_block",
            "application/pgp-keys",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
            + "\n".join(rows)
            + "\n=Ab12\n-----END PGP PRIVATE KEY BLOCK-----\n",
        )
        priv = make("http_putty_ppk_response", base64.b64encode(secrets.token_bytes(48)).decode())
        pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519" + secrets.token_bytes(36)).decode()
        can(
            "http_putty_ppk_response",
            "application/octet-stream",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\n"
            f"Public-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\n"
            f"Private-MAC: {rand(HEX, 64)}\n",
        )
        st = make("http_gzip_base64_in_json", "gz" + rand(ALNUM, 38))
        snap = gzip.compress(json.dumps({"user": "alice", "session_token": st}).encode())
        can("http_gzip_base64_in_json", js, {"snapshot": base64.b64encode(snap).decode()})
        pw = make("http_toml_config_response", "Tm" + rand(ALNUM, 22))
        can(
            "http_toml_config_response",
            "application/toml",
            f'[server]\nport = 8080\n\n[database]\nhost = "db.internal"\npassword = "{pw}"\n',
        )

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body or list of chunks)."""
        parts = urlsplit(path)
        js = {"Content-Type": "application/json"}
        route = parts.path
        target = headers.get("x-amz-target", "")
        amzjs = {"Content-Type": "application/x-amz-json-1.1"}

        def ok(data: object, status: int = 200, more: dict | None = None) -> tuple:
            return status, {**js, **(more or {})}, json.dumps(data).encode()

        def amz(data: object) -> tuple:
            return 200, amzjs, json.dumps(data).encode()

        if route.startswith("/r13/c/"):
            ctype, payload = self.canned[route.rsplit("/", 1)[1]]
            return 200, {"Content-Type": ctype}, payload
        if target.endswith("CreateBucketAccessKey"):
            return amz(
                {
                    "accessKey": {
                        "accessKeyId": self.ls_id,
                        "secretAccessKey": self.ls_secret,
                        "status": "Active",
                        "createdAt": 1764331200,
                    },
                    "operations": [{"id": "r13-op", "status": "Succeeded"}],
                }
            )
        if target.endswith("GetInstanceAccess"):
            return amz(
                {
                    "InstanceAccess": {
                        "FleetId": "fleet-r13",
                        "InstanceId": "i-0123456789abcdef0",
                        "IpAddress": "10.0.0.9",
                        "OperatingSystem": "AMAZON_LINUX_2",
                        "Credentials": {"UserName": "gl-user-remote", "Secret": self.gl_key},
                    }
                }
            )
        if target.endswith("LookupEvents"):
            event = {
                "eventVersion": "1.08",
                "eventSource": "workmail.amazonaws.com",
                "eventName": "CreateUser",
                "requestParameters": {"name": "bob", "initialPassword": self.ct_pw},
                "responseElements": {"userId": "u-r13"},
            }
            return amz(
                {
                    "Events": [
                        {
                            "EventId": "r13-ev-1",
                            "EventName": "CreateUser",
                            "EventTime": 1764331200,
                            "CloudTrailEvent": json.dumps(event),
                        }
                    ]
                }
            )
        if route == "/channels" and method == "POST":
            req = json.loads(body)
            return ok(
                {
                    "id": req["id"],
                    "arn": f"arn:aws:mediapackage:us-east-1:{ACCOUNT}:channels/r13",
                    "hlsIngest": {
                        "ingestEndpoints": [
                            {
                                "id": "ep1",
                                "url": "https://r13.mediapackage.us-east-1.amazonaws.com/in/v2/r13/channel",
                                "username": "r13user",
                                "password": self.mp_pw,
                            }
                        ]
                    },
                }
            )
        if route == "/CreateChannel":
            arn = f"arn:aws:ivs:us-east-1:{ACCOUNT}:channel/r13abc"
            return ok(
                {
                    "channel": {"arn": arn, "name": "r13-stream", "latencyMode": "LOW"},
                    "streamKey": {
                        "arn": f"arn:aws:ivs:us-east-1:{ACCOUNT}:stream-key/r13k",
                        "channelArn": arn,
                        "value": self.ivs_key,
                    },
                }
            )
        if route.startswith("/clitoken/"):
            return ok({"CliToken": self.mwaa_tok, "WebServerHostname": "r13.airflow.example"})
        if route.startswith("/meetings/") and route.endswith("/attendees"):
            req = json.loads(body)
            return ok(
                {
                    "Attendee": {
                        "ExternalUserId": req["ExternalUserId"],
                        "AttendeeId": "a-r13-0001",
                        "JoinToken": self.chime_tok,
                    }
                }
            )
        if route.startswith("/user/federate/"):
            return ok(
                {
                    "Credentials": {
                        "AccessToken": self.connect_at,
                        "AccessTokenExpiration": 1893456000,
                        "RefreshToken": self.connect_rt,
                        "RefreshTokenExpiration": 1893456000,
                    },
                    "SignInUrl": "https://r13.my.connect.aws/login",
                    "UserArn": f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/r13/agent/a1",
                    "UserId": "a1",
                }
            )
        if route.startswith("/model/") and route.endswith("/invoke"):
            assert json.loads(body)["messages"]
            return ok(
                {
                    "id": "msg_r13",
                    "type": "message",
                    "content": [{"type": "text", "text": "The key is revoked."}],
                    "stop_reason": "end_turn",
                }
            )
        if route.startswith("/endpoints/") and route.endswith("/invocations"):
            assert body.startswith(b"user,")
            return ok({"score": 0.02})
        if route.startswith("/accounts/") and route.endswith("/data-sources"):
            assert json.loads(body)["Credentials"]["CredentialPair"]["Password"]
            return ok(
                {
                    "Arn": f"arn:aws:quicksight:us-east-1:{ACCOUNT}:datasource/r13-pg",
                    "DataSourceId": "r13-pg",
                    "CreationStatus": "CREATION_IN_PROGRESS",
                    "RequestId": "r13-qs",
                },
                status=202,
            )
        if route == "/r13-sig/report.csv":
            tok = headers.get("x-amz-security-token", "")
            canonical = (
                f"GET\n/r13-sig/report.csv\n\nhost:{headers.get('host', '')}\n"
                f"x-amz-content-sha256:{headers.get('x-amz-content-sha256', '')}\n"
                f"x-amz-date:{headers.get('x-amz-date', '')}\n"
                f"x-amz-security-token:{tok}\n\nhost;x-amz-content-sha256;x-amz-date;"
                f"x-amz-security-token\n{headers.get('x-amz-content-sha256', '')}"
            )
            text = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch'
                "</Code><Message>The request signature we calculated does not match the "
                "signature you provided. Check your key and signing method.</Message>"
                "<AWSAccessKeyId>ASIAR13EXAMPLE000002</AWSAccessKeyId>"
                f"<CanonicalRequest>{canonical}</CanonicalRequest>"
                "<RequestId>R13SIG</RequestId><HostId>r13host</HostId></Error>"
            )
            return 403, {"Content-Type": "application/xml"}, text.encode()
        if route.startswith("/v1/auth/userpass/login/"):
            assert json.loads(body)["password"]
            return ok(
                {
                    "request_id": "r13-vault",
                    "auth": {
                        "client_token": self.vault_tok,
                        "accessor": "r13accessor",
                        "policies": ["default"],
                        "lease_duration": 2764800,
                        "renewable": True,
                    },
                }
            )
        if route in ("/r13/soap", "/r13/users/al", "/r13/keys/deploy"):
            return ok({"ok": len(body) > 20})
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

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

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

    work = Path(args.keep or tempfile.mkdtemp(prefix="r13-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r13.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R13_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R13_OBSERVED=str(obs),
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
        env["R13_PHASE"] = phase
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
            env["R13_MOTO"], env["R13_API"] = moto, api.base
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
            if not path.is_file() or path.name in ("test_r13.py", "pytest.ini"):
                continue
            if "__pycache__" in path.parts and path.name.startswith("test_r13"):
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
