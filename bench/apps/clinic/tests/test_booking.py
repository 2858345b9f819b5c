"""Booking, cancelling and rescheduling: slot and appointment change together."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from clinic import SlotTaken
from clinic.reminders import drain

pytestmark = pytest.mark.aws_cassette

REGION = "eu-west-1"


def tomorrow():
    return datetime.now(timezone.utc).date() + timedelta(days=1)


@pytest.fixture
def slots(clinic, doctor_id):
    return clinic.schedule.publish(doctor_id, days=2).slots


def test_booking_takes_the_slot(clinic, doctor_id, patient_id, slots):
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[0].start, "check-up")
    slot = clinic.schedule.get(doctor_id, [slots[0].start])[0]
    assert slot.status == "BOOKED"
    assert slot.appointment_id == appointment.appointment_id
    assert uuid.UUID(appointment.appointment_id).version == 4


def test_booked_at_is_now(clinic, doctor_id, patient_id, slots):
    before = datetime.now(timezone.utc)
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[1].start, "vaccination")
    stored = clinic.bookings.get([appointment.appointment_id])[0]
    booked_at = datetime.fromisoformat(stored.booked_at)
    assert before <= booked_at <= datetime.now(timezone.utc)


def test_double_booking_is_refused(clinic, doctor_id, slots):
    clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slots[2].start, "check-up")
    with pytest.raises(SlotTaken, match="ConditionalCheckFailed"):
        clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slots[2].start, "check-up")


def test_unpublished_slot_cannot_be_booked(clinic, doctor_id, patient_id, slots):
    at_night = f"{tomorrow().isoformat()}T23:00+00:00"
    with pytest.raises(SlotTaken):
        clinic.bookings.book(patient_id, doctor_id, at_night, "emergency")
    assert clinic.schedule.get(doctor_id, [at_night]) == []


def test_cancelling_reopens_the_slot(clinic, doctor_id, patient_id, slots):
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[3].start, "follow-up")
    cancelled = clinic.bookings.cancel(appointment.appointment_id)
    assert cancelled.status == "CANCELLED"
    assert clinic.bookings.get([appointment.appointment_id])[0].status == "CANCELLED"
    slot = clinic.schedule.get(doctor_id, [slots[3].start])[0]
    assert (slot.status, slot.appointment_id) == ("OPEN", None)


def test_cancelling_twice_is_refused(clinic, doctor_id, patient_id, slots):
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[5].start, "follow-up")
    clinic.bookings.cancel(appointment.appointment_id)
    with pytest.raises(SlotTaken):
        clinic.bookings.cancel(appointment.appointment_id)


def test_rescheduling_moves_the_appointment(clinic, doctor_id, patient_id, slots):
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[0].start, "check-up")
    moved = clinic.bookings.reschedule(appointment.appointment_id, slots[20].start)
    assert moved.slot_start == slots[20].start
    old, new = clinic.schedule.get(doctor_id, [slots[0].start, slots[20].start])
    assert old.status == "OPEN"
    assert (new.status, new.appointment_id) == ("BOOKED", appointment.appointment_id)


def test_appointments_read_in_one_batch(clinic, doctor_id, slots):
    booked = [
        clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slot.start, "check-up")
        for slot in slots[:6]
    ]
    wanted = [a.appointment_id for a in reversed(booked)]
    assert [a.appointment_id for a in clinic.bookings.get(wanted)] == wanted


def test_day_sheet_lists_the_day_in_time_order(clinic, doctor_id, slots):
    for slot in (slots[7], slots[2], slots[11], slots[19]):  # slots[19] is the next day
        clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slot.start, "check-up")
    sheet = clinic.day_sheet(doctor_id, tomorrow())
    assert [a.slot_start for a in sheet] == [slots[2].start, slots[7].start, slots[11].start]


def test_every_change_reaches_the_audit_queue(clinic, environment, doctor_id, patient_id, slots):
    appointment = clinic.bookings.book(patient_id, doctor_id, slots[0].start, "check-up")
    clinic.bookings.reschedule(appointment.appointment_id, slots[1].start)
    clinic.bookings.cancel(appointment.appointment_id)
    sqs = boto3.client("sqs", region_name=REGION)
    messages = drain(sqs, environment.audit_queue_url, expected=3)
    events = sorted((json.loads(m["Body"]) for m in messages), key=lambda e: e["time"])
    assert {e["detail-type"] for e in events} == {
        "AppointmentBooked",
        "AppointmentRescheduled",
        "AppointmentCancelled",
    }
    assert {e["detail"]["appointment_id"] for e in events} == {appointment.appointment_id}
    assert {e["source"] for e in events} == {"clinic.booking"}
