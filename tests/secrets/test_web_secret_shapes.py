"""Secrets of other HTTP in shapes the AWS model knows nothing of: vendor tokens with no
name to hint at them, webhook URLs whose path is the credential, the web's short names
(``jwt``, ``auth``, ``PGPASSWORD``), command lines, GraphQL variables, name/value pairs.

Each case plants a fresh sentinel in one request or response. The redactor must leave no
trace of it (raw or URL-encoded), and ``harness scan`` must report the same exchange written
unredacted into a cassette, without printing the sentinel.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from harness.cli import run
from harness.exchange import HttpRequest, HttpResponse
from harness.secrets import Redactor

Exchange = tuple[HttpRequest | None, HttpResponse | None]


def _post(body: Any, headers: dict[str, str] | None = None, url: str = "") -> HttpRequest:
    data = body if isinstance(body, str) else json.dumps(body)
    return HttpRequest(
        method="POST",
        url=url or "https://api.example.com/v1",
        headers={"Content-Type": "application/json", **(headers or {})},
        body=data.encode(),
    )


def _ok(body: Any) -> HttpResponse:
    return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def _hex(n: int) -> str:
    return secrets.token_hex(n)[:n]


#: (id, sentinel maker, exchange maker): the sentinel is the secret part of the value.
CASES: list[tuple[str, Callable[[], str], Callable[[str], Exchange]]] = [
    # vendor tokens, no secret-ish name anywhere
    ("google oauth", lambda: "ya29.a0" + _hex(60), lambda s: (_post({"note": s}), None)),
    ("hugging face", lambda: "hf_" + _hex(34), lambda s: (None, _ok({"v": [s]}))),
    ("shopify", lambda: "shpat_" + _hex(32), lambda s: (_post({"v": s}), None)),
    # round 5: AppSync's API key, named by nothing but its prefix (apiKey.id)
    ("appsync api key", lambda: "da2-" + _hex(26), lambda s: (None, _ok({"apiKey": {"id": s}}))),
    ("digitalocean", lambda: "dop_v1_" + _hex(64), lambda s: (_post({"v": s}), None)),
    ("vault", lambda: "hvs." + _hex(30), lambda s: (None, _ok({"auth_info": {"v": s}}))),
    ("age key", lambda: "AGE-SECRET-KEY-1" + _hex(58).upper(), lambda s: (_post(s), None)),
    # webhook URLs: the path is the credential
    (
        "slack webhook",
        lambda: _hex(24),
        lambda s: (_post({"url": f"https://hooks.slack.com/services/T0AAAA1/B0BBBB2/{s}"}), None),
    ),
    (
        "discord webhook",
        lambda: _hex(40),
        lambda s: (_post({"hook": f"https://discord.com/api/webhooks/123456789012/{s}"}), None),
    ),
    (
        "telegram bot token in the path",
        lambda: _hex(35),
        lambda s: (_post({}, url=f"https://api.telegram.org/bot123456789:{s}/sendMessage"), None),
    ),
    # the web's short names, in JSON, query strings and headers
    ("json jwt", lambda: _hex(20), lambda s: (None, _ok({"jwt": s}))),
    ("docker auth", lambda: _hex(20), lambda s: (_post({"auths": {"r": {"auth": s}}}), None)),
    ("json pass", lambda: _hex(20), lambda s: (_post({"user": "u", "pass": s}), None)),
    ("saml response", lambda: _hex(20), lambda s: (_post({"SAMLResponse": s}), None)),
    ("signing key", lambda: _hex(20), lambda s: (_post({"cfg": {"signingKey": s}}), None)),
    ("recovery codes", lambda: _hex(20), lambda s: (None, _ok({"recoveryCodes": [s, "x"]}))),
    ("env compound", lambda: _hex(20), lambda s: (_post({"env": {"PGPASSWORD": s}}), None)),
    (
        "query auth",
        lambda: _hex(20),
        lambda s: (_post({}, url=f"https://x.io/a.json?auth={s}"), None),
    ),
    ("query jwt", lambda: _hex(20), lambda s: (_post({}, url=f"https://x.io/a?x=1&jwt={s}"), None)),
    (
        "gcs signed url",
        lambda: _hex(64),
        lambda s: (None, _ok({"url": f"https://storage.googleapis.com/b/o?X-Goog-Signature={s}"})),
    ),
    ("header X-Jwt", lambda: _hex(20), lambda s: (_post({}, {"X-Jwt": s}), None)),
    ("header X-Signing-Key", lambda: _hex(20), lambda s: (_post({}, {"X-Signing-Key": s}), None)),
    # command lines (SSM SendCommand, ECS and Batch overrides, CI scripts)
    (
        "--password=",
        lambda: _hex(20),
        lambda s: (_post({"commands": [f"mysql -u root --password={s} db"]}), None),
    ),
    (
        "--token quoted",
        lambda: _hex(20),
        lambda s: (_post({"cmd": f"deploy --api-token '{s}' --region x"}), None),
    ),
    (
        "curl -u",
        lambda: _hex(20),
        lambda s: (_post({"commands": [f"curl -fsS -u admin:{s} https://h/"]}), None),
    ),
    # GraphQL: the variable's name says nothing, the argument it fills does
    (
        "graphql variables",
        lambda: _hex(20),
        lambda s: (
            _post(
                {
                    "query": 'mutation($p: String!) { login(user: "u", password: $p) { ok } }',
                    "variables": {"p": s},
                }
            ),
            None,
        ),
    ),
    # a value named by its sibling, or by the first of a pair
    (
        "key/val pair",
        lambda: _hex(20),
        lambda s: (_post({"variables": [{"key": "SECRET_TOKEN", "val": s}]}), None),
    ),
    (
        "header list",
        lambda: _hex(20),
        lambda s: (_post({"headers": [["Accept", "*/*"], ["X-Api-Key", s]]}), None),
    ),
    # XML: a secret element's CDATA
    (
        "xml cdata",
        lambda: _hex(20),
        lambda s: (
            HttpRequest(
                method="POST",
                url="https://x.io/soap",
                headers={"Content-Type": "text/xml"},
                body=f"<a><Password><![CDATA[{s}]]></Password></a>".encode(),
            ),
            None,
        ),
    ),
    # a token as a URL's whole user part
    (
        "token as the url's user",
        lambda: "tok" + _hex(30),
        lambda s: (_post({"remote": f"https://{s}@github.com/o/r.git"}), None),
    ),
    # a JSON Web Key's private members (round 4's b04), in a request and in a JWKS answer
    (
        "jwk d and p",
        lambda: _hex(20),
        lambda s: (_post({"kty": "RSA", "n": "sXch", "e": "AQAB", "d": s, "p": s + "p"}), None),
    ),
    (
        "jwks d",
        lambda: _hex(20),
        lambda s: (None, _ok({"keys": [{"kty": "EC", "crv": "P-256", "x": "f83O", "d": s}]})),
    ),
    # a login's session id, and vendors' key headers named for the vendor
    ("login sessionId", lambda: _hex(20), lambda s: (None, _ok({"user": "a", "sessionId": s}))),
    ("header Fastly-Key", lambda: _hex(20), lambda s: (_post({}, {"Fastly-Key": s}), None)),
    (
        "header X-JFrog-Art-Api",
        lambda: _hex(20),
        lambda s: (_post({}, {"X-JFrog-Art-Api": s}), None),
    ),
]


def _redacted(exchange: Exchange) -> str:
    request, response = exchange
    redactor = Redactor()
    out = []
    if request is not None:
        done = redactor.request(request)
        out += [done.url, json.dumps(done.headers), done.body.decode()]
    if response is not None:
        answer = redactor.response(response)
        out += [json.dumps(answer.headers), answer.body.decode()]
    return "\n".join(out)


def _interaction(exchange: Exchange) -> dict[str, Any]:
    """The exchange as a vcrpy interaction of other HTTP, not redacted."""
    request = exchange[0] or _post({})
    response = exchange[1] or _ok({})
    return {
        "harness": {"kind": "http"},
        "request": {
            "method": request.method,
            "uri": request.url,
            "body": request.body.decode(),
            "headers": {k: [v] for k, v in request.headers.items()},
        },
        "response": {
            "status": {"code": response.status, "message": "OK"},
            "headers": {k: [v] for k, v in response.headers.items()},
            "body": {"string": response.body.decode()},
        },
    }


@pytest.mark.parametrize(
    ("make_sentinel", "make"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_redactor_leaves_no_trace(
    make_sentinel: Callable[[], str], make: Callable[[str], Exchange]
) -> None:
    sentinel = make_sentinel()
    out = _redacted(make(sentinel))
    assert sentinel not in out and quote(sentinel, safe="") not in out, out


@pytest.mark.parametrize(
    ("make_sentinel", "make"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_scan_reports_it_in_an_old_cassette(
    tmp_path: Path, make_sentinel: Callable[[], str], make: Callable[[str], Exchange]
) -> None:
    sentinel = make_sentinel()
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump({"interactions": [_interaction(make(sentinel))], "version": 1}))
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", str(path)], out, err)
    assert code == 1, out.getvalue() + err.getvalue()
    assert sentinel not in out.getvalue() + err.getvalue()


def test_a_graphql_query_keeps_its_variables_names() -> None:
    body = {"query": "mutation($p: String!) { login(password: $p) }", "variables": {"p": "x1"}}
    out = json.loads(_redacted((_post(body), None)).split("\n")[2])
    assert out["query"] == body["query"]  # "$p" is a variable in its place, not a secret
    assert out["variables"]["p"].startswith("REDACTED")


def test_two_names_are_not_a_name_and_its_value() -> None:
    body = {"fields": ["password", "token"], "pair": ["username", "bob"]}
    out = json.loads(_redacted((_post(body), None)).split("\n")[2])
    assert out == body


def _aws(service: str, operation: str) -> Any:
    from harness.aws.models import service_model

    return service_model(service).operation_model(operation)


def test_a_dynamodb_attribute_named_like_a_secret() -> None:
    # the attribute's name is the user's: no model marks it, its name does
    sentinel = _hex(24)
    item = {"k": {"S": "1"}, "apiToken": {"S": sentinel}, "n": {"N": "3"}}
    request = _post({"TableName": "t", "Item": item})
    done = Redactor().request(request, _aws("dynamodb", "PutItem"))
    body = json.loads(done.body)
    assert sentinel not in done.body.decode()
    assert body["Item"]["k"] == {"S": "1"} and body["Item"]["n"] == {"N": "3"}
    assert body["Item"]["apiToken"]["S"].startswith("REDACTED")


def test_a_json_object_uploaded_is_the_users_json() -> None:
    # S3's object body is a blob payload: its members are judged as other HTTP's
    sentinel = _hex(24)
    request = HttpRequest(
        method="PUT",
        url="https://b.s3.amazonaws.com/cfg.json",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"db": {"pass": sentinel}}).encode(),
    )
    done = Redactor().request(request, _aws("s3", "PutObject"))
    assert sentinel not in done.body.decode()


@pytest.mark.parametrize(
    ("service", "operation", "params", "member"),
    [
        (
            "redshift-data",
            "ExecuteStatement",
            {"Sql": "CREATE USER etl PASSWORD '{s}'", "Database": "dev"},
            "Sql",
        ),
        (
            "athena",
            "StartQueryExecution",
            {"QueryString": "ALTER USER app WITH PASSWORD '{s}' VALID UNTIL 'infinity'"},
            "QueryString",
        ),
        (
            "rds-data",
            "ExecuteStatement",
            {
                "resourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:db",
                "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
                "sql": "CREATE USER 'app'@'%' IDENTIFIED BY '{s}'",
            },
            "sql",
        ),
    ],
)
def test_a_password_in_sql_an_aws_api_carries_is_redacted(
    service: str, operation: str, params: dict[str, str], member: str
) -> None:
    """Round 5 (issue 56): passwords inside SQL that the AWS APIs carry reached disk."""
    from harness.aws.models import operation_model
    from harness.aws.protocols import wire_form as wire

    sentinel = "SQLsentinel" + _hex(12)
    sent = {k: v.replace("{s}", sentinel) for k, v in params.items()}
    request = wire.encode_request(service, operation, sent, "https://example.amazonaws.com")
    redacted = Redactor().request(request, operation_model(service, operation))
    assert sentinel.encode() not in redacted.body
    assert b"REDACTED" in redacted.body
    # the statement around it stays readable
    assert sent[member].split(sentinel)[0][:10].encode() in redacted.body


def test_a_stack_output_named_like_a_secret_is_redacted() -> None:
    """Round 5 (issue 56): CloudFormation Outputs whose OutputKey names a secret kept their
    OutputValue, while the ParameterKey rule beside them held. Other outputs stay."""
    from harness.aws.models import operation_model
    from harness.aws.protocols import wire_form as wire

    sentinel = "OUTsentinel" + _hex(12)
    stack = {
        "StackName": "db",
        "CreationTime": "2026-01-01T00:00:00Z",
        "StackStatus": "CREATE_COMPLETE",
        "Outputs": [
            {"OutputKey": "DbPassword", "OutputValue": sentinel},
            {"OutputKey": "Endpoint", "OutputValue": "db.internal"},
        ],
    }
    response = wire.encode_response("cloudformation", "DescribeStacks", {"Stacks": [stack]})
    redacted = Redactor().response(response, operation_model("cloudformation", "DescribeStacks"))
    assert sentinel.encode() not in redacted.body
    assert b"db.internal" in redacted.body
    # and in other HTTP (the same XML, no model)
    plain = Redactor().response(
        HttpResponse(200, {"Content-Type": "text/xml"}, response.body), None
    )
    assert sentinel.encode() not in plain.body
