"""Bookings: a slot and its appointment change together (TransactWriteItems), and every
change is announced on the clinic's event bus (PutEvents)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from clinic.schedule import BOOKED, OPEN

CONFIRMED = "CONFIRMED"
CANCELLED = "CANCELLED"
SOURCE = "clinic.booking"
_DESERIALIZE = TypeDeserializer().deserialize


class SlotTaken(Exception):
    """The slot is booked already, or was never published."""


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    patient_id: str
    doctor_id: str
    slot_start: str
    status: str
    booked_at: str
    reason: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Appointment:
        plain = {name: _DESERIALIZE(value) for name, value in item.items()}
        return cls(**{name: plain[name] for name in cls.__dataclass_fields__})


class Bookings:
    def __init__(self, dynamodb: Any, events: Any, slots: str, appointments: str, bus: str):
        self.dynamodb = dynamodb
        self.events = events
        self.slots = slots
        self.appointments = appointments
        self.bus = bus

    def book(self, patient_id: str, doctor_id: str, slot_start: str, reason: str) -> Appointment:
        appointment = Appointment(
            appointment_id=str(uuid.uuid4()),
            patient_id=patient_id,
            doctor_id=doctor_id,
            slot_start=slot_start,
            status=CONFIRMED,
            booked_at=datetime.now(timezone.utc).isoformat(),
            reason=reason,
        )
        self._transact(
            [
                self._take(doctor_id, slot_start, appointment.appointment_id),
                {
                    "Put": {
                        "TableName": self.appointments,
                        "Item": {
                            name: {"S": value} for name, value in appointment.__dict__.items()
                        },
                        "ConditionExpression": "attribute_not_exists(appointment_id)",
                    }
                },
            ]
        )
        self._announce("AppointmentBooked", appointment)
        return appointment

    def cancel(self, appointment_id: str) -> Appointment:
        current = self.get([appointment_id])[0]
        self._transact(
            [
                self._set_status(appointment_id, CANCELLED, expected=CONFIRMED),
                self._release(current.doctor_id, current.slot_start, appointment_id),
            ]
        )
        cancelled = Appointment(**{**current.__dict__, "status": CANCELLED})
        self._announce("AppointmentCancelled", cancelled)
        return cancelled

    def reschedule(self, appointment_id: str, new_start: str) -> Appointment:
        current = self.get([appointment_id])[0]
        self._transact(
            [
                self._release(current.doctor_id, current.slot_start, appointment_id),
                self._take(current.doctor_id, new_start, appointment_id),
                {
                    "Update": {
                        "TableName": self.appointments,
                        "Key": {"appointment_id": {"S": appointment_id}},
                        "UpdateExpression": "SET slot_start = :new",
                        "ConditionExpression": "#s = :confirmed",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {
                            ":new": {"S": new_start},
                            ":confirmed": {"S": CONFIRMED},
                        },
                    }
                },
            ]
        )
        moved = Appointment(**{**current.__dict__, "slot_start": new_start})
        self._announce("AppointmentRescheduled", moved)
        return moved

    def get(self, appointment_ids: list[str]) -> list[Appointment]:
        """Appointments by id (BatchGetItem), in the order asked."""
        keys = [{"appointment_id": {"S": i}} for i in dict.fromkeys(appointment_ids)]
        found: dict[str, Appointment] = {}
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {self.appointments: {"Keys": keys[start : start + 100]}}
            while request:
                answer = self.dynamodb.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self.appointments, []):
                    appointment = Appointment.from_item(item)
                    found[appointment.appointment_id] = appointment
                request = answer.get("UnprocessedKeys") or {}
        return [found[i] for i in appointment_ids if i in found]

    def _take(self, doctor_id: str, slot_start: str, appointment_id: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.slots,
                "Key": {"doctor_id": {"S": doctor_id}, "slot_start": {"S": slot_start}},
                "UpdateExpression": "SET #s = :booked, appointment_id = :a",
                "ConditionExpression": "attribute_exists(slot_start) AND #s = :open",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":booked": {"S": BOOKED},
                    ":open": {"S": OPEN},
                    ":a": {"S": appointment_id},
                },
            }
        }

    def _release(self, doctor_id: str, slot_start: str, appointment_id: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.slots,
                "Key": {"doctor_id": {"S": doctor_id}, "slot_start": {"S": slot_start}},
                "UpdateExpression": "SET #s = :open REMOVE appointment_id",
                "ConditionExpression": "appointment_id = :a",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":open": {"S": OPEN}, ":a": {"S": appointment_id}},
            }
        }

    def _set_status(self, appointment_id: str, status: str, expected: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.appointments,
                "Key": {"appointment_id": {"S": appointment_id}},
                "UpdateExpression": "SET #s = :new",
                "ConditionExpression": "#s = :expected",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":new": {"S": status}, ":expected": {"S": expected}},
            }
        }

    def _transact(self, items: list[dict[str, Any]]) -> None:
        try:
            self.dynamodb.transact_write_items(TransactItems=items)
        except self.dynamodb.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            raise SlotTaken(f"transaction cancelled: {reasons}") from exc

    def _announce(self, kind: str, appointment: Appointment) -> None:
        answer = self.events.put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": kind,
                    "Detail": json.dumps(appointment.__dict__),
                    "EventBusName": self.bus,
                    "Time": datetime.now(timezone.utc),
                    "Resources": [f"appointment/{appointment.appointment_id}"],
                }
            ]
        )
        if answer["FailedEntryCount"]:
            raise RuntimeError(f"event not delivered: {answer['Entries']}")
