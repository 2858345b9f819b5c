"""Cost of contract checks, as ratios to baselines measured in the same run.

1. Checking a ListInsightsMetricData response with the maximum 21,600 points versus
   botocore's own parsing of the same bytes (its ``json`` parser and the output shape).
2. ``harness check`` on cassettes holding 100, 1,000 and 10,000 interactions: time per
   interaction should stay flat (linear growth); prints the throughput.
3. ``harness check`` on one 50,000-interaction cassette: its peak RSS against one of 100
   interactions (the heap stays flat: cassettes are read one interaction at a time from a
   memory-mapped file, whose pages count in RSS up to the file's size).

Run: ``python bench/bench_check.py [--quick]``.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic_exchanges import NOW as REQUEST_TIME
from synthetic_exchanges import build
from synthetic_exchanges import pair as valid

from harness.cassette import write_cassette
from harness.cli import run
from harness.contract import check_exchange
from harness.models import operation_model

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


def bench_cli(sizes: list[int]) -> None:
    targets = [
        ("cloudtrail", "ListInsightsMetricData"),
        ("cloudtrail", "ListInsightsData"),
        ("xray", "GetInsight"),
        ("xray", "GetInsightEvents"),
        ("internetmonitor", "GetInternetEvent"),
    ]
    pairs = [(t, valid(*t)) for t in targets]
    print("harness check, cassettes of 100 interactions each (every first-class operation)")
    per_item: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / str(size)
            for c in range(size // 100):
                exchanges = [build(*pairs[i % 5][0], *pairs[i % 5][1], index=i) for i in range(100)]
                write_cassette(folder / f"c{c:04d}.yaml", exchanges)
            out = io.StringIO()
            began = time.perf_counter()
            run(["check", str(folder)], out, io.StringIO())
            seconds = time.perf_counter() - began
            assert "OK:" in out.getvalue()
            per_item.append(seconds / size)
            print(
                f"  {size:>6,} interactions  {seconds:7.2f} s  "
                f"{size / seconds:8,.0f} interactions/s  {seconds / size * 1e6:6.0f} µs each"
            )
    print(f"  per-interaction cost, largest/smallest = {per_item[-1] / per_item[0]:.2f}")


def _peak_rss_of_check(path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``harness check PATH`` in a fresh process."""
    import subprocess

    # VmHWM: this process image's peak (ru_maxrss would include the parent's at the fork)
    script = (
        "import sys, time\n"
        "from harness.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(time.perf_counter() - t, peak.split()[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
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
            seconds, rss = _peak_rss_of_check(path)
            rows.append((count, path.stat().st_size / 2**20, seconds, rss))
    print("harness check on one cassette (fresh process; peak RSS)")
    for count, mib, seconds, rss in rows:
        print(
            f"  {count:>7,} interactions ({mib:5.1f} MiB file)  {seconds:6.2f} s  "
            f"peak RSS {rss:6.0f} MiB"
        )
    print(f"  peak RSS, {size:,} / 100 interactions = {rows[1][3] / rows[0][3]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    bench_large_response(3 if args.quick else 7)
    bench_cli([100, 1_000] if args.quick else [100, 1_000, 10_000])
    bench_one_large_cassette(5_000 if args.quick else 50_000)


if __name__ == "__main__":
    main()
