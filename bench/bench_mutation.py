"""Mutation benchmark (issue 57): does a suite written with the harness's Hypothesis face catch
more bugs than the same suite written by hand with botocore's Stubber, and at what cost?

``bench/mutation/insights_lib.py`` is a small downstream library over the seven first-class
operations; ``bench/mutation/mutants.py`` lists realistic one-edit bugs of it, split before
either suite was written into a ``dev`` half (the suites were tuned looking only at it) and a
``held-out`` half. ``bench/mutation/suites/harness_style`` and ``.../stubber_style`` test
the library, the same number of tests each.

The runner

1. runs both suites on the correct library ``--rounds`` times, interleaved (each round runs
   both, in alternating order), each run a ``pytest -q -p no:cacheprovider`` subprocess; every
   run must pass (a flaky suite is an error) and its wall time is kept;
2. runs both suites on each mutant (written to a temporary copy, loaded through
   ``$INSIGHTS_LIB``), stopping at the first failure (``-x``): a mutant is *killed* by a
   suite when that suite fails;
3. prints the kills per half and the run times (min and median) with the ratio
   harness/Stubber.

The harness-style suite loads the ``aws-ci`` Hypothesis profile (``derandomize``, no
database): the same examples on every run. The Stubber suite runs without the harness's
pytest plugin (``-p no:botocore_harness``), as a project without the harness would, so it
pays none of its start-up. ``PYTHONDONTWRITEBYTECODE`` is dropped from the runs' environment,
so that bytecode caches work as on a developer's machine or CI, and each suite runs once
untimed first (writing them). The harness is imported as a user has it, installed: a copy
of ``harness/`` under a ``site-packages`` folder, first on the path. From a checkout,
Hypothesis counts its ~70 modules as the project's own, reads their constants at the first
draw (~0.08 s a run) and mixes them into every draw, so that any edit of harness source
moved the suites' examples; a suite that installed the harness with pip sees none of that.

Run: ``python bench/bench_mutation.py [--rounds 5] [--jobs 2]
[--half dev|held-out|all|held-out-2|held-out-3|held-out-4|held-out-5|held-out-6|held-out-7|
held-out-8|held-out-9|held-out-10|held-out-11|held-out-12|held-out-13|held-out-14|
held-out-15|held-out-16|held-out-17]``.
``held-out-2`` runs only the second batch of mutants (``ROUND2``), ``held-out-3`` only the
third (``mutants_round3.ROUND3``), ``held-out-4`` only the fourth (``mutants_round4.ROUND4``),
``held-out-5`` only the fifth (``mutants_round5.ROUND5``), ``held-out-6`` only the sixth
(``mutants_round6.ROUND6``), ``held-out-7`` only the seventh (``mutants_round7.ROUND7``),
``held-out-8`` only the eighth (``mutants_round8.ROUND8``), ``held-out-9`` only the ninth
(``mutants_round9.ROUND9``), ``held-out-10`` only the tenth (``mutants_round10.ROUND10``),
``held-out-11`` only the eleventh (``mutants_round11.ROUND11``), ``held-out-12`` only the
twelfth (``mutants_round12.ROUND12``), ``held-out-13`` only the thirteenth
(``mutants_round13.ROUND13``), ``held-out-14`` only the fourteenth
(``mutants_round14.ROUND14``), ``held-out-15`` only the fifteenth
(``mutants_round15.ROUND15``), ``held-out-16`` only the sixteenth
(``mutants_round16.ROUND16``), ``held-out-17`` only the seventeenth
(``mutants_round17.ROUND17``), each written without reading either suite; ``all`` stays the
first batch.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mutation import mutants as M  # noqa: E402
from bench.mutation import mutants_round3 as M3  # noqa: E402
from bench.mutation import mutants_round4 as M4  # noqa: E402
from bench.mutation import mutants_round5 as M5  # noqa: E402
from bench.mutation import mutants_round6 as M6  # noqa: E402
from bench.mutation import mutants_round7 as M7  # noqa: E402
from bench.mutation import mutants_round8 as M8  # noqa: E402
from bench.mutation import mutants_round9 as M9  # noqa: E402
from bench.mutation import mutants_round10 as M10  # noqa: E402
from bench.mutation import mutants_round11 as M11  # noqa: E402
from bench.mutation import mutants_round12 as M12  # noqa: E402
from bench.mutation import mutants_round13 as M13  # noqa: E402
from bench.mutation import mutants_round14 as M14  # noqa: E402
from bench.mutation import mutants_round15 as M15  # noqa: E402
from bench.mutation import mutants_round16 as M16  # noqa: E402
from bench.mutation import mutants_round17 as M17  # noqa: E402

SUITES_DIR = ROOT / "bench" / "mutation" / "suites"
SUITES = {
    "harness": ["harness_style"],
    "stubber": ["stubber_style", "-p", "no:botocore_harness"],
}
LABELS = {
    "harness": "harness strategies + synthetic + contracts",
    "stubber": "botocore Stubber, hand-written pages",
}


_INSTALLED: list[Path] = []


def installed_harness() -> Path:
    """A ``site-packages`` folder holding a copy of ``harness/`` (made once a run)."""
    if not _INSTALLED:
        top = tempfile.mkdtemp(prefix="harness-installed-")
        atexit.register(shutil.rmtree, top, ignore_errors=True)
        folder = Path(top) / "site-packages"
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / "harness", folder / "harness", ignore=ignore)
        _INSTALLED.append(folder)
    return _INSTALLED[0]


def environment(library: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    paths = [str(installed_harness()), str(ROOT), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    if library is None:
        env.pop("INSIGHTS_LIB", None)
    else:
        env["INSIGHTS_LIB"] = str(library)
    for name in list(env):
        if name.startswith("AWS_") or name.startswith("HYPOTHESIS"):
            del env[name]
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def run_suite(
    suite: str, library: Path | None, *, first_failure: bool = False, timeout: float = 600
) -> tuple[bool, float, str]:
    """(passed, wall seconds, output tail) of one pytest run of ``suite``."""
    command = [sys.executable, "-m", "pytest", *SUITES[suite], "-q", "-p", "no:cacheprovider"]
    if first_failure:
        command.append("-x")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=SUITES_DIR,
            env=environment(library),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - started, "timed out"
    elapsed = time.perf_counter() - started
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return done.returncode == 0, elapsed, tail


def time_correct(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in SUITES}
    for suite in SUITES:  # untimed: writes the bytecode caches
        run_suite(suite, None)
    for number in range(rounds):
        order = list(SUITES) if number % 2 == 0 else list(reversed(SUITES))
        for suite in order:
            passed, seconds, tail = run_suite(suite, None)
            if not passed:
                raise SystemExit(
                    f"the {suite} suite fails on the correct library (round {number + 1}):\n{tail}"
                )
            times[suite].append(seconds)
        print(
            f"round {number + 1}: " + ", ".join(f"{s} {times[s][-1]:.2f} s" for s in SUITES),
            file=sys.stderr,
        )
    return times


def run_mutants(chosen: list[M.Mutant], jobs: int) -> dict[str, dict[str, bool]]:
    """{mutant name: {suite: killed}}."""
    folder = Path(tempfile.mkdtemp(prefix="insights-mutants-"))
    text = M.source()
    paths = {}
    for mutant in chosen:
        path = folder / mutant.name / "insights_lib.py"
        path.parent.mkdir()
        path.write_text(M.apply(mutant, text))
        paths[mutant.name] = path

    def one(job: tuple[str, str]) -> tuple[str, str, bool]:
        name, suite = job
        passed, _, _ = run_suite(suite, paths[name], first_failure=True, timeout=300)
        return name, suite, not passed

    results: dict[str, dict[str, bool]] = {m.name: {} for m in chosen}
    jobs_list = [(m.name, suite) for m in chosen for suite in SUITES]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, suite, killed in pool.map(one, jobs_list):
            results[name][suite] = killed
            print(f"{name:40} {suite:8} {'killed' if killed else 'SURVIVED'}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (default 5)")
    parser.add_argument("--jobs", type=int, default=2, help="mutant runs at once (default 2)")
    parser.add_argument(
        "--half",
        choices=(
            "dev",
            "held-out",
            "all",
            "held-out-2",
            "held-out-3",
            "held-out-4",
            "held-out-5",
            "held-out-6",
            "held-out-7",
            "held-out-8",
            "held-out-9",
            "held-out-10",
            "held-out-11",
            "held-out-12",
            "held-out-13",
            "held-out-14",
            "held-out-15",
            "held-out-16",
            "held-out-17",
        ),
        default="all",
        help="which mutants: the first batch's dev or held-out half, all of it (default), "
        "or the second, third, fourth, fifth, sixth, seventh, eighth, ninth, tenth, eleventh, "
        "twelfth, thirteenth, fourteenth, fifteenth, sixteenth or seventeenth batch "
        "(held-out-2, held-out-3, held-out-4, held-out-5, held-out-6, held-out-7, held-out-8, "
        "held-out-9, held-out-10, held-out-11, held-out-12, held-out-13, held-out-14, "
        "held-out-15, held-out-16, held-out-17: written without reading the suites)",
    )
    args = parser.parse_args()

    dev, held_out = M.split()
    round2 = M.held_out_2()
    round3 = M3.held_out_3()
    round4 = M4.held_out_4()
    round5 = M5.held_out_5()
    round6 = M6.held_out_6()
    round7 = M7.held_out_7()
    round8 = M8.held_out_8()
    round9 = M9.held_out_9()
    round10 = M10.held_out_10()
    round11 = M11.held_out_11()
    round12 = M12.held_out_12()
    round13 = M13.held_out_13()
    round14 = M14.held_out_14()
    round15 = M15.held_out_15()
    round16 = M16.held_out_16()
    round17 = M17.held_out_17()
    halves = {
        "dev": dev,
        "held-out": held_out,
        "held-out-2": round2,
        "held-out-3": round3,
        "held-out-4": round4,
        "held-out-5": round5,
        "held-out-6": round6,
        "held-out-7": round7,
        "held-out-8": round8,
        "held-out-9": round9,
        "held-out-10": round10,
        "held-out-11": round11,
        "held-out-12": round12,
        "held-out-13": round13,
        "held-out-14": round14,
        "held-out-15": round15,
        "held-out-16": round16,
        "held-out-17": round17,
    }
    chosen = dev + held_out if args.half == "all" else halves[args.half]
    for mutant in (
        M.MUTANTS
        + round2
        + round3
        + round4
        + round5
        + round6
        + round7
        + round8
        + round9
        + round10
        + round11
        + round12
        + round13
        + round14
        + round15
        + round16
        + round17
    ):
        M.apply(mutant)  # each applies exactly once

    times = time_correct(args.rounds)
    results = run_mutants(chosen, args.jobs)

    print(
        f"\nMutation benchmark: {len(M.MUTANTS)} mutants ({len(dev)} dev, {len(held_out)} held-out)"
        + (
            {
                "held-out-2": f"; running the {len(round2)} of round 2 (held-out-2)",
                "held-out-3": f"; running the {len(round3)} of round 3 (held-out-3)",
                "held-out-4": f"; running the {len(round4)} of round 4 (held-out-4)",
                "held-out-5": f"; running the {len(round5)} of round 5 (held-out-5)",
                "held-out-6": f"; running the {len(round6)} of round 6 (held-out-6)",
                "held-out-7": f"; running the {len(round7)} of round 7 (held-out-7)",
                "held-out-8": f"; running the {len(round8)} of round 8 (held-out-8)",
                "held-out-9": f"; running the {len(round9)} of round 9 (held-out-9)",
                "held-out-10": f"; running the {len(round10)} of round 10 (held-out-10)",
                "held-out-11": f"; running the {len(round11)} of round 11 (held-out-11)",
                "held-out-12": f"; running the {len(round12)} of round 12 (held-out-12)",
                "held-out-13": f"; running the {len(round13)} of round 13 (held-out-13)",
                "held-out-14": f"; running the {len(round14)} of round 14 (held-out-14)",
                "held-out-15": f"; running the {len(round15)} of round 15 (held-out-15)",
                "held-out-16": f"; running the {len(round16)} of round 16 (held-out-16)",
                "held-out-17": f"; running the {len(round17)} of round 17 (held-out-17)",
            }.get(args.half, "")
        )
    )
    print("\n| mutant | half | harness | Stubber |")
    print("|---|---|---|---|")
    for mutant in chosen:
        half = next(label for label, group in halves.items() if mutant in group)
        marks = ["killed" if results[mutant.name][s] else "**survived**" for s in SUITES]
        print(f"| {mutant.name} | {half} | {marks[0]} | {marks[1]} |")

    def killed(suite: str, group: list[M.Mutant]) -> str:
        inside = [m for m in group if m in chosen]
        if not inside:
            return "-"
        count = sum(results[m.name][suite] for m in inside)
        return f"{count}/{len(inside)}"

    best = {s: min(times[s]) for s in SUITES}
    median = {s: statistics.median(times[s]) for s in SUITES}
    print(
        f"\n| suite | killed dev | killed held-out | killed total | run time, correct library "
        f"(min / median of {args.rounds}) | ratio harness/Stubber |"
    )
    print("|---|---|---|---|---|---|")
    for suite in SUITES:
        ratio = (
            f"{best['harness'] / best['stubber']:.2f}x / "
            f"{median['harness'] / median['stubber']:.2f}x"
            if suite == "harness"
            else "1.00x"
        )
        print(
            f"| {LABELS[suite]} | {killed(suite, dev)} | {killed(suite, held_out)} | "
            f"{killed(suite, chosen)} | {best[suite]:.2f} s / {median[suite]:.2f} s | {ratio} |"
        )


if __name__ == "__main__":
    main()
