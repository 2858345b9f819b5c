"""The record/replay part of the pytest plugin: marker, options, fixtures, miss reporting.

Use ``@pytest.mark.aws_cassette`` (or the ``aws_cassette`` fixture) and every botocore client
the test creates — anywhere — records into, or replays from, the test's cassette. The engine
is ``harness.replay.recorder``; this module only talks to pytest.

pytest imports this module in every run, most of which use no AWS: the engine (botocore,
YAML) is imported by the fixtures and hooks that need it, never at module level.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shlex
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError, did_you_mean
from harness.plugin.marker_fixtures import leave_out_unless_marked
from harness.replay.record_modes import RECORD_MODES, check_record_mode
from harness.replay.socket_peers import watch_connects

if TYPE_CHECKING:
    from harness.exchange import Exchange
    from harness.replay.match_policy import MatchPolicy
    from harness.replay.miss_report import CassetteMiss
    from harness.replay.network_guard import Allowed, Violations
    from harness.replay.recorder import CassetteRecorder
    from harness.replay.volatile import Volatile
    from harness.secrets import Redaction

MARKER = "aws_cassette"
_MARKER_KWARGS = (
    "record_mode",
    "match_region",
    "time_tolerance",
    "ignore",
    "normalize",
    "matcher",
    "clock",
    "allowed_hosts",
    "volatile",
    "max_age",
)
CLOCKS = ("real", "recorded")
_FOREIGN_MARKER_KWARGS = ("contract",)  # read by the contract plugin (pytest_contract)
_RECORDER: pytest.StashKey[CassetteRecorder] = pytest.StashKey()
#: The phase the test is in (``setup``, ``call``, ``teardown``): its cassette's recorder
#: stamps it into each interaction it records (``harness policy`` tells set-up calls apart).
_PHASE: pytest.StashKey[str] = pytest.StashKey()


_DIGEST_DEFAULT = "64KiB"
#: Generated values bound in replay unless a project says otherwise (``aws_volatile = off``):
#: a suite recorded with no settings replays in a fresh clone (docs/how-to/generated-values.md).
VOLATILE_DEFAULT = ("uuid hex alnum hash time",)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options and ini settings of record/replay, in one group."""
    group = parser.getgroup("aws-cassette", "botocore-harness record/replay")
    group.addoption(
        "--aws-record-mode",
        choices=RECORD_MODES,
        default=None,
        help="record mode of AWS cassettes: none (replay only, default), once, new_episodes, "
        "all. Overrides the aws_record_mode ini setting; a marker's record_mode wins over both.",
    )
    group.addoption(
        "--aws-match-region",
        action="store_true",
        default=None,
        help="match the client region too when replaying (default: any region matches).",
    )
    group.addoption(
        "--aws-time-tolerance",
        default=None,
        metavar="SECONDS",
        help="how far a timestamp parameter's offset from 'now' may drift between recording "
        "and replay and still match (default 300; 'exact' compares timestamps as recorded).",
    )
    group.addoption(
        "--aws-keep-failed-recordings",
        action="store_true",
        default=None,
        help="save what a failing test recorded (default: a test that fails while recording "
        "leaves its cassette as it was).",
    )
    group.addoption(
        "--aws-report-unused",
        action="store_true",
        default=False,
        help="list recorded interactions no test used at the end of the run (also with -v).",
    )
    group.addoption(
        "--aws-replay-clock",
        choices=CLOCKS,
        default=None,
        help="during replay, 'recorded' makes the test's clock start at the time the cassette "
        "was recorded (needs the [clock] extra: time-machine); default 'real'.",
    )
    group.addoption(
        "--aws-allowed-hosts",
        action="append",
        default=None,
        metavar="HOSTS",
        help="hosts a replaying test may still connect to or look up (comma-separated: host, "
        "host:port, globs like *.internal, 'loopback'; '*' turns the network block off). "
        "Adds to the aws_allowed_hosts ini setting.",
    )
    group.addoption(
        "--aws-volatile",
        default=None,
        metavar="KINDS",
        help="kinds of values the tests generate per run, bound at replay (comma-separated: "
        "uuid, hex, alnum, hash, time, 're:<pattern>'); replaces the aws_volatile ini setting.",
    )
    group.addoption(
        "--aws-max-age",
        default=None,
        metavar="AGE",
        help="how old a replayed recording may be (30d, 12h, 6w, or seconds; 'off': no "
        "limit). Overrides the aws_max_age ini setting; a marker's max_age wins over both.",
    )
    group.addoption(
        "--aws-max-age-action",
        default=None,
        metavar="ACTION",
        help="what an older recording does: warn (default), fail, or rerecord (in a record "
        "mode that may record; replay-only fails with the command). Overrides the ini setting.",
    )
    parser.addini(
        "aws_max_age", "how old a replayed recording may be: 30d, 12h, 6w, or seconds", default=""
    )
    parser.addini(
        "aws_max_age_action",
        "what a recording older than aws_max_age does: warn, fail or rerecord",
        default="warn",
    )
    parser.addini(
        "aws_volatile",
        "kinds of values the tests generate per run, bound at replay: uuid hex alnum hash "
        "time, and 're:<pattern>' lines; 'off' binds none (default: uuid hex alnum hash time)",
        type="linelist",
        default=list(VOLATILE_DEFAULT),
    )
    parser.addini(
        "aws_allowed_hosts",
        "hosts a replaying test may still connect to or look up: host, host:port, globs, "
        "'loopback' ('*': no network block)",
        type="args",
        default=[],
    )
    parser.addini(
        "aws_allow_xray_daemon",
        "let a replaying test send UDP datagrams to the X-Ray daemon "
        "(AWS_XRAY_DAEMON_ADDRESS, else 127.0.0.1:2000)",
        type="bool",
        default=True,
    )
    parser.addini(
        "aws_replay_clock", "the test's clock during replay: real or recorded", default="real"
    )
    parser.addini(
        "aws_keep_failed_recordings",
        "save what a failing test recorded",
        type="bool",
        default=False,
    )
    parser.addini("aws_record_mode", "default record mode of AWS cassettes", default="none")
    parser.addini(
        "aws_time_tolerance",
        "seconds a timestamp's offset from now may drift at replay ('exact' to turn off)",
        default="300",
    )
    parser.addini(
        "aws_cassette_dir", "folder of AWS cassettes, relative to the rootdir", default="cassettes"
    )
    parser.addini(
        "aws_match_region", "match the client region when replaying", type="bool", default=False
    )
    parser.addini(
        "aws_match_ignore",
        "members left out of replay matching, one line per operation: "
        "'service:Operation Member ...' ('*' for every operation)",
        type="linelist",
        default=[],
    )
    parser.addini(
        "aws_match_normalize",
        "functions normalising request parameters before matching, one line per operation: "
        "'service:Operation package.module:function'",
        type="linelist",
        default=[],
    )
    parser.addini(
        "aws_matcher",
        "custom matchers (recorded, sent) -> bool, one line per operation: "
        "'service:Operation package.module:function'",
        type="linelist",
        default=[],
    )
    parser.addini(
        "aws_digest_bodies_over",
        "store request bodies larger than this (bytes, or 64KiB, 1MiB) that replay matches by "
        "digest (S3 uploads) as their SHA-256 and size; 'off' stores them whole",
        default=_DIGEST_DEFAULT,
    )
    parser.addini(
        "aws_pseudonyms",
        "replace access key ids and account ids in cassettes with placeholders",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and check the ini record mode early, with a clear message."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name=None, *, record_mode=None, match_region=None, time_tolerance=..., "
        "ignore=None, normalize=None, matcher=None, clock=None, allowed_hosts=None, "
        "volatile=None, max_age=None): record or replay the test's AWS traffic and other HTTP "
        "in a cassette; no network in replay (see docs/how-to/record-replay.md).",
    )
    try:
        check_record_mode(str(config.getini("aws_record_mode")), "the aws_record_mode ini setting")
        option = config.getoption("aws_time_tolerance", None)
        time_tolerance(
            option if option is not None else config.getini("aws_time_tolerance"),
            "--aws-time-tolerance" if option is not None else "the aws_time_tolerance ini setting",
        )
        # a typo in an ignore line stops the run at once (functions resolve in the fixture,
        # once test folders are importable)
        # a typo in a host or in the age settings stops the run at once (read only when
        # set: each imports a module a run that uses no AWS never needs)
        if config.getini("aws_allowed_hosts") or config.getoption("aws_allowed_hosts", None):
            _allowed_hosts(config, {})
        if _max_age_set(config):
            _max_age(config, {})
        volatile = config.getini("aws_volatile")
        if list(volatile) != list(VOLATILE_DEFAULT) or config.getoption("aws_volatile", None):
            _volatile_setting(config)  # a kind mistyped stops the run once, not every test
        if config.getini("aws_digest_bodies_over") != _DIGEST_DEFAULT:
            _digest_over(config)  # (reading a size needs botocore: only when one is set)
        ignore = config.getini("aws_match_ignore")
        if ignore:  # checking them needs botocore's models: only when there are some
            from harness.replay import match_settings

            match_settings.ignore_from_lines(ignore, "the aws_match_ignore ini setting")
    except HarnessUsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    watch_connects()  # (when the plugin came in through a conftest's pytest_plugins)


