"""moto server while recording (as docs/how-to/moto.md shows), one set of resources per
module (uuid names), and `observed`: what a test saw live is written down while recording
and compared while replaying, so any way replay is visible to the code fails the test."""

from __future__ import annotations

import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from harbor import REGION, Harbor, HookLog

OBSERVATIONS = Path(os.environ.get("HARBOR_OBSERVATIONS") or Path(__file__).parent / "observations")
# sentinel secrets: they must never reach a cassette (the trial greps for them)
DEPLOY_TOKEN = "SENTINELr11deployT0ken4b1e"
ASSUME_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["ec2.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}
MACHINE = {
    "Comment": "harbor release",
    "StartAt": "Build",
    "States": {
        "Build": {"Type": "Pass", "Result": {"built": True}, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def _mode(config: pytest.Config) -> str:
    return config.getoption("aws_record_mode") or config.getini("aws_record_mode") or "none"


@pytest.fixture(scope="session", autouse=True)
def moto_when_recording(pytestconfig: pytest.Config) -> Iterator[str | None]:
    if _mode(pytestconfig) == "none":
        yield None
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()


def lambda_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handle(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


def make_names() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:12]
    s = boto3.Session(region_name=REGION)
    names = {"fleet": f"fleet-{suffix}", "domain": f"{suffix}.harbor.example.com"}
    ec2 = s.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    names["vpc"] = vpc
    names["subnet"] = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    names["sg"] = ec2.create_security_group(
        GroupName=f"harbor-{suffix}", Description="harbor fleet", VpcId=vpc
    )["GroupId"]
    names["ami"] = ec2.describe_images(
        Owners=["amazon"],
        Filters=[{"Name": "name", "Values": ["Windows_Server-2016-English-Nano-Base-*"]}],
    )["Images"][0]["ImageId"]
    iam = s.client("iam")
    names["role"] = f"harbor-{suffix}"
    names["role_arn"] = iam.create_role(
        RoleName=names["role"], AssumeRolePolicyDocument=json.dumps(ASSUME_POLICY)
    )["Role"]["Arn"]
    names["zone"] = (
        s.client("route53")
        .create_hosted_zone(Name=names["domain"], CallerReference=suffix)["HostedZone"]["Id"]
        .rsplit("/", 1)[1]
    )
    names["machine"] = s.client("stepfunctions").create_state_machine(
        name=f"harbor-{suffix}", definition=json.dumps(MACHINE), roleArn=names["role_arn"]
    )["stateMachineArn"]
    names["repo"] = f"harbor/{suffix}"
    s.client("ecr").create_repository(repositoryName=names["repo"])
    names["sender"] = f"release@{names['domain']}"
    s.client("sesv2").create_email_identity(EmailIdentity=names["domain"])
    names["function"] = f"harbor-hook-{suffix}"
    s.client("lambda").create_function(
        FunctionName=names["function"],
        Runtime="python3.12",
        Role=names["role_arn"],
        Handler="handler.handle",
        Code={"ZipFile": lambda_zip()},
        Environment={"Variables": {"DEPLOY_TOKEN": DEPLOY_TOKEN, "STAGE": "prod"}},
        Timeout=30,
    )
    return names


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return make_names()


@pytest.fixture
def hooks() -> HookLog:
    return HookLog()


@pytest.fixture
def harbor(names: dict[str, str], hooks: HookLog) -> Harbor:
    return Harbor(names, hooks=hooks)


@pytest.fixture
def instances(harbor: Harbor) -> list[str]:
    return harbor.launch(2, role="web")


class Observed:
    def __init__(self, nodeid: str, recording: bool) -> None:
        self.path = OBSERVATIONS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".json")
        self.recording = recording
        self.values: dict[str, Any] = {}
        self.stored = (
            {} if recording or not self.path.exists() else json.loads(self.path.read_text())
        )

    def __call__(self, name: str, value: Any) -> Any:
        value = json.loads(json.dumps(value, default=str))
        self.values[name] = value
        if not self.recording:
            assert name in self.stored, f"nothing observed live for {name!r}"
            assert value == self.stored[name], (
                f"{name}: replay saw {value!r}, live saw {self.stored[name]!r}"
            )
        return value

    def save(self) -> None:
        if self.recording:
            OBSERVATIONS.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.values, indent=1, sort_keys=True) + "\n")


@pytest.fixture
def observed(request: pytest.FixtureRequest) -> Iterator[Observed]:
    obs = Observed(request.node.nodeid, _mode(request.config) != "none")
    yield obs
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed:
        obs.save()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    if rep.when == "call":
        item.rep_call = rep  # type: ignore[attr-defined]
    return rep
