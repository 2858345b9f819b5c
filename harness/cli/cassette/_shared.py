"""What the ``harness cassette`` subcommands share: reading, picking and summarising entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.cassettes.entries import Entry, read_entries
from harness.cassettes.usage import Usage, find_cache_dir, read_usage, usage_of
from harness.errors import HarnessUsageError
from harness.safe_text import one_line


def load(path: Path) -> tuple[list[Entry], dict[str, Any]]:
    """A cassette's entries; a directory or missing file gets a one-paragraph error."""
    if path.is_dir():
        raise HarnessUsageError(
            f"{path} is a directory; give a cassette file (list them with: ls {path})."
        )
    return read_entries(path)


def entry_at(entries: list[Entry], number: str, path: Path) -> Entry:
    """The entry numbered ``number`` (``3`` or ``#3``), or a usage error listing the range."""
    text = number.lstrip("#")
    span = f"#0 to #{len(entries) - 1}" if entries else "none"
    if not text.isdigit() or int(text) >= len(entries):
        raise HarnessUsageError(
            f"Cassette {path} has no interaction {number!r}: it holds {len(entries)} "
            f"({span}). List them with: harness cassette ls {path}"
        )
    return entries[int(text)]


def key_params(entry: Entry, width: int = 60) -> str:
    """The request's top-level parameters in one short line: ``InsightId="a1", MaxResults=5``
    (escaped: see ``harness.safe_text``)."""
    if entry.exchange is None:
        return ""
    parts = []
    for name, value in sorted(entry.exchange.params.items()):
        if isinstance(value, dict):
            shown = "{...}"
        elif isinstance(value, list):
            shown = f"[{len(value)}]"
        else:
            shown = json.dumps(value, ensure_ascii=False)
            if len(shown) > 28:
                shown = shown[:25] + '..."'
        parts.append(f"{name}={shown}")
    line = one_line(", ".join(parts))
    return line if len(line) <= width else line[: width - 3] + "..."


def human_size(size: int) -> str:
    """``512 B``, ``1.2 KB``, ``3.4 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def add_cache_dir_option(parser: Any) -> None:
    """``--cache-dir`` for the subcommands that read the last run's usage record."""
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="pytest's cache folder of the run (default: the nearest .pytest_cache holding a "
        "botocore-harness usage record, from the current folder up)",
    )


def usages(
    paths: list[Path], cache_dir: Path | None, *, fixtures: bool = False
) -> tuple[Path, list[tuple[Path, Usage]]]:
    """The cache folder and the usage of each cassette (all the run touched, with no paths;
    with ``fixtures``, a wide fixture's cassette too, by the tests sharing it).

    Every cassette is checked before any is touched, so a bad one changes nothing.
    """
    folder = cache_dir or find_cache_dir(Path.cwd())
    if folder is None:
        raise HarnessUsageError(
            "No record of which interactions tests used: no .pytest_cache with a "
            "botocore-harness usage record in this folder or above. Run the test suite "
            "(replaying) first, then run this from the project folder or pass --cache-dir."
        )
    recorded = read_usage(folder)
    if not paths:
        paths = sorted(path for path in recorded if path.exists())
    return folder, [(path, usage_of(recorded, path, folder, fixtures=fixtures)) for path in paths]