def _enter_phase(item: pytest.Item, phase: str) -> None:
    """The test enters ``phase``: what its cassette records from now on is tagged with it."""
    item.stash[_PHASE] = phase
    recorder = item.stash.get(_RECORDER, None)
    if recorder is not None:
        recorder.phase = phase


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    """Remember where sockets connect from before the first conftest is imported: a
    replaying test's send on a socket connected earlier (a conftest's, a module's, a
    session fixture's) is checked (``harness.replay.socket_peers``)."""
    watch_connects()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _enter_phase(item, "setup")
    leave_out_unless_marked(item, MARKER, "_aws_cassette_marker")
    watch_connects()  # (again: another plugin may have put its own saved connect back)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _enter_phase(item, "teardown")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose unmatched request was swallowed by the code under test."""
    _enter_phase(item, "call")
    result = yield
    recorder = item.stash.get(_RECORDER, None)
    if recorder is not None and recorder.misses:
        raise recorder.misses[0]
    if recorder is not None:
        _judge_age(item, recorder)
    blocked = item.stash.get(_BLOCKED, None)
    if blocked is not None and blocked.gather():  # with what child processes reported
        raise blocked[0]
    return result


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Iterator[None]:
    """The test body starts ``random`` from its cassette's seed (``random_seed``)."""
    recorder = pyfuncitem.stash.get(_RECORDER, None)
    if recorder is not None:
        from harness.plugin.random_seed import reseed

        reseed(recorder.random_seed)
    return (yield)


