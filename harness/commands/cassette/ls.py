"""``harness cassette ls CASSETTE``: one line per interaction (operation, status, params, size)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from harness.commands.cassette._shared import human_size, key_params, load
from harness.safe_text import one_line


def register(subparsers: Any) -> None:
    """Add ``cassette ls``."""
    parser = subparsers.add_parser(
        "ls",
        help="list a cassette's interactions",
        description=(
            "One line per interaction: its number (for 'show' and 'prune'), the operation "
            "(or the request line of a call that is not to AWS), the HTTP status, the "
            "request's top-level parameters and the size of both bodies."
        ),
    )
    parser.add_argument("cassettes", nargs="+", type=Path, metavar="CASSETTE")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list instead of a table (for tools)"
    )
    parser.set_defaults(func=run_ls)


def run_ls(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """List each cassette given."""
    listing: list[dict[str, Any]] = []
    for path in args.cassettes:
        entries, metadata = load(path)
        if args.json:
            listing.extend(
                {
                    "cassette": str(path),
                    "index": e.index,
                    "operation": e.exchange.label if e.exchange else None,
                    "request": e.line,
                    "status": e.status,
                    "size": e.size,
                    "params": e.exchange.params if e.exchange else None,
                }
                for e in entries
            )
            continue
        tool = metadata.get("harness")
        recorded = tool.get("recorded_with") if isinstance(tool, dict) else None
        about = f", recorded with {one_line(recorded)}" if recorded else ""
        stdout.write(f"{one_line(path)}: {len(entries)} interaction(s){about}\n")
        rows = [
            (f"#{e.index}", one_line(e.label), str(e.status), human_size(e.size), key_params(e))
            for e in entries
        ]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            stdout.write("  " + "  ".join([*cells, row[4]]).rstrip() + "\n")
    if args.json:
        stdout.write(json.dumps(listing, indent=2, ensure_ascii=False, default=str) + "\n")
    return 0
