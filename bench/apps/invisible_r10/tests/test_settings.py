"""Settings from Secrets Manager and SSM, payloads sealed with KMS; sentinels stay out of
cassettes but the code sees them (values it sent come back bound)."""

from __future__ import annotations

import json

import pytest

from conftest import API_TOKEN, DB_PASSWORD, SEALED_NOTE

pytestmark = pytest.mark.aws_cassette


def test_settings_read_secret_and_parameters(beacon, observed):
    s = beacon.settings()
    observed("secret_keys", sorted(s["secret"]))
    observed("port", s["secret"]["port"])
    observed("param_names", sorted(s["params"]))
    observed("channel", s["params"]["channel"])
    observed("burst", s["params"]["burst"])
    observed("password_is_sentinel", s["secret"]["password"] == DB_PASSWORD)
    observed("token_is_sentinel", s["params"]["api_token"] == API_TOKEN)


def test_secure_string_without_decryption(beacon, names, observed):
    p = beacon.ssm.get_parameter(Name=f"{names['ssm_path']}/api_token")["Parameter"]
    observed("type", p["Type"])
    observed("version", p["Version"])
    observed("plain_equals_sentinel", p["Value"] == API_TOKEN)


def test_get_parameters_reports_invalid(beacon, names, observed):
    out = beacon.ssm.get_parameters(
        Names=[f"{names['ssm_path']}/channel", f"{names['ssm_path']}/nope"], WithDecryption=True
    )
    observed("found", [p["Value"] for p in out["Parameters"]])
    observed("invalid_suffix", [n.rsplit("/", 1)[1] for n in out["InvalidParameters"]])


def test_rotate_secret_then_read_back(beacon, names, observed):
    new = DB_PASSWORD + "-rotated"
    version = beacon.rotate_secret(new)
    observed("version_len", len(version))
    got = json.loads(beacon.secrets.get_secret_value(SecretId=names["secret"])["SecretString"])
    observed("rotated", got["password"] == new)
    stages = beacon.secrets.describe_secret(SecretId=names["secret"])["VersionIdsToStages"]
    observed("stage_sets", sorted(sorted(v) for v in stages.values()))


def test_kms_round_trip(beacon, observed):
    sealed = beacon.seal({"note": SEALED_NOTE, "n": 3})
    assert SEALED_NOTE not in sealed
    out = beacon.unseal(sealed)
    observed("round_trip", out == {"note": SEALED_NOTE, "n": 3})


def test_kms_describe_and_data_key(beacon, names, observed):
    meta = beacon.kms.describe_key(KeyId=names["key"])["KeyMetadata"]
    observed("state", meta["KeyState"])
    observed("usage", meta.get("KeyUsage"))
    observed("spec", meta.get("KeySpec"))
    dk = beacon.kms.generate_data_key(KeyId=names["key"], KeySpec="AES_256")
    observed("plain_len", len(dk["Plaintext"]))
    observed("blob_type", type(dk["CiphertextBlob"]).__name__)


@pytest.mark.aws_contract("warn")  # moto answers 404, AWS 400
def test_secret_not_found_error(beacon, observed):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        beacon.secrets.get_secret_value(SecretId=f"beacon/{beacon.new_id()}/missing")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])
    observed("modeled", type(err.value).__name__)


def test_list_secrets_search(beacon, names, observed):
    pages = beacon.secrets.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": [names["secret"].split(":")[-1].rsplit("-", 1)[0]]}]
    )
    found = list(pages.search("SecretList[].Name"))
    observed("count", len(found))
