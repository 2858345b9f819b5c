"""The AWS environment of a test whose calls never reach AWS (replay, the synthetic backend).

The code under test must see what it sees live; only where the bytes come from changes. So
the stand-in credentials are not put in ``os.environ`` (code that reads it, or refuses
explicit keys beside a profile, would see them): they are the last link of botocore's own
credential chain (and aiobotocore's), found only when no link before it finds any, and the
links that would ask the network (instance metadata, the container endpoint) stay in the
chain as botocore made them but find nothing, asking nothing (as live where neither answers:
code that reads the chain sees the links it has live).
botocore must not read the developer's config files (a profile there could change the
endpoint, the addressing style or the retries the recording saw): they are pointed at empty
files. A region is found when none is, after botocore's own chain (the environment, then the
config file a test may name): ``AWS_DEFAULT_REGION`` is not set, so a profile's ``region``
wins as live, and code reading the environment sees what it sees live. A profile the code
names (``profile_name="dev"``, or ``AWS_PROFILE``) exists and is empty, as the replay
machine may not have the recording machine's profiles. Everything is undone at the end of
the test, by a ``MonkeyPatch`` of the harness's own (``own_patches``): the test's
``monkeypatch`` holds only the test's patches; and sessions forget what they learnt while it
ran (offline_memory), so a live test after it reads the machine's configuration as live.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.replay.offline_memory import OfflineMemory

#: The stand-in credentials the chain ends with (no secret: they sign nothing that is sent).
STAND_IN_KEY = ("AKIAREPLAYDUMMY00000", "replay-dummy-secret-not-a-real-key")
DEFAULT_REGION = "us-east-1"


def own_patches(request: pytest.FixtureRequest) -> pytest.MonkeyPatch:
    """A ``MonkeyPatch`` of the fixture asking, undone when that fixture is torn down."""
    patches = pytest.MonkeyPatch()
    request.addfinalizer(patches.undo)
    return patches


class _AnyProfile(dict[str, Any]):
    """botocore's profile map in which every named profile exists (empty unless configured)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> dict[str, Any]:
        return {}


def offline_environment(
    monkeypatch: pytest.MonkeyPatch, config_dir: Path, region: str | None = None
) -> Callable[[], None]:
    """Stand-in credentials at the end of the credential chain, empty config files in
    ``config_dir``, a region if none is set, any profile found. Returns what to call when
    the test ends (beside undoing ``monkeypatch``): the sessions forget what they learnt
    offline (offline_memory)."""
    import botocore.session

    if region is not None:  # (the synthetic backend's world is in one region)
        monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    memory = OfflineMemory()
    _offline_lookup(
        monkeypatch, config_dir, None if region is not None else DEFAULT_REGION, memory.note
    )
    build = botocore.session.Session._build_profile_map

    def any_profile(self: botocore.session.Session) -> dict[str, Any]:
        return _AnyProfile(build(self))

    monkeypatch.setattr(botocore.session.Session, "_build_profile_map", any_profile)
    _end_chains_with_stand_in(monkeypatch)
    return memory.forget


#: botocore's config and credentials files: their variable, and the empty stand-in's name
_CONFIG_FILES = {
    "config_file": ("AWS_CONFIG_FILE", "config"),
    "credentials_file": ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
}


def _offline_lookup(
    monkeypatch: pytest.MonkeyPatch,
    config_dir: Path,
    region: str | None,
    note: Callable[[Any], None],
) -> None:
    """Every session's configuration lookup (sessions made before this test included),
    wrapped once:

    - the config and credentials files are empty ones in ``config_dir`` (not this machine's
      ``~/.aws``), unless the test names its own (``AWS_CONFIG_FILE``): the session's
      lookup answers, ``os.environ`` stays as live (code that lists it saw two variables
      replay had set);
    - the region is what botocore's own chain finds (instance, ``AWS_DEFAULT_REGION``, the
      profile's ``region``), else ``region`` (``None``: no default);
    - the session is noted (``note``): what it learns now, it forgets when the test ends."""
    import botocore.session

    lookup = botocore.session.Session.get_config_variable

    def offline(self: Any, logical_name: str, methods: Any = None) -> Any:
        note(self)
        if methods is not None:
            return lookup(self, logical_name, methods)
        own = _CONFIG_FILES.get(logical_name)
        if own is not None and own[0] not in os.environ:
            return str(config_dir / own[1])
        found = lookup(self, logical_name, methods)
        if found is None and logical_name == "region":
            return region
        return found

    monkeypatch.setattr(botocore.session.Session, "get_config_variable", offline)


