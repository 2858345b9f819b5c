"""A value sent in clear, then inside a sensitive document: the known class left (issue 62).

Step Functions models ``StartExecution.input`` sensitive, so each string leaf of the JSON
document is a secret; the last sweep before a save replaces a distinctive leaf wherever it
sits in the cassette, an S3 key sent earlier in clear included (a secret a test put in an
object body, then stored in Secrets Manager, must not stay in the body). In replay the
S3 call comes first, when its live key is no known secret yet: the recorded key is one
placeholder, the live one a path holding a fresh uuid, and the call misses. Strict xfail:
it turns into a failure when the class is fixed, and then this marker goes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from harness.replay.miss_report import CassetteMiss
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_with_test_credentials

DEFINITION = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from moto_with_test_credentials(monkeypatch)


def _claim(endpoint: str | None, invoice_id: str) -> str:
    s3 = boto3.client("s3", endpoint_url=endpoint)
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint)
    s3.create_bucket(Bucket="claims")
    key = f"invoices/{invoice_id}.json"
    s3.put_object(Bucket="claims", Key=key, Body=b"{}")
    machine = sfn.create_state_machine(
        name="claims",
        definition=json.dumps(DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )["stateMachineArn"]
    started = sfn.start_execution(
        stateMachineArn=machine,
        name="claim-1",
        input=json.dumps({"invoice_id": invoice_id, "invoice_key": key}),
    )
    return str(sfn.describe_execution(executionArn=started["executionArn"])["input"])


@pytest.mark.xfail(
    strict=True,
    raises=CassetteMiss,
    reason="a recorded key swept to one placeholder never meets a live path with a fresh uuid",
)
def test_a_key_sent_before_it_is_a_sensitive_leaf_replays(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    recorder = CassetteRecorder(path, "all")
    recorded_id = str(uuid.uuid4())
    with recorder.activate():
        _claim(endpoint, recorded_id)
    recorder.save()
    assert recorded_id not in path.read_text()  # swept everywhere, the S3 key included
    live_id = str(uuid.uuid4())
    with CassetteRecorder(path, "none").activate():
        assert live_id in _claim(None, live_id)
