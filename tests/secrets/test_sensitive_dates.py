"""A member of a sensitive structure that is a date or a flag is no secret: no secret fits
it, and a stand-in in its place is no date (``harness.aws.sensitive``).

From the secrets-r14 trial (fix half: ``datazone_environment_credentials``): DataZone's
``GetEnvironmentCredentialsOutput`` is sensitive whole, so its ``expiration`` was redacted
and replay served a stand-in where botocore parses a timestamp (``ValueError: Invalid
timestamp``).
"""

from __future__ import annotations

import json

from harness.aws import sensitive
from harness.aws.models import operation_model
from harness.secrets import Redactor

OP = operation_model("datazone", "GetEnvironmentCredentials")
SECRET = "SntlDzSecretAccessKey0123456789abcdefABCD"
TOKEN = "IQoJb3JpZ2luSntlDzSessionToken0123456789abcdefghijklmnopqrstuvwxyz"


def test_the_dates_of_a_sensitive_structure_are_not_secret_places() -> None:
    names = sensitive.places(OP, "output").names
    assert {"secretAccessKey", "sessionToken", "accessKeyId"} <= names
    assert "expiration" not in names


def test_the_answer_keeps_its_date_and_loses_its_secrets() -> None:
    body = json.dumps(
        {
            "accessKeyId": "ASIAR14EXAMPLE000001",
            "secretAccessKey": SECRET,
            "sessionToken": TOKEN,
            "expiration": "2030-01-01T00:00:00Z",
        }
    ).encode()
    out = Redactor().body(body, OP, "output", "application/json")
    assert SECRET.encode() not in out and TOKEN.encode() not in out
    assert json.loads(out)["expiration"] == "2030-01-01T00:00:00Z"


def test_a_sensitive_structure_still_hides_its_text() -> None:
    op = operation_model("secretsmanager", "GetSecretValue")
    assert "SecretString" in sensitive.places(op, "output").names
