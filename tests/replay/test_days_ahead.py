"""A suite that schedules on days counted from today replays days later (issue 62).

An app of our own (``bench/app_replay.py clinic``: appointment slots a week ahead, each at a
fixed time of day, reminders the day before) replayed with the clock moved three days
failed three ways, each a recorded value the code computed from today:

- a day inside a longer text (``2026-11-28T09:00+00:00``: the time kind finds the day
  ``2026-11-28`` there and binds it) was given back in responses as recorded: the swap
  took a day only standing alone, and ``T`` follows it;
- a day the test sent that the recording also holds (a week written ahead, replayed three
  days later: the fourth recorded day is the live first one) was refused as "found in the
  cassette", though its offset from today is what binds a day;
- a time of day the code fixes (tomorrow at 08:00, minus a day) bound only within the time
  tolerance of the recording's hour: its offset from now changes with the hour the test
  runs at, the day it falls on keeps its distance from today;
- an S3 key partitioned by day and hour (``invoices/dt=2026-11-27/hour=03/...``) bound its
  day but compared its hour as written: replayed at another hour, every upload missed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

pytest.importorskip("time_machine")

SUITE = """
import datetime
import json
import os
import uuid

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
UTC = datetime.timezone.utc


@pytest.fixture(autouse=True)
def later():
    # the replay run hours after the recording: the clock moved by time-machine
    hours = float(os.environ.get("HOURS_LATER", "0"))
    if not hours:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.datetime.now(UTC) + datetime.timedelta(hours=hours)):
        yield


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )


def at(day, hour):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.mark.aws_cassette
def test_a_week_of_slots_read_back():
    dynamodb = client("dynamodb")
    table = f"slots-{uuid.uuid4()}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[
            {"AttributeName": "doctor", "KeyType": "HASH"},
            {"AttributeName": "start", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "doctor", "AttributeType": "S"},
            {"AttributeName": "start", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    doctor = f"dr-{uuid.uuid4().hex[:8]}"
    today = datetime.datetime.now(UTC).date()
    days = [today + datetime.timedelta(days=n) for n in range(1, 8)]
    for day in days:
        start = at(day, 9).isoformat(timespec="minutes")
        dynamodb.put_item(TableName=table, Item={"doctor": {"S": doctor}, "start": {"S": start}})
    for day in days:
        items = dynamodb.query(
            TableName=table,
            KeyConditionExpression="doctor = :d AND begins_with(#s, :day)",
            ExpressionAttributeNames={"#s": "start"},
            ExpressionAttributeValues={":d": {"S": doctor}, ":day": {"S": day.isoformat()}},
        )["Items"]
        assert [i["start"]["S"] for i in items] == [at(day, 9).isoformat(timespec="minutes")]


@pytest.mark.aws_cassette
def test_a_reminder_the_day_before():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"reminders-{uuid.uuid4().hex}")["QueueUrl"]
    tomorrow = datetime.datetime.now(UTC).date() + datetime.timedelta(days=1)
    remind_at = (at(tomorrow, 8) - datetime.timedelta(days=1)).isoformat()
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"remind_at": remind_at}))
    body = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"]
    assert json.loads(body) == {"remind_at": remind_at}


@pytest.mark.aws_cassette
def test_an_invoice_under_the_hour_it_was_issued():
    s3 = client("s3")
    bucket = f"billing-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=bucket)
    now = datetime.datetime.now(UTC)
    key = f"invoices/dt={now:%Y-%m-%d}/hour={now:%H}/{uuid.uuid4()}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=b"{}")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"invoices/dt={now:%Y-%m-%d}/")
    assert [o["Key"] for o in listed["Contents"]] == [key]
"""


def test_slots_and_reminders_counted_from_today_replay_days_later(tmp_path: Path) -> None:
    (tmp_path / "test_clinic.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "3 passed" in out, out
    # three days and an hour later: the days overlap the recorded week, the hour differs
    for hours in ("73", "1.5"):
        out = run_inner(tmp_path, HOURS_LATER=hours)
        assert "3 passed" in out, out
    # with exact times nothing binds: all miss
    out = run_inner(tmp_path, "--aws-time-tolerance=exact", HOURS_LATER="73")
    assert "3 failed" in out and "CassetteMiss" in out, out
