"""Two of secrets-r11's held-out leaks (measured before this fix, run once):

- ``ecs_container_command_password``: a container command's argument ``-password=<value>``
  (Go's flag package writes one dash; Java's system properties ``-Ddb.password=<value>``);
  only ``--password=`` was read as a flag.
- ``rdsdata_sql_parameter_password``: RDS Data's ``parameters=[{"name": "pw", "value":
  {"stringValue": <value>}}]``: the name sits a level above the value, inside a typed union,
  and ``pw`` (a password's shortest name) was no secret name.

Requests are made by botocore's own serializers; the cassette side is what the redactor
writes.
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.aws.protocols import wire_form as wire
from harness.secrets import Redactor, detectors

GO_FLAG = "Sntl51xa4c09e7f3b2d81"  # sentinels: unique, in no other file
JAVA_PROPERTY = "Sntl52x7e1d30c9a5f264"
RDS_PW = "Sntl53x0b6f82d4e9a173"
SQS_PW = "Sntl54x5c3e17a08d9b62"


def _redacted(service: str, operation: str, params: dict[str, object]) -> bytes:
    request = wire.encode_request(service, operation, params, "https://example.amazonaws.com")
    return Redactor().request(request, operation_model(service, operation)).body


def test_an_ecs_command_argument_with_one_dash_loses_its_password() -> None:
    body = _redacted(
        "ecs",
        "RunTask",
        {
            "taskDefinition": "app:1",
            "overrides": {
                "containerOverrides": [
                    {
                        "name": "app",
                        "command": [
                            "/app/server",
                            f"-password={GO_FLAG}",
                            "-listen=:8080",
                            "java",
                            f"-Ddb.password={JAVA_PROPERTY}",
                            "-jar",
                            "app.jar",
                        ],
                    }
                ]
            },
        },
    )
    assert GO_FLAG.encode() not in body and JAVA_PROPERTY.encode() not in body
    command = json.loads(body)["overrides"]["containerOverrides"][0]["command"]
    assert command[0] == "/app/server" and command[2] == "-listen=:8080"
    assert command[1].startswith("-password=") and command[4].startswith("-Ddb.password=")


@pytest.mark.parametrize(
    "text",
    [
        "ls -la /tmp -v",
        "a well-known top-secret plan",
        "cmd -secret-file /etc/app.conf",
        "use -key name -debug true",
        "java -Dfile.encoding=UTF-8 -jar app.jar",
        "Set the -Password option to prompt; -Token expires after an hour.",
        "New-ADUser -Name x -AccountPassword (Read-Host -AsSecureString)",
    ],
)
def test_one_dash_options_that_name_no_secret_stay(text: str) -> None:
    assert detectors.find_secrets(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("/srv/app -password=hunter2Sntl55x", "hunter2Sntl55x"),
        ("/srv/app -token=abcdefSntl56x123 -v", "abcdefSntl56x123"),
        ("java -Dspring.datasource.password=pSntl57x9 -jar a.jar", "pSntl57x9"),
        ('["-pw=Sntl58x4d2e"]', "Sntl58x4d2e"),
    ],
)
def test_one_dash_options_that_name_a_secret_are_found(text: str, value: str) -> None:
    assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [value]


def test_an_rds_data_parameter_named_pw_loses_its_typed_value() -> None:
    body = _redacted(
        "rds-data",
        "ExecuteStatement",
        {
            "resourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:db",
            "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
            "sql": "UPDATE users SET pw_hash = crypt(:pw, gen_salt('bf')) WHERE id = :id",
            "parameters": [
                {"name": "pw", "value": {"stringValue": RDS_PW}},
                {"name": "id", "value": {"stringValue": "user-42"}},
                {"name": "attempts", "value": {"longValue": 3}},
            ],
        },
    )
    assert RDS_PW.encode() not in body
    parameters = json.loads(body)["parameters"]
    assert parameters[1] == {"name": "id", "value": {"stringValue": "user-42"}}
    assert parameters[2] == {"name": "attempts", "value": {"longValue": 3}}
    assert set(parameters[0]["value"]) == {"stringValue"}


def test_a_name_value_pair_with_a_typed_value_loses_the_value_only() -> None:
    """The SQS/SNS form of a typed value, a level below the name: ``DataType`` stays."""
    item = {"Name": "db_password", "Value": {"DataType": "String", "StringValue": SQS_PW}}
    out = Redactor().data(item)
    assert SQS_PW not in json.dumps(out)
    assert out["Value"]["DataType"] == "String" and out["Name"] == "db_password"


@pytest.mark.parametrize("name", ["pw", "PW", "db_pw", "userPw", "DB_PW"])
def test_pw_is_a_password_name(name: str) -> None:
    assert detectors.name_kind(name) == "password"


@pytest.mark.parametrize("name", ["power", "upward", "pwa", "pw_length", "PwPolicy"])
def test_names_holding_pw_otherwise_stay_plain(name: str) -> None:
    assert detectors.name_kind(name) is None
