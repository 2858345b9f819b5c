"""A secret under a name the *user* chose — a KMS ``EncryptionContext`` key, a member of the
JSON an EventBridge ``Detail`` carries, a header the test adds to botocore's requests — is
judged as freely as a URL parameter's name (``tenant_token``, ``reset_token``,
``X-Tenant-Key``), not by the rules for the members AWS named, which leave those names
undecided (``reset_token`` reads as a flag, ``ResetToken``; ``tenant`` qualifies no known
token). Its value never reaches the cassette, and replay still serves the test.

From the secrets-r10 trial (fix half: ``kms_encryption_context_secret``,
``events_put_events_detail``, ``botocore_custom_header_event``): each sentinel was written
to the cassette raw.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder
from harness.secrets import detectors
from tests.support.moto_server import moto_server

TENANT = "Sntl10xe1c4f09a7b3d52c6"  # sentinels: unique, in no other file
RESET = "Sntl11x8d02aa61c7f3e94b"
HEADER = "Sntl12x5b9e73c0d1a4f682"


@pytest.mark.parametrize(
    "name",
    [
        "tenant_token",
        "reset_token",
        "X-Tenant-Key",
        "tenantApiKey",
        "webhook_secret",
        "card_cvv",  # (a card's security code, secrets-r10's held-out firehose class)
        "cvc2",
        "session",  # (a web API's login answer, secrets-r10's held-out chunked class)
    ],
)
def test_names_a_user_chooses_for_a_secret_are_secret(name: str) -> None:
    assert detectors.user_name_kind(name) is not None


@pytest.mark.parametrize(
    "name", ["Key", "key", "next_token", "sort_key", "page_token", "tenant", "cache_key", "KeyId"]
)
def test_handles_and_plain_keys_stay_plain(name: str) -> None:
    assert detectors.user_name_kind(name) is None


def test_a_member_of_json_text_the_user_named_is_found() -> None:
    text = json.dumps({"user": "alice", "reset_token": RESET, "Key": "big.bin"})
    assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [RESET]


def test_a_cards_security_code_in_a_firehose_record_and_a_web_session_are_found() -> None:
    """secrets-r10's held-out ``firehose_blob_card_cvv`` and ``http_chunked_split_token``
    (fixed after they were measured): ``cvv`` and ``session`` named no secret."""
    import base64

    import botocore.session

    from harness.secrets.redactor import Redactor

    text = json.dumps({"session": RESET, "user": "alice"})
    assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [RESET]
    put = (
        botocore.session.get_session()
        .get_service_model("firehose")
        .operation_model("PutRecordBatch")
    )
    record = json.dumps({"order": 7, "card_cvv": TENANT}).encode() + b"\n"
    body = json.dumps(
        {"DeliveryStreamName": "s", "Records": [{"Data": base64.b64encode(record).decode()}]}
    )
    out = Redactor().body(body.encode(), put, "input", "application/x-amz-json-1.1")
    data = json.loads(out)["Records"][0]["Data"]
    assert TENANT.encode() not in out and TENANT.encode() not in base64.b64decode(data + "==")
    assert data.startswith("REDACTED")  # (the record's bytes: a placeholder stands for them)


def test_a_model_map_entry_of_text_is_judged_by_its_key_but_expression_names_stay() -> None:
    import botocore.session

    from harness.secrets.redactor import Redactor

    models = botocore.session.get_session()
    encrypt = models.get_service_model("kms").operation_model("Encrypt")
    body = json.dumps({"KeyId": "k", "EncryptionContext": {"tenant_token": TENANT, "app": "x"}})
    out = json.loads(Redactor().body(body.encode(), encrypt, "input", "application/json"))
    assert out["EncryptionContext"]["app"] == "x"
    assert out["EncryptionContext"]["tenant_token"].startswith("REDACTED")
    query = models.get_service_model("dynamodb").operation_model("Query")
    names = {"#tenant_token": "tenant_token"}  # (a name, not a value)
    body = json.dumps({"TableName": "t", "ExpressionAttributeNames": names})
    out = json.loads(Redactor().body(body.encode(), query, "input", "application/json"))
    assert out["ExpressionAttributeNames"] == names


def test_a_query_form_value_named_by_its_sibling_is_judged_by_that_name() -> None:
    """SNS ``Publish``'s form names a message attribute in ``...entry.1.Name`` and holds it
    in ``...entry.1.Value.StringValue``: a name the user chose (``signature``) makes that
    value secret; its ``DataType`` and a plainly named attribute stay (secrets-r10's
    held-out ``sns_message_attribute_token``, fixed after it was measured)."""
    import botocore.session

    from harness.secrets.redactor import Redactor

    publish = botocore.session.get_session().get_service_model("sns").operation_model("Publish")
    entry = "MessageAttributes.entry.{}.{}"
    pairs = [
        ("Action", "Publish"),
        ("Message", "rotate"),
        (entry.format(1, "Name"), "signature"),
        (entry.format(1, "Value.DataType"), "String"),
        (entry.format(1, "Value.StringValue"), TENANT),
        (entry.format(2, "Name"), "color"),
        (entry.format(2, "Value.DataType"), "String"),
        (entry.format(2, "Value.StringValue"), "blue"),
    ]
    body = "&".join(f"{k}={v}" for k, v in pairs).encode()
    out = dict(
        parse_qsl(
            Redactor().body(body, publish, "input", "application/x-www-form-urlencoded").decode()
        )
    )
    assert out[entry.format(1, "Value.StringValue")].startswith("REDACTED")
    assert out[entry.format(1, "Value.DataType")] == "String"
    assert out[entry.format(2, "Value.StringValue")] == "blue"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def _client(service: str, url: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        service, endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def _run(url: str) -> tuple[bytes, int, list[str]]:
    kms = _client("kms", url)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ctx = {"tenant_token": TENANT}
    blob = kms.encrypt(KeyId=key, Plaintext=b"payload", EncryptionContext=ctx)["CiphertextBlob"]
    plain = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"]

    detail = json.dumps({"user": "alice", "reset_token": RESET})
    failed = _client("events", url).put_events(
        Entries=[{"Source": "app", "DetailType": "reset", "Detail": detail}]
    )["FailedEntryCount"]

    s3 = _client("s3", url)

    def add_header(request, **_):  # type: ignore[no-untyped-def]
        request.headers["X-Tenant-Key"] = HEADER

    s3.meta.events.register("before-sign.s3.*", add_header)
    s3.create_bucket(Bucket="user-named")
    return plain, failed, [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_user_named_secrets_never_reach_the_cassette_and_replay(
    endpoint: str, tmp_path: Path
) -> None:
    path = tmp_path / "user-named.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        live = _run(endpoint)
    recorder.save()
    assert live == (b"payload", 0, ["user-named"])
    text = path.read_text()
    for sentinel in (TENANT, RESET, HEADER):
        assert sentinel not in text
    assert "tenant_token" in text  # the entry and the member keep their names

    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        assert _run("http://127.0.0.1:9") == live


POLICY_TAG = "Sntl13x2f7d8e91a0c6b345"


def test_a_policy_condition_on_a_tag_named_token_is_redacted_url_encoded_too() -> None:
    from urllib.parse import quote, quote_plus

    doc = json.dumps(
        {"Condition": {"StringEquals": {"aws:PrincipalTag/token": POLICY_TAG}}, "Version": "1"}
    )
    for text in (doc, quote(doc), quote_plus(doc)):  # (IAM returns policies URL-encoded)
        assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [POLICY_TAG]


ECR_PASSWORD = "eyJwYXlsb2FkIjoiSntl14x" + "q7Zr2Kx9Lm4Np8Vt1Wb6Yc3Hd5Jf0Gs" * 3


def test_an_ecr_token_replays_as_docker_login_of_a_password_of_the_live_shape(
    tmp_path: Path,
) -> None:
    import base64

    from harness.exchange import HttpResponse
    from harness.serve.http import LoopbackServer

    token = base64.b64encode(f"AWS:{ECR_PASSWORD}".encode()).decode()
    body = json.dumps(
        {"authorizationData": [{"authorizationToken": token, "expiresAt": 1893456000}]}
    ).encode()

    def handler(request):  # type: ignore[no-untyped-def]
        return HttpResponse(200, {"Content-Type": "application/x-amz-json-1.1"}, body)

    path = tmp_path / "ecr.yaml"
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(handler) as server, recorder.activate():
        live = _client("ecr", server.endpoint_url).get_authorization_token()
    recorder.save()
    assert live["authorizationData"][0]["authorizationToken"] == token
    assert ECR_PASSWORD not in path.read_text() and token not in path.read_text()

    with CassetteRecorder(path, "none").activate():
        got = _client("ecr", "http://127.0.0.1:9").get_authorization_token()
    replayed = got["authorizationData"][0]["authorizationToken"]
    user, _, password = base64.b64decode(replayed).decode().partition(":")
    assert user == "AWS" and "REDACTED" not in password
    assert len(replayed) == len(token) and len(password) == len(ECR_PASSWORD)
