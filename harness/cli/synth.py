"""``harness synth``: write a cassette of synthetic exchanges for one operation."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from harness.aws.models import botocore_version, operation_label, parse_target
from harness.aws.protocols import wire_form as wire
from harness.cassettes.files import check_writable
from harness.cassettes.writing import write_cassette
from harness.cli.serve import seed_value
from harness.errors import HarnessUsageError
from harness.synthetic.engine import Faults, SyntheticBackend
from harness.synthetic.exchanges import require_seed_operation, synthesize

DESCRIPTION = (
    "Write a cassette of synthetic exchanges of SERVICE:OPERATION: requests drawn from the "
    "seed, answered by the synthetic backend, pagination chains followed. The cassette passes "
    "`harness check` and replays through the pytest plugin like a recorded one."
)


def register(subparsers: Any) -> None:
    """Add the ``synth`` subcommand."""
    parser = subparsers.add_parser(
        "synth", help="write a cassette of synthetic exchanges", description=DESCRIPTION
    )
    parser.add_argument("target", metavar="SERVICE:OPERATION",
                        help="for example cloudtrail:ListInsightsData")  # fmt: skip
    parser.add_argument(
        "--count", type=int, default=10, help="exchanges to write, 1 to 100,000 (default 10)"
    )
    parser.add_argument("--seed", default="0", help="world seed: same seed, same cassette")
    parser.add_argument(
        "--now",
        default=None,
        help="the backend's clock, ISO 8601 (default: today at 00:00 UTC); fix it for "
        "byte-identical cassettes",
    )
    parser.add_argument("--faults", default="", help="faults to inject, as for `harness serve`")
    parser.add_argument("--out", required=True, type=Path, help="cassette file to write")
    parser.set_defaults(func=run_synth)


def run_synth(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Synthesize and write the cassette atomically; exit 2 on a bad target or option."""
    service, operation = parse_target(args.target)
    operation = require_seed_operation(service, operation)
    now = _clock(args.now)
    check_writable(args.out)  # before the work, not after it
    backend = SyntheticBackend(
        seed=seed_value(args.seed), faults=Faults.parse(args.faults), now=now
    )
    exchanges = synthesize(backend, service, operation, args.count)
    metadata = {
        "synthetic": True,
        "generator": "harness synth",
        "operation": operation_label(service, operation),
        "seed": backend.seed,
        "now": wire.encode_timestamp(backend.now(), "iso8601"),
        "faults": args.faults,
        "botocore": botocore_version(),
    }
    path = write_cassette(args.out, exchanges, metadata)
    errors = sum(wire.is_error(e.response) for e in exchanges)
    stdout.write(
        f"wrote {len(exchanges)} synthetic {operation_label(service, operation)} exchanges "
        f"({errors} errors) to {path}\n"
    )
    return 0


def _clock(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        when = wire.parse_timestamp(text)
    except (ValueError, TypeError, OverflowError):
        raise HarnessUsageError(
            f"Cannot read --now {text!r} as a time: write ISO 8601, for example "
            "2025-01-01T00:00:00Z."
        ) from None
    if not EARLIEST_NOW <= when <= LATEST_NOW:
        # the world looks 90 days back and AWS ids carry dates: keep clear of year 1 and 9999
        raise HarnessUsageError(
            f"Cannot use --now {text!r}: pick a time from {EARLIEST_NOW.year} to "
            f"{LATEST_NOW.year}, for example 2025-01-01T00:00:00Z."
        )
    return when


EARLIEST_NOW = dt.datetime(1971, 1, 1, tzinfo=dt.timezone.utc)
LATEST_NOW = dt.datetime(2199, 12, 31, tzinfo=dt.timezone.utc)
