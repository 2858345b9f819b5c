"""The service as it runs: configuration read at start-up, then one client per service."""

from __future__ import annotations

from datetime import date
from typing import Any

import boto3

from clinic.billing import Billing
from clinic.booking import Appointment, Bookings
from clinic.claims import Claims
from clinic.config import ClinicConfig
from clinic.reminders import Reminders
from clinic.schedule import Schedule


class Clinic:
    def __init__(self, config: ClinicConfig, session: Any):
        self.config = config
        dynamodb = session.client("dynamodb")
        self.schedule = Schedule(
            dynamodb, config.slots_table, config.slot_minutes, config.opening_hours
        )
        self.bookings = Bookings(
            dynamodb,
            session.client("events"),
            config.slots_table,
            config.appointments_table,
            config.event_bus,
        )
        self.reminders = Reminders(
            session.client("sqs"),
            session.client("sns"),
            config.reminders_queue_url,
            config.patients_topic_arn,
            config.sms_api_key,
        )
        self.billing = Billing(
            session.client("s3"), config.billing_bucket, config.payment_gateway["merchant_id"]
        )
        self.claims = Claims(session.client("stepfunctions"), config.claims_state_machine_arn)

    @classmethod
    def start(cls, environment: str, region: str | None = None) -> Clinic:
        session = boto3.Session(region_name=region)
        return cls(ClinicConfig.load(session, environment), session)

    def day_sheet(self, doctor_id: str, day: date) -> list[Appointment]:
        """A doctor's confirmed appointments of a day, in time order."""
        booked = [s for s in self.schedule.on(doctor_id, day) if s.appointment_id]
        appointments = self.bookings.get([s.appointment_id for s in booked if s.appointment_id])
        return sorted(appointments, key=lambda a: a.slot_start)

    def remind_for(self, day: date, appointments: list[Appointment]) -> list[str]:
        """Queue reminders for the day's confirmed appointments among ``appointments``."""
        due = [
            a
            for a in appointments
            if a.slot_start.startswith(day.isoformat()) and a.status == "CONFIRMED"
        ]
        return self.reminders.queue(due)
