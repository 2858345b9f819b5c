"""Replay a large third-party boto3 suite — moto's own tests in server mode — and count.

Three runs of the same tests (issue 32's "Done when"), each a fresh ``pytest`` process with
every test marked ``aws_cassette`` (``bench/third_party_suite_plugin.py``):

(a) live: a moto server this script starts on 127.0.0.1, the tests in moto's server mode
    (``TEST_SERVER_MODE=true``, ``TEST_SERVER_MODE_ENDPOINT``), the harness recording
    (``--aws-record-mode=all``) into a temporary cassette folder;
(b) replay: the server stopped, the harness's defaults (record mode ``none``, network
    blocked);
(c) replay with ``--aws-volatile=uuid,hex,alnum,hash,time``, when the installed harness has the
    option (otherwise reported as not available).

Figure: among the tests that pass live, the share that pass in (b) and in (c), per service
and in total. ``--out DIR`` gets ``figures.json`` and ``failures.json`` (replay failures
grouped by exception type and first message line, with examples, and each cassette miss
sorted into kinds: uuid, hex, alnum, time, hash — generated per run — or other).

moto's tests are not in its wheel: extract them from a moto checkout (the same version as
the installed moto, or close) and pass the folder holding ``tests/``::

    git -C MOTO_REPO archive HEAD tests | tar -x -C /tmp/moto-tests

moto's suite imports ``freezegun`` (``pip install freezegun``); the harness does not need it.

Run: ``python bench/third_party_suite.py --moto-tests /tmp/moto-tests --out /tmp/suite``
(about 15 minutes on 2 cores; ``--services sqs,sns`` or ``--tests`` for less).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PLUGIN = "third_party_suite_plugin"
SUITE_FILE = "suite.json"  # a recorded run's settings, for --replay-only
VOLATILE = "uuid,hex,alnum,hash,time"
#: Where an extracted copy of moto's tests is looked for when --moto-tests is not given.
DEFAULT_LOCATIONS = ("$MOTO_TESTS", "/tmp/moto-tests", str(REPO / ".moto-tests"))

#: Test files per service, several protocols: rest-xml (s3), json (sqs, dynamodb, logs,
#: kinesis, secretsmanager, ssm), query (sns, iam, sts), rest-json (lambda, apigateway), ec2.
SERVICES: dict[str, list[str]] = {
    "s3": ["tests/test_s3/test_s3.py", "tests/test_s3/test_s3_tagging.py"],
    "sqs": ["tests/test_sqs/test_sqs.py"],
    "sns": ["tests/test_sns/test_topics.py", "tests/test_sns/test_subscriptions.py"],
    "dynamodb": ["tests/test_dynamodb/test_dynamodb.py"],
    "logs": ["tests/test_logs/test_logs.py"],
    "kinesis": ["tests/test_kinesis/test_kinesis.py"],
    "awslambda": ["tests/test_awslambda/test_lambda.py"],
    "apigateway": ["tests/test_apigateway/test_apigateway.py"],
    "ec2": [
        "tests/test_ec2/test_vpcs.py",
        "tests/test_ec2/test_subnets.py",
        "tests/test_ec2/test_key_pairs.py",
    ],
    "iam": ["tests/test_iam/test_iam_groups.py", "tests/test_iam/test_iam_policies.py"],
    "sts": ["tests/test_sts/test_sts.py"],
    "secretsmanager": ["tests/test_secretsmanager/test_secretsmanager.py"],
    "ssm": ["tests/test_ssm/test_ssm.py"],
}
#: Tests moto marks as needing docker (Lambda invocations) or the internet cannot run here.
DESELECT = "not requires_docker and not network"
#: ... and tests that run a Lambda function (docker) without moto's marker.
NEEDS_DOCKER = ["tests/test_secretsmanager/test_secretsmanager.py::test_rotate_secret_using_lambda"]


class BenchError(Exception):
    """Bad input or a missing prerequisite: one paragraph, exit 2."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"third_party_suite: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--moto-tests",
        type=Path,
        help="folder holding moto's tests/ (default: $MOTO_TESTS, /tmp/moto-tests, .moto-tests)",
    )
    parser.add_argument(
        "--services",
        default=",".join(SERVICES),
        help=f"comma-separated, from: {', '.join(SERVICES)} (default: all)",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        metavar="NODEID",
        help="test files or node ids under the moto folder, instead of --services",
    )
    parser.add_argument("-k", dest="keyword", help="pytest -k expression narrowing the tests")
    parser.add_argument(
        "--out", type=Path, help="folder for figures.json and failures.json (default: work dir)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (cassettes, logs)"
    )
    parser.add_argument(
        "--replay-only",
        metavar="WORK",
        help="replay again the cassettes of an earlier run kept with --keep (its work folder), "
        "e.g. after changing the harness",
    )
    parser.add_argument(
        "--volatile",
        default=VOLATILE,
        metavar="KINDS",
        help=f"the --aws-volatile value of run (c) (default {VOLATILE})",
    )
    parser.add_argument(
        "--volatile-only",
        action="store_true",
        help="with --replay-only: run (c) only, not (b)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also run the tests live without the harness (how many pass on their own)",
    )
    parser.add_argument(
        "--contract",
        choices=("strict", "warn", "off"),
        default=None,
        help="--aws-contract for every run (default: the harness's default, strict)",
    )
    parser.add_argument(
        "--run-timeout", type=float, default=1500, help="seconds per pytest run (default 1500)"
    )
    parser.add_argument(
        "--test-timeout",
        type=float,
        default=60,
        help="seconds one test may take before it fails (default 60; 0: no limit)",
    )
    return parser


