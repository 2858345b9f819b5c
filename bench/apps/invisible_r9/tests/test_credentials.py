"""Credentials from a shared credentials file, and the environment left alone."""

from __future__ import annotations

import os

import boto3
import pytest
from vault import Vault

pytestmark = pytest.mark.aws_cassette

KEY_ID = "AKIAVAULTEXAMPLE0001"
SECRET = "vaultSecretExample0000000000000000000001"


@pytest.fixture
def profile_file(tmp_path, monkeypatch):
    path = tmp_path / "credentials"
    path.write_text(f"[vault-ci]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))
    return path


def _aws_env():
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


def test_profile_from_shared_credentials_file(infra, profile_file, observed):
    session = boto3.Session(profile_name="vault-ci", region_name="eu-west-1")
    creds = session.get_credentials().get_frozen_credentials()
    observed("key", creds.access_key)
    observed("method", session.get_credentials().method)
    assert creds.access_key == KEY_ID
    v = Vault(infra.bucket, infra.table, infra.queue_url, session=session)
    v.put_text(Vault.new_key("p.txt"), "profile")
    assert os.environ["AWS_SHARED_CREDENTIALS_FILE"] == str(profile_file)


def test_environment_untouched_by_calls(vault, observed):
    before = _aws_env()
    vault.put_text(Vault.new_key("env.txt"), "e")
    vault.count_index()
    observed("unchanged", _aws_env() == before)


def test_default_session_credentials_stable(vault, observed):
    c1 = boto3.Session().get_credentials()
    vault.put_text(Vault.new_key("s.txt"), "s")
    c2 = boto3.Session().get_credentials()
    assert (c1 is None) == (c2 is None)
    if c1 is not None:
        assert c1.get_frozen_credentials() == c2.get_frozen_credentials()


def test_sts_identity(observed):
    ident = boto3.client("sts", region_name="eu-west-1").get_caller_identity()
    observed("account_len", len(ident["Account"]))
    observed("arn_kind", ident["Arn"].split(":")[2])
