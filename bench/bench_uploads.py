"""Recording large S3 uploads: time against the live run, and cassette bytes against what
replay needs, measured in one process against moto server on 127.0.0.1.

Run: ``python bench/bench_uploads.py`` (about a minute). The workload is what moto's own S3
multipart tests do: PutObject and a multipart upload (UploadPart), each body ``--mib`` MiB
(half of them text, as moto's tests upload, half binary), then HeadObject, then a GetObject
of each object (the downloads, whose payloads the cassette keeps in body files). Every round runs
it live without the harness, recorded by the harness (mode ``all``, save included) and
replayed from that recording, in a rotating order, for ``--rounds`` rounds; moto is reset
before each run, outside the time. It prints ms per run (min and median over the rounds) and
the ratios to the live run's min and median; then the cassette's bytes against what replay
needs: the same cassette with each upload body left out (the request and response metadata).
``--whole`` adds one recording with every body kept whole (``digest_over=None``, what earlier
versions wrote) for comparison.
Ratios are what to trust; absolute times vary by machine.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: tests.support

from harness.aws.bodies import DIGEST_MARK
from harness.cassettes import body_files
from harness.cassettes.writing import dump_yaml
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

BUCKET = "bench-uploads"


def _client(endpoint: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    ).client("s3", endpoint_url=endpoint)


def _bodies(mib: int, count: int) -> list[bytes]:
    size = mib << 20
    text = (b"0123456789 moto multipart test body, text like theirs\n" * (size // 50 + 1))[:size]
    binary = b"\0" + os.urandom(size - 1)  # (never "{" first: not taken for JSON)
    return [text if i % 2 else binary for i in range(count)]


def workload(client: Any, bodies: list[bytes]) -> None:
    client.create_bucket(Bucket=BUCKET)
    for number, body in enumerate(bodies):
        client.put_object(Bucket=BUCKET, Key=f"object-{number}", Body=body)
    upload = client.create_multipart_upload(Bucket=BUCKET, Key="multipart")["UploadId"]
    parts = []
    for number, body in enumerate(bodies, 1):
        etag = client.upload_part(
            Bucket=BUCKET, Key="multipart", UploadId=upload, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    client.complete_multipart_upload(
        Bucket=BUCKET, Key="multipart", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    client.head_object(Bucket=BUCKET, Key="multipart")
    # and read back: the downloads' payloads go to body files beside the cassette
    for number in range(len(bodies)):
        client.get_object(Bucket=BUCKET, Key=f"object-{number}")["Body"].read()
    client.get_object(Bucket=BUCKET, Key="multipart")["Body"].read()


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def live(endpoint: str, bodies: list[bytes], path: Path) -> float:
    client = _client(endpoint)
    start = time.perf_counter()
    workload(client, bodies)
    return time.perf_counter() - start


def recording(endpoint: str, bodies: list[bytes], path: Path, **options: Any) -> float:
    path.unlink(missing_ok=True)
    recorder = CassetteRecorder(path, "all", **options)
    with recorder.activate():
        client = _client(endpoint)
        start = time.perf_counter()
        workload(client, bodies)
        recorder.save()
        return time.perf_counter() - start


def replay(endpoint: str, bodies: list[bytes], path: Path) -> float:
    start = time.perf_counter()
    recorder = CassetteRecorder(path, "none")
    with recorder.activate():
        workload(_client(endpoint), bodies)
    assert not recorder.misses
    return time.perf_counter() - start


def needed_bytes(path: Path) -> int:
    """The cassette's bytes with each upload body left out: what replay needs of it."""
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        body = item["request"]["body"]
        if isinstance(body, dict) and body.get("stored") == DIGEST_MARK:
            item["request"]["body"] = None
    return len(dump_yaml(data).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mib", type=int, default=5, help="MiB per upload body")
    parser.add_argument("--uploads", type=int, default=4, help="PutObjects (and parts)")
    parser.add_argument("--whole", action="store_true", help="also record with whole bodies")
    args = parser.parse_args()
    if args.mib < 5:
        parser.error("--mib: S3 parts but the last are 5 MiB or more (moto says EntityTooSmall)")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # (moto's server logs each request)
    bodies = _bodies(args.mib, args.uploads)
    sent = 2 * sum(map(len, bodies))
    with tempfile.TemporaryDirectory() as folder, moto_server() as endpoint:
        path = Path(folder) / "uploads.yaml"
        runs: dict[str, Callable[[str, list[bytes], Path], float]] = {
            "live (no harness)": live,
            "recording (harness)": recording,
            "replay (harness)": replay,
        }
        for run in runs.values():  # warm up: imports, botocore's models, moto's handlers
            _reset(endpoint)
            run(endpoint, bodies, path)
        seen: dict[str, list[float]] = {name: [] for name in runs}
        names = list(runs)
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            if "replay (harness)" in order[: order.index("recording (harness)")]:
                order.remove("replay (harness)")  # (replays the previous round's recording)
                order.append("replay (harness)")
            for name in order:
                _reset(endpoint)
                seen[name].append(runs[name](endpoint, bodies, path))
        base = seen["live (no harness)"]
        print(
            f"{2 * args.uploads} uploads of {args.mib} MiB ({sent / (1 << 20):.0f} MiB sent), "
            f"{args.rounds} rounds"
        )
        print(f"{'':<22} {'min ms':>8} {'median ms':>10} {'min ratio':>10} {'median ratio':>13}")
        for name, times in seen.items():
            low, middle = min(times), statistics.median(times)
            print(
                f"{name:<22} {low * 1e3:>8.0f} {middle * 1e3:>10.0f} "
                f"{low / min(base):>9.2f}× {middle / statistics.median(base):>12.2f}×"
            )
        size, needed = path.stat().st_size, needed_bytes(path)
        print(
            f"cassette {size:,} bytes, replay needs {needed:,} bytes: {size / needed:.3f}× "
            f"(the uploads' bytes: {sent:,})"
        )
        files = list((path.parent / body_files.FOLDER).glob("*"))
        kept = sum(f.stat().st_size for f in files)
        received = 2 * sum(map(len, bodies))  # each object, then the multipart one
        print(
            f"downloads: {received:,} bytes received; on disk {size + kept:,} bytes (cassette "
            f"and {len(files)} body files): {(size + kept) / received:.3f}× the payloads "
            "(identical downloads share one file)"
        )
        if args.whole:
            _reset(endpoint)
            took = recording(endpoint, bodies, path, digest_over=None)
            print(
                f"bodies kept whole (earlier versions): recording {took * 1e3:.0f} ms "
                f"({took / statistics.median(base):.2f}× the live median), cassette "
                f"{path.stat().st_size:,} bytes ({path.stat().st_size / needed:.0f}× what replay "
                "needs)"
            )


if __name__ == "__main__":
    main()