@pytest.fixture(autouse=True)
def _aws_cassette_marker(request: pytest.FixtureRequest) -> None:
    """Activate the cassette of tests marked ``aws_cassette``."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("aws_cassette")


@pytest.fixture
def aws_redaction(pytestconfig: pytest.Config) -> Redaction:
    """What is redacted from cassettes; override it to add rules or switch identifier
    placeholders off."""
    from harness.secrets import Redaction

    return Redaction(pseudonyms=bool(pytestconfig.getini("aws_pseudonyms")))


#: Where sidecar indexes of large cassettes go when pytest's cache is off (or to share them).
INDEX_DIR_ENV = "HARNESS_INDEX_DIR"


def index_folder(config: pytest.Config) -> Path | None:
    """Where large cassettes' sidecar indexes live (``harness.cassettes.index``):
    ``$HARNESS_INDEX_DIR``, else pytest's cache folder; None (no index) without either."""
    if os.environ.get(INDEX_DIR_ENV):
        return Path(os.environ[INDEX_DIR_ENV])
    cache = getattr(config, "cache", None)
    if cache is None:  # -p no:cacheprovider
        return None
    return Path(cache.mkdir("botocore-harness")) / "index"


@pytest.fixture
def aws_match_policy(pytestconfig: pytest.Config) -> MatchPolicy:
    """How replay matches requests: time tolerance, ignored members, normalising functions,
    custom matchers (from the ini settings); override it to shape matching in Python."""
    try:
        return settings_policy(pytestconfig)
    except HarnessUsageError as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None  # one paragraph


def settings_policy(config: pytest.Config) -> MatchPolicy:
    """The match policy of the command line and ini settings (no marker, no override)."""
    option = config.getoption("aws_time_tolerance", None)
    where = "--aws-time-tolerance" if option is not None else "the aws_time_tolerance ini setting"
    raw = option if option is not None else config.getini("aws_time_tolerance")
    policy = _ini_policy(config, time_tolerance(raw, where))
    return replace(policy, volatile=_volatile_setting(config))


def _ini_policy(config: pytest.Config, tolerance: float | None) -> MatchPolicy:
    from harness.replay import match_settings

    return match_settings.policy_from_ini(
        tolerance,
        config.getini("aws_match_ignore"),
        config.getini("aws_match_normalize"),
        config.getini("aws_matcher"),
    )


def _volatile_setting(config: pytest.Config) -> Volatile:
    """``--aws-volatile`` (commas or spaces between entries), else the ini lines."""
    from harness.replay.volatile import parse

    option = config.getoption("aws_volatile", None)
    if option is not None:
        entries = [option] if str(option).startswith("re:") else re.split(r"[\s,]+", option)
        return parse([e for e in entries if e], "--aws-volatile")
    return parse(config.getini("aws_volatile"), "the aws_volatile ini setting")


def time_tolerance(value: Any, where: str) -> float | None:
    """Seconds (a number >= 0), or ``None`` for exact timestamps (``exact``, ``off``, None)."""
    if value is None or str(value).strip().lower() in ("exact", "off", "none"):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds >= 0 or seconds == float("inf"):
        raise HarnessUsageError(
            f"Cannot use time tolerance {value!r} from {where}: give a number of seconds "
            "(0 or more, e.g. 300) or 'exact' to compare timestamps as recorded."
        )
    return seconds


def _policy(base: MatchPolicy, options: dict[str, Any], where: str) -> MatchPolicy:
    # Precedence: the marker's arguments, then the aws_match_policy fixture (which reads
    # --aws-time-tolerance, then the ini settings). See harness.replay.match_settings.
    from harness.replay import match_settings

    policy = base
    if "time_tolerance" in options:
        policy = replace(policy, time_tolerance=time_tolerance(options["time_tolerance"], where))
    if "volatile" in options:
        # a marker's kinds add to the project's; volatile=False turns binding off for the test
        from harness.replay.volatile import NONE, parse

        given = options["volatile"]
        volatile = NONE if given is False else policy.volatile | parse(given, where)
        policy = replace(policy, volatile=volatile)
    return match_settings.apply_marker(policy, options, where)


