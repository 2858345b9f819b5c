"""``harness cassette rerecord [CASSETTE ...]``: the pytest command that records them again.

The tests that used each cassette in the last run come from the plugin's usage record
(``harness.cassettes.usage``); the command re-runs exactly those tests in a record mode.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any, TextIO

from harness.cassettes.usage import shared_rerecord_command
from harness.cli.cassette._shared import add_cache_dir_option, usages
from harness.replay.record_modes import RECORD_MODES
from harness.safe_text import one_line


def register(subparsers: Any) -> None:
    """Add ``cassette rerecord``."""
    parser = subparsers.add_parser(
        "rerecord",
        help="print the pytest command that records cassettes again",
        description=(
            "Print, per cassette, the pytest command that re-runs the tests that used it in "
            "the last run, recording (needs AWS credentials for what it records). With no "
            "CASSETTE, every cassette that run touched. Run it from the pytest rootdir."
        ),
    )
    parser.add_argument("cassettes", nargs="*", type=Path, metavar="CASSETTE")
    parser.add_argument(
        "--mode",
        choices=[m for m in RECORD_MODES if m != "none"],
        default="all",
        help="record mode: all re-records every call (default), new_episodes adds only "
        "missing ones, once records cassettes that do not exist",
    )
    add_cache_dir_option(parser)
    parser.set_defaults(func=run_rerecord)


def run_rerecord(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print one command per cassette."""
    cache_dir, found = usages(list(args.cassettes), args.cache_dir, fixtures=True)
    rootdir = cache_dir.parent
    for path, usage in found:
        # (a test id or file name with control characters is shown escaped, not run)
        tests = one_line(" ".join(shlex.quote(t) for t in usage.tests)) or "<the tests using it>"
        stdout.write(f"# {one_line(path)}\n")
        if rootdir != Path.cwd():
            stdout.write(f"cd {one_line(shlex.quote(str(rootdir)))} && ")
        if usage.shared_targets:
            # one test re-recorded alone would record the fixture anew under the others
            command = shared_rerecord_command(
                usage.shared_targets, usage.shared_fixtures, runner="python -m pytest"
            )
            stdout.write(one_line(command) + "\n")
            if args.mode != "all":
                stdout.write(
                    f"# note: not --mode {args.mode}: the fixture would replay from its "
                    "cassette, and what it created does not exist on the live server\n"
                )
            continue
        stdout.write(f"python -m pytest {tests} --aws-record-mode={args.mode}\n")
        if usage.incomplete and args.mode == "all":
            stdout.write(
                f"# note: {one_line(', '.join(usage.incomplete))} failed or was skipped in the "
                "last run; mode 'all' replaces the file, so interactions only it needs would be "
                "lost: make it pass first, or use --mode new_episodes\n"
            )
    return 0
