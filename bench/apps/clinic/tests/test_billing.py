"""Invoices under date partitions in S3, listed back by day."""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

pytestmark = pytest.mark.aws_cassette

REGION = "eu-west-1"


@pytest.fixture
def visits(clinic, doctor_id):
    slots = clinic.schedule.publish(doctor_id, days=1).slots
    return [
        clinic.bookings.book(f"pt-{uuid.uuid4()}", doctor_id, slot.start, "check-up")
        for slot in slots[:12]
    ]


def test_invoice_key_is_partitioned_by_day_and_hour(clinic, visits):
    before = datetime.now(timezone.utc)
    invoice = clinic.billing.issue(visits[0], 4500)
    match = re.fullmatch(
        r"invoices/dt=(\d{4}-\d{2}-\d{2})/hour=(\d{2})/([0-9a-f-]{36})\.json", invoice.key
    )
    assert match, invoice.key
    issued = datetime.fromisoformat(invoice.issued_at)
    assert before <= issued <= datetime.now(timezone.utc)
    assert match.group(1) == f"{issued:%Y-%m-%d}"
    assert match.group(2) == f"{issued:%H}"
    assert match.group(3) == invoice.invoice_id


def test_invoices_listed_by_day(clinic, visits):
    issued = [clinic.billing.issue(visit, 3000 + 100 * i) for i, visit in enumerate(visits[:3])]
    today = datetime.now(timezone.utc).date()
    listed = clinic.billing.invoices_for(today)
    assert sorted(i.invoice_id for i in listed) == sorted(i.invoice_id for i in issued)


def test_invoice_body_round_trips(clinic, environment, visits):
    invoice = clinic.billing.issue(visits[1], 12000, currency="CHF")
    (stored,) = clinic.billing.invoices_for(datetime.now(timezone.utc).date())
    assert stored == invoice
    assert stored.merchant_id == environment.gateway["merchant_id"]


def test_daily_total(clinic, visits):
    amounts = [random.randint(20, 200) * 100 for _ in visits]
    for visit, amount in zip(visits, amounts, strict=True):
        clinic.billing.issue(visit, amount)
    assert clinic.billing.daily_total(datetime.now(timezone.utc).date()) == {"EUR": sum(amounts)}


def test_yesterday_has_no_invoices(clinic, visits):
    clinic.billing.issue(visits[0], 4500)
    yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
    assert clinic.billing.keys_for(yesterday) == []


def test_listing_pages_through_the_day(clinic, visits):
    issued = {clinic.billing.issue(visit, 5000).key for visit in visits}
    assert set(clinic.billing.keys_for(datetime.now(timezone.utc).date(), page_size=5)) == issued


def test_invoice_object_links_its_appointment(clinic, environment, visits):
    invoice = clinic.billing.issue(visits[2], 7000)
    assert clinic.billing.appointment_of(invoice.key) == visits[2].appointment_id
    head = boto3.client("s3", region_name=REGION).head_object(
        Bucket=environment.bucket, Key=invoice.key
    )
    assert head["ContentType"] == "application/json"
    body = json.dumps(invoice.__dict__, sort_keys=True).encode()
    assert head["ContentLength"] == len(body)
