"""Record third-party suites against moto server, replay them offline with no settings, count.

Issue 42's "Done when": suites the harness was not tuned on, each a library's own tests,
run three times in fresh pytest processes with every test marked ``aws_cassette``
(``bench/third_party_suite_plugin.py``):

(a) alone: against a moto server this script starts on 127.0.0.1, without the harness;
(b) record: the same, the harness recording (``--aws-record-mode=all``) into a work folder;
(c) replay: the server stopped (nothing listens on its port), the harness's defaults, no
    setting at all.

Each run reaches loopback only: the plugin refuses a connection off it, or a name look-up,
as an unreachable network does, and the figures name the tests it refused.

Figure: among the tests that pass in (a), the share that pass in (c); and how many of them
recording broke (pass in (a), fail in (b)). Each suite's source is a checkout of the tag
its ``Recipe`` names, extracted by you (this script installs and fetches nothing)::

    git clone --depth 1 --branch 0.18.0 \
        https://github.com/nayaverdier/dyntastic /tmp/suites/dyntastic
    pip install dyntastic==0.18.0 requests
    python bench/suite_replay.py dyntastic --source /tmp/suites/dyntastic

``-k EXPRESSION`` (``--select``) runs only the tests pytest's ``-k`` selects, to measure a
few failures again without the whole suite. ``--out DIR`` keeps ``figures.json`` (the
counts) and ``failures.json`` (each (c) failure among the denominator: test, exception
type, first line). A suite may need a shim to reach a server it did not start
(``bench/suite_overrides/``), loaded with ``-p``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from third_party_suite import (  # noqa: E402 (the bench folder is not a package)
    BenchError,
    _check_stopped,
    _read_results,
    free_port,
    start_moto_server,
)


@dataclass(frozen=True)
class Recipe:
    """How to run one library's suite against the benchmark's server."""

    what: str  # the kind of suite, for the report
    tag: str  # the source checkout it was measured on
    install: str  # the pip requirement of the library at that tag
    tests: list[str]  # paths under the checkout
    plugins: list[str] = field(default_factory=list)  # -p modules (bench/suite_overrides)
    args: list[str] = field(default_factory=list)  # more pytest arguments
    env: dict[str, str] = field(default_factory=dict)  # "{endpoint}" is the server's URL
    # parts of the suite counted apart too: a name and a regular expression its node ids match
    parts: dict[str, str] = field(default_factory=dict)


RECIPES: dict[str, Recipe] = {
    "dyntastic": Recipe(
        what="a DynamoDB library (pydantic models over boto3)",
        tag="github.com/nayaverdier/dyntastic 0.18.0",
        install="dyntastic==0.18.0",
        tests=["tests"],
        plugins=["suite_overrides.dyntastic"],
    ),
    # PyPI's sdist of 2026.9.0 (revision 62f45e6f) holds s3fs/tests; the GitHub snapshot
    # at hand stops at tag 2026.4.0, so extract the sdist:
    #   pip download --no-deps --no-binary :all: s3fs==2026.9.0 && tar xzf s3fs-2026.9.0.tar.gz
    "s3fs": Recipe(
        what="an async S3 library (fsspec over aiobotocore)",
        tag="github.com/fsspec/s3fs 2026.9.0",
        install="s3fs==2026.9.0",
        tests=["s3fs/tests/test_s3fs.py", "s3fs/tests/test_mapping.py"],
        plugins=["suite_overrides.s3fs"],
    ),
    # botocore's integration suite, whose test_s3 builds its state once per module
    # (setup_module: a randomly named shared bucket, configured, emptied per test). PyPI's
    # sdist holds tests/ (the GitHub snapshot at hand stops at tag 1.43.67):
    #   pip download --no-deps --no-binary :all: botocore==1.43.117 && tar xzf botocore-*.gz
    # Every integration file but test_utils.py (19,074 model checks, no request).
    "botocore": Recipe(
        what="botocore's own integration suite (S3 shared bucket, smoke tests per service)",
        tag="github.com/boto/botocore 1.43.117",
        install="botocore==1.43.117",
        tests=[
            f"tests/integration/test_{name}.py"
            for name in [
                *("apigateway", "client", "client_http", "cloudformation", "cloudwatch"),
                *("cognito_identity", "credentials", "ec2", "emr", "loaders", "rds"),
                *("route53", "s3", "session", "smoke", "sts", "waiters"),
            ]
        ],
        plugins=["suite_overrides.botocore"],
        env={"AWS_ENDPOINT_URL": "{endpoint}"},  # botocore's own setting: every client
    ),
    # aiobotocore's own suite, PyPI's sdist of the installed version (it holds tests/):
    #   pip download --no-deps --no-binary :all: aiobotocore==3.10.0 && tar xzf aiobotocore-*.gz
    # with its test group's packages the venv lacks (pytest-mock, dill, trustme, tiny-proxy)
    # on PYTHONPATH. Tests taking a client are parametrized by HTTP backend (aiohttp, httpx)
    # and by anyio backend: asyncio, and trio on httpx (the suite deselects trio on aiohttp).
    # As its CI runs it (``-m "not localonly"`` leaves out tests against real AWS,
    # ``--http-backend=all`` both backends), less two files that send nothing (437 protocol
    # parser cases over botocore's models, 257 source-hash checks of patched botocore code).
    # ``strict_config`` off: ``-p no:cacheprovider`` leaves its ``cache_dir`` unknown.
    "aiobotocore": Recipe(
        what="aiobotocore's own suite (aiohttp and httpx backends, asyncio and trio)",
        tag="github.com/aio-libs/aiobotocore 3.10.0",
        install="aiobotocore==3.10.0",
        tests=["tests"],
        plugins=["suite_overrides.aiobotocore"],
        args=[
            *("-m", "not localonly", "--http-backend=all", "-o", "strict_config=false"),
            "--ignore=tests/botocore_tests/unit/test_protocols.py",
            "--ignore=tests/test_patches.py",
        ],
        parts={
            "trio": r"\[trio[-\]]",
            "trio, httpx": r"\[trio-(.+-)?httpx[-\]]",
            "asyncio, httpx": r"\[asyncio-(.+-)?httpx[-\]]",
            "asyncio, aiohttp": r"\[asyncio-(.+-)?aiohttp[-\]]",
        },
    ),
    # boto3's own suite. Neither PyPI's sdist nor the wheel holds tests/, and the GitHub
    # snapshot at hand stops at tag 1.43.78, so the checkout of that tag:
    #   git clone --depth 1 --branch 1.43.78 https://github.com/boto/boto3
    # Run from the checkout, the suite imports the checkout's boto3 (1.43.78) over the venv's
    # botocore. Unit and functional tests, as its CI runs them (tests/integration needs real
    # AWS), less functional/docs/test_smoke.py (446 cases building every service's reference
    # documentation, no request: 10 minutes a run on 2 cores).
    "boto3": Recipe(
        what="boto3's own suite (resources, DynamoDB and S3 customizations, Stubber)",
        tag="github.com/boto/boto3 1.43.78",
        install="boto3==1.43.78",
        tests=["tests/unit", "tests/functional"],
        args=["--ignore=tests/functional/docs/test_smoke.py"],
    ),
    # s3transfer's own suite, PyPI's sdist of the installed version (it holds tests/):
    #   pip download --no-deps --no-binary :all: s3transfer==0.19.3 && tar xzf s3transfer-*.gz
    # Unit and functional tests, as its CI runs them (tests/integration needs real S3); the
    # functional tests answer their clients with botocore's Stubber, the unit tests with mocks.
    "s3transfer": Recipe(
        what="s3transfer's own suite (Stubber-driven transfers, thread and process pools)",
        tag="github.com/boto/s3transfer 0.19.3",
        install="s3transfer==0.19.3",
        tests=["tests/unit", "tests/functional"],
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("suite", choices=sorted(RECIPES))
    parser.add_argument("--source", type=Path, required=True, help="the suite's checkout")
    parser.add_argument("--out", type=Path, help="folder for figures.json and failures.json")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--run-timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument(
        "-k",
        "--select",
        metavar="EXPRESSION",
        help="only the tests pytest's -k EXPRESSION selects, in all three runs (to measure "
        "a few again; the figures are then of those only)",
    )
    args = parser.parse_args(argv)
    try:
        return run(RECIPES[args.suite], args)
    except BenchError as exc:
        print(f"suite_replay: {exc}", file=sys.stderr)
        return 2


def run(recipe: Recipe, args: argparse.Namespace) -> int:
    source = args.source.resolve()
    missing = [t for t in recipe.tests if not (source / t).exists()]
    if missing:
        raise BenchError(
            f"{source} has no {', '.join(missing)}: pass --source the checkout of "
            f"{recipe.tag} (its tests are not in the wheel)."
        )
    work = Path(tempfile.mkdtemp(prefix="suite-replay-"))
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    seconds: dict[str, float] = {}
    try:
        server = start_moto_server(port)
        try:
            for name, extra in (("alone", None), ("record", ["--aws-record-mode=all"])):
                runs[name], seconds[name] = _pytest(
                    recipe, source, work, endpoint, name, extra, args
                )
        finally:
            server.stop()
        _check_stopped(port)
        runs["replay"], seconds["replay"] = _pytest(
            recipe, source, work, endpoint, "replay", [], args
        )
        figures, failures = _figures(runs)
        for part, pattern in recipe.parts.items():
            figures.setdefault("parts", {})[part] = _figures(
                {
                    name: {t: r for t, r in tests.items() if re.search(pattern, t)}
                    for name, tests in runs.items()
                }
            )[0]
        figures.update(suite=recipe.what, tag=recipe.tag, seconds=seconds)
        if args.select:
            figures["selected"] = args.select  # (a part of the suite, not its figure)
        figures["refused off loopback"] = _refused(work)
        print(json.dumps(figures, indent=2))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "figures.json").write_text(json.dumps(figures, indent=2) + "\n")
            (args.out / "failures.json").write_text(json.dumps(failures, indent=2) + "\n")
    finally:
        if args.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _pytest(
    recipe: Recipe,
    source: Path,
    work: Path,
    endpoint: str,
    name: str,
    extra: list[str] | None,
    args: argparse.Namespace,
) -> tuple[dict[str, dict[str, Any]], float]:
    """One run: ``extra`` None runs without the harness. Each test's outcome by node id."""
    results = work / f"{name}.jsonl"
    command = [sys.executable, "-m", "pytest", "-q", "-rN", "-p", "no:cacheprovider"]
    command += ["-p", "third_party_suite_plugin"]
    for plugin in recipe.plugins:
        command += ["-p", plugin]
    if extra is None:
        command += ["-p", "no:botocore_harness"]
    else:
        command += ["-o", f"aws_cassette_dir={work / 'cassettes'}", *extra]
    command += [*recipe.args, *(["-k", args.select] if args.select else []), *recipe.tests]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        SUITE_ENDPOINT=endpoint,
        SUITE_BENCH_RESULTS=str(results),
        SUITE_BENCH_TEST_TIMEOUT="60",
        HARNESS_INDEX_DIR=str(work / "index"),
        PYTHONPATH=os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]),
        **{k: v.format(endpoint=endpoint) for k, v in recipe.env.items()},
    )
    print(f"== ({name}) {' '.join(command[3:])}", flush=True)
    start = time.monotonic()
    with open(work / f"{name}.log", "w") as log:
        try:
            subprocess.run(
                command, cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT,
                timeout=args.run_timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"   stopped at the {args.run_timeout:.0f} s limit", flush=True)
    took = time.monotonic() - start
    tests, _ = _read_results(results)
    if not tests:
        raise BenchError(f"The ({name}) run reported no test; see {work / f'{name}.log'} (--keep).")
    print(f"   {len(tests)} tests in {took:.0f} s", flush=True)
    return tests, round(took, 1)


