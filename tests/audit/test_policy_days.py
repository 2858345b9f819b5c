"""A policy derived on one day allows the same app's calls recorded on another day.

An app that names things by date and uuid (an S3 lake partition ``dt=YYYY-MM-DD``, a
per-run bucket suffix, a Step Functions execution ``compact-YYYY-MM-DD-<hex>``) is recorded
through the plugin against moto server, with no settings, once today and once with the
clock three days ahead (time-machine, as a CI run on another day). The policy derived from
the first recording must allow every call of the second (``harness.audit.policy_check``,
the same evaluator as ``harness policy --against``) and deny calls the app never made.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.audit.policy import compacted_resources as policy_resources
from harness.audit.policy import derive
from harness.audit.policy_check import allows, needs, not_allowed
from harness.aws.iam import resource_types
from harness.cli import run
from tests.support.moto_server import moto_server

pytest.importorskip("time_machine")
pytest.importorskip("moto.server")

APP = '''
import datetime as dt, json, uuid, boto3

def client(name):
    import os
    return boto3.client(
        name, endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="not-a-secret",
    )

ROLE = "arn:aws:iam::123456789012:role/compactor"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})

def run_pipeline():
    """One day's batch: land clicks in today's partition, list it, start its compaction."""
    day = dt.date.today().isoformat()
    s3, sfn = client("s3"), client("stepfunctions")
    bucket = f"clickstream-lake-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    for _ in range(2):
        s3.put_object(Bucket=bucket, Key=f"clicks/dt={day}/part-{uuid.uuid4()}.json", Body=b"{}")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"clicks/dt={day}/")
    machine = sfn.create_state_machine(
        name=f"compact-clicks-{uuid.uuid4().hex[:8]}", definition=DEFINITION, roleArn=ROLE
    )["stateMachineArn"]
    execution = sfn.start_execution(
        stateMachineArn=machine, name=f"compact-{day}-{uuid.uuid4().hex[:8]}", input="{}"
    )["executionArn"]
    sfn.describe_execution(executionArn=execution)
    return listed["KeyCount"]
'''

TEST = """
import datetime as dt, os, pytest, time_machine
from app import run_pipeline

@pytest.fixture(autouse=True)
def moved_clock():
    ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=int(os.environ["DAYS"]))
    with time_machine.travel(ahead, tick=True):
        yield

@pytest.mark.aws_cassette
def test_pipeline():
    assert run_pipeline() == 2
"""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def record(folder: Path, endpoint: str, days: int) -> list[Path]:
    """The app's suite recorded with the clock ``days`` ahead; its cassettes."""
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    (folder / "test_app.py").write_text(TEST)
    (folder / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, ENDPOINT=endpoint, DAYS=str(days), PYTHONPATH=str(folder))
    env.pop("PYTEST_ADDOPTS", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:xdist",
            "--aws-record-mode=all",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    found = sorted(p for p in folder.rglob("*.yaml") if not p.name.startswith("."))
    assert found, run.stdout
    return found


@pytest.fixture(scope="module")
def recordings(
    endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Path], list[Path]]:
    """The app recorded today and three days ahead."""
    folder = tmp_path_factory.mktemp("days")
    return record(folder / "today", endpoint, 0), record(folder / "later", endpoint, 3)


def test_the_policy_of_one_day_allows_the_next_days_calls_and_no_others(
    recordings: tuple[list[Path], list[Path]],
) -> None:
    today, later = recordings
    policy = derive(today).document

    later_needs = needs(later)
    assert any("dt=" in n.resource for n in later_needs)  # the app's day is in its resources
    assert any(":execution:" in n.resource for n in later_needs)
    refused = not_allowed(policy, later)
    assert not refused, "\n".join(map(str, refused)) + "\n" + json.dumps(policy, indent=1)

    # the first day's own calls too, and nothing the app never did
    assert not not_allowed(policy, today)
    # every action is one the Service Authorization Reference lists (IAM's own names)
    for statement in policy["Statement"]:
        for action in statement["Action"]:
            assert resource_types(action) is not None, action
    put = next(n for n in later_needs if n.action == "s3:PutObject")
    bucket = put.resource.split(":::", 1)[1].split("/", 1)[0]
    never = [
        ("s3:DeleteObject", put.resource),
        ("s3:PutObject", "arn:aws:s3:::someone-elses-bucket/clicks/x.json"),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/secrets/x.json"),
        ("s3:DeleteBucket", f"arn:aws:s3:::{bucket}"),
        ("states:DeleteStateMachine", "arn:aws:states:us-east-1:123456789012:stateMachine:x"),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/admin"),
    ]
    for action, resource in never:
        assert not allows(policy, action, resource), (action, resource)


