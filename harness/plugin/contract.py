"""The contract part of the pytest plugin: check every AWS exchange a test makes.

Other plugin parts (cassettes, the synthetic backend) call ``pytest_aws_exchange`` for each
exchange; this module collects them per test and, after the test body, checks them with
:func:`harness.contract.checker.check_exchanges`.

Mode, per test (``strict``, ``warn`` or ``off``) — precedence: a marker (``aws_contract(mode)``,
else ``contract=`` on ``aws_cassette``/``aws_synthetic``), then ``--aws-contract``, then the
``aws_contract`` ini setting, then ``strict``. In strict mode a violation fails the test with
:class:`~harness.contract.checker.ContractViolationError` (an ``AssertionError``); in warn mode each
violation is a :class:`ContractWarning`. Drift fails too unless ``--aws-allow-drift`` (or the
``aws_allow_drift`` ini setting) is given.

Schemas: the packaged ones, then those generated on demand from the installed botocore, with
the user's directories (``--aws-schema-dir``, else the ``aws_schema_dir`` ini setting) layered
on top; the current directory's ``./schemas`` is never picked up by accident. Rules are
re-graded or turned off by id with ``--aws-contract-rule ID=SEVERITY``, the
``aws_contract_rules`` ini lines, or ``@pytest.mark.aws_contract(rules={ID: SEVERITY})``
(later wins); ``ID@service:Operation/pointer`` scopes a setting to one operation and a JSON
pointer prefix, and the most specific setting that selects a violation wins
(``harness.contract.settings``). Exchanges the checker cannot judge (a protocol with no JSON
wire form yet) are counted in the terminal summary, never failed.

pytest imports this module in every run, most of which use no AWS: the checker (botocore,
jsonschema) is imported when a test has exchanges to check or rules are re-graded.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError

if TYPE_CHECKING:
    from harness.contract.checker import RuleSettings, Skipped, Violation
    from harness.contract.schemas.store import SchemaSource
    from harness.exchange import Exchange

MARKER = "aws_contract"
MODES = ("strict", "warn", "off")
_HOST_MARKERS = ("aws_cassette", "aws_synthetic")
_SETTING_MARKERS = (MARKER, *_HOST_MARKERS)  # markers that may set a test's mode or rules
_PROPERTY = "aws_contract_violations"

_EXCHANGES: pytest.StashKey[list[Exchange]] = pytest.StashKey()
_VIOLATIONS: pytest.StashKey[list[Violation]] = pytest.StashKey()
_MODE = pytest.StashKey[str]()
_RUN = pytest.StashKey[list[tuple[str, str, str, str]]]()  # rule, severity, operation, nodeid
_SKIPPED: pytest.StashKey[list[Skipped]] = pytest.StashKey()
_RUN_SKIPPED = pytest.StashKey[list[tuple[str, str, str]]]()  # operation, reason, nodeid
_SOURCE: pytest.StashKey[SchemaSource] = pytest.StashKey()
_RULES: pytest.StashKey[RuleSettings] = pytest.StashKey()
_SKIP_PROPERTY = "aws_contract_skipped"
#: per test: the scoped rule settings that selected a violation, and the operations checked
_MATCHED = pytest.StashKey[tuple[list[str], list[str]]]()
_MATCHED_PROPERTY = "aws_contract_settings_matched"
_RUN_MATCHED = pytest.StashKey[tuple[set[str], set[str]]]()  # settings matched, ops checked


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
    group.addoption(
        "--aws-schema-dir",
        action="append",
        default=None,
        metavar="DIR",
        help="a schema directory layered on top of the packaged and generated schemas "
        "(repeatable; the first holding a file wins). Overrides the aws_schema_dir ini setting.",
    )
    group.addoption(
        "--aws-contract-rule",
        action="append",
        default=[],
        metavar="ID=SEVERITY",
        help="re-grade a contract rule by id: error, drift, warning or off (repeatable), "
        "e.g. schema.response.constraint=error; ID@service:Operation/pointer=SEVERITY for one "
        "operation and a pointer prefix (either part optional).",
    )
    parser.addini("aws_contract", "contract check mode: strict, warn or off", default="strict")
    parser.addini(
        "aws_schema_dir",
        "schema directories layered on top of the packaged and generated schemas",
        type="paths",
        default=[],
    )
    parser.addini(
        "aws_contract_rules",
        "contract rules re-graded by id, one ID=SEVERITY (error, drift, warning, off) a line; "
        "ID@service:Operation/pointer=SEVERITY for one operation and a pointer prefix",
        type="linelist",
        default=[],
    )
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
        f"{MARKER}(mode, rules=None): contract check mode of this test: 'strict', 'warn' or "
        "'off' (wins over --aws-contract and the aws_contract ini setting); rules={id: "
        "severity} re-grades rules for this test (ID@service:Operation/pointer keys for one "
        "operation and a pointer prefix).",
    )
    ini = str(config.getini("aws_contract"))
    if ini not in MODES:
        raise pytest.UsageError(
            f"The aws_contract ini setting is {ini!r}; use one of {', '.join(MODES)}."
        )
    try:
        rules = _parse_rules(config.getini("aws_contract_rules"), where="aws_contract_rules")
        rules.update(
            _parse_rules(config.getoption("aws_contract_rule"), where="--aws-contract-rule")
        )
        option_dirs = config.getoption("aws_schema_dir")
        dirs = option_dirs if option_dirs else config.getini("aws_schema_dir")
        if dirs:  # without any, the checker's default source (packaged, then generated)
            from harness.contract.schemas.store import schema_source

            # A mistyped directory fails the run once, up front, not every test.
            config.stash[_SOURCE] = schema_source(list(dirs))
    except HarnessUsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_RULES] = rules
    config.stash[_RUN] = []
    config.stash[_RUN_SKIPPED] = []
    config.stash[_RUN_MATCHED] = (set(), set())


def _parse_rules(items: Iterable[str], *, where: str) -> RuleSettings:
    """``ID=SEVERITY`` items by rule id (``parse_rule_settings``); none imports no checker."""
    items = list(items)
    if not items:
        return {}
    from harness.contract.checker import parse_rule_settings

    return parse_rule_settings(items, where=where)


def _test_location(item: pytest.Item) -> tuple[str, int]:
    """The test's file and (1-based) line, where its contract warnings are reported."""
    path, line, _ = item.location
    return str(item.config.rootpath / path), (line or 0) + 1


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
    if value is None:
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