def _refused(work: Path) -> dict[str, dict[str, list[str]]]:
    """Per run, the tests whose connections off loopback (or name look-ups) the bench
    plugin refused, and what each asked for."""
    out: dict[str, dict[str, list[str]]] = {}
    for name in ("alone", "record", "replay"):
        path = work / f"{name}.jsonl.refused"
        if path.exists():
            for line in path.read_text().splitlines():
                entry = json.loads(line)
                asked = out.setdefault(name, {}).setdefault(entry["test"], [])
                if entry["refused"] not in asked:
                    asked.append(entry["refused"])
    return out


def _figures(runs: dict[str, dict[str, dict[str, Any]]]) -> tuple[dict[str, Any], list[Any]]:
    alone = [t for t, r in runs["alone"].items() if r["outcome"] == "passed"]

    def passed(run: str, test: str) -> bool:
        return bool(runs[run].get(test, {}).get("outcome") == "passed")

    replayed = [t for t in alone if passed("replay", t)]
    broken = [t for t in alone if not passed("record", t)]
    figures = {
        "collected": len(runs["alone"]),
        "pass alone (denominator)": len(alone),
        "recording broke": len(broken),
        "replay passed": len(replayed),
        "replay %": round(100 * len(replayed) / len(alone), 1) if alone else None,
    }
    failures = [
        {"test": t, **{k: runs["replay"].get(t, {}).get(k) for k in ("type", "first_line")}}
        for t in alone
        if not passed("replay", t)
    ]
    return figures, failures


if __name__ == "__main__":
    sys.exit(main())
