"""Cassette age: ``max_age`` warns about, fails or re-records recordings older than a limit.

Cassettes are recorded from moto server on loopback, then their ``recorded_at`` times are
moved 40 days into the past; inner pytest runs replay them with the settings under test.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import boto3
import pytest
import yaml

from harness.cassettes.age import age_text, limit_text, parse_max_age
from harness.cli import run
from harness.errors import HarnessUsageError
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

DAYS_OLD = 40

INNER = """
import os, boto3, pytest

def sqs():
    return boto3.client("sqs", region_name="us-east-1", endpoint_url=os.environ.get("EP"))

@pytest.mark.aws_cassette(name="shared"MARKER)
def test_queues():
    sqs().list_queues(QueueNamePrefix="jobs")
"""


def record(path: Path, endpoint: str, *, days_old: int = DAYS_OLD) -> None:
    """Record two calls with a real botocore client, then age the cassette by ``days_old``."""
    client = boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        client.create_queue(QueueName="jobs-1")
        client.list_queues(QueueNamePrefix="jobs")
    recorder.save()
    age(path, days_old)


def age(path: Path, days: float) -> None:
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        tag = item["harness"]
        when = dt.datetime.fromisoformat(tag["recorded_at"].replace("Z", "+00:00"))
        tag["recorded_at"] = (when - dt.timedelta(days=days)).isoformat().replace("+00:00", "Z")
    path.write_text(yaml.safe_dump(data, sort_keys=True))


@pytest.fixture(scope="module")
def endpoint() -> object:
    with moto_server() as url:
        yield url


@pytest.fixture
def inner(pytester: pytest.Pytester, endpoint: str) -> pytest.Pytester:
    folder = pytester.path / "cassettes" / "test_inner"
    folder.mkdir(parents=True)
    record(folder / "shared.yaml", endpoint)
    return pytester


def make(pytester: pytest.Pytester, marker: str = "", ini: str = "") -> None:
    pytester.makepyfile(test_inner=INNER.replace("MARKER", marker))
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")


def outcome(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:randomly", "--aws-contract=off", "-rA", *args)


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("30d", 30 * 86400), ("12h", 43200), ("6w", 6 * 7 * 86400), ("90m", 5400), ("45s", 45),
     ("3600", 3600), (7200, 7200), (dt.timedelta(days=2), 172800), ("1.5d", 129600),
     ("off", None), (None, None), ("", None)],
)  # fmt: skip
def test_max_age_values(value: object, seconds: float | None) -> None:
    assert parse_max_age(value, "here") == seconds


@pytest.mark.parametrize("value", ["30x", "soon", "-1d", "0", "inf", "nan", "d"])
def test_bad_max_age_names_where_and_the_forms(value: str) -> None:
    with pytest.raises(HarnessUsageError, match=r"from here: give a duration such as 30d"):
        parse_max_age(value, "here")


def test_age_words() -> None:
    assert age_text(40 * 86400 + 5) == "40 days" and age_text(3600) == "1 hour"
    assert limit_text(30 * 86400) == "30d" and limit_text(14 * 86400) == "2w"


def test_a_mistyped_setting_stops_the_run(pytester: pytest.Pytester) -> None:
    make(pytester, ini="aws_max_age = 30 days")
    result = outcome(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Cannot use max age '30 days' from the aws_max_age ini*"])
    result = outcome(pytester, "--aws-max-age=30d", "--aws-max-age-action=rerecrd")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Unknown max age action 'rerecrd'*Did you mean 'rerecord'?*"])


# --------------------------------------------------------------------------- warn and fail


def test_no_limit_by_default(inner: pytest.Pytester) -> None:
    make(inner)
    result = outcome(inner)
    result.assert_outcomes(passed=1)
    assert "StaleCassetteWarning" not in result.stdout.str()


def test_warn_names_the_oldest_replayed_interaction(inner: pytest.Pytester) -> None:
    make(inner, ini="aws_max_age = 30d")
    result = outcome(inner)
    result.assert_outcomes(passed=1, warnings=1)
    text = result.stdout.str()
    assert "StaleCassetteWarning" in text
    # only the interaction the test replayed (#1): #0, CreateQueue, is another test's
    assert "1 interaction(s) of" in text and "#1 sqs:ListQueues" in text
    assert f"{DAYS_OLD} days ago" in text and "max_age 30d" in text


def test_fail_fails_with_the_command_that_rerecords(inner: pytest.Pytester) -> None:
    make(inner, ini="aws_max_age = 30d\naws_max_age_action = fail")
    result = outcome(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*StaleCassette*#1 sqs:ListQueues*40 days ago*Re-record it: pytest "
         "test_inner.py::test_queues --aws-record-mode=all*"]
    )  # fmt: skip


def test_the_marker_wins_over_the_command_line_and_ini(inner: pytest.Pytester) -> None:
    make(inner, marker=', max_age="60d"', ini="aws_max_age = 30d")
    outcome(inner, "--aws-max-age-action=fail", "--aws-max-age=1d").assert_outcomes(passed=1)
    make(inner, marker=", max_age=None", ini="aws_max_age = 30d")
    outcome(inner, "--aws-max-age-action=fail").assert_outcomes(passed=1)
    make(inner, ini="aws_max_age = 60d")
    outcome(inner, "--aws-max-age-action=fail", "--aws-max-age=30d").assert_outcomes(failed=1)


def test_a_fresh_cassette_is_within_the_limit(inner: pytest.Pytester) -> None:
    age(inner.path / "cassettes/test_inner/shared.yaml", -DAYS_OLD)  # back to now
    make(inner, ini="aws_max_age = 1h\naws_max_age_action = fail")
    outcome(inner).assert_outcomes(passed=1)


def test_a_recording_from_the_future_has_no_age_to_pass_with(inner: pytest.Pytester) -> None:
    """A ``recorded_at`` days ahead (an edited tag, a clock far off) counts as over the
    limit; one a little ahead (a clock running fast) is taken as recorded now."""
    path = inner.path / "cassettes/test_inner/shared.yaml"
    age(path, -DAYS_OLD - 3.5)  # three and a half days from now
    make(inner, ini="aws_max_age = 30d\naws_max_age_action = fail")
    result = outcome(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*#1 sqs:ListQueues says it was recorded *, 3 days from now*"])
    age(path, 3.5 - 10 / 1440)  # back to ten minutes ahead
    outcome(inner).assert_outcomes(passed=1)


def test_the_recorded_clock_does_not_hide_the_age(inner: pytest.Pytester) -> None:
    pytest.importorskip(
        "time_machine", reason="needs the clock extra: pip install -e '.[test]' (or .[clock])"
    )
    make(inner, marker=', clock="recorded"', ini="aws_max_age = 30d\naws_max_age_action = fail")
    outcome(inner).assert_outcomes(failed=1)


# --------------------------------------------------------------------------- rerecord


def test_rerecord_in_replay_only_mode_fails_with_the_command(inner: pytest.Pytester) -> None:
    make(inner, ini="aws_max_age = 30d\naws_max_age_action = rerecord")
    result = outcome(inner)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*a mode that may record re-records it: pytest test_inner.py::test_queues "
         "--aws-record-mode=once*"]
    )  # fmt: skip


def test_rerecord_from_the_command_line_names_it_in_the_command(inner: pytest.Pytester) -> None:
    """``--aws-max-age-action=rerecord`` given on the command line: the command that
    re-records gives it again (mode ``once`` alone would replay the stale file)."""
    make(inner)
    result = outcome(inner, "--aws-max-age=30d", "--aws-max-age-action=rerecord")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*re-records it: pytest test_inner.py::test_queues --aws-record-mode=once "
         "--aws-max-age=30d --aws-max-age-action=rerecord*"]
    )  # fmt: skip


def test_rerecord_records_a_stale_cassette_again(
    inner: pytest.Pytester, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = inner.path / "cassettes/test_inner/shared.yaml"
    monkeypatch.setenv("EP", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    make(inner, ini="aws_max_age = 30d\naws_max_age_action = rerecord")
    result = outcome(inner, "--aws-record-mode=once")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*Re-recording *shared.yaml (mode 'all' instead of 'once')*"])
    tags = [item["harness"] for item in yaml.safe_load(path.read_text())["interactions"]]
    assert [t["operation"] for t in tags] == ["ListQueues"]  # replaced: only what ran now
    when = dt.datetime.fromisoformat(tags[0]["recorded_at"].replace("Z", "+00:00"))
    assert dt.datetime.now(dt.timezone.utc) - when < dt.timedelta(hours=1)
    # fresh now: the same settings replay it
    outcome(inner, "--aws-record-mode=once").assert_outcomes(passed=1)


def test_rerecord_leaves_a_fresh_cassette_alone(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = inner.path / "cassettes/test_inner/shared.yaml"
    age(path, -DAYS_OLD)
    before = path.read_bytes()
    make(inner, ini="aws_max_age = 30d\naws_max_age_action = rerecord")
    outcome(inner, "--aws-record-mode=once").assert_outcomes(passed=1)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- cassette ls


def test_ls_shows_ages(tmp_path: Path, endpoint: str) -> None:
    path = tmp_path / "c.yaml"
    record(path, endpoint)
    out, err = io.StringIO(), io.StringIO()
    assert run(["cassette", "ls", str(path)], out, err) == 0, err.getvalue()
    head, *rows = out.getvalue().splitlines()
    assert "recorded 40 days ago (oldest) to 40 days ago (newest)" in head
    assert all(" 40d " in row for row in rows), rows
    out = io.StringIO()
    assert run(["cassette", "ls", "--json", str(path)], out, err) == 0
    listing = json.loads(out.getvalue())
    assert [round(row["age_seconds"] / 86400) for row in listing] == [40, 40]
    assert all(isinstance(row["age_seconds"], int) for row in listing)  # (whole seconds)
    assert all(row["recorded_at"].endswith("Z") for row in listing)
    # a time days ahead is no age: shown as ahead, never as "0 seconds ago"
    age(path, -DAYS_OLD - 3.5)
    out = io.StringIO()
    assert run(["cassette", "ls", str(path)], out, err) == 0
    head, *rows = out.getvalue().splitlines()
    assert head.endswith(", 2 recorded ahead of now (no age)"), head
    assert all(" ahead 3d " in row for row in rows), rows
