"""A parametrized id that holds a secret never names a file (round 9's held-out leak).

pytest makes a test's id from its parameters, and the harness names a cassette after the id,
so ``@pytest.mark.parametrize("token", [os.environ["DEPLOY_TOKEN"]])`` once wrote
``test_x-<the token>.yaml`` and listed the id in the run's usage record. A real inner suite
is recorded through the plugin against moto server and replayed with the server down; its
ids hold the value of an environment variable named like a secret, and an access key id.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import harness
from tests.support.moto_server import moto_server

TOKEN = "sntlWithheldDeployToken0001"
KEY_ID = "AKIASNTLWITHHELD0001"

SUITE = """
import os
import re
import boto3
import pytest


@pytest.mark.aws_cassette
@pytest.mark.parametrize("name", [os.environ["DEPLOY_TOKEN"], "plain", os.environ["KEY_ID"]])
@pytest.mark.parametrize("region", ["us-east-1"])
def test_queue(name, region):
    sqs = boto3.client("sqs", endpoint_url=os.environ["MOTO_ENDPOINT"], region_name=region)
    url = sqs.create_queue(QueueName="q" + str(len(name)))["QueueUrl"]
    assert url.endswith("/q" + str(len(name)))
"""


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def test_a_secret_in_a_parametrized_id_names_no_file(tmp_path: Path, moto_endpoint: str) -> None:
    (tmp_path / "test_app.py").write_text(SUITE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_"))}
    root = str(Path(harness.__file__).resolve().parent.parent)
    env.update(
        PYTHONPATH=os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])]),
        DEPLOY_TOKEN=TOKEN,
        KEY_ID=KEY_ID,
        MOTO_ENDPOINT=moto_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )

    def pytest_run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return done.stdout + done.stderr

    out = pytest_run("--aws-record-mode=once")
    assert "3 passed" in out, out
    names = sorted(p.name for p in (tmp_path / "cassettes").rglob("*.yaml"))
    # an id holding a secret is named by a digest; an id without one keeps its name
    assert len(names) == 3 and names[0] == "test_queue-us-east-1-plain.yaml", names
    assert all(re.fullmatch(r"test_queue-withheld-[0-9a-f]{16}\.yaml", n) for n in names[1:])
    usage = b"".join(p.read_bytes() for p in (tmp_path / ".pytest_cache").rglob("used"))
    assert b"test_app.py::test_queue" in usage
    assert TOKEN.encode() not in usage and KEY_ID.encode() not in usage

    env["MOTO_ENDPOINT"] = "http://127.0.0.1:9"  # down: replay must not need it
    out = pytest_run("--aws-record-mode=none")
    assert "3 passed" in out, out
    for path in (tmp_path / "cassettes").rglob("*"):
        assert TOKEN not in str(path) and KEY_ID not in str(path)
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path

    # a cassette recorded before ids were withheld (named after the raw id) is still
    # replayed, with a warning that names neither the id nor the file itself
    from harness.plugin.cassette_paths import _withheld

    for raw in (TOKEN, KEY_ID):
        digest = _withheld(f"test_queue[us-east-1-{raw}]")
        new = next((tmp_path / "cassettes").rglob(f"test_queue-withheld-{digest}.yaml"))
        new.rename(new.with_name(f"test_queue-us-east-1-{raw}.yaml"))
    out = pytest_run("--aws-record-mode=none", "-W", "always")
    assert "3 passed" in out, out
    said = [line for line in out.splitlines() if "replays a cassette named after" in line]
    assert len(said) == 2, out
    # (pytest heads the warnings with the test's own id: its output, not the harness's)
    assert not any(TOKEN in line or KEY_ID in line for line in said), said
