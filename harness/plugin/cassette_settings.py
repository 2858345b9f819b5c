"""The record/replay plugin's settings: its options and ini settings, and how a test's are read.

Each setting has one reader here, with its precedence spelled out (a marker's argument, then
the command line, then the ini setting); ``check_settings`` reads those a run may have
mistyped at start-up, so that a mistake stops the run once instead of failing every test.
The fixtures and hooks that use them are ``harness.plugin.cassette``'s.

Like every part of the plugin, this imports only pytest and the standard library at module
level: a reader imports what it needs (botocore, the match settings) when it is called.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError, did_you_mean
from harness.replay.record_modes import RECORD_MODES, check_record_mode

if TYPE_CHECKING:
    from harness.replay.match_policy import MatchPolicy
    from harness.replay.network_guard import Allowed
    from harness.replay.volatile import Volatile

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
#: What replay with the real clock serves of the server's times: moved to today, or as recorded.
SERVER_TIMES = ("moved", "recorded")
_FOREIGN_MARKER_KWARGS = ("contract",)  # read by the contract plugin (pytest_contract)

_DIGEST_DEFAULT = "64KiB"
#: Generated values bound in replay unless a project says otherwise (``aws_volatile = off``):
#: a suite recorded with no settings replays in a fresh clone (docs/how-to/generated-values.md).
VOLATILE_DEFAULT = ("uuid hex alnum hash time port",)


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
        "--aws-long-polls",
        choices=("as-recorded", "at-once"),
        default=None,
        help="replay an empty long poll (a request naming WaitTimeSeconds) after the time it "
        "took when recorded (as-recorded, default) or at once. Overrides aws_long_polls.",
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
        "--aws-replay-server-times",
        choices=SERVER_TIMES,
        default=None,
        help="with the real replay clock, times the server stamped while recording (a "
        "CreationDate) are served moved to today ('moved', the default) or as recorded.",
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
        "time port, and 're:<pattern>' lines; 'off' binds none "
        "(default: uuid hex alnum hash time port)",
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
        "aws_replay_server_times",
        "with the real replay clock, the server's recorded times: moved (to today) or recorded",
        default="moved",
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
        "aws_long_polls",
        "replay an empty long poll (a request naming WaitTimeSeconds: SQS ReceiveMessage) after "
        "the time it took when recorded (as-recorded) or at once (at-once)",
        default="as-recorded",
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


def check_settings(config: pytest.Config) -> None:
    """Read the settings a run may have mistyped, at start-up: a mistake raises
    ``HarnessUsageError`` once for the run, not once a test."""
    check_record_mode(str(config.getini("aws_record_mode")), "the aws_record_mode ini setting")
    long_polls(config)
    for name, allowed in (("aws_replay_clock", CLOCKS), ("aws_replay_server_times", SERVER_TIMES)):
        value = str(config.getini(name))  # (the options' choices are argparse's to check)
        if config.getoption(name, None) is None and value not in allowed:
            raise HarnessUsageError(
                f"The {name} ini setting is {value!r}, which it does not take."
                f"{did_you_mean(value, allowed)} Use {' or '.join(map(repr, allowed))}."
            )
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
        allowed_hosts(config, {})
    if _max_age_set(config):
        max_age(config, {})
    volatile = config.getini("aws_volatile")
    if list(volatile) != list(VOLATILE_DEFAULT) or config.getoption("aws_volatile", None):
        _volatile_setting(config)  # a kind mistyped stops the run once, not every test
    if config.getini("aws_digest_bodies_over") != _DIGEST_DEFAULT:
        digest_over(config)  # (reading a size needs botocore: only when one is set)
    ignore = config.getini("aws_match_ignore")
    if ignore:  # checking them needs botocore's models: only when there are some
        from harness.replay import match_settings

        match_settings.ignore_from_lines(ignore, "the aws_match_ignore ini setting")


def rerecord_command(item: pytest.Item, mode: str) -> str:
    """The command that records ``item`` again in ``mode`` (said by misses and warnings);
    for a test using a wide fixture's cassette, every test sharing it in mode ``all``."""
    from harness.plugin import fixture_ties

    shared = fixture_ties.shared_by(getattr(item, "fixturenames", ()))
    if shared:
        return fixture_ties.shared_rerecord_command([s for s, _ in shared])
    return f"pytest {shlex.quote(item.nodeid)} --aws-record-mode={mode}"


def marker_options(item: pytest.Item) -> dict[str, Any]:
    """The arguments of the test's ``aws_cassette`` marker (a positional one is ``name``)."""
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


def record_mode(config: pytest.Config, options: dict[str, Any]) -> str:
    # Precedence: the marker's record_mode, then --aws-record-mode, then the ini setting.
    if options.get("record_mode") is not None:
        return check_record_mode(str(options["record_mode"]), f"@pytest.mark.{MARKER}")
    option = config.getoption("aws_record_mode", None)
    if option is not None:
        return str(option)
    return str(config.getini("aws_record_mode"))


def long_polls(config: pytest.Config) -> None:
    """Set whether replay holds long polls for the run (``--aws-long-polls``, then the ini)."""
    from harness.replay import long_polls as polls

    option = config.getoption("aws_long_polls", None)
    setting = str(option if option is not None else config.getini("aws_long_polls"))
    if setting not in polls.SETTINGS:
        raise HarnessUsageError(
            f"The aws_long_polls ini setting is {setting!r}; use {' or '.join(polls.SETTINGS)}: "
            "as-recorded holds an empty long poll in replay for the time it took live, "
            "at-once answers it at once."
        )
    polls.HOLDING = setting == "as-recorded"


def digest_over(config: pytest.Config) -> int | None:
    """Bytes over which a request body replay matches by digest is stored as its digest."""
    from harness.aws.bodies import digest_threshold

    setting = config.getini("aws_digest_bodies_over")
    return digest_threshold(setting, "the aws_digest_bodies_over ini setting")


def match_region(config: pytest.Config, options: dict[str, Any]) -> bool:
    # Same precedence as the record mode: marker, command line, ini.
    if options.get("match_region") is not None:
        return bool(options["match_region"])
    option = config.getoption("aws_match_region", None)
    if option is not None:
        return bool(option)
    return bool(config.getini("aws_match_region"))


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


def marker_policy(base: MatchPolicy, options: dict[str, Any], where: str) -> MatchPolicy:
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


def max_age(config: pytest.Config, options: dict[str, Any]) -> tuple[float | None, str]:
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


def allowed_hosts(config: pytest.Config, options: dict[str, Any]) -> Allowed:
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


def keep_failed(config: pytest.Config) -> bool:
    """Whether what a failing test recorded is saved (command line, then ini)."""
    option = config.getoption("aws_keep_failed_recordings", None)
    return bool(option) if option else bool(config.getini("aws_keep_failed_recordings"))
