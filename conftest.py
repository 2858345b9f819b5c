"""Top-level conftest for the project's own tests.

The plugin under test is the installed one (entry point ``pytest11``); ``pytester`` lets
tests run real inner pytest sessions against it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

#: ``path::function`` of the end-to-end tests (marker ``e2e``): see the file's header.
E2E_LIST = Path(__file__).parent / "tests" / "e2e.txt"


def e2e_functions() -> set[str]:
    """The ``path::function`` names listed in ``tests/e2e.txt``."""
    lines = (line.strip() for line in E2E_LIST.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    listed = e2e_functions()
    for item in items:
        if item.nodeid.split("[", 1)[0] in listed:
            item.add_marker(pytest.mark.e2e)


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
