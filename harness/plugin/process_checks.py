"""The process-hygiene part of the pytest plugin: what a test leaves behind in the process.

Side effects a test's assertions never look at: a variable written into ``os.environ``, a
handler added to botocore's logger or a level lowered, ``socket.setdefaulttimeout``, ``ssl``'s
default HTTPS context replaced (certificate checks off process-wide), warning filters
changed, credentials printed or logged, a ``print()`` left in library code, and clients made
over plain HTTP, without certificate checks, through a proxy or with timeouts of a second.
Each test is watched from the start of its set-up to the end of its teardown
(``process_state``, ``process_output``, ``process_clients``): what fixtures undo (the
``monkeypatch`` fixture, ``caplog``, the harness's own patches) is not reported.

Changes made at import (a conftest, a test module, the library they import) happen before
any test: the run watches the conftests' import and the collection as two windows of their
own, inside pytest's warnings capture of each (pytest puts its filters back after each, so a
filter a module adds at import is seen only there), and reports what they left on the
first test watched.

Mode, per test: ``@pytest.mark.aws_process_checks(mode)`` (a bare marker is ``strict``), then
``--aws-process-checks``, then the ``aws_process_checks`` ini setting, then ``off``. Off by
default: the checks wrap ``os.environ``'s writes, ``print`` and ``create_client`` for the run,
and a suite that sets variables on purpose should choose to be told. In ``strict`` mode a
finding errors the test at teardown (every fixture has been undone by then); in ``warn`` mode
each is a :class:`~harness.errors.ProcessCheckWarning`. ``skip=[...]`` on the marker or the
``aws_process_checks_skip`` ini setting leaves checks out by name (:data:`CHECKS`).

Not checked: a client whose region came from ``AWS_REGION`` over the one the code meant.
botocore never reads ``AWS_REGION``; a client is given a region, and which one the code
would have passed without the variable is not in the process to compare with.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.plugin.process_clients import ClientWatch
    from harness.plugin.process_output import Watch
    from harness.plugin.process_state import Change, Window

MARKER = "aws_process_checks"
MODES = ("strict", "warn", "off")
#: The checks by name (a finding's kind), as ``skip=`` takes them.
CHECKS = ("environment", "logging", "socket", "tls", "warnings", "output", "print", "clients")
DEFAULT_MIN_TIMEOUT = 5.0

_WATCHING: pytest.StashKey[tuple[Window, Watch, ClientWatch]] = pytest.StashKey()
_AT_IMPORT: pytest.StashKey[list[tuple[str, Change]]] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aws-process", "botocore-harness process checks")
    group.addoption(
        "--aws-process-checks",
        choices=MODES,
        default=None,
        help="report what a test leaves changed in the process (environment, SDK loggers, "
        "warning filters, socket timeout), credentials it printed or logged, and unsafe "
        "client settings: strict (error at teardown), warn, off (default). Overrides the "
        "aws_process_checks ini setting; a marker wins.",
    )
    parser.addini("aws_process_checks", "process check mode: strict, warn or off", default="off")
    parser.addini(
        "aws_process_checks_skip",
        f"process checks left out, by name: {', '.join(CHECKS)}",
        type="args",
        default=[],
    )
    parser.addini(
        "aws_process_min_timeout",
        "seconds under which a client's connect or read timeout is reported (default 5)",
        default=str(DEFAULT_MIN_TIMEOUT),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(mode='strict', *, skip=()): process checks of this test: 'strict', 'warn' "
        "or 'off' (wins over --aws-process-checks and the aws_process_checks ini setting); "
        f"skip= leaves checks out by name ({', '.join(CHECKS)}).",
    )
    ini = str(config.getini("aws_process_checks"))
    if ini not in MODES:
        raise pytest.UsageError(
            f"The aws_process_checks ini setting is {ini!r}; use one of {', '.join(MODES)}."
        )
    _checked_skips(config.getini("aws_process_checks_skip"), "the aws_process_checks_skip ini")
    _min_timeout(config)


def _checked_skips(names: Any, where: str) -> set[str]:
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        from harness.errors import did_you_mean

        raise pytest.UsageError(
            f"{where} setting names unknown process check(s) {', '.join(map(repr, unknown))}: "
            f"the checks are {', '.join(CHECKS)}.{did_you_mean(unknown[0], CHECKS)}"
        )
    return set(names)


def _min_timeout(config: pytest.Config) -> float:
    text = str(config.getini("aws_process_min_timeout"))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise pytest.UsageError(
            f"The aws_process_min_timeout ini setting is {text!r}; write a number of seconds "
            f"such as {DEFAULT_MIN_TIMEOUT:g} (0 reports no timeout)."
        )
    return value


def _run_mode(config: pytest.Config) -> str:
    option = getattr(config.option, "aws_process_checks", None) or getattr(
        getattr(config, "known_args_namespace", None), "aws_process_checks", None
    )
    return str(option or config.getini("aws_process_checks"))


def _mode(item: pytest.Item) -> tuple[str, set[str]]:
    """The test's mode and the checks it leaves out (see the module docstring)."""
    skip = _checked_skips(item.config.getini("aws_process_checks_skip"), "the ini")
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return _run_mode(item.config), skip
    where = f"@pytest.mark.{MARKER} on {item.nodeid}"
    mode = marker.args[0] if marker.args else marker.kwargs.get("mode", "strict")
    if mode not in MODES:
        pytest.fail(f"{where} has mode {mode!r}; use one of {', '.join(MODES)}.", pytrace=False)
    extra = marker.kwargs.get("skip", ())
    try:
        return str(mode), skip | _checked_skips(extra, where)
    except pytest.UsageError as exc:  # (one paragraph, as the test's failure)
        raise pytest.fail.Exception(str(exc), pytrace=False) from None


