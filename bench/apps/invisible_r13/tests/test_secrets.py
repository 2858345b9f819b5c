"""The payment gateway's key in Secrets Manager, rotated by version stages; tickets sealed
with KMS under an encryption context."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import GATEWAY_KEY

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def secret(box, suffix):
    sm = box.client("secretsmanager")
    out = sm.create_secret(
        Name=f"boxoffice/gateway-{suffix}",
        SecretString=json.dumps({"key": GATEWAY_KEY, "merchant": "M-77"}),
        ClientRequestToken=str(uuid.uuid4()),
    )
    return out["ARN"]


def _stages(sm, arn):
    versions = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    return sorted(sorted(s) for s in versions.values())


def test_read_gateway_key(box, secret, observed):
    sm = box.client("secretsmanager")
    got = json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])
    observed("key_is_ours", got["key"] == GATEWAY_KEY)
    observed("merchant", got["merchant"])


def test_manual_rotation_by_stages(box, secret, observed):
    sm = box.client("secretsmanager")
    current = sm.get_secret_value(SecretId=secret)["VersionId"]
    pending = str(uuid.uuid4())
    new_key = sm.get_random_password(PasswordLength=32, ExcludePunctuation=True)["RandomPassword"]
    sm.put_secret_value(
        SecretId=secret,
        ClientRequestToken=pending,
        SecretString=json.dumps({"key": new_key, "merchant": "M-77"}),
        VersionStages=["AWSPENDING"],
    )
    observed("stages_pending", _stages(sm, secret))
    staged = json.loads(
        sm.get_secret_value(SecretId=secret, VersionStage="AWSPENDING")["SecretString"]
    )
    observed("pending_key_is_new", staged["key"] == new_key)
    sm.update_secret_version_stage(
        SecretId=secret,
        VersionStage="AWSCURRENT",
        MoveToVersionId=pending,
        RemoveFromVersionId=current,
    )
    observed("stages_after", _stages(sm, secret))
    now = sm.get_secret_value(SecretId=secret)
    observed("current_is_pending", now["VersionId"] == pending)
    prev = sm.get_secret_value(SecretId=secret, VersionStage="AWSPREVIOUS")
    observed("previous_is_old", prev["VersionId"] == current)
    observed("previous_key", json.loads(prev["SecretString"])["key"] == GATEWAY_KEY)


def test_random_password_shape(box, observed):
    sm = box.client("secretsmanager")
    pw = sm.get_random_password(
        PasswordLength=24, ExcludeCharacters="/@\"'\\", RequireEachIncludedType=True
    )["RandomPassword"]
    observed("length", len(pw))
    observed("has_digit", any(c.isdigit() for c in pw))
    observed("no_excluded", not set(pw) & set("/@\"'\\"))


def test_put_value_idempotent_token(box, secret, observed):
    sm = box.client("secretsmanager")
    token = str(uuid.uuid4())
    a = sm.put_secret_value(SecretId=secret, ClientRequestToken=token, SecretString="v2")
    b = sm.put_secret_value(SecretId=secret, ClientRequestToken=token, SecretString="v2")
    observed("same_version", a["VersionId"] == b["VersionId"] == token)
    try:
        sm.put_secret_value(SecretId=secret, ClientRequestToken=token, SecretString="v3")
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])


def test_version_ids_listed(box, secret, observed):
    sm = box.client("secretsmanager")
    for i in range(3):
        sm.put_secret_value(SecretId=secret, SecretString=f"v{i}")
    versions = sm.list_secret_version_ids(SecretId=secret, IncludeDeprecated=True)["Versions"]
    observed("count", len(versions))
    observed("stages", sorted(sorted(v.get("VersionStages", [])) for v in versions))


def test_deleted_secret_access(box, secret, observed):
    sm = box.client("secretsmanager")
    out = sm.delete_secret(SecretId=secret, RecoveryWindowInDays=7)
    observed("deletion_date_type", type(out["DeletionDate"]).__name__)
    try:
        sm.get_secret_value(SecretId=secret)
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
    sm.restore_secret(SecretId=secret)
    observed(
        "restored", json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])["merchant"]
    )


@pytest.fixture
def key(box, suffix):
    kms = box.client("kms")
    key_id = kms.create_key(Description=f"tickets-{suffix}")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/tickets-{suffix}", TargetKeyId=key_id)
    return key_id


def test_seal_and_open_ticket(box, key, observed):
    kms = box.client("kms")
    ctx = {"event": "tour-2027", "seat": "A-1"}
    blob = kms.encrypt(KeyId=key, Plaintext=b"ticket:A-1:fan-9", EncryptionContext=ctx)
    observed("key_arn_ends", blob["KeyId"].endswith(key))
    out = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext=ctx)
    observed("plain", out["Plaintext"].decode())
    observed("algo", out.get("EncryptionAlgorithm"))


def test_wrong_context_refused(box, key, observed):
    kms = box.client("kms")
    blob = kms.encrypt(KeyId=key, Plaintext=b"ticket", EncryptionContext={"seat": "A-1"})[
        "CiphertextBlob"
    ]
    try:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"seat": "B-2"})
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])


def test_encrypt_by_alias(box, key, suffix, observed):
    kms = box.client("kms")
    blob = kms.encrypt(KeyId=f"alias/tickets-{suffix}", Plaintext=b"by-alias")["CiphertextBlob"]
    out = kms.decrypt(CiphertextBlob=blob)
    observed("plain", out["Plaintext"])
    observed("same_key", out["KeyId"].endswith(key))


def test_data_key_envelope(box, key, observed):
    kms = box.client("kms")
    dk = kms.generate_data_key(KeyId=key, KeySpec="AES_256", EncryptionContext={"k": "v"})
    observed("plain_len", len(dk["Plaintext"]))
    back = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"k": "v"})
    observed("same_plain", back["Plaintext"] == dk["Plaintext"])
    observed(
        "digest_stable",
        hashlib.sha256(dk["Plaintext"]).hexdigest()
        == hashlib.sha256(back["Plaintext"]).hexdigest(),
    )


def test_re_encrypt_to_new_key(box, key, suffix, observed):
    kms = box.client("kms")
    other = kms.create_key(Description=f"tickets-next-{suffix}")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"move me", EncryptionContext={"a": "1"})
    moved = kms.re_encrypt(
        CiphertextBlob=blob["CiphertextBlob"],
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=other,
        DestinationEncryptionContext={"a": "2"},
    )
    observed("dest", moved["KeyId"].endswith(other))
    out = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"a": "2"})
    observed("plain", out["Plaintext"].decode())


def test_random_bytes(box, observed):
    out = box.client("kms").generate_random(NumberOfBytes=16)["Plaintext"]
    observed("len", len(out))
    observed("b64_len", len(base64.b64encode(out)))


def test_sign_and_verify(box, suffix, observed):
    kms = box.client("kms")
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]["KeyId"]
    msg = b"ticket:A-1"
    sig = kms.sign(KeyId=key, Message=msg, SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    ok = kms.verify(KeyId=key, Message=msg, Signature=sig, SigningAlgorithm="RSASSA_PSS_SHA_256")[
        "SignatureValid"
    ]
    observed("valid", ok)
    try:
        bad = kms.verify(
            KeyId=key, Message=b"forged", Signature=sig, SigningAlgorithm="RSASSA_PSS_SHA_256"
        )["SignatureValid"]
        observed("forged", bad)
    except ClientError as e:
        observed("forged", e.response["Error"]["Code"])
    pub = kms.get_public_key(KeyId=key)
    observed("pub_spec", pub.get("KeySpec") or pub.get("CustomerMasterKeySpec"))


def test_key_rotation_status(box, key, observed):
    kms = box.client("kms")
    kms.enable_key_rotation(KeyId=key)
    observed("enabled", kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"])
    aliases = kms.get_paginator("list_aliases").paginate(
        KeyId=key, PaginationConfig={"PageSize": 1}
    )
    observed("aliases", len([a for p in aliases for a in p["Aliases"]]))