@pytest.fixture
def aws_cassette(
    request: pytest.FixtureRequest,
    aws_redaction: Redaction,
    aws_match_policy: MatchPolicy,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CassetteRecorder]:
    """The test's active AWS cassette: ``path``, ``record_mode``, ``exchanges``, ``calls``."""
    from harness.replay.recorder import CassetteRecorder

    item = request.node
    try:  # a mistake in the marker is one paragraph, not a traceback into the plugin
        options = _marker_options(item)
        path, mode = cassette_path(item, options.get("name")), _record_mode(item.config, options)
        path = _legacy_cassette(item, path, options, mode)
        policy = _policy(aws_match_policy, options, f"@pytest.mark.{MARKER} on {item.nodeid}")
        match_region = _match_region(item.config, options)
        allowed = _allowed_hosts(item.config, options)
        max_age, age_action = _max_age(item.config, options)
        mode = _rerecord_if_stale(item, path, mode, max_age, age_action)
    except HarnessUsageError as exc:
        # one paragraph: not chained to the error (pytest would print the message twice)
        raise pytest.fail.Exception(str(exc), pytrace=False) from None
    import time

    # "now" for the age check, taken before a recorded replay clock moves it
    item.stash[_MAX_AGE] = (max_age, age_action, time.time())
    if mode == "none" or (mode == "once" and path.exists()):
        # before anything touches botocore: a missing profile must not break replay
        _replay_environment(request, tmp_path_factory)
    catch_up = _ClockCatchUp()

    def on_exchange(exchange: Exchange) -> None:
        catch_up(exchange)
        _report(item, exchange)

    recorder = CassetteRecorder(
        path,
        mode,
        redaction=aws_redaction,
        match_region=match_region,
        policy=policy,
        on_exchange=on_exchange,
        rerecord_command=lambda mode: _rerecord_command(item, mode),
        run_id=_run_id(item.config),
        index_dir=index_folder(item.config),
        sources=_source_files(item),
        digest_over=_digest_over(item.config),
    )
    recorder.phase = item.stash.get(_PHASE, "setup")  # (the test body may ask for it late)
    item.stash[_RECORDER] = recorder
    from harness.plugin.fixture_ties import share_bindings

    share_bindings(recorder)  # what wide fixtures made up is bound in the test too
    from harness.replay.moto_side import say_what_moto_answered
    from harness.replay.other_http import other_http

    catch_up.recorder = recorder
    from harness.plugin.random_seed import seeded

    with (
        seeded(recorder.random_seed),
        _replay_clock(item, options, recorder, catch_up),
        recorder.activate(),
        other_http(recorder, allowed),
        _network_block(item, allowed, recorder),
        say_what_moto_answered(),
    ):
        yield recorder
    recorder.finish_reading()  # (a large foreign cassette read lazily: cached for next time)
    failed = item.stash.get(_CALL_FAILED, False)
    if not item.stash.get(_CALL_REPORTED, False) and recorder.recorded_count:
        # Ctrl-C in the test body (pytest then tears fixtures down without a call report),
        # or a set-up that failed: what was recorded is a part, never saved over the whole
        item.add_report_section(
            "teardown",
            "aws cassette",
            f"Not saving {recorder.recorded_count} new recording(s) to {path}: the test did "
            "not finish (interrupted, or its set-up failed); the cassette is left as it was.",
        )
        sys.stderr.write(
            f"botocore-harness: not saving {recorder.recorded_count} new recording(s) to "
            f"{path}: the test did not finish.\n"
        )
    elif failed and not _keep_failed(item.config) and recorder.recorded_count:
        item.add_report_section(
            "teardown",
            "aws cassette",
            f"Not saving {recorder.recorded_count} new recording(s) to {path}: the test failed "
            "while recording (use --aws-keep-failed-recordings to keep them).",
        )
    else:
        recorder.save()
    _note_usage(item.config, recorder, item.nodeid, failed=failed)


_BLOCKED: pytest.StashKey[Violations] = pytest.StashKey()
_MAX_AGE: pytest.StashKey[tuple[float | None, str, float]] = pytest.StashKey()


def _max_age(config: pytest.Config, options: dict[str, Any]) -> tuple[float | None, str]:
    """The age limit (seconds, None: none) and its action. Precedence: the marker's
    ``max_age``, then ``--aws-max-age``, then the ini setting (the action: command line,
    then ini)."""
    from harness.cassettes.age import check_action, parse_max_age

    if "max_age" in options:
        limit = parse_max_age(options["max_age"], f"@pytest.mark.{MARKER}(max_age=...)")
    elif config.getoption("aws_max_age", None) is not None:
        limit = parse_max_age(config.getoption("aws_max_age"), "--aws-max-age")
    else:
        limit = parse_max_age(config.getini("aws_max_age"), "the aws_max_age ini setting")
    option = config.getoption("aws_max_age_action", None)
    if option is not None:
        return limit, check_action(option, "--aws-max-age-action")
    return limit, check_action(
        config.getini("aws_max_age_action"), "the aws_max_age_action ini setting"
    )


def _max_age_set(config: pytest.Config) -> bool:
    """Whether any age setting differs from its default (no limit, action warn)."""
    return bool(
        config.getini("aws_max_age")
        or config.getoption("aws_max_age", None) is not None
        or config.getini("aws_max_age_action") != "warn"
        or config.getoption("aws_max_age_action", None) is not None
    )


def _rerecord_if_stale(
    item: pytest.Item, path: Path, mode: str, max_age: float | None, action: str
) -> str:
    """With action ``rerecord`` in a mode that may record, a cassette whose oldest
    interaction is older than ``max_age`` is recorded again: mode ``all`` for this test."""
    if max_age is None or action != "rerecord" or mode in ("none", "all") or not path.exists():
        return mode
    import time

    from harness.cassettes.age import age_text, epoch_of, limit_text
    from harness.cassettes.cassette import read_cassette

    known = [epoch_of(tag.get("recorded_at")) for tag in read_cassette(path).tags]
    oldest = min((e for e in known if e is not None), default=None)
    if oldest is None or time.time() - oldest <= max_age:
        return mode
    item.add_report_section(
        "setup",
        "aws cassette",
        f"Re-recording {path} (mode 'all' instead of {mode!r}): its oldest interaction was "
        f"recorded {age_text(time.time() - oldest)} ago, over max_age {limit_text(max_age)}.",
    )
    return "all"


