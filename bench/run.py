"""Run every benchmark under bench/ and print one summary table after their own reports.

Run: ``python bench/run.py [--quick]`` (a few minutes; ``--quick`` fewer rounds and sizes).
Each benchmark runs in its own process, one after the other, and measures its baseline in
the same run (interleaved rounds, min and median); the summary picks the ratio lines out of
their reports, so the full reports above it say how each figure was measured.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, arguments, arguments with --quick)
BENCHMARKS = [
    ("bench_realistic.py", [], ["--quick"]),
    ("bench_replay.py", [], ["--rounds", "3", "--calls", "200", "--indexed", "20000"]),
    ("bench_order.py", [], ["--rounds", "3", "--sizes", "200", "2000", "20000"]),
    ("bench_check.py", [], ["--quick"]),
    ("bench_startup.py", [], []),
    ("bench_serve.py", [], ["--rounds", "2", "--requests", "200", "--seconds", "10"]),
    ("bench_strategies.py", [], ["--rounds", "3", "--examples", "500"]),
    ("bench_coverage.py", [], ["--rounds", "2"]),
    ("bench_uploads.py", [], ["--rounds", "3", "--uploads", "2"]),
]

#: Lines of the reports the summary keeps: (benchmark, pattern).
SUMMARY = [
    # realistic recordings: "harness, <cassette>, <policy>" rows against Stubber
    ("real", re.compile(r"^(harness, .+?)\s{2,}\d+\s+\d+\s+([\d.]+×)\s+([\d.]+×)")),
    ("real", re.compile(r"^([\d,]+-interaction own cassette).*fresh clone: ([\d.]+ s)")),
    ("real", re.compile(r"^([\d,]+-interaction plain vcrpy cassette).*first load ([\d.]+ s)")),
    ("replay", re.compile(r"^((?:harness|vcrpy) .+?)\s{2,}\d+\s+\d+\s+([\d.]+×)\s+([\d.]+×)")),
    # replay and recording by cassette size and call order, against Stubber / bare calls
    ("order", re.compile(r"^((?:replay|record) .+?)\s{2,}\d+\s+\d+\s+\d+\s+([\d.]+×)\s+([\d.]+×)")),
    ("check", re.compile(r"^\s*(contract check)\s+[\d.]+ ms\s+ratio check/parse = ([\d.]+)")),
    # harness check throughput: one process / default (one per CPU)
    ("check", re.compile(r"^\s*([\d,]+ interactions, .+?)\s+([\d,]+ /s)\s+([\d,]+ /s)$")),
    # ... and on unchanged cassettes, every report from the cache (by default only)
    ("check", re.compile(r"^\s*([\d,]+ interactions, unchanged.+?)\s+([\d,]+ /s) \(by default\)$")),
    # harness coverage of 10,000 interactions: seconds (min), ratio to reading the cassette
    (
        "coverage",
        re.compile(r"^(coverage of [\d,]+ interactions)\s+([\d.]+ s)\s+ratio (\S+ = [\d.]+)"),
    ),
    ("startup", re.compile(r"^(added by the plugin)\s+(-?\d+)\s+(-?\d+)")),
    # requests() examples/s: best / median
    ("strategies", re.compile(r"^(\w+:\w+)\s+([\d,]+)\s+([\d,]+)\s")),
    # recording large uploads against the live run: min / median
    ("uploads", re.compile(r"^(recording \(harness\))\s+\d+\s+\d+\s+([\d.]+×)\s+([\d.]+×)")),
    ("uploads", re.compile(r"^cassette ([\d,]+ bytes), replay needs [\d,]+ bytes: ([\d.]+×)")),
    # harness serve, N workers to 1: best / median
    ("serve", re.compile(r"^\s*(\d+ clients)\s.*?([\d.]+×) / ([\d.]+×)$")),
    # hostile traffic: peak RSS / baseline; drippers: answered, median latency
    ("serve", re.compile(r"^(peak RSS) (\d+ MiB) \(baseline (\d+ MiB)")),
    ("serve", re.compile(r"^(well-behaved client): (\d+ of \d+) .*median (\d+ ms)")),
    (
        "replay",
        re.compile(
            r"^load ([\d,]+-interaction cassette).*through its index ([\d.]+ s), peak (\d+ MiB)"
        ),
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and sizes")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    for script, full, quick in BENCHMARKS:
        print(f"== {script}", flush=True)
        done = subprocess.run(
            [sys.executable, str(HERE / script), *(quick if args.quick else full)],
            capture_output=True,
            text=True,
            check=False,
        )
        print(done.stdout, end="")
        if done.returncode != 0:
            print(done.stderr, end="", file=sys.stderr)
            return done.returncode
        for line in done.stdout.splitlines():
            for name, pattern in SUMMARY:
                if match := pattern.match(line):
                    label, *figures = (g.strip() for g in match.groups())
                    rows.append((name, label, " / ".join(figures)))
    print("\n== summary (ratios: to the baseline measured in the same run; min / median)")
    width = max(len(label) for _, label, _ in rows)
    for name, label, figures in rows:
        print(f"{name:8} {label:{width}}  {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
