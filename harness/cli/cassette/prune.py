"""``harness cassette prune [CASSETTE ...]``: drop the interactions the last run did not replay.

The pytest plugin records, per cassette, which interactions its tests used
(``harness.cassettes.usage``).
Prune trusts that record only for the file it describes: a cassette changed since the run is
refused, so is one no test used, and one a test failed or was skipped with is left alone.
Run the whole suite first; a run narrowed with ``-k`` would make interactions of the tests
it deselected look unused.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.cassettes.writing import drop_interactions
from harness.cli.cassette._shared import add_cache_dir_option, usages
from harness.safe_text import one_line


def register(subparsers: Any) -> None:
    """Add ``cassette prune``."""
    parser = subparsers.add_parser(
        "prune",
        help="drop interactions no test replayed in the last run",
        description=(
            "Remove from each cassette the interactions no test replayed in the last pytest "
            "run (the plugin writes which ones it used into pytest's cache). With no "
            "CASSETTE, every cassette that run touched. Run the whole test suite first. "
            "Files are rewritten atomically; --dry-run only prints."
        ),
    )
    parser.add_argument("cassettes", nargs="*", type=Path, metavar="CASSETTE")
    add_cache_dir_option(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be dropped, change nothing"
    )
    parser.set_defaults(func=run_prune)


def run_prune(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Drop unused interactions from every cassette given (all are checked first)."""
    _, found = usages(list(args.cassettes), args.cache_dir)
    dropped_total = 0
    for raw_path, usage in found:
        path = one_line(raw_path)  # (file names and test ids are shown escaped)
        if usage.incomplete:
            names = one_line(", ".join(usage.incomplete[:3]))
            names += " ..." if len(usage.incomplete) > 3 else ""
            stdout.write(
                f"{path}: left alone: {names} failed or was skipped in the last run, so what "
                "it needs is unknown. Make it pass, run the suite again, then prune.\n"
            )
            continue
        unused = usage.unused
        if not unused:
            stdout.write(f"{path}: every interaction was used; nothing to drop.\n")
            continue
        shown = ", ".join(f"#{i}" for i in unused[:20]) + (" ..." if len(unused) > 20 else "")
        if args.dry_run:
            stdout.write(f"{path}: would drop {len(unused)} of {usage.total} ({shown}).\n")
            continue
        dropped = drop_interactions(raw_path, unused)
        dropped_total += dropped
        stdout.write(f"{path}: dropped {dropped} of {usage.total} ({shown}).\n")
    if dropped_total:
        stdout.write("Run the test suite again to record which interactions are used now.\n")
    return 0
