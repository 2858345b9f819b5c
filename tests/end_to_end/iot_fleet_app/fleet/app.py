"""Fleet onboarding: registers devices in IoT Core, hands out their certificates, keeps a
registry in DynamoDB, publishes firmware to S3 and records device telemetry in Kinesis.

The claim-signing key is a SecureString in SSM Parameter Store, read once at start-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

REGISTERED = "REGISTERED"
RETIRED = "RETIRED"


@dataclass(frozen=True)
class FleetSettings:
    region: str
    registry_table: str
    device_policy: str
    events_topic_arn: str
    publisher_role_arn: str
    signing_key_parameter: str
    identity_pool_id: str = ""


@dataclass(frozen=True)
class DeviceCredentials:
    thing_name: str
    certificate_id: str
    certificate_arn: str
    certificate_pem: str
    private_key: str
    public_key: str
    claim: str


@dataclass(frozen=True)
class FirmwareImage:
    bucket: str
    key: str
    version: str
    sha256: str
    etag: str
    size: int


class ClaimRejected(Exception):
    """A provisioning claim whose signature does not verify."""


class FleetOnboarding:
    def __init__(self, settings: FleetSettings, session: boto3.Session | None = None) -> None:
        self.settings = settings
        self._session = session or boto3.Session(region_name=settings.region)
        self.iot = self._session.client("iot")
        self.s3 = self._session.client("s3")
        self.sns = self._session.client("sns")
        self.sts = self._session.client("sts")
        self.kinesis = self._session.client("kinesis")
        self.cognito = self._session.client("cognito-identity")
        self.registry = self._session.resource("dynamodb").Table(settings.registry_table)
        # start-up: the claim-signing key never lives in code or configuration
        parameter = self._session.client("ssm").get_parameter(
            Name=settings.signing_key_parameter, WithDecryption=True
        )["Parameter"]
        self._signing_key = parameter["Value"].encode()
        self.signing_key_version = parameter["Version"]
        self.started_at = datetime.now(timezone.utc)

    # -- provisioning claims -------------------------------------------------------------

    @property
    def signing_key_fingerprint(self) -> str:
        return hashlib.sha256(self._signing_key).hexdigest()[:16]

    def sign_claim(self, thing_name: str, certificate_id: str) -> str:
        body = json.dumps(
            {"thing": thing_name, "cert": certificate_id, "iat": int(time.time())},
            sort_keys=True,
        ).encode()
        mac = hmac.new(self._signing_key, body, hashlib.sha256).digest()
        return (
            base64.urlsafe_b64encode(body).decode().rstrip("=")
            + "."
            + base64.urlsafe_b64encode(mac).decode().rstrip("=")
        )

    def verify_claim(self, claim: str) -> dict[str, Any]:
        try:
            body_part, mac_part = claim.split(".")
            body = base64.urlsafe_b64decode(body_part + "=" * (-len(body_part) % 4))
            mac = base64.urlsafe_b64decode(mac_part + "=" * (-len(mac_part) % 4))
        except ValueError as exc:
            raise ClaimRejected(f"malformed claim: {exc}") from exc
        expected = hmac.new(self._signing_key, body, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            raise ClaimRejected("bad signature")
        payload: dict[str, Any] = json.loads(body)
        return payload

    # -- devices ------------------------------------------------------------------------

    def register_device(
        self, model: str, serial: str, firmware: str = "0.0.0"
    ) -> DeviceCredentials:
        thing_name = f"{model}-{serial}"
        self.iot.create_thing(
            thingName=thing_name,
            attributePayload={"attributes": {"model": model, "serial": serial}},
        )
        keys = self.iot.create_keys_and_certificate(setAsActive=True)
        certificate_arn = keys["certificateArn"]
        self.iot.attach_policy(policyName=self.settings.device_policy, target=certificate_arn)
        self.iot.attach_thing_principal(thingName=thing_name, principal=certificate_arn)
        registered_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.registry.put_item(
            Item={
                "thing_name": thing_name,
                "device_id": str(uuid.uuid4()),
                "model": model,
                "serial": serial,
                "certificate_id": keys["certificateId"],
                "firmware": firmware,
                "status": REGISTERED,
                "registered_at": registered_at,
            }
        )
        self._event("device.registered", thing_name=thing_name, model=model)
        return DeviceCredentials(
            thing_name=thing_name,
            certificate_id=keys["certificateId"],
            certificate_arn=certificate_arn,
            certificate_pem=keys["certificatePem"],
            private_key=keys["keyPair"]["PrivateKey"],
            public_key=keys["keyPair"]["PublicKey"],
            claim=self.sign_claim(thing_name, keys["certificateId"]),
        )

    def device(self, thing_name: str) -> dict[str, Any]:
        record: dict[str, Any] = self.registry.get_item(Key={"thing_name": thing_name})["Item"]
        thing = self.iot.describe_thing(thingName=thing_name)
        record["attributes"] = thing.get("attributes", {})
        record["principals"] = self.iot.list_thing_principals(thingName=thing_name)["principals"]
        return record

    def devices_by_model(self, model: str) -> list[dict[str, Any]]:
        found = self.registry.query(
            IndexName="by-model", KeyConditionExpression=Key("model").eq(model)
        )
        return sorted(found["Items"], key=lambda item: item["registered_at"])

    def certificate(self, certificate_id: str) -> dict[str, Any]:
        described: dict[str, Any] = self.iot.describe_certificate(certificateId=certificate_id)
        return described["certificateDescription"]

    def rotate_certificate(self, thing_name: str) -> DeviceCredentials:
        record = self.registry.get_item(Key={"thing_name": thing_name})["Item"]
        old = self.certificate(record["certificate_id"])
        keys = self.iot.create_keys_and_certificate(setAsActive=True)
        self.iot.attach_policy(
            policyName=self.settings.device_policy, target=keys["certificateArn"]
        )
        self.iot.attach_thing_principal(thingName=thing_name, principal=keys["certificateArn"])
        self.iot.detach_thing_principal(thingName=thing_name, principal=old["certificateArn"])
        self.iot.update_certificate(certificateId=old["certificateId"], newStatus="INACTIVE")
        self.registry.update_item(
            Key={"thing_name": thing_name},
            UpdateExpression="SET certificate_id = :c, previous_certificate_id = :p",
            ExpressionAttributeValues={":c": keys["certificateId"], ":p": old["certificateId"]},
        )
        self._event("device.rotated", thing_name=thing_name)
        return DeviceCredentials(
            thing_name=thing_name,
            certificate_id=keys["certificateId"],
            certificate_arn=keys["certificateArn"],
            certificate_pem=keys["certificatePem"],
            private_key=keys["keyPair"]["PrivateKey"],
            public_key=keys["keyPair"]["PublicKey"],
            claim=self.sign_claim(thing_name, keys["certificateId"]),
        )

    def decommission(self, thing_name: str) -> None:
        principals = self.iot.list_thing_principals(thingName=thing_name)["principals"]
        for principal in principals:
            certificate_id = principal.rsplit("/", 1)[1]
            self.iot.detach_thing_principal(thingName=thing_name, principal=principal)
            self.iot.detach_policy(policyName=self.settings.device_policy, target=principal)
            self.iot.update_certificate(certificateId=certificate_id, newStatus="INACTIVE")
            self.iot.delete_certificate(certificateId=certificate_id)
        self.iot.delete_thing(thingName=thing_name)
        self.registry.update_item(
            Key={"thing_name": thing_name},
            UpdateExpression="SET #s = :s, retired_at = :t",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": RETIRED,
                ":t": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            },
        )
        self._event("device.retired", thing_name=thing_name)

    def _event(self, kind: str, **detail: str) -> str:
        message_id: str = self.sns.publish(
            TopicArn=self.settings.events_topic_arn,
            Subject=kind,
            Message=json.dumps({"kind": kind, "at": time.time(), **detail}),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": kind}},
        )["MessageId"]
        return message_id

    # -- firmware -----------------------------------------------------------------------

    def publish_firmware(
        self, bucket: str, model: str, version: str, image: bytes
    ) -> FirmwareImage:
        key = f"firmware/{model}/{version}.bin"
        put = self.s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=image,
            ChecksumAlgorithm="SHA256",
            ContentType="application/octet-stream",
            Metadata={"model": model, "version": version},
        )
        return FirmwareImage(
            bucket=bucket,
            key=key,
            version=version,
            sha256=put["ChecksumSHA256"],
            etag=put["ETag"].strip('"'),
            size=len(image),
        )

    def firmware_checksum(self, bucket: str, key: str) -> dict[str, Any]:
        head: dict[str, Any] = self.s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        return head

    def firmware_versions(self, bucket: str, model: str) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=bucket, Prefix=f"firmware/{model}/")
        return sorted(
            obj["Key"].rsplit("/", 1)[1].removesuffix(".bin") for obj in listed.get("Contents", [])
        )

    def download_url(self, bucket: str, key: str, expires: int = 900) -> str:
        url: str = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires
        )
        return url

    def upload_url(self, bucket: str, key: str, expires: int = 300) -> str:
        url: str = self.s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": bucket, "Key": key, "ContentType": "application/octet-stream"},
            ExpiresIn=expires,
        )
        return url

    def publisher_session(self, build_id: str) -> boto3.Session:
        """Credentials of the firmware-publisher role, for the build pipeline."""
        assumed = self.sts.assume_role(
            RoleArn=self.settings.publisher_role_arn,
            RoleSessionName=f"fw-build-{build_id}",
            DurationSeconds=900,
        )
        creds = assumed["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=self.settings.region,
        )

    def device_identity(self, thing_name: str) -> dict[str, Any]:
        """A Cognito identity and its temporary credentials, for a device's first boot."""
        identity_id = self.cognito.get_id(IdentityPoolId=self.settings.identity_pool_id)[
            "IdentityId"
        ]
        got: dict[str, Any] = self.cognito.get_credentials_for_identity(IdentityId=identity_id)
        return {"thing_name": thing_name, "identity_id": identity_id, **got["Credentials"]}

    # -- telemetry ----------------------------------------------------------------------

    def record_telemetry(
        self, stream: str, thing_name: str, reading: dict[str, Any]
    ) -> dict[str, str]:
        body = {"thing": thing_name, "reading_id": uuid.uuid4().hex, "ts": time.time(), **reading}
        put = self.kinesis.put_record(
            StreamName=stream, Data=json.dumps(body).encode(), PartitionKey=thing_name
        )
        return {
            "shard": put["ShardId"],
            "sequence": put["SequenceNumber"],
            "id": body["reading_id"],
        }

    def read_telemetry(
        self, stream: str, shard: str, sequence: str, limit: int = 100
    ) -> list[dict[str, Any]]:
        iterator = self.kinesis.get_shard_iterator(
            StreamName=stream,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=sequence,
        )["ShardIterator"]
        records = self.kinesis.get_records(ShardIterator=iterator, Limit=limit)["Records"]
        return [
            {**json.loads(r["Data"]), "arrived": r["ApproximateArrivalTimestamp"]} for r in records
        ]
