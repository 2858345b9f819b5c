"""The pytest plugin (entry point ``pytest11``): it only gathers the plugin's parts.

Each part is its own module so that only it talks to pytest about its concern:
recording and replay (``pytest_cassette``; its options: ``pytest_cassette_settings``; the
run's usage notes: ``pytest_cassette_usage``; wide fixtures' own cassettes:
``pytest_fixture_cassettes``), contract checks (``pytest_contract``) and the
synthetic backend (``pytest_synthetic``), what a test leaves changed in the process
(``pytest_process_checks``), and the harness's own failures shown from the
test's lines (``pytest_tracebacks``).

pytest loads this in every run, most of which use no AWS, so the parts import only pytest
and the standard library at module level; botocore, jsonschema and YAML load when a test
uses a fixture or marker that needs them (``tests/plugin/test_plugin_startup.py`` holds that).
"""

from __future__ import annotations

import pytest

from harness.plugin import cassette as pytest_cassette
from harness.plugin import cassette_settings as pytest_cassette_settings
from harness.plugin import cassette_usage as pytest_cassette_usage
from harness.plugin import contract as pytest_contract
from harness.plugin import fixture_cassettes as pytest_fixture_cassettes
from harness.plugin import hookspecs
from harness.plugin import process_checks as pytest_process_checks
from harness.plugin import synthetic as pytest_synthetic
from harness.plugin import tracebacks as pytest_tracebacks

_PARTS = (
    pytest_cassette_settings,  # (first: its options lead the help, as when they were cassette's)
    pytest_cassette,
    pytest_cassette_usage,
    pytest_fixture_cassettes,
    pytest_contract,
    pytest_synthetic,
    pytest_process_checks,
    pytest_tracebacks,
)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Make our hookspecs (``pytest_aws_exchange``) known to pytest; register the parts."""
    pluginmanager.add_hookspecs(hookspecs)
    # Registered here, not named in ``pytest_plugins``: pytest first looks each name given
    # there up in every installed distribution's entry points, a few ms a name.
    for part in _PARTS:
        if not pluginmanager.is_registered(part):
            pluginmanager.register(part, part.__name__)
