"""Start-up: the service reads its configuration before anything else."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from clinic import Clinic, ConfigError

pytestmark = pytest.mark.aws_cassette

REGION = "eu-west-1"


def test_start_reads_resource_names(clinic, environment):
    config = clinic.config
    assert config.slots_table == environment.slots_table
    assert config.appointments_table == environment.appointments_table
    assert config.reminders_queue_url == environment.reminders_queue_url
    assert config.patients_topic_arn == environment.topic_arn
    assert config.event_bus == environment.bus
    assert config.billing_bucket == environment.bucket
    assert config.slot_minutes == 30


def test_secure_string_is_decrypted(clinic, environment):
    assert clinic.config.sms_api_key == environment.sms_api_key


def test_payment_gateway_comes_from_secrets_manager(clinic, environment):
    assert clinic.config.payment_gateway == environment.gateway


def test_opening_hours_string_list(clinic):
    assert clinic.config.opening_hours == ("08:00", "17:00")


def test_feature_flags_read_across_pages(clinic):
    # 14 parameters, read 10 a page
    assert clinic.config.features == {
        "online-booking": True,
        "sms-reminders": False,
        "waiting-list": True,
        "video-visits": False,
    }
    assert len(clinic.config.versions) == 14


def test_missing_parameter_refuses_to_start(environment):
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.delete_parameter(Name=f"/clinic/{environment.name}/buckets/billing")
    with pytest.raises(ConfigError, match="buckets/billing"):
        Clinic.start(environment.name, region=REGION)


def test_plain_string_key_is_refused(environment):
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(
        Name=f"/clinic/{environment.name}/sms/api-key",
        Value="plain-text-key",
        Type="String",
        Overwrite=True,
    )
    with pytest.raises(ConfigError, match="SecureString"):
        Clinic.start(environment.name, region=REGION)


def test_unknown_environment_refuses_to_start():
    with pytest.raises(ConfigError, match="missing tables/slots"):
        Clinic.start(f"nowhere-{uuid.uuid4().hex[:8]}", region=REGION)


def test_rotated_gateway_key_is_read_at_next_start(clinic, environment):
    rotated = {**environment.gateway, "api_key": uuid.uuid4().hex + uuid.uuid4().hex}
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=environment.secret_id, SecretString=json.dumps(rotated)
    )
    restarted = Clinic.start(environment.name, region=REGION)
    assert restarted.config.payment_gateway == rotated
    assert clinic.config.payment_gateway == environment.gateway  # read once, at start-up