def _judge_age(item: pytest.Item, recorder: CassetteRecorder) -> None:
    """Warn about, or fail, a test that replayed a recording older than its max_age."""
    max_age, action, now = item.stash.get(_MAX_AGE, (None, "warn", 0.0))
    if max_age is None:
        return
    replayed = {e.index: e.label for e in recorder.exchanges if e.source == "replayed"}
    aged = [
        (now - when, index)
        for index in replayed
        if index is not None and (when := recorder.recorded_at(index)) is not None
    ]
    stale = [(age, index) for age, index in aged if age > max_age]
    if not stale:
        return
    from harness.cassettes.age import StaleCassette, StaleCassetteWarning, age_text, limit_text

    age, index = max(stale)
    moment = dt.datetime.fromtimestamp(now - age, tz=dt.timezone.utc)
    stamp = moment.isoformat(timespec="seconds")
    head = (
        f"{item.nodeid} replayed {len(stale)} interaction(s) of {recorder.path} older than "
        f"max_age {limit_text(max_age)}: the oldest, #{index} {replayed[index]}, was recorded "
        f"{stamp.replace('+00:00', 'Z')}, {age_text(age)} ago."
    )
    if action == "warn":
        item.warn(StaleCassetteWarning(f"{head} Re-record it: {_rerecord_command(item, 'all')}"))
        return
    if action == "rerecord":  # replay-only: it cannot record here; say how
        raise StaleCassette(
            f"{head} With aws_max_age_action=rerecord a mode that may record re-records it: "
            f"{_rerecord_command(item, 'once')}"
        )
    raise StaleCassette(f"{head} Re-record it: {_rerecord_command(item, 'all')}")


@contextmanager
def _network_block(
    item: pytest.Item, allowed: Allowed, recorder: CassetteRecorder
) -> Iterator[None]:
    """While the test replays, no socket connects and no name is looked up (but allowed)."""
    if not recorder.replay_only or ("*", None) in allowed.entries:
        yield  # recording needs the network; '*' allows every host
        return
    from harness.replay.network_guard import block_network

    why = (
        "If the test needs this host in replay too, allow it: aws_allowed_hosts (ini), "
        f"--aws-allowed-hosts or @pytest.mark.{MARKER}(allowed_hosts=[...]); if the request "
        f"should be answered from the cassette, record it: "
        f"{_rerecord_command(item, 'new_episodes')}"
    )
    xray_daemon = bool(item.config.getini("aws_allow_xray_daemon"))
    with block_network(allowed, why, xray_daemon=xray_daemon) as blocked:
        item.stash[_BLOCKED] = blocked
        yield


def _allowed_hosts(config: pytest.Config, options: dict[str, Any]) -> Allowed:
    """The allowed hosts of the network block: ini, command line and marker together."""
    from harness.replay.network_guard import Allowed

    allowed = Allowed.parse(config.getini("aws_allowed_hosts"), "the aws_allowed_hosts ini setting")
    allowed += Allowed.parse(
        config.getoption("aws_allowed_hosts", None) or [], "--aws-allowed-hosts"
    )
    marker = options.get("allowed_hosts")
    if marker is not None:
        values = [marker] if isinstance(marker, str) else list(marker)
        allowed += Allowed.parse(values, f"@pytest.mark.{MARKER}(allowed_hosts=...)")
    return allowed


_CALL_FAILED = pytest.StashKey[bool]()
_CALL_REPORTED = pytest.StashKey[bool]()  # the test body ran to a report (any outcome)
_USAGE = pytest.StashKey[dict[str, dict[str, Any]]]()
_WORKER_KEY = "botocore_harness_usage"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test body failed (its recordings are then not saved)."""
    report = yield
    if call.when == "call":
        item.stash[_CALL_REPORTED] = True
    if call.when == "call" and (report.failed or (report.skipped and hasattr(report, "wasxfail"))):
        item.stash[_CALL_FAILED] = True  # (an expected failure failed: not a whole recording)
    if report.skipped and item.get_closest_marker(MARKER) is not None:
        _note_skipped(item)
    return report


class _ClockCatchUp:
    """Moves the recorded replay clock forward to when a replayed answer arrived, if it is
    behind: a time the server stamped during the call (a CreationDate) is then never later
    than the test's "now" after it, as while recording."""

    def __init__(self) -> None:
        self.recorder: CassetteRecorder | None = None
        self.coordinates: Any = None  # time-machine's, while the recorded clock runs

    def __call__(self, exchange: Exchange) -> None:
        recorder, index = self.recorder, exchange.index
        if self.coordinates is None or recorder is None or index is None:
            return
        if exchange.source != "replayed":
            return
        import time

        # (an older cassette has no answered_at: its clock only starts at the recording)
        answered = recorder.answered_at(index)
        if answered is not None and time.time() < answered:
            self.coordinates.move_to(dt.datetime.fromtimestamp(answered, tz=dt.timezone.utc))


