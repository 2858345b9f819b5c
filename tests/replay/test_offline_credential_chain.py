"""Offline, the credential chain keeps its network links; they find nothing and ask nothing.

Replay ends botocore's (and aiobotocore's) credential chain with stand-in keys and keeps
the links that would ask the network (instance metadata, the container endpoint) from
asking it. It used to drop those links from the chain: code that reads the chain saw it
differ from live. aiobotocore's suite (``test_imds_backend_follows_the_default_http_backend_*``,
``test_credential_resolver_follows_the_default_http_backend``) asks the resolver for its
``iam-role`` provider to check which HTTP session its metadata fetcher holds, and got
``UnknownCredentialError`` in replay. Now each network link stays where botocore puts it,
as botocore made it, and answers "nothing found" at once, as it does live on a machine with
no instance metadata and no container endpoint: the chain goes on to the stand-in.
"""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from harness.replay.offline_env import STAND_IN_KEY, offline_environment

NETWORK = ("iam-role", "container-role")
#: botocore's own chain factory (the offline environment wraps the module's name)
LIVE_CHAIN = botocore.credentials.create_credential_resolver


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    # a container endpoint the chain would ask live (a CI runner names one): nothing there
    monkeypatch.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", f"http://127.0.0.1:{_closed_port()}/creds"
    )
    # instance metadata stays disabled (the outer conftest's), on loopback if it were asked
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    patches = pytest.MonkeyPatch()
    offline_environment(patches, tmp_path)
    yield patches
    patches.undo()


def _links(resolver: Any) -> list[str]:
    return [provider.METHOD for provider in resolver.providers]


def test_the_chain_keeps_its_network_links_and_ends_with_the_stand_in(
    offline: pytest.MonkeyPatch,
) -> None:
    live = LIVE_CHAIN(botocore.session.Session())
    session = botocore.session.Session()
    resolver = session.get_component("credential_provider")
    assert _links(resolver) == [*_links(live), "botocore-harness-offline"]
    for name in NETWORK:
        link = resolver.get_provider(name)  # (UnknownCredentialError when left out)
        assert type(link) is type(live.get_provider(name))
        assert link.load() is None  # nothing found, nothing asked
    assert resolver.get_provider("iam-role")._role_fetcher is not None
    found = session.get_credentials()
    assert (found.access_key, found.method) == (STAND_IN_KEY[0], "botocore-harness-offline")


def test_aiobotocores_chain_keeps_its_network_links_too(offline: pytest.MonkeyPatch) -> None:
    pytest.importorskip("aiobotocore", reason="the async tests need the async extra")
    from aiobotocore import credentials as aio_credentials
    from aiobotocore.session import AioSession

    live = aio_credentials.create_credential_resolver(AioSession())  # (aiobotocore.session's)
    session = AioSession()
    resolver = session._create_credential_resolver()
    assert _links(resolver) == [*_links(live), "botocore-harness-offline"]

    async def loads() -> list[Any]:
        return [await resolver.get_provider(name).load() for name in NETWORK]

    assert asyncio.run(loads()) == [None, None]
    fetcher = resolver.get_provider("iam-role")._role_fetcher
    assert type(fetcher._session) is type(live.get_provider("iam-role")._role_fetcher._session)

    async def credentials() -> Any:
        return await session.get_credentials()

    found = asyncio.run(credentials())
    assert (found.access_key, found.method) == (STAND_IN_KEY[0], "botocore-harness-offline")


_WATCHER_LOST = """
import sys
import pytest
from pathlib import Path
from harness.replay import aio_import
from harness.replay.offline_env import offline_environment

first = pytest.MonkeyPatch()
offline_environment(first, Path(sys.argv[1]))  # aiobotocore not imported yet: a watcher waits
first.undo()
# pytester's in-process runs restore sys.meta_path: the watcher leaves without firing
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, aio_import._Watcher)]
second = pytest.MonkeyPatch()
offline_environment(second, Path(sys.argv[1]))
from aiobotocore.session import AioSession

links = [p.METHOD for p in AioSession()._create_credential_resolver().providers]
print(links[-1])
"""


def test_a_later_test_gets_aiobotocores_offline_link_after_the_watcher_was_lost(
    tmp_path: Path,
) -> None:
    # (a subprocess: aiobotocore must not be imported yet; this process may have imported it)
    pytest.importorskip("aiobotocore", reason="the async tests need the async extra")
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _WATCHER_LOST, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "botocore-harness-offline"


def test_replay_reads_no_aws_folder_and_leaves_the_environment_as_live(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Replay's empty config and credentials files are the sessions' answer, not variables
    in ``os.environ`` (invisible-r11: code listing its ``AWS_*`` variables saw two more in
    replay); a machine's ``~/.aws`` keys are still not read."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAMACHINEKEY000001\naws_secret_access_key = m\n"
    )
    monkeypatch.setenv("HOME", str(home))
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    before = {k for k in os.environ if k.startswith("AWS_")}
    patches = pytest.MonkeyPatch()
    offline_environment(patches, tmp_path / "offline")
    try:
        assert {k for k in os.environ if k.startswith("AWS_")} == before
        found = botocore.session.Session().get_credentials()
        assert found.access_key == STAND_IN_KEY[0]  # (not the machine's default profile)
        own = tmp_path / "own-config"
        own.write_text("[profile team]\nregion = eu-north-1\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(own))  # a test's own file is read
        assert botocore.session.Session(profile="team").get_config_variable("region") == (
            "eu-north-1"
        )
    finally:
        patches.undo()


def test_a_session_made_before_the_test_asks_no_network_link_either(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """boto3's default session behind a module-level client is made at import, before any
    test: its chain's factory was registered unpatched. Its container link (a CI runner
    names an endpoint) must not connect while the test replays."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"http://127.0.0.1:{port}/c")
        earlier = botocore.session.Session()  # (its chain is built at its first use)
        patches = pytest.MonkeyPatch()
        offline_environment(patches, tmp_path)
        try:
            found = earlier.get_credentials()
        finally:
            patches.undo()
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing connected
    # the stand-in ends its chain too (newuser-r14: a module's boto3.Session() gave None,
    # and code presigning from its credentials failed in replay only)
    assert (found.access_key, found.method) == (STAND_IN_KEY[0], "botocore-harness-offline")
