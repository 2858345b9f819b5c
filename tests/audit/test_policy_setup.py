"""``harness policy`` tells the tests' set-up apart from the code's calls (issue 47).

An inner suite is recorded against moto server through the plugin: a module-scoped fixture
creates a DynamoDB table (its own ``*.fixture.yaml`` cassette), a function-scoped one creates
an SQS queue and deletes it at tear-down (the test's cassette, tagged ``phase: setup`` and
``phase: teardown``), and the tests' bodies only PutItem, GetItem and SendMessage. The
default policy is the code's; ``--include-setup`` is the union as before; the report and
``--setup-out`` name what the set-up needed. A cassette recorded before phases were tagged
counts all its calls as the code's (a fixture's own cassette still counts as set-up).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.audit.policy import MANAGED_POLICY_LIMIT, SETUP_SID, derive
from harness.cli import run
from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

SUITE = """
import os

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")

pytestmark = pytest.mark.aws_cassette


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def table():
    client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "orders"


@pytest.fixture
def queue():
    url = client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    yield url
    client("sqs").delete_queue(QueueUrl=url)


def save_order(table, queue, order_id):  # the code under test
    client("dynamodb").put_item(TableName=table, Item={"id": {"S": order_id}})
    client("sqs").send_message(QueueUrl=queue, MessageBody=order_id)


def test_an_order_is_saved_and_announced(table, queue):
    save_order(table, queue, "o1")
    item = client("dynamodb").get_item(TableName=table, Key={"id": {"S": "o1"}})
    assert item["Item"]["id"]["S"] == "o1"


def test_a_second_order(table, queue):
    save_order(table, queue, "o2")
