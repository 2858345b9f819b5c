"""Top-level conftest for the project's own tests.

The plugin under test is the installed one (entry point ``pytest11``); ``pytester`` lets
tests run real inner pytest sessions against it.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the developer's AWS config or credentials, nor reach the internet."""
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    empty.mkdir(exist_ok=True)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("XDG_CACHE_HOME", str(empty / "xdg-cache"))
    # harness check keeps no reports between the suite's runs (tests/contract/test_check_cache.py
    # turns it on where it is the subject): a test's report never comes from another's.
    monkeypatch.setenv("HARNESS_CHECK_CACHE", "off")
