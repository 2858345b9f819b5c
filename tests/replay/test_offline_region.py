"""Offline, a region is found only where botocore's own chain finds none.

Replay used to put ``AWS_DEFAULT_REGION=us-east-1`` into ``os.environ`` when it was unset,
and the environment comes before the config file in botocore's chain: code that wrote its
own config file (``AWS_CONFIG_FILE``) with a profile in ``eu-central-1`` got ``us-east-1``
clients in replay and ``eu-central-1`` ones live (the invisible_r10 trial's
``test_profile_in_config_file``), and code reading the environment saw a variable it does
not have live. Now the stand-in region comes after the chain, as the stand-in credentials do.
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import botocore.session
import pytest

from harness.replay.offline_env import DEFAULT_REGION, offline_environment


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    made_before = botocore.session.Session()
    patches = pytest.MonkeyPatch()
    offline_environment(patches, tmp_path / "offline")
    patches.made_before = made_before  # type: ignore[attr-defined]
    yield patches
    patches.undo()


def test_the_environment_keeps_no_region_and_clients_get_the_stand_in(
    offline: pytest.MonkeyPatch,
) -> None:
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert boto3.Session().client("sns").meta.region_name == DEFAULT_REGION
    # a session made before the test found no region either: it gets the stand-in too
    assert offline.made_before.get_config_variable("region") == DEFAULT_REGION  # type: ignore[attr-defined]


def test_a_profile_the_code_writes_names_the_region(
    offline: pytest.MonkeyPatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile ci]\nregion = eu-central-1\n[default]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    ci = boto3.Session(profile_name="ci")
    assert ci.region_name == "eu-central-1"
    assert ci.client("sns").meta.region_name == "eu-central-1"
    assert boto3.Session().client("sqs").meta.region_name == "ap-south-1"
    # the environment still comes first, as live
    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
    assert boto3.Session(profile_name="ci").client("sns").meta.region_name == "sa-east-1"


def test_a_region_given_to_the_client_or_config_wins(offline: pytest.MonkeyPatch) -> None:
    from botocore.config import Config

    session = boto3.Session()
    assert session.client("sns", region_name="eu-west-3").meta.region_name == "eu-west-3"
    got = session.client("sns", config=Config(region_name="ca-central-1")).meta.region_name
    assert got == "ca-central-1"


def test_undone_at_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    patches = pytest.MonkeyPatch()
    offline_environment(patches, tmp_path / "offline")
    patches.undo()
    assert botocore.session.Session().get_config_variable("region") is None
