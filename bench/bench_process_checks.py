"""What process checks cost a test: a run with ``--aws-process-checks strict`` against the
same run with ``off``, interleaved, in fresh processes.

Two suites, each ``--tests`` tests: trivial ones (``assert``: the checks' whole cost shows)
and ones like users' (each sets a variable through ``monkeypatch`` and makes a boto3 SQS
client: the checks watch both). Prints, per suite, min and median CPU and wall seconds of
each mode, the ratio, and the CPU milliseconds a test added (median of the rounds' paired
differences, divided by the tests).

Run: ``python bench/bench_process_checks.py [--rounds 5] [--tests 500]`` (a few minutes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_startup import _command, run_once

SUITES = {
    "trivial": (
        "import pytest\n\n"
        "@pytest.mark.parametrize('i', range({count}))\n"
        "def test_trivial(i):\n    assert i + 1 > i\n"
    ),
    "client": (
        "import boto3\nimport pytest\n\n"
        "@pytest.mark.parametrize('i', range({count}))\n"
        "def test_client(i, monkeypatch):\n"
        "    monkeypatch.setenv('APP_MODE', str(i))\n"
        "    client = boto3.client('sqs', region_name='eu-west-1')\n"
        "    assert client.meta.region_name == 'eu-west-1'\n"
    ),
}
MODES = ("off", "strict")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tests", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    print(f"{args.rounds} interleaved rounds, {args.tests} tests a suite")
    print(f"{'suite':8} {'mode':7} {'cpu min s':>9} {'median':>7} {'wall min':>8} {'median':>7}")
    for suite, text in SUITES.items():
        test_file = folder / f"test_{suite}.py"
        test_file.write_text(text.format(count=args.tests))
        commands = {mode: _command(test_file, "--aws-process-checks", mode) for mode in MODES}
        run_once(commands["strict"], folder)  # warm up: bytecode, the OS file cache
        wall: dict[str, list[float]] = {mode: [] for mode in MODES}
        cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
        for number in range(args.rounds):
            for mode in MODES if number % 2 == 0 else MODES[::-1]:
                seconds, used = run_once(commands[mode], folder)
                wall[mode].append(seconds)
                cpu[mode].append(used)
        for mode in MODES:
            print(
                f"{suite:8} {mode:7} {min(cpu[mode]):9.2f} {statistics.median(cpu[mode]):7.2f} "
                f"{min(wall[mode]):8.2f} {statistics.median(wall[mode]):7.2f}"
            )
        ratio = min(cpu["strict"]) / min(cpu["off"])
        paired = statistics.median(s - o for s, o in zip(cpu["strict"], cpu["off"], strict=True))
        print(
            f"{suite:8} strict/off CPU {ratio:.2f}× (min); added per test "
            f"{paired / args.tests * 1e3:.2f} ms CPU (median of the rounds)"
        )


if __name__ == "__main__":
    main()
