"""Invoices: one JSON object per visit in S3, under the hour it was issued
(``invoices/dt=YYYY-MM-DD/hour=HH/<invoice id>.json``), read back by day."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from clinic.booking import Appointment


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    key: str
    appointment_id: str
    patient_id: str
    amount_cents: int
    currency: str
    issued_at: str
    merchant_id: str


def day_prefix(day: date) -> str:
    return f"invoices/dt={day:%Y-%m-%d}/"


class Billing:
    def __init__(self, s3: Any, bucket: str, merchant_id: str):
        self.s3 = s3
        self.bucket = bucket
        self.merchant_id = merchant_id

    def issue(self, appointment: Appointment, amount_cents: int, currency: str = "EUR") -> Invoice:
        now = datetime.now(timezone.utc)
        invoice_id = str(uuid.uuid4())
        invoice = Invoice(
            invoice_id=invoice_id,
            key=f"{day_prefix(now.date())}hour={now:%H}/{invoice_id}.json",
            appointment_id=appointment.appointment_id,
            patient_id=appointment.patient_id,
            amount_cents=amount_cents,
            currency=currency,
            issued_at=now.isoformat(),
            merchant_id=self.merchant_id,
        )
        self.s3.put_object(
            Bucket=self.bucket,
            Key=invoice.key,
            Body=json.dumps(invoice.__dict__, sort_keys=True).encode(),
            ContentType="application/json",
            Metadata={"appointment-id": appointment.appointment_id},
        )
        self.s3.get_waiter("object_exists").wait(
            Bucket=self.bucket, Key=invoice.key, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
        )
        return invoice

    def keys_for(self, day: date, page_size: int = 1000) -> list[str]:
        keys: list[str] = []
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=day_prefix(day), PaginationConfig={"PageSize": page_size}
        )
        for page in pages:
            keys += [entry["Key"] for entry in page.get("Contents", [])]
        return keys

    def invoices_for(self, day: date, page_size: int = 1000) -> list[Invoice]:
        invoices = []
        for key in self.keys_for(day, page_size):
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            invoices.append(Invoice(**json.loads(body)))
        return sorted(invoices, key=lambda invoice: (invoice.issued_at, invoice.invoice_id))

    def daily_total(self, day: date) -> dict[str, int]:
        totals: dict[str, int] = {}
        for invoice in self.invoices_for(day):
            totals[invoice.currency] = totals.get(invoice.currency, 0) + invoice.amount_cents
        return totals

    def appointment_of(self, key: str) -> str:
        return str(self.s3.head_object(Bucket=self.bucket, Key=key)["Metadata"]["appointment-id"])
