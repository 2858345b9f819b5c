"""Three of secrets-r13's fix-half leaks (measured before this fix, run once):

- ``cloudformation_output_value_password``: a template's ``"Outputs": {"BootstrapPassword":
  {"Value": <value>}}`` in ``CreateStack``'s ``TemplateBody``; the name opens an object, so
  it was read as a structure and its ``Value`` (a name of nothing) was left.
- ``ssm_document_default_password``: an SSM document's ``"parameters": {"adminPassword":
  {"type": "String", "default": <value>}}`` in ``CreateDocument``'s ``Content``.
- ``s3_csv_export_api_keys``: a CSV object whose header names a column ``api_key``.

Requests are made by botocore's own serializers; the cassette side is what the redactor
writes.
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.aws.protocols import wire_form as wire
from harness.secrets import Redactor, detectors

CFN_OUTPUT = "Sntl61x3e0c9d1b7a4f5260"  # sentinels: unique, in no other file
CFN_DEFAULT = "Sntl62x8a1f4c7e2d9b3065"
SSM_DEFAULT = "Sntl63x5d2e8b0c6f1a7493"
CSV_KEY = "Sntl64x1c7b3e9d5a0f2846"
TSV_TOKEN = "Sntl65x9e4a2d6c8b1f7035"


def _redacted(service: str, operation: str, params: dict[str, object]) -> bytes:
    request = wire.encode_request(service, operation, params, "https://example.amazonaws.com")
    return Redactor().request(request, operation_model(service, operation)).body


def test_a_cloudformation_template_loses_its_secret_outputs_and_parameter_defaults() -> None:
    template = {
        "Parameters": {
            "DbPassword": {"Type": "String", "NoEcho": True, "Default": CFN_DEFAULT},
            "Env": {"Type": "String", "Default": "prod"},
        },
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BootstrapPassword": {"Value": CFN_OUTPUT, "Description": "first login"}},
    }
    body = _redacted(
        "cloudformation",
        "CreateStack",
        {"StackName": "s", "TemplateBody": json.dumps(template)},
    )
    assert CFN_OUTPUT.encode() not in body and CFN_DEFAULT.encode() not in body
    assert b"prod" in body and b"first%20login" in body and b"AWS%3A%3ASQS%3A%3AQueue" in body


def test_an_ssm_document_loses_its_secret_parameter_default() -> None:
    content = {
        "schemaVersion": "2.2",
        "parameters": {
            "adminPassword": {"type": "String", "default": SSM_DEFAULT},
            "user": {"type": "String", "default": "admin"},
        },
        "mainSteps": [],
    }
    body = _redacted("ssm", "CreateDocument", {"Name": "d", "Content": json.dumps(content)})
    assert SSM_DEFAULT.encode() not in body
    sent = json.loads(json.loads(body)["Content"])["parameters"]
    assert sent["adminPassword"]["type"] == "String"
    assert sent["user"]["default"] == "admin"


def test_a_csv_object_loses_the_fields_of_its_secret_named_column() -> None:
    body = f"tenant,api_key,created\r\nacme,{CSV_KEY},2026-11-28\r\n".encode()
    out = Redactor().body(body, content_type="text/csv").decode()
    assert CSV_KEY not in out
    lines = out.splitlines()
    assert lines[0] == "tenant,api_key,created"
    assert lines[1].startswith("acme,") and lines[1].endswith(",2026-11-28")


def test_a_tsv_table_quoted_field_is_found_too() -> None:
    text = f'user\ttoken\n"al"\t"{TSV_TOKEN}"\nbo\tshort\textra\n'
    found = [text[f.start : f.end] for f in detectors.find_secrets(text)]
    assert found == [TSV_TOKEN]


@pytest.mark.parametrize(
    "text",
    [
        "id,value,scope\n1,abc-123-def-456,read\n",  # no column names a secret
        "a password, then a token\nwere both rotated yesterday\n",  # prose: no header
        '{"DbPassword": {"Type": "String", "NoEcho": true}}',  # a parameter with no default
        '{"Password": {"Ref": "DbPassword"}}',  # a reference, not a value
    ],
)
def test_tables_and_structures_that_hold_no_secret_stay(text: str) -> None:
    assert detectors.find_secrets(text) == []


def test_a_named_pair_redacted_whole_over_a_found_token_gives_back_the_whole_live_value() -> None:
    """secrets-r14 ``s3_har_capture_auth_header``: a HAR capture's header list holds
    ``{"name": "Authorization", "value": "Bearer <token>"}``. The token is found first,
    then the value its name says is secret is redacted whole: the vault held the value with
    the token's placeholder inside, and replay served ``Bearer REDACTEDtokn0003`` for it."""
    import re
    import secrets

    from harness.secrets.vault import Binding, restore_text

    token = "Sntl07x" + secrets.token_hex(8)
    har = {"log": {"entries": [{"request": {"headers": [
        {"name": "Accept", "value": "application/json"},
        {"name": "Authorization", "value": f"Bearer {token}"},
    ]}}]}}  # fmt: skip
    body = json.dumps(har, indent=2)
    redactor = Redactor()
    stored = redactor.body(body.encode(), None, "input", "").decode()
    assert token not in stored and "Bearer" not in stored
    (placeholder,) = re.findall(r"REDACTED[a-z]+\d+", stored)
    assert redactor.vault.value(placeholder) == f"Bearer {token}"
    assert restore_text(stored, Binding(), redactor.vault, "json") == body
