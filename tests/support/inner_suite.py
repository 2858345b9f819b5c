"""Run an inner pytest suite in a child process, as a user's own suite runs.

The child sees no AWS configuration of this machine (no credentials, profiles or instance
metadata), so a replay that reached for AWS would fail instead of finding something.

No inner suite run here uses Hypothesis, and the harness's plugin has no tie to it: the
child runs without Hypothesis's pytest plugin (``-p no:hypothesispytest``, as
``tests/support/lab.py`` and the sentinel suites run theirs), whose import alone was about
a third of a small inner run's CPU time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_inner(folder: Path, *args: str, timeout: float = 240, **env_extra: str) -> str:
    """``pytest -q`` in ``folder`` with ``args``; its output, stdout then stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        HOME=str(folder / "home"),
        AWS_CONFIG_FILE=str(folder / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        **env_extra,
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEw", "-p", "no:randomly",
         "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )  # fmt: skip
    return done.stdout + done.stderr
