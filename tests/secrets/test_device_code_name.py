"""OAuth 2.0's ``device_code`` (RFC 8628) is a credential: the client polls the token
endpoint with it until the user approves, and whoever holds it in that window is given the
access token. IAM Identity Center's ``StartDeviceAuthorization`` returns it as
``deviceCode`` and ``CreateToken`` sends it back; the model marks neither.

From the secrets-r12 trial (fix half: ``sso_oidc_device_authorization_code``): the
``deviceCode`` of a ``StartDeviceAuthorization`` answer was written to the cassette raw.
"""

from __future__ import annotations

import json

from harness.aws.models import operation_model
from harness.aws.secret_names import is_secret_name
from harness.secrets import Redactor

CODE = "Sntl43xa1f0c9d8e7b6a5f4"  # a sentinel: unique, in no other file


def test_a_device_code_is_secret_and_a_user_code_is_not() -> None:
    assert is_secret_name("deviceCode")
    assert is_secret_name("device_code")
    assert not is_secret_name("userCode")  # shown to the user, typed into a browser
    assert not is_secret_name("DeviceType")


def test_start_device_authorization_loses_its_device_code() -> None:
    body = json.dumps(
        {"deviceCode": CODE, "userCode": "ABCD-EFGH", "expiresIn": 600, "interval": 1}
    ).encode()
    model = operation_model("sso-oidc", "StartDeviceAuthorization")
    out = Redactor().body(body, model, "output", "application/json")
    assert CODE.encode() not in out and b"ABCD-EFGH" in out


def test_create_token_loses_the_device_code_it_sends() -> None:
    body = json.dumps(
        {
            "clientId": "r12-client",
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": CODE,
        }
    ).encode()
    model = operation_model("sso-oidc", "CreateToken")
    out = Redactor().body(body, model, "input", "application/json")
    assert CODE.encode() not in out and b"r12-client" in out
