"""A static value an API Gateway parameter mapping writes to a header or parameter is judged
by that header's or parameter's name: ``{"append:header.x-upstream-key": "..."}`` is a key.

From the secrets-r16 trial (fix half: ``apigatewayv2_integration_request_parameter_key``):
an HTTP API integration's ``RequestParameters`` (a model map of the user's keys) reached the
cassette raw, both ways: the key ``append:header.x-upstream-key`` was judged as a whole
name, and a dotted name is no parameter's.
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor

SENTINEL = "sntl16Mapping01xYz"


@pytest.mark.parametrize(
    "key",
    [
        "append:header.x-upstream-key",
        "overwrite:header.Authorization",
        "overwrite:querystring.api_token",
        "append:header.X-Api-Key",
    ],
)
@pytest.mark.parametrize("direction", ["input", "output"])
def test_a_mappings_static_secret_is_redacted(key: str, direction: str) -> None:
    doc = {
        "IntegrationType": "HTTP_PROXY",
        "IntegrationUri": "https://upstream.example.com/",
        "RequestParameters": {key: SENTINEL, "overwrite:path": "/v1/$request.path.proxy"},
    }
    if direction == "input":
        doc["ApiId"] = "a1b2c3"
    body = json.dumps(doc).encode()
    op = operation_model("apigatewayv2", "CreateIntegration")
    out = Redactor().body(body, op, direction, "application/json")
    got = json.loads(out)["RequestParameters"]
    assert SENTINEL not in out.decode() and got[key].startswith("REDACTED")
    assert got["overwrite:path"] == "/v1/$request.path.proxy"


@pytest.mark.parametrize(
    "key", ["append:header.x-request-id", "overwrite:querystring.page", "remove:header.x-trace"]
)
def test_a_mappings_plain_value_is_kept(key: str) -> None:
    body = json.dumps({"ApiId": "a1", "RequestParameters": {key: "$context.requestId"}}).encode()
    out = Redactor().body(
        body, operation_model("apigatewayv2", "CreateIntegration"), "input", "application/json"
    )
    assert json.loads(out)["RequestParameters"][key] == "$context.requestId"
