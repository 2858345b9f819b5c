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

``--imports`` times instead what a suite's imports cost (issue 57): each of ``IMPORTS`` in a
fresh interpreter, timed inside it around the import statement (wall and CPU), cold (with
its dependencies) and after what a suite imports anyway (pytest, Hypothesis, boto3: the
harness's own share). ``--against DIR`` runs each also with ``PYTHONPATH=DIR`` (another
checkout's tree, e.g. ``git archive <commit> harness | tar -x -C DIR``), interleaved, and
prints the ratio this checkout / DIR.

Run: ``python bench/bench_startup.py [--rounds 15] [--tests 1]`` (about half a minute);
``python bench/bench_startup.py --imports [--against DIR] [--rounds 9]`` (a few minutes).
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
ROOT = Path(__file__).resolve().parents[1]

#: What a harness-style suite's imports are, each timed in a fresh interpreter.
IMPORTS = (
    "import hypothesis",
    "import harness.strategies",
    "import harness.synthetic",
    "import harness.strategies, harness.synthetic",
    "import harness.plugin",
)
#: Imported first, untimed, for the harness's own share: what any such suite imports anyway.
SUITE_BASE = "import pytest, hypothesis, hypothesis.strategies, boto3, botocore.session"
_TIMED = (
    "import time\n"
    "wall, cpu = time.perf_counter(), time.process_time()\n"
    "{statement}\n"
    "print(time.perf_counter() - wall, time.process_time() - cpu)\n"
)


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


def time_import(statement: str, preload: str, library: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``statement`` in a fresh interpreter whose ``harness`` is the
    one under ``library``, after ``preload`` (untimed)."""
    code = f"{preload}\n{_TIMED.format(statement=statement)}"
    env = _env()
    env["PYTHONPATH"] = str(library)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"{statement} failed under {library}:\n{done.stderr}")
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def imports(rounds: int, against: Path | None) -> None:
    """Min and median of each import, cold and after ``SUITE_BASE``; with ``against``, the
    same under that tree, interleaved, and the ratio of the medians."""
    folder = Path(tempfile.mkdtemp())  # (not the checkout: "" on sys.path would shadow)
    libraries = {"this": ROOT, **({"against": against.resolve()} if against else {})}
    cases = [(s, p) for p in ("", SUITE_BASE) for s in IMPORTS]
    cases.remove(("import hypothesis", SUITE_BASE))  # (imported already)
    for library in libraries.values():
        for statement, preload in cases:  # warm up: bytecode caches, the OS file cache
            time_import(statement, preload, library, folder)
    runs: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for i in range(rounds):
        order = list(libraries) if i % 2 == 0 else list(reversed(libraries))
        for statement, preload in cases:
            for name in order:
                timed = time_import(statement, preload, libraries[name], folder)
                runs.setdefault((statement, preload, name), []).append(timed)
    print(f"{rounds} interleaved rounds, each import in a fresh interpreter; ms (wall / CPU)")
    for name, library in libraries.items():
        print(f"  {name}: PYTHONPATH={library}")
    print(f"{'import':46} {'after':6} {'tree':8} {'min':>11} {'median':>11}")
    for statement, preload in cases:
        medians = {}
        for name in libraries:
            timed = runs[(statement, preload, name)]
            walls, cpus = [w for w, _ in timed], [c for _, c in timed]
            medians[name] = statistics.median(cpus)
            print(
                f"{statement:46} {'suite' if preload else 'cold':6} {name:8} "
                f"{min(walls) * 1e3:5.0f}/{min(cpus) * 1e3:5.0f} "
                f"{statistics.median(walls) * 1e3:5.0f}/{medians[name] * 1e3:5.0f}"
            )
        if against:
            print(
                f"{'':46} {'':6} {'ratio':8} CPU median this/against "
                f"{medians['this'] / medians['against']:.2f}×"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--tests", type=int, default=1, help="trivial tests in the run")
    parser.add_argument("--imports", action="store_true", help="time the imports instead")
    parser.add_argument("--against", type=Path, help="with --imports: another harness tree")
    args = parser.parse_args()
    if args.imports:
        imports(args.rounds, args.against)
        return
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
