"""An epoch timestamp the code sends with a fraction of a second (botocore writes a
datetime with microseconds as ``1764434033.654321``), echoed back by the service: replay
gives back the live instant whole, its fraction too, not the live second with the recorded
fraction (the ten-digit swap of ``match_times.timestamp_ties`` alone kept it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3

from harness.replay.match_times import timestamp_ties
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer
from tests.replay.test_echoed_epoch_times import SHIFT, Schedules, record_two_hours_ago


def end_and_read(
    microsecond: int, endpoint: str = "http://127.0.0.1:9"
) -> tuple[dt.datetime, dt.datetime]:
    """Application code: end a schedule a day from now at ``microsecond``, read it back."""
    end = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(microsecond=microsecond)
    scheduler = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("scheduler", endpoint_url=endpoint)
    scheduler.create_schedule(
        Name="doors",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        EndDate=end,
        Target={"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": "arn:aws:iam::1:role/r"},
    )
    return end, scheduler.get_schedule(Name="doors")["EndDate"]


def test_an_echoed_epoch_with_a_fraction_is_the_one_sent(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"

    def recording(path: Path) -> dt.datetime:
        recorder = CassetteRecorder(path, "all")
        with LoopbackServer(Schedules()) as server, recorder.activate():
            end, echoed = end_and_read(250_000, server.endpoint_url)
        assert echoed == end
        recorder.save()
        return end

    record_two_hours_ago(path, record=recording)
    assert ".25" in path.read_text()
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        end, echoed = end_and_read(750_000)
    assert [e.source for e in replayer.exchanges] == ["replayed", "replayed"]
    assert echoed == end  # not the live second with the recorded quarter


def test_fractions_are_tied_whole_at_each_precision_echoed() -> None:
    then = dt.datetime(2026, 11, 29, 16, 33, 53, 654321, tzinfo=dt.timezone.utc)
    later = (then + SHIFT).replace(microsecond=123456)
    ties = timestamp_ties(
        "scheduler",
        "CreateSchedule",
        {"Name": "n", "EndDate": then.timestamp()},
        {"Name": "n", "EndDate": later.timestamp()},
    )
    seconds, live = str(int(then.timestamp())), str(int(later.timestamp()))
    assert ties[f"{seconds}.654321"] == f"{live}.123456"
    assert ties[f"{seconds}.654"] == f"{live}.123"  # (a server that keeps milliseconds)
    assert ties["2026-11-29T16:33:53.654321Z"] == "2026-11-29T18:33:53.123456Z"
    assert ties[seconds] == live