def _rules(item: pytest.Item) -> RuleSettings:
    """The run's rule settings, with this test's marker ``rules=`` on top."""
    base = item.config.stash.get(_RULES, None)
    rules: RuleSettings = dict(base) if base is not None else {}
    marker = item.get_closest_marker(MARKER)
    extra = marker.kwargs.get("rules") if marker is not None else None
    if extra:
        if not isinstance(extra, dict):
            pytest.fail(
                f"rules= of @pytest.mark.{MARKER} must be a dict of rule id (or "
                f"ID@service:Operation/pointer) to severity, got {type(extra).__name__}.",
                pytrace=False,
            )
        from harness.contract.settings import normalize_rule_settings

        try:
            extra = normalize_rule_settings(extra, where=f"rules= of @pytest.mark.{MARKER}")
        except HarnessUsageError as exc:
            # one paragraph: not chained to the error (pytest would print the message twice)
            raise pytest.fail.Exception(str(exc), pytrace=False) from None
        rules.update(extra)
    return rules


def _allow_drift(config: pytest.Config) -> bool:
    option = config.getoption("aws_allow_drift")
    return bool(option) if option is not None else bool(config.getini("aws_allow_drift"))


def pytest_aws_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Collect the exchange for the check after the test body."""
    item.stash.setdefault(_EXCHANGES, []).append(exchange)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Validate the test's contract mode and rule settings before it runs, when a marker sets
    them (the run's own were checked at configure; a test without exchanges never reads
    them, and most tests of a run make none)."""
    if any(mark.name in _SETTING_MARKERS for mark in item.iter_markers()):
        _mode(item)
        _rules(item)


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
    if not violations:
        return result
    from harness.contract.checker import ContractViolationError, is_failure

    mode = _mode(item)
    allow = _allow_drift(item.config)
    failing = [v for v in violations if mode == "strict" and is_failure(v, allow_drift=allow)]
    path, line = _test_location(item)
    for violation in violations:
        if violation not in failing:
            # reported at the test, not at this line of the plugin (pytest's summary shows
            # the warning's file and line, and the source line there)
            warnings.warn_explicit(ContractWarning(str(violation)), ContractWarning, path, line)
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
    # (taken from the item: items live until the session ends, and a suite of thousands of
    # tests kept every exchange, bodies and all, until then)
    exchanges = item.stash.get(_EXCHANGES, [])
    item.stash[_EXCHANGES] = []
    if not exchanges or _mode(item) == "off":
        return []
    from harness.contract.checker import check_all

    matched: set[str] = set()
    result = check_all(
        exchanges,
        schema_dir=item.config.stash.get(_SOURCE, None),
        allow_drift=_allow_drift(item.config),
        rules=_rules(item),
        matched=matched,
    )
    checked = sorted({f"{e.service}:{e.operation}" for e in exchanges})
    item.stash[_MATCHED] = (sorted(matched), checked)
    item.stash[_VIOLATIONS] = result.violations
    item.stash[_SKIPPED] = result.skipped
    if result.skipped:
        item.add_report_section(
            "call", "aws contract: not checked", "\n".join(str(s) for s in result.skipped)
        )
    return result.violations


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the test's violations to its report (user_properties travel across xdist)."""
    report = yield
    if call.when == "call" and item.stash.get(_VIOLATIONS, []):
        rows = [[v.rule, v.severity, v.operation] for v in item.stash[_VIOLATIONS]]
        report.user_properties.append((_PROPERTY, rows))
    if call.when == "call" and _MATCHED in item.stash:
        matched, checked = item.stash[_MATCHED]
        report.user_properties.append((_MATCHED_PROPERTY, [matched, checked]))
    if call.when == "call" and item.stash.get(_SKIPPED, []):
        skipped = [[s.operation, s.reason] for s in item.stash[_SKIPPED]]
        report.user_properties.append((_SKIP_PROPERTY, skipped))
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
            elif name == _SKIP_PROPERTY and isinstance(rows, list):
                for operation, reason in rows:
                    self.config.stash[_RUN_SKIPPED].append((operation, reason, report.nodeid))
            elif name == _MATCHED_PROPERTY and isinstance(rows, list) and len(rows) == 2:
                matched, checked = self.config.stash[_RUN_MATCHED]
                matched.update(str(key) for key in rows[0])
                checked.update(str(operation) for operation in rows[1])


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Register the per-run collector of violations."""
    config = session.config
    if not config.pluginmanager.has_plugin("aws-contract-collector"):
        config.pluginmanager.register(_Collector(config), "aws-contract-collector")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Group the run's contract violations by rule; count the exchanges not checked."""
    skipped = config.stash.get(_RUN_SKIPPED, [])
    if skipped:
        per_reason = Counter(reason for _, reason, _ in skipped)
        ops = sorted({operation for operation, _, _ in skipped})
        shown = ", ".join(ops[:5]) + (f" and {len(ops) - 5} more" if len(ops) > 5 else "")
        terminalreporter.write_line(
            f"aws contract: {len(skipped)} exchange(s) not checked ({shown}); "
            + "; ".join(f"{n}x {reason}" for reason, n in sorted(per_reason.items()))
        )
    _warn_stale_settings(terminalreporter, config)
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


def _warn_stale_settings(terminalreporter: Any, config: pytest.Config) -> None:
    """A line for each scoped rule setting of the run (ini, command line) that selected no
    violation in any test that checked exchanges: misspelt, or its finding fixed. Never a
    failure; a run narrowed with ``-k`` may leave out the tests a setting is for."""
    matched, checked = config.stash.get(_RUN_MATCHED, (set(), set()))
    settings = config.stash.get(_RULES, {})
    if not checked or not settings:
        return
    from harness.contract.settings import stale_message, stale_rule_settings

    for key in stale_rule_settings(settings, matched):
        line = stale_message(key, settings[key], "aws contract: rule", checked)
        terminalreporter.write_line(line, yellow=True)
