"""``harness cassette ls CASSETTE``: one line per interaction (operation, status, params, size)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, TextIO

from harness.cassettes.age import FUTURE_SLACK, age_text, epoch_of, short_age
from harness.cli.cassette._shared import human_size, key_params, load
from harness.safe_text import one_line


def register(subparsers: Any) -> None:
    """Add ``cassette ls``."""
    parser = subparsers.add_parser(
        "ls",
        help="list a cassette's interactions",
        description=(
            "One line per interaction: its number (for 'show' and 'prune'), the operation "
            "(or the request line of a call that is not to AWS), the HTTP status, the size "
            "of both bodies, how long ago it was recorded, and the request's top-level "
            "parameters; the first line says when the oldest and newest were recorded."
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
    now = time.time()
    for path in args.cassettes:
        entries, metadata = load(path)
        ages = [_age(e, now) for e in entries]
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
                    "recorded_at": e.tag.get("recorded_at"),
                    "age_seconds": age,
                }
                for e, age in zip(entries, ages, strict=True)
            )
            continue
        tool = metadata.get("harness")
        recorded = tool.get("recorded_with") if isinstance(tool, dict) else None
        about = f", recorded with {one_line(recorded)}" if recorded else ""
        stdout.write(f"{one_line(path)}: {len(entries)} interaction(s){about}{_span(ages)}\n")
        rows = [
            (
                f"#{e.index}",
                one_line(e.label),
                str(e.status),
                human_size(e.size),
                _short(age),
                key_params(e),
            )
            for e, age in zip(entries, ages, strict=True)
        ]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            stdout.write("  " + "  ".join([*cells, row[5]]).rstrip() + "\n")
    if args.json:
        stdout.write(json.dumps(listing, indent=2, ensure_ascii=False, default=str) + "\n")
    return 0


def _age(entry: Any, now: float) -> int | None:
    """Whole seconds since the interaction was recorded (its ``recorded_at``), None when
    unknown; negative for a time ahead of now by more than ``FUTURE_SLACK`` (a clock far
    off, an edited tag: ``max_age`` counts it as over any limit), 0 for one just ahead."""
    when = epoch_of(entry.tag.get("recorded_at"))
    if when is None:
        return None
    age = now - when
    return round(age) if age < -FUTURE_SLACK else max(round(age), 0)


def _short(age: int | None) -> str:
    """The age column: ``41d``, ``ahead 3d`` (a recording time in the future), ``?``."""
    if age is None:
        return "?"
    return short_age(age) if age >= 0 else f"ahead {short_age(-age)}"


def _span(ages: list[int | None]) -> str:
    """``, recorded 40 days ago (oldest) to 2 hours ago (newest)``; how many carry no time."""
    known = [a for a in ages if a is not None and a >= 0]
    ahead = sum(1 for a in ages if a is not None and a < 0)
    unknown = sum(1 for a in ages if a is None)
    if not known and not ahead:
        return ", recording times unknown" if ages else ""
    notes = (f"; {unknown} without a time" if unknown else "") + (
        f"; {ahead} recorded ahead of now (no age)" if ahead else ""
    )
    if not known:
        return notes.replace(";", ",", 1)
    return (
        f", recorded {age_text(max(known))} ago (oldest) to {age_text(min(known))} ago "
        f"(newest){notes}"
    )
