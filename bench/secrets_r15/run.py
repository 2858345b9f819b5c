"""Rerun the secrets-r15 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r15/run.py [--keep DIR] [--only CLASS,...]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The recording driver and loopback server are ``bench/secrets_driver.py`` (shared with round
16). The search is ``bench/secrets_search.py`` (round 14's, shared since round 15; nothing of
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
moto lacks (EC2 ``GetConsoleOutput``, SSM ``GetCommandInvocation``, CodeCommit ``GetFile``, MWAA
``CreateWebLoginToken``, SageMaker ``CreatePresignedDomainUrl``, AppStream
``CreateStreamingURL``, QuickSight ``GenerateEmbedUrlForRegisteredUser``, SES v2
``CreateEmailIdentity``, Connect participant ``CreateParticipantConnection``, IVS chat
``CreateChatToken``) and for web APIs (canned answers under ``/r15/c/<class>``, and an echo for
uploads). Round 15 adds to the search (``ROUND15_FORMS``, ``ROUND15_LAYERS``): base32 and
HTML-escaped forms; bzip2 and xz streams, a chunked or aws-chunked body's chunks joined, a
percent-decoded and an HTML-unescaped layer, and a line-unfolded layer (iCalendar/MIME folding).
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import struct
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bench.secrets_driver import drive, openssh_key, pem_lines, pkcs8, rand, rsa_der  # noqa: E402
from bench.secrets_search import ROUND15_FORMS, ROUND15_LAYERS  # noqa: E402

UPPER_DIGITS = string.ascii_uppercase + string.digits
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/r15-role"
ALNUM = string.ascii_letters + string.digits


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str | bytes]]]:
    """(environment, class -> its sentinel values). Keys the client side sends go as
    ``R15_KEY_<CLASS>`` (base64); their owned values are two lines of their body, or two
    slices of DER bytes."""
    env: dict[str, str] = {}
    owned: dict[str, list[str | bytes]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R15_" + cls.upper()] = value
        owned[cls] = [value]
    keys: dict[str, bytes] = {
        "s3_tar_openssh_private_key": openssh_key(),
        "s3_apns_p8_pkcs8_ec_key": pkcs8("ec"),
        "sesv2_create_email_identity_dkim_key": rsa_der(),
    }
    for cls, key in keys.items():
        env["R15_KEY_" + cls.upper()] = base64.b64encode(key).decode()
        if cls in owned:
            if key.startswith(b"-----"):
                owned[cls] = list(pem_lines(key.decode()))
            else:
                owned[cls] = [key[200:260], key[800:860]]
    return env, owned


HEX = "0123456789abcdef"
B64 = ALNUM + "+/"


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks) and a few web
    APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str | bytes]] = {}
        self.base = ""
        # class -> (content type, body, more headers, status): the web APIs' canned answers
        self.canned: dict[str, tuple[str, bytes, dict[str, str], int]] = {}

        def make(cls: str, value: str) -> str:
            self.made.setdefault(cls, []).append(value)
            return value

        def can(
            cls: str, ctype: str, body: object, more: dict | None = None, status: int = 200
        ) -> None:
            if not isinstance(body, (str, bytes)):
                body = json.dumps(body)
            data = body if isinstance(body, bytes) else body.encode()
            self.canned[cls] = (ctype, data, more or {}, status)

        def b64u(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        js, text, html = "application/json", "text/plain", "text/html"
        # AWS answers (loopback)
        self.console_pw = make("ec2_get_console_output_password", rand(ALNUM + "!@%", 28))
        self.ssm_pw = make("ssm_get_command_invocation_stdout", rand(ALNUM, 30))
        self.cc_key = make("codecommit_get_file_content", "sk_live_51" + rand(ALNUM, 97))
        self.mwaa_tok = make("mwaa_create_web_login_token", rand(ALNUM + "-_", 200))
        self.sm_tok = make(
            "sagemaker_create_presigned_domain_url",
            ".".join(
                [
                    b64u(b'{"alg":"HS256","typ":"JWT"}'),
                    b64u(json.dumps({"faceplate": "d-r15", "user": "alice"}).encode()),
                    b64u(secrets.token_bytes(32)),
                ]
            ),
        )
        self.as_sig = make("appstream_create_streaming_url", rand(ALNUM, 44))
        self.qs_code = make("quicksight_generate_embed_url_registered_user", rand(ALNUM, 300))
        self.cp_tok = make("connectparticipant_connection_token", rand(ALNUM + "+/", 240))
        self.ivschat_tok = make("ivschat_create_chat_token", "AQICAH" + rand(ALNUM + "+/", 300))

        def tok(cls: str, ctype: str, value: str, body: str, more: dict | None = None) -> None:
            make(cls, value)
            can(cls, ctype, body.replace("@@", value), more)

        # web API token formats
        tok(
            "http_supabase_sbp_token_text",
            text,
            "sbp_" + rand(HEX, 40),
            "Created access token for CI:\n  @@\nStore it somewhere safe.\n",
        )
        tok(
            "http_notion_ntn_unnamed",
            js,
            "ntn_" + rand("0123456789", 11) + rand(ALNUM, 35),
            json.dumps({"bot": {"name": "ci", "v": "@@"}}),
        )
        tok(
            "http_airtable_pat_csv",
            "text/csv",
            f"pat{rand(ALNUM, 14)}.{rand(HEX, 64)}",
            "name,value,scopes\nci,@@,data.records:read\n",
        )
        tok(
            "http_figma_figd_html",
            html,
            "figd_" + rand(ALNUM + "_-", 40),
            "<html><body><p>Your new token:</p><code>@@</code></body></html>",
        )
        tok(
            "http_buildkite_bkua_yaml",
            "application/yaml",
            "bkua_" + rand(HEX, 40),
            "agent:\n  name: ci\n  access: @@\n",
        )
        tok(
            "http_circleci_ccipat_xml",
            "application/xml",
            f"CCIPAT_{rand(ALNUM, 22)}_{rand(HEX, 40)}",
            "<tokens><token><label>ci</label><v>@@</v></token></tokens>",
        )
        tok(
            "http_contentful_cfpat_form",
            "application/x-www-form-urlencoded",
            "CFPAT-" + rand(ALNUM + "_-", 43),
            "name=ci&v=@@&scope=content_management_manage",
        )
        tok(
            "http_replicate_r8_text",
            text,
            "r8_" + rand(ALNUM, 37),
            "export R_FOR_CI=@@\n",
        )
        tok(
            "http_groq_gsk_unnamed",
            js,
            "gsk_" + rand(ALNUM, 52),
            json.dumps({"data": [{"name": "ci", "value": "@@"}]}),
        )
        tok(
            "http_perplexity_pplx_text",
            text,
            "pplx-" + rand(ALNUM, 48),
            "New key generated: @@ (shown once)\n",
        )
        mb_mid = b64u(json.dumps({"u": "r15", "a": rand(ALNUM, 12)}).encode())
        tok(
            "http_mapbox_secret_sk_js",
            "application/javascript",
            f"sk.{mb_mid}.{rand(ALNUM + '_-', 22)}",
            'window.MAP={style:"streets",t:"@@"};\n',
        )
        tok(
            "http_dynatrace_dt0c01_unnamed",
            js,
            f"dt0c01.{rand(UPPER_DIGITS, 24)}.{rand(UPPER_DIGITS, 64)}",
            json.dumps({"id": "dt0c01.X", "t": "@@"}),
        )
        ops_inner = json.dumps(
            {"signInAddress": "r15.1password.com", "email": "ci@r15", "secretKey": rand(ALNUM, 26)}
        )
        tok(
            "http_onepassword_ops_unnamed",
            js,
            "ops_" + base64.b64encode(ops_inner.encode()).decode().rstrip("="),
            json.dumps({"sa": {"name": "ci", "t": "@@"}}),
        )
        dw = make("http_discord_webhook_url_json", rand(ALNUM + "_-", 68))
        can(
            "http_discord_webhook_url_json",
            js,
            {
                "name": "alerts",
                "url": f"https://discord.com/api/webhooks/{rand('0123456789', 19)}/{dw}",
            },
        )
        tok(
            "http_flyio_fm2_text",
            text,
            f"FlyV1 fm2_{rand(ALNUM + '+/', 300)}==,fm2_{rand(ALNUM + '+/', 200)}=",
            "Deploy token (expires in 20 years):\n@@\n",
        )
        # containers and encodings
        at = make("http_cbor_response_token", rand(ALNUM, 40))
        cbor = b"\xa2\x6caccess_token\x78" + bytes([len(at)]) + at.encode()
        cbor += b"\x6aexpires_in\x19\x0e\x10"
        can("http_cbor_response_token", "application/cbor", cbor)
        sk = make("http_bson_response_token", rand(ALNUM, 48))
        el = b"\x02session_key\x00" + struct.pack("<i", len(sk) + 1) + sk.encode() + b"\x00"
        el += b"\x10ttl\x00" + struct.pack("<i", 3600)
        can(
            "http_bson_response_token",
            "application/bson",
            struct.pack("<i", len(el) + 5) + el + b"\x00",
        )
        xoxb = make(
            "http_protobuf_binary_slack_token",
            f"xoxb-{rand('0123456789', 12)}-{rand('0123456789', 13)}-{rand(ALNUM, 24)}",
        )
        can(
            "http_protobuf_binary_slack_token",
            "application/x-protobuf",
            b"\x0a\x02ci\x12" + bytes([len(xoxb)]) + xoxb.encode() + b"\x18\x01",
        )
        env_secret = make("http_multipart_byteranges_env", rand(ALNUM, 36))
        parts = [
            "--r15bound\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-19/400\r\n\r\n"
            "APP_ENV=production\n\r\n",
            "--r15bound\r\nContent-Type: text/plain\r\nContent-Range: bytes 200-260/400\r\n\r\n"
            f"API_SECRET={env_secret}\n\r\n",
            "--r15bound--\r\n",
        ]
        can(
            "http_multipart_byteranges_env",
            "multipart/byteranges; boundary=r15bound",
            "".join(parts),
            status=206,
        )
        der = pkcs8("rsa", "DER")
        der_b64 = base64.b64encode(der).decode()
        self.made["http_pkcs8_der_base64_json"] = [der[200:260], der[800:860]]
        can("http_pkcs8_der_base64_json", js, {"keyId": "k1", "keyMaterial": der_b64})
        pem = pkcs8("rsa").decode()
        self.made["http_pem_double_json_escaped"] = list(pem_lines(pem))
        can(
            "http_pem_double_json_escaped",
            js,
            {"kind": "sa", "payload": json.dumps({"client": "ci", "private_key": pem})},
        )
        ossh = openssh_key(2048).decode()
        self.made["http_openssh_key_yaml_block"] = list(pem_lines(ossh))
        block = "".join("  " + line + "\n" for line in ossh.splitlines())
        can("http_openssh_key_yaml_block", "application/yaml", f"repo: app\ndeploy_key: |\n{block}")
        ds = make("http_data_uri_base64_config", rand(ALNUM, 40))
        cfg = base64.b64encode(json.dumps({"env": "prod", "apiSecret": ds}).encode()).decode()
        can(
            "http_data_uri_base64_config",
            html,
            f'<html><head><link rel="preload" href="data:application/json;base64,{cfg}">'
            "</head><body></body></html>",
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

        if route.startswith("/r15/c/"):
            ctype, payload, more, status = self.canned[route.rsplit("/", 1)[1]]
            return status, {"Content-Type": ctype, **more}, payload
        if route.startswith("/r15/echo"):
            return ok({"ok": True})
        if method == "POST" and route == "/" and b"Action=GetConsoleOutput" in body:
            console = (
                "[  OK  ] Started cloud-init.\ncloud-init: #####\n"
                f"Generated password for user 'ec2-user': {self.console_pw}\n"
                "cloud-init: #####\n"
            )
            xml = (
                '<GetConsoleOutputResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                "<requestId>r15-console</requestId><instanceId>i-0r15</instanceId>"
                "<timestamp>2026-11-29T00:00:00.000Z</timestamp>"
                f"<output>{base64.b64encode(console.encode()).decode()}</output>"
                "</GetConsoleOutputResponse>"
            )
            return 200, {"Content-Type": "text/xml"}, xml.encode()
        if target.endswith("GetCommandInvocation"):
            return amz(
                {
                    "CommandId": "c-r15",
                    "InstanceId": "i-0r15",
                    "Status": "Success",
                    "ResponseCode": 0,
                    "StandardOutputContent": f"checking env\nDB_PASSWORD={self.ssm_pw}\ndone\n",
                    "StandardErrorContent": "",
                }
            )
        if target.endswith("GetFile"):
            content = f"APP_ENV=prod\nSTRIPE_KEY={self.cc_key}\n".encode()
            return amz(
                {
                    "commitId": "c" * 40,
                    "blobId": "b" * 40,
                    "filePath": ".env",
                    "fileMode": "NORMAL",
                    "fileSize": len(content),
                    "fileContent": base64.b64encode(content).decode(),
                }
            )
        if route.startswith("/webtoken/"):
            return ok(
                {
                    "WebToken": self.mwaa_tok,
                    "WebServerHostname": "r15.c2.us-east-1.airflow.amazonaws.com",
                    "IamIdentity": ROLE_ARN,
                    "AirflowIdentity": "assumed-role/r15",
                }
            )
        if target.endswith("CreatePresignedDomainUrl"):
            return amz(
                {
                    "AuthorizedUrl": "https://d-r15.studio.us-east-1.sagemaker.aws/auth"
                    f"?authToken={self.sm_tok}"
                }
            )
        if target.endswith("CreateStreamingURL"):
            params = base64.urlsafe_b64encode(b'{"stack":"r15-stack","user":"alice"}').decode()
            return amz(
                {
                    "StreamingURL": "https://appstream2.us-east-1.aws.amazon.com/authenticate"
                    f"?parameters={params}&signature={self.as_sig}",
                    "Expires": 1893456000,
                }
            )
        if route.endswith("/embed-url/registered-user"):
            return ok(
                {
                    "EmbedUrl": "https://us-east-1.quicksight.aws.amazon.com/embed/r15/dashboards/"
                    f"d1?code={self.qs_code}&identityprovider=quicksight&isauthcode=true",
                    "Status": 200,
                    "RequestId": "r15-qs",
                }
            )
        if route == "/v2/email/identities":
            assert json.loads(body)["DkimSigningAttributes"]["DomainSigningPrivateKey"]
            return ok(
                {
                    "IdentityType": "DOMAIN",
                    "VerifiedForSendingStatus": False,
                    "DkimAttributes": {
                        "SigningEnabled": True,
                        "Status": "PENDING",
                        "SigningAttributesOrigin": "EXTERNAL",
                    },
                }
            )
        if route == "/participant/connection":
            assert headers.get("x-amz-bearer")
            return ok(
                {
                    "Websocket": {
                        "Url": "wss://r15.participant.connect.us-east-1.amazonaws.com/connect",
                        "ConnectionExpiry": "2030-01-01T00:00:00Z",
                    },
                    "ConnectionCredentials": {
                        "ConnectionToken": self.cp_tok,
                        "Expiry": "2030-01-01T00:00:00Z",
                    },
                }
            )
        if route == "/CreateChatToken":
            return ok(
                {
                    "token": self.ivschat_tok,
                    "tokenExpirationTime": "2030-01-01T00:00:00Z",
                    "sessionExpirationTime": "2030-01-01T00:00:00Z",
                }
            )
        return ok({"error": "not found", "path": route}, status=404)


def main() -> int:
    return drive("r15", HERE, make_sentinels, Api(), ROUND15_FORMS, ROUND15_LAYERS)


if __name__ == "__main__":
    raise SystemExit(main())
