"""The service's configuration, read once at start-up.

Parameter Store holds everything under ``/clinic/<environment>/`` (resource names as
Strings, the opening hours as a StringList, the SMS provider's key as a SecureString,
feature flags under ``features/``); Secrets Manager holds the payment gateway's
credentials as a JSON document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

REQUIRED = (
    "tables/slots",
    "tables/appointments",
    "queues/reminders",
    "topics/patients",
    "buses/clinic",
    "buckets/billing",
    "claims/state-machine",
    "slot-minutes",
    "opening-hours",
    "sms/api-key",
)


class ConfigError(Exception):
    """The environment's configuration is incomplete: the service refuses to start."""


@dataclass(frozen=True)
class ClinicConfig:
    environment: str
    slots_table: str
    appointments_table: str
    reminders_queue_url: str
    patients_topic_arn: str
    event_bus: str
    billing_bucket: str
    claims_state_machine_arn: str
    slot_minutes: int
    opening_hours: tuple[str, str]
    sms_api_key: str
    payment_gateway: dict[str, str]
    features: dict[str, bool] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Any, environment: str) -> ClinicConfig:
        prefix = f"/clinic/{environment}/"
        ssm = session.client("ssm")
        found: dict[str, dict[str, Any]] = {}
        pages = ssm.get_paginator("get_parameters_by_path").paginate(
            Path=prefix,
            Recursive=True,
            WithDecryption=True,
            PaginationConfig={"PageSize": 10},
        )
        for page in pages:
            for parameter in page["Parameters"]:
                found[parameter["Name"][len(prefix) :]] = parameter
        missing = [name for name in REQUIRED if name not in found]
        if missing:
            raise ConfigError(f"{prefix}: missing {', '.join(missing)}")
        if found["sms/api-key"]["Type"] != "SecureString":
            raise ConfigError(f"{prefix}sms/api-key must be a SecureString")
        secret_id = f"clinic/{environment}/payment-gateway"
        secrets = session.client("secretsmanager")
        try:
            secret = secrets.get_secret_value(SecretId=secret_id)
        except secrets.exceptions.ResourceNotFoundException as exc:
            raise ConfigError(f"no secret {secret_id}") from exc
        gateway = json.loads(secret["SecretString"])
        opening, closing = found["opening-hours"]["Value"].split(",")
        return cls(
            environment=environment,
            slots_table=found["tables/slots"]["Value"],
            appointments_table=found["tables/appointments"]["Value"],
            reminders_queue_url=found["queues/reminders"]["Value"],
            patients_topic_arn=found["topics/patients"]["Value"],
            event_bus=found["buses/clinic"]["Value"],
            billing_bucket=found["buckets/billing"]["Value"],
            claims_state_machine_arn=found["claims/state-machine"]["Value"],
            slot_minutes=int(found["slot-minutes"]["Value"]),
            opening_hours=(opening.strip(), closing.strip()),
            sms_api_key=found["sms/api-key"]["Value"],
            payment_gateway={"merchant_id": gateway["merchant_id"], "api_key": gateway["api_key"]},
            features={
                name.split("/", 1)[1]: parameter["Value"].lower() == "on"
                for name, parameter in found.items()
                if name.startswith("features/")
            },
            versions={name: int(parameter["Version"]) for name, parameter in found.items()},
        )
