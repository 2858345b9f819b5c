"""Rerun the secrets-r14 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r14/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The search is ``bench/secrets_search.py`` (round 14's, shared since round 15; nothing of
``harness.secrets`` is imported), first copied from round 13's runner. Where: every file under
the suite folder (cassettes, body files, companion indexes, logs, ``.pytest_cache``), the runs'
temp folder and their HOME, and every file's name; the test module is the only file skipped (it
holds no sentinel: they come from the environment). Forms: raw, URL-encoded
(``quote``/``quote_plus``, once and twice), JSON-escaped (also with ``\\/`` and with every
character ``\\uXXXX``-escaped), hex (either case), base64 and URL-safe base64 at each
alignment; and the same forms inside every gzip/zlib/raw-deflate/zstd/brotli stream or base64
run found in a file, inside every string of a YAML or JSON file once parsed, and in file names.
Files pytest itself writes (``.pytest_cache/v/cache``) are reported apart as ``pytest``.

The loopback API is this file's own ``http.server`` (not the harness's): it answers for what
moto lacks (a Bedrock response stream in the event-stream encoding, EC2 ``CreateVpnConnection``
with its customer gateway configuration, GameLift compute auth tokens, IVS real-time participant
tokens, DataZone environment credentials, Lightsail key pairs) and for web APIs (canned answers
under ``/r14/c/<class>``, and an echo for uploads). Round 14 adds to the search: UTF-16 (LE and
BE) forms, and a quoted-printable layer (soft line breaks joined) for any text with ``=`` at a
line's end.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import os
import secrets
import shutil
import string
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from bench.secrets_search import junit, search_tree  # noqa: E402
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


def key_and_cert(cn: str = "r14.example.com") -> tuple[bytes, bytes]:
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
        env["R14_" + cls.upper()] = value
        owned[cls] = [value]
    return env, owned


def xml_answer(action: str, ns: str, result: str) -> bytes:
    return (
        f'<{action}Response xmlns="{ns}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>r14-{action}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


HEX = "0123456789abcdef"
B64 = ALNUM + "+/"


def event_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One message of the AWS event stream encoding (string headers only)."""
    hdr = b""
    for name, value in headers.items():
        v = value.encode()
        hdr += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(v)) + v
    total = 12 + len(hdr) + len(payload) + 4
    prelude = struct.pack(">II", total, len(hdr))
    head = prelude + struct.pack(">I", zlib.crc32(prelude)) + hdr + payload
    return head + struct.pack(">I", zlib.crc32(head))


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks) and a few web
    APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str | bytes]] = {}
        self.base = ""
        # class -> (content type, body, more headers): the web APIs' canned answers
        self.canned: dict[str, tuple[str, bytes, dict[str, str]]] = {}

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        def can(cls: str, ctype: str, body: object, more: dict | None = None) -> None:
            if not isinstance(body, (str, bytes)):
                body = json.dumps(body)
            data = body if isinstance(body, bytes) else body.encode()
            self.canned[cls] = (ctype, data, more or {})

        def b64u(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        js, text, html = "application/json", "text/plain", "text/html"
        self.br_key = make("bedrock_invoke_stream_event_chunk", "Kx" + rand(ALNUM, 38))
        self.vpn_psk = make("ec2_vpn_connection_customer_gateway_psk", rand(ALNUM + "._", 32))
        self.gl_tok = make("gamelift_get_compute_auth_token", rand(ALNUM + "-", 48))
        self.ivs_tok = make(
            "ivs_realtime_participant_token",
            ".".join(
                [
                    b64u(b'{"alg":"ES384","typ":"JWT"}'),
                    b64u(json.dumps({"sub": "u1", "jti": rand(ALNUM, 12)}).encode()),
                    b64u(secrets.token_bytes(96)),
                ]
            ),
        )
        self.dz_id = make("datazone_environment_credentials", "ASIA" + rand(UPPER_DIGITS, 16))
        self.dz_secret = make("datazone_environment_credentials", rand(B64, 40))
        self.dz_token = make("datazone_environment_credentials", "IQoJb3JpZ2lu" + rand(B64, 300))
        kp, _ = key_and_cert("r14-lightsail")
        self.ls_pem = kp.decode()
        self.made["lightsail_create_key_pair_private"] = list(pem_lines(self.ls_pem))

        def tok(cls: str, ctype: str, value: str, body: str, more: dict | None = None) -> None:
            make(cls, value)
            can(cls, ctype, body.replace("@@", value), more)

        tok(
            "http_slack_xapp_token_text",
            text,
            f"xapp-1-A0{rand(UPPER_DIGITS, 9)}-{rand('0123456789', 13)}-{rand(HEX, 64)}",
            "App-level token generated: @@\nScopes: connections:write\n",
        )
        xoxe = f"xoxe-1-{rand(ALNUM, 140)}"
        tok("http_slack_xoxe_refresh_unnamed", js, xoxe, json.dumps({"ok": True, "r": "@@"}))
        tok(
            "http_stripe_restricted_key_html",
            html,
            "rk_live_51" + rand(ALNUM, 97),
            "<html><body><h1>Restricted key</h1><pre>@@</pre></body></html>",
        )
        tok(
            "http_stripe_webhook_secret_text",
            text,
            "whsec_" + rand(ALNUM, 32),
            "Ready! Your webhook signing secret is @@ (^C to quit)\n",
        )
        tok(
            "http_twilio_api_key_csv",
            "text/csv",
            rand(ALNUM, 32),
            f"sid,friendly_name,secret\nSK{rand(HEX, 32)},ci,@@\n",
        )
        tok(
            "http_shopify_shpat_xml",
            "application/xml",
            "shpat_" + rand(HEX, 32),
            "<app><install><shop>r14.myshopify.com</shop><value>@@</value></install></app>",
        )
        tok(
            "http_atlassian_api_token_unnamed",
            js,
            "ATATT3xFfGF0" + rand(ALNUM + "-_", 170) + "=" + rand(HEX.upper(), 8),
            json.dumps({"items": [{"label": "ci", "v": "@@"}]}),
        )
        tok(
            "http_linear_api_key_text",
            text,
            "lin_api_" + rand(ALNUM, 40),
            "export LINEAR_KEY_FOR_CI=@@\n",
        )
        tok(
            "http_doppler_service_token_unnamed",
            js,
            "dp.st.prd." + rand(ALNUM, 43),
            json.dumps({"name": "ci", "key": "@@", "access": "read"}),
        )
        tok(
            "http_pulumi_token_yaml",
            "application/yaml",
            "pul-" + rand(HEX, 40),
            "backend:\n  url: https://api.pulumi.com\n  t: @@\n",
        )
        tok(
            "http_postman_pmak_list",
            js,
            f"PMAK-{rand(HEX, 24)}-{rand(HEX, 34)}",
            json.dumps(["ci", "@@"]),
        )
        glc_inner = json.dumps({"o": "1", "n": "ci", "k": rand(ALNUM, 24), "m": {"r": "us"}})
        tok(
            "http_grafana_glc_unnamed",
            js,
            "glc_" + base64.b64encode(glc_inner.encode()).decode().rstrip("="),
            json.dumps({"data": "@@"}),
        )
        tok(
            "http_grafana_glsa_text",
            text,
            f"glsa_{rand(ALNUM, 32)}_{rand(HEX, 8)}",
            "Service account token created.\n\n  @@\n",
        )
        sntry = base64.b64encode(
            json.dumps({"iat": 1764331200, "url": "https://sentry.io", "org": "r14"}).encode()
        ).decode()
        tok(
            "http_sentry_sntrys_text",
            text,
            f"sntrys_{sntry}_{rand(B64, 43)}",
            "SENTRY_AUTH=@@\n",
        )
        tok(
            "http_newrelic_nrak_unnamed",
            js,
            "NRAK-" + rand(UPPER_DIGITS, 27),
            json.dumps({"k": "@@", "type": "USER"}),
        )
        tok(
            "http_mailgun_key_form",
            "application/x-www-form-urlencoded",
            "key-" + rand(HEX, 32),
            "name=ci&value=@@&domain=mg.example.com",
        )
        tok(
            "http_square_access_token_unnamed",
            js,
            "EAAA" + rand(ALNUM + "-_", 60),
            json.dumps({"merchant": {"id": "ML1", "t": "@@"}}),
        )
        tok(
            "http_telegram_bot_token_unnamed",
            js,
            f"{rand('123456789', 10)}:AA{rand(ALNUM + '_-', 33)}",
            json.dumps({"ok": True, "result": {"bot": "@@"}}),
        )
        discord_id = base64.b64encode(rand("0123456789", 19).encode()).decode().rstrip("=")
        tok(
            "http_discord_bot_token_text",
            text,
            f"M{discord_id[1:]}.{rand(ALNUM + '-_', 6)}.{rand(ALNUM + '-_', 38)}",
            "Bot ready, token reset to @@\n",
        )
        tok(
            "http_tailscale_authkey_text",
            text,
            f"tskey-auth-k{rand(ALNUM, 16)}-{rand(ALNUM, 32)}",
            "Generated auth key: @@\nExpires in 90 days.\n",
        )
        tok(
            "http_dockerhub_pat_unnamed",
            js,
            "dckr_pat_" + rand(ALNUM + "-_", 27),
            json.dumps({"x": "@@", "scopes": ["repo:read"]}),
        )
        tok(
            "http_terraform_cloud_hcl_token",
            "text/plain",
            f"{rand(ALNUM, 14)}.atlasv1.{rand(ALNUM, 67)}",
            'credentials "app.terraform.io" {\n  token = "@@"\n}\n',
        )
        tok(
            "http_azure_ad_client_secret_unnamed",
            js,
            rand(ALNUM, 3) + "8Q~" + rand(ALNUM + "~._-", 34),
            json.dumps({"customKeyIdentifier": None, "hint": "abc", "secretText": "@@"}),
        )
        tok(
            "http_hubspot_pat_unnamed",
            js,
            f"pat-na1-{rand(HEX, 8)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 12)}",
            json.dumps({"v": "@@"}),
        )
        tok(
            "http_otpauth_uri_secret",
            js,
            rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32),
            json.dumps({"provisioningUri": "otpauth://totp/R14:alice?secret=@@&issuer=R14"}),
        )
        at = make("http_msgpack_response_token", rand(ALNUM, 40))
        mp = b"\x82\xacaccess_token\xd9" + bytes([len(at)]) + at.encode()
        mp += b"\xaaexpires_in\xcd\x0e\x10"
        can("http_msgpack_response_token", "application/msgpack", mp)
        jt = make("http_jupyter_ipynb_token_url", rand(HEX, 48))
        nb = {
            "cells": [
                {
                    "cell_type": "code",
                    "source": ["!jupyter server list"],
                    "outputs": [
                        {
                            "name": "stdout",
                            "output_type": "stream",
                            "text": [
                                "Currently running servers:\n",
                                f"http://127.0.0.1:8888/?token={jt} :: /home/ci\n",
                            ],
                        }
                    ],
                }
            ],
            "nbformat": 4,
        }
        can("http_jupyter_ipynb_token_url", "application/x-ipynb+json", nb)
        gw = make("http_grpc_web_text_token", rand(ALNUM, 48))
        msg = b"\x0a\x02ci\x12" + bytes([len(gw)]) + gw.encode()
        frame = b"\x00" + struct.pack(">I", len(msg)) + msg
        can("http_grpc_web_text_token", "application/grpc-web-text", base64.b64encode(frame))
        st = make("http_refresh_header_ticket", f"ST-{rand('0123456789', 6)}-{rand(ALNUM, 20)}")
        can(
            "http_refresh_header_ticket",
            html,
            "<p>Redirecting...</p>",
            {"Refresh": f"0; url=https://app.example.com/cas/cb?ticket={st}"},
        )
        sk = make("http_html_inline_script_config", rand(B64, 44))
        can(
            "http_html_inline_script_config",
            html,
            '<html><head><script>window.__CONFIG__ = {"env": "prod", "sessionSigningKey": '
            f'"{sk}"}};</script></head><body></body></html>',
        )
        mk = make("http_js_bundle_literal", rand(HEX, 40))
        can(
            "http_js_bundle_literal",
            "application/javascript",
            f'"use strict";(()=>{{var e={{apiBase:"/v1",mgmtKey:"{mk}",retries:3}};'
            "window.app=e;})();\n",
        )
        ut = make("http_utf16_json_token", rand(ALNUM, 40))
        can(
            "http_utf16_json_token",
            "application/json; charset=utf-16",
            json.dumps({"user": "svc", "token": ut}).encode("utf-16"),
        )
        cd = make("http_xml_cdata_password", "Cd" + rand(ALNUM, 22))
        can(
            "http_xml_cdata_password",
            "application/xml",
            "<job><name>etl</name><args><![CDATA[--user=etl "
            f"--password={cd} --fast]]></args></job>",
        )
        rt = make("http_json_in_xml_escaped", rand(ALNUM, 64))
        esc = json.dumps({"refresh_token": rt, "scope": "read"}).replace('"', "&quot;")
        can(
            "http_json_in_xml_escaped",
            "application/xml",
            f"<Envelope><Status>ok</Status><Payload>{esc}</Payload></Envelope>",
        )
        enc = secrets.token_bytes(640)
        self.made["http_jks_keystore_response"] = [enc[100:140], enc[400:440]]
        alias = b"server"
        jks = b"\xfe\xed\xfe\xed" + struct.pack(">III", 2, 1, 1)
        jks += struct.pack(">H", len(alias)) + alias + struct.pack(">Q", 1764331200000)
        jks += struct.pack(">I", len(enc)) + enc + struct.pack(">I", 0)
        jks += hashlib.sha1(jks).digest()
        can("http_jks_keystore_response", "application/x-java-keystore", jks)

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

        if route.startswith("/r14/c/"):
            ctype, payload, more = self.canned[route.rsplit("/", 1)[1]]
            return 200, {"Content-Type": ctype, **more}, payload
        if route.startswith("/r14/echo") or route.startswith("/r14/orders"):
            return ok({"ok": True})
        if route.startswith("/model/") and route.endswith("/invoke-with-response-stream"):
            assert json.loads(body)["messages"]
            texts = ["Here is your ", f"new key: {self.br_key}", " (keep it safe)"]
            chunks = []
            for t in texts:
                inner = json.dumps({"type": "content_block_delta", "delta": {"text": t}})
                payload = json.dumps({"bytes": base64.b64encode(inner.encode()).decode()})
                chunks.append(
                    event_message(
                        {
                            ":event-type": "chunk",
                            ":content-type": "application/json",
                            ":message-type": "event",
                        },
                        payload.encode(),
                    )
                )
            return 200, {"Content-Type": "application/vnd.amazon.eventstream"}, chunks
        if method == "POST" and route == "/" and b"Action=CreateVpnConnection" in body:
            conf = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<vpn_connection id="vpn-0r14">'
                "<ipsec_tunnel><ike><authentication_protocol>sha1</authentication_protocol>"
                f"<pre_shared_key>{self.vpn_psk}</pre_shared_key></ike></ipsec_tunnel>"
                "</vpn_connection>"
            )
            esc = conf.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            xml = (
                '<CreateVpnConnectionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                "<requestId>r14-vpn</requestId><vpnConnection><vpnConnectionId>vpn-0r14"
                "</vpnConnectionId><state>pending</state><customerGatewayConfiguration>"
                f"{esc}</customerGatewayConfiguration><type>ipsec.1</type>"
                "<customerGatewayId>cgw-0r14</customerGatewayId><vpnGatewayId>vgw-0r14"
                "</vpnGatewayId></vpnConnection></CreateVpnConnectionResponse>"
            )
            return 200, {"Content-Type": "text/xml"}, xml.encode()
        if target.endswith("GetComputeAuthToken"):
            return amz(
                {
                    "FleetId": "fleet-r14",
                    "FleetArn": f"arn:aws:gamelift:us-east-1:{ACCOUNT}:fleet/fleet-r14",
                    "ComputeName": "c1",
                    "ComputeArn": f"arn:aws:gamelift:us-east-1:{ACCOUNT}:compute/c1",
                    "AuthToken": self.gl_tok,
                    "ExpirationTimestamp": 1893456000,
                }
            )
        if target.endswith("CreateKeyPair"):
            return amz(
                {
                    "keyPair": {
                        "name": "r14-kp",
                        "arn": f"arn:aws:lightsail:us-east-1:{ACCOUNT}:KeyPair/r14",
                    },
                    "publicKeyBase64": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ r14",
                    "privateKeyBase64": self.ls_pem,
                    "operation": {"id": "r14-op", "status": "Succeeded"},
                }
            )
        if route == "/CreateParticipantToken":
            return ok(
                {
                    "participantToken": {
                        "participantId": "p-r14",
                        "token": self.ivs_tok,
                        "userId": "u1",
                        "duration": 720,
                    }
                }
            )
        if route.endswith("/credentials") and route.startswith("/v2/domains/"):
            return ok(
                {
                    "accessKeyId": self.dz_id,
                    "secretAccessKey": self.dz_secret,
                    "sessionToken": self.dz_token,
                    "expiration": "2030-01-01T00:00:00Z",
                }
            )
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

    work = Path(args.keep or tempfile.mkdtemp(prefix="r14-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    suite, temp, home, obs, out = (work / n for n in ("suite", "tmp", "home", "obs", "out"))
    for folder in (suite, temp, home, obs, out):
        folder.mkdir(parents=True)
    source = (HERE / "corpus_suite.py").read_text()
    (suite / "test_r14.py").write_text(source)
    (suite / "pytest.ini").write_text("[pytest]\naws_contract = warn\n")

    env_sent, owned = make_sentinels(classes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_", "R14_"))}
    env.update(env_sent)
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        HOME=str(home),
        TMPDIR=str(temp),
        R14_OBSERVED=str(obs),
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
        env["R14_PHASE"] = phase
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
            env["R14_MOTO"], env["R14_API"] = moto, api.base
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

    def skip(path: Path) -> bool:
        if path.name in ("test_r14.py", "pytest.ini"):
            return True
        return "__pycache__" in path.parts and path.name.startswith("test_r14")

    leaks = search_tree((suite, temp, home), work, values, skip)

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
