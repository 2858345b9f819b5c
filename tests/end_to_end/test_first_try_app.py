"""An application of our own replays on the first try (issue 43): recorded once against moto
server with no harness settings, then replayed in a fresh clone with no settings, no server
and no credentials, every test passes.

The application (``iot_fleet_app/``: an IoT device fleet onboarding service and its 35
tests) is written the way a team writes one: names made up per run (uuid4, random hex
suffixes, serial numbers, ``strftime`` stamps, a CI build stamp), presigned S3 URLs fetched
with ``urllib`` and ``http.client``, S3 SHA-256 and CRC32 checksums on random firmware
images (one over 64 KiB), a SecureString read from Parameter Store when the service starts,
service-generated credentials (IoT private keys and certificates, STS AssumeRole, Cognito
Identity), and fixtures of session, module and function scope that create resources. The
outer run does not collect it (``conftest.py``'s ``collect_ignore``): this test runs it
in a copy, as its own project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")
pytest.importorskip("cryptography")

APP = Path(__file__).resolve().parent / "iot_fleet_app"
#: what a clone of the application's repository holds (caches are not committed)
NOT_COMMITTED = shutil.ignore_patterns("__pycache__", ".pytest_cache", "home", "*.xml")


def _pytest(folder: Path, report: Path, *args: str, **env_extra: str) -> str:
    """``pytest`` in ``folder`` as the application's developers run it, with no AWS
    configuration of this machine (no AWS_* variables, an empty home, no metadata
    service), plus ``env_extra``; the outcome of each test goes to ``report``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    home = folder.parent / f"{folder.name}-home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), **env_extra)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:randomly",
         f"--junitxml={report}", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    return done.stdout + done.stderr


def _outcomes(report: Path) -> dict[str, str]:
    """test id -> passed, failed, error or skipped, from a JUnit XML report (a test that
    passed and then failed in its teardown is not passed)."""
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        tags = {child.tag for child in case} & {"failure", "error", "skipped"}
        outcome = "failed" if "failure" in tags else next(iter(sorted(tags)), "passed")
        if outcomes.get(test_id, "passed") == "passed":
            outcomes[test_id] = outcome
    return outcomes


@pytest.mark.slow
def test_an_app_recorded_against_moto_replays_on_the_first_try(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(APP, project, ignore=NOT_COMMITTED)
    assert not list(project.rglob("*.yaml")), "the application comes without cassettes"

    # 1. record: moto server up, pointed at by AWS_ENDPOINT_URL (the moto recipe), and
    #    any credentials (moto takes any); no harness setting but the record mode
    started = time.perf_counter()
    with moto_server() as endpoint:
        live = _pytest(
            project,
            tmp_path / "live.xml",
            "--aws-record-mode=once",
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
        )
    recorded_in = time.perf_counter() - started
    live_outcomes = _outcomes(tmp_path / "live.xml")
    live_passed = sorted(t for t, o in live_outcomes.items() if o == "passed")
    assert len(live_outcomes) >= 30, live
    assert len(live_passed) == len(live_outcomes), live  # the suite passes against moto

    # 2. a fresh clone: the application and its cassettes, nothing else
    clone = tmp_path / "clone"
    shutil.copytree(project, clone, ignore=NOT_COMMITTED)
    cassettes = sorted(clone.rglob("*.yaml"))
    assert cassettes

    # 3. replay there: no server, no settings, no credentials
    started = time.perf_counter()
    replay = _pytest(clone, tmp_path / "replay.xml")
    replayed_in = time.perf_counter() - started
    replay_outcomes = _outcomes(tmp_path / "replay.xml")
    replay_passed = sorted(t for t, o in replay_outcomes.items() if o == "passed")
    print(
        f"\n{len(live_outcomes)} tests: {len(live_passed)} passed live ({recorded_in:.1f} s), "
        f"{len(replay_passed)} passed in the fresh clone's replay ({replayed_in:.1f} s), "
        f"{len(cassettes)} cassettes"
    )
    assert set(replay_outcomes) == set(live_outcomes), replay
    failed = sorted(t for t, o in replay_outcomes.items() if o != "passed")
    assert not failed, f"{len(failed)} test(s) failed in replay: {failed}\n{replay}"
    # nothing of the replay went to the network: a miss or a blocked connection fails a test
    assert "CassetteMiss" not in replay and "NetworkBlocked" not in replay, replay
