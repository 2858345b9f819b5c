"""The record/replay part of the pytest plugin: marker, fixtures, miss reporting.

Use ``@pytest.mark.aws_cassette`` (or the ``aws_cassette`` fixture) and every botocore client
the test creates — anywhere — records into, or replays from, the test's cassette. The engine
is ``harness.replay.recorder``; this module only talks to pytest. Beside it: the options and
how a test's settings are read (``cassette_settings``), where its cassette lives
(``cassette_paths``), the run's usage notes (``cassette_usage``) and the replay clock
(``cassette_clock``).

pytest imports this module in every run, most of which use no AWS: the engine (botocore,
YAML) is imported by the fixtures and hooks that need it, never at module level.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError
from harness.plugin import cassette_settings as settings
from harness.plugin.cassette_paths import (
    cassette_path,
    legacy_cassette,
    shown_nodeid,
    source_files,
)
from harness.plugin.cassette_settings import MARKER, VOLATILE_DEFAULT
from harness.plugin.cassette_usage import note_skipped, note_usage, run_id
from harness.plugin.marker_fixtures import leave_out_unless_marked
from harness.replay.socket_peers import watch_connects

if TYPE_CHECKING:
    from pathlib import Path

    from harness.exchange import Exchange
    from harness.plugin.stamped_times import StampedTimes
    from harness.replay.match_policy import MatchPolicy
    from harness.replay.miss_report import CassetteMiss
    from harness.replay.network_guard import Allowed, Violations
    from harness.replay.recorder import CassetteRecorder
    from harness.secrets import Redaction

_RECORDER: pytest.StashKey[CassetteRecorder] = pytest.StashKey()
#: The phase the test is in (``setup``, ``call``, ``teardown``): its cassette's recorder
#: stamps it into each interaction it records (``harness policy`` tells set-up calls apart).
_PHASE: pytest.StashKey[str] = pytest.StashKey()


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
        settings.check_settings(config)
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
    try:
        result = yield
    except BaseException:
        _note_replayed_fixtures(item)
        raise
    recorder = item.stash.get(_RECORDER, None)
    if recorder is not None and recorder.misses:
        raise recorder.misses[0]
    if recorder is not None and recorder.refused:  # a body it could not judge: not stored
        raise recorder.refused[0]
    if recorder is not None:
        _judge_age(item, recorder)
    blocked = item.stash.get(_BLOCKED, None)
    if blocked is not None and blocked.gather():  # with what child processes reported
        raise blocked[0]
    return result


def _note_replayed_fixtures(item: pytest.Item) -> None:
    """A test that recorded live and failed while a fixture it uses was replayed from its
    cassette: what that fixture made (a bucket, a table) is not on the live side, which is
    likely why (a raw NoSuchBucket otherwise, with nothing pointing at the fixture)."""
    recorder = item.stash.get(_RECORDER, None)
    if recorder is None or recorder.replay_only or not recorder.recorded_count:
        return
    from harness.plugin import fixture_ties

    replayed = [
        shared
        for shared, fixture in fixture_ties.shared_by(getattr(item, "fixturenames", ()))
        if any(e.source == "replayed" for e in fixture.exchanges)
    ]
    if not replayed:
        return
    for shared in replayed:
        item.add_report_section(
            "call",
            "aws cassette",
            f"{item.nodeid} recorded live and failed while the fixture {shared.name!r} was "
            f"replayed from {shared.shown} (record mode {recorder.record_mode!r} replays a "
            "fixture whose cassette exists), so what that fixture created does not exist on "
            "the live server: a live call on it fails (NoSuchBucket, ResourceNotFound). "
            "Re-record them together: "
            f"{fixture_ties.shared_rerecord_command([shared])}",
        )


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


@pytest.fixture
def aws_match_policy(pytestconfig: pytest.Config) -> MatchPolicy:
    """How replay matches requests: time tolerance, ignored members, normalising functions,
    custom matchers (from the ini settings); override it to shape matching in Python."""
    try:
        return settings.settings_policy(pytestconfig)
    except HarnessUsageError as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None  # one paragraph


@pytest.fixture
def aws_cassette(
    request: pytest.FixtureRequest,
    aws_redaction: Redaction,
    aws_match_policy: MatchPolicy,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CassetteRecorder]:
    """The test's active AWS cassette: ``path``, ``record_mode``, ``replay_only`` (this test
    replays: mode none, or once with its cassette there), ``exchanges``, ``calls``."""
    from harness.replay.recorder import CassetteRecorder

    item = request.node
    try:  # a mistake in the marker is one paragraph, not a traceback into the plugin
        options = settings.marker_options(item)
        path = cassette_path(item, options.get("name"))
        mode = settings.record_mode(item.config, options)
        path = legacy_cassette(item, path, options, mode)
        where = f"@pytest.mark.{MARKER} on {item.nodeid}"
        policy = settings.marker_policy(aws_match_policy, options, where)
        match_region = settings.match_region(item.config, options)
        allowed = settings.allowed_hosts(item.config, options)
        max_age, age_action = settings.max_age(item.config, options)
        mode = _rerecord_if_stale(item, path, mode, max_age, age_action)
    except HarnessUsageError as exc:
        # one paragraph: not chained to the error (pytest would print the message twice)
        raise pytest.fail.Exception(str(exc), pytrace=False) from None
    import time

    # "now" for the age check, taken before a recorded replay clock moves it
    item.stash[_MAX_AGE] = (max_age, age_action, time.time())
    replaying = mode == "none" or (mode == "once" and path.exists())
    if replaying:
        # before anything touches botocore: a missing profile must not break replay
        _replay_environment(request, tmp_path_factory)
    from harness.plugin.cassette_clock import (
        ClockCatchUp,
        moves_server_times,
        replay_clock,
        replay_clock_of,
    )
    from harness.plugin.stamped_times import StampedTimes

    catch_up = ClockCatchUp()
    stamped: StampedTimes | None = None

    def on_exchange(exchange: Exchange) -> None:
        catch_up(exchange)
        if stamped is not None:
            stamped(exchange)
        report_exchange(item, exchange)

    recorder = CassetteRecorder(
        path,
        mode,
        redaction=aws_redaction,
        match_region=match_region,
        policy=policy,
        on_exchange=on_exchange,
        rerecord_command=lambda mode: settings.rerecord_command(item, mode),
        run_id=run_id(item.config),
        index_dir=settings.index_folder(item.config),
        sources=source_files(item),
        digest_over=settings.digest_over(item.config),
    )
    recorder.phase = item.stash.get(_PHASE, "setup")  # (the test body may ask for it late)
    real_clock = replaying and replay_clock_of(item, options) == "real"
    if real_clock and not moves_server_times(item, options):
        # (times served as recorded: a failed test is told of those as old as the recording)
        stamped = item.stash[_STAMPED] = StampedTimes(recorder)
    if replaying:
        _recorded_endpoints(request, recorder)
    item.stash[_RECORDER] = recorder
    from harness.plugin.fixture_ties import share_bindings

    share_bindings(recorder)  # what wide fixtures made up is bound in the test too
    from harness.replay.moto_side import say_what_moto_answered
    from harness.replay.other_http import other_http

    catch_up.recorder = recorder
    from harness.plugin.random_seed import seeded

    with (
        seeded(recorder.random_seed),
        replay_clock(item, options, recorder, catch_up),
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
    elif failed and not settings.keep_failed(item.config) and recorder.recorded_count:
        item.add_report_section(
            "teardown",
            "aws cassette",
            f"Not saving {recorder.recorded_count} new recording(s) to {path}: the test failed "
            "while recording (use --aws-keep-failed-recordings to keep them).",
        )
    else:
        recorder.save()
    from harness.plugin.fixture_ties import shared_by

    shared = [s for s, _ in shared_by(getattr(item, "fixturenames", ()))]
    note_usage(item.config, recorder, shown_nodeid(item), failed=failed, shared=shared)


_BLOCKED: pytest.StashKey[Violations] = pytest.StashKey()
_MAX_AGE: pytest.StashKey[tuple[float | None, str, float]] = pytest.StashKey()


def _rerecord_if_stale(
    item: pytest.Item, path: Path, mode: str, max_age: float | None, action: str
) -> str:
    """With action ``rerecord`` in a mode that may record, a cassette whose oldest
    interaction is older than ``max_age`` is recorded again: mode ``all`` for this test."""
    if max_age is None or action != "rerecord" or mode in ("none", "all") or not path.exists():
        return mode
    import time

    from harness.cassettes.age import age_text, epoch_of, limit_text, over_limit
    from harness.cassettes.cassette import read_cassette

    known = [epoch_of(tag.get("recorded_at")) for tag in read_cassette(path).tags]
    now = time.time()
    over = [now - e for e in known if e is not None and over_limit(now - e, max_age)]
    if not over:
        return mode
    age = max(over, key=abs)
    when = (
        f"its oldest interaction was recorded {age_text(age)} ago"
        if age > 0
        else f"an interaction says it was recorded {age_text(-age)} from now, an age it cannot have"
    )
    item.add_report_section(
        "setup",
        "aws cassette",
        f"Re-recording {path} (mode 'all' instead of {mode!r}): {when}, over max_age "
        f"{limit_text(max_age)}.",
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
    from harness.cassettes.age import (
        StaleCassette,
        StaleCassetteWarning,
        age_text,
        limit_text,
        over_limit,
    )

    stale = [(age, index) for age, index in aged if over_limit(age, max_age)]
    if not stale:
        return
    age, index = max(stale, key=lambda pair: abs(pair[0]))
    moment = dt.datetime.fromtimestamp(now - age, tz=dt.timezone.utc)
    stamp = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    if age > 0:
        which = f"the oldest, #{index} {replayed[index]}, was recorded {stamp}, {age_text(age)} ago"
    else:  # (a clock far ahead, or an edited tag: no age to trust)
        which = (
            f"#{index} {replayed[index]} says it was recorded {stamp}, {age_text(-age)} from "
            "now: an age it cannot have, so it counts as over the limit"
        )
    head = (
        f"{item.nodeid} replayed {len(stale)} interaction(s) of {recorder.path} older than "
        f"max_age {limit_text(max_age)}: {which}."
    )
    if action == "warn":
        item.warn(
            StaleCassetteWarning(f"{head} Re-record it: {settings.rerecord_command(item, 'all')}")
        )
        return
    if action == "rerecord":  # replay-only: it cannot record here; say how
        # (settings given on this command line must be given again, or mode once would
        # replay the stale file as it is)
        again = "".join(
            f" --{flag.replace('_', '-')}={shlex.quote(str(value))}"
            for flag in ("aws_max_age", "aws_max_age_action")
            if (value := item.config.getoption(flag, None)) is not None
        )
        raise StaleCassette(
            f"{head} With aws_max_age_action=rerecord a mode that may record re-records it: "
            f"{settings.rerecord_command(item, 'once')}{again}"
        )
    raise StaleCassette(f"{head} Re-record it: {settings.rerecord_command(item, 'all')}")


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
        f"{settings.rerecord_command(item, 'new_episodes')}"
    )
    xray_daemon = bool(item.config.getini("aws_allow_xray_daemon"))
    with block_network(allowed, why, xray_daemon=xray_daemon) as blocked:
        item.stash[_BLOCKED] = blocked
        yield


_CALL_FAILED = pytest.StashKey[bool]()
_CALL_REPORTED = pytest.StashKey[bool]()
_STAMPED = pytest.StashKey["StampedTimes"]()  # the test body ran to a report (any outcome)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test body failed (its recordings are then not saved)."""
    report = yield
    if call.when == "call":
        item.stash[_CALL_REPORTED] = True
    if call.when == "call" and (report.failed or (report.skipped and hasattr(report, "wasxfail"))):
        item.stash[_CALL_FAILED] = True  # (an expected failure failed: not a whole recording)
    if call.when == "call" and report.failed and _STAMPED in item.stash:
        note = item.stash[_STAMPED].note()
        if note:
            report.sections.append(("aws replay clock", note))
    if report.skipped and item.get_closest_marker(MARKER) is not None:
        note_skipped(item)
    return report


