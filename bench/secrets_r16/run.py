"""Rerun the secrets-r16 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r16/run.py [--keep DIR] [--only CLASS,...] [-v]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The recording driver and the loopback server are ``bench/secrets_driver.py`` (shared with
round 15's runner); the search is ``bench/secrets_search.py`` with round 15's added forms and
layers (nothing of ``harness.secrets`` is imported). This file holds round 16's own parts: its
sentinels and its loopback API, which answers for what moto lacks (SSM
``CreateAssociation``, ``GetCommandInvocation`` through a waiter, Lambda ``Invoke`` with a
function error, Lambda ``InvokeWithResponseStream``'s event stream) and for web APIs (canned
answers under ``/r16/c/<class>``, a second page under ``/r16/page``, an echo for uploads).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
import sys
import zlib
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bench.secrets_driver import drive, pem_lines, pkcs8, rand  # noqa: E402
from bench.secrets_search import ROUND15_FORMS, ROUND15_LAYERS  # noqa: E402

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
DIGITS = "0123456789"


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str | bytes]]]:
    """(environment, class -> its sentinel values). Keys the client side sends go as
    ``R16_KEY_<CLASS>`` (base64); their owned values are two lines of their body."""
    env: dict[str, str] = {}
    owned: dict[str, list[str | bytes]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R16_" + cls.upper()] = value
        owned[cls] = [value]
    for cls in ("apigateway_domain_name_certificate_private_key",):
        key = pkcs8("rsa")
        env["R16_KEY_" + cls.upper()] = base64.b64encode(key).decode()
        if cls in owned:
            owned[cls] = list(pem_lines(key.decode()))
    return env, owned


def _event(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS event stream message (prelude, headers of string type, payload, CRCs)."""
    hb = b""
    for k, v in headers.items():
        hb += bytes([len(k)]) + k.encode() + b"\x07" + len(v).to_bytes(2, "big") + v.encode()
    total = 12 + len(hb) + len(payload) + 4
    prelude = total.to_bytes(4, "big") + len(hb).to_bytes(4, "big")
    prelude += binascii.crc32(prelude).to_bytes(4, "big")
    msg = prelude + hb + payload
    return msg + binascii.crc32(msg).to_bytes(4, "big")