@dataclass(frozen=True)
class Suite:
    """What every pytest run of one benchmark shares."""

    root: Path  # holds moto's tests/
    work: Path  # cassettes, logs, per-run results
    endpoint: str  # the moto server's URL (the same in replay, where nothing listens)
    selection: list[str]
    common: list[str]  # pytest arguments of every run
    run_timeout: float
    test_timeout: float


def run(args: argparse.Namespace) -> int:
    if args.replay_only:
        suite = _recorded_suite(args)
    else:
        root = find_moto_tests(args.moto_tests)
        selection = _selection(args, root)
        _check_prerequisites(root)
        common = ["-m", DESELECT] + [f"--deselect={nodeid}" for nodeid in NEEDS_DOCKER]
        common += ["-k", args.keyword] if args.keyword else []
        if args.contract:
            common.append(f"--aws-contract={args.contract}")
        suite = Suite(
            root,
            Path(tempfile.mkdtemp(prefix="suite-bench-")),
            f"http://127.0.0.1:{free_port()}",
            selection,
            common,
            args.run_timeout,
            args.test_timeout,
        )
    out = args.out or suite.work
    out.mkdir(parents=True, exist_ok=True)
    print(f"moto tests: {suite.root}\nwork folder: {suite.work}", flush=True)
    print(f"selection: {' '.join(suite.selection)}", flush=True)
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    seconds: dict[str, float] = {}
    try:
        if args.replay_only:
            runs["live"], collisions = _read_results(suite.work / "live.jsonl")
            if (suite.work / "plain.jsonl").exists():
                runs["plain"], _ = _read_results(suite.work / "plain.jsonl")
        else:
            collisions = record(suite, runs, seconds, plain=args.plain)
        if not args.volatile_only:
            runs["replay"], _, seconds["replay"] = run_suite(suite, "replay", [])
        volatile = volatile_available(suite.root)
        if volatile:
            runs["volatile"], _, seconds["volatile"] = run_suite(
                suite, "volatile", [f"--aws-volatile={args.volatile}"]
            )
        figures = compute_figures(runs)
        figures["seconds"] = {name: round(value, 1) for name, value in seconds.items()}
        figures["volatile_available"] = volatile
        figures["volatile"] = args.volatile
        figures["selection"] = suite.selection
        failures = failure_breakdown(runs)
        failures["cassette_collisions"] = collisions
        _write_json(out / "figures.json", figures)
        _write_json(out / "failures.json", failures)
        print()
        print(render_figures(figures))
        print(f"\nfigures: {out / 'figures.json'}\nfailure breakdown: {out / 'failures.json'}")
    finally:
        if not (args.keep or args.replay_only):
            shutil.rmtree(suite.work, ignore_errors=True)
    return 0


