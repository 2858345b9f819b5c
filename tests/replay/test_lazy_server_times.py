"""Server times moved from a large cassette of an older harness, read lazily: moving reads
the cassette's span, which reads the rest of it under the recorder's lock, so the move must
not run holding that lock (it did: the first answer with a time member hung for ever).

The cassette is recorded by the harness against moto server (DynamoDB's ``DescribeTable``,
whose ``CreationDateTime`` is a server time), marked as redacted by an older harness, and
made large by repeating its items with other table names, as a team's long-lived cassette is
(large: past the size read lazily, lowered here to keep the test quick).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.cassettes import index as cassette_index
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION
from tests.support.moto_server import moto_server

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _older_and_large(path: Path) -> None:
    """The recorded cassette as an older harness's (its redaction version before this one),
    its items repeated with numbered table names until it is read lazily."""
    data = yaml.load(path.read_text(), Loader=_LOADER)
    data["metadata"]["harness"]["redaction"] = REDACTION_VERSION - 1
    texts = [yaml.dump(item, Dumper=_DUMPER) for item in data["interactions"]]
    copies = cassette_index.MIN_BYTES // sum(len(text) for text in texts) + 2
    items = [
        yaml.load(
            text.replace('\\"t0\\"', f'\\"t{copy}\\"').replace("table/t0", f"table/t{copy}"),
            Loader=_LOADER,
        )
        for copy in range(copies)
        for text in texts
    ]
    data["interactions"] = items
    path.write_text(yaml.dump(data, Dumper=_DUMPER))
    assert path.stat().st_size >= cassette_index.MIN_BYTES


def test_a_server_time_moves_from_a_lazily_read_older_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (read lazily from 64 KiB, not 1 MiB: the same reads, in a second, not a minute)
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 1 << 16)
    path = tmp_path / "tables.yaml"
    with moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all")
        client = _client(endpoint)
        with recorder.activate():
            client.create_table(
                TableName="t0",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            recorded = client.describe_table(TableName="t0")["Table"]["CreationDateTime"]
        recorder.save()
    _older_and_large(path)

    replayer = CassetteRecorder(path, "none")
    assert replayer.source.interactions_left() > 0  # read lazily, as replay reaches it
    seen: dict[str, Any] = {}

    def replay() -> None:
        client = _client("http://127.0.0.1:9")
        with replayer.activate():
            seen["table"] = client.describe_table(TableName="t3")["Table"]

    # (a thread, bounded: a hang fails the test instead of the run)
    worker = threading.Thread(target=replay, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "replaying a server time from a lazily read cassette hung"
    assert seen["table"]["TableName"] == "t3"
    # (moved by the test's one whole-second shift; none when replayed within the second)
    shift = seen["table"]["CreationDateTime"] - recorded
    assert shift.total_seconds() == (replayer.replayer.server_times.shift or 0)