"""

CODE = {"dynamodb:PutItem", "dynamodb:GetItem", "sqs:SendMessage"}
SETUP = {"dynamodb:CreateTable", "sqs:CreateQueue", "sqs:DeleteQueue"}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inner suite, recorded once against moto server, then replayed offline."""
    folder = tmp_path_factory.mktemp("app")
    (folder / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(folder, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "2 passed" in out, out
    out = run_inner(folder)  # moto stopped: everything comes from the cassettes
    assert "2 passed" in out, out
    return folder / "cassettes"


def _policy(*args: str) -> tuple[dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", *args], out, err) == 0, err.getvalue()
    return json.loads(out.getvalue()), err.getvalue()


def _actions(document: dict[str, Any]) -> set[str]:
    return {a for statement in document["Statement"] for a in statement["Action"]}


def _phases(path: Path) -> list[tuple[str, str | None]]:
    data = yaml.safe_load(path.read_text())
    return [
        (f"{i['harness']['service']}:{i['harness']['operation']}", i["harness"].get("phase"))
        for i in data["interactions"]
    ]


def test_each_interaction_says_the_phase_it_was_recorded_in(recorded: Path) -> None:
    tests = sorted(p for p in recorded.rglob("*.yaml") if not p.name.endswith(".fixture.yaml"))
    assert len(tests) == 2, tests
    for path in tests:
        phases = _phases(path)
        assert ("sqs:CreateQueue", "setup") in phases, phases
        assert ("sqs:DeleteQueue", "teardown") in phases, phases
        assert ("dynamodb:PutItem", None) in phases, phases  # the body's: no tag
        assert ("sqs:SendMessage", None) in phases, phases
        assert phases[0] == ("sqs:CreateQueue", "setup")  # in call order
        assert phases[-1] == ("sqs:DeleteQueue", "teardown")
    (fixture,) = recorded.rglob("*.fixture.yaml")
    assert fixture.name == "table.fixture.yaml"
    assert _phases(fixture) == [("dynamodb:CreateTable", None)]  # set-up by its file's name


def test_the_default_policy_is_the_codes_calls_only(recorded: Path) -> None:
    document, err = _policy(str(recorded))
    assert _actions(document) == CODE
    resources = {r for s in document["Statement"] for r in s["Resource"]}
    assert any(r.endswith(":table/orders") for r in resources), resources
    assert any(r.endswith(":jobs") and ":sqs:" in r for r in resources), resources
    # what was left out is said, with the flag that grants it
    assert "5 set-up or tear-down call(s) of fixtures left out" in err, err
    for action in SETUP:
        assert action in err, err
    assert "--include-setup" in err and "--setup-out" in err


def test_include_setup_gives_the_union_as_before(recorded: Path) -> None:
    document, err = _policy(str(recorded), "--include-setup")
    assert _actions(document) == CODE | SETUP
    assert "left out" not in err
    assert not any(s["Sid"].startswith(SETUP_SID) for s in document["Statement"])


def test_the_report_and_setup_out_name_what_the_set_up_needed(
    recorded: Path, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = ["policy", str(recorded), "--out", str(tmp_path / "p.json")]
    args += ["--report", str(tmp_path / "r.json"), "--setup-out", str(tmp_path / "setup.json")]
    assert run(args, out, err) == 0, err.getvalue()
    assert "wrote 2 set-up statement(s)" in out.getvalue(), out.getvalue()
    assert _actions(json.loads((tmp_path / "p.json").read_text())) == CODE
    setup = json.loads((tmp_path / "setup.json").read_text())
    assert setup["Version"] == "2012-10-17"
    assert _actions(setup) == SETUP  # valid IAM: Sid, Effect, Action, Resource
    for statement in setup["Statement"]:
        assert statement["Sid"].startswith(SETUP_SID) and statement["Sid"].isalnum()
        assert statement["Effect"] == "Allow" and statement["Resource"]
    report = json.loads((tmp_path / "r.json").read_text())
    assert {a for s in report["statements"] for a in s["actions"]} == CODE
    came_from = {a: s["from"] for s in report["setup"] for a in s["actions"]}
    assert set(came_from) == SETUP
    assert [Path(f).name for f in came_from["dynamodb:CreateTable"]] == [
        "table.fixture.yaml (fixture)"
    ]
    queue = sorted(Path(f).name for f in came_from["sqs:CreateQueue"])  # one statement
    assert queue == [
        "test_a_second_order.yaml (setup, teardown)",
        "test_an_order_is_saved_and_announced.yaml (setup, teardown)",
    ]
    # the text report lists them under their own heading, after the code's statements
    text = io.StringIO()
    assert run(["policy", str(recorded), "--report", str(tmp_path / "r.txt")], text, err) == 0
    lines = (tmp_path / "r.txt").read_text().splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("set-up and tear-down"))
    assert all(SETUP_SID not in line for line in lines[:heading])
    assert any(line.startswith("TestSetUpSqsCreateQueue: ") for line in lines[heading:]), lines
    assert any(line.startswith("  from: ") for line in lines[heading:])


def test_a_cassette_recorded_before_phases_counts_as_the_codes(
    recorded: Path, tmp_path: Path
) -> None:
    old = tmp_path / "cassettes"
    shutil.copytree(recorded, old)
    for path in old.rglob("*.yaml"):  # as recorded before this version: no phase tags
        path.write_text(re.sub(r"(?m)^ +phase: (setup|teardown)\n", "", path.read_text()))
    assert "phase:" not in "".join(p.read_text() for p in old.rglob("*.yaml"))
    document, _ = _policy(str(old))
    # a function-scoped fixture's calls cannot be told apart: the code's; the wide fixture's
    # own cassette is set-up by its name
    assert _actions(document) == CODE | {"sqs:CreateQueue", "sqs:DeleteQueue"}
    assert _actions(_policy(str(old), "--include-setup")[0]) == CODE | SETUP


def test_flags_that_contradict_or_collide_are_refused(recorded: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    both = ["policy", str(recorded), "--include-setup", "--setup-out", str(tmp_path / "s.json")]
    assert run(both, out, err) == 2
    assert "--include-setup" in err.getvalue()
    same = ["policy", str(recorded), "--out", str(tmp_path / "p.json")]
    assert run([*same, "--setup-out", str(tmp_path / "p.json")], out, err) == 2
    assert "same file" in err.getvalue()


def test_only_set_up_calls_say_how_to_get_their_policy(recorded: Path) -> None:
    (fixture,) = recorded.rglob("*.fixture.yaml")
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", str(fixture)], out, err) == 2
    assert "--include-setup" in err.getvalue()
    assert _actions(_policy(str(fixture), "--include-setup")[0]) == {"dynamodb:CreateTable"}


def test_the_size_note_reads_the_policy_written(recorded: Path) -> None:
    files = sorted(recorded.rglob("*.yaml"))
    result = derive(files)
    assert result.setup is not None
    assert not [n for n in result.notes if "managed policy" in n]
    # a policy over the limit gets the note; the set-up one says which
    big = {"Version": "2012-10-17", "Statement": [{"Sid": "X" * MANAGED_POLICY_LIMIT}]}
    from harness.audit.policy import _size_notes

    assert _size_notes(big, "the set-up policy")[0].startswith("the set-up policy holds")
    assert derive(files, include_setup=True).setup is None