def _end_chains_with_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session's credential chain built from now on (a session made before the test
    included): its links as botocore makes them, then the stand-in."""
    import botocore.credentials
    from botocore.credentials import CredentialProvider, Credentials

    class StandIn(CredentialProvider):  # type: ignore[misc]
        METHOD = "botocore-harness-offline"

        def load(self) -> Credentials:
            return Credentials(*STAND_IN_KEY, method=self.METHOD)

    _chain_ends_with(monkeypatch, botocore.credentials, StandIn())
    _earlier_chains_ask_nothing(monkeypatch)
    from harness.replay import aio_import

    if aio_import.imported():
        _end_aio_chain(monkeypatch)
        return
    # Importing aiobotocore costs about 0.35 s (aiohttp), and the harness's layer over it as
    # much: a test that makes no aiobotocore client does not pay it. Its chain is ended when
    # aiobotocore.session is imported, if a test is still running then (the slot is this
    # test's patch: undone, with the others, when the test ends).
    # The watcher is asked for on every call, not once a process: a watcher can leave
    # sys.meta_path without firing (pytester's in-process runs restore it), and a flag kept
    # here would then wait for an import nothing watches (call_after_import adds it once).
    monkeypatch.setattr(f"{__name__}._PENDING_AIO", monkeypatch)
    aio_import.call_after_import(_end_pending_aio_chain)


def _earlier_chains_ask_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The network links of every chain find nothing, asking nothing, those of chains built
    before the test included (a module's session whose client was made at import: instance
    metadata was asked, and the network guard refused it). A session made at import whose
    chain is built in the test (a module-level ``boto3.Session()``) gets the stand-in at its
    end as any other (``_chain_ends_with``): code that presigns from its
    ``get_credentials()`` found None (newuser-r14)."""
    from botocore.credentials import ContainerProvider, InstanceMetadataProvider

    for link in (InstanceMetadataProvider, ContainerProvider):
        monkeypatch.setattr(link, "load", _nothing_found_by(link))


#: The patches of the running test whose aiobotocore chain is still to end (see above).
_PENDING_AIO: pytest.MonkeyPatch | None = None


def _end_pending_aio_chain() -> None:
    if _PENDING_AIO is not None:
        _end_aio_chain(_PENDING_AIO)


def _end_aio_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiobotocore's chain, as ``_end_chains_with_stand_in`` ends botocore's."""
    from botocore.credentials import CredentialProvider

    try:
        import aiobotocore.session as aio_session
        from aiobotocore.credentials import AioCredentials
    except ImportError:  # (no aiobotocore, or one that cannot import beside this botocore)
        return

    class AioStandIn(CredentialProvider):  # type: ignore[misc]
        METHOD = "botocore-harness-offline"

        async def load(self) -> AioCredentials:
            return AioCredentials(*STAND_IN_KEY, method=self.METHOD)

    _chain_ends_with(monkeypatch, aio_session, AioStandIn())  # (the name it imported)
    from aiobotocore.credentials import AioContainerProvider, AioInstanceMetadataProvider

    for link in (AioInstanceMetadataProvider, AioContainerProvider):  # (as above, awaited)
        monkeypatch.setattr(link, "load", _nothing_found_by(link))


def _chain_ends_with(monkeypatch: pytest.MonkeyPatch, module: Any, stand_in: Any) -> None:
    """``module.create_credential_resolver`` (what a session's chain factory calls when it
    builds the chain: looked up then, so a session made before the test, whose factory was
    bound at import, builds it so too) ends the chain with ``stand_in``."""
    create = module.create_credential_resolver

    def offline_chain(*args: Any, **kwargs: Any) -> Any:
        # (its network links find nothing while a test is offline: their classes' ``load``)
        resolver = create(*args, **kwargs)
        resolver.providers = [*resolver.providers, stand_in]
        return resolver

    monkeypatch.setattr(module, "create_credential_resolver", offline_chain)


def _nothing_found_by(link: type) -> Any:
    """A ``load`` for a network link's class (every instance, earlier ones included): None,
    awaitable when the class's own is."""
    if inspect.iscoroutinefunction(link.load):  # type: ignore[attr-defined]

        async def nothing_found(self: Any) -> None:
            return None

        return nothing_found

    def finds_nothing(self: Any) -> None:
        return None

    return finds_nothing
