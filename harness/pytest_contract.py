"""The contract part of the pytest plugin: check every AWS exchange a test makes.

Other plugin parts (cassettes, the synthetic backend) call ``pytest_aws_exchange`` for each
exchange; this module collects them per test and, after the test body, checks them with
:func:`harness.contract.check_exchanges`.

Mode, per test (``strict``, ``warn`` or ``off``) — precedence: a marker (``aws_contract(mode)``,
else ``contract=`` on ``aws_cassette``/``aws_synthetic``), then ``--aws-contract``, then the
``aws_contract`` ini setting, then ``strict``. In strict mode a violation fails the test with
:class:`~harness.contract.ContractViolationError` (an ``AssertionError``); in warn mode each
violation is a :class:`ContractWarning`. Drift fails too unless ``--aws-allow-drift`` (or the
``aws_allow_drift`` ini setting) is given.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest

from harness.contract import ContractViolationError, Violation, check_exchanges, is_failure
from harness.exchange import Exchange

MARKER = "aws_contract"
MODES = ("strict", "warn", "off")
_HOST_MARKERS = ("aws_cassette", "aws_synthetic")
_PROPERTY = "aws_contract_violations"

_EXCHANGES = pytest.StashKey[list[Exchange]]()
_VIOLATIONS = pytest.StashKey[list[Violation]]()
_MODE = pytest.StashKey[str]()
_RUN = pytest.StashKey[list[tuple[str, str, str, str]]]()  # rule, severity, operation, nodeid


class ContractWarning(UserWarning):
    """An AWS contract violation reported without failing the test (warn mode, warnings)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options and ini settings of contract checks, in one group."""
    group = parser.getgroup("aws-contract", "botocore-harness contract checks")
    group.addoption(
        "--aws-contract",
        choices=MODES,
        default=None,
        help="check AWS exchanges against schemas and documented rules: strict (fail the "
        "test, default), warn, off. Overrides the aws_contract ini setting; a marker wins.",
    )
    group.addoption(
        "--aws-allow-drift",
        action="store_true",
        default=None,
        help="do not fail on drift (members, enum values, error codes botocore does not know).",
    )
    parser.addini("aws_contract", "contract check mode: strict, warn or off", default="strict")
    parser.addini(
        "aws_allow_drift",
        "do not fail on drift (report it as warnings)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, check the ini mode early, and prepare the run's summary."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(mode): contract check mode of this test: 'strict', 'warn' or 'off' (wins over "
        "--aws-contract and the aws_contract ini setting).",
    )
    ini = str(config.getini("aws_contract"))
    if ini not in MODES:
        raise pytest.UsageError(
            f"The aws_contract ini setting is {ini!r}; use one of {', '.join(MODES)}."
        )
    config.stash[_RUN] = []


def _mode(item: pytest.Item) -> str:
    """The test's mode: marker, then command line, then ini (see the module docstring)."""
    if _MODE in item.stash:
        return item.stash[_MODE]
    value: Any = None
    where = ""
    marker = item.get_closest_marker(MARKER)
    if marker is not None:
        value = marker.args[0] if marker.args else marker.kwargs.get("mode")
        where = f"@pytest.mark.{MARKER}"
    else:
        for name in _HOST_MARKERS:
            host = item.get_closest_marker(name)
            if host is not None and host.kwargs.get("contract") is not None:
                value, where = host.kwargs["contract"], f"contract= of @pytest.mark.{name}"
                break
    if value is None:
        value = item.config.getoption("aws_contract") or item.config.getini("aws_contract")
        where = "--aws-contract"
    if value not in MODES:
        pytest.fail(
            f"{where} is {value!r}: the contract mode must be one of {', '.join(MODES)}.",
            pytrace=False,
        )
    item.stash[_MODE] = str(value)
    return str(value)


def _allow_drift(config: pytest.Config) -> bool:
    option = config.getoption("aws_allow_drift")
    return bool(option) if option is not None else bool(config.getini("aws_allow_drift"))


def pytest_aws_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Collect the exchange for the check after the test body."""
    item.stash.setdefault(_EXCHANGES, []).append(exchange)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Resolve (and validate) the test's contract mode before it runs."""
    _mode(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """After the test body, check the exchanges it made; strict mode fails on violations."""
    __tracebackhide__ = True  # the failure is about the exchanges, not this plugin
    try:
        result = yield
    except BaseException:
        # The test failed already: show the violations next to its own failure.
        violations = _check(item)
        if violations:
            item.add_report_section("call", "aws contract", "\n\n".join(str(v) for v in violations))
        raise
    violations = _check(item)
    mode = _mode(item)
    allow = _allow_drift(item.config)
    failing = [v for v in violations if mode == "strict" and is_failure(v, allow_drift=allow)]
    for violation in violations:
        if violation not in failing:
            warnings.warn(ContractWarning(str(violation)), stacklevel=1)
    if failing:
        raise ContractViolationError(
            failing,
            hint=(
                "To report without failing, use --aws-contract=warn or "
                f"@pytest.mark.{MARKER}('warn'); to accept drift, --aws-allow-drift."
            ),
        )
    return result


def _check(item: pytest.Item) -> list[Violation]:
    exchanges = item.stash.get(_EXCHANGES, [])
    if not exchanges or _mode(item) == "off":
        return []
    violations = check_exchanges(exchanges, allow_drift=_allow_drift(item.config))
    item.stash[_VIOLATIONS] = violations
    return violations


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the test's violations to its report (user_properties travel across xdist)."""
    report = yield
    if call.when == "call" and item.stash.get(_VIOLATIONS, []):
        rows = [[v.rule, v.severity, v.operation] for v in item.stash[_VIOLATIONS]]
        report.user_properties.append((_PROPERTY, rows))
    return report


class _Collector:
    """Holds the run's violations; registered per config so no module state is shared."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Gather violations from reports (on the xdist controller too)."""
        for name, rows in report.user_properties:
            if name == _PROPERTY and isinstance(rows, list):
                for rule, severity, operation in rows:
                    self.config.stash[_RUN].append((rule, severity, operation, report.nodeid))


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Register the per-run collector of violations."""
    config = session.config
    if not config.pluginmanager.has_plugin("aws-contract-collector"):
        config.pluginmanager.register(_Collector(config), "aws-contract-collector")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Group the run's contract violations by rule."""
    rows = config.stash.get(_RUN, [])
    if not rows:
        return
    terminalreporter.section("AWS contract violations by rule")
    counts = Counter((rule, severity) for rule, severity, _, _ in rows)
    tests: dict[str, set[str]] = {}
    for rule, _, _, nodeid in rows:
        tests.setdefault(rule, set()).add(nodeid)
    width = max(len(rule) for rule, _ in counts)
    for (rule, severity), count in sorted(counts.items()):
        terminalreporter.write_line(
            f"{rule.ljust(width)}  {severity:<7}  {count:>4}  in {len(tests[rule])} test(s)"
        )
