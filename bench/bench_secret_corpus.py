"""The whole secret corpus recorded through the plugin in every protocol (issue 56).

``tests/secrets/test_second_opinion.py``'s slow test records one text per format and half;
this records every text of the corpus (2,250 secrets in 75 formats, both halves), each as a
test of the sentinel suite's inner suite (moto server and a CBOR server on 127.0.0.1, every
protocol), then checks: no secret on disk in any form (as written, or inside base64) except
the explained cases, ``harness scan`` exit 0 on the recordings, and, for ``--planted N``
texts per half, exit 1 with the secret planted back in place of its placeholder.

Run: ``python bench/bench_secret_corpus.py [--size 2250] [--planted 40]`` (about 15 minutes
on 2 cores for the whole corpus). Prints each half's figures.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from harness.cli import run  # noqa: E402
from harness.serve.http import LoopbackServer  # noqa: E402
from tests.secrets.test_format_sentinels import SUITE, Views  # noqa: E402
from tests.secrets.test_second_opinion import EXPLAINED, SEED  # noqa: E402
from tests.support.inner_suite import run_inner  # noqa: E402
from tests.support.moto_server import moto_server  # noqa: E402
from tests.support.secret_corpus import corpus, set_aside  # noqa: E402

BATCH = 250


def _record(folder: Path, texts: list[str], timeout: float) -> str:
    """The sentinel suite over ``texts`` in ``folder``, as the slow test runs it."""
    with moto_server() as endpoint, LoopbackServer(Views().handle) as cbor:
        return run_inner(
            folder,
            "--aws-record-mode=once",
            "--aws-contract=off",
            timeout=timeout,
            MOTO_ENDPOINT=endpoint,
            CBOR_ENDPOINT=cbor.endpoint_url,
            SNTL_FORMATS=json.dumps(texts),
            SNTL_PROTOCOLS=str(folder.parent / f"{folder.name}-protocols.json"),
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY="testing",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=2250, help="entries of the corpus")
    parser.add_argument("--planted", type=int, default=40, help="texts per half planted back")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for the recording")
    args = parser.parse_args()
    entries = corpus(SEED, args.size)
    root = Path(tempfile.mkdtemp(prefix="secret-corpus-"))
    started = time.perf_counter()
    done = 0
    where: dict[int, Path] = {}  # entry number -> its cassette
    # (in batches: the texts travel in an environment variable, which has a size limit)
    for first in range(0, len(entries), BATCH):
        batch = entries[first : first + BATCH]
        folder = root / f"batch-{first:05d}"
        folder.mkdir()
        (folder / "test_formats.py").write_text(SUITE)
        out = _record(folder, [e.text for e in batch], args.timeout)
        passed = re.search(r"(\d+) passed", out)
        done += int(passed.group(1)) if passed else 0
        if not passed or int(passed.group(1)) != len(batch):
            print(out[-3000:])
        for index, entry in enumerate(batch):
            found = list((folder / "cassettes").rglob(f"format-{index}.yaml"))
            if found:
                where[entry.number] = found[0]
    recorded = time.perf_counter() - started
    print(f"recorded {done} of {len(entries)} texts in {recorded:.0f} s")
    folder = root
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".py"]
    disk = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    halves = {False: "worked on", True: "set aside"}
    for half, name in halves.items():
        part = [e for e in entries if set_aside(e.number) == half]
        left = [
            (e.format, e.place)
            for e in part
            if (e.format, e.place) not in EXPLAINED
            and any(
                f in disk for f in (e.secret, base64.b64encode(e.secret.encode()).decode()[4:-4])
            )
        ]
        print(f"{name}: {len(part)} texts, secrets on disk: {len(left)} {left[:5]}")
    scan_out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *map(str, sorted(root.glob("batch-*/cassettes")))], scan_out, err)
    print(f"harness scan of the recordings: exit {code}")
    if code:
        print(scan_out.getvalue()[-2000:])
    for half, name in halves.items():
        found = tried = 0
        for entry in entries:
            if set_aside(entry.number) != half or (entry.format, entry.place) in EXPLAINED:
                continue
            if tried >= args.planted:
                break
            if entry.number not in where:
                continue
            text = where[entry.number].read_text()
            placeholders = re.findall(r"REDACTED[a-z]{4}\d{4}", text)
            if not placeholders:
                continue
            target = folder / f"planted-{entry.number}.yaml"
            target.write_text(text.replace(placeholders[0], entry.secret, 1))
            tried += 1
            found += run(["scan", str(target)], io.StringIO(), io.StringIO()) == 1
        print(f"{name}: planted back {tried}, found by harness scan {found}")
    print(f"work folder: {folder}")


if __name__ == "__main__":
    main()