@contextmanager
def _replay_clock(
    item: pytest.Item,
    options: dict[str, Any],
    recorder: CassetteRecorder,
    catch_up: _ClockCatchUp | None = None,
) -> Iterator[None]:
    """With clock 'recorded', replay runs with the clock at the recording time, ticking,
    never behind an answer it replayed (``catch_up``)."""
    # Precedence: marker, command line, ini.
    clock = options.get("clock") or item.config.getoption("aws_replay_clock", None)
    clock = str(clock or item.config.getini("aws_replay_clock"))
    if clock not in CLOCKS:
        raise HarnessUsageError(
            f"Unknown replay clock {clock!r} for {item.nodeid}.{did_you_mean(clock, CLOCKS)} "
            "Use 'real' or 'recorded'."
        )
    since = recorder.recorded_since if clock != "real" and recorder.replay_only else None
    if since is None:
        yield
        return
    try:
        import time_machine
    except ImportError:
        raise HarnessUsageError(
            f"The recorded replay clock of {item.nodeid} needs time-machine: install "
            "'botocore-harness[clock]' (or time-machine itself)."
        ) from None
    start = dt.datetime.fromtimestamp(since, tz=dt.timezone.utc)
    with time_machine.travel(start, tick=True) as coordinates:
        if catch_up is not None:
            catch_up.coordinates = coordinates
        try:
            yield
        finally:
            if catch_up is not None:
                catch_up.coordinates = None


_RUN_ID = pytest.StashKey[str]()


def _run_id(config: pytest.Config) -> str:
    """One id per test run, the same in every pytest-xdist worker (``testrunuid``)."""
    found = config.stash.get(_RUN_ID, None)
    if found is None:
        worker = getattr(config, "workerinput", None)
        found = str(worker["testrunuid"]) if worker else uuid.uuid4().hex
        config.stash[_RUN_ID] = found
    return found


def _keep_failed(config: pytest.Config) -> bool:
    option = config.getoption("aws_keep_failed_recordings", None)
    return bool(option) if option else bool(config.getini("aws_keep_failed_recordings"))


def _note_usage(
    config: pytest.Config, recorder: CassetteRecorder, nodeid: str, *, failed: bool
) -> None:
    """Which interactions of the cassette this test used (for prune and the unused report).

    A test that failed may not have reached all the calls it needs: its cassette is marked
    incomplete, and prune leaves it alone.
    """
    if not recorder.path.exists():
        return
    _merge_usage(
        config.stash.setdefault(_USAGE, {}),
        str(recorder.path.resolve()),
        {
            "used": recorder.used,
            "total": recorder.stored_count,
            "tests": [nodeid],
            "incomplete": [nodeid] if failed else [],
        },
    )


def _note_skipped(item: pytest.Item) -> None:
    """A skipped test marked with a cassette still owns its interactions: prune must keep
    them, so its cassette is marked incomplete for this run."""
    try:
        path = cassette_path(item, _marker_options(item).get("name"))
    except HarnessUsageError:
        return  # the run reports the marker's mistake elsewhere
    if path.exists():
        entry = {"used": [], "total": 0, "tests": [item.nodeid], "incomplete": [item.nodeid]}
        _merge_usage(item.config.stash.setdefault(_USAGE, {}), str(path.resolve()), entry)


def _merge_usage(usage: dict[str, dict[str, Any]], path: str, entry: dict[str, Any]) -> None:
    mine = usage.setdefault(path, {"used": [], "total": 0, "tests": [], "incomplete": []})
    mine["used"] = sorted(set(mine["used"]) | set(entry["used"]))
    mine["total"] = max(mine["total"], entry["total"])
    for key in ("tests", "incomplete"):
        mine[key] = sorted(set(mine.get(key, ())) | set(entry.get(key, ())))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: merge a worker's cassette usage into the controller's."""
    text = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if not text:
        return
    usage = node.config.stash.setdefault(_USAGE, {})
    for path, entry in json.loads(text).items():
        _merge_usage(usage, path, entry)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write which interactions the run used into pytest's cache (``harness cassette prune``)."""
    config = session.config
    usage = config.stash.get(_USAGE, {})
    worker_output = getattr(config, "workeroutput", None)
    if worker_output is not None:  # an xdist worker: the controller writes the file
        worker_output[_WORKER_KEY] = json.dumps(usage)
        return
    cache = getattr(config, "cache", None)
    if usage and cache is not None:
        from harness.cassettes.usage import CACHE_KEY as USAGE_CACHE_KEY
        from harness.cassettes.usage import file_digest

        # the digest ties the indices to the file as this run left it (prune checks it)
        cache.set(
            USAGE_CACHE_KEY,
            {
                path: {**entry, "digest": file_digest(Path(path))}
                for path, entry in sorted(usage.items())
            },
        )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """With -v or --aws-report-unused: the recorded interactions no test replayed."""
    if not (config.getoption("aws_report_unused", False) or config.getoption("verbose", 0) > 0):
        return
    from harness.safe_text import one_line  # (a file's name is shown escaped)

    usage = config.stash.get(_USAGE, {})
    lines = []
    for path, entry in sorted(usage.items()):
        if entry.get("incomplete"):
            continue  # a test using it failed or was skipped: "unused" would mislead
        unused = [i for i in range(entry["total"]) if i not in set(entry["used"])]
        if unused:
            shown = ", ".join(f"#{i}" for i in unused[:10]) + (" ..." if len(unused) > 10 else "")
            lines.append(f"{one_line(path)}: {len(unused)} of {entry['total']} unused ({shown})")
    if lines:
        terminalreporter.write_sep("-", "aws cassettes: interactions no test used")
        for line in lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line("Drop them with: harness cassette prune <cassette>")


