"""Redaction: what never reaches a cassette, and pseudonyms that still let replay match."""

from __future__ import annotations

import json
import re

import boto3
from server import ACCOUNT_ID, BODY_ACCESS_KEY, BODY_SECRET, BODY_TOKEN, sentinel_event

from harness.exchange import HttpRequest, HttpResponse
from harness.httpserver import LoopbackServer
from harness.recorder import CassetteRecorder
from harness.redaction import Redaction, Redactor, Rule, is_credential_traffic

UUID_WITH_DIGITS = "3c1d6f2a-1b2c-4d3e-8f4a-123456789012"


def test_headers_and_signature_query_parameters_are_dropped() -> None:
    redactor = Redactor()
    request = HttpRequest(
        "GET",
        "https://h/x?X-Amz-Signature=abc&X-Amz-Credential=AKIA/1&keep=1",
        {
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/...",
            "X-Amz-Security-Token": "token",
            "Cookie": "a=b",
            "Content-Type": "application/json",
        },
    )
    clean = redactor.request(request)
    assert clean.headers == {"Content-Type": "application/json"}
    assert clean.url == "https://h/x?keep=1"


def test_identifiers_get_stable_same_shape_pseudonyms() -> None:
    redactor = Redactor()
    arn = f"arn:aws:iam::{ACCOUNT_ID}:role/x"
    once, twice = redactor.text(arn), Redactor().text(arn)
    assert once == twice != arn  # one value, one pseudonym, on every machine
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/x", once)
    key = redactor.text(BODY_ACCESS_KEY)
    assert key.startswith("ASIA") and len(key) == 20 and key != BODY_ACCESS_KEY
    assert redactor.text(key) == key  # a pseudonym is never replaced again
    assert redactor.text(UUID_WITH_DIGITS) == UUID_WITH_DIGITS
    encoded = f"/x/arn%3Aaws%3Axray%3Aus-east-1%3A{ACCOUNT_ID}%3Agroup"
    assert ACCOUNT_ID not in redactor.text(encoded)


def test_secrets_inside_json_and_inside_cloudtrail_event_strings() -> None:
    redactor = Redactor()
    body = json.dumps({"Events": [sentinel_event()], "SessionToken": BODY_TOKEN}).encode()
    text = redactor.body(body).decode()
    for secret in (ACCOUNT_ID, BODY_ACCESS_KEY, BODY_SECRET, BODY_TOKEN):
        assert secret not in text
    event = json.loads(json.loads(text)["Events"][0]["CloudTrailEvent"])
    assert event["userIdentity"]["accountId"] == redactor.text(ACCOUNT_ID)
    assert len(event["responseElements"]["credentials"]["secretAccessKey"]) == len(BODY_SECRET)


def test_xml_secrets_are_replaced() -> None:
    body = f"<SessionToken>{BODY_TOKEN}</SessionToken>".encode()
    assert BODY_TOKEN.encode() not in Redactor().body(body)


def test_pseudonyms_off_keeps_identifiers_but_not_secrets() -> None:
    redactor = Redactor(Redaction(pseudonyms=False))
    data = redactor.data({"arn": f"arn:aws:iam::{ACCOUNT_ID}:x", "SecretAccessKey": BODY_SECRET})
    assert data["arn"].endswith(f"{ACCOUNT_ID}:x")
    assert data["SecretAccessKey"] != BODY_SECRET


def test_user_rules_extend_the_defaults() -> None:
    redaction = Redaction().extended(
        [Rule.fixed("ticket", r"TICKET-\d+", "TICKET-0")],
        secret_members=["apiKey"],
        dropped_headers=["X-Custom-Auth"],
    )
    redactor = Redactor(redaction)
    assert redactor.data({"note": "see TICKET-42", "apiKey": "k"}) == {
        "note": "see TICKET-0",
        "apiKey": redactor.pseudonym("k"),
    }
    assert redactor.headers({"X-Custom-Auth": "s", "A": "b"}) == {"A": "b"}
    assert redactor.text(ACCOUNT_ID) != ACCOUNT_ID  # defaults still apply


def test_credential_provider_traffic_is_never_recorded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert is_credential_traffic("sts", "AssumeRole")
    credentials = {
        "roleCredentials": {
            "accessKeyId": BODY_ACCESS_KEY,
            "secretAccessKey": BODY_SECRET,
            "sessionToken": BODY_TOKEN,
            "expiration": 1,
        }
    }

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(
            200, {"Content-Type": "application/json"}, json.dumps(credentials).encode()
        )

    path = tmp_path / "c.yaml"
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(answer) as server, recorder.activate():
        sso = boto3.session.Session().client(
            "sso", endpoint_url=server.endpoint_url, region_name="us-east-1"
        )
        got = sso.get_role_credentials(roleName="r", accountId=ACCOUNT_ID, accessToken="t")
    assert got["roleCredentials"]["secretAccessKey"] == BODY_SECRET  # the code still gets them
    assert recorder.save() is None and not path.exists()
