"""Names a user chose for a secret that no rule knew, each in the place secrets-r17 found it.

From the secrets-r17 trial (fix half), each leaked raw:

- ``amplify_create_branch_environment_variables``: an environment variable
  ``CMS_PREVIEW_TOKEN`` (a CMS's preview API token): "preview" makes an AWS member's token a
  handle, not an environment variable's;
- ``appsync_evaluate_template_context_header``: a header ``x-partner-auth`` in AppSync's
  ``context`` JSON (a header named for its credential by "auth");
- ``http_csv_semicolon_passwort``: a CSV whose separator is ``;`` and whose column is
  ``passwort`` (German);
- ``s3_bucket_tagging_token``: an S3 tag ``<Key>cdn-purge-token</Key><Value>`` (a tag's key
  in XML, ``Key``/``Value`` capitalized, judged as the user's name).
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor, detectors

SENTINEL = "Sntl17xUserNamed0a1b2c3d"


def _found(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detectors.find_secrets(text)]


def test_an_environment_variables_preview_token_is_redacted_in_amplifys_request() -> None:
    op = operation_model("amplify", "CreateBranch")
    body = json.dumps(
        {
            "branchName": "preview",
            "environmentVariables": {"NEXT_PUBLIC_SITE": "r17", "CMS_PREVIEW_TOKEN": SENTINEL},
        }
    ).encode()
    out = json.loads(Redactor().body(body, op, "input", "application/json"))
    assert out["environmentVariables"]["CMS_PREVIEW_TOKEN"].startswith("REDACTED")
    assert out["environmentVariables"]["NEXT_PUBLIC_SITE"] == "r17"


@pytest.mark.parametrize("name", ["CMS_PREVIEW_TOKEN", "CONTENTFUL_PREVIEW_TOKEN", "CI_JOB_TOKEN"])
def test_an_environment_variables_credential_token_is_named_secret(name: str) -> None:
    assert detectors.name_kind(name) == "token"


@pytest.mark.parametrize("name", ["PreviewToken", "JobToken", "NEXT_TOKEN", "PAGE_TOKEN"])
def test_an_aws_members_handle_token_stays_plain(name: str) -> None:
    assert detectors.name_kind(name) is None


def test_a_header_named_for_auth_in_appsyncs_context_is_redacted() -> None:
    op = operation_model("appsync", "EvaluateMappingTemplate")
    ctx = {"arguments": {}, "request": {"headers": {"x-partner-auth": SENTINEL}}}
    body = json.dumps({"template": "{}", "context": json.dumps(ctx)}).encode()
    out = Redactor().body(body, op, "input", "application/json").decode()
    assert SENTINEL not in out and "x-partner-auth" in out


@pytest.mark.parametrize("name", ["x-partner-auth", "X-Upstream-Auth", "partner-auth"])
def test_a_header_named_for_auth_is_a_users_secret_name(name: str) -> None:
    assert detectors.user_name_kind(name) == "token"


@pytest.mark.parametrize("name", ["skip-auth", "x-require-auth", "use-auth", "x-auth-mode"])
def test_a_switch_of_auth_is_none(name: str) -> None:
    assert detectors.user_name_kind(name) is None


@pytest.mark.parametrize("column", ["passwort", "Passwort", "passord", "mot_de_passe"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_a_password_column_in_another_language_and_separator(column: str, sep: str) -> None:
    text = sep.join(["name", "benutzer", column]) + "\n" + sep.join(["svc", "u1", SENTINEL])
    assert _found(text + "\n") == [SENTINEL]


def test_a_semicolon_table_without_a_secret_column_holds_none() -> None:
    assert _found("name;menge;preis\nschraube;12;0,35\n") == []


def test_an_s3_tag_named_for_a_token_is_redacted_both_ways() -> None:
    tagging = (
        '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>team</Key>'
        "<Value>data</Value></Tag><Tag><Key>cdn-purge-token</Key>"
        f"<Value>{SENTINEL}</Value></Tag></TagSet></Tagging>"
    ).encode()
    for name, direction in (("PutBucketTagging", "input"), ("GetBucketTagging", "output")):
        out = Redactor().body(tagging, operation_model("s3", name), direction, "application/xml")
        text = out.decode()
        assert SENTINEL not in text, name
        assert "<Value>data</Value>" in text and "<Key>cdn-purge-token</Key><Value>REDACTED" in text
