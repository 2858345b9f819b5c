"""Replay never serves wrong data and covers every call a suite makes, fixtures included.

An inner suite is recorded against moto server on loopback with only a module marker, then
replayed with moto stopped: the whole module, each test alone, in reverse order, and under
``-n 2``. It holds what a record/replay tool gets wrong most easily:

- fixtures of session, package-free module and class scope that create the state the tests
  read (a table, a bucket, an object per class) before any test's cassette opens;
- two classes with a method of the same name sending identical requests that the service
  answers differently (each class's fixture stored other bytes under the same key);
- an S3 object stored gzip-encoded (``ContentEncoding="gzip"`` is object metadata): the
  test sees the stored bytes and headers, while recording and in replay;
- a parametrized id longer than a file name may be;
- test doubles at botocore's transport (``Endpoint.make_request``, ``URLLib3Session.send``,
  urllib3's ``urlopen``) counting calls and injecting a connection failure botocore retries:
  they see every call in replay as while recording;
- a creation time the server stamped, which the recorded replay clock must not run behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

SUITE = """
import datetime as dt
import gzip
import os

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
GZIPPED = gzip.compress(b'{"greeting": "hello"}' * 20, mtime=1_700_000_000)

pytestmark = pytest.mark.aws_cassette


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def table():
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="sessions",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="sessions", Item={"id": {"S": "seed"}, "v": {"S": "from-session"}})
    yield "sessions"
    ddb.delete_table(TableName="sessions")


@pytest.fixture(scope="module")
def bucket():
    s3 = client("s3")
    s3.create_bucket(Bucket="module-bucket")
    s3.put_object(Bucket="module-bucket", Key="seed", Body=b"from-module")
    yield "module-bucket"
    for item in s3.list_objects_v2(Bucket="module-bucket").get("Contents", []):
        s3.delete_object(Bucket="module-bucket", Key=item["Key"])
    s3.delete_bucket(Bucket="module-bucket")


class TestFirst:
    @pytest.fixture(scope="class")
    @classmethod
    def shared_key(cls, bucket):
        client("s3").put_object(Bucket=bucket, Key="shared", Body=b"first-class")
        return "shared"

    def test_same_name(self, bucket, shared_key):
        body = client("s3").get_object(Bucket=bucket, Key=shared_key)["Body"].read()
        assert body == b"first-class"


class TestSecond:
    @pytest.fixture(scope="class")
    @classmethod
    def shared_key(cls, bucket):
        client("s3").put_object(Bucket=bucket, Key="shared", Body=b"second-class")
        return "shared"

    def test_same_name(self, bucket, shared_key):
        body = client("s3").get_object(Bucket=bucket, Key=shared_key)["Body"].read()
        assert body == b"second-class"


def test_session_fixture_state(table):
    item = client("dynamodb").get_item(TableName=table, Key={"id": {"S": "seed"}})["Item"]
    assert item["v"]["S"] == "from-session"


def test_module_fixture_state(bucket):
    assert client("s3").get_object(Bucket=bucket, Key="seed")["Body"].read() == b"from-module"


def test_gzip_encoded_object_comes_back_as_stored(bucket):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="data.json.gz", Body=GZIPPED, ContentEncoding="gzip")
    got = s3.get_object(Bucket=bucket, Key="data.json.gz")
    assert got["Body"].read() == GZIPPED
    assert got["ContentEncoding"] == "gzip" and got["ContentLength"] == len(GZIPPED)
    head = s3.head_object(Bucket=bucket, Key="data.json.gz")
    assert head["ContentLength"] == len(GZIPPED) and head["ContentEncoding"] == "gzip"


@pytest.mark.parametrize("name", ["k" * 300], ids=["k" * 300])
def test_a_very_long_id(bucket, name):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key=name[:200], Body=b"long")
    assert s3.get_object(Bucket=bucket, Key=name[:200])["Body"].read() == b"long"


def test_transport_doubles_see_every_call(bucket, monkeypatch):
    from botocore.endpoint import Endpoint
    from botocore.httpsession import URLLib3Session
    from urllib3.connectionpool import HTTPConnectionPool
    from urllib3.exceptions import ProtocolError

    counts = {"make_request": 0, "send": 0, "urlopen": 0}
    make_request, send = Endpoint.make_request, URLLib3Session.send
    urlopen = HTTPConnectionPool.urlopen

    def counted_make_request(self, *args, **kwargs):
        counts["make_request"] += 1
        return make_request(self, *args, **kwargs)

    def counted_send(self, request):
        counts["send"] += 1
        return send(self, request)

    def flaky_urlopen(self, *args, **kwargs):
        counts["urlopen"] += 1
        if counts["urlopen"] == 1:
            raise ProtocolError("connection reset (injected by the test)")
        return urlopen(self, *args, **kwargs)

    monkeypatch.setattr(Endpoint, "make_request", counted_make_request)
    monkeypatch.setattr(URLLib3Session, "send", counted_send)
    monkeypatch.setattr(HTTPConnectionPool, "urlopen", flaky_urlopen)
    assert client("s3").get_object(Bucket=bucket, Key="seed")["Body"].read() == b"from-module"
    # botocore retried the injected failure: every double saw both attempts
    assert counts == {"make_request": 1, "send": 2, "urlopen": 2}


