"""A timestamp the code sends, computed from now, and the service echoes back (S3's object
lock retain-until date, given on PutObject, read on HeadObject): the request matches by its
offset from now, and the echo gives the live instant back, as live (invisible_r12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3
import yaml

from harness.exchange import HttpRequest, HttpResponse
from harness.replay.match_times import timestamp_ties
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

SHIFT = dt.timedelta(hours=2)
HEADER = "x-amz-object-lock-retain-until-date"


class LockedBucket:
    """A stand-in S3 that keeps each object's retain-until date and echoes it on HEAD."""

    def __init__(self) -> None:
        self.until: dict[str, str] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.url.split("?")[0]
        if request.method == "PUT":
            self.until[path] = dict((k.lower(), v) for k, v in request.headers.items())[HEADER]
            return HttpResponse(200, {"ETag": '"0f"', "x-amz-object-lock-mode": "GOVERNANCE"}, b"")
        headers = {"ETag": '"0f"', "Content-Length": "0", "x-amz-object-lock-mode": "GOVERNANCE"}
        return HttpResponse(200, {**headers, HEADER: self.until[path]}, b"")


def lock_and_read(endpoint: str = "http://127.0.0.1:9") -> tuple[dt.datetime, dt.datetime]:
    """Application code: retain an object for a day from now, then read the date back."""
    until = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(microsecond=0)
    s3 = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("s3", endpoint_url=endpoint)
    s3.put_object(
        Bucket="ledger",
        Key="statement",
        Body=b"signed",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
    )
    head = s3.head_object(Bucket="ledger", Key="statement")
    return until, head["ObjectLockRetainUntilDate"]


def _earlier(text: str) -> str:
    when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ") - SHIFT
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_two_hours_ago(path: Path) -> None:
    """Record ``lock_and_read`` now, then move the cassette two hours into the past (its
    recording times and the retain-until dates sent and echoed alike)."""
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(LockedBucket()) as server, recorder.activate():
        until, echoed = lock_and_read(server.endpoint_url)
    assert echoed == until
    recorder.save()
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        tag = item["harness"]
        when = dt.datetime.fromisoformat(tag["recorded_at"].replace("Z", "+00:00"))
        tag["recorded_at"] = (when - SHIFT).isoformat().replace("+00:00", "Z")
        for part in (item["request"], item["response"]):
            for name, values in part["headers"].items():
                if name.lower() == HEADER:
                    part["headers"][name] = [_earlier(v) for v in values]
    path.write_text(yaml.safe_dump(data, sort_keys=True))


def test_an_echoed_retain_until_date_is_the_one_sent(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    record_two_hours_ago(path)
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        until, echoed = lock_and_read()
    assert [e.source for e in replayer.exchanges] == ["replayed", "replayed"]
    assert echoed == until  # not the date two hours earlier that the cassette holds


def test_ties_are_the_text_spellings_of_times_that_moved() -> None:
    then = dt.datetime(2026, 11, 29, 16, 33, 53, tzinfo=dt.timezone.utc)
    later = then + SHIFT
    ties = timestamp_ties(
        "s3",
        "PutObject",
        {"Bucket": "b", "Key": "k", "ObjectLockRetainUntilDate": then.isoformat()},
        {"Bucket": "b", "Key": "k", "ObjectLockRetainUntilDate": later.isoformat()},
    )
    assert ties == {
        "1795970033": "1795977233",
        "2026-11-29T16:33:53Z": "2026-11-29T18:33:53Z",
        "2026-11-29T16:33:53.000Z": "2026-11-29T18:33:53.000Z",
        "Sun, 29 Nov 2026 16:33:53 GMT": "Sun, 29 Nov 2026 18:33:53 GMT",
    }
    same = {"Bucket": "b", "Key": "k", "ObjectLockRetainUntilDate": then.isoformat()}
    assert timestamp_ties("s3", "PutObject", same, dict(same)) == {}
    assert timestamp_ties("s3", "GetObject", {"Bucket": "b", "Key": "k"}, {}) == {}
