"""Insurance claims: a Step Functions execution per invoice, polled until it ends."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from clinic import Invoice

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def invoice(clinic, doctor_id, patient_id):
    slot = clinic.schedule.publish(doctor_id, days=1).slots[0]
    visit = clinic.bookings.book(patient_id, doctor_id, slot.start, "x-ray")
    return clinic.billing.issue(visit, 18000)


def test_claim_is_approved_after_review(clinic, invoice):
    arn = clinic.claims.submit(invoice, insurer="helvetia")
    result = clinic.claims.wait(arn)
    assert result.status == "SUCCEEDED"
    assert result.output["decision"] == "APPROVED"
    assert result.polls >= 2  # the review waits a second


def test_claim_output_carries_the_invoice(clinic, invoice):
    result = clinic.claims.wait(clinic.claims.submit(invoice, insurer="axa"))
    assert result.output["invoice_id"] == invoice.invoice_id
    assert result.output["invoice_key"] == invoice.key
    assert result.output["amount_cents"] == 18000
    assert uuid.UUID(result.output["claim_id"]).version == 4


def test_empty_claim_is_rejected(clinic, invoice):
    empty = Invoice(**{**invoice.__dict__, "amount_cents": 0})
    result = clinic.claims.wait(clinic.claims.submit(empty, insurer="axa"))
    assert result.status == "FAILED"
    assert result.error == "InvalidClaim"
    assert result.output is None


def test_claims_are_listed(clinic, invoice):
    first = clinic.claims.submit(invoice, insurer="axa")
    second = clinic.claims.submit(invoice, insurer="helvetia")
    for arn in (first, second):
        clinic.claims.wait(arn)
    assert {first, second} <= set(clinic.claims.executions())


def test_visit_from_booking_to_claim(clinic, environment, doctor_id, patient_id):
    slots = clinic.schedule.publish(doctor_id, days=1).slots
    visit = clinic.bookings.book(patient_id, doctor_id, slots[-1].start, "consultation")
    clinic.reminders.queue([visit])
    (reminder,) = clinic.reminders.collect(expected=1)
    assert clinic.reminders.send([reminder]) == 1
    assert clinic.reminders.acknowledge([reminder]) == 1
    invoice = clinic.billing.issue(visit, 9500)
    result = clinic.claims.wait(clinic.claims.submit(invoice, insurer="swica"))
    assert result.status == "SUCCEEDED"
    assert clinic.day_sheet(doctor_id, date.fromisoformat(visit.slot_start[:10])) == [visit]
