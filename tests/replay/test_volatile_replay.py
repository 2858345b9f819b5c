"""Suites that make up names, ids and times per run replay with one volatile setting.

A real inner suite is recorded against moto server on loopback (bucket names with uuids,
hex object keys, a queue with a random suffix, log events stamped with the wall clock, a
``str(hash())`` caller reference), then replayed with moto stopped. With the defaults every
test passes, and responses carry the live values back (``assert name in listing`` holds);
opted out (``--aws-volatile=off``) the generated values miss, and the miss names the
setting. The traps stay caught with the defaults: a changed hardcoded value, a value read
from the environment, another time window, and a recorded name asked for in another place.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

KINDS = "uuid,hex,alnum,hash,time"

SUITE = """
import os
import random
import string
import time
import uuid

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
STREAM = "mainstream"
OFFSET_MS = 0
EXISTING_QUEUE = os.environ.get("EXISTING_QUEUE", "orders-7f3a9c21")


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )


def random_suffix():
    # SystemRandom: not the seeded random the cassette replays (tests/plugin/test_random_seed.py)
    alphabet = string.ascii_lowercase + string.digits
    return "".join(random.SystemRandom().choices(alphabet, k=10))


@pytest.mark.aws_cassette
def test_bucket_named_with_a_uuid():
    s3 = client("s3")
    name = f"bucket-{uuid.uuid4()}"
    key = f"key-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key=key, Body=b"hello")
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]] == [key]
    assert s3.get_object(Bucket=name, Key=key)["Body"].read() == b"hello"
    # a uuid written with dots (a bucket name the suite also reads back)
    dotted = "dots." + str(uuid.uuid4()).replace("-", ".")
    s3.create_bucket(Bucket=dotted)
    assert dotted in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_queues_with_random_suffixes():
    sqs = client("sqs")
    first, second = random_suffix(), random_suffix()
    url_a = sqs.create_queue(QueueName=f"jobs-{first}")["QueueUrl"]
    url_b = sqs.create_queue(QueueName=f"jobs-{second}")["QueueUrl"]
    assert url_a.endswith(f"jobs-{first}") and url_b.endswith(f"jobs-{second}")
    sqs.send_message(QueueUrl=url_a, MessageBody=f"hello {first}")
    asked = first if os.environ.get("ASK") != "second" else second
    assert sqs.get_queue_url(QueueName=f"jobs-{asked}")["QueueUrl"] == url_a


@pytest.mark.aws_cassette
def test_log_events_stamped_with_the_clock():
    logs = client("logs")
    group = f"/app/{uuid.uuid4()}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=STREAM)
    stamp = int(time.time() * 1000) + OFFSET_MS
    logs.put_log_events(
        logGroupName=group, logStreamName=STREAM,
        logEvents=[{"timestamp": stamp, "message": "started"}],
    )
    events = logs.get_log_events(logGroupName=group, logStreamName=STREAM)["events"]
    assert [e["timestamp"] for e in events] == [stamp]


@pytest.mark.aws_cassette
def test_caller_reference_from_a_hash():
    route53 = client("route53")
    reference = str(hash(f"zone-{time.time()}"))
    zone = route53.create_hosted_zone(Name="example.com", CallerReference=reference)
    assert zone["HostedZone"]["CallerReference"] == reference


@pytest.mark.aws_cassette
def test_queue_named_by_the_environment():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=EXISTING_QUEUE)["QueueUrl"]
    assert url.endswith(EXISTING_QUEUE)
