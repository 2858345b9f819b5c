"""Reminders: queued in batches, collected by the sender loop, texted, acknowledged."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from clinic.reminders import drain

pytestmark = pytest.mark.aws_cassette

REGION = "eu-west-1"


def tomorrow():
    return datetime.now(timezone.utc).date() + timedelta(days=1)


@pytest.fixture
def booked(clinic, doctor_id):
    """23 appointments: 18 tomorrow (the whole day), 5 the day after."""
    slots = clinic.schedule.publish(doctor_id, days=2).slots
    return [
        clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slot.start, "check-up")
        for slot in slots[:23]
    ]


def test_reminders_queued_for_the_day_only(clinic, booked):
    queued = clinic.remind_for(tomorrow(), booked)
    assert len(queued) == 18
    assert len(set(queued)) == 18


def test_sender_loop_collects_every_reminder(clinic, booked):
    clinic.reminders.queue(booked)
    reminders = clinic.reminders.collect(expected=23)
    assert len(reminders) == 23
    assert [r.appointment_id for r in reminders] == [a.appointment_id for a in booked]


def test_reminder_is_due_a_day_ahead(clinic, booked):
    clinic.reminders.queue(booked[:1])
    (reminder,) = clinic.reminders.collect(expected=1)
    start = datetime.fromisoformat(reminder.slot_start)
    assert datetime.fromisoformat(reminder.remind_at) == start - timedelta(days=1)
    assert reminder.patient_id == booked[0].patient_id


def test_acknowledged_reminders_are_gone(clinic, environment, booked):
    clinic.reminders.queue(booked[:12])
    reminders = clinic.reminders.collect(expected=12)
    assert clinic.reminders.acknowledge(reminders) == 12
    sqs = boto3.client("sqs", region_name=REGION)
    attributes = sqs.get_queue_attributes(
        QueueUrl=environment.reminders_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_patients_are_texted_in_batches(clinic, environment, booked):
    clinic.reminders.queue(booked)
    reminders = clinic.reminders.collect(expected=23)
    assert clinic.reminders.send(reminders) == 23
    sqs = boto3.client("sqs", region_name=REGION)
    outbox = drain(sqs, environment.outbox_queue_url, expected=23)
    texts = [json.loads(message["Body"]) for message in outbox]
    assert sorted(t["appointment_id"] for t in texts) == sorted(a.appointment_id for a in booked)


def test_text_names_the_time(clinic, environment, booked):
    clinic.reminders.queue(booked[:1])
    reminders = clinic.reminders.collect(expected=1)
    clinic.reminders.send(reminders)
    sqs = boto3.client("sqs", region_name=REGION)
    (message,) = drain(sqs, environment.outbox_queue_url, expected=1)
    text = json.loads(message["Body"])
    assert text["text"] == f"Your appointment is at {booked[0].slot_start}."
    assert message["MessageAttributes"]["channel"]["StringValue"] == "sms"


def test_reminders_carry_the_doctor(clinic, environment, doctor_id, booked):
    clinic.reminders.queue(booked[:3])
    sqs = boto3.client("sqs", region_name=REGION)
    messages = drain(sqs, environment.reminders_queue_url, expected=3)
    assert {m["MessageAttributes"]["doctor"]["StringValue"] for m in messages} == {doctor_id}
    assert {m["MessageAttributes"]["kind"]["StringValue"] for m in messages} == {"reminder"}
