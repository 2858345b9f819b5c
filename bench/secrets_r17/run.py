"""Rerun the secrets-r17 corpus: record every class through the plugin against moto server and
a loopback API, replay it offline, then search every file the runs wrote for every sentinel.

    PYTHONPATH=. python bench/secrets_r17/run.py [--keep DIR] [--only CLASS,...] [-v]

Prints one line per class (its half, record and replay outcome, and each place a sentinel
was found: file and encoding), then per half the number of classes that leaked and that
replayed wrongly. Exit 0 whatever it finds (it is a measurement); 2 when the run itself broke.

The recording driver and the loopback server are ``bench/secrets_driver.py``; the search is
``bench/secrets_search.py`` with round 15's added forms and layers (nothing of
``harness.secrets`` is imported). This file holds round 17's own parts: its sentinels and its
loopback API, which answers for AWS operations moto lacks (ECS ``ExecuteCommand``, KMS
``DeriveSharedSecret``, Transfer ``TestIdentityProvider``, WorkMail, DataSync, Pinpoint,
Managed Grafana, AppFlow, Batch, App Runner, AppSync ``EvaluateMappingTemplate``, Amplify,
Direct Connect, SSM Automation, Lambda ``InvokeAsync``, a Secrets Manager page token) and for
web APIs (canned answers under ``/r17/c/<class>``, a token check under ``/r17/verify``, an
echo for uploads).
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import string
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bench.secrets_driver import drive, pem_lines, pkcs8, rand  # noqa: E402
from bench.secrets_search import ROUND15_FORMS, ROUND15_LAYERS  # noqa: E402

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_sentinels(classes: list[str]) -> tuple[dict[str, str], dict[str, list[str | bytes]]]:
    """(environment, class -> its sentinel values). Values the client side sends whole (a JWT)
    go as ``R17_KEY_<CLASS>`` (base64)."""
    env: dict[str, str] = {}
    owned: dict[str, list[str | bytes]] = {}
    for n, cls in enumerate(classes):
        value = f"Sntl{n:02d}x{secrets.token_hex(8)}"
        env["R17_" + cls.upper()] = value
        owned[cls] = [value]
    cls = "http_jwt_in_url_path_segment"
    if cls in owned:
        sid = owned[cls][0]
        sig = b64u(secrets.token_bytes(32))
        jwt = ".".join(
            [
                b64u(b'{"alg":"HS256","typ":"JWT"}'),
                b64u(json.dumps({"sub": "alice", "sid": sid, "exp": 1764421200}).encode()),
                sig,
            ]
        )
        env["R17_KEY_" + cls.upper()] = base64.b64encode(jwt.encode()).decode()
        owned[cls] = [sid, sig]
    return env, owned


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

        js, text = "application/json", "text/plain"
        # AWS answers (loopback)
        self.ecs_token = make("ecs_execute_command_session_token", rand(URLSAFE, 300))
        secret = secrets.token_bytes(32)
        self.made["kms_derive_shared_secret_response"] = [secret]
        self.kms_secret = base64.b64encode(secret).decode()
        self.grafana_key = make(
            "grafana_create_workspace_api_key",
            "eyJrIjoi" + b64u(json.dumps({"k": rand(ALNUM, 32), "n": "ci", "id": 1}).encode()),
        )
        sm = make("secretsmanager_list_secrets_next_token_embeds_key", rand(ALNUM, 32))
        self.sm_token = base64.b64encode(
            json.dumps({"after": "r17/a", "signingKey": sm}).encode()
        ).decode()

        def tok(cls: str, ctype: str, value: str, body: str, more: dict | None = None) -> None:
            make(cls, value)
            can(cls, ctype, body.replace("@@", value), more)

        # web API token formats
        tok(
            "http_mailchimp_key_dc_suffix",
            js,
            f"{rand(HEX, 32)}-us{secrets.choice('123456789')}{secrets.choice(HEX[:10])}",
            json.dumps({"account": "r17", "apikey": "@@"}),
        )
        okta = make("http_okta_ssws_value_json", "00" + rand(URLSAFE, 40))
        can("http_okta_ssws_value_json", js, {"header": f"SSWS {okta}", "org": "r17"})
        tok(
            "http_shippo_live_token_text",
            text,
            "shippo_live_" + rand(HEX, 40),
            "SHIPPO=@@\n",
        )
        tok("http_prefect_pnu_unnamed", js, "pnu_" + rand(ALNUM, 36), json.dumps({"v": "@@"}))
        tok("http_readme_rdme_text", text, "rdme_" + rand(LOWER, 70), "key @@\n")
        tok("http_typeform_tfp_unnamed", js, "tfp_" + rand(ALNUM, 59), json.dumps({"v": "@@"}))
        tok("http_deno_ddp_text", text, "ddp_" + rand(ALNUM, 36), "deployctl --token=@@\n")
        tok("http_render_rnd_unnamed", js, "rnd_" + rand(ALNUM, 28), json.dumps({"v": "@@"}))
        tok(
            "http_neon_napi_json",
            js,
            "napi_" + rand(LOWER, 64),
            json.dumps({"id": 17, "name": "ci", "key": "@@"}),
        )
        tok("http_xai_key_text", text, "xai-" + rand(ALNUM, 80), "@@\n")
        tok(
            "http_openrouter_sk_or_unnamed",
            js,
            "sk-or-v1-" + rand(HEX, 64),
            json.dumps({"v": "@@", "label": "ci"}),
        )
        tok(
            "http_bitbucket_atbb_app_password",
            text,
            "ATBB" + rand(ALNUM, 32),
            "app password created: @@\n",
        )
        tok(
            "http_brevo_xkeysib_text",
            text,
            f"xkeysib-{rand(HEX, 64)}-{rand(ALNUM, 16)}",
            "@@\n",
        )
        tok(
            "http_fcm_legacy_server_key",
            text,
            f"AAAA{rand(URLSAFE, 7)}:APA91b{rand(URLSAFE, 134)}",
            "Server key\n@@\n",
        )
        tok(
            "http_salesforce_session_id_text",
            text,
            f"00D{rand(ALNUM, 12)}!{rand(ALNUM + '._', 96)}",
            "sid=@@\n",
        )
        guid = f"{rand(HEX, 8)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 12)}"
        tok(
            "http_plaid_access_token_json",
            js,
            "access-production-" + guid,
            json.dumps({"access_token": "@@", "item_id": "r17item", "request_id": "r17"}),
        )
        tok(
            "http_k8s_bootstrap_token_text",
            text,
            f"{rand(LOWER, 6)}.{rand(LOWER, 16)}",
            "kubeadm join 10.0.0.1:6443 --token @@ --discovery-token-ca-cert-hash sha256:"
            + rand(HEX, 64)
            + "\n",
        )
        tok("http_honeycomb_hcaik_text", text, "hcaik_" + rand(LOWER, 58), "@@\n")
        tok("http_octopus_api_key_text", text, "API-" + rand(UPPER, 26), "Octopus key @@\n")
        guid = f"{rand(HEX, 8)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 12)}"
        tok("http_launchdarkly_api_unnamed", js, "api-" + guid, json.dumps({"v": "@@"}))
        tok("http_duffel_live_token_text", text, "duffel_live_" + rand(URLSAFE, 43), "@@\n")
        # places and encodings
        pw = make("http_hex_encoded_password_json", rand(ALNUM, 24))
        can(
            "http_hex_encoded_password_json", js, {"user": "svc", "password_hex": pw.encode().hex()}
        )
        ss = make("http_html_data_attribute_entity_json", rand(ALNUM, 32))
        cfg = html.escape(json.dumps({"apiBase": "/v1", "sessionSecret": ss}), quote=True)
        can(
            "http_html_data_attribute_entity_json",
            "text/html",
            f'<html><body><div id="app" data-config="{cfg}"></div></body></html>',
        )
        php = make("http_php_serialized_session", rand(ALNUM, 24))
        can(
            "http_php_serialized_session",
            text,
            f'a:2:{{s:4:"user";s:5:"alice";s:8:"password";s:{len(php)}:"{php}";}}',
        )
        pem = pkcs8("rsa").decode()
        one = " ".join(line for line in pem.splitlines() if line)
        self.made["http_pem_single_line_spaces"] = list(pem_lines(pem))
        can("http_pem_single_line_spaces", js, {"client_email": "ci@r17", "private_key": one})
        pem = pkcs8("ec").decode()
        self.made["http_base64_of_pem_json"] = [*pem_lines(pem), pem]
        can(
            "http_base64_of_pem_json",
            js,
            {"PRIVATE_KEY_B64": base64.b64encode(pem.encode()).decode(), "KEY_ID": "r17"},
        )
        odbc = make("http_odbc_braced_pwd", rand(ALNUM, 10) + ";" + rand(ALNUM, 10) + "}}x")
        can(
            "http_odbc_braced_pwd",
            text,
            "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db.r17.internal,1433;"
            f"Database=app;Uid=app;Pwd={{{odbc}}};Encrypt=yes;",
        )
        rp = make("http_redis_url_empty_user", rand(ALNUM, 32))
        can(
            "http_redis_url_empty_user",
            js,
            {"REDIS_URL": f"rediss://:{rp}@cache.r17.internal:6379/0", "POOL": 10},
        )
        op = make("http_jdbc_oracle_thin_user_slash_pass", rand(ALNUM, 20))
        can(
            "http_jdbc_oracle_thin_user_slash_pass",
            text,
            f"url=jdbc:oracle:thin:scott/{op}@//db.r17.internal:1521/ORCL\n",
        )
        cs = make("http_form_body_string_in_json", rand(ALNUM, 40))
        form = urlencode(
            {"grant_type": "client_credentials", "client_id": "r17", "client_secret": cs}
        )
        can(
            "http_form_body_string_in_json",
            js,
            {
                "request": {
                    "method": "POST",
                    "url": "https://auth.r17.example.com/token",
                    "body": form,
                }
            },
        )
        xp = make("http_xml_json_base64_layers", rand(ALNUM, 24))
        inner = base64.b64encode(f"user=svc\npassword={xp}\n".encode()).decode()
        can(
            "http_xml_json_base64_layers",
            "application/xml",
            "<GetConfigResponse><Result>"
            + html.escape(json.dumps({"name": "svc", "config": inner}), quote=False)
            + "</Result></GetConfigResponse>",
        )
        cp = make("http_csv_semicolon_passwort", rand(ALNUM, 20))
        can(
            "http_csv_semicolon_passwort",
            "text/csv",
            f"name;benutzer;passwort\nsvc;svc-user;{cp}\n",
        )
        tp = make("http_tsv_api_secret_column", rand(ALNUM, 40))
        can(
            "http_tsv_api_secret_column",
            "text/tab-separated-values",
            f"user\tapi_secret\nci\t{tp}\n",
        )
        mk = make("http_markdown_table_api_key", rand(ALNUM, 32))
        can(
            "http_markdown_table_api_key",
            "text/markdown",
            f"| name | api key |\n|---|---|\n| ci | {mk} |\n",
        )
        pt = make("http_postman_collection_bearer_value", rand(ALNUM, 40))
        can(
            "http_postman_collection_bearer_value",
            js,
            {
                "info": {
                    "name": "r17",
                    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
                },
                "auth": {
                    "type": "bearer",
                    "bearer": [{"key": "token", "value": pt, "type": "string"}],
                },
                "item": [],
            },
        )
        ck = make("http_curl_command_header_in_json", rand(ALNUM, 32))
        can(
            "http_curl_command_header_in_json",
            js,
            {"snippet": f"curl -H 'X-Api-Key: {ck}' https://api.r17.example.com/v1/items"},
        )
        lp = make("http_logfmt_password", rand(ALNUM, 20))
        can(
            "http_logfmt_password",
            text,
            f'ts=2026-11-29T00:00:00Z level=info msg="db connect" user=app password={lp} host=db\n',
        )

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, headers, body)."""
        parts = urlsplit(path)
        route = parts.path
        target = headers.get("x-amz-target", "")

        def ok(data: object, status: int = 200, ctype: str = "application/json") -> tuple:
            return status, {"Content-Type": ctype}, json.dumps(data).encode()

        def aws(data: object) -> tuple:
            return ok(data, ctype="application/x-amz-json-1.1")

        if route.startswith("/r17/c/"):
            ctype, payload, more, status = self.canned[route.rsplit("/", 1)[1]]
            return status, {"Content-Type": ctype, **more}, payload
        if route.startswith("/r17/verify/"):
            return ok({"ok": True, "sub": "alice"})
        if route.startswith("/r17/echo"):
            return ok({"ok": True})
        if target.endswith(".ExecuteCommand"):
            return aws(
                {
                    "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/r17",
                    "containerName": "web",
                    "interactive": True,
                    "session": {
                        "sessionId": "ecs-execute-command-0r17",
                        "streamUrl": "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/"
                        "ecs-execute-command-0r17?role=publish_subscribe",
                        "tokenValue": self.ecs_token,
                    },
                    "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/r17/abc123",
                }
            )
        if target.endswith(".DeriveSharedSecret"):
            return aws(
                {
                    "KeyId": "arn:aws:kms:us-east-1:123456789012:key/r17",
                    "SharedSecret": self.kms_secret,
                    "KeyAgreementAlgorithm": "ECDH",
                    "KeyOrigin": "AWS_KMS",
                }
            )
        if target.endswith(".TestIdentityProvider"):
            return aws({"StatusCode": 200, "Url": "https://idp.r17.example.com/auth"})
        if target.endswith(".CreateLocationObjectStorage"):
            return aws({"LocationArn": "arn:aws:datasync:us-east-1:123456789012:location/loc-0r17"})
        if target.endswith(".StartAutomationExecution"):
            return aws({"AutomationExecutionId": "0r17-automation"})
        if target.endswith(".ListSecrets"):
            sent = json.loads(body or b"{}")
            if sent.get("NextToken") == self.sm_token:
                return aws({"SecretList": [{"Name": "r17/b"}]})
            return aws({"SecretList": [{"Name": "r17/a"}], "NextToken": self.sm_token})
        if target:
            return aws({})  # WorkMail ResetPassword, App Runner, Direct Connect
        if route.endswith("/channels/gcm"):
            return ok({"ApplicationId": "r17app", "Platform": "GCM", "Enabled": True})
        if route.endswith("/apikeys"):
            return ok({"key": self.grafana_key, "keyName": "ci", "workspaceId": "g-0123456789"})
        if route == "/create-connector-profile":
            return ok(
                {
                    "connectorProfileArn": "arn:aws:appflow:us-east-1:123456789012:"
                    "connectorprofile/r17"
                }
            )
        if route == "/v1/submitjob":
            return ok(
                {
                    "jobArn": "arn:aws:batch:us-east-1:123456789012:job/r17",
                    "jobName": "r17-nightly",
                    "jobId": "r17",
                }
            )
        if route == "/v1/dataplane-evaluatetemplate":
            return ok({"evaluationResult": "{}"})
        if route.endswith("/branches"):
            return ok({"branch": {"branchName": "preview"}})
        if route.endswith("/invoke-async"):
            return ok({"Status": 202}, status=202)
        return ok({"error": "not found", "path": quote(route)}, status=404)


def main() -> int:
    return drive("r17", HERE, make_sentinels, Api(), ROUND15_FORMS, ROUND15_LAYERS)


if __name__ == "__main__":
    raise SystemExit(main())
