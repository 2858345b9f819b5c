"""Publishing a week of slots and reading them back."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.aws_cassette


def tomorrow():
    return datetime.now(timezone.utc).date() + timedelta(days=1)


def test_publish_week_writes_every_slot_in_batches(clinic, doctor_id):
    published = clinic.schedule.publish(doctor_id, days=7)
    assert len(published.slots) == 7 * 18
    assert published.batches == 6  # 126 slots, 25 a call
    for offset in range(7):
        day = tomorrow() + timedelta(days=offset)
        assert len(clinic.schedule.open_on(doctor_id, day)) == 18


def test_first_slot_is_tomorrow_at_opening(clinic, doctor_id):
    published = clinic.schedule.publish(doctor_id, days=1)
    assert published.slots[0].start == f"{tomorrow().isoformat()}T08:00+00:00"
    assert published.slots[-1].start == f"{tomorrow().isoformat()}T16:30+00:00"


def test_batch_get_returns_the_slots_asked(clinic, doctor_id):
    published = clinic.schedule.publish(doctor_id, days=2)
    wanted = [slot.start for slot in published.slots[::3]]
    found = clinic.schedule.get(doctor_id, wanted)
    assert [slot.start for slot in found] == wanted
    assert {slot.status for slot in found} == {"OPEN"}


def test_batch_get_over_a_hundred_keys(clinic, doctor_id):
    published = clinic.schedule.publish(doctor_id, days=7)
    found = clinic.schedule.get(doctor_id, [slot.start for slot in published.slots])
    assert len(found) == 126


def test_booked_slot_is_not_open(clinic, doctor_id, patient_id):
    published = clinic.schedule.publish(doctor_id, days=1)
    clinic.bookings.book(patient_id, doctor_id, published.slots[4].start, "check-up")
    open_starts = [slot.start for slot in clinic.schedule.open_on(doctor_id, tomorrow())]
    assert len(open_starts) == 17
    assert published.slots[4].start not in open_starts


def test_withdrawn_day_has_no_slots(clinic, doctor_id):
    clinic.schedule.publish(doctor_id, days=3)
    away = tomorrow() + timedelta(days=1)
    assert clinic.schedule.withdraw_day(doctor_id, away) == 18
    assert clinic.schedule.on(doctor_id, away) == []
    assert len(clinic.schedule.on(doctor_id, tomorrow())) == 18


def test_doctors_schedules_are_apart(clinic, doctor_id):
    other = f"dr-{uuid.uuid4().hex[:8]}"
    clinic.schedule.publish(doctor_id, days=1)
    assert clinic.schedule.on(other, tomorrow()) == []
