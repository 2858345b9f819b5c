"""A number inside a sensitive document comes back as the test sent it (issue 62's clinic app).

Step Functions models ``StartExecution.input`` and ``DescribeExecution.output`` sensitive, so
each leaf of the JSON documents is redacted. A string leaf becomes a numbered placeholder,
tied in replay to the live value found in its place, and an echoing state machine's output
gives the live string back; a number leaf was stored as ``0``, so replay gave back ``0``
where the live run got ``18000``. A number of such a document is now a numbered
placeholder too (its own family: ``REDACTEDnumb0001``), given back as the live number it
stands for, and as ``0`` when the test sent no number in its place. Nothing of the number
is written.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder
from harness.secrets.scan import scan_file
from tests.support.moto_server import configure, moto_with_test_credentials

# the output is the input and a decision: another document than the one the test sent
DEFINITION = {
    "StartAt": "P",
    "States": {
        "P": {"Type": "Pass", "Result": "APPROVED", "ResultPath": "$.decision", "End": True}
    },
}


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for endpoint in moto_with_test_credentials(monkeypatch):
        # (moto's settings outlive its servers in a process: set back for the next test)
        configure(endpoint, {"stepfunctions": {"execute_state_machine": True}})
        try:
            yield endpoint
        finally:
            configure(endpoint, {"stepfunctions": {"execute_state_machine": False}})


def _claim(endpoint: str | None, document: dict[str, Any]) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint)
    machine = sfn.create_state_machine(
        name="claims",
        definition=json.dumps(DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=machine, input=json.dumps(document))
    for _ in range(50):  # bounded: moto runs a Pass state at once
        described = sfn.describe_execution(executionArn=started["executionArn"])
        if described["status"] != "RUNNING":
            break
    output: dict[str, Any] = json.loads(described["output"])
    return output


def test_a_number_in_a_sensitive_document_comes_back_live(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    recorded = {"invoice_id": str(uuid.uuid4()), "amount_cents": 31337, "visits": 2, "ok": True}
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        assert _claim(endpoint, recorded) == {**recorded, "decision": "APPROVED"}
    recorder.save()
    assert "31337" not in path.read_text()  # nothing of the number is written
    assert scan_file(path) == []  # and its placeholder is no finding
    live = {"invoice_id": str(uuid.uuid4()), "amount_cents": 18000, "visits": 3, "ok": True}
    with CassetteRecorder(path, "none").activate():
        assert _claim(None, live) == {**live, "decision": "APPROVED"}


def test_fractions_negatives_exponents_and_long_numbers_come_back_as_sent(
    endpoint: str, tmp_path: Path
) -> None:
    # each spelling JSON allows: the placeholder stands for the number as written live
    path = tmp_path / "claims.yaml"
    recorded = {"rate": 12.5, "delta": -3, "tiny": 1e-7, "big": 12345678901234567890}
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        _claim(endpoint, {"invoice_id": str(uuid.uuid4()), **recorded})
    recorder.save()
    text = path.read_text()
    for name, spelled in (("rate", r"12\.5"), ("tiny", r"1e-07"), ("big", r"12345678901234567890")):
        assert re.search(rf"{name}\W*:\s*{spelled}", text) is None, name  # none written
    invoice_id = str(uuid.uuid4())
    live = {"rate": 99.25, "delta": -8, "tiny": 2e-7, "big": 98765432109876543210}
    with CassetteRecorder(path, "none").activate():
        output = _claim(None, {"invoice_id": invoice_id, **live})
    assert output == {"invoice_id": invoice_id, **live, "decision": "APPROVED"}


@pytest.mark.parametrize(
    ("recorded", "live", "given_back"),
    [
        # equal by chance while recording, apart live: replayed, and which number each
        # stood for is not known, so both come back as they were stored before, 0
        ({"a": 5, "b": 5}, {"a": 6, "b": 7}, {"a": 0, "b": 0}),
        # apart while recording, equal live: each is the live number
        ({"a": 1, "b": 2}, {"a": 7, "b": 7}, {"a": 7, "b": 7}),
    ],
)
def test_numbers_that_agree_by_chance_never_decide_a_match(
    endpoint: str,
    tmp_path: Path,
    recorded: dict[str, int],
    live: dict[str, int],
    given_back: dict[str, int],
) -> None:
    path = tmp_path / "claims.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        _claim(endpoint, {"invoice_id": str(uuid.uuid4()), **recorded})
    recorder.save()
    invoice_id = str(uuid.uuid4())
    with CassetteRecorder(path, "none").activate():
        output = _claim(None, {"invoice_id": invoice_id, **live})
    assert output == {"invoice_id": invoice_id, **given_back, "decision": "APPROVED"}


LEGACY = Path(__file__).parent / "legacy" / "sensitive_numbers_v3.yaml"


def test_a_cassette_recorded_before_keeps_replaying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # recorded by the harness at 1a36e18 (numbers stored as 0): its requests still match
    # live ones whatever their numbers, and give back what they hold (0), as before
    path = tmp_path / "claims.yaml"
    path.write_bytes(LEGACY.read_bytes())
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    live = {"invoice_id": str(uuid.uuid4()), "amount_cents": 18000, "visits": 3}
    with CassetteRecorder(path, "none").activate():
        output = _claim(None, live)
    assert output == {**live, "amount_cents": 0, "visits": 0, "decision": "APPROVED"}
    assert scan_file(path) == []  # its zeros are no numbers on disk


def test_new_episodes_in_a_cassette_recorded_before_stay_as_it_holds_them(
    endpoint: str, tmp_path: Path
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(LEGACY.read_bytes())
    recorder = CassetteRecorder(path, "new_episodes")
    with recorder.activate():
        _claim(None, {"invoice_id": str(uuid.uuid4()), "amount_cents": 18000, "visits": 3})
        sfn = boto3.client("stepfunctions", endpoint_url=endpoint)
        sfn.list_state_machines()  # a new episode: recorded, the cassette saved again
    recorder.save()
    text = path.read_text()
    assert "REDACTEDnumb" not in text and "numbers:" not in text
    live = {"invoice_id": str(uuid.uuid4()), "amount_cents": 7, "visits": 1}
    with CassetteRecorder(path, "none").activate():
        assert _claim(None, live)["amount_cents"] == 0
