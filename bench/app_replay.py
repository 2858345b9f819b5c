"""Record an app of our own against moto server, replay it in fresh copies, count.

Issue 62's second "Done when": an application written as a small downstream project writes
one (``bench/apps/<name>/``: the package, its ``tests/`` marking themselves
``aws_cassette`` as the README says, a ``pytest.ini`` with no harness setting), recorded
with no settings, replays in a fresh clone with no settings, also with the clock moved days
ahead and under ``-n 2``. Six fresh ``pytest`` processes:

(1) alone: the app's committed files (``git archive HEAD:bench/apps/<name>``, or the
    working tree with ``--working-tree``) in a temporary folder, its tests against a moto
    server this script starts on 127.0.0.1 (a free port; Step Functions executions on),
    without the harness;
(2) record: the same files in another folder, ``--aws-record-mode=once`` (the README's
    first run) against the same server; the server is then stopped;
(3) replay: a fresh copy of what (2) left (the app and its ``cassettes/``, no caches), no
    setting, no credentials, no endpoint, an empty home;
(4) replay with the clock ``--days`` (3) days ahead (``bench/app_clock_plugin.py``, loaded
    with ``-p``: ``time_machine.travel(now + 3 days, tick=True)`` for the whole session);
(5) replay under ``-n 2`` (pytest-xdist);
(6) the clock moved and ``-n 2``.

Figure: per run, the tests that pass among those that pass in (1) (the denominator).
``--out DIR`` keeps ``figures.json`` and ``failures.json`` (each failure among the
denominator: run, test, exception type, first line, and for a cassette miss what differs
from the closest recording); ``--keep`` keeps the work folder (copies, cassettes, logs)::

    python bench/app_replay.py clinic --out /tmp/app-replay --keep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
APPS = HERE / "apps"
sys.path.insert(0, str(HERE))

from third_party_suite import (  # noqa: E402 (the bench folder is not a package)
    PLUGIN,
    BenchError,
    _check_stopped,
    _read_results,
    free_port,
    start_moto_server,
)

CLOCK_PLUGIN = "app_clock_plugin"
#: what a clone of the app holds: its committed files, never caches
NOT_COMMITTED = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")
#: the replay runs after (1) and (2): name, extra pytest arguments, clock moved
REPLAYS: list[tuple[str, list[str], bool]] = [
    ("replay", [], False),
    ("replay +days", [], True),
    ("replay -n 2", ["-n", "2"], False),
    ("replay +days -n 2", ["-n", "2"], True),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    apps = sorted(p.name for p in APPS.iterdir() if (p / "tests").is_dir())
    parser.add_argument("app", choices=apps)
    parser.add_argument(
        "--working-tree",
        action="store_true",
        help="copy the app's working tree (caches left out) instead of its files at HEAD",
    )
    parser.add_argument("--days", type=float, default=3, help="clock moved ahead in (4), (6)")
    parser.add_argument("--out", type=Path, help="folder for figures.json and failures.json")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--run-timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--test-timeout", type=float, default=180, help="seconds per test")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"app_replay: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="app-replay-"))
    print(f"work folder: {work}", flush=True)
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    seconds: dict[str, float] = {}
    try:
        source = _checkout(args, work / "source")
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        live_env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        server = start_moto_server(port)
        try:
            _run_state_machines(endpoint)
            alone = _copy(source, work / "alone")
            runs["alone"], seconds["alone"] = _pytest(
                alone, "alone", ["-p", "no:botocore_harness"], live_env, args
            )
            recorded = _copy(source, work / "recorded")
            runs["record"], seconds["record"] = _pytest(
                recorded, "record", ["--aws-record-mode=once"], live_env, args
            )
        finally:
            server.stop()
        _check_stopped(port)
        cassettes = sorted((work / "recorded" / "cassettes").rglob("*.yaml"))
        if not cassettes:
            raise BenchError(f"The record run wrote no cassette; see {work / 'record.log'}.")
        print(f"   {len(cassettes)} cassettes", flush=True)
        for name, extra, moved in REPLAYS:
            clone = _copy(work / "recorded", work / name.replace(" ", "_"))
            env = {"APP_CLOCK_DAYS": str(args.days)} if moved else {}
            plugins = ["-p", CLOCK_PLUGIN] if moved else []
            runs[name], seconds[name] = _pytest(clone, name, [*plugins, *extra], env, args)
        figures, failures = _figures(runs)
        figures.update(app=args.app, days=args.days, cassettes=len(cassettes), seconds=seconds)
        print(_render(figures))
        if failures:
            print(json.dumps(failures, indent=2))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "figures.json").write_text(json.dumps(figures, indent=2) + "\n")
            (args.out / "failures.json").write_text(json.dumps(failures, indent=2) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _checkout(args: argparse.Namespace, target: Path) -> Path:
    """The app as a fresh clone holds it: its files at HEAD (or the working tree)."""
    app = APPS / args.app
    if args.working_tree:
        return _copy(app, target)
    relative = app.relative_to(REPO).as_posix()
    archive = target.with_suffix(".tar")
    done = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive), f"HEAD:{relative}"],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BenchError(
            f"git archive of {relative} at HEAD failed ({done.stderr.strip()}): commit the "
            "app, or pass --working-tree."
        )
    target.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    if list(target.rglob("*.yaml")):
        raise BenchError(f"{relative} at HEAD holds cassettes: the app must come without them.")
    return target


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=NOT_COMMITTED)
    return target


def _run_state_machines(endpoint: str) -> None:
    """moto leaves a Step Functions execution RUNNING unless told to run its definition."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def _pytest(
    project: Path, name: str, extra: list[str], env_extra: dict[str, str], args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], float]:
    """One run in ``project`` as its developers run it: each test's outcome by node id."""
    results = project.parent / f"{name.replace(' ', '_')}.jsonl"
    log = project.parent / f"{name.replace(' ', '_')}.log"
    home = project.parent / f"{project.name}-home"
    home.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", PLUGIN, *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_", "MOTO_"))}
    env.update(
        HOME=str(home),
        SUITE_BENCH_RESULTS=str(results),
        SUITE_BENCH_TEST_TIMEOUT=str(args.test_timeout),
        # the results and clock plugins beside this script; the harness as this Python has it
        PYTHONPATH=os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]),
        **env_extra,
    )
    print(f"== ({name}) {' '.join(command[3:])}", flush=True)
    start = time.monotonic()
    with open(log, "w") as handle:
        try:
            subprocess.run(
                command, cwd=project, env=env, stdout=handle, stderr=subprocess.STDOUT,
                timeout=args.run_timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"   stopped at the {args.run_timeout:.0f} s limit", flush=True)
    took = time.monotonic() - start
    tests, _ = _read_results(results)
    if not tests:
        raise BenchError(f"The ({name}) run reported no test; see {log} (--keep).")
    passed = sum(1 for r in tests.values() if r["outcome"] == "passed")
    print(f"   {passed} of {len(tests)} passed in {took:.0f} s", flush=True)
    return tests, round(took, 1)


def _figures(runs: dict[str, dict[str, dict[str, Any]]]) -> tuple[dict[str, Any], list[Any]]:
    alone = sorted(t for t, r in runs["alone"].items() if r["outcome"] == "passed")
    figures: dict[str, Any] = {
        "collected": len(runs["alone"]),
        "pass alone (denominator)": len(alone),
        "passed": {},
    }
    failures = []
    for name, tests in runs.items():
        if name == "alone":
            continue
        passed = [t for t in alone if tests.get(t, {}).get("outcome") == "passed"]
        figures["passed"][name] = len(passed)
        for test in alone:
            if test not in passed:
                result = tests.get(test, {"outcome": "not run"})
                failures.append({"run": name, "test": test, **result})
    return figures, failures


def _render(figures: dict[str, Any]) -> str:
    total = figures["pass alone (denominator)"]
    lines = [
        f"{figures['app']}: {figures['collected']} tests, {total} pass alone against moto "
        f"server; {figures['cassettes']} cassettes",
        f"{'run':<20} {'passed':>12} {'seconds':>8}",
    ]
    for name, count in figures["passed"].items():
        share = f"{count}/{total}"
        lines.append(f"{name:<20} {share:>12} {figures['seconds'][name]:>8.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
