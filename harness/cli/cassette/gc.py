"""``harness cassette gc [FOLDER ...]``: delete body files no cassette names any more.

A large payload is kept beside its cassette in ``<folder>/_bodies/<sha256>``
(``harness.cassettes.body_files``), shared by the cassettes of that folder. Re-recording or
pruning can leave a body file no cassette names; it is never deleted on its own (a save
cannot know whether another cassette of the folder names it). ``gc`` reads the cassettes of
each folder that has a ``_bodies`` folder and deletes the body files none of them names.
A name is looked for in the cassettes' text (``_bodies/<sha256>``): a file named anywhere,
even in a comment, is kept.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, TextIO

from harness.cassettes import body_files
from harness.cassettes.cassette import read_bytes
from harness.cli.cassette._shared import human_size
from harness.errors import HarnessUsageError
from harness.safe_text import one_line

#: A body file's name as a cassette writes it.
_NAMED = re.compile(rb"_bodies/([0-9a-f]{64})")
_CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


def register(subparsers: Any) -> None:
    """Add ``cassette gc``."""
    parser = subparsers.add_parser(
        "gc",
        help="delete body files (_bodies/) that no cassette names any more",
        description=(
            "Delete the large-payload files in each _bodies folder under FOLDER (default: "
            "cassettes) that no cassette of the folder beside it names. Run it when no test "
            "is recording (a recording writes its body files before its cassette). "
            "--dry-run only prints."
        ),
    )
    parser.add_argument("folders", nargs="*", type=Path, metavar="FOLDER")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be deleted, change nothing"
    )
    parser.set_defaults(func=run_gc)


def run_gc(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Delete the unnamed body files under every folder given (all are read first)."""
    folders = list(args.folders) or [Path("cassettes")]
    for folder in folders:
        if not folder.is_dir():
            raise HarnessUsageError(
                f"{folder} is not a folder: give the folder your cassettes are in "
                "(harness cassette gc cassettes)."
            )
    unnamed: list[Path] = []
    for bodies in sorted({b for f in folders for b in _body_folders(f)}):
        named = _names_in(bodies.parent)
        unnamed += [p for p in sorted(bodies.iterdir()) if p.is_file() and p.name not in named]
    freed = 0
    for path in unnamed:
        size = path.stat().st_size
        if not args.dry_run:
            path.unlink()
        freed += size
        verb = "would delete" if args.dry_run else "deleted"
        stdout.write(f"{one_line(str(path))}: no cassette names it: {verb} ({human_size(size)}).\n")
    verb = "would free" if args.dry_run else "freed"
    stdout.write(f"{len(unnamed)} body file(s) unnamed; {verb} {human_size(freed)}.\n")
    return 0


def _body_folders(folder: Path) -> list[Path]:
    found = [folder / body_files.FOLDER] if (folder / body_files.FOLDER).is_dir() else []
    return found + [p for p in folder.rglob(body_files.FOLDER) if p.is_dir() and p not in found]


def _names_in(folder: Path) -> set[str]:
    """The body files the cassettes directly in ``folder`` name."""
    names: set[str] = set()
    for path in folder.iterdir():
        if path.is_file() and path.suffix in _CASSETTE_SUFFIXES:
            names.update(m.decode() for m in _NAMED.findall(read_bytes(path)))
    return names
