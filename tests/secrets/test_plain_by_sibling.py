"""A value the model marks sensitive is judged by the service's own signal (issue 62): an SSM
``String`` parameter is plain data the code must get back, a ``SecureString`` a secret."""

from __future__ import annotations

import io
from pathlib import Path

import boto3

from harness.aws.models import operation_model
from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from harness.secrets import formats
from tests.support.moto_server import moto_server

SENTINEL = "sentinel-db-password-9f3c1e"


def _ssm(url: str | None):  # type: ignore[no-untyped-def]
    return boto3.client(
        "ssm", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )  # fmt: skip


def test_the_type_decides_in_requests_and_responses() -> None:
    put = operation_model("ssm", "PutParameter").input_shape
    plain = {"Name": "/a", "Value": "lake-prod", "Type": "String"}
    assert formats.redact_data(put, plain) == plain
    listed = {"Name": "/a", "Value": "a,b", "Type": "StringList"}
    assert formats.redact_data(put, listed) == listed
    for kind in ("SecureString", None, "string"):  # no type, or another spelling: secret
        sent = {"Name": "/a", "Value": SENTINEL, **({"Type": kind} if kind else {})}
        assert SENTINEL not in str(formats.redact_data(put, sent))
    got = operation_model("ssm", "GetParameters").output_shape
    answer = {
        "Parameters": [
            {"Name": "/a", "Type": "String", "Value": "lake-prod"},
            {"Name": "/b", "Type": "SecureString", "Value": SENTINEL},
        ]
    }
    redacted = formats.redact_data(got, answer)
    assert redacted["Parameters"][0]["Value"] == "lake-prod"
    assert SENTINEL not in str(redacted)


def test_recorded_plain_values_replay_and_secure_ones_never_reach_disk(tmp_path: Path) -> None:
    path = tmp_path / "ssm.yaml"

    def app(url: str | None) -> tuple[str, str]:
        ssm = _ssm(url)
        ssm.put_parameter(Name="/app/bucket", Value="clickstream-lake-prod", Type="String")
        ssm.put_parameter(Name="/app/db", Value=SENTINEL, Type="SecureString")
        bucket = ssm.get_parameter(Name="/app/bucket")["Parameter"]["Value"]
        db = ssm.get_parameter(Name="/app/db", WithDecryption=True)["Parameter"]["Value"]
        return bucket, db

    with moto_server() as url:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            live = app(url)
        recorder.save()
    text = path.read_text()
    assert SENTINEL not in text
    assert text.count("clickstream-lake-prod") >= 2  # sent and answered, as they were
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(path)], out, err) == 0, out.getvalue() + err.getvalue()
    with CassetteRecorder(path, "none").activate():
        assert app(None) == live == ("clickstream-lake-prod", SENTINEL)
