"""Each test gets its own environment: tables, queues, a topic, an event bus, a bucket,
its configuration in Parameter Store and Secrets Manager, all named with fresh uuids. The
claims workflow is deployed once per session."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from clinic import Clinic
from clinic.claims import DEFINITION

REGION = "eu-west-1"
CLAIMS_ROLE = "arn:aws:iam::123456789012:role/clinic-claims"
FEATURES = ["online-booking", "sms-reminders", "waiting-list", "video-visits"]


@dataclass(frozen=True)
class Environment:
    name: str
    slots_table: str
    appointments_table: str
    reminders_queue_url: str
    audit_queue_url: str
    outbox_queue_url: str
    topic_arn: str
    bus: str
    bucket: str
    sms_api_key: str
    gateway: dict[str, str]
    secret_id: str


def client(service: str):
    return boto3.client(service, region_name=REGION)


@pytest.fixture(scope="session")
def claims_state_machine() -> Iterator[str]:
    sfn = client("stepfunctions")
    arn = sfn.create_state_machine(
        name=f"clinic-claims-{uuid.uuid4().hex[:12]}",
        definition=json.dumps(DEFINITION),
        roleArn=CLAIMS_ROLE,
    )["stateMachineArn"]
    yield arn
    sfn.delete_state_machine(stateMachineArn=arn)


def _table(dynamodb, name: str, hash_key: str, range_key: str | None = None) -> None:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    attributes = [{"AttributeName": hash_key, "AttributeType": "S"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        attributes.append({"AttributeName": range_key, "AttributeType": "S"})
    dynamodb.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
    )


def _queue(sqs, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


@pytest.fixture
def environment(claims_state_machine: str) -> Iterator[Environment]:
    name = f"t-{uuid.uuid4().hex[:12]}"
    dynamodb, sqs, sns = client("dynamodb"), client("sqs"), client("sns")
    events, s3, ssm = client("events"), client("s3"), client("ssm")
    secretsmanager = client("secretsmanager")

    slots_table = f"clinic-slots-{uuid.uuid4()}"
    appointments_table = f"clinic-appointments-{uuid.uuid4()}"
    _table(dynamodb, slots_table, "doctor_id", "slot_start")
    _table(dynamodb, appointments_table, "appointment_id")
    for table in (slots_table, appointments_table):
        dynamodb.get_waiter("table_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )

    reminders_url, _ = _queue(sqs, f"clinic-reminders-{uuid.uuid4().hex}")
    audit_url, audit_arn = _queue(sqs, f"clinic-audit-{uuid.uuid4().hex}")
    outbox_url, outbox_arn = _queue(sqs, f"clinic-outbox-{uuid.uuid4().hex}")

    topic_arn = sns.create_topic(Name=f"clinic-patients-{uuid.uuid4().hex}")["TopicArn"]
    subscription = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=outbox_arn,
        Attributes={"RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]

    bus = f"clinic-{uuid.uuid4().hex[:16]}"
    events.create_event_bus(Name=bus)
    rule = f"audit-{uuid.uuid4().hex[:12]}"
    events.put_rule(
        Name=rule,
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["clinic.booking"]}),
        State="ENABLED",
    )
    events.put_targets(
        Rule=rule, EventBusName=bus, Targets=[{"Id": "audit-queue", "Arn": audit_arn}]
    )

    bucket = f"clinic-billing-{uuid.uuid4().hex[:20]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.get_waiter("bucket_exists").wait(Bucket=bucket, WaiterConfig={"Delay": 1})

    sms_api_key = secrets.token_urlsafe(24)
    prefix = f"/clinic/{name}/"
    strings = {
        "tables/slots": slots_table,
        "tables/appointments": appointments_table,
        "queues/reminders": reminders_url,
        "topics/patients": topic_arn,
        "buses/clinic": bus,
        "buckets/billing": bucket,
        "claims/state-machine": claims_state_machine,
        "slot-minutes": "30",
        **{f"features/{flag}": "on" if i % 2 == 0 else "off" for i, flag in enumerate(FEATURES)},
    }
    for key, value in strings.items():
        ssm.put_parameter(Name=prefix + key, Value=value, Type="String")
    ssm.put_parameter(Name=prefix + "opening-hours", Value="08:00,17:00", Type="StringList")
    ssm.put_parameter(Name=prefix + "sms/api-key", Value=sms_api_key, Type="SecureString")

    gateway = {"merchant_id": f"m-{secrets.token_hex(6)}", "api_key": secrets.token_hex(20)}
    secret_id = f"clinic/{name}/payment-gateway"
    secretsmanager.create_secret(Name=secret_id, SecretString=json.dumps(gateway))

    yield Environment(
        name=name,
        slots_table=slots_table,
        appointments_table=appointments_table,
        reminders_queue_url=reminders_url,
        audit_queue_url=audit_url,
        outbox_queue_url=outbox_url,
        topic_arn=topic_arn,
        bus=bus,
        bucket=bucket,
        sms_api_key=sms_api_key,
        gateway=gateway,
        secret_id=secret_id,
    )

    secretsmanager.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)
    names = [
        parameter["Name"]
        for page in ssm.get_paginator("get_parameters_by_path").paginate(
            Path=prefix, Recursive=True
        )
        for parameter in page["Parameters"]
    ]
    for i in range(0, len(names), 10):
        ssm.delete_parameters(Names=names[i : i + 10])
    objects = [
        {"Key": entry["Key"]}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for entry in page.get("Contents", [])
    ]
    if objects:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    s3.delete_bucket(Bucket=bucket)
    events.remove_targets(Rule=rule, EventBusName=bus, Ids=["audit-queue"])
    events.delete_rule(Name=rule, EventBusName=bus)
    events.delete_event_bus(Name=bus)
    sns.unsubscribe(SubscriptionArn=subscription)
    sns.delete_topic(TopicArn=topic_arn)
    for url in (reminders_url, audit_url, outbox_url):
        sqs.delete_queue(QueueUrl=url)
    for table in (slots_table, appointments_table):
        dynamodb.delete_table(TableName=table)


@pytest.fixture
def clinic(environment: Environment) -> Clinic:
    """The service as it starts in production: configuration first."""
    return Clinic.start(environment.name, region=REGION)


@pytest.fixture
def doctor_id() -> str:
    return f"dr-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def patient_id() -> str:
    return f"pt-{uuid.uuid4()}"
