"""The installed plugin stays cheap for pytest runs that use no AWS (issue 13: ≤ 20 ms).

pytest imports the plugin in every run and every xdist worker. Its modules import only pytest
and the standard library; botocore, jsonschema, Hypothesis, vcrpy and YAML load when a test
uses a fixture or marker that needs them. These tests hold that without timing anything
(``bench/bench_startup.py`` measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"botocore", "boto3", "jsonschema", "hypothesis", "vcr", "yaml"}

CONFTEST = """
import json, sys
from pathlib import Path

def pytest_sessionfinish(session):
    Path("modules.json").write_text(json.dumps(sorted(sys.modules)))
"""


PARTS = (
    "harness.plugin",
    "harness.plugin.cassette",
    "harness.plugin.cassette_settings",
    "harness.plugin.cassette_usage",
    "harness.plugin.contract",
    "harness.plugin.fixture_cassettes",
    "harness.plugin.process_checks",
    "harness.plugin.synthetic",
    "harness.plugin.tracebacks",
)


def test_importing_the_plugin_imports_no_heavy_package() -> None:
    code = (
        f"import sys, {', '.join(PARTS)}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_checking_valid_cassettes_imports_neither_hypothesis_nor_jsonschema() -> None:
    """``harness check`` imports the operations' rules, which live beside their strategies:
    Hypothesis is imported on a strategy's first use (``harness.aws.lazy_hypothesis``). python
    jsonschema words the errors of a document the compiled validator refuses: imported then.
    Checking valid cassettes pays for neither (~0.25 s of start-up between them)."""
    bundled = Path(__file__).resolve().parents[2] / "cassettes"
    code = (
        "import io, sys; from harness.cli import run; "
        f"assert run(['check', {str(bundled)!r}], io.StringIO(), io.StringIO()) == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hypothesis', 'jsonschema')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_plugin_imports_only_its_own_light_modules() -> None:
    """Even harness modules cost: ``harness.exchange`` alone (three dataclasses) takes ms."""
    code = (
        f"import json, sys, {', '.join(PARTS)}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'harness')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    light = [
        "harness",
        "harness.errors",
        "harness.faces",  # the faces' lazy loader and the old paths' finder: stdlib only
        "harness.plugin.cassette_paths",  # where a test's cassette lives: stdlib only
        "harness.plugin.fixture_ties",  # a list of the wide fixtures alive: no imports
        "harness.plugin.hookspecs",
        "harness.plugin.marker_fixtures",  # one function
        "harness.replay",  # a layer package's face: names, loaded lazily
        "harness.replay.record_modes",
        "harness.replay.socket_peers",  # where sockets connected: stdlib only
    ]
    assert json.loads(done.stdout) == sorted([*PARTS, *light])


def _modules(pytester: pytest.Pytester, *args: str) -> set[str]:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    return set(json.loads((pytester.path / "modules.json").read_text()))


def test_a_run_without_aws_gains_no_third_party_module(pytester: pytest.Pytester) -> None:
    """Compared with the same run without the plugin: its hooks (configure, session start
    and finish, per test) import nothing outside harness and the standard library."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_trivial():\n    assert 1 + 1 == 2\n")
    without = _modules(pytester, "-p", "no:botocore_harness")
    with_plugin = _modules(pytester)
    assert "harness.plugin.cassette" in with_plugin  # the plugin was there
    added = {m.split(".")[0] for m in with_plugin - without}
    assert added - set(sys.stdlib_module_names) == {"harness"}
    # nor the network guard, whose audit hook, once installed, is called for every audited
    # event of the process (each import, open, id()...): ~9 ms of a run that uses no AWS
    assert "harness.replay.network_guard" not in with_plugin
