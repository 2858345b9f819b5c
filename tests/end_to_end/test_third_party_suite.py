"""bench/third_party_suite.py: moto's own tests recorded against moto server, then replayed.

The end-to-end run is slow and needs an extracted copy of moto's tests (see the script's
docstring); it is skipped, with the reason, where there is none. The miss classifier and the
script's bad-input handling are checked in every run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPT = [sys.executable, str(BENCH / "third_party_suite.py")]
sys.path.insert(0, str(BENCH))
import third_party_suite as suite  # noqa: E402
from third_party_suite_plugin import value_kind  # noqa: E402

#: A small subset: two protocols, tests that make up their own names (uuids) and tests that
#: do not, so that both replay outcomes are exercised.
SUBSET = [
    "tests/test_sqs/test_sqs.py::test_create_queue_with_same_attributes",
    "tests/test_sqs/test_sqs.py::test_get_queue_url",
    "tests/test_sqs/test_sqs.py::test_message_send_with_attributes",
    "tests/test_sns/test_topics.py::test_create_and_delete_topic",
    "tests/test_sns/test_topics.py::test_create_topic_with_tags",
]


def _moto_tests() -> Path:
    try:
        root = suite.find_moto_tests(None)
    except suite.BenchError as exc:
        pytest.skip(f"no extracted copy of moto's test suite: {exc}")
    if importlib.util.find_spec("freezegun") is None:
        pytest.skip("moto's test suite imports freezegun, which is not installed")
    missing = [t for t in SUBSET if not (root / t.split("::")[0]).exists()]
    if missing:
        pytest.skip(f"the moto tests at {root} lack {missing}")
    return root


@pytest.mark.slow
def test_records_live_then_replays_offline_and_reports_figures(tmp_path: Path) -> None:
    root = _moto_tests()
    before = sorted(root.rglob("*.yaml"))
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(BENCH.parent))
    done = subprocess.run(
        [*SCRIPT, "--moto-tests", str(root), "--out", str(out), "--keep", "--tests", *SUBSET],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    work = Path(done.stdout.split("work folder: ", 1)[1].splitlines()[0])
    try:
        _check_figures(root, out, done.stdout, before)
        # the kept cassettes replay again, with no server and no re-recording
        again = subprocess.run(
            [*SCRIPT, "--replay-only", str(work), "--out", str(tmp_path / "again")],
            capture_output=True,
            text=True,
            env=env,
            timeout=1200,
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert "== (live)" not in again.stdout
        replayed = json.loads((tmp_path / "again" / "figures.json").read_text())
        first = json.loads((out / "figures.json").read_text())
        assert replayed["total"] == first["total"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_figures(root: Path, out: Path, stdout: str, before: list[Path]) -> None:
    figures = json.loads((out / "figures.json").read_text())
    total = figures["total"]
    assert total["collected"] == len(SUBSET)
    assert total["live passed"] >= 3, figures  # moto's own tests pass against moto server
    assert 0 <= total.get("replay passed", 0) <= total["live passed"]
    assert set(figures["services"]) == {"sqs", "sns"}
    assert "total" in stdout and "(b) replay" in stdout
    if figures["volatile_available"]:
        assert "--aws-volatile=uuid,hex,alnum,hash,time" in stdout
        assert 0 <= total.get("volatile passed", 0) <= total["live passed"]
    else:
        assert "volatile setting not available" in stdout
    failures = json.loads((out / "failures.json").read_text())
    replay = failures["replay"]
    assert replay["failed"] == total["live passed"] - total.get("replay passed", 0)
    assert sum(group["count"] for group in replay["groups"]) == replay["failed"]
    # the cassettes went to a temporary folder, not into moto's tests
    assert sorted(root.rglob("*.yaml")) == before


def test_generated_values_are_told_from_other_changes() -> None:
    assert (
        value_kind(
            "bucket-3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00",
            "bucket-9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
        )
        == "uuid"
    )
    assert value_kind("3f9a1c", "77b0e2") == "hex"
    assert value_kind("queue-3f9a1c", "queue-77b0e2") == "hex"
    assert value_kind("queue-KqZ7w", "queue-Pm2xR") == "alnum"
    assert value_kind(1764000000, 1764000123) == "time"
    assert value_kind("2026-11-24T10:00:00Z", "2026-11-24T10:05:10Z") == "time"
    assert value_kind("ref-8302113377120", "ref-1209927718823") == "hash"
    assert value_kind("my-queue", "other-queue") == "other value"
    assert value_kind("us-east-1", "us-east-2") == "other value"


def test_no_moto_tests_is_one_paragraph_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [*SCRIPT, "--moto-tests", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "No copy of moto's test suite at" in done.stderr
    assert "git -C MOTO_REPO archive HEAD tests" in done.stderr


def test_unknown_service_is_refused_with_the_choices(tmp_path: Path) -> None:
    (tmp_path / "tests" / "test_sqs").mkdir(parents=True)
    done = subprocess.run(
        [*SCRIPT, "--moto-tests", str(tmp_path), "--services", "sqs,sqq"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Unknown service(s) sqq in --services" in done.stderr
    assert "Traceback" not in done.stderr


def test_replay_only_needs_a_recorded_work_folder(tmp_path: Path) -> None:
    done = subprocess.run([*SCRIPT, "--replay-only", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert f"{tmp_path} is not the work folder of a recorded run" in done.stderr
    assert "Traceback" not in done.stderr
