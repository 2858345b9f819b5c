"""A secret named by a sibling or kept in a template, recorded from moto and replayed.

CloudFormation takes a template whose parameter is named like a secret and the value of
that parameter beside it (``Parameters.member.1.ParameterKey=DBPassword`` and its
``ParameterValue``), and DescribeStacks answers the value in XML named by its key. The
value never reaches the cassette, the template stays readable (it was replaced whole, from
the parameter's name to the end of the form), and replay gives the test its value back.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

PASSWORD = "sntl-Cfn-Param-91x"
TEMPLATE = json.dumps(
    {
        "Parameters": {"DBPassword": {"Type": "String"}, "Env": {"Type": "String"}},
        "Resources": {"Alerts": {"Type": "AWS::SNS::Topic"}},
    }
)


def _stack(endpoint: str) -> list[dict[str, str]]:
    client = boto3.client(
        "cloudformation",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    parameters = [
        {"ParameterKey": "DBPassword", "ParameterValue": PASSWORD},
        {"ParameterKey": "Env", "ParameterValue": "prod"},
    ]
    client.create_stack(StackName="app", TemplateBody=TEMPLATE, Parameters=parameters)
    found: list[dict[str, str]] = client.describe_stacks(StackName="app")["Stacks"][0]["Parameters"]
    return sorted(found, key=lambda p: p["ParameterKey"])


def test_a_stack_parameter_named_like_a_secret(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    with moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            live = _stack(endpoint)
        recorder.save()
    text = path.read_text()
    assert PASSWORD not in text
    assert "%22Env%22" in text and "AWS%3A%3ASNS%3A%3ATopic" in text  # the template, readable
    assert "<ParameterValue>prod</ParameterValue>" in text  # what is not secret stays
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        assert _stack("http://127.0.0.1:9") == live
    assert [p["ParameterValue"] for p in live] == [PASSWORD, "prod"]
