"""The pytest plugin (entry point ``pytest11``): it only gathers the plugin's parts.

Each part is its own module so that only it talks to pytest about its concern:
recording and replay (``pytest_cassette``), contract checks (``pytest_contract``) and the
synthetic backend (``pytest_synthetic``). pytest imports the modules named in
``pytest_plugins`` when it registers this one.
"""

from __future__ import annotations

import pytest

pytest_plugins = [
    "harness.pytest_cassette",
    "harness.pytest_contract",
    "harness.pytest_synthetic",
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Make our hookspecs (``pytest_aws_exchange``) known to pytest."""
    from harness import hookspecs

    pluginmanager.add_hookspecs(hookspecs)
