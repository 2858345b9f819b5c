"""``harness verify [PATH ...] --endpoint URL``: are the recordings still true?

Each recorded AWS request is sent again to a live endpoint through a real botocore client and
the answers are compared by meaning (``harness.audit.verify``): differences are contract drift,
data changes or volatile values. Only read-only operations are sent unless
``--allow-writes``; what is not sent is listed with the reason. Exit 1 when anything
drifted, 0 otherwise, 2 on bad input (a path, an endpoint that cannot be reached, no
credentials).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from harness.errors import HarnessUsageError
from harness.safe_text import one_line

EXIT_OK = 0
EXIT_DRIFT = 1
#: Differences of one interaction shown in the text report (the JSON lists every one).
SHOWN = 8


def register(subparsers: Any) -> None:
    """Add ``verify``."""
    parser = subparsers.add_parser(
        "verify",
        help="send recorded requests to a live endpoint and classify how the answers differ",
        description=(
            "Send every recorded AWS request of the cassettes under PATH (default: "
            "cassettes/) to a live endpoint with a real botocore client (credentials from the "
            "environment, as botocore finds them) and compare the answers by meaning: "
            "contract drift, data change, or volatile values (ids, times). Only read-only "
            "operations are sent unless --allow-writes. Exit 1 on drift, 0 otherwise, 2 on "
            "bad input."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="cassette files or directories searched for *.yaml/*.yml (default: cassettes/)",
    )
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="where to send: http(s)://host[:port] (moto server, harness serve, LocalStack), "
        "or 'aws' for each service's own AWS endpoint",
    )
    parser.add_argument(
        "--region",
        default=None,
        help="region of every client (default: each interaction's recorded region, else "
        "botocore's configured one)",
    )
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="send operations that may write too (create, put, delete...): they change the "
        "endpoint's state",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    parser.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Verify every cassette; exit 1 when something drifted."""
    from harness.audit.verify import Result, Sender, verify_entries
    from harness.cassettes.entries import read_entries

    endpoint = _endpoint(args.endpoint)
    files = _cassettes(args.paths or [Path("cassettes")])
    loaded = [(path, read_entries(path)[0]) for path in files]  # every file read before sending
    sender = Sender(endpoint, args.region)
    results: list[Result] = []
    for path, entries in loaded:
        results += verify_entries(str(path), entries, sender.send, allow_writes=args.allow_writes)
    counts: Counter[str] = Counter(r.outcome for r in results)
    if args.format == "json":
        document = {
            "endpoint": endpoint or "aws",
            "cassettes": [str(p) for p in files],
            "allow_writes": args.allow_writes,
            "summary": {k: counts.get(k, 0) for k in _OUTCOMES},
            "interactions": [r.to_dict() for r in results],
        }
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        _write_text(results, files, endpoint, args.allow_writes, stdout)
    return EXIT_DRIFT if counts.get("drift") else EXIT_OK


_OUTCOMES = ("same", "volatile", "data", "drift", "transient", "skipped")


def _endpoint(text: str) -> str | None:
    if text.strip().lower() == "aws":
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HarnessUsageError(
            f"Cannot use endpoint {text!r}: give a URL such as http://127.0.0.1:5000 (moto "
            "server, harness serve) or 'aws' for AWS's own endpoints."
        )
    return text


def _cassettes(paths: list[Path]) -> list[Path]:
    from harness.cassettes.files import absent_because

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise HarnessUsageError(
                f"{path} {absent_because(path)}. Pass cassette files or folders (default: "
                "cassettes/)."
            )
    if not found:
        raise HarnessUsageError(
            f"No cassette (*.yaml, *.yml) under {', '.join(map(str, paths))}. Pass cassette "
            "files or the folder holding them."
        )
    return found


def _write_text(
    results: list[Any], files: list[Path], endpoint: str | None, writes: bool, stdout: TextIO
) -> None:
    where = endpoint or "AWS"
    stdout.write(
        f"harness verify: {len(results)} interaction(s) of {len(files)} cassette(s) against "
        f"{one_line(where)}; {'every operation' if writes else 'read-only operations only'}\n"
    )
    width = max((len(one_line(r.operation)) for r in results), default=0)
    current = None
    for r in results:
        if r.cassette != current:
            current = r.cassette
            stdout.write(f"{one_line(current)}\n")
        head = f"  #{r.index:<3} {one_line(r.operation).ljust(width)}  {r.outcome:<9}"
        volatile = [d for d in r.differences if d.kind == "volatile"]
        shown = [d for d in r.differences if d.kind != "volatile"]
        note = f" ({len(volatile)} volatile)" if volatile and shown else ""
        if r.reason:
            note += f" {one_line(r.reason)}"
        stdout.write((head + note).rstrip() + "\n")
        for d in shown[:SHOWN]:
            stdout.write(f"        {d.kind}: {one_line(_difference(d))}\n")
        if len(shown) > SHOWN:
            stdout.write(f"        ... and {len(shown) - SHOWN} more (--format json lists all)\n")
        if volatile and not shown:
            paths = ", ".join(d.path for d in volatile[:4]) + (", ..." if len(volatile) > 4 else "")
            stdout.write(f"        volatile: {one_line(paths)}\n")
    counts: Counter[str] = Counter(r.outcome for r in results)
    sent = len(results) - counts.get("skipped", 0)
    parts = ", ".join(f"{counts[k]} {k}" for k in _OUTCOMES[:5] if counts.get(k))
    stdout.write(
        f"Sent {sent}, skipped {counts.get('skipped', 0)}"
        + (f": {parts}." if parts else ".")
        + (
            " Drift: the API no longer answers as recorded; re-record."
            if counts.get("drift")
            else ""
        )
        + "\n"
    )


def _difference(d: Any) -> str:
    from harness.audit.verify import ABSENT

    def shown(value: Any) -> str:
        if value is ABSENT:
            return "absent"
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return text if len(text) <= 80 else text[:77] + "..."

    if d.recorded is ABSENT and d.live is ABSENT:
        return f"{d.path}: {d.why}"
    return f"{d.path}: recorded {shown(d.recorded)}, live {shown(d.live)} ({d.why})"
