"""Manifests sealed with KMS (encrypt/decrypt round trips, data keys, re-encryption,
aliases, grants) and partner credentials in Secrets Manager (versions, stages, rotation),
values the model marks sensitive and recorded as placeholders."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def _key(yard, **kw):
    return yard.client("kms").create_key(Description="manifests", **kw)["KeyMetadata"]


def test_manifest_roundtrip(yard, suffix, observed):
    key = _key(yard)
    manifest = {"containers": ["MSCU1", "TGHU2"], "nonce": secrets.token_hex(8), "at": time.time()}
    blob = yard.seal_manifest(key["KeyId"], manifest, "botany")
    back = yard.open_manifest(blob, "botany")
    observed("round trip", back == manifest)
    observed("blob is bytes", isinstance(blob, bytes) and len(blob) > 0)


def test_wrong_context_fails(yard, suffix, observed):
    key = _key(yard)
    blob = yard.seal_manifest(key["KeyId"], {"n": 1}, "botany")
    with pytest.raises(ClientError) as err:
        yard.open_manifest(blob, "fremantle")
    observed("code", err.value.response["Error"]["Code"])


def test_data_key_envelope(yard, suffix, observed):
    kms = yard.client("kms")
    key = _key(yard)
    dk = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    observed("plain len", len(dk["Plaintext"]))
    back = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"]
    observed("decrypts to plain", back == dk["Plaintext"])
    observed("key id", dk["KeyId"].endswith(key["KeyId"]))


def test_reencrypt_to_new_key(yard, suffix, observed):
    kms = yard.client("kms")
    a, b = _key(yard), _key(yard)
    secret = uuid.uuid4().bytes
    blob = kms.encrypt(KeyId=a["KeyId"], Plaintext=secret)["CiphertextBlob"]
    re = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=b["KeyId"])
    observed("source", re["SourceKeyId"].endswith(a["KeyId"]))
    observed("dest", re["KeyId"].endswith(b["KeyId"]))
    back = kms.decrypt(CiphertextBlob=re["CiphertextBlob"])
    observed("same secret", back["Plaintext"] == secret)


def test_alias_and_describe(yard, suffix, observed):
    kms = yard.client("kms")
    key = _key(yard, Tags=[{"TagKey": "yard", "TagValue": "botany"}])
    kms.create_alias(AliasName=f"alias/manifest-{suffix}", TargetKeyId=key["KeyId"])
    d = kms.describe_key(KeyId=f"alias/manifest-{suffix}")["KeyMetadata"]
    observed("same key", d["KeyId"] == key["KeyId"])
    observed("usage", (d.get("KeyUsage"), d.get("KeySpec"), d["KeyState"]))
    observed("created recently", abs(d["CreationDate"].timestamp() - time.time()) < 120)
    names = (
        kms.get_paginator("list_aliases").paginate(KeyId=key["KeyId"]).search("Aliases[].AliasName")
    )
    observed("aliases", [n.replace(suffix, "S") for n in names])


def test_random_and_rotation(yard, suffix, observed):
    kms = yard.client("kms")
    key = _key(yard)
    r1 = kms.generate_random(NumberOfBytes=16)["Plaintext"]
    observed("random len", len(r1))
    kms.enable_key_rotation(KeyId=key["KeyId"])
    observed("rotation", kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"])


def test_sign_verify(yard, suffix, observed):
    kms = yard.client("kms")
    key = _key(yard, KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")
    msg = json.dumps({"release": "MSCU9", "nonce": secrets.token_hex(4)}).encode()
    sig = kms.sign(KeyId=key["KeyId"], Message=msg, SigningAlgorithm="RSASSA_PSS_SHA_256")[
        "Signature"
    ]
    ok = kms.verify(
        KeyId=key["KeyId"], Message=msg, Signature=sig, SigningAlgorithm="RSASSA_PSS_SHA_256"
    )
    observed("valid", ok["SignatureValid"])


def test_secret_create_and_read(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    value = {"user": "partner", "password": secrets.token_urlsafe(12), "port": 5439}
    made = sm.create_secret(Name=f"partner/{suffix}", SecretString=json.dumps(value))
    got = sm.get_secret_value(SecretId=f"partner/{suffix}")
    observed("same value", json.loads(got["SecretString"]) == value)
    observed("version", got["VersionId"] == made["VersionId"])
    observed("stages", got["VersionStages"])


def test_secret_versions_and_stages(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    name = f"gate/{suffix}"
    sm.create_secret(Name=name, SecretString="one-" + secrets.token_hex(4))
    second = "two-" + secrets.token_hex(4)
    v2 = sm.put_secret_value(
        SecretId=name, SecretString=second, ClientRequestToken=str(uuid.uuid4())
    )
    observed("v2 stages", v2["VersionStages"])
    prev = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"]
    observed("previous is one", prev.startswith("one-"))
    cur = sm.get_secret_value(SecretId=name)["SecretString"]
    observed("current is ours", cur == second)
    ids = sm.list_secret_version_ids(SecretId=name)["Versions"]
    observed("stages seen", sorted(s for v in ids for s in v["VersionStages"]))


def test_secret_binary(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    raw = secrets.token_bytes(24)
    sm.create_secret(Name=f"bin/{suffix}", SecretBinary=raw)
    got = sm.get_secret_value(SecretId=f"bin/{suffix}")
    observed("binary back", got["SecretBinary"] == raw)


def test_secret_rotation_versions(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    name = f"rot/{suffix}"
    first = sm.create_secret(Name=name, SecretString="v1-" + secrets.token_hex(4))["VersionId"]
    token = str(uuid.uuid4())
    out = sm.rotate_secret(
        SecretId=name,
        ClientRequestToken=token,
        RotateImmediately=True,
        RotationRules={"AutomaticallyAfterDays": 30},
    )
    observed("version is token", out["VersionId"] == token)
    d = sm.describe_secret(SecretId=name)
    stages = d["VersionIdsToStages"]
    observed("first kept", first in stages)
    observed("rotation on", d.get("RotationEnabled"))
    observed("days", d["RotationRules"]["AutomaticallyAfterDays"])


def test_secret_update_stage_by_hand(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    name = f"stage/{suffix}"
    v1 = sm.create_secret(Name=name, SecretString="a")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="b", VersionStages=["AWSPENDING"])[
        "VersionId"
    ]
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1
    )
    d = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    observed("v2 current", "AWSCURRENT" in d[v2])
    observed("v1 previous", d[v1])
    observed("now b", sm.get_secret_value(SecretId=name)["SecretString"])


@pytest.mark.aws_contract("warn")  # moto's limits: ResourceNotFound as HTTP 404
def test_secret_list_filter_and_missing(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    for i in range(3):
        sm.create_secret(
            Name=f"list-{suffix}-{i}",
            SecretString=str(i),
            Tags=[{"Key": "yard", "Value": "botany"}],
        )
    names = (
        sm.get_paginator("list_secrets")
        .paginate(Filters=[{"Key": "name", "Values": [f"list-{suffix}"]}])
        .search("SecretList[].Name")
    )
    observed("names", sorted(n.replace(suffix, "S") for n in names))
    with pytest.raises(ClientError) as err:
        sm.get_secret_value(SecretId=f"missing-{suffix}")
    observed("missing", err.value.response["Error"]["Code"])


def test_random_password(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    pw = sm.get_random_password(PasswordLength=20, ExcludePunctuation=True)["RandomPassword"]
    observed("len", len(pw))
    observed("alnum", pw.isalnum())
    blob = base64.b64encode(pw.encode()).decode()
    made = sm.create_secret(Name=f"gen/{suffix}", SecretString=blob)
    observed("stored back", sm.get_secret_value(SecretId=made["ARN"])["SecretString"] == blob)


def test_secret_describe_times(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    sm.create_secret(
        Name=f"times/{suffix}", SecretString="t", Tags=[{"Key": "ticket", "Value": "TCK-2026-0042"}]
    )
    d = sm.describe_secret(SecretId=f"times/{suffix}")
    observed("changed recently", abs(d["LastChangedDate"].timestamp() - time.time()) < 120)
    observed("tags", d["Tags"])