def test_no_resource_is_listed_beside_a_wildcard_that_covers_it() -> None:
    """A statement's resources never include one another's: a resource a wildcard beside it
    covers is dropped (a ``?`` does not cover a ``*``: it stands for one character)."""
    resources = {
        "arn:aws:s3:::clickstream-lake-*/clicks/*",
        "arn:aws:s3:::clickstream-lake-3f9a2c0d/clicks/dt=2026-11-26/part-1.json",
        "arn:aws:s3:::clickstream-lake-3f9a2c0d/raw/part-1.json",
        "arn:aws:s3:::b/a?c",
        "arn:aws:s3:::b/a*c",
        "arn:aws:s3:::b/x*",
        "arn:aws:s3:::b/x?",
    }
    kept = policy_resources(resources)
    assert kept == (
        "arn:aws:s3:::b/a*c",
        "arn:aws:s3:::b/x*",
        "arn:aws:s3:::clickstream-lake-*/clicks/*",
        "arn:aws:s3:::clickstream-lake-*/raw/part-1.json",
    )
    for dropped in resources - set(kept):  # each dropped one is still allowed by what is kept
        assert allows(_just(list(kept)), "s3:GetObject", dropped), dropped


def _just(resources: list[str]) -> dict:
    return {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": resources}]}


def test_harness_policy_against_checks_a_policy_on_other_recordings(
    recordings: tuple[list[Path], list[Path]], tmp_path: Path
) -> None:
    """The CI gate: the committed policy still allows what the tests do (exit 0), and names
    each call it does not (exit 1)."""
    today, later = recordings
    policy = tmp_path / "policy.json"
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", "--out", str(policy), *map(str, today)], out, err) == 0
    out = io.StringIO()
    assert run(["policy", "--against", str(policy), *map(str, later)], out, err) == 0, (
        out.getvalue()
    )
    assert "8 of 8 permission(s)" in out.getvalue()

    document = json.loads(policy.read_text())
    document["Statement"] = [s for s in document["Statement"] if "s3:PutObject" not in s["Action"]]
    policy.write_text(json.dumps(document))
    out = io.StringIO()
    assert run(["policy", "--against", str(policy), *map(str, later)], out, err) == 1
    lines = out.getvalue().splitlines()
    assert (
        len([line for line in lines if "s3:PutObject on arn:aws:s3:::clickstream-lake-" in line])
        == 2
    )
    assert "no statement allows it" in lines[0]
    assert lines[-1].startswith("6 of 8 permission(s)")

    policy.write_text('{"Version": "2012-10-17"}')
    err = io.StringIO()
    assert run(["policy", "--against", str(policy), *map(str, later)], io.StringIO(), err) == 2
    assert "not an IAM policy document" in err.getvalue()


def test_the_no_account_note_only_when_a_resource_got_a_starred_account(tmp_path: Path) -> None:
    """'no account id in the traffic: a resource named without an ARN gets * as its
    account' was said of S3-only recordings, whose bucket ARNs hold no account to star."""
    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange

    def exchange(service: str, operation: str, params: dict, answer: dict, url: str) -> Exchange:
        request = wire.encode_request(service, operation, params, url)
        return Exchange(service, operation, request, wire.encode_response(service, operation,
                        answer), "recorded", params)  # fmt: skip

    s3 = exchange("s3", "GetObject", {"Bucket": "b", "Key": "k"}, {}, "https://s3.amazonaws.com")
    table = exchange("dynamodb", "GetItem", {"TableName": "t", "Key": {"id": {"S": "1"}}}, {},
                     "https://dynamodb.us-east-1.amazonaws.com")  # fmt: skip
    only_s3 = write_cassette(tmp_path / "s3.yaml", [s3], {})
    with_table = write_cassette(tmp_path / "both.yaml", [s3, table], {})
    note = "no account id in the traffic"
    assert not [n for n in derive([only_s3]).notes if note in n]
    assert [n for n in derive([with_table]).notes if note in n]
