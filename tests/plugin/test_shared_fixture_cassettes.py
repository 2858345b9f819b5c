"""A module fixture's cassette is shared by the module's tests: what the plugin says about it.

From a new user's trial: a module fixture making AWS calls is recorded once, in
``<module>/<fixture>.fixture.yaml``, and every test of the module replays on top of it.

- Re-recording one test alone records the fixture's cassette anew (new generated names) under
  its siblings' cassettes, which then miss: a miss, a stale-cassette warning and
  ``harness cassette rerecord`` name the whole module, in mode ``all``, and say why.
- A new test recorded with ``once`` runs on a fixture replayed from its cassette, so what the
  fixture created is not on the live server: the failure says so and how to record it.
- A corrupt fixture cassette is the same one-paragraph error for every test sharing it (the
  tests after the first got ~120 lines of pytest internals ending in
  ``assert not self._finalizers``).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import run
from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

SUITE = """
import os
import uuid

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")

pytestmark = pytest.mark.aws_cassette


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session", autouse=True)
def quiet():  # a wide fixture making no AWS call (a moto server's) shares no cassette
    yield


@pytest.fixture(scope="module")
def bucket():
    name = f"notes-{uuid.uuid4().hex[:8]}"
    client("s3").create_bucket(Bucket=name)
    return name


def test_put(bucket):
    client("s3").put_object(Bucket=bucket, Key="a", Body=b"one")


def test_list(bucket):
    client("s3").put_object(Bucket=bucket, Key="b", Body=b"two")
    assert client("s3").list_objects_v2(Bucket=bucket)["KeyCount"] >= 1


def test_get(bucket):
    client("s3").put_object(Bucket=bucket, Key="c", Body=b"three")
    assert client("s3").get_object(Bucket=bucket, Key="c")["Body"].read() == b"three"
"""


def test_a_corrupt_fixture_cassette_is_one_clear_error_for_every_test(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(SUITE)
    folder = tmp_path / "cassettes" / "test_app"
    folder.mkdir(parents=True)
    (folder / "bucket.fixture.yaml").write_text("oops: [\n")
    out = run_inner(tmp_path, "test_app.py")
    assert "3 errors" in out, out
    assert out.count("bucket.fixture.yaml is not valid YAML") >= 3, out
    assert "_finalizers" not in out and "AssertionError" not in out, out
    assert "_pytest" not in out, out


MODULE_COMMAND = "pytest test_app.py --aws-record-mode=all  # the cassette of fixture 'bucket'"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite recorded against moto server (stopped before any replay)."""
    pytest.importorskip("moto.server")
    folder = tmp_path_factory.mktemp("shared")
    (folder / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(folder, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "3 passed" in out, out
    assert (folder / "cassettes" / "test_app" / "bucket.fixture.yaml").exists()
    yield folder


def copy_of(recorded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "suite"
    shutil.copytree(recorded, copy)
    return copy


def test_a_miss_names_the_module_when_a_fixture_cassette_is_shared(
    recorded: Path, tmp_path: Path
) -> None:
    suite = copy_of(recorded, tmp_path)
    app = suite / "test_app.py"
    app.write_text(SUITE.replace('Key="c", Body=b"three"', 'Key="c2", Body=b"three"'))
    out = run_inner(suite, "test_app.py")
    assert "1 failed, 2 passed" in out, out
    assert MODULE_COMMAND in out and "is shared by these tests" in out, out
    assert "test_app.py::test_get --aws-record-mode" not in out, out
    assert "new_episodes" not in out, out  # it cannot work: the fixture would replay

    # the stale-cassette warning of a test on the fixture says the same
    app.write_text(SUITE)
    out = run_inner(suite, "test_app.py::test_put", "--aws-max-age=1")
    assert "1 passed" in out and "StaleCassetteWarning" in out, out
    assert MODULE_COMMAND in out and "test_app.py::test_put --aws" not in out, out

    # a miss in the fixture itself
    app.write_text(SUITE.replace("create_bucket(Bucket=name)", "create_bucket(Bucket=name + 'x')"))
    out = run_inner(suite, "test_app.py::test_put")
    assert "1 error" in out and MODULE_COMMAND in out, out
    assert "test_app.py::test_put --aws" not in out, out


NEW_TEST = """

def test_new(bucket):
    client("s3").put_object(Bucket=bucket, Key="new", Body=b"four")
"""


def test_a_new_test_on_a_replayed_fixture_says_why_it_fails_live(
    recorded: Path, tmp_path: Path
) -> None:
    suite = copy_of(recorded, tmp_path)
    (suite / "test_app.py").write_text(SUITE + NEW_TEST)
    with moto_server() as endpoint:
        out = run_inner(suite, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "1 failed, 3 passed" in out and "NoSuchBucket" in out, out
    assert "the fixture 'bucket' was replayed from cassettes/test_app/bucket.fixture.yaml" in out
    assert "does not exist on the live server" in out, out
    assert MODULE_COMMAND in out, out
    # re-recording the module as told records it all, and it replays
    with moto_server() as endpoint:
        out = run_inner(suite, "test_app.py", "--aws-record-mode=all", MOTO_ENDPOINT=endpoint)
    assert "4 passed" in out, out
    out = run_inner(suite, "test_app.py")
    assert "4 passed" in out, out


def test_harness_cassette_rerecord_names_the_module(recorded: Path, tmp_path: Path) -> None:
    """``harness cassette rerecord`` of a test's cassette on a fixture's: the module."""
    suite = copy_of(recorded, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    done = subprocess.run(  # (pytest's cache on: it holds the run's usage record)
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "test_app.py"],
        cwd=suite, env={**env, "HOME": str(suite)}, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert "3 passed" in done.stdout, done.stdout + done.stderr
    out, err = io.StringIO(), io.StringIO()
    cassette = suite / "cassettes" / "test_app" / "test_get.yaml"
    cache = suite / ".pytest_cache"
    code = run(["cassette", "rerecord", str(cassette), "--cache-dir", str(cache)], out, err)
    assert code == 0, err.getvalue()
    assert MODULE_COMMAND in out.getvalue(), out.getvalue()
    assert "test_app.py::test_get" not in out.getvalue(), out.getvalue()
    out = io.StringIO()
    args = ["cassette", "rerecord", str(cassette), "--cache-dir", str(cache), "--mode", "once"]
    assert run(args, out, err) == 0, err.getvalue()
    assert MODULE_COMMAND in out.getvalue() and "not --mode once" in out.getvalue()
    # the fixture's own cassette (the usage record keeps the tests' cassettes): the same
    fixture_cassette = suite / "cassettes" / "test_app" / "bucket.fixture.yaml"
    out, err = io.StringIO(), io.StringIO()
    args = ["cassette", "rerecord", str(fixture_cassette), "--cache-dir", str(cache)]
    assert run(args, out, err) == 0, err.getvalue()
    assert MODULE_COMMAND in out.getvalue(), out.getvalue()
    # prune leaves it whole, and says so and what to do instead
    before = fixture_cassette.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    args = ["cassette", "prune", str(fixture_cassette), "--cache-dir", str(cache)]
    assert run(args, out, err) != 0
    assert "wide fixture" in err.getvalue() and "rerecord" in err.getvalue(), err.getvalue()
    assert fixture_cassette.read_bytes() == before
