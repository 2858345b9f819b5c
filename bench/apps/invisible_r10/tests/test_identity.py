"""STS assume_role and clients from its credentials, env var credentials, profiles,
botocore.session directly, a region the code names."""

from __future__ import annotations

import os

import boto3
import pytest
from beacon import Beacon, client_config

pytestmark = pytest.mark.aws_cassette

KEY_ID = "AKIABEACONEXAMPLE001"
SECRET = "beaconSecretExample000000000000000000001"


def test_assume_role_then_publish(beacon, names, hooks, observed):
    role = beacon.as_role(names["role"])
    creds = role.session.get_credentials().get_frozen_credentials()
    observed("key_prefix", creds.access_key[:4])
    observed("has_token", bool(creds.token))
    mid = role.alert("as role", "low")
    observed("mid", mid)
    observed("token_on_wire", [e["has_token"] for e in hooks.by_hook("before-send")])


def test_assumed_identity(beacon, names, observed):
    role = beacon.as_role(names["role"], session_name="whoami")
    ident = role.session.client("sts", config=client_config()).get_caller_identity()
    observed("arn_kind", ident["Arn"].split(":")[5].split("/")[0])
    observed("session", ident["Arn"].rsplit("/", 1)[1])


def test_assume_role_expiration_is_datetime(beacon, names, observed):
    creds = beacon.session.client("sts", config=client_config()).assume_role(
        RoleArn=names["role"], RoleSessionName="exp", DurationSeconds=900
    )["Credentials"]
    observed("type", type(creds["Expiration"]).__name__)
    observed("aware", creds["Expiration"].tzinfo is not None)


def test_env_var_credentials(names, monkeypatch, observed):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    session = boto3.Session(region_name="eu-central-1")
    creds = session.get_credentials()
    observed("method", creds.method)
    observed("key", creds.access_key)
    b = Beacon(names, session=session)
    observed("mid_len", len(b.alert("env creds", "low")))
    assert os.environ["AWS_ACCESS_KEY_ID"] == KEY_ID


def test_profile_in_config_file(names, tmp_path, monkeypatch, observed):
    cfg = tmp_path / "config"
    cfg.write_text(
        "[profile beacon-ci]\nregion = eu-central-1\n"
        f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    session = boto3.Session(profile_name="beacon-ci")
    observed("region", session.region_name)
    observed("method", session.get_credentials().method)
    sns = session.client("sns")
    observed("client_region", sns.meta.region_name)
    sns.get_topic_attributes(TopicArn=names["topic"])


def test_botocore_session_client(names, observed):
    ssm = Beacon.raw_client("ssm")
    p = ssm.get_parameter(Name=f"{names['ssm_path']}/channel")["Parameter"]
    observed("value", p["Value"])
    observed("ua_extra", ssm.meta.config.user_agent_extra)


def test_region_named_by_code(names, observed):
    """A client in another region than the resources: the topic is not found there."""
    from botocore.exceptions import ClientError

    sns = boto3.client("sns", region_name="ap-southeast-2")
    observed("region", sns.meta.region_name)
    with pytest.raises(ClientError) as err:
        sns.get_topic_attributes(TopicArn=names["topic"].replace("eu-central-1", "ap-southeast-2"))
    observed("code", err.value.response["Error"]["Code"])


def test_environment_untouched(beacon, observed):
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    beacon.alert("env check", "low")
    beacon.settings()
    after = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    observed("unchanged", after == before)
