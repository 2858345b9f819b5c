"""``harness cassette ls|show|diff|prune|gc|rerecord``: look into cassettes and keep them tidy.

One module per subcommand, each with ``register(subparsers)`` (as ``harness.cli``);
``_shared`` holds what they have in common. Every subcommand reads plain vcrpy and
pytest-recording cassettes too, including interactions with hosts other than AWS.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``cassette`` and every subcommand module of this package."""
    parser = subparsers.add_parser(
        "cassette",
        help="list, show, diff, prune cassettes; delete unnamed body files; re-record commands",
        description=(
            "Tools for cassette files: 'ls' lists interactions, 'show' prints one, 'diff' "
            "compares two cassettes by operation and parameters, 'prune' drops interactions "
            "the last test run did not replay, 'gc' deletes body files no cassette names, "
            "'rerecord' prints the pytest command that records a cassette again. Exit 2 on "
            "bad input."
        ),
    )
    sub = parser.add_subparsers(dest="cassette_command", metavar="SUBCOMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub)
