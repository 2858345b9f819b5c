"""Redaction: what never reaches a cassette, and placeholders that still let replay match."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import boto3
import pytest

from harness.aws.models import operation_model
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.secrets import Redaction, Redactor, Rule
from harness.secrets.vault import Binding, Ties, Vault, mask, restore_text
from harness.serve.http import LoopbackServer
from tests.support.server import (
    ACCOUNT_ID,
    BODY_ACCESS_KEY,
    BODY_SECRET,
    BODY_TOKEN,
    sentinel_event,
)

UUID_WITH_DIGITS = "3c1d6f2a-1b2c-4d3e-8f4a-123456789012"


def test_headers_and_signature_query_parameters_are_dropped() -> None:
    redactor = Redactor()
    request = HttpRequest(
        method="GET",
        url="https://h/x?X-Amz-Signature=abc&X-Amz-Credential=AKIA/1&keep=1",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/...",
            "X-Amz-Security-Token": "token",
            "Cookie": "a=b",
            "Content-Type": "application/json",
        },
    )
    clean = redactor.request(request)
    assert clean.headers == {"Content-Type": "application/json"}
    assert clean.url == "https://h/x?keep=1"


def test_identifiers_get_same_shape_placeholders_numbered_per_test() -> None:
    redactor = Redactor()
    arn = f"arn:aws:iam::{ACCOUNT_ID}:role/x"
    once = redactor.text(arn)
    assert once == "arn:aws:iam::999999990001:role/x"
    assert redactor.text(f"arn:aws:sqs:us-east-1:{ACCOUNT_ID}:q").endswith(":999999990001:q")
    assert Redactor().text(arn) == once  # no key: the same in any clone, any machine
    key = redactor.text(BODY_ACCESS_KEY)
    assert key == "ASIAREDACTED00000001" and len(key) == 20
    assert redactor.text(key) == key  # a placeholder is never replaced again
    assert redactor.text(UUID_WITH_DIGITS) == UUID_WITH_DIGITS
    encoded = f"/x/arn%3Aaws%3Axray%3Aus-east-1%3A{ACCOUNT_ID}%3Agroup"
    assert ACCOUNT_ID not in redactor.text(encoded)


def test_twelve_digits_are_an_account_id_only_in_context() -> None:
    redactor = Redactor()
    for kept in ("shardId-000000000001", "1732551234567", "size 210987654321 bytes"):
        assert redactor.text(kept) == kept
    # example accounts (moto's, AWS documentation's) belong to nobody: kept
    assert redactor.text("arn:aws:iam::123456789012:root").endswith("123456789012:root")
    # once seen in context, the same digits are an account id anywhere in the test
    redactor.text(f"arn:aws:iam::{ACCOUNT_ID}:root")
    assert redactor.text(f"my-logs-{ACCOUNT_ID}-us-east-1") == "my-logs-999999990001-us-east-1"


def test_secrets_inside_json_and_inside_cloudtrail_event_strings() -> None:
    redactor = Redactor()
    body = json.dumps({"Events": [sentinel_event()], "SessionToken": BODY_TOKEN}).encode()
    text = redactor.body(body).decode()
    for secret in (ACCOUNT_ID, BODY_ACCESS_KEY, BODY_SECRET, BODY_TOKEN):
        assert secret not in text
    event = json.loads(json.loads(text)["Events"][0]["CloudTrailEvent"])
    assert event["userIdentity"]["accountId"] == redactor.text(ACCOUNT_ID)
    # a secret keeps nothing of the original, not even its length
    assert event["responseElements"]["credentials"]["secretAccessKey"].startswith("REDACTED")
    assert len(event["responseElements"]["credentials"]["secretAccessKey"]) == 16


def test_a_json_body_with_a_lone_surrogate_escape_is_redacted_not_an_error() -> None:
    """JSON may escape half of a surrogate pair (``"\\ud800"``); UTF-8 cannot hold one, so
    the redacted body keeps it escaped, as the service sent it."""
    body = b'{"Summary": "\\ud800 broken", "SessionToken": "' + BODY_TOKEN.encode() + b'"}'
    clean = Redactor().body(body, operation_model("sts", "GetSessionToken"), "output")
    assert BODY_TOKEN.encode() not in clean
    assert json.loads(clean)["Summary"] == "\ud800 broken"


def test_xml_secrets_are_replaced() -> None:
    body = f"<SessionToken>{BODY_TOKEN}</SessionToken>".encode()
    assert BODY_TOKEN.encode() not in Redactor().body(body)


def test_pseudonyms_off_keeps_identifiers_but_not_secrets() -> None:
    redactor = Redactor(redaction=Redaction(pseudonyms=False))
    data = redactor.data({"arn": f"arn:aws:iam::{ACCOUNT_ID}:x", "SecretAccessKey": BODY_SECRET})
    assert data["arn"].endswith(f"{ACCOUNT_ID}:x")
    assert data["SecretAccessKey"] != BODY_SECRET


def test_user_rules_extend_the_defaults() -> None:
    redaction = Redaction().extended(
        [Rule.fixed("ticket", r"TICKET-\d+", "TICKET-0")],
        secret_members=["apiKey"],
        dropped_headers=["X-Custom-Auth"],
    )
    redactor = Redactor(redaction=redaction)
    assert redactor.data({"note": "see TICKET-42", "apiKey": "k"}) == {
        "note": "see TICKET-0",
        "apiKey": "REDACTEDpkey0001",
    }
    assert redactor.headers({"X-Custom-Auth": "s", "A": "b"}) == {"A": "b"}
    assert ACCOUNT_ID not in redactor.text(f"arn:aws:iam::{ACCOUNT_ID}:x")  # defaults still apply


def test_credential_responses_are_recorded_with_credentials_of_the_right_shape(
    tmp_path: pathlib.Path,
) -> None:
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
    assert recorder.save() == path
    text = path.read_text()
    for secret in (BODY_ACCESS_KEY, BODY_SECRET, BODY_TOKEN, ACCOUNT_ID):
        assert secret not in text
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        sso = boto3.session.Session().client("sso", region_name="us-east-1")
        again = sso.get_role_credentials(roleName="r", accountId=ACCOUNT_ID, accessToken="u")
    shaped = again["roleCredentials"]
    assert shaped["accessKeyId"] == "ASIAREDACTED00000001"
    # a secret the service generated comes back as a stand-in of its shape: not the
    # recorded value, not the placeholder, the same length and alphabet
    for name, recorded in (("secretAccessKey", BODY_SECRET), ("sessionToken", BODY_TOKEN)):
        assert shaped[name] != recorded and "REDACTED" not in shaped[name]
        assert len(shaped[name]) == len(recorded)
    # botocore signs with them like any credentials
    session = boto3.session.Session(
        aws_access_key_id=shaped["accessKeyId"],
        aws_secret_access_key=shaped["secretAccessKey"],
        aws_session_token=shaped["sessionToken"],
    )
    assert session.get_credentials().get_frozen_credentials().access_key == shaped["accessKeyId"]


def test_ecr_tokens_keep_the_docker_login_shape() -> None:
    import base64

    op = operation_model("ecr", "GetAuthorizationToken")
    token = base64.b64encode(b"AWS:sntl-docker-password").decode()
    body = json.dumps({"authorizationData": [{"authorizationToken": token}]}).encode()
    out = json.loads(Redactor().body(body, op, "output"))
    decoded = base64.b64decode(out["authorizationData"][0]["authorizationToken"]).decode()
    user, _, password = decoded.partition(":")
    assert user == "AWS" and password.startswith("REDACTED") and "sntl" not in password


# --------------------------------------------------------------------------- binding


def test_a_placeholder_binds_to_one_live_value_for_the_whole_test() -> None:
    binding = Binding()
    first = binding.fits(("REDACTEDscrt0001",), ("REDACTEDscrt0007",))
    assert first is not None
    assert first.placeholders == {"REDACTEDscrt0001": "REDACTEDscrt0007"}
    binding.tie(first)
    assert binding.fits(("REDACTEDscrt0001",), ("REDACTEDscrt0007",)) == Ties()
    assert binding.fits(("REDACTEDscrt0001",), ("REDACTEDscrt0008",)) is None  # another value
    assert binding.fits(("REDACTEDscrt0002",), ("REDACTEDscrt0007",)) is None  # taken
    # within one request: two recorded values cannot meet one live value
    assert binding.fits(("REDACTEDscrt0003", "REDACTEDscrt0004"), ("A", "A")) is None
    assert binding.fits(("REDACTED", "REDACTED"), ("x", "y")) == Ties()  # legacy: binds nothing


def test_masking_sets_numbering_aside_but_keeps_kinds() -> None:
    recorded, slots = mask('{"a":"REDACTEDscrt0001","b":"arn:aws:iam::999999990002:x"}')
    live, _ = mask('{"a":"REDACTEDpswd0009","b":"arn:aws:iam::999999990001:x"}')
    assert recorded == live and slots == ("REDACTEDscrt0001", "999999990002")
    other, _ = mask('{"a":"ASIAREDACTED00000001","b":"arn:aws:iam::999999990001:x"}')
    assert other != recorded


def test_replayed_text_carries_the_live_values_back_escaped_for_its_format() -> None:
    vault = Vault()
    token = vault.placeholder('pa"ss<&>', "password")
    binding = Binding()
    binding.tie(Ties(placeholders={"REDACTEDpswd0005": token}))
    body = '{"SecretString": "REDACTEDpswd0005", "Other": "REDACTEDscrt0006"}'
    assert json.loads(restore_text(body, binding, vault, "json")) == {
        "SecretString": 'pa"ss<&>',
        "Other": "REDACTEDscrt0006",  # not supplied by this test: stays a placeholder
    }
    xml = "<Value>REDACTEDpswd0005</Value>"
    assert restore_text(xml, binding, vault, "xml") == '<Value>pa"ss&lt;&amp;&gt;</Value>'


def keyed() -> Redactor:
    return Redactor()


@pytest.mark.parametrize(
    ("service", "operation", "direction", "body", "secret"),
    [
        (
            "secretsmanager",
            "GetSecretValue",
            "output",
            {"Name": "db", "SecretString": '{"username": "admin", "password": "SENTINEL-1"}'},
            "SENTINEL-1",
        ),
        ("ssm", "GetParameter", "output", {"Parameter": {"Value": "SENTINEL-2"}}, "SENTINEL-2"),
        (
            "lambda",
            "CreateFunction",
            "input",
            {"FunctionName": "f", "Environment": {"Variables": {"DB_PASSWORD": "SENTINEL-3"}}},
            "SENTINEL-3",
        ),
        (
            "cognito-idp",
            "InitiateAuth",
            "output",
            {"AuthenticationResult": {"IdToken": "SENTINEL-4", "RefreshToken": "SENTINEL-5"}},
            "SENTINEL-4",
        ),
        ("kms", "Decrypt", "output", {"Plaintext": "U0VOVElORUwtNg=="}, "U0VOVElORUwtNg=="),
    ],
)
def test_sensitive_members_of_the_model_are_scrubbed_in_json(
    service: str, operation: str, direction: str, body: dict[str, Any], secret: str
) -> None:
    op = operation_model(service, operation)
    text = keyed().body(json.dumps(body).encode(), op, direction).decode()
    assert secret not in text
    assert "REDACTED" in text


def test_a_json_secret_keeps_its_structure_so_code_can_parse_it() -> None:
    op = operation_model("secretsmanager", "GetSecretValue")
    body = {"SecretString": json.dumps({"username": "admin", "password": "pw", "port": 5432})}
    out = json.loads(keyed().body(json.dumps(body).encode(), op, "output"))
    assert json.loads(out["SecretString"]) == {
        "username": "REDACTEDscrt0001",
        "password": "REDACTEDscrt0002",
        "port": "REDACTEDnumb0003",  # a number's own placeholder, given back as a number
    }


def test_sensitive_members_in_xml_form_bodies_and_headers() -> None:
    redactor = keyed()
    iam = operation_model("iam", "CreateLoginProfile")
    form = b"Action=CreateLoginProfile&UserName=bob&Password=SENTINEL-7&Version=2010-05-08"
    out = redactor.body(form, iam, "input", "application/x-www-form-urlencoded")
    assert b"SENTINEL-7" not in out and b"UserName=bob" in out
    rds = operation_model("rds", "CreateDBInstance")
    xml = (
        b"<CreateDBInstanceResponse><CreateDBInstanceResult><DBInstance>"
        b"<MasterUsername>admin</MasterUsername><MasterUserPassword>SENTINEL-8</MasterUserPassword>"
        b"</DBInstance></CreateDBInstanceResult></CreateDBInstanceResponse>"
    )
    form = b"Action=CreateDBInstance&MasterUserPassword=SENTINEL-9&Version=2014-10-31"
    assert b"SENTINEL-9" not in redactor.body(
        form, rds, "input", "application/x-www-form-urlencoded"
    )
    assert b"SENTINEL-8" not in redactor.body(xml, rds, "output")
    s3 = operation_model("s3", "PutObject")
    headers = redactor.headers(
        {"x-amz-server-side-encryption-customer-key": "SENTINEL-10", "x-amz-meta-a": "b"}, s3
    )
    assert headers["x-amz-server-side-encryption-customer-key"].startswith("REDACTED")
    assert headers["x-amz-meta-a"] == "b"


@pytest.mark.parametrize(
    "header",
    ["X-Amz-SSO_bearer_token", "x-amz-security-token", "X-Api-Key", "x-my-session-token", "Cookie"],
)
def test_credential_headers_are_dropped(header: str) -> None:
    assert keyed().headers({header: "SENTINEL", "Content-Type": "x"}) == {"Content-Type": "x"}


@pytest.mark.parametrize(
    "text",
    [
        '{"Url": "https://b.s3.amazonaws.com/k?X-Amz-Security-Token=SENTINEL&X-Amz-Signature=SENTINEL"}',
        "https://b.s3.amazonaws.com/k?AWSAccessKeyId=SENTINEL&Signature=SENTINEL&Expires=1",
        "https%3A%2F%2Fb%2Fk%3FX-Amz-Credential%3DSENTINEL%26X-Amz-Signature%3DSENTINEL",
        "The request signature we calculated does not match. String to sign was 'SENTINEL-SIGN'",
        "postgres://app:SENTINEL@db.example:5432/app",
        "Server=db;Database=x;User Id=app;Password=SENTINEL;",
        "Authorization: Bearer SENTINELTOKEN123",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRU5USU5FTCJ9.SENTINELsig",
        "-----BEGIN RSA PRIVATE KEY-----\nSENTINEL\n-----END RSA PRIVATE KEY-----",
    ],
)
def test_what_the_model_cannot_know_is_removed_from_any_text(text: str) -> None:
    assert "SENTINEL" not in keyed().text(text)


@pytest.mark.parametrize(
    "text",
    [
        f"arn:aws:iam::{ACCOUNT_ID}:role/x",
        f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com",
        f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT_ID}/queue",
        f"http://localhost:4566/{ACCOUNT_ID}/queue",
        f"<Arn>arn:aws-cn:sns:cn-north-1:{ACCOUNT_ID}:t</Arn>",
    ],
)
def test_account_ids_are_found_in_every_context(text: str) -> None:
    out = keyed().text(text)
    assert ACCOUNT_ID not in out and len(out) == len(text)


def test_account_ids_as_json_numbers_under_account_like_keys() -> None:
    data = keyed().data({"AccountId": int(ACCOUNT_ID), "BytesScanned": int(ACCOUNT_ID)})
    assert data["AccountId"] != int(ACCOUNT_ID) and len(str(data["AccountId"])) == 12
    assert data["BytesScanned"] == int(ACCOUNT_ID)


def test_binary_bodies_are_left_intact() -> None:
    audio = bytes(range(256)) * 4
    assert keyed().body(audio) == audio


def test_sensitive_uri_labels_and_query_parameters_are_scrubbed() -> None:
    op = operation_model("location", "GetPlace")
    url = "https://places.geo.us-east-1.amazonaws.com/places/v0/indexes/idx/places/SENTINEL-ID"
    out = keyed().url(url + "?language=en", op)
    assert "SENTINEL-ID" not in out and out.endswith("/places/REDACTEDscrt0001?language=en")


def test_sensitive_members_in_cbor_bodies_are_scrubbed() -> None:
    from harness.aws.protocols import _cbor

    op = operation_model("cloudwatchomni", "GetSpaceCredentialsForOrganization")
    top = [n for n, m in op.output_shape.members.items() if m.metadata.get("sensitive")]
    assert top  # the model marks some top-level output members sensitive
    body = _cbor.dumps({name: "SENTINEL-CBOR" for name in top} | {"other": "kept"})
    out = keyed().body(body, op, "output", "application/cbor")
    assert b"SENTINEL-CBOR" not in out
    assert _cbor.loads(out)["other"] == "kept"


def test_a_json_body_nested_too_deep_to_walk_is_recorded_without_its_secrets() -> None:
    """A body nested ~1,000 deep cannot be walked for the model's secret members: for an
    operation that has some, the whole body is dropped; for others, text rules apply."""
    deep = b"[" * 1000 + b"]" * 1000
    body = b'{"SecretString": "' + BODY_SECRET.encode() + b'", "x": ' + deep + b"}"
    clean = Redactor().body(body, operation_model("secretsmanager", "GetSecretValue"), "output")
    assert BODY_SECRET.encode() not in clean
    token = b'{"x": ' + deep + b', "SessionToken": "' + BODY_TOKEN.encode() + b'"}'
    clean = Redactor().body(token, operation_model("xray", "GetInsight"), "output")
    assert clean.startswith(b'{"x": [[[') and BODY_TOKEN.encode() not in clean


def test_secrets_named_by_a_sibling_or_by_an_api_key_header_are_found() -> None:
    redactor = Redactor()
    data = redactor.data(
        {
            "environment": [{"name": "DB_PASSWORD", "value": "sntl-env-1"}],
            "Parameters": [{"ParameterKey": "AdminPassword", "ParameterValue": "sntl-cfn-2"}],
            "Tags": [{"Key": "Name", "Value": "web"}],
        }
    )
    text = json.dumps(data)
    assert "sntl-env-1" not in text and "sntl-cfn-2" not in text
    assert data["Tags"] == [{"Key": "Name", "Value": "web"}]  # a tag's name says nothing
    headers = {"X-Functions-Key": "a", "Ocp-Apim-Subscription-Key": "b", "Accept": "x"}
    assert redactor.headers(headers) == {"Accept": "x"}


@pytest.mark.parametrize(
    ("secret", "swept"),
    [
        ("password", False),  # an ordinary word
        ("Locality", False),  # an enum value that was a sensitive list's member
        ("s3cr3t-hunter22", True),
        ("Zq8!vR2#mW5@", True),
    ],
)
def test_the_final_sweep_replaces_distinctive_secrets_only_and_only_whole(
    secret: str, swept: bool
) -> None:
    redactor = Redactor()
    token = redactor.placeholder(secret, "password")
    text = json.dumps(
        {"Bucket": f"backup-{secret}", "Locality": "Paris", "Note": f"x{secret}y", "Echo": secret}
    ).encode()
    out = json.loads(redactor.sweep(text))
    # the echo of a distinctive secret goes; the word inside another word never does
    assert (out["Echo"] == token) is swept
    assert out["Note"] == f"x{secret}y"
    assert ("Locality" in out) and (
        out["Bucket"] == (f"backup-{token}" if swept else f"backup-{secret}")
    )


def test_a_sensitive_jsonvalue_header_stays_base64_json() -> None:
    # lex-runtime PutSession: x-amz-lex-session-attributes is sensitive, base64 of JSON
    import base64

    from harness.secrets import formats

    value = base64.b64encode(json.dumps({"user": "s3cr3t-pass-1"}).encode()).decode()
    out = formats.redact_headers({"X-A": value}, frozenset({"x-a"}))
    decoded = json.loads(base64.b64decode(out["X-A"]))
    assert decoded == {"user": "REDACTED"}


def test_twelve_digits_are_an_account_slot_a_placeholder_may_take_but_raw_values_never_swap() -> (
    None
):
    recorded_text, recorded = mask('{"AWSAccountIds":["111111111111","999999990001"]}')
    live_text, live = mask('{"AWSAccountIds":["111111111111","222211112222"]}')
    assert recorded_text == live_text  # both are account slots
    binding = Binding()
    ties = binding.fits(recorded, live)
    assert ties is not None and ties.placeholders["999999990001"] == "222211112222"
    binding.tie(ties)
    # the recorded placeholder gives the raw live value back in a replayed response
    assert restore_text("arn:aws:iam::999999990001:root", binding, Vault(), "raw") == (
        "arn:aws:iam::222211112222:root"
    )
    # a raw recorded account id is only itself: a changed hard-coded one still misses
    _, other = mask('{"AWSAccountIds":["111111111112","222211112222"]}')
    assert binding.fits(recorded, other) is None


def test_a_uuid_whose_last_group_is_all_digits_is_no_account_slot() -> None:
    assert mask("9d5e59bf-e1b3-4fe8-88c2-304567891234") == (
        "9d5e59bf-e1b3-4fe8-88c2-304567891234",
        (),
    )


def test_a_timestamp_the_model_marks_sensitive_stays_a_time_botocore_parses() -> None:
    """Amazon Location's CreateKey marks ``CreateTime`` sensitive: a string placeholder in
    its place made botocore's parser fail on the recorded answer in replay. Its stand-in is
    the epoch, as a number's is 0; the key itself is still redacted."""
    from botocore.parsers import create_parser

    model = operation_model("location", "CreateKey")
    answer = {
        "Key": "v1.public.sntlLocKey0001",
        "KeyArn": "arn:aws:geo:us-east-1:123456789012:api-key/k",
        "KeyName": "k",
        "CreateTime": "2026-11-26T10:00:00Z",
    }
    body = Redactor().body(json.dumps(answer).encode(), model, "output", "application/json")
    assert b"sntlLocKey0001" not in body and b"2026-11-26" not in body
    parsed = create_parser("rest-json").parse(
        {"status_code": 200, "headers": {}, "body": body}, model.output_shape
    )
    assert parsed["CreateTime"].year == 1970