def report_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Tell the ``pytest_aws_exchange`` hooks (the contract checks) of an exchange."""
    item.config.hook.pytest_aws_exchange(item=item, exchange=exchange)


def _replay_environment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Dummy credentials, a default region, no config files, any named profile (offline_env),
    patched by the harness's own ``MonkeyPatch``: the test's holds only its own patches."""
    from harness.replay.offline_env import offline_environment, own_patches

    forget = offline_environment(own_patches(request), tmp_path_factory.mktemp("aws-replay-config"))
    request.addfinalizer(forget)


def _recorded_endpoints(request: pytest.FixtureRequest, recorder: CassetteRecorder) -> None:
    """Clients nothing points anywhere go where the recording went (a loopback moto
    server's origin), so botocore builds the requests it built live (recorded_endpoints)."""
    from harness.replay.offline_env import own_patches
    from harness.replay.recorded_endpoints import origins_of, point_clients_at

    point_clients_at(own_patches(request), origins_of(recorder.source))


def __getattr__(name: str) -> Any:
    # CassetteMiss was importable from here; the recorder it lives in loads on first use.
    if name == "CassetteMiss":
        from harness.replay.miss_report import CassetteMiss

        return CassetteMiss
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MARKER",
    "VOLATILE_DEFAULT",  # (its home: cassette_settings)
    "CassetteMiss",
    "aws_cassette",
    "aws_match_policy",
    "aws_redaction",
    "cassette_path",
]
