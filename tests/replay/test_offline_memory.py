"""Sessions forget what they learnt while a test was offline (harness.replay.offline_memory).

A session reads its configuration and resolves its credentials once, and keeps them. Learnt
in a replaying test (replay's empty config files, its region default, a chain ending with
the stand-in keys) and kept, they reached the live tests after it: with record mode
``once``, a new test recording beside replayed ones found no credentials through a
module's ``boto3.Session()``, and boto3's default session signed real requests with the
stand-in keys in ``us-east-1``. Now each session forgets what it learnt offline when the
test ends, and keeps what it knew before and what the test's code gave it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.session
import pytest

from harness.replay.offline_env import STAND_IN_KEY, offline_environment
from tests.support.inner_suite import run_inner

LIVE_KEY = "AKIALIVEPROFILEKEY01"


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A developer's machine: keys and a region in ``~/.aws``, nothing in the environment."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {LIVE_KEY}\naws_secret_access_key = live\n"
    )
    (home / ".aws" / "config").write_text("[default]\nregion = eu-west-3\n")
    monkeypatch.setenv("HOME", str(home))
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return tmp_path


@pytest.fixture
def offline_test(machine: Path) -> Iterator[None]:
    """One offline test, ended as the plugin ends it: forget, then undo."""
    patches = pytest.MonkeyPatch()
    forget = offline_environment(patches, machine / "offline")
    try:
        yield
    finally:
        forget()
        patches.undo()


def _run_offline(machine: Path, body: object) -> object:
    patches = pytest.MonkeyPatch()
    forget = offline_environment(patches, machine / "offline")
    try:
        return body()  # type: ignore[operator]
    finally:
        forget()
        patches.undo()


def test_a_session_made_before_reads_the_machine_again_after(machine: Path) -> None:
    earlier = boto3.Session()  # (a module's: its chain is built at its first client)
    seen = _run_offline(
        machine, lambda: (earlier.client("sqs").meta.region_name, earlier.get_credentials())
    )
    assert seen[0] == "eu-west-3"  # type: ignore[index]
    assert seen[1].access_key == STAND_IN_KEY[0]  # type: ignore[index]  # (was None)
    found = earlier.get_credentials()
    assert found is not None and found.access_key == LIVE_KEY  # (was None: the empty file)


def test_the_default_session_made_offline_is_live_after(machine: Path) -> None:
    found = _run_offline(machine, lambda: boto3.client("sts")._request_signer._credentials)
    assert found.access_key == STAND_IN_KEY[0]  # (made in the test: its chain ends so)
    live = boto3.DEFAULT_SESSION.get_credentials()
    assert (live.access_key, live.method) == (LIVE_KEY, "shared-credentials-file")
    assert boto3.client("sqs").meta.region_name == "eu-west-3"  # (was us-east-1)
    assert STAND_IN_KEY[0] not in {
        getattr(link.load(), "access_key", None)
        for link in boto3.DEFAULT_SESSION._session.get_component("credential_provider").providers
        if getattr(link, "METHOD", "") == "botocore-harness-offline"
    }


def test_what_the_session_knew_before_and_what_the_test_gave_it_is_kept(machine: Path) -> None:
    before = botocore.session.Session()
    known = before.get_credentials()  # (resolved live, before the test)
    given = botocore.session.Session()
    custom = object()

    def body() -> None:
        given.set_credentials("AKIAGIVENBYTHETEST01", "given")
        given.register_component("token_provider", custom)
        before.create_client("sqs", region_name="eu-west-1")

    _run_offline(machine, body)
    assert before.get_credentials() is known
    assert given.get_credentials().access_key == "AKIAGIVENBYTHETEST01"
    assert given.get_component("token_provider") is custom


def test_a_chain_built_offline_keeps_no_patch_on_its_links(offline_test: None) -> None:
    resolver = botocore.session.Session().get_component("credential_provider")
    links = [link for link in resolver.providers if link.METHOD in ("iam-role", "container-role")]
    assert len(links) == 2 and all(link.load() is None for link in links)
    assert all("load" not in vars(link) for link in links)  # (the class's, undone after)


def test_an_aiobotocore_session_made_offline_is_live_after(machine: Path) -> None:
    pytest.importorskip("aiobotocore", reason="the async tests need the async extra")
    from aiobotocore.session import AioSession

    session = AioSession()

    async def credentials() -> object:
        return await session.get_credentials()

    offline = _run_offline(machine, lambda: asyncio.run(credentials()))
    assert offline.access_key == STAND_IN_KEY[0]  # type: ignore[attr-defined]
    assert asyncio.run(credentials()).access_key == LIVE_KEY  # type: ignore[attr-defined]


CONFTEST = """
import os

import pytest

for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(name, None)  # (the developer's ~/.aws, as most machines have it)


@pytest.fixture(scope="session", autouse=True)
def moto_when_recording(pytestconfig):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    try:
        yield
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()
"""

SUITE = f"""
import boto3
import pytest

SESSION = boto3.Session()  # (a module's session: made at import, nothing resolved yet)


@pytest.mark.aws_cassette
def test_a_replayed():
    assert "QueueUrls" not in SESSION.client("sqs").list_queues()
    assert "QueueUrls" not in boto3.client("sqs").list_queues()


@pytest.mark.aws_cassette
def test_b_recorded_after_it():
    assert SESSION.get_credentials().access_key == "{LIVE_KEY}"
    default = boto3.client("sqs")
    assert default._request_signer._credentials.access_key == "{LIVE_KEY}"
    assert default.meta.region_name == "eu-west-3"
    default.create_queue(QueueName="orders")
"""


def test_a_test_recording_after_a_replayed_one_reads_the_machines_keys(tmp_path: Path) -> None:
    pytest.importorskip("moto.server", reason="the moto server is a test dependency")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_mixed.py").write_text(SUITE)
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True)
    (aws / "credentials").write_text(
        f"[default]\naws_access_key_id = {LIVE_KEY}\naws_secret_access_key = live\n"
    )
    (aws / "config").write_text("[default]\nregion = eu-west-3\n")
    first = run_inner(tmp_path, "--aws-record-mode=once", "-k", "test_a")
    assert "1 passed" in first, first[-3000:]
    both = run_inner(tmp_path, "--aws-record-mode=once")
    assert "2 passed" in both, both[-3000:]  # test_a replayed, test_b recorded live
