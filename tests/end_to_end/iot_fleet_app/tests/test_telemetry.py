"""Devices report readings through the telemetry stream."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from fleet import DeviceCredentials, FleetOnboarding

pytestmark = pytest.mark.aws_cassette


def test_a_reading_round_trips(
    fleet: FleetOnboarding, device: DeviceCredentials, telemetry_stream: str
) -> None:
    celsius = round(random.uniform(18.0, 24.0), 2)
    sent = fleet.record_telemetry(telemetry_stream, device.thing_name, {"celsius": celsius})
    (got,) = fleet.read_telemetry(telemetry_stream, sent["shard"], sent["sequence"], limit=1)
    assert got["thing"] == device.thing_name
    assert got["reading_id"] == sent["id"]
    assert got["celsius"] == celsius
    assert got["ts"] <= time.time()
    assert got["arrived"] <= datetime.now(timezone.utc)


def test_readings_keep_their_order(
    fleet: FleetOnboarding, device: DeviceCredentials, telemetry_stream: str
) -> None:
    sent = [
        fleet.record_telemetry(
            telemetry_stream, device.thing_name, {"seq": n, "rssi": -random.randint(40, 90)}
        )
        for n in range(5)
    ]
    assert len({s["sequence"] for s in sent}) == 5
    got = fleet.read_telemetry(telemetry_stream, sent[0]["shard"], sent[0]["sequence"])
    mine = [r for r in got if r["thing"] == device.thing_name]
    assert [r["seq"] for r in mine] == list(range(5))
    assert [r["reading_id"] for r in mine] == [s["id"] for s in sent]


def test_the_stream_is_active_with_one_shard(telemetry_stream: str) -> None:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    summary = kinesis.describe_stream_summary(StreamName=telemetry_stream)[
        "StreamDescriptionSummary"
    ]
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["OpenShardCount"] == 1
    assert summary["StreamCreationTimestamp"] <= datetime.now(timezone.utc)


def test_a_device_identity_gets_temporary_credentials(fleet: FleetOnboarding) -> None:
    thing = f"boot-{uuid.uuid4()}"
    identity = fleet.device_identity(thing)
    region, _, ident = identity["identity_id"].partition(":")
    assert region == "us-east-1"
    assert uuid.UUID(ident)
    assert identity["AccessKeyId"] and identity["SecretKey"] and identity["SessionToken"]
    assert identity["Expiration"] > datetime.now(timezone.utc)


def test_registration_events_are_published(fleet: FleetOnboarding) -> None:
    message_id = fleet._event("device.probe", thing_name=f"probe-{uuid.uuid4().hex[:8]}")
    assert uuid.UUID(message_id)
