"""The pytest plugin ``bench/third_party_suite.py`` loads into the third-party suite it runs.

It does what a new user does to a suite they did not write (every test gets
``@pytest.mark.aws_cassette``) and writes, for the benchmark, one JSON file
(``$SUITE_BENCH_RESULTS``) with each test's outcome and, for a failure, its exception type,
the first line of its message and — for a cassette miss — what differs between the live
request and the closest recording, sorted into kinds (``classify_miss``): generated values
(uuids, random suffixes, times, hashes) or something else.

Every run reaches loopback only (``loopback_only``): a suite's test that would connect to
another address (aiobotocore's asks instance metadata at ``fd00:ec2::254``) or resolve a
name other than ``localhost`` is refused at once, as an unreachable network refuses it, and
each refusal is a line (test, what) in ``$SUITE_BENCH_RESULTS.refused``.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import re
import signal
import socket
import sys
from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest

RESULTS_ENV = "SUITE_BENCH_RESULTS"
TIME_LIMIT_ENV = "SUITE_BENCH_TEST_TIMEOUT"
#: Markers of moto's own suite (its setup.cfg registers them; we run without its ini).
_SUITE_MARKERS = ("network", "requires_docker", "aws_verified", "requires_clean_slate")
_RESULTS: pytest.StashKey[dict[str, dict[str, Any]]] = pytest.StashKey()
UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
# an epoch in seconds or milliseconds between 2001 and 2096
EPOCH_RANGE = ((1e9, 4e9), (1e12, 4e12))
HEX = re.compile(r"(?<![0-9a-zA-Z])(?=[a-f]*\d)[0-9a-f]{6,}(?![0-9a-zA-Z])")
NUMBER = re.compile(r"-?\d{6,}")
#: The kinds of generated values, named as --aws-volatile names them.
GENERATED_KINDS = ("uuid", "hex", "alnum", "time", "hash")


def pytest_configure(config: pytest.Config) -> None:
    loopback_only()
    for name in _SUITE_MARKERS:
        config.addinivalue_line("markers", f"{name}: a marker of the third-party suite")
    if not config.pluginmanager.hasplugin("botocore_harness"):
        # the run without the harness marks every test too: a suite with --strict-markers
        # (aiobotocore's addopts) would refuse a marker nobody registered
        config.addinivalue_line("markers", "aws_cassette: the harness's marker (not loaded)")
    config.stash[_RESULTS] = {}


_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
_guarded: list[bool] = []
_running: list[str] = [""]  # the node id of the test running now


def loopback_only() -> None:
    """Refuse, from now on in this process, a connection to an address off loopback and the
    resolution of a name that is not loopback's (an audit hook: installed once, for good)."""
    if _guarded:
        return
    _guarded.append(True)
    sys.addaudithook(_refuse_off_loopback)