class Api:
    """The loopback API: what a few AWS services would answer (those moto lacks) and a few web
    APIs. It records the tokens it makes."""

    def __init__(self) -> None:
        self.made: dict[str, list[str | bytes]] = {}
        self.base = ""
        self.polls = 0
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

        js, text = "application/json", "text/plain"
        # AWS answers (loopback)
        self.ssm_bearer = make(
            "ssm_command_executed_waiter_stderr_bearer",
            ".".join(
                [
                    b64u(b'{"alg":"RS256","typ":"JWT"}'),
                    b64u(json.dumps({"sub": "deploy", "scope": "registry"}).encode()),
                    b64u(secrets.token_bytes(64)),
                ]
            ),
        )
        self.etl_pw = make("lambda_invoke_function_error_dsn", rand(ALNUM, 26))
        self.stream_secret = make("lambda_invoke_with_response_stream_chunk", rand(ALNUM, 40))

        def tok(cls: str, ctype: str, value: str, body: str, more: dict | None = None) -> None:
            make(cls, value)
            can(cls, ctype, body.replace("@@", value), more)

        # places
        dj = make("http_django_debug_page_database_url", rand(ALNUM, 24))
        can(
            "http_django_debug_page_database_url",
            "text/html",
            '<html><body><h1>OperationalError at /orders/</h1><table class="req">'
            '<tr><td>DATABASE_URL</td><td class="code"><pre>\'mysql://app:'
            f"{dj}@db.internal:3306/app'</pre></td></tr></table></body></html>",
            status=500,
        )
        sess = make("http_pagination_cursor_base64_session", rand(ALNUM, 32))
        self.cursor = b64u(json.dumps({"offset": 2, "sess": sess}).encode())
        can(
            "http_pagination_cursor_base64_session",
            js,
            {"items": ["a", "b"], "next_cursor": self.cursor},
        )
        # web API token formats
        tok(
            "http_heroku_hrku_response_header",
            js,
            "HRKU-AA" + rand(ALNUM + "_-", 58),
            json.dumps({"id": "auth-1", "description": "ci"}),
        )
        cls = "http_heroku_hrku_response_header"
        self.canned[cls][2]["X-Created-Credential"] = self.made[cls][0]  # type: ignore[index]
        tok(
            "http_planetscale_pscale_tkn_json",
            js,
            "pscale_tkn_" + rand(ALNUM + "_-", 43),
            json.dumps({"id": "r16", "name": "ci", "plain_text": "@@"}),
        )
        tok("http_netlify_nfp_text", text, "nfp_" + rand(ALNUM, 36), "new token @@\n")
        tok(
            "http_langsmith_lsv2_csv",
            "text/csv",
            f"lsv2_pt_{rand(HEX, 32)}_{rand(HEX, 10)}",
            "name,key,created\nci,@@,2026-11-29\n",
        )
        tok(
            "http_pinecone_pcsk_xml_attribute",
            "application/xml",
            f"pcsk_{rand(ALNUM, 5)}_{rand(ALNUM, 60)}",
            '<project name="r16"><apiKey label="ci" v="@@"/></project>',
        )
        tok(
            "http_google_gocspx_client_secret_unnamed",
            js,
            "GOCSPX-" + rand(ALNUM + "_-", 28),
            json.dumps({"web": {"client_id": "123-r16.apps.googleusercontent.com", "s": "@@"}}),
        )
        tok(
            "http_google_ya29_access_token_text",
            text,
            "ya29." + rand(ALNUM + "_-", 150),
            "gcloud auth print-access-token\n@@\n",
        )
        tok(
            "http_google_refresh_token_json_unnamed",
            js,
            "1//0" + rand(ALNUM + "_-", 99),
            json.dumps({"r": "@@", "expires_in": 3599}),
        )
        tok("http_dropbox_sl_token_text", text, "sl." + rand(ALNUM + "_-", 130), "@@\n")
        fb = make("http_facebook_eaa_paging_next_url", "EAA" + rand(ALNUM, 180))
        can(
            "http_facebook_eaa_paging_next_url",
            js,
            {
                "data": [{"id": "1"}],
                "paging": {
                    "next": f"https://graph.facebook.com/v19.0/me/feed?access_token={fb}"
                    "&limit=25&after=QVFIUj"
                },
            },
        )
        tok(
            "http_asana_pat_text",
            text,
            f"2/{rand(DIGITS, 16)}/{rand(DIGITS, 16)}:{rand(HEX, 32)}",
            "Personal access token: @@\n",
        )
        th = make("http_teams_webhook_url_json", rand(HEX, 32))
        guid = f"{rand(HEX, 8)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 12)}"
        can(
            "http_teams_webhook_url_json",
            js,
            {
                "url": f"https://r16.webhook.office.com/webhookb2/{guid}@{guid}/IncomingWebhook/"
                f"{th}/{guid}/V2{rand(ALNUM, 43)}"
            },
        )
        tok(
            "http_braintree_access_token_text",
            text,
            f"access_token$production${rand(HEX[:10] + 'abcdefghijklmnopqrstuvwxyz', 16)}"
            f"${rand(HEX, 32)}",
            "BRAINTREE=@@\n",
        )
        tok(
            "http_flutterwave_flwseck_form",
            "application/x-www-form-urlencoded",
            f"FLWSECK-{rand(HEX, 32)}-X",
            "name=ci&k=@@&mode=live",
        )
        tok(
            "http_sourcegraph_sgp_unnamed",
            js,
            f"sgp_{rand(HEX, 16)}_{rand(HEX, 40)}",
            json.dumps({"note": "ci", "t": "@@"}),
        )
        jf = "cmVmdGtuOjAxOj" + rand(ALNUM, 50)
        tok("http_jfrog_reftkn_unnamed", js, jf, json.dumps({"v": "@@", "scope": "applied"}))
        tok(
            "http_twitter_bearer_text",
            text,
            "AAAAAAAAAAAAAAAAAAAAA" + rand(ALNUM, 30) + "%3D" + rand(ALNUM, 50),
            "bearer: @@\n",
        )
        # containers and encodings
        d = b64u(secrets.token_bytes(32))
        make("http_jwk_private_d_json", d)
        can(
            "http_jwk_private_d_json",
            js,
            {
                "keys": [
                    {
                        "kty": "EC",
                        "crv": "P-256",
                        "kid": "r16",
                        "x": b64u(secrets.token_bytes(32)),
                        "y": b64u(secrets.token_bytes(32)),
                        "d": d,
                    }
                ]
            },
        )
        xp = make("http_xml_numeric_entities_password", rand(ALNUM, 24))
        ents = "".join(f"&#{ord(c)};" for c in xp)
        can(
            "http_xml_numeric_entities_password",
            "application/xml",
            f"<account><user>svc</user><password>{ents}</password></account>",
        )
        pem = pkcs8("rsa").decode()
        self.made["http_csv_quoted_multiline_pem"] = list(pem_lines(pem))
        can(
            "http_csv_quoted_multiline_pem",
            "text/csv",
            f'name,kind,private_key\r\nci,rsa,"{pem}"\r\n',
        )

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body or list of chunks)."""
        parts = urlsplit(path)
        js = {"Content-Type": "application/json"}
        route = parts.path
        target = headers.get("x-amz-target", "")

        def ok(data: object, status: int = 200, more: dict | None = None) -> tuple:
            return status, {**js, **(more or {})}, json.dumps(data).encode()

        if route.startswith("/r16/c/"):
            ctype, payload, more, status = self.canned[route.rsplit("/", 1)[1]]
            return status, {"Content-Type": ctype, **more}, payload
        if route == "/r16/page":
            assert parse_qs(parts.query)["cursor"][0] == self.cursor
            return ok({"items": ["c", "d"], "next_cursor": None})
        if route.startswith("/r16/echo"):
            if headers.get("content-encoding") == "deflate":
                zlib.decompress(body)
            return ok({"ok": True})
        if target.endswith("CreateAssociation"):
            return (
                200,
                {"Content-Type": "application/x-amz-json-1.1"},
                json.dumps(
                    {
                        "AssociationDescription": {
                            "Name": "AWS-RunShellScript",
                            "AssociationId": "r16-assoc-1",
                            "AssociationVersion": "1",
                        }
                    }
                ).encode(),
            )
        if target.endswith("GetCommandInvocation"):
            self.polls += 1
            done = self.polls > 1
            return (
                200,
                {"Content-Type": "application/x-amz-json-1.1"},
                json.dumps(
                    {
                        "CommandId": "7c0d4b3e-2f1a-4b5c-9d8e-r16r16r16r16",
                        "InstanceId": "i-0r16",
                        "Status": "Success" if done else "InProgress",
                        "StatusDetails": "Success" if done else "InProgress",
                        "ResponseCode": 0 if done else -1,
                        "StandardOutputContent": "pushed\n" if done else "",
                        "StandardErrorContent": (
                            "> PUT /v2/app/manifests/1 HTTP/1.1\n> Host: registry\n"
                            f"> Authorization: Bearer {self.ssm_bearer}\n< HTTP/1.1 201\n"
                        )
                        if done
                        else "",
                    }
                ).encode(),
            )
        if route.endswith("/functions/r16-etl/invocations"):
            err = {
                "errorMessage": "OperationalError: could not connect to "
                f"postgres://etl:{self.etl_pw}@db.internal:5432/warehouse",
                "errorType": "OperationalError",
                "stackTrace": ['  File "/var/task/h.py", line 9, in handler'],
            }
            return ok(
                err, more={"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "1"}
            )
        if route.endswith("/functions/r16-stream/response-streaming-invocations"):
            doc = json.dumps({"client_id": "r16", "client_secret": self.stream_secret}).encode()
            events = [
                _event(
                    {
                        ":event-type": "PayloadChunk",
                        ":content-type": "application/octet-stream",
                        ":message-type": "event",
                    },
                    doc[:20],
                ),
                _event(
                    {
                        ":event-type": "PayloadChunk",
                        ":content-type": "application/octet-stream",
                        ":message-type": "event",
                    },
                    doc[20:],
                ),
                _event(
                    {
                        ":event-type": "InvokeComplete",
                        ":content-type": "application/json",
                        ":message-type": "event",
                    },
                    b"{}",
                ),
            ]
            return (
                200,
                {
                    "Content-Type": "application/vnd.amazon.eventstream",
                    "X-Amz-Executed-Version": "1",
                },
                b"".join(events),
            )
        return ok({"error": "not found", "path": quote(route)}, status=404)


def main() -> int:
    return drive("r16", HERE, make_sentinels, Api(), ROUND15_FORMS, ROUND15_LAYERS)


if __name__ == "__main__":
    raise SystemExit(main())
