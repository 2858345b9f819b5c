"""The fleet's infrastructure, made per run with generated names, and the service on top."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest
from fleet import DeviceCredentials, FleetOnboarding, FleetSettings

REGION = "us-east-1"

DEVICE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iot:Connect"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": ["*"]},
    ],
}

PUBLISHER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "codebuild.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def signing_key(run_id: str) -> Iterator[tuple[str, str]]:
    """The claim-signing key, written once by the platform team; the app only reads it."""
    ssm = boto3.client("ssm", region_name=REGION)
    name = f"/fleet/{run_id}/claim-signing-key"
    value = secrets.token_urlsafe(32)
    ssm.put_parameter(Name=name, Value=value, Type="SecureString", Description="claim HMAC key")
    yield name, value
    ssm.delete_parameter(Name=name)


@pytest.fixture(scope="session")
def registry_table(run_id: str) -> Iterator[str]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    name = f"fleet-registry-{run_id}"
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "thing_name", "AttributeType": "S"},
            {"AttributeName": "model", "AttributeType": "S"},
            {"AttributeName": "registered_at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "thing_name", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-model",
                "KeySchema": [
                    {"AttributeName": "model", "KeyType": "HASH"},
                    {"AttributeName": "registered_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture(scope="session")
def device_policy(run_id: str) -> Iterator[str]:
    iot = boto3.client("iot", region_name=REGION)
    name = f"fleet-device-{run_id}"
    iot.create_policy(policyName=name, policyDocument=json.dumps(DEVICE_POLICY))
    yield name
    iot.delete_policy(policyName=name)


@pytest.fixture(scope="session")
def events_topic(run_id: str) -> Iterator[str]:
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name=f"fleet-events-{run_id}")["TopicArn"]
    yield arn
    sns.delete_topic(TopicArn=arn)


@pytest.fixture(scope="session")
def publisher_role(run_id: str) -> Iterator[str]:
    iam = boto3.client("iam", region_name=REGION)
    name = f"firmware-publisher-{run_id}"
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(PUBLISHER_TRUST))[
        "Role"
    ]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="publish-firmware",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}],
            }
        ),
    )
    yield arn
    iam.delete_role_policy(RoleName=name, PolicyName="publish-firmware")
    iam.delete_role(RoleName=name)


@pytest.fixture(scope="session")
def identity_pool(run_id: str) -> Iterator[str]:
    cognito = boto3.client("cognito-identity", region_name=REGION)
    pool = cognito.create_identity_pool(
        IdentityPoolName=f"fleet_devices_{run_id}", AllowUnauthenticatedIdentities=True
    )
    yield pool["IdentityPoolId"]
    cognito.delete_identity_pool(IdentityPoolId=pool["IdentityPoolId"])


@pytest.fixture(scope="session")
def settings(
    registry_table: str,
    device_policy: str,
    events_topic: str,
    publisher_role: str,
    signing_key: tuple[str, str],
    identity_pool: str,
) -> FleetSettings:
    return FleetSettings(
        region=REGION,
        registry_table=registry_table,
        device_policy=device_policy,
        events_topic_arn=events_topic,
        publisher_role_arn=publisher_role,
        signing_key_parameter=signing_key[0],
        identity_pool_id=identity_pool,
    )


@pytest.fixture(scope="session")
def fleet(settings: FleetSettings) -> FleetOnboarding:
    """The service as it starts in production: it reads its signing key first."""
    return FleetOnboarding(settings)


def new_serial() -> str:
    return f"SN{secrets.randbelow(10**12):012d}"


@pytest.fixture
def device(fleet: FleetOnboarding) -> Iterator[DeviceCredentials]:
    creds = fleet.register_device("thermo-v2", new_serial(), firmware="1.4.0")
    yield creds
    fleet.decommission(creds.thing_name)


@pytest.fixture(scope="module")
def firmware_bucket() -> Iterator[str]:
    s3 = boto3.client("s3", region_name=REGION)
    name = f"fleet-firmware-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    versions = s3.list_object_versions(Bucket=name)
    for entry in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture(scope="module")
def telemetry_stream() -> Iterator[str]:
    kinesis = boto3.client("kinesis", region_name=REGION)
    name = f"fleet-telemetry-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    yield name
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
