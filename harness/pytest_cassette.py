"""The record/replay part of the pytest plugin: marker, options, fixtures, miss reporting.

Use ``@pytest.mark.aws_cassette`` (or the ``aws_cassette`` fixture) and every botocore client
the test creates — anywhere — records into, or replays from, the test's cassette. The engine
is ``harness.recorder``; this module only talks to pytest.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessUsageError, did_you_mean
from harness.exchange import Exchange
from harness.matching import MatchPolicy
from harness.recorder import RECORD_MODES, CassetteMiss, CassetteRecorder, check_record_mode
from harness.redaction import Redaction

MARKER = "aws_cassette"
_MARKER_KWARGS = ("record_mode", "match_region", "time_tolerance", "ignore")
_FOREIGN_MARKER_KWARGS = ("contract",)  # read by the contract plugin (pytest_contract)
_RECORDER = pytest.StashKey[CassetteRecorder]()

# Dummy credentials for replay: botocore finds them first, so it never reads a real profile.
_REPLAY_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAREPLAYDUMMY00000",
    "AWS_SECRET_ACCESS_KEY": "replay-dummy-secret-not-a-real-key",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_REPLAY_UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
_DEFAULT_REGION = "us-east-1"


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
        "aws_pseudonyms",
        "replace access key ids and account ids in cassettes with pseudonyms",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and check the ini record mode early, with a clear message."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name=None, *, record_mode=None, match_region=None, time_tolerance=..., "
        "ignore=None): record or replay the "
        "test's AWS traffic in a cassette (see the README, 'Record and replay').",
    )
    try:
        check_record_mode(str(config.getini("aws_record_mode")), "the aws_record_mode ini setting")
        option = config.getoption("aws_time_tolerance", None)
        time_tolerance(
            option if option is not None else config.getini("aws_time_tolerance"),
            "--aws-time-tolerance" if option is not None else "the aws_time_tolerance ini setting",
        )
    except HarnessUsageError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose unmatched request was swallowed by the code under test."""
    result = yield
    recorder = item.stash.get(_RECORDER, None)
    if recorder is not None and recorder.misses:
        raise recorder.misses[0]
    return result


@pytest.fixture(autouse=True)
def _aws_cassette_marker(request: pytest.FixtureRequest) -> None:
    """Activate the cassette of tests marked ``aws_cassette``."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("aws_cassette")


@pytest.fixture
def aws_redaction(pytestconfig: pytest.Config) -> Redaction:
    """What is redacted from cassettes; override it to add rules or switch pseudonyms off."""
    return Redaction(
        pseudonyms=bool(pytestconfig.getini("aws_pseudonyms")),
        key_file=redaction_key_file(pytestconfig),
    )


def redaction_key_file(config: pytest.Config) -> Path | None:
    """The project's redaction key file, in pytest's cache folder (None: the per-user one).

    ``HARNESS_REDACTION_KEY`` in the environment wins over any file (``harness.pseudonyms``).
    """
    cache = getattr(config, "cache", None)
    if cache is None:  # -p no:cacheprovider
        return None
    return Path(cache.mkdir("botocore-harness")) / "redaction.key"


@pytest.fixture
def aws_match_policy(pytestconfig: pytest.Config) -> MatchPolicy:
    """How replay matches requests (time tolerance, ignored members); override to shape it."""
    option = pytestconfig.getoption("aws_time_tolerance", None)
    where = "--aws-time-tolerance" if option is not None else "the aws_time_tolerance ini setting"
    raw = option if option is not None else pytestconfig.getini("aws_time_tolerance")
    return MatchPolicy(time_tolerance=time_tolerance(raw, where))


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
    # --aws-time-tolerance, then the ini setting).
    policy = base
    if "time_tolerance" in options:
        policy = replace(policy, time_tolerance=time_tolerance(options["time_tolerance"], where))
    if options.get("ignore") is not None:
        ignore = options["ignore"]
        if not isinstance(ignore, dict) or not all(
            isinstance(v, list | tuple | set | frozenset) for v in ignore.values()
        ):
            raise HarnessUsageError(
                f"{where}: ignore= takes a dict of 'service:Operation' (or '*') to a list of "
                "member names, e.g. ignore={'cloudtrail:ListInsightsData': ['NextToken']}."
            )
        merged = dict(policy.ignore)
        for label, names in ignore.items():
            merged[str(label)] = merged.get(str(label), frozenset()) | frozenset(map(str, names))
        policy = replace(policy, ignore=merged)
    return policy


@pytest.fixture
def aws_cassette(
    request: pytest.FixtureRequest,
    aws_redaction: Redaction,
    aws_match_policy: MatchPolicy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CassetteRecorder]:
    """The test's active AWS cassette: ``path``, ``record_mode``, ``exchanges``, ``calls``."""
    item = request.node
    options = _marker_options(item)
    path, mode = cassette_path(item, options.get("name")), _record_mode(item.config, options)
    if mode == "none" or (mode == "once" and path.exists()):
        # before anything touches botocore: a missing profile must not break replay
        _replay_environment(monkeypatch, tmp_path_factory)
    recorder = CassetteRecorder(
        path,
        mode,
        redaction=aws_redaction,
        match_region=_match_region(item.config, options),
        policy=_policy(aws_match_policy, options, f"@pytest.mark.{MARKER} on {item.nodeid}"),
        on_exchange=lambda exchange: _report(item, exchange),
        rerecord_command=lambda mode: _rerecord_command(item, mode),
    )
    item.stash[_RECORDER] = recorder
    with recorder.activate():
        yield recorder
    recorder.save()


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
                f"{did_you_mean(key, _MARKER_KWARGS)} It takes name, record_mode, "
                "match_region, time_tolerance and ignore."
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


def _match_region(config: pytest.Config, options: dict[str, Any]) -> bool:
    # Same precedence as the record mode: marker, command line, ini.
    if options.get("match_region") is not None:
        return bool(options["match_region"])
    option = config.getoption("aws_match_region", None)
    if option is not None:
        return bool(option)
    return bool(config.getini("aws_match_region"))


def cassette_path(item: pytest.Item, name: str | None = None) -> Path:
    """``<aws_cassette_dir>/<module path without .py>/<test name>.yaml`` (or ``name``)."""
    config = item.config
    base = Path(str(config.getini("aws_cassette_dir")))
    if not base.is_absolute():
        base = config.rootpath / base
    module = Path(str(item.path))
    try:
        module = module.relative_to(config.rootpath)
    except ValueError:
        module = Path(module.name)
    folder = base / module.with_suffix("")
    if name:
        chosen = Path(name)
        if chosen.is_absolute():
            return chosen
        return folder / (name if chosen.suffix in (".yaml", ".yml") else f"{name}.yaml")
    return folder / f"{_file_safe(item.name)}.yaml"


def _file_safe(name: str) -> str:
    """Parametrized ids like ``test_x[a/b-1]`` as file names: ``test_x-a_b-1``."""
    name = name.replace("[", "-").replace("]", "")
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "test"


def _rerecord_command(item: pytest.Item, mode: str) -> str:
    return f"pytest {shlex.quote(item.nodeid)} --aws-record-mode={mode}"


def _replay_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Dummy credentials and a default region; point AWS config files at nothing."""
    empty = tmp_path_factory.mktemp("aws-replay-config")
    for name in _REPLAY_UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in _REPLAY_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", os.environ.get("AWS_DEFAULT_REGION", _DEFAULT_REGION))


__all__ = [
    "MARKER",
    "CassetteMiss",
    "aws_cassette",
    "aws_match_policy",
    "aws_redaction",
    "cassette_path",
]
