"""A replayed test that fails is told of the server-stamped times it replayed, when the
recording is older than a minute (invisible-r15: "created in the last two minutes" checks
against the real clock failed in replay with nothing saying why)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import boto3
import pytest
import yaml

from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

AGE = dt.timedelta(minutes=10)


def answer(request: HttpRequest) -> HttpResponse:
    body = {
        "KeyMetadata": {
            "KeyId": "k1",
            "Arn": "arn:aws:kms:us-east-1:111122223333:key/k1",
            "CreationDate": time.time(),
            "KeyState": "Enabled",
        }
    }
    return HttpResponse(
        200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(body).encode()
    )


def record_ten_minutes_ago(path: Path) -> None:
    """Record a DescribeKey now, then move it (its times and the key's CreationDate) 10
    minutes back, as if recorded then."""
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(answer) as server, recorder.activate():
        boto3.session.Session(
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x",
            region_name="us-east-1",
        ).client("kms", endpoint_url=server.endpoint_url).describe_key(KeyId="k1")
    recorder.save()
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        tag = item["harness"]
        for name in ("recorded_at", "answered_at"):
            if tag.get(name):
                when = dt.datetime.fromisoformat(tag[name].replace("Z", "+00:00"))
                tag[name] = (when - AGE).isoformat().replace("+00:00", "Z")
        body = json.loads(item["response"]["body"]["string"])
        body["KeyMetadata"]["CreationDate"] -= AGE.total_seconds()
        item["response"]["body"]["string"] = json.dumps(body)
    path.write_text(yaml.safe_dump(data, sort_keys=True))


TEST = """
import time, boto3, pytest

@pytest.mark.aws_cassette(name="aged")
def test_created_recently():
    kms = boto3.client("kms", region_name="us-east-1")
    made = kms.describe_key(KeyId="k1")["KeyMetadata"]["CreationDate"]
    assert abs(made.timestamp() - time.time()) < 120, "created in the last two minutes"
"""


@pytest.fixture
def aged(pytester: pytest.Pytester) -> pytest.Pytester:
    folder = pytester.path / "cassettes" / "test_t"
    folder.mkdir(parents=True)
    record_ten_minutes_ago(folder / "aged.yaml")
    pytester.makepyfile(test_t=TEST)
    return pytester


def test_by_default_the_stamped_time_reads_as_live(aged: pytest.Pytester) -> None:
    """Server times moved (the default): the check passes, and nothing is said."""
    result = aged.runpytest("-p", "no:randomly", "--aws-contract=off")
    result.assert_outcomes(passed=1)
    assert "aws replay clock" not in result.stdout.str()


def test_a_failed_time_check_names_the_stamped_times(aged: pytest.Pytester) -> None:
    result = aged.runpytest(
        "-p", "no:randomly", "--aws-contract=off", "--aws-replay-server-times=recorded"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*aws replay clock*",
            "*replayed answers recorded 10 minutes ago that hold times the server stamped "
            "(kms:DescribeKey KeyMetadata.CreationDate), served as recorded*"
            "--aws-replay-server-times=moved*--aws-replay-clock=recorded*",
        ]
    )


def test_the_recorded_clock_passes_and_says_nothing(aged: pytest.Pytester) -> None:
    result = aged.runpytest(
        "-p", "no:randomly", "--aws-contract=off", "--aws-replay-clock=recorded"
    )
    result.assert_outcomes(passed=1)
    assert "aws replay clock" not in result.stdout.str()


def test_a_young_recording_or_no_times_says_nothing() -> None:
    from harness.plugin.stamped_times import StampedTimes, timestamp_members

    assert timestamp_members("kms", "DescribeKey") == (
        "KeyMetadata.CreationDate",
        "KeyMetadata.DeletionDate",
        "KeyMetadata.ValidTo",
    )
    assert timestamp_members("sqs", "SendMessage") == ()

    class Recorder:
        def answered_at(self, index: int) -> float:
            return time.time() - 5

    stamped = StampedTimes(Recorder())  # type: ignore[arg-type]
    assert stamped.note() is None  # nothing replayed held a time
    stamped.oldest = time.time() - 5
    assert stamped.note() is None  # five seconds old: as fresh as live
    assert stamped.note(now=time.time() + 600) is not None
