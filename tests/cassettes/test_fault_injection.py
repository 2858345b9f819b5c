"""No good cassette or body file is lost or left inconsistent, whatever stops a recording.

A real inner pytest records S3 downloads (some large enough for body files) from a loopback
server into one cassette, generation after generation (``--aws-record-mode=all``), and is
stopped at a random moment: SIGINT (Ctrl-C), SIGTERM, SIGKILL, or not at all; also with a
file-size limit standing for a full disk, and two writers recording the same cassette at
once. After every run the cassette on disk must be either the last good one, byte for byte,
or a complete recording of the new generation whose every answer (body files included)
reads back as exactly the bytes the server sent. Temporary files may be left by SIGKILL;
they are never read as cassettes.

A few runs in the normal suite; 200 randomized runs under ``-m slow``.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harness.cassettes.cassette import read_cassette

CALLS = 6
LARGE = 80_000  # over the 64 KiB body-file threshold: these answers go to _bodies/
SMALL = 16

INNER = f"""
import os, time, boto3, pytest

@pytest.mark.aws_cassette
def test_downloads():
    s3 = boto3.client(
        "s3", endpoint_url=os.environ["URL"], region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="not-a-secret",
    )
    for i in range({CALLS}):
        key = f"gen{{os.environ['GEN']}}/obj{{i}}"
        body = s3.get_object(Bucket="bucket", Key=key)["Body"].read()
        assert len(body) == ({LARGE} if i % 2 == 0 else {SMALL})
        time.sleep(0.02)
"""


def content(key: str) -> bytes:
    """What the server answers for ``key``: random-looking, so large ones go to body files."""
    size = LARGE if int(key.rsplit("obj", 1)[1]) % 2 == 0 else SMALL
    return hashlib.shake_256(key.encode()).digest(size)


class Downloads(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        key = self.path.split("?", 1)[0].removeprefix("/bucket/")
        body = content(key)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", f'"{hashlib.md5(body).hexdigest()}"')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    http = ThreadingHTTPServer(("127.0.0.1", 0), Downloads)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}"
    http.shutdown()
    thread.join(5)


class Lab:
    """A folder with the inner test; records generation ``n`` on request."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        (folder / "test_rec.py").write_text(INNER)
        (folder / "pytest.ini").write_text("[pytest]\n")
        self.url = url

    def start(self, generation: int, *, file_limit: int | None = None) -> subprocess.Popen[bytes]:
        env = dict(os.environ, URL=self.url, GEN=str(generation))
        env.pop("PYTEST_ADDOPTS", None)
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            "-p", "no:hypothesispytest", "-p", "no:xdist", "test_rec.py",
            "--aws-record-mode=all",
        ]  # fmt: skip

        def limit() -> None:  # a full disk: writes past the limit fail with EFBIG
            if file_limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

        return subprocess.Popen(
            command,
            cwd=self.folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=limit if file_limit is not None else None,
        )

    def cassettes(self) -> list[Path]:
        return sorted(
            p for p in self.folder.rglob("*.yaml") if not p.name.startswith(".")
        )  # (a SIGKILL may leave ".name.*.tmp" files: never cassettes)

    def generation_on_disk(self) -> tuple[int | None, bytes]:
        """The generation the one cassette holds, checked whole; (None, b"") when none."""
        found = self.cassettes()
        assert len(found) <= 1, found
        if not found:
            return None, b""
        raw = found[0].read_bytes()
        cassette = read_cassette(found[0])  # every interaction, every body file, checked
        keys = [ex.request.url.split("/bucket/", 1)[1] for ex in cassette.exchanges]
        generations = {key.split("/", 1)[0] for key in keys}
        assert len(generations) == 1, f"a cassette mixing recordings: {keys}"
        assert keys == [f"{next(iter(generations))}/obj{i}" for i in range(CALLS)], keys
        for exchange, key in zip(cassette.exchanges, keys, strict=True):
            assert exchange.response.body == content(key), f"{key}: not the bytes served"
        return int(next(iter(generations)).removeprefix("gen")), raw


def stop(process: subprocess.Popen[bytes], how: int | None, after: float) -> str:
    if how is not None:
        time.sleep(after)
        if process.poll() is None:
            process.send_signal(how)
    try:
        out, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode("utf-8", "replace")


def one_run(lab: Lab, generation: int, how: int | None, after: float) -> None:
    """Record ``generation``, stopped by ``how`` after ``after`` s; the invariant holds."""
    before, raw_before = lab.generation_on_disk()
    output = stop(lab.start(generation), how, after)
    now, raw_now = lab.generation_on_disk()
    if now == before:
        assert raw_now == raw_before, "the same generation, rewritten: bytes changed"
    else:
        assert now == generation, (before, now, output[-2000:])
    if how is None:  # a run left to finish records its generation
        assert now == generation, output[-2000:]


@pytest.fixture
def lab(tmp_path: Path, server: str) -> Lab:
    made = Lab(tmp_path, server)
    one_run(made, 0, None, 0)  # a good cassette to lose
    return made


SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)


@pytest.mark.parametrize("how", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_stopped_re_recording_leaves_the_good_cassette_or_a_whole_new_one(
    lab: Lab, how: int
) -> None:
    rng = random.Random(how)
    for generation in (1, 2):
        one_run(lab, generation, how, rng.uniform(0.2, 2.5))


def test_a_full_disk_leaves_the_good_cassette(lab: Lab) -> None:
    _, raw_before = lab.generation_on_disk()
    output = stop(lab.start(1, file_limit=40_000), None, 0)
    generation, raw_now = lab.generation_on_disk()
    assert (generation, raw_now) == (0, raw_before), output[-2000:]
    assert "File too large" in output or "EFBIG" in output or "write failed" in output, output


def test_two_writers_leave_one_whole_recording(lab: Lab) -> None:
    first, second = lab.start(1), lab.start(2)
    outputs = [stop(first, None, 0), stop(second, None, 0)]
    generation, _ = lab.generation_on_disk()
    assert generation in (1, 2), outputs


@pytest.mark.slow
def test_200_randomized_interruptions(lab: Lab) -> None:
    """Signals at random moments (from start-up to saving), full disks and second writers
    mixed, 200 runs; every body file a cassette names still reads as recorded."""
    rng = random.Random(20261126)
    for generation in range(1, 201):
        kind = rng.random()
        if kind < 0.8:
            how = rng.choice((*SIGNALS, None))
            one_run(lab, generation, how, rng.uniform(0.0, 3.0))
        elif kind < 0.9:
            _, raw_before = lab.generation_on_disk()
            stop(lab.start(generation, file_limit=rng.choice((20_000, 60_000, 200_000))), None, 0)
            now, raw_now = lab.generation_on_disk()
            assert raw_now == raw_before or now == generation
        else:  # a second writer, possibly killed: one whole recording of either wins
            _before, raw_before = lab.generation_on_disk()
            other = lab.start(10_000 + generation)
            how = rng.choice((None, signal.SIGKILL))
            stop(lab.start(generation), how, rng.uniform(0.2, 2.0))
            stop(other, None, 0)
            now, raw_now = lab.generation_on_disk()
            assert raw_now == raw_before or now in (generation, 10_000 + generation)