def _report(item: pytest.Item, exchange: Exchange) -> None:
    item.config.hook.pytest_aws_exchange(item=item, exchange=exchange)


def _marker_options(item: pytest.Item) -> dict[str, Any]:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if len(marker.args) > 1:
        raise HarnessUsageError(
            f"@pytest.mark.{MARKER} on {item.nodeid} takes at most one positional argument "
            f"(the cassette name), got {len(marker.args)}. Pass record_mode= by keyword."
        )
    options = dict(marker.kwargs)
    if marker.args:
        options["name"] = marker.args[0]
    for key in list(options):
        if key in _FOREIGN_MARKER_KWARGS:
            del options[key]
        elif key not in (*_MARKER_KWARGS, "name"):
            raise HarnessUsageError(
                f"@pytest.mark.{MARKER} on {item.nodeid} got an unknown argument {key!r}."
                f"{did_you_mean(key, _MARKER_KWARGS)} It takes name, "
                f"{', '.join(_MARKER_KWARGS)}."
            )
    return options


def _record_mode(config: pytest.Config, options: dict[str, Any]) -> str:
    # Precedence: the marker's record_mode, then --aws-record-mode, then the ini setting.
    if options.get("record_mode") is not None:
        return check_record_mode(str(options["record_mode"]), f"@pytest.mark.{MARKER}")
    option = config.getoption("aws_record_mode", None)
    if option is not None:
        return str(option)
    return str(config.getini("aws_record_mode"))


def _digest_over(config: pytest.Config) -> int | None:
    from harness.aws.bodies import digest_threshold

    setting = config.getini("aws_digest_bodies_over")
    return digest_threshold(setting, "the aws_digest_bodies_over ini setting")


def _match_region(config: pytest.Config, options: dict[str, Any]) -> bool:
    # Same precedence as the record mode: marker, command line, ini.
    if options.get("match_region") is not None:
        return bool(options["match_region"])
    option = config.getoption("aws_match_region", None)
    if option is not None:
        return bool(option)
    return bool(config.getini("aws_match_region"))


def cassette_path(item: pytest.Item, name: str | None = None) -> Path:
    """``<aws_cassette_dir>/<module path without .py>/<Class.>test name.yaml`` (or ``name``).

    One file per test node: a method's classes are part of its name (``TestA.test_x``), so
    same-named tests of two classes never share a cassette; a long id gets a bounded name
    ending in a digest of the whole id (``node_file_name``)."""
    folder = module_folder(item.config, Path(str(item.path)))
    if name:
        chosen = Path(name)
        if chosen.suffix not in (".yaml", ".yml"):
            chosen = chosen.with_name(f"{chosen.name}.yaml")
        if chosen.is_absolute():
            return chosen
        if ".." in chosen.parts:
            raise HarnessUsageError(
                f"Cassette name {name!r} on {item.nodeid} leaves the cassette folder ('..'). "
                f"Names are relative to the test module's cassette folder ({folder}); use a "
                "name inside it, or an absolute path if you mean it."
            )
        return folder / chosen
    return folder / f"{node_file_name(_classes(item), item.name)}.yaml"


def module_folder(config: pytest.Config, module: Path) -> Path:
    """The cassette folder of a test module: ``<aws_cassette_dir>/<module path without .py>``."""
    base = Path(str(config.getini("aws_cassette_dir")))
    if not base.is_absolute():
        base = config.rootpath / base
    try:
        module = module.relative_to(config.rootpath)
    except ValueError:
        module = Path(module.name)
    return base / module.with_suffix("")


def _classes(node: pytest.Item | pytest.Collector) -> list[str]:
    """The names of the classes a test (or a class) sits in, outermost first."""
    return [n.name for n in node.listchain() if isinstance(n, pytest.Class)]


#: A cassette file name's stem is at most this many bytes (file systems allow 255 a name).
MAX_STEM_BYTES = 150


def node_file_name(classes: list[str], name: str) -> str:
    """A file stem for a test (or fixture) ``name`` inside ``classes``: ``TestA.test_x-a-1``.

    Bounded and stable: a stem longer than ``MAX_STEM_BYTES`` is cut and ends in a digest of
    the whole id, so two long ids sharing a beginning never share a file."""
    stem = ".".join([*(_file_safe(c) for c in classes), _file_safe(name)])
    if len(stem.encode("utf-8")) <= MAX_STEM_BYTES:
        return stem
    digest = hashlib.sha256(".".join([*classes, name]).encode("utf-8")).hexdigest()[:16]
    cut = stem.encode("utf-8")[: MAX_STEM_BYTES - 17].decode("utf-8", "ignore").rstrip("._-")
    return f"{cut}-{digest}"


_SOURCE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".txt", ".csv", ".toml", ".cfg", ".ini")
_SOURCE_BYTES = 2_000_000  # a data file larger than this is not read for literals


