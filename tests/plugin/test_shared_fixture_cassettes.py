"""A module fixture's cassette is shared by the module's tests: what the plugin says about it.

From a new user's trial: a module fixture making AWS calls is recorded once, in
``<module>/<fixture>.fixture.yaml``, and every test of the module replays on top of it.

- A corrupt fixture cassette is the same one-paragraph error for every test sharing it (the
  tests after the first got ~120 lines of pytest internals ending in
  ``assert not self._finalizers``).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.inner_suite import run_inner

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