"""


def run(folder: Path, *args: str, **env_extra: str) -> str:
    return run_inner(folder, *args, **env_extra)


def variant(root: Path, name: str, suite: str) -> None:
    """``suite`` as ``<name>/test_app.py``, replaying the recorded cassettes."""
    (root / name).mkdir(exist_ok=True)
    (root / name / "test_app.py").write_text(suite)
    link = root / "cassettes" / name
    if not link.exists():
        link.symlink_to(".", target_is_directory=True)  # cassettes/<name>/test_app/...


def failed(out: str) -> set[str]:
    return {
        line.split()[1].split(" ")[0] for line in out.splitlines() if line.startswith("FAILED ")
    }


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The inner suite, recorded against moto server (stopped before any replay)."""
    folder = tmp_path_factory.mktemp("volatile-suite")
    (folder / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run(folder, "--aws-record-mode=once", "test_app.py", MOTO_ENDPOINT=endpoint)
    assert "5 passed" in out, out
    yield folder


def test_with_no_settings_every_test_replays_and_gets_its_live_values_back(
    recorded: Path,
) -> None:
    # the defaults bind generated values (issue 43: a suite recorded with no settings
    # replays in a fresh clone with no settings)
    out = run(recorded, "test_app.py")
    assert "5 passed" in out, out
    out = run(recorded, f"--aws-volatile={KINDS}", "test_app.py")
    assert "5 passed" in out, out


def test_opted_out_generated_values_miss_and_the_miss_names_the_setting(recorded: Path) -> None:
    kinds = KINDS.split(",")
    marked = SUITE.replace(
        "@pytest.mark.aws_cassette\n", f"@pytest.mark.aws_cassette(volatile={kinds!r})\n"
    )
    variant(recorded, "marked", marked)
    out = run(recorded, "--aws-volatile=off", "test_app.py", "marked")
    assert failed(out) == {
        "test_app.py::test_bucket_named_with_a_uuid",
        "test_app.py::test_log_events_stamped_with_the_clock",
        "test_app.py::test_queues_with_random_suffixes",
        "test_app.py::test_caller_reference_from_a_hash",
    }, out  # the marked copy passes: the marker argument binds
    assert "look generated per run" in out and "aws_volatile = uuid" in out, out
    assert "aws_volatile = hash" in out and "aws_volatile = alnum" in out, out
    # not a re-record mode: new_episodes would append forever
    assert "--aws-record-mode=new_episodes" not in out, out


def test_the_stale_recording_traps_stay_caught_with_the_defaults(recorded: Path) -> None:
    traps = {
        # a changed hardcoded name of the same shape: written in the source, never bound
        "renamed": SUITE.replace('"mainstream"', '"backstream"'),
        # another time window: the stamp's offset from now is not the recorded one
        "window": SUITE.replace("OFFSET_MS = 0", "OFFSET_MS = -3_600_000"),
        # a value the test read from its environment is data, not generated
        "environment": SUITE.replace('"EXISTING_QUEUE"', '"STALE_QUEUE"'),
        # the same recorded name meets the same live name: the other queue misses
        "swapped": SUITE.replace('os.environ.get("ASK")', '"second"'),
    }
    for name, suite in traps.items():
        variant(recorded, name, suite)
    out = run(recorded, "test_app.py", *traps, STALE_QUEUE="orders-8b2d1e44")
    assert failed(out) == {
        "renamed/test_app.py::test_log_events_stamped_with_the_clock",
        "window/test_app.py::test_log_events_stamped_with_the_clock",
        "environment/test_app.py::test_queue_named_by_the_environment",
        "swapped/test_app.py::test_queues_with_random_suffixes",
    }, out  # and everything else, the unchanged suite included, passes with no setting
    assert "written in test_app.py" in out and "in the environment ($STALE_QUEUE)" in out, out


def test_a_real_change_among_generated_values_is_named_apart(recorded: Path) -> None:
    """A member added to a request whose name is made up per run: the miss names the change
    apart from the generated value, whichever way the kinds are set (with the kinds not
    declared it was one list of both, the change easy to miss among made-up values)."""
    tagged = "logs.create_log_group(logGroupName=group, tags={'team': 'blue'})"
    variant(recorded, "changed", SUITE.replace("logs.create_log_group(logGroupName=group)", tagged))
    for setting in ("--aws-volatile=off", f"--aws-volatile={KINDS}"):
        out = run(recorded, setting, "changed/test_app.py::test_log_events_stamped_with_the_clock")
        assert "look generated per run" in out, out
        apart = out[out.index("look generated per run") :]
        head = next(
            (h for h in ("Besides them, the request differs", "and it does not:") if h in apart),
            None,
        )
        assert head is not None, (setting, out)
        named = apart[apart.index(head) :].splitlines()[1]
        assert "/tags" in named and "blue" in named, (setting, out)
        assert "logGroupName" not in named, (setting, out)


def test_a_blob_made_up_per_run_is_named_with_the_ignore_that_replays_it(recorded: Path) -> None:
    """volatile never binds inside a blob: the miss says so, with the ``ignore=`` that lets
    the test replay, and not a re-record mode (the bytes change on every run)."""
    blob = SUITE.replace('Body=b"hello"', "Body=str(uuid.uuid4()).encode()")
    variant(recorded, "blob", blob)
    out = run(recorded, f"--aws-volatile={KINDS}", "blob")
    assert failed(out) == {"blob/test_app.py::test_bucket_named_with_a_uuid"}, out
    assert "a blob is compared by its bytes" in out, out
    assert "ignore={'s3:PutObject': ['Body'" in out, out
    assert "--aws-record-mode=new_episodes" not in out, out
    suggested = out.split("@pytest.mark.aws_cassette(ignore=", 1)[1].split(")\n", 1)[0]
    ignored = blob.replace(
        "@pytest.mark.aws_cassette\ndef test_bucket_named_with_a_uuid",
        f"@pytest.mark.aws_cassette(ignore={suggested})\ndef test_bucket_named_with_a_uuid",
    )
    variant(recorded, "ignored", ignored)
    assert "5 passed" in run(recorded, f"--aws-volatile={KINDS}", "ignored")


DAILY = """
import datetime
import os

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def days_later():
    # the replay run a few days after the recording: the clock moved by time-machine
    days = int(os.environ.get("DAYS_LATER", "0"))
    if not days:
        yield
        return
    import time_machine

    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    with time_machine.travel(later, tick=True):
        yield


@pytest.mark.aws_cassette
def test_daily_report():
    s3 = boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )
    day = datetime.date.today().isoformat()
    s3.create_bucket(Bucket="reports")
    s3.put_object(Bucket="reports", Key=f"daily/{day}/report.csv", Body=b"a,b")
    listed = s3.list_objects_v2(Bucket="reports", Prefix="daily/")["Contents"]
    assert [o["Key"] for o in listed] == [f"daily/{day}/report.csv"]
"""


def test_a_key_named_after_today_replays_on_a_later_day(tmp_path: Path) -> None:
    """A suite recorded one day replays on the next ones with no setting: the day it names
    its objects after is bound (``date.today().isoformat()`` in an S3 key), and the answer
    lists the key under this run's day."""
    (tmp_path / "test_daily.py").write_text(DAILY)
    with moto_server() as endpoint:
        out = run(tmp_path, "--aws-record-mode=once", "test_daily.py", MOTO_ENDPOINT=endpoint)
    assert "1 passed" in out, out
    for days in ("1", "3"):
        out = run(tmp_path, "test_daily.py", DAYS_LATER=days)
        assert "1 passed" in out, out
    out = run(tmp_path, "--aws-time-tolerance=exact", "test_daily.py", DAYS_LATER="1")
    assert "1 failed" in out and "day mismatch" in out, out
