"""A value sent in clear, then inside a sensitive document, replays (issue 62's last class).

Step Functions models ``StartExecution.input`` sensitive, so each string leaf of the JSON
document is a secret; the last sweep before a save replaces a distinctive leaf wherever it
sits in the cassette, an S3 key sent earlier in clear included (a secret a test put in an
object body, then stored in Secrets Manager, must not stay in the body). In replay the
S3 call comes first, when its live key is no known secret yet: the recorded key is one
placeholder, the live one a path holding a fresh uuid. Once the index finds no exact or
bound match, ``harness.replay.swept_values`` reads the live key as the placeholder it was
recorded as (a value the test made up, met by an untied placeholder of its shape): the key
becomes a secret of this run, the Step Functions input meets the recording through the
binding, and the execution's input comes back with the live id.
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


def test_the_key_read_back_later_meets_its_recording(endpoint: str, tmp_path: Path) -> None:
    # the live key, a secret of the run once met, is swept alike in the requests after
    def run(endpoint: str | None, invoice_id: str) -> tuple[str, bytes]:
        described = _claim(endpoint, invoice_id)
        s3 = boto3.client("s3", endpoint_url=endpoint)
        body = s3.get_object(Bucket="claims", Key=f"invoices/{invoice_id}.json")["Body"].read()
        return described, body

    path = tmp_path / "claims.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        run(endpoint, str(uuid.uuid4()))
    recorder.save()
    live_id = str(uuid.uuid4())
    with CassetteRecorder(path, "none").activate():
        described, body = run(None, live_id)
    assert json.loads(described) == {
        "invoice_id": live_id,
        "invoice_key": f"invoices/{live_id}.json",
    }
    assert body == b"{}"


def test_a_changed_key_prefix_of_another_shape_still_misses(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        _claim(endpoint, str(uuid.uuid4()))
    recorder.save()
    with CassetteRecorder(path, "none").activate(), pytest.raises(CassetteMiss) as missed:
        _claim(None, "x" + str(uuid.uuid4()))  # (one character more: not the recorded shape)
    assert "another shape" in str(missed.value)
