"""Doctors' slots: published a week at a time, read back in batches."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

OPEN = "OPEN"
BOOKED = "BOOKED"
WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit
_DESERIALIZE = TypeDeserializer().deserialize


@dataclass(frozen=True)
class Slot:
    doctor_id: str
    start: str  # ISO 8601, minutes, UTC
    status: str
    appointment_id: str | None = None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Slot:
        plain = {name: _DESERIALIZE(value) for name, value in item.items()}
        return cls(
            doctor_id=plain["doctor_id"],
            start=plain["slot_start"],
            status=plain["status"],
            appointment_id=plain.get("appointment_id"),
        )


@dataclass(frozen=True)
class Published:
    slots: list[Slot]
    batches: int


def slot_start(day: date, hhmm: str) -> str:
    hour, minute = (int(part) for part in hhmm.split(":"))
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)
    return moment.isoformat(timespec="minutes")


class Schedule:
    def __init__(self, dynamodb: Any, table: str, slot_minutes: int, hours: tuple[str, str]):
        self.dynamodb = dynamodb
        self.table = table
        self.slot_minutes = slot_minutes
        self.hours = hours

    def starts_on(self, day: date) -> list[str]:
        opening = datetime.fromisoformat(slot_start(day, self.hours[0]))
        closing = datetime.fromisoformat(slot_start(day, self.hours[1]))
        starts = []
        while opening + timedelta(minutes=self.slot_minutes) <= closing:
            starts.append(opening.isoformat(timespec="minutes"))
            opening += timedelta(minutes=self.slot_minutes)
        return starts

    def publish(self, doctor_id: str, days: int = 7) -> Published:
        """Every slot from tomorrow on, ``days`` days, in BatchWriteItem calls of 25."""
        now = datetime.now(timezone.utc)
        first = now.date() + timedelta(days=1)
        slots = [
            Slot(doctor_id, start, OPEN)
            for offset in range(days)
            for start in self.starts_on(first + timedelta(days=offset))
        ]
        requests = [
            {
                "PutRequest": {
                    "Item": {
                        "doctor_id": {"S": doctor_id},
                        "slot_start": {"S": slot.start},
                        "status": {"S": OPEN},
                        "published_at": {"S": now.isoformat()},
                    }
                }
            }
            for slot in slots
        ]
        return Published(slots, self._write(requests))

    def withdraw_day(self, doctor_id: str, day: date) -> int:
        """Delete a day's open slots (the doctor is away)."""
        gone = [slot for slot in self.open_on(doctor_id, day)]
        self._write([{"DeleteRequest": {"Key": self._key(doctor_id, slot.start)}} for slot in gone])
        return len(gone)

    def get(self, doctor_id: str, starts: list[str]) -> list[Slot]:
        """The slots at ``starts`` (BatchGetItem, 100 keys a call), in time order."""
        found: list[Slot] = []
        for i in range(0, len(starts), READ_BATCH):
            keys = [self._key(doctor_id, start) for start in starts[i : i + READ_BATCH]]
            request: dict[str, Any] = {self.table: {"Keys": keys, "ConsistentRead": True}}
            while request:
                answer = self.dynamodb.batch_get_item(RequestItems=request)
                found += [Slot.from_item(item) for item in answer["Responses"].get(self.table, [])]
                request = answer.get("UnprocessedKeys") or {}
                if request:
                    time.sleep(0.2)
        return sorted(found, key=lambda slot: slot.start)

    def on(self, doctor_id: str, day: date) -> list[Slot]:
        answer = self.dynamodb.query(
            TableName=self.table,
            KeyConditionExpression="doctor_id = :d AND begins_with(slot_start, :day)",
            ExpressionAttributeValues={":d": {"S": doctor_id}, ":day": {"S": day.isoformat()}},
            ConsistentRead=True,
        )
        return [Slot.from_item(item) for item in answer["Items"]]

    def open_on(self, doctor_id: str, day: date) -> list[Slot]:
        return [slot for slot in self.on(doctor_id, day) if slot.status == OPEN]

    def _key(self, doctor_id: str, start: str) -> dict[str, Any]:
        return {"doctor_id": {"S": doctor_id}, "slot_start": {"S": start}}

    def _write(self, requests: list[dict[str, Any]]) -> int:
        calls = 0
        for i in range(0, len(requests), WRITE_BATCH):
            pending: dict[str, Any] = {self.table: requests[i : i + WRITE_BATCH]}
            while pending:
                calls += 1
                answer = self.dynamodb.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
                if pending:
                    time.sleep(0.2)
        return calls