def record(
    suite: Suite, runs: dict[str, dict[str, dict[str, Any]]], seconds: dict[str, float], plain: bool
) -> dict[str, list[str]]:
    """(a) against a moto server started here, then stopped; the suite's settings are kept
    in the work folder for ``--replay-only``."""
    port = int(suite.endpoint.rsplit(":", 1)[1])
    server = start_moto_server(port)
    try:
        if plain:
            runs["plain"], _, seconds["plain"] = run_suite(suite, "plain", [], harness=False)
        runs["live"], collisions, seconds["live"] = run_suite(
            suite, "live", ["--aws-record-mode=all"]
        )
    finally:
        server.stop()
    _check_stopped(port)
    settings = {k: v for k, v in asdict(suite).items() if k not in ("work",)}
    _write_json(
        suite.work / SUITE_FILE,
        {k: str(v) if isinstance(v, Path) else v for k, v in settings.items()},
    )
    return collisions


def _recorded_suite(args: argparse.Namespace) -> Suite:
    work = Path(args.replay_only)
    try:
        saved = json.loads((work / SUITE_FILE).read_text())
        (work / "live.jsonl").stat()
    except (OSError, ValueError):
        raise BenchError(
            f"{work} is not the work folder of a recorded run (no readable {SUITE_FILE} and "
            "live.jsonl): record once with --keep and pass the work folder it prints."
        ) from None
    _check_stopped(int(saved["endpoint"].rsplit(":", 1)[1]))
    return Suite(
        Path(saved["root"]),
        work,
        saved["endpoint"],
        saved["selection"],
        saved["common"],
        args.run_timeout,
        args.test_timeout,
    )


