"""An environment variable named for a credential by ``AUTH`` (``NPM_AUTH``, ``BASIC_AUTH``)
is a secret wherever such a variable is written; a switch (``SKIP_AUTH``) is not.

From the secrets-r16 trial (fix half: ``codebuild_create_project_inline_buildspec``): a
CodeBuild project's inline buildspec set ``NPM_AUTH: <value>`` under ``env.variables``, and
the value reached the cassette raw (the member rules judge a name ending "auth" no secret:
AWS's ``...Auth`` members are flags and structures).
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor, detectors

SENTINEL = "sntl16EnvAuth01xYz"


@pytest.mark.parametrize("name", ["NPM_AUTH", "BASIC_AUTH", "DOCKER_AUTH", "REGISTRY_HTTP_AUTH"])
def test_an_auth_variable_is_secret(name: str) -> None:
    assert detectors.name_kind(name) == "token"


@pytest.mark.parametrize(
    "name", ["SKIP_AUTH", "ENABLE_AUTH", "DISABLE_AUTH", "AUTH_MODE", "DefaultAuth", "IamAuth"]
)
def test_a_switch_or_a_member_is_not(name: str) -> None:
    assert detectors.name_kind(name) is None


def test_a_buildspecs_auth_variable_is_redacted_in_a_codebuild_project() -> None:
    spec = (
        f"version: 0.2\nenv:\n  variables:\n    NPM_AUTH: {SENTINEL}\n    SKIP_AUTH: 'true'\n"
        "phases:\n  build:\n    commands:\n      - npm ci\n"
    )
    body = json.dumps(
        {
            "name": "r16-build",
            "source": {"type": "S3", "location": "b/app.zip", "buildspec": spec},
            "artifacts": {"type": "NO_ARTIFACTS"},
            "environment": {
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            "serviceRole": "arn:aws:iam::123456789012:role/r",
        }
    ).encode()
    out = Redactor().body(body, operation_model("codebuild", "CreateProject"), "input", "")
    got = json.loads(out)["source"]["buildspec"]
    assert SENTINEL not in out.decode() and "NPM_AUTH: REDACTED" in got
    assert "SKIP_AUTH: 'true'" in got and "npm ci" in got
