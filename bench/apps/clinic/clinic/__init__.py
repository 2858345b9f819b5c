"""Clinic appointments: schedules, bookings, reminders, invoices and insurance claims."""

from clinic.app import Clinic
from clinic.billing import Invoice
from clinic.booking import Appointment, SlotTaken
from clinic.claims import ClaimResult
from clinic.config import ClinicConfig, ConfigError
from clinic.reminders import Reminder
from clinic.schedule import Slot

__all__ = [
    "Appointment",
    "ClaimResult",
    "Clinic",
    "ClinicConfig",
    "ConfigError",
    "Invoice",
    "Reminder",
    "Slot",
    "SlotTaken",
]
