"""Replay each fix-half test alone, in its own pytest session, two at a time (the cassettes
and observations already here): `python replay_alone.py [pytest options...]`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env["PYTHONPATH"] = str(REPO)
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    listed = subprocess.run([*base, "--co"], cwd=HERE, env=env, capture_output=True, text=True)
    ids = [line for line in listed.stdout.splitlines() if "::" in line]
    held = {line.strip() for line in (HERE / "held_out.txt").read_text().splitlines()}
    mine = [n for n in ids if n not in held]

    def one(node: str) -> tuple[str, bool, str]:
        out = subprocess.run(
            [*base, node, *sys.argv[1:]], cwd=HERE, env=env, capture_output=True, text=True
        ).stdout
        last = out.strip().splitlines()[-1] if out.strip() else ""
        return node, bool(re.search(r"\b1 passed", last)) and "failed" not in last, out

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, mine))
    bad = [r for r in results if not r[1]]
    print(f"fix half, each alone: {len(results) - len(bad)} of {len(results)}")
    for node, _, out in bad:
        print("FAILED", node, out[-2000:], sep="\n")


if __name__ == "__main__":
    main()
