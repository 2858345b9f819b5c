"""Cost of contract checks, as ratios to baselines measured in the same run.

1. Checking a ListInsightsMetricData response with the maximum 21,600 points versus
   botocore's own parsing of the same bytes (its ``json`` parser and the output shape).
2. ``harness check`` on folders of cassettes holding 1,000 to 50,000 interactions in all,
   in one process and by default (one process per CPU): time per interaction should stay
   flat (linear growth); prints the throughput, that of small exchanges alone, and theirs
   when unchanged since the last run (every report from ``harness check``'s cache). The
   other rows check every file (``--no-cache``).
3. ``harness check`` on one 50,000-interaction cassette: its peak RSS against one of 100
   interactions (flat: a cassette is parsed one interaction at a time, and one of more than
   8 MiB is also read from the file one interaction at a time).
   Then the ``harness check`` command's wall time on the bundled cassettes, fresh
   processes, against ``python -c pass`` (what start-up costs a small run).

4. With ``--to N`` (e.g. 1000000): ``harness check --jobs 1`` in a fresh process on 10,000,
   100,000, ... up to N small interactions, in cassettes of 10,000 (copies of one file):
   seconds, interactions/s and peak RSS of each, and the cost per interaction of the
   largest against the smallest (linear growth: 1.0). N = 1,000,000 writes 1.5 GB to the
   temporary folder and takes about ten minutes.

Run: ``python bench/bench_check.py [--quick] [--to N]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from botocore.parsers import create_parser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: tests.support
from harness.aws.models import operation_model
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.contract.checker import check_exchange
from tests.support.synthetic_exchanges import NOW as REQUEST_TIME
from tests.support.synthetic_exchanges import build
from tests.support.synthetic_exchanges import pair as valid

POINTS = 21_600
NOW = int(REQUEST_TIME.timestamp())


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_large_response(repeat: int) -> None:
    start = NOW - NOW % 60 - POINTS * 60
    request = {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "StartTime": start,
        "EndTime": start + POINTS * 60,
        "Period": 60,
        "DataType": "FillWithZeros",
    }
    response = {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "Timestamps": [start + 60 * i for i in range(POINTS)],
        "Values": [float(i % 7) for i in range(POINTS)],
    }
    exchange = build("cloudtrail", "ListInsightsMetricData", request, response)
    assert check_exchange(exchange) == [], "the benchmark response must be valid"
    shape = operation_model("cloudtrail", "ListInsightsMetricData").output_shape
    parser = create_parser("json")
    raw = {
        "status_code": 200,
        "headers": exchange.response.headers,
        "body": exchange.response.body,
    }
    parse = best_of(repeat, lambda: parser.parse(raw, shape))
    check = best_of(repeat, lambda: check_exchange(exchange))
    print(f"ListInsightsMetricData, {POINTS:,} points, {len(exchange.response.body):,} bytes")
    print(f"  botocore parse   {parse * 1e3:8.1f} ms")
    print(f"  contract check   {check * 1e3:8.1f} ms   ratio check/parse = {check / parse:.2f}")


def _write_folder(folder: Path, size: int, targets: list[tuple[str, str]]) -> None:
    pairs = [(t, valid(*t)) for t in targets]
    for c in range(max(1, size // 100)):
        exchanges = [
            build(*pairs[i % len(pairs)][0], *pairs[i % len(pairs)][1], index=i)
            for i in range(min(size, 100))
        ]
        write_cassette(folder / f"c{c:04d}.yaml", exchanges)


def _check_seconds(folder: Path, jobs: list[str], rounds: int) -> float:
    """The fastest of ``rounds`` runs of ``harness check [jobs] folder`` (in this process)."""
    best = float("inf")
    for _ in range(rounds):
        out = io.StringIO()
        began = time.perf_counter()
        run(["check", *jobs, str(folder)], out, io.StringIO())
        best = min(best, time.perf_counter() - began)
        assert "OK:" in out.getvalue()
    return best


def bench_cli(sizes: list[int], rounds: int) -> None:
    """Throughput of ``harness check`` on folders of 100-interaction cassettes, in one
    process (``--jobs 1``) and as run by default (one process per CPU for 4 MiB or more)."""
    every = [
        ("cloudtrail", "ListInsightsMetricData"),
        ("cloudtrail", "ListInsightsData"),
        ("xray", "GetInsight"),
        ("xray", "GetInsightEvents"),
        ("internetmonitor", "GetInternetEvent"),
    ]
    small = [("internetmonitor", "GetInternetEvent"), ("xray", "GetInsight")]
    runs = [("every first-class operation", every, size) for size in sizes]
    runs.append(("small exchanges (GetInternetEvent, GetInsight)", small, sizes[-1]))
    print(f"harness check, cassettes of 100 interactions; fastest of {rounds} rounds")
    print(f"  {'':>48} {'one process':>16} {'default':>16}")
    per_item: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (what, targets, size) in enumerate(runs):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            _write_folder(folder, size, targets)
            # every file checked (no report cache); warm: schemas compiled, caches full
            _check_seconds(folder, ["--no-cache", "--jobs", "1"], 1)
            one = default = float("inf")
            for _ in range(rounds):  # interleaved, so both see the same machine
                one = min(one, _check_seconds(folder, ["--no-cache", "--jobs", "1"], 1))
                default = min(default, _check_seconds(folder, ["--no-cache"], 1))
            if targets is every:
                per_item.append(one / size)
            print(
                f"  {size:>7,} interactions, {what:<32.32} {size / one:>10,.0f} /s "
                f"{size / default:>10,.0f} /s"
            )
        cached = Path(tmp) / "cache"
        _check_seconds(folder, ["--cache-dir", str(cached)], 1)  # (the last, small folder)
        again = min(_check_seconds(folder, ["--cache-dir", str(cached)], 1) for _ in range(rounds))
        print(
            f"  {size:>7,} interactions, {'unchanged: reports from the cache':<32.32} "
            f"{size / again:>10,.0f} /s (by default)"
        )
    ratio = per_item[-1] / per_item[0]
    print(f"  per-interaction cost (one process), largest/smallest = {ratio:.2f}")


def _peak_rss_of_check(path: Path, *options: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``harness check PATH`` in a fresh process."""
    import subprocess

    # VmHWM: this process image's peak (ru_maxrss would include the parent's at the fork)
    script = (
        "import sys, time\n"
        "from harness.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n    main(['check', *sys.argv[1:]])\nexcept SystemExit:\n    pass\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(time.perf_counter() - t, peak.split()[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *options, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, rss_kib = done.stdout.split()[-2:]
    return float(seconds), int(rss_kib) / 1024


def bench_one_large_cassette(size: int) -> None:
    """Peak memory of checking one big cassette, against a 100-interaction one: flat when
    cassettes are streamed (read one interaction at a time)."""
    pair = (("xray", "GetInsight"), valid("xray", "GetInsight"))
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for count in (100, size):
            exchanges = [build(*pair[0], *pair[1], index=i) for i in range(count)]
            path = write_cassette(Path(tmp) / f"one-{count}.yaml", exchanges)
            seconds, rss = _peak_rss_of_check(path, "--no-cache")
            rows.append((count, path.stat().st_size / 2**20, seconds, rss))
    print("harness check on one cassette (fresh process; peak RSS)")
    for count, mib, seconds, rss in rows:
        print(
            f"  {count:>7,} interactions ({mib:5.1f} MiB file)  {seconds:6.2f} s  "
            f"peak RSS {rss:6.0f} MiB"
        )
    print(f"  peak RSS, {size:,} / 100 interactions = {rows[1][3] / rows[0][3]:.2f}")


def bench_command_start(rounds: int) -> None:
    """The wall time of the ``harness check`` command on the bundled cassettes (fresh
    processes: imports, models, schemas), against Python starting and doing nothing, in
    interleaved rounds."""
    import statistics
    import subprocess

    bundled = Path(__file__).resolve().parents[1] / "cassettes"
    commands = {
        "harness check cassettes/": [
            *(sys.executable, "-m", "harness", "check", "--no-cache", str(bundled))
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - began)
    print(f"command start, fresh processes, {rounds} interleaved rounds (min / median)")
    for name, spent in times.items():
        print(f"  {name:<28} {min(spent):6.3f} / {statistics.median(spent):6.3f} s")


def bench_linear(total: int) -> None:
    """``harness check`` on 10,000 to ``total`` small interactions: per-interaction cost and
    peak RSS as the input grows tenfold at a time."""
    import shutil

    per_file = 10_000
    small = [("internetmonitor", "GetInternetEvent"), ("xray", "GetInsight")]
    pairs = [(t, valid(*t)) for t in small]
    print(f"harness check --jobs 1, fresh process, cassettes of {per_file:,} interactions")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        exchanges = [build(*pairs[i % 2][0], *pairs[i % 2][1], index=i) for i in range(per_file)]
        first = write_cassette(Path(tmp) / "one.yaml", exchanges)
        size = per_file
        while size <= total:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            for c in range(size // per_file):
                shutil.copyfile(first, folder / f"c{c:05d}.yaml")
            seconds, rss = _peak_rss_of_check(folder, "--no-cache", "--jobs", "1")
            rows.append((size, seconds, rss))
            print(
                f"  {size:>9,} interactions  {seconds:8.1f} s  {size / seconds:8,.0f} /s  "
                f"peak RSS {rss:6.0f} MiB",
                flush=True,
            )
            shutil.rmtree(folder)
            size *= 10
    (small_n, small_s, _), (large_n, large_s, _) = rows[0], rows[-1]
    ratio = large_s / large_n / (small_s / small_n)
    print(f"  per-interaction cost, {large_n:,} / {small_n:,} = {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--to", type=int, help="only: check 10,000 to N interactions")
    args = parser.parse_args()
    if args.to:
        bench_linear(args.to)
        return
    bench_large_response(3 if args.quick else 7)
    bench_cli([1_000, 5_000] if args.quick else [1_000, 10_000, 50_000], 2 if args.quick else 3)
    bench_one_large_cassette(5_000 if args.quick else 50_000)
    bench_command_start(3 if args.quick else 10)


if __name__ == "__main__":
    main()
