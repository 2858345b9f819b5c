"""What having the plugin installed adds to a pytest run that uses no AWS (issue 13: ≤ 20 ms).

Runs ``python -m pytest -q -p no:cacheprovider test_trivial.py`` in fresh processes, with
``-p no:botocore_harness`` (the baseline) and with the plugin, alternating in each round so
that a machine busy for a while slows both alike. Prints min and median wall time and CPU
time of each, the added milliseconds and the ratio, and the median of the per-round
differences. On a
noisy machine (a VM whose runs of the same command spread over 0.3 s) trust the min and the
per-round median, and give it more rounds.

``--tests N`` makes the file N trivial tests (one parametrized function): what the plugin
adds to each test of a run that uses no AWS (its hooks, run for every test).

Run: ``python bench/bench_startup.py [--rounds 15] [--tests 1]`` (about half a minute).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIVIAL_TEST = "def test_trivial():\n    assert 1 + 1 == 2\n"
MANY_TESTS = (
    "import pytest\n\n"
    "@pytest.mark.parametrize('i', range({count}))\n"
    "def test_trivial(i):\n    assert i + 1 > i\n"
)
BASELINE = ("-p", "no:botocore_harness")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # As an installed package runs: with cached bytecode. Without it every run recompiles
    # the plugin's sources and the bench measures the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _command(test_file: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, str(test_file)]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_once(command: list[str], folder: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one pytest process, in seconds; the run
    must pass. CPU time leaves out the waits of a busy machine: on a VM it is the steadier."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds, _children_cpu() - cpu


def check_plugin_loads(folder: Path) -> None:
    """The plugin must be there in the measured runs (and gone in the baseline)."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--markers"]
    with_plugin = subprocess.run(command, cwd=folder, env=_env(), capture_output=True, text=True)
    without = subprocess.run(
        [*command, *BASELINE], cwd=folder, env=_env(), capture_output=True, text=True
    )
    if "aws_cassette" not in with_plugin.stdout:
        sys.exit("botocore-harness is not installed in this Python: nothing to measure.")
    if "aws_cassette" in without.stdout:
        sys.exit("-p no:botocore_harness did not turn the plugin off.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--tests", type=int, default=1, help="trivial tests in the run")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    test_file = folder / "test_trivial.py"
    test_file.write_text(TRIVIAL_TEST if args.tests == 1 else MANY_TESTS.format(count=args.tests))
    check_plugin_loads(folder)
    commands = {"baseline": _command(test_file, *BASELINE), "plugin": _command(test_file)}
    for command in commands.values():
        run_once(command, folder)  # warm up: bytecode caches, the OS file cache
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(args.rounds):
        order = list(commands) if i % 2 == 0 else list(reversed(commands))
        for name in order:
            seconds, used = run_once(commands[name], folder)
            wall[name].append(seconds)
            cpu[name].append(used)
    what = "1 test" if args.tests == 1 else f"{args.tests} tests"
    print(
        f"{args.rounds} interleaved rounds of: {' '.join(_command(Path('test_trivial.py')))}"
        f" ({what})"
    )
    print("wall time")
    report(wall["baseline"], wall["plugin"])
    print("CPU time (user + system)")
    report(cpu["baseline"], cpu["plugin"])


def report(baseline: list[float], plugin: list[float]) -> None:
    """Min and median of both, what the plugin adds, and the ratio; in milliseconds."""
    rows = {
        "-p no:botocore_harness": (min(baseline), statistics.median(baseline)),
        "with the plugin": (min(plugin), statistics.median(plugin)),
    }
    print(f"{'run':28} {'min ms':>8} {'median ms':>10}")
    for name, (low, middle) in rows.items():
        print(f"{name:28} {low * 1e3:8.0f} {middle * 1e3:10.0f}")
    (base_min, base_median), (with_min, with_median) = rows.values()
    print(
        f"{'added by the plugin':28} {(with_min - base_min) * 1e3:8.0f} "
        f"{(with_median - base_median) * 1e3:10.0f}"
    )
    print(f"{'ratio':28} {with_min / base_min:7.2f}× {with_median / base_median:9.2f}×")
    # Runs side by side in a round share the machine's state: their difference is steadier.
    paired = statistics.median(p - b for p, b in zip(plugin, baseline, strict=True))
    print(f"{'added, median of the rounds':28} {'':8} {paired * 1e3:10.0f}")


if __name__ == "__main__":
    main()