def _refuse_off_loopback(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and address and not _loopback(str(address[0])):
            _log(f"refused a connection to {address[0]} port {address[1]}")
            raise OSError(errno.ENETUNREACH, f"the benchmark reaches loopback only: {address[0]}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host and not _loopback(str(host)) and not _ip_literal(str(host)):
            _log(f"refused to resolve {host}")
            raise socket.gaierror(socket.EAI_NONAME, f"the benchmark resolves no name: {host}")


def _loopback(host: str) -> bool:
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True  # (its connection, if any, is judged by address)


def _log(message: str) -> None:
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(f"{target}.refused", "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"test": _running[0], "refused": message}) + "\n")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that does not mark itself (an app of our own does, as its README
    says), and note tests whose cassette files would be the same file."""
    by_path: dict[str, list[str]] = defaultdict(list)
    harness = config.pluginmanager.hasplugin("botocore_harness")
    for item in items:
        if item.get_closest_marker("aws_cassette") is None:
            item.add_marker(pytest.mark.aws_cassette)
        if harness:
            from harness.plugin.cassette import cassette_path

            by_path[str(cassette_path(item))].append(item.nodeid)
    collisions = {path: ids for path, ids in by_path.items() if len(ids) > 1}
    _append({"cassette_collisions": collisions})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    results = item.config.stash[_RESULTS]
    entry = results.setdefault(item.nodeid, {"outcome": "passed"})
    if report.skipped:
        if entry["outcome"] == "passed":
            entry["outcome"] = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    elif report.failed and entry["outcome"] in ("passed", "skipped"):
        entry["outcome"] = "failed" if call.when == "call" else "error"
        entry["phase"] = call.when
        if call.excinfo is not None:
            entry.update(describe_exception(call.excinfo.value))
        else:  # e.g. a failure raised by a hook wrapper after the call
            text = str(report.longreprtext or "").strip().splitlines()
            entry.update({"type": "?", "first_line": text[-1] if text else ""})
    return report


class BenchTimeLimit(Exception):
    """A test ran past ``$SUITE_BENCH_TEST_TIMEOUT`` seconds (e.g. moto waiting for docker)."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    _running[0] = item.nodeid
    limit = float(os.environ.get(TIME_LIMIT_ENV) or 0)
    previous = None
    if limit > 0 and hasattr(signal, "setitimer"):

        def expire(signum: int, frame: Any) -> None:
            raise BenchTimeLimit(f"the test ran past the benchmark's {limit:.0f} s limit")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        result = yield
    finally:
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    # one line per finished test, appended at once: a run killed at its time limit still
    # leaves every test it finished
    outcome = item.config.stash[_RESULTS].get(item.nodeid, {"outcome": "skipped"})
    _append({"test": item.nodeid, **outcome})
    return result


def _append(record: dict[str, Any]) -> None:
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """Type, first line of the message and, for a cassette miss, its kinds of difference."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if first.endswith(":") and len(lines) > 1:  # "2 AWS contract violation(s):" says little
        first = f"{first} {lines[1]}"
    out: dict[str, Any] = {"type": type(exc).__name__, "first_line": first[:300]}
    if any(cls.__name__ == "CassetteMiss" for cls in type(exc).__mro__):
        out["miss"] = classify_miss(exc)
    return out


def classify_miss(miss: Any) -> dict[str, Any]:
    """What separates a missed request from its closest recording of the same operation.

    ``kinds``: one per differing value — ``uuid``, ``hex``, ``alnum`` (a random suffix),
    ``time``, ``hash`` (generated per run), ``other value``, ``member only recorded`` or
    ``member only sent``; or, with no difference, ``no recording of the operation`` or
    ``replayed more often than recorded``. ``generated`` is true when every kind is one of
    the generated ones.
    """
    label = f"{getattr(miss, 'service', '')}:{getattr(miss, 'operation', '')}"
    same_op = [
        near
        for near in getattr(miss, "near", [])
        if f"{near.exchange.service}:{near.exchange.operation}" == label
    ]
    if not getattr(miss, "operation", ""):
        return {"operation": label, "kinds": ["other HTTP"], "generated": False, "examples": []}
    if not same_op:
        return {
            "operation": label,
            "kinds": ["no recording of the operation"],
            "generated": False,
            "examples": [],
        }
    closest = same_op[0]
    pairs = list(_leaf_differences(closest.exchange.params, miss.params))
    if not pairs:
        kind = "replayed more often than recorded" if closest.used else "same parameters"
        return {"operation": label, "kinds": [kind], "generated": False, "examples": []}
    kinds = sorted({kind for kind, _, _, _ in pairs})
    examples = [
        {"path": path, "kind": kind, "recorded": _short(rec), "sent": _short(sent)}
        for kind, path, rec, sent in pairs[:3]
    ]
    generated = all(kind in GENERATED_KINDS for kind in kinds)
    return {"operation": label, "kinds": kinds, "generated": generated, "examples": examples}


def _leaf_differences(recorded: Any, sent: Any, path: str = "") -> Any:
    if isinstance(recorded, dict) and isinstance(sent, dict):
        for name in sorted(set(recorded) | set(sent), key=str):
            where = f"{path}/{name}"
            if name not in sent:
                yield "member only recorded", where, recorded[name], None
            elif name not in recorded:
                yield "member only sent", where, None, sent[name]
            else:
                yield from _leaf_differences(recorded[name], sent[name], where)
        return
    if isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        for i, (a, b) in enumerate(zip(recorded, sent, strict=True)):
            yield from _leaf_differences(a, b, f"{path}/{i}")
        return
    if recorded == sent and type(recorded) is type(sent):
        return
    yield value_kind(recorded, sent), path or "/", recorded, sent


def value_kind(recorded: Any, sent: Any) -> str:
    """How two differing values differ: a generated kind, or ``other value``."""
    if isinstance(recorded, datetime) and isinstance(sent, datetime):
        return "time"
    if _is_number(recorded) and _is_number(sent):
        if _is_epoch(recorded) and _is_epoch(sent):
            return "time"
        return "hash"
    if isinstance(recorded, bytes) and isinstance(sent, bytes):
        recorded, sent = (v.decode("utf-8", "replace") for v in (recorded, sent))
    if not (isinstance(recorded, str) and isinstance(sent, str)):
        return "other value"
    if UUID.search(recorded) and UUID.sub("<uuid>", recorded) == UUID.sub("<uuid>", sent):
        return "uuid"
    if ISO_TIME.search(recorded) and ISO_TIME.sub("<t>", recorded) == ISO_TIME.sub("<t>", sent):
        return "time"
    if NUMBER.search(recorded) and NUMBER.sub("<n>", recorded) == NUMBER.sub("<n>", sent):
        digits = [int(d) for d in re.findall(r"\d{9,13}", recorded)]
        return "time" if digits and all(_is_epoch(d) for d in digits) else "hash"
    if HEX.search(recorded) and HEX.sub("<hex>", recorded) == HEX.sub("<hex>", sent):
        return "hex"
    if _same_shape(recorded, sent):
        return "alnum"
    return "other value"


def _same_shape(recorded: str, sent: str) -> bool:
    """Equal length, and every differing character is a letter or digit in one run at the
    end or after a separator (``queue-3f9a1c`` / ``queue-77b0e2``): a random suffix."""
    if len(recorded) != len(sent) or recorded == sent:
        return False
    first = next(i for i, (a, b) in enumerate(zip(recorded, sent, strict=True)) if a != b)
    tail_a, tail_b = recorded[first:], sent[first:]
    differing = [(a, b) for a, b in zip(tail_a, tail_b, strict=True) if a != b]
    return all(a.isalnum() and b.isalnum() for a, b in differing) and len(differing) >= 2


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_epoch(value: float) -> bool:
    return any(low <= abs(value) < high for low, high in EPOCH_RANGE)


def _short(value: Any, limit: int = 90) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