@pytest.mark.aws_cassette(clock="recorded")
def test_the_recorded_clock_is_not_behind_the_server():
    ddb = client("dynamodb")
    created = ddb.create_table(
        TableName="clocked",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["CreationDateTime"]
    assert created <= dt.datetime.now(dt.timezone.utc)
    ddb.delete_table(TableName="clocked")
"""

TESTS = [
    "test_app.py::TestFirst::test_same_name",
    "test_app.py::TestSecond::test_same_name",
    "test_app.py::test_session_fixture_state",
    "test_app.py::test_module_fixture_state",
    "test_app.py::test_gzip_encoded_object_comes_back_as_stored",
    "test_app.py::test_a_very_long_id[" + "k" * 300 + "]",
    "test_app.py::test_transport_doubles_see_every_call",
    "test_app.py::test_the_recorded_clock_is_not_behind_the_server",
]


def run(folder: Path, *args: str, **env_extra: str) -> str:
    return run_inner(folder, *args, **env_extra)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The inner suite recorded against moto server, which is stopped before any replay."""
    pytest.importorskip("time_machine")
    folder = tmp_path_factory.mktemp("faithful")
    (folder / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run(folder, "--aws-record-mode=once", "test_app.py", MOTO_ENDPOINT=endpoint)
    assert f"{len(TESTS)} passed" in out, out  # recording itself gave the live answers
    yield folder


def test_one_cassette_per_test_node_and_per_wide_fixture(recorded: Path) -> None:
    names = sorted(
        p.relative_to(recorded / "cassettes").as_posix() for p in recorded.rglob("*.yaml")
    )
    assert "test_app/TestFirst.test_same_name.yaml" in names
    assert "test_app/TestSecond.test_same_name.yaml" in names
    assert "test_app/TestFirst.shared_key.fixture.yaml" in names
    assert "test_app/TestSecond.shared_key.fixture.yaml" in names
    assert "test_app/bucket.fixture.yaml" in names
    assert "table.fixture.yaml" in names
    long = [n for n in names if "test_a_very_long_id" in n]
    assert len(long) == 1 and len(Path(long[0]).name.encode()) <= 160, long


def passed_in_order(out: str) -> list[str]:
    """The tests an inner run with ``-rA`` passed, in the order they ran."""
    return [line.split()[1] for line in out.splitlines() if line.startswith("PASSED ")]


def test_the_whole_module_replays_offline(recorded: Path) -> None:
    out = run(recorded, "-rA", "test_app.py")
    assert f"{len(TESTS)} passed" in out, out
    # the first test ran as it runs alone: nothing before it, its own set-up first
    assert passed_in_order(out)[0] == TESTS[0], out


#: A test that runs first in the whole-module run (``TESTS[0]``) or the reversed one
#: (``TESTS[-1]``) already replays there exactly as it does alone (no test before it, the
#: same fixtures set up for it; those tests assert it ran first): its own run alone is
#: ``slow``. Every other test's alone run stays in the test command.
ALONE = [
    pytest.param(test, marks=pytest.mark.slow) if test in (TESTS[0], TESTS[-1]) else test
    for test in TESTS
]


@pytest.mark.parametrize("test", ALONE)
def test_each_test_replays_alone(recorded: Path, test: str) -> None:
    out = run(recorded, test)
    assert "1 passed" in out, out


def test_reversed_order_replays(recorded: Path) -> None:
    out = run(recorded, "-rA", *reversed(TESTS))
    assert f"{len(TESTS)} passed" in out, out
    assert passed_in_order(out) == list(reversed(TESTS)), out  # the last test ran first


def test_two_xdist_workers_replay(recorded: Path) -> None:
    pytest.importorskip("xdist")
    out = run(recorded, "-n", "2", "test_app.py")
    assert f"{len(TESTS)} passed" in out, out


def test_without_fixture_recording_the_wide_fixtures_miss(recorded: Path) -> None:
    """The setting turns the fixture cassettes off: the fixtures then reach for a network
    that replay blocks (what every test did before fixtures had cassettes)."""
    (recorded / "pytest.ini").write_text("[pytest]\naws_record_fixtures = false\n")
    try:
        # (one attempt: botocore would retry the blocked connect with backoff, 11 s)
        out = run(recorded, "test_app.py::test_module_fixture_state", AWS_MAX_ATTEMPTS="1")
    finally:
        (recorded / "pytest.ini").unlink()
    assert "1 error" in out, out


def test_a_cassette_under_the_old_class_less_name(recorded: Path, tmp_path: Path) -> None:
    """A method's cassette recorded before classes were part of the name is replayed when no
    other test of the module has that name, and refused (with the reason) when one has."""
    import shutil

    copy = tmp_path / "suite"
    shutil.copytree(recorded, copy)
    folder = copy / "cassettes" / "test_app"
    (folder / "TestFirst.test_same_name.yaml").rename(folder / "test_same_name.yaml")
    shared = run(copy, "test_app.py::TestFirst::test_same_name")
    assert "1 failed" in shared and "may hold another test's answers" in shared, shared

    # the same file where only one class has the method: it can only be that test's
    alone = SUITE.split("class TestSecond:")[0] + "\n\ndef test_after():\n    pass\n"
    (copy / "test_app.py").write_text(alone)
    out = run(copy, "test_app.py::TestFirst::test_same_name")
    assert "1 passed" in out and "mv " in out and "TestFirst.test_same_name.yaml" in out, out


PARAMETRIZED = """
import os

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
pytestmark = pytest.mark.aws_cassette


def client():
    return boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module", params=["red", "blue"])
def colour(request):
    s3 = client()
    s3.create_bucket(Bucket="palette")
    s3.put_object(Bucket="palette", Key="colour", Body=request.param.encode())
    yield request.param
    s3.delete_object(Bucket="palette", Key="colour")
    s3.delete_bucket(Bucket="palette")


class TestPalette:
    @pytest.fixture(scope="class")
    @classmethod
    def stored(cls, colour):
        # the same request under each parameter, answered differently
        return client().get_object(Bucket="palette", Key="colour")["Body"].read().decode()

    def test_stored(self, colour, stored):
        assert stored == colour
"""


MADE_UP_IN_A_FIXTURE = """
import os
import uuid

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
pytestmark = pytest.mark.aws_cassette


def ddb():
    return boto3.client(
        "dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def table():
    name = f"orders-{uuid.uuid4().hex[:12]}"
    ddb().create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    key = str(uuid.uuid4())
    ddb().put_item(TableName=name, Item={"id": {"S": key}, "state": {"S": "open"}})
    return name, key


def test_the_table_is_listed(table):
    assert table[0] in ddb().list_tables()["TableNames"]


def test_a_scan_gives_the_key_the_fixture_wrote(table):
    items = ddb().scan(TableName=table[0])["Items"]
    assert [i["id"]["S"] for i in items] == [table[1]]
"""


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``PARAMETRIZED`` (``test_palette.py``) and ``MADE_UP_IN_A_FIXTURE``
    (``test_made_up.py``) recorded in one serial run against one moto server (stopped
    before any replay): the folder and the recording's output. Each replay below runs one
    of the two files."""
    folder = tmp_path_factory.mktemp("wide")
    (folder / "test_palette.py").write_text(PARAMETRIZED)
    (folder / "test_made_up.py").write_text(MADE_UP_IN_A_FIXTURE)
    with moto_server() as endpoint:
        out = run(
            folder, "--aws-record-mode=once", "test_palette.py", "test_made_up.py",
            MOTO_ENDPOINT=endpoint,
        )  # fmt: skip
    return folder, out


def test_a_fixture_over_a_parametrized_fixture_records_each_set_up(
    wide: tuple[Path, str],
) -> None:
    """A class fixture set up once per parameter of a module fixture it depends on sends the
    same request each time and gets other answers: each set-up is its own cassette, so
    neither replays the other's (recorded serially, where the second would find the first's
    file)."""
    folder, out = wide
    assert "4 passed" in out, out  # both files' two tests
    names = sorted(p.name for p in (folder / "cassettes" / "test_palette").iterdir())
    assert "TestPalette.stored-red.fixture.yaml" in names, names
    assert "TestPalette.stored-blue.fixture.yaml" in names, names
    out = run(folder, "-W", "ignore", "test_palette.py")
    assert "2 passed" in out, out


def test_values_a_wide_fixture_made_up_come_back_in_its_tests(wide: tuple[Path, str]) -> None:
    """A module fixture names a table and writes a key made up per run; the tests' replayed
    responses (ListTables, Scan) carry this run's values, bound by the fixture's cassette."""
    folder, out = wide
    assert "4 passed" in out, out  # both files' two tests
    assert "2 passed" in run(folder, "test_made_up.py"), out
    assert "1 passed" in run(folder, "test_made_up.py", "-k", "scan")  # alone, too
