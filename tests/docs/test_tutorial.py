"""The tutorial (docs/tutorial.md) works as written: its files are written and its commands
run, in order, in a fresh folder, against ``harness serve`` and moto server started on
127.0.0.1 by the tutorial's own commands and stopped by them (or at the end, whatever
happens). Only the install step is left out: the harness is already installed here."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial.md"
BLOCK = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```$', re.M | re.S)
#: Commands the tutorial names, run by this Python (the harness of this checkout).
COMMANDS = {"harness": "harness", "pytest": "pytest", "moto_server": "moto.server"}
#: The tutorial's ports, replaced by free ones (another job may hold 8080 or 5000).
PORTS = ("8080", "5000")
#: How long the stand-ins may take to accept connections (bounded: then the test fails).
READY_SECONDS = 60


def blocks() -> list[tuple[str, str | None, str]]:
    return [(m[1], m[2], m[3]) for m in BLOCK.finditer(TUTORIAL.read_text())]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    found = blocks()
    files = [(title, body) for kind, title, body in found if kind == "python" and title]
    commands = [body for kind, _, body in found if kind == "bash"]
    assert {title for title, _ in files} == {"app.py", "test_app.py"}
    install, *steps = commands
    assert "pip install" in install  # (left out: this checkout is installed already)
    for title, body in files:
        (tmp_path / title).write_text(body)
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    for name, module in COMMANDS.items():
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {module} "$@"\n')
        wrapper.chmod(0o755)
    ports = {port: str(free_port()) for port in PORTS}
    for old, new in ports.items():
        steps = [step.replace(old, new) for step in steps]
    # after the step that starts the stand-ins, wait until both accept connections
    wait = (
        f'"{sys.executable}" -c "import socket, sys, time\n'
        f"deadline = time.monotonic() + {READY_SECONDS}\n"
        f"for port in sys.argv[1:]:\n"
        f"    while socket.socket().connect_ex(('127.0.0.1', int(port))):\n"
        f"        assert time.monotonic() < deadline, f'nothing listens on {{port}}'\n"
        f'        time.sleep(0.2)" {" ".join(ports.values())}\n'
    )
    start = next(i for i, step in enumerate(steps) if " &" in step)
    lines = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"]
    for i, step in enumerate(steps):
        lines.append(step)
        if i == start:
            lines.append(wait)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env['PATH']}",
        PYTHONPATH=str(REPO),
        HOME=str(tmp_path),  # (no ~/.aws of this machine's)
    )
    done = subprocess.run(
        ["bash", "-c", "\n".join(lines)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert out.count("1 passed") == 2, out  # recorded, then replayed offline
    assert "test_report_is_saved.yaml" in out
    assert "OK: 4 interaction(s) in 1 cassette(s)" in out, out
    assert "No secrets found in 1 file(s)." in out
    cassette = (tmp_path / "cassettes/test_app/test_report_is_saved.yaml").read_text()
    assert "xray" in cassette and "s3" in cassette and "Credential=" not in cassette
