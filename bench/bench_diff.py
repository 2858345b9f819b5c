"""How much of ``harness cassette diff`` a reviewer reads is real: a corpus of re-recordings.

Run: ``python bench/bench_diff.py`` (about a minute; ``--runs 20`` for more). An app of the
kind users write (DynamoDB items keyed by uuid with times, SQS JSON messages, EventBridge
events whose ``Detail`` holds a run id and ``time.time()``, S3 objects under a ``dt=`` day
with random bytes, a Secrets Manager secret whose ARN ends in six random characters) is
recorded against moto server on 127.0.0.1 once as the baseline, then ``--runs`` times again:
half of the re-recordings change nothing but what is generated per run, the other half
also plant ``CHANGES`` real changes (a renamed DetailType, a member added inside Detail, a
word of a message, an attribute's value, a key's folder). For each re-recording it counts
the difference lines the diff shows (``~``/``+``/``-`` pairs and the member lines under
them), split into the planted changes found and everything else (noise), by default and
with ``--exact``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cli import run  # noqa: E402
from harness.replay.recorder import CassetteRecorder  # noqa: E402
from tests.support.moto_server import moto_server  # noqa: E402
from tests.support.recorded_traffic import client  # noqa: E402

#: What a changed re-recording plants, each found by the member path the diff should name.
CHANGES = {
    "DetailType": ("/Entries/0/DetailType",),
    "Detail member": ("/Entries/0/Detail{JSON}/priority",),
    "message word": ("/MessageBody", "/Messages/0/Body"),  # sent, and received back
    "attribute": ("/Item/status",),
    "key folder": ("/Key",),
}


def app(path: Path, endpoint: str, changed: bool) -> None:
    """One run of the app, recorded into ``path``."""
    recorder = CassetteRecorder(path, "all")
    run_id, day = uuid.uuid4().hex[:8], time.strftime("%Y-%m-%d")
    with recorder.activate():
        ddb, sqs = client("dynamodb", endpoint), client("sqs", endpoint)
        events, s3 = client("events", endpoint), client("s3", endpoint)
        secrets = client("secretsmanager", endpoint)
        table = f"orders-{run_id}"
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        item = {
            "id": {"S": str(uuid.uuid4())},
            "at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "status": {"S": "PAID" if changed else "NEW"},
        }
        ddb.put_item(TableName=table, Item=item)
        ddb.get_item(TableName=table, Key={"id": item["id"]})
        queue = sqs.create_queue(QueueName=f"jobs-{run_id}")["QueueUrl"]
        word = "shipped" if changed else "packed"
        body = {
            "order": item["id"]["S"],
            "note": f"Your order was {word} today.",
            "ts": time.time(),
        }
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
        sqs.receive_message(QueueUrl=queue)
        detail = {"run": run_id, "ts": time.time(), "count": 3}
        if changed:
            detail["priority"] = "high"
        events.put_events(
            Entries=[
                {
                    "Source": "shop",
                    "DetailType": "OrderShipped" if changed else "OrderPacked",
                    "Detail": json.dumps(detail),
                }
            ]
        )
        bucket = f"lake-{run_id}"
        s3.create_bucket(Bucket=bucket)
        folder = "orders" if changed else "clicks"
        s3.put_object(
            Bucket=bucket, Key=f"{folder}/dt={day}/part-{uuid.uuid4()}.bin", Body=os.urandom(512)
        )
        name = f"app/db-{run_id}"
        secrets.create_secret(Name=name, SecretString="not-a-secret")
        secrets.describe_secret(SecretId=name)
    recorder.save()


def diff_lines(a: Path, b: Path, exact: bool) -> tuple[list[str], dict]:
    out, err = io.StringIO(), io.StringIO()
    run(
        ["cassette", "diff", str(a), str(b), "--format", "json", *(["--exact"] if exact else [])],
        out,
        err,
    )
    data = json.loads(out.getvalue())
    members = [
        m["path"]
        for change in data["changes"]
        for part in ("request", "response")
        for m in change.get(part) or []
    ]
    return members, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    with moto_server() as endpoint:
        base = folder / "base.yaml"
        app(base, endpoint, changed=False)
        runs = [(folder / f"run{i}.yaml", i % 2 == 1) for i in range(args.runs)]
        for path, changed in runs:
            app(path, endpoint, changed)
    print(
        f"{args.runs} re-recordings of a 12-call app against one baseline; {len(CHANGES)} "
        "planted changes in each changed one; member lines the diff shows"
    )
    print(
        f"{'mode':8} {'re-recordings':>14} {'changes planted':>16} {'found':>6} {'noise lines':>12}"
    )
    for exact in (False, True):
        for changed in (False, True):
            planted = found = noise = 0
            count = 0
            for path, was_changed in runs:
                if was_changed != changed:
                    continue
                count += 1
                members, _ = diff_lines(base, path, exact)
                wanted = set(CHANGES.values()) if changed else set()
                planted += len(wanted)
                hits = {w for w in wanted if any(m == w or m.startswith(w) for m in members)}
                found += len(hits)
                noise += sum(
                    1 for m in members if not any(m == w or m.startswith(w) for w in wanted)
                )
            label = "--exact" if exact else "default"
            kind = "changed" if changed else "unchanged"
            print(f"{label:8} {count:>6} {kind:>7} {planted:>16} {found:>6} {noise:>12}")


if __name__ == "__main__":
    main()