def _legacy_cassette(item: pytest.Item, path: Path, options: dict[str, Any], mode: str) -> Path:
    """The cassette to use: ``path``, or the file an older release named this test's.

    A method's cassette once left its class out of the name (``test_x.yaml`` for
    ``TestA.test_x``). Such a file is still replayed when it can only be this test's (no
    other class or function of the module has that name), with a warning that says how to
    move it; when it may be another test's, it is not used (it would serve that test's
    answers) and the warning says so. A mode that records (``all``, ``new_episodes``)
    writes the new name. Ids that differed only in punctuation shared a file too
    (``legacy_file_name``): that one is only pointed at.
    """
    if options.get("name") or path.exists():
        return path
    classes = _classes(item)
    if classes:
        old = path.with_name(f"{_file_safe(item.name)}.yaml")
        if _exists(old):
            owners = _owners(item)
            if owners == 1 and mode in ("none", "once"):
                item.warn(
                    UserWarning(
                        f"{item.nodeid} replays {old.name}, recorded before a method's "
                        f"cassette was named after its class too; move it to its new name: "
                        f"mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
                    )
                )
                return old
            why = (
                f"and {owners} tests of {item.path.name} have that name: it may hold another "
                "test's answers, so it is not used"
                if owners != 1
                else f"and record mode {mode!r} writes the new name"
            )
            item.warn(
                UserWarning(
                    f"{item.nodeid}'s cassette is now {path.name}, which does not exist. "
                    f"{old.name} was recorded before a method's cassette was named after its "
                    f"class, {why}. Re-record this test "
                    f"({_rerecord_command(item, 'once')}), or move the file if it is this "
                    f"test's: mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
                )
            )
            return path
    old = path.with_name(f"{legacy_file_name(item.name)}.yaml")
    if old != path and _exists(old):
        item.warn(
            UserWarning(
                f"{item.nodeid}'s cassette is now {path.name}: ids that differ only in characters "
                f"a file name cannot keep no longer share one file. {old.name} was recorded under "
                "the old name, possibly by another test of the same name; if it is this test's, "
                f"rename it: mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
            )
        )
    return path


def _exists(path: Path) -> bool:
    """``path.exists()``, False for a name the file system cannot hold (an old, unbounded
    name of a long id)."""
    try:
        return path.exists()
    except OSError:
        return False


def _owners(item: pytest.Item) -> int:
    """How many functions of the test's module (at top level or in a class) are named like
    the test function: those whose cassettes shared a file before classes were named."""
    module = getattr(item, "module", None)
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    if module is None:
        return 2  # not a Python test: cannot tell, so not safe
    owners = sum(1 for v in list(vars(module).values()) if _function_named(v, name))
    seen: set[int] = set()
    classes = [v for v in list(vars(module).values()) if isinstance(v, type)]
    while classes and len(seen) < 10_000:  # nested classes too (TestOuter.TestInner)
        cls = classes.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        owners += callable(getattr(cls, name, None))
        classes += [v for v in list(vars(cls).values()) if isinstance(v, type)]
    return max(owners, 1)


def _function_named(value: Any, name: str) -> bool:
    return not isinstance(value, type) and getattr(value, "__name__", None) == name


def _source_files(item: pytest.Item) -> list[Path]:
    """The files whose literals a test may send: its module, the modules and data files
    beside it, and the conftest files above it up to the rootdir (a value written there is
    never bound as a generated one)."""
    module = Path(str(item.path))
    found: list[Path] = []
    if module.suffix == ".py":
        for path in sorted(module.parent.iterdir())[:500]:
            if path.suffix in _SOURCE_SUFFIXES and _small_file(path):
                found.append(path)
    root = item.config.rootpath
    for folder in module.parents:
        if folder != module.parent and (folder / "conftest.py").is_file():
            found.append(folder / "conftest.py")
        if folder == root or root not in folder.parents:
            break
    return found


def _small_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size <= _SOURCE_BYTES
    except OSError:
        return False


def _file_safe(name: str) -> str:
    """Parametrized ids as file names: ``test_x[a-1]`` is ``test_x-a-1``; an id whose
    characters a file name cannot keep (``test_x[a/b]``, ``test_x[*]``) gets a digest of the
    exact id, so ids that differ only there never share a cassette."""
    legacy = legacy_file_name(name)
    if legacy == name.replace("[", "-").replace("]", ""):
        return legacy
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{legacy}-{digest}"


def legacy_file_name(name: str) -> str:
    """The file name before ids kept their punctuation (``test_x[a/b-1]``: ``test_x-a_b-1``)."""
    name = name.replace("[", "-").replace("]", "")
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "test"


def _rerecord_command(item: pytest.Item, mode: str) -> str:
    return f"pytest {shlex.quote(item.nodeid)} --aws-record-mode={mode}"


def _replay_environment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Dummy credentials, a default region, no config files, any named profile (offline_env),
    patched by the harness's own ``MonkeyPatch``: the test's holds only its own patches."""
    from harness.replay.offline_env import offline_environment, own_patches

    offline_environment(own_patches(request), tmp_path_factory.mktemp("aws-replay-config"))


def __getattr__(name: str) -> Any:
    # CassetteMiss was importable from here; the recorder it lives in loads on first use.
    if name == "CassetteMiss":
        from harness.replay.miss_report import CassetteMiss

        return CassetteMiss
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MARKER",
    "CassetteMiss",
    "aws_cassette",
    "aws_match_policy",
    "aws_redaction",
    "cassette_path",
]
