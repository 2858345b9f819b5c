"""The AWS environment of a test whose calls never reach AWS (replay, the synthetic backend).

botocore must find dummy credentials and a region before it looks for real ones, must not
read the developer's config files, and must not fail on a profile the code names
(``boto3.Session(profile_name="dev")`` raises ``ProfileNotFound`` when the replay machine has
no such profile): every profile exists and is empty, so the client resolves to the dummy
credentials or none, and the offline layers never need real ones. Everything is undone at
the end of the test, by a ``MonkeyPatch`` of the harness's own (``own_patches``): the test's
``monkeypatch`` holds only the test's patches, undone in the order the test made them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

#: What botocore finds first: dummy credentials, and no instance metadata lookups.
DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAREPLAYDUMMY00000",
    "AWS_SECRET_ACCESS_KEY": "replay-dummy-secret-not-a-real-key",
    "AWS_EC2_METADATA_DISABLED": "true",
}
#: Variables that would point botocore at the developer's own credentials.
UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
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
) -> None:
    """Dummy credentials, a region, empty config files in ``config_dir``, any profile found."""
    import botocore.session

    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in DUMMY_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_dir / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config_dir / "credentials"))
    monkeypatch.setenv(
        "AWS_DEFAULT_REGION", region or os.environ.get("AWS_DEFAULT_REGION", DEFAULT_REGION)
    )
    build = botocore.session.Session._build_profile_map

    def any_profile(self: botocore.session.Session) -> dict[str, Any]:
        return _AnyProfile(build(self))

    monkeypatch.setattr(botocore.session.Session, "_build_profile_map", any_profile)