# ------------------------------------------------------------------ changes made at import


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, Any, Any]:
    """Watch the conftests' import (inside pytest's warnings capture of it)."""
    return (yield from _import_window(early_config, "while the conftests were imported"))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_collection(session: pytest.Session) -> Generator[None, Any, Any]:
    """Watch the collection, which imports the test modules and what they import."""
    return (yield from _import_window(session.config, "while the test modules were collected"))


def _import_window(config: pytest.Config, when: str) -> Generator[None, Any, Any]:
    """Watch an import window. Always: a conftest may turn the checks on (as the mutation
    benchmark's suite does) after the conftests before it were imported, and a snapshot
    costs well under a millisecond; os.environ's writes are followed only when the run's
    settings already turn the checks on (else its values are compared)."""
    try:
        on = _run_mode(config) != "off"
    except (ValueError, AttributeError):  # (an ini value pytest_configure reports)
        on = False
    from harness.plugin import process_state

    window = process_state.open_window(writes=on)
    try:
        return (yield)
    finally:
        found = process_state.close_window(window)
        config.stash.setdefault(_AT_IMPORT, []).extend((when, change) for change in found)


# ----------------------------------------------------------------------- each test


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    """Open the test's window before any fixture of it is set up (a mistake in the marker
    fails the set-up after pytest's own, which its teardown expects)."""
    try:
        mode, skip = _mode(item)
    except pytest.fail.Exception as exc:
        mistake: BaseException | None = exc
        mode, skip = "off", set()
    else:
        mistake = None
    if mode != "off":
        from harness.plugin import process_clients, process_output, process_state

        # (the client watch imports botocore, whose import adds filters of its own: first;
        # the output watch adds a handler the window must not count: after the window)
        clients = process_clients.start(_min_timeout(item.config))
        window = process_state.open_window()
        output = process_output.start(_test_dir(item), prints="print" not in skip)
        item.stash[_WATCHING] = (window, output, clients)
    result = yield
    if mistake is not None:
        raise mistake
    return result


def _test_dir(item: pytest.Item) -> Path:
    path = getattr(item, "path", None)
    return _folder_of(str(path)) if path is not None else Path.cwd()


@functools.lru_cache(maxsize=256)
def _folder_of(path: str) -> Path:
    """A test file's folder, resolved once per file (``resolve`` asks the file system)."""
    return Path(path).resolve().parent


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """After the teardown (every fixture undone), judge the test."""
    report = yield
    if report.when == "teardown" and _WATCHING in item.stash:
        _judge(item, report)
    return report


def _judge(item: pytest.Item, report: pytest.TestReport) -> None:
    from harness.plugin import process_clients, process_output, process_state
    from harness.replay.offline_env import STAND_IN_KEY

    window, output, clients = item.stash[_WATCHING]
    del item.stash[_WATCHING]
    process_clients.stop(clients)
    process_output.stop(output)
    changes = process_state.close_window(window)
    known = clients.known | {STAND_IN_KEY[1]}
    # (the teardown's report holds every phase's captured output)
    captured = [("the test's stdout", report.capstdout), ("the test's stderr", report.capstderr)]
    changes += process_output.changes(output, captured, known)
    changes += clients.changes
    mode, skip = _mode(item)
    found = [f"{item.nodeid}: {c.what}. {c.advice}" for c in changes if c.check not in skip]
    at_import = item.config.stash.get(_AT_IMPORT, [])
    if at_import:  # reported once, on the first test watched
        item.config.stash[_AT_IMPORT] = []
        found += [
            f"At import, {when} (before {item.nodeid}, the first test): {c.what}. {c.advice}"
            for when, c in at_import
            if c.check not in skip
        ]
    found = list(dict.fromkeys(found))
    if not found:
        return
    hint = (
        f"(process checks, mode {mode}: @pytest.mark.{MARKER}(skip=[...]) leaves a check "
        f"out by name ({', '.join(CHECKS)}), @pytest.mark.{MARKER}('off') the test.)"
    )
    if mode == "warn":
        from harness.errors import ProcessCheckWarning

        _, line, _ = item.location
        for text in found:
            warnings.warn_explicit(
                ProcessCheckWarning(text), ProcessCheckWarning, str(item.path), (line or 0) + 1
            )
        return
    message = "\n\n".join([*found, hint])
    if report.failed:  # (its teardown failed already: both are shown)
        report.sections.append(("aws process checks", message))
        return
    report.outcome = "failed"
    report.longrepr = message