def _read_results(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    tests: dict[str, dict[str, Any]] = {}
    collisions: dict[str, list[str]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if "cassette_collisions" in record:
                collisions.update(record["cassette_collisions"])
            else:
                tests[record.pop("test")] = record
    return tests, collisions


def find_moto_tests(given: Path | None) -> Path:
    """The folder holding moto's ``tests/`` (given, or the first default location)."""
    candidates = [given] if given else [Path(os.path.expandvars(p)) for p in DEFAULT_LOCATIONS]
    for candidate in candidates:
        if candidate is None or str(candidate).startswith("$"):
            continue
        if candidate.name == "tests" and (candidate / "__init__.py").exists():
            candidate = candidate.parent
        if (candidate / "tests" / "test_sqs").is_dir():
            return candidate.resolve()
    where = str(given) if given else ", ".join(DEFAULT_LOCATIONS)
    raise BenchError(
        f"No copy of moto's test suite at {where}: moto's wheel has no tests. Extract them "
        "from a moto checkout of about the installed version (`git -C MOTO_REPO archive HEAD "
        "tests | tar -x -C /tmp/moto-tests`) and pass --moto-tests /tmp/moto-tests."
    )


def _selection(args: argparse.Namespace, root: Path) -> list[str]:
    if args.tests:
        chosen = list(args.tests)
    else:
        names = [n.strip() for n in args.services.split(",") if n.strip()]
        unknown = [n for n in names if n not in SERVICES]
        if unknown or not names:
            raise BenchError(
                f"Unknown service(s) {', '.join(unknown) or '(none)'} in --services: choose "
                f"from {', '.join(SERVICES)}, comma-separated."
            )
        chosen = [path for name in names for path in SERVICES[name]]
    missing = [t for t in chosen if not (root / t.split("::")[0]).exists()]
    if missing:
        raise BenchError(
            f"Not in the moto tests at {root}: {', '.join(missing)}. Give paths relative to "
            "that folder (tests/test_sqs/test_sqs.py), or extract a moto version that has them."
        )
    return chosen


def _check_prerequisites(root: Path) -> None:
    for module, why in (("moto.server", "moto[server]"), ("freezegun", "freezegun")):
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True, text=True
        )
        if done.returncode:
            raise BenchError(
                f"{sys.executable} cannot import {module}, which moto's test suite at {root} "
                f"needs: install it (`pip install {why}`) and run again."
            )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto_server(port: int) -> Any:
    """A moto server on 127.0.0.1:port in this process, ready to answer (bounded wait)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise BenchError(f"The moto server did not start listening on 127.0.0.1:{port} in 30 s.")


def _check_stopped(port: int) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    except OSError:
        return
    raise BenchError(f"Something still answers on 127.0.0.1:{port}: replay would not be offline.")


def _env(endpoint: str, results: Path, test_timeout: float = 0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        TEST_SERVER_MODE="true",
        TEST_SERVER_MODE_ENDPOINT=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        SUITE_BENCH_RESULTS=str(results),
        HARNESS_INDEX_DIR=str(results.parent / "index"),
        SUITE_BENCH_TEST_TIMEOUT=str(test_timeout),
    )
    # the plugin module next to this script; the harness as this Python imports it
    paths = [str(HERE), *filter(None, [env.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run_suite(
    suite: Suite, name: str, extra: list[str], harness: bool = True
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]], float]:
    """One pytest run of the selection: each test's outcome by node id, the cassette files
    several tests would share, and the run's wall time."""
    results = suite.work / f"{name}.jsonl"
    results.unlink(missing_ok=True)
    log = suite.work / f"{name}.log"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", PLUGIN]
    command += ["-q", "-rN", "--rootdir", str(suite.root), "-W", "ignore::DeprecationWarning"]
    if harness:
        command += ["-o", f"aws_cassette_dir={suite.work / 'cassettes'}", *suite.common, *extra]
    else:  # the suite on its own: no harness, none of its options
        command += ["-p", "no:botocore_harness"]
        command += [a for a in [*suite.common, *extra] if not a.startswith("--aws-")]
    command += suite.selection
    print(f"== ({name}) {' '.join(command[1:])}", flush=True)
    start = time.monotonic()
    with open(log, "w") as handle:
        try:
            done = subprocess.run(
                command,
                cwd=suite.root,
                env=_env(suite.endpoint, results, suite.test_timeout),
                stdout=handle,
                stderr=subprocess.STDOUT,
                timeout=suite.run_timeout,
            )
            status = str(done.returncode)
        except subprocess.TimeoutExpired:
            status = f"stopped at the {suite.run_timeout:.0f} s limit"
    seconds = time.monotonic() - start
    tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
    print(f"   exit {status} in {seconds:.0f} s: {tail[0]}", flush=True)
    tests, collisions = _read_results(results)
    if not tests:
        raise BenchError(
            f"The ({name}) run reported no test (exit {status}); its output is in {log} "
            "(run again with --keep to keep it)."
        )
    return tests, collisions, seconds


def volatile_available(root: Path) -> bool:
    """Whether the installed harness knows --aws-volatile (issue 32)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--help"],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env("http://127.0.0.1:1", root / ".unused"),
    )
    return "--aws-volatile" in done.stdout


def service_of(nodeid: str) -> str:
    """``tests/test_s3/test_s3.py::test_x`` → ``s3``."""
    match = re.match(r"tests/test_([^/]+)/", nodeid)
    return match.group(1) if match else "?"


def compute_figures(runs: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per service and in total: tests run, passing live, and passing each replay among them."""
    live = runs["live"]
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for nodeid, result in live.items():
        row = rows[service_of(nodeid)]
        row["collected"] += 1
        row[f"live {result['outcome']}"] += 1
        if "plain" in runs and runs["plain"].get(nodeid, {}).get("outcome") == "passed":
            row["plain passed"] += 1
        if result["outcome"] != "passed":
            continue
        for name in ("replay", "volatile"):
            if name in runs and runs[name].get(nodeid, {}).get("outcome") == "passed":
                row[f"{name} passed"] += 1
    total: Counter[str] = Counter()
    for row in rows.values():
        total.update(row)
    services = {name: _with_shares(dict(row)) for name, row in sorted(rows.items())}
    return {"services": services, "total": _with_shares(dict(total)), "runs": list(runs)}


def _with_shares(row: dict[str, int]) -> dict[str, Any]:
    passed = row.get("live passed", 0)
    out: dict[str, Any] = dict(row)
    for name in ("replay", "volatile"):
        if passed:
            out[f"{name} %"] = round(100 * row.get(f"{name} passed", 0) / passed, 1)
    return out


def render_figures(figures: dict[str, Any]) -> str:
    volatile = figures.get("volatile_available")
    plain = "plain" in figures.get("runs", [])
    head = ["service", "tests"] + (["alone"] if plain else []) + ["live", "(b) replay"]
    head.append(f"(c) --aws-volatile={figures.get('volatile')}" if volatile else "(c)")
    rows = [head]
    for name, row in [*figures["services"].items(), ("total", figures["total"])]:
        live = row.get("live passed", 0)
        cells = [name, str(row.get("collected", 0))]
        if plain:
            cells.append(str(row.get("plain passed", 0)))
        cells.append(str(live))
        cells.append(_share(row, "replay", live) if "replay" in figures["runs"] else "n/a")
        cells.append(_share(row, "volatile", live) if volatile else "n/a")
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [
        "tests: collected and not deselected; alone: passing live without the harness; live: "
        "passing live while the harness records (the denominator); (b), (c): of those, passing "
        "in replay with the server stopped."
    ]
    if not volatile:
        notes.append("(c): volatile setting not available (this harness has no --aws-volatile).")
    seconds = figures.get("seconds", {})
    notes.append("run times: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    return "\n".join([*lines, "", *notes])


def _share(row: dict[str, Any], name: str, live: int) -> str:
    passed = row.get(f"{name} passed", 0)
    return f"{passed} ({100 * passed / live:.1f}%)" if live else "0"


_MASKS = [
    (re.compile(r"in cassette \S+"), "in cassette <cassette>"),
    (re.compile(r"/\S+\.yaml( #\d+)?"), "<cassette>"),
    (re.compile(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}"), "<uuid>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
    (re.compile(r"\b[0-9a-f]{6,}\b"), "<hex>"),
    (re.compile(r"\d{3,}"), "<n>"),
]


def group_key(result: dict[str, Any]) -> str:
    """Exception type and first message line, with paths and generated values masked."""
    line = str(result.get("first_line", ""))
    for pattern, mask in _MASKS:
        line = pattern.sub(mask, line)
    return f"{result.get('type', '?')}: {line[:200]}"


def failure_breakdown(runs: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Failures of each replay (among tests passing live) and of the live run, grouped."""
    live = runs["live"]
    passing = {t for t, r in live.items() if r["outcome"] == "passed"}
    out: dict[str, Any] = {}
    for name in ("replay", "volatile", "live"):
        if name not in runs:
            continue
        scope = passing if name != "live" else set(live)
        failed = {
            t: r
            for t, r in runs[name].items()
            if t in scope and r["outcome"] in ("failed", "error")
        }
        out[name] = _grouped(failed, runs[name], scope)
    return out


def _grouped(
    failed: dict[str, dict[str, Any]], run: dict[str, dict[str, Any]], scope: set[str]
) -> dict[str, Any]:
    groups: dict[str, list[str]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    kind_examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    generated = 0
    for test, result in sorted(failed.items()):
        groups[group_key(result)].append(test)
        miss = result.get("miss")
        if miss:
            generated += bool(miss.get("generated"))
            for kind in miss.get("kinds", []):
                kinds[kind] += 1
                if len(kind_examples[kind]) < 3:
                    kind_examples[kind].append({"test": test, **miss})
    missing = sorted(scope - set(run))  # never reported: the run stopped before them
    return {
        "failed": len(failed),
        "not run": len(missing),
        "misses": sum(1 for r in failed.values() if r.get("miss")),
        "misses on generated values only": generated,
        "miss kinds": dict(kinds.most_common()),
        "miss kind examples": dict(kind_examples),
        "by exception type": dict(Counter(r.get("type", "?") for r in failed.values())),
        "groups": [
            {"key": key, "count": len(tests), "examples": tests[:3]}
            for key, tests in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
    }


def _write_json(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
