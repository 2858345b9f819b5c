"""Replay that survives the clock: a window computed from "now" matches days later."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import boto3
import pytest
import yaml

from harness.exchange import HttpRequest, HttpResponse
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from harness.serve.http import LoopbackServer

DAYS = dt.timedelta(days=4)


def answer(request: HttpRequest) -> HttpResponse:
    return HttpResponse(200, {"Content-Type": "application/x-amz-json-1.1"}, b'{"Events": []}')


def last(hours: float, endpoint: str = "http://127.0.0.1:9") -> None:
    """Application code: the insights events of the last ``hours``, computed from now."""
    now = dt.datetime.now(dt.timezone.utc)
    client = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("cloudtrail", endpoint_url=endpoint)
    client.list_insights_data(
        InsightSource="arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
        DataType="InsightsEvents",
        StartTime=now - dt.timedelta(hours=hours),
        EndTime=now,
    )


def record_four_days_ago(path: Path, hours: float = 1) -> None:
    """Record ``last(hours)`` now, then move the cassette 4 days into the past, as if it had
    been recorded then (its request times and its recording time alike)."""
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(answer) as server, recorder.activate():
        last(hours, server.endpoint_url)
    recorder.save()
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        tag = item["harness"]
        when = dt.datetime.fromisoformat(tag["recorded_at"].replace("Z", "+00:00"))
        tag["recorded_at"] = (when - DAYS).isoformat().replace("+00:00", "Z")
        body = json.loads(item["request"]["body"])
        for name in ("StartTime", "EndTime"):
            body[name] -= DAYS.total_seconds()
        item["request"]["body"] = json.dumps(body, indent=2, sort_keys=True)
    path.write_text(yaml.safe_dump(data, sort_keys=True))


def test_the_last_hour_recorded_four_days_ago_replays_today(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_four_days_ago(path)
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        last(1)
    assert [e.source for e in replayer.exchanges] == ["replayed"]


def test_a_window_outside_the_tolerance_misses_naming_member_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_four_days_ago(path)
    replayer = CassetteRecorder(path, "none")
    with pytest.raises(CassetteMiss) as caught, replayer.activate():
        last(3)  # the last 3 hours: StartTime is 2 h further back than recorded
    text = str(caught.value)
    pattern = r"/StartTime: time mismatch: .* 7[12]\d\d s off \(tolerance 300 s\)"
    assert re.search(pattern, text), text
    assert "/EndTime" not in text


def test_exact_time_matching_is_the_old_behaviour(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_four_days_ago(path)
    replayer = CassetteRecorder(path, "none", policy=MatchPolicy(time_tolerance=None))
    with pytest.raises(CassetteMiss, match="exact time matching"), replayer.activate():
        last(1)


def test_ignored_members_take_no_part(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_four_days_ago(path)
    policy = MatchPolicy(ignore={"cloudtrail:ListInsightsData": frozenset({"InsightSource"})})
    text = path.read_text()
    assert ":trail/t" in text
    path.write_text(text.replace(":trail/t", ":trail/other"))
    strict, loose = CassetteRecorder(path, "none"), CassetteRecorder(path, "none", policy=policy)
    with pytest.raises(CassetteMiss), strict.activate():
        last(1)
    with loose.activate():
        last(1)
    assert len(loose.exchanges) == 1


PLUGIN_TEST = """
import datetime as dt, boto3, os, pytest

def call():
    now = dt.datetime.now(dt.timezone.utc)
    boto3.client("cloudtrail", endpoint_url=os.environ.get("EP", "http://127.0.0.1:9")).list_insights_data(
        InsightSource="arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
        DataType="InsightsEvents", StartTime=now - dt.timedelta(hours=1), EndTime=now)

@pytest.mark.aws_cassette(name="shared", time_tolerance=TOLERANCE)
def test_window():
    call()
"""


@pytest.mark.parametrize(("tolerance", "outcome"), [("300", "passed"), ("'exact'", "failed")])
def test_marker_time_tolerance(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tolerance: str, outcome: str
) -> None:
    pytester.makepyfile(test_t=PLUGIN_TEST.replace("TOLERANCE", tolerance))
    folder = pytester.path / "cassettes" / "test_t"
    folder.mkdir(parents=True)
    record_four_days_ago(folder / "shared.yaml")
    result = pytester.runpytest("-p", "no:randomly", "--aws-contract=off")
    result.assert_outcomes(**{outcome: 1})


def test_bad_tolerance_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_t="def test_x():\n    pass\n")
    result = pytester.runpytest("--aws-time-tolerance=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Cannot use time tolerance 'soon'*"])


CLOCK_TEST = """
import datetime as dt, pytest

@pytest.mark.aws_cassette(name="shared", clock="recorded")
def test_clock(aws_cassette):
    from test_helpers_call import call
    delta = dt.datetime.fromisoformat(EXPECTED_NOW) - dt.datetime.now(dt.timezone.utc)
    assert abs(delta - dt.timedelta(days=4)) < dt.timedelta(minutes=5), delta
    call()
"""


def test_the_replay_clock_can_read_the_recording_time(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = pytester.path / "cassettes" / "test_c"
    folder.mkdir(parents=True)
    record_four_days_ago(folder / "shared.yaml")
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    pytester.makepyfile(
        test_c=CLOCK_TEST.replace("EXPECTED_NOW", repr(now)),
        test_helpers_call=PLUGIN_TEST.split("@pytest.mark")[0],
    )
    result = pytester.runpytest("-p", "no:randomly", "--aws-contract=off", "test_c.py")
    result.assert_outcomes(passed=1)


def test_the_recorded_clock_never_starts_before_the_recording(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    before = time.time()
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(answer) as server, recorder.activate():
        last(1, server.endpoint_url)
    recorder.save()
    data = yaml.safe_load(path.read_text())
    stamp = data["interactions"][0]["harness"]["recorded_at"]
    assert "." in stamp  # kept below the second
    assert CassetteRecorder(path, "none").recorded_since >= before
    # an older cassette's time, kept to the second, starts at the end of that second
    data["interactions"][0]["harness"]["recorded_at"] = "2026-11-24T10:00:00Z"
    path.write_text(yaml.safe_dump(data, sort_keys=True))
    since = CassetteRecorder(path, "none").recorded_since
    assert since == dt.datetime(2026, 11, 24, 10, 0, 1, tzinfo=dt.timezone.utc).timestamp()
