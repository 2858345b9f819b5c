"""Reminders: queued in SQS a day ahead (SendMessageBatch), collected by the sender loop
(ReceiveMessage until all arrived), sent to patients through SNS (PublishBatch), then
deleted (DeleteMessageBatch)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from clinic.booking import Appointment

SQS_BATCH = 10  # SendMessageBatch, DeleteMessageBatch and PublishBatch take 10 entries


@dataclass(frozen=True)
class Reminder:
    message_id: str
    receipt_handle: str
    appointment_id: str
    patient_id: str
    slot_start: str
    remind_at: str


def chunks(items: list[Any], size: int = SQS_BATCH) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def drain(sqs: Any, queue_url: str, expected: int, timeout: float = 30) -> list[dict[str, Any]]:
    """Receive until ``expected`` distinct messages arrived (or ``timeout`` seconds passed)."""
    seen: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(seen) < expected and time.monotonic() < deadline:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=SQS_BATCH,
            WaitTimeSeconds=1,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        )
        for message in answer.get("Messages", []):
            seen.setdefault(message["MessageId"], message)
    return list(seen.values())


class Reminders:
    def __init__(self, sqs: Any, sns: Any, queue_url: str, topic_arn: str, sms_key: str):
        self.sqs = sqs
        self.sns = sns
        self.queue_url = queue_url
        self.topic_arn = topic_arn
        self._sms_key = sms_key

    def queue(self, appointments: list[Appointment]) -> list[str]:
        """Queue one reminder per appointment, 24 hours before it; the message ids."""
        sent: list[str] = []
        for batch in chunks(appointments):
            entries = []
            for index, appointment in enumerate(batch):
                start = datetime.fromisoformat(appointment.slot_start)
                entries.append(
                    {
                        "Id": f"r{index}",
                        "MessageBody": json.dumps(
                            {
                                "appointment_id": appointment.appointment_id,
                                "patient_id": appointment.patient_id,
                                "slot_start": appointment.slot_start,
                                "remind_at": (start - timedelta(days=1)).isoformat(),
                                "queued_at": datetime.now(timezone.utc).isoformat(),
                            }
                        ),
                        "MessageAttributes": {
                            "kind": {"DataType": "String", "StringValue": "reminder"},
                            "doctor": {"DataType": "String", "StringValue": appointment.doctor_id},
                        },
                    }
                )
            answer = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if answer.get("Failed"):
                raise RuntimeError(f"reminders not queued: {answer['Failed']}")
            by_id = {entry["Id"]: entry["MessageId"] for entry in answer["Successful"]}
            sent += [by_id[entry["Id"]] for entry in entries]
        return sent

    def collect(self, expected: int, timeout: float = 30) -> list[Reminder]:
        reminders = []
        for message in drain(self.sqs, self.queue_url, expected, timeout):
            body = json.loads(message["Body"])
            reminders.append(
                Reminder(
                    message_id=message["MessageId"],
                    receipt_handle=message["ReceiptHandle"],
                    appointment_id=body["appointment_id"],
                    patient_id=body["patient_id"],
                    slot_start=body["slot_start"],
                    remind_at=body["remind_at"],
                )
            )
        return sorted(reminders, key=lambda r: (r.slot_start, r.appointment_id))

    def send(self, reminders: list[Reminder]) -> int:
        """Text each patient (PublishBatch to the patients topic); how many were published."""
        published = 0
        for batch in chunks(reminders):
            answer = self.sns.publish_batch(
                TopicArn=self.topic_arn,
                PublishBatchRequestEntries=[
                    {
                        "Id": f"n{index}",
                        "Subject": "Appointment reminder",
                        "Message": json.dumps(
                            {
                                "patient_id": reminder.patient_id,
                                "appointment_id": reminder.appointment_id,
                                "text": f"Your appointment is at {reminder.slot_start}.",
                            }
                        ),
                        "MessageAttributes": {
                            "channel": {"DataType": "String", "StringValue": "sms"},
                        },
                    }
                    for index, reminder in enumerate(batch)
                ],
            )
            if answer.get("Failed"):
                raise RuntimeError(f"notifications failed: {answer['Failed']}")
            published += len(answer["Successful"])
        return published

    def acknowledge(self, reminders: list[Reminder]) -> int:
        deleted = 0
        for batch in chunks(reminders):
            answer = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": f"d{index}", "ReceiptHandle": reminder.receipt_handle}
                    for index, reminder in enumerate(batch)
                ],
            )
            if answer.get("Failed"):
                raise RuntimeError(f"reminders not deleted: {answer['Failed']}")
            deleted += len(answer["Successful"])
        return deleted
