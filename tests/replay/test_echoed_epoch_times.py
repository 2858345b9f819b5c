"""A timestamp the code sends as a JSON epoch number, computed from now, and the service
echoes back (EventBridge Scheduler's ``EndDate``, given on ``UpdateSchedule`` and read on
``GetSchedule``): the request matches by its offset from now, and the echo gives the live
instant back, as live (invisible_r13's ``test_schedule_window_update``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import boto3
import yaml

from harness.exchange import HttpRequest, HttpResponse
from harness.replay.match_times import timestamp_ties
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

SHIFT = dt.timedelta(hours=2)


class Schedules:
    """A stand-in Scheduler that keeps each schedule's body and echoes its ``EndDate``."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, object]] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        if request.method in ("POST", "PUT"):
            self.kept[name] = json.loads(request.body or b"{}")
            body = {"ScheduleArn": f"arn:aws:scheduler:us-east-1:123456789012:schedule/{name}"}
            return HttpResponse(
                200, {"Content-Type": "application/json"}, json.dumps(body).encode()
            )
        kept = self.kept[name]
        body = {"Name": name, "EndDate": kept["EndDate"], "State": "ENABLED"}
        return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def end_and_read(endpoint: str = "http://127.0.0.1:9") -> tuple[dt.datetime, dt.datetime]:
    """Application code: end a schedule a day from now, then read the date back."""
    end = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(microsecond=0)
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


def _record(path: Path) -> dt.datetime:
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(Schedules()) as server, recorder.activate():
        end, echoed = end_and_read(server.endpoint_url)
    assert echoed == end
    recorder.save()
    return end


def record_two_hours_ago(path: Path, record: Callable[[Path], dt.datetime] = _record) -> None:
    """Record (``end_and_read`` unless told) now, then move the cassette two hours into the
    past (its recording times and the end dates sent and echoed alike)."""
    end = record(path)
    epoch = str(int(end.timestamp()))
    earlier = str(int((end - SHIFT).timestamp()))
    text = re.sub(rf"(?<![0-9]){epoch}(?![0-9])", earlier, path.read_text())
    assert earlier in text
    data = yaml.safe_load(text)
    for item in data["interactions"]:
        tag = item["harness"]
        for field in ("recorded_at", "answered_at"):
            if field in tag:
                when = dt.datetime.fromisoformat(tag[field].replace("Z", "+00:00"))
                tag[field] = (when - SHIFT).isoformat().replace("+00:00", "Z")
    path.write_text(yaml.safe_dump(data, sort_keys=True))


def test_an_echoed_epoch_end_date_is_the_one_sent(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_two_hours_ago(path)
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        end, echoed = end_and_read()
    assert [e.source for e in replayer.exchanges] == ["replayed", "replayed"]
    assert echoed == end  # not the date two hours earlier that the cassette holds


def test_epoch_seconds_are_tied_too() -> None:
    then = dt.datetime(2026, 11, 29, 16, 33, 53, tzinfo=dt.timezone.utc)
    later = then + SHIFT
    ties = timestamp_ties(
        "scheduler",
        "CreateSchedule",
        {"Name": "n", "EndDate": then.isoformat()},
        {"Name": "n", "EndDate": later.isoformat()},
    )
    assert ties[str(int(then.timestamp()))] == str(int(later.timestamp()))
    assert ties["2026-11-29T16:33:53Z"] == "2026-11-29T18:33:53Z"
