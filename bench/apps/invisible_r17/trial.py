"""The trial (r16's, for invisible_r17): record the suite against moto server, then
replay it in several ways.

    python trial.py                      # record, check each test alone live, replay 5 ways
    python trial.py --replay-only        # replay the cassettes and observations already here
    python trial.py --endpoint-in-replay # replay with AWS_ENDPOINT_URL on a loopback port
    python trial.py --no-alone           # record and replay, without each test alone live
    python trial.py --replay-only --modes 1,2,5   # only some replays (1 as is ... 6 once mixed)
    python trial.py --record-only        # record and run each test alone live; no replay
    python trial.py --replay-only --modes 6       # mode 6: record mode `once` mixed

Mode 6 (`once` mixed) deletes the cassettes and observations of a third of the tests
(random.Random(16)) and runs the whole suite with `--aws-record-mode=once`: those record
against moto in the same session in which the others replay. It re-records that third, so
it runs last.

Cassettes are grepped for the suite's sentinel secrets (SENTINELS) after recording.
A skip counts as not passing.

Each test writes down what it saw while recording (tests/observations/) and compares it
while replaying; the denominators are the tests that pass live on their own. Every figure
is given for the fix half and the held-out half (held_out.txt, drawn with a recorded seed
before any replay ran); the held-out half also replays on its own.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    out.update(extra)
    return out


def pytest(*args: str, **extra: str) -> str:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *args,
    ]
    done = subprocess.run(cmd, cwd=HERE, env=env(**extra), capture_output=True, text=True)
    return done.stdout + done.stderr


def summary(out: str) -> tuple[int, int, list[str]]:
    last = [line for line in out.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", last[-1] if last else ""))
    failed = sorted(
        {line.split()[1] for line in out.splitlines() if line.startswith(("FAILED ", "ERROR "))}
    )
    return passed, len(failed), failed


def halves(ran: list[str], failed: list[str]) -> str:
    """`fix p/n, held-out p/n` over the tests `ran`, and the fix half's failures by name
    (the held-out half's are not named: they are not studied while fixing)."""
    out = []
    for label, half in (("fix", False), ("held-out", True)):
        mine = [n for n in ran if (n in HELD_OUT) == half]
        bad = [n for n in mine if n in failed]
        out.append(f"{label} {len(mine) - len(bad)} of {len(mine)}")
    named = [n for n in failed if n not in HELD_OUT]
    return ", ".join(out) + "".join(f"\n  {n}" for n in named)


SENTINELS = (
    b"SENTINELr17",
    b"SENTINELR17",
    # the SSE-C key as its header carries it (base64)
    b"U0VOVElORUxyMTctc3NlYy1r",
)
HELD_OUT = {
    line.strip()
    for line in (
        (HERE / "held_out.txt").read_text() if (HERE / "held_out.txt").exists() else ""
    ).splitlines()
    if line.strip() and not line.startswith("#")
}
# sentinel AWS-shaped keys in the environment while recording (grepped in the cassettes)
LIVE = {
    "AWS_ACCESS_KEY_ID": "AKIASENTINELR17KEY01",
    "AWS_SECRET_ACCESS_KEY": "SENTINELr17SecretAccessKey/wJalrXUtnFEMIK7MDENG",
}


def cassette_of(node: str) -> list[Path]:
    # a parametrized test's cassette is named `test-param` (`test[param]` in its id)
    test = re.sub(r"\[(.*)\]$", r"-\1", node.split("::")[-1])
    return [p for p in (HERE / "cassettes").rglob("*") if p.is_file() and p.stem == test]


def mixed_once(ids: list[str]) -> tuple[list[str], list[str], str]:
    """Delete a third of the tests' cassettes and observations, then run all with `once`."""
    fresh = sorted(random.Random(16).sample(ids, len(ids) // 3))
    for node in fresh:
        for path in cassette_of(node):
            path.unlink()
        obs = HERE / "tests" / "observations" / (re.sub(r"[^A-Za-z0-9_.-]+", "_", node) + ".json")
        obs.unlink(missing_ok=True)
    replayed = [n for n in ids if n not in fresh]
    return replayed, fresh, pytest("--aws-record-mode=once", **LIVE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replay-only", action="store_true")
    parser.add_argument("--endpoint-in-replay", action="store_true")
    parser.add_argument("--no-alone", action="store_true", help="skip running each test alone")
    parser.add_argument("--record-only", action="store_true", help="no replay")
    parser.add_argument("--modes", default="", help="replay only these modes (comma list of 1-6)")
    args = parser.parse_args()
    ids = [line for line in pytest("--co").splitlines() if "::" in line]
    if not args.replay_only:
        shutil.rmtree(HERE / "cassettes", ignore_errors=True)
        shutil.rmtree(HERE / "tests" / "observations", ignore_errors=True)
        print("record:", summary(pytest("--aws-record-mode=once", **LIVE))[:2])
    if not args.replay_only and not args.no_alone:
        with tempfile.TemporaryDirectory() as scratch:

            def alone(node: str) -> tuple[str, bool]:
                where = Path(scratch) / re.sub(r"\W+", "_", node)
                out = pytest(
                    node,
                    "--aws-record-mode=all",
                    "-o",
                    f"aws_cassette_dir={where}",
                    DEPOT_OBSERVATIONS=str(where / "obs"),
                    **LIVE,
                )
                return node, summary(out)[:2] == (1, 0)

            with ThreadPoolExecutor(3) as pool:
                results = dict(pool.map(alone, ids))
        live = [n for n in ids if results[n]]
        print(f"pass live alone: {len(live)} of {len(ids)}", [n for n in ids if not results[n]])
    if args.record_only:
        return
    extra: dict[str, str] = {}
    if args.endpoint_in_replay:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            extra["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{probe.getsockname()[1]}"
    shuffled = ids[:]
    random.Random(9).shuffle(shuffled)
    held = [n for n in ids if n in HELD_OUT]
    plans = {
        "as is": (ids, ()),
        "reversed": (ids, tuple(reversed(ids))),
        "shuffled (seed 9)": (ids, tuple(shuffled)),
        "-n 2": (ids, ("-n", "2")),
        "held-out alone": (held, tuple(held)),
    }
    chosen = {int(n) for n in args.modes.split(",") if n} or set(range(1, 7))
    modes = {
        mode: (ran, pytest(*argv, **extra))
        for number, (mode, (ran, argv)) in enumerate(plans.items(), 1)
        if number in chosen
    }
    if 6 in chosen:
        replayed, fresh, out = mixed_once(ids)
        _, _, names = summary(out)
        print(
            f"once mixed: {len(fresh)} recorded in the run, {len(set(fresh) & set(names))} failed"
        )
        modes["once mixed (replayed tests)"] = (replayed, out)
    leaked = [
        str(path.relative_to(HERE))
        for path in (HERE / "cassettes").rglob("*")
        if path.is_file() and any(s in path.read_bytes() for s in SENTINELS)
    ]
    print("cassettes holding a sentinel secret:", leaked or "none")
    for mode, (ran, out) in modes.items():
        _passed, _, names = summary(out)
        ok = len([n for n in ran if n not in names])
        print(f"replay {mode}: {ok} of {len(ran)}; {halves(ran, names)}")


if __name__ == "__main__":
    main()
