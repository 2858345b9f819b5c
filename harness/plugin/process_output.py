"""What a test printed and logged: credentials in it, and ``print()`` left in library code.

The text is scanned by the harness's own secret detectors (``harness.secrets.scan.scan_text``,
which ``harness scan`` runs on cassettes), and for the credentials the test's clients were
made with and the replay's stand-ins, whatever their shape (``stand-in-secret`` has none a
detector knows). Log records are read by a handler on the root logger, from INFO up: while
the check runs, a root logger above INFO is lowered to INFO (as pytest's ``log_level`` does),
or a library that logs its client's keys at INFO would pass every test run at WARNING.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.plugin.process_state import Change

#: Packages whose prints are the test tooling's (Hypothesis reports its examples with print).
_TOOLING = tuple(os.sep + name + os.sep for name in ("_pytest", "pluggy", "hypothesis", "harness"))
_ADVICE_SECRET = (
    "Never print or log credentials: log the client's service and region, not its keyword "
    "arguments; botocore already keeps keys out of its own log lines."
)
_ADVICE_PRINT = (
    "Remove the print (a debugging leftover writes to the application's stdout, which may be "
    "a protocol: a CLI's JSON, a Lambda's log); use logging.getLogger(__name__).debug."
)


@dataclass(kw_only=True)
class Watch:
    """The output of one test being watched: the texts logged and where prints came from."""

    test_dir: Path
    logged: list[tuple[str, str]] = field(default_factory=list)  # (logger, message)
    prints: list[str] = field(default_factory=list)  # file:line of prints by library code
    handler: logging.Handler | None = None
    lowered_to: int | None = None
    root_level: int = logging.NOTSET


_WATCHES: list[Watch] = []


class _Reader(logging.Handler):
    """Keeps the messages of records from INFO up for the scan at the end of the test."""

    _harness_own = True  # (not a handler the test added: process_state leaves it out)

    def __init__(self, watch: Watch) -> None:
        super().__init__(logging.INFO)
        self.watch = watch

    def emit(self, record: logging.LogRecord) -> None:
        # (a record whose arguments do not format is not this check's to report)
        with contextlib.suppress(Exception):
            self.watch.logged.append((record.name, record.getMessage()))


def start(test_dir: Path, *, prints: bool) -> Watch:
    """Read the root logger's records from INFO up; with ``prints``, note library prints."""
    watch = Watch(test_dir=test_dir)
    root = logging.getLogger()
    watch.handler = _Reader(watch)
    root.addHandler(watch.handler)
    watch.root_level = root.level
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
        watch.lowered_to = logging.INFO
    if prints:
        _watch_prints()
        _WATCHES.append(watch)
    return watch


def stop(watch: Watch) -> None:
    """Undo ``start`` (a level the test changed meanwhile is left for process_state to see)."""
    root = logging.getLogger()
    if watch.handler is not None:
        root.removeHandler(watch.handler)
    if watch.lowered_to is not None and root.level == watch.lowered_to:
        root.setLevel(watch.root_level)
    if watch in _WATCHES:
        _WATCHES.remove(watch)


def changes(watch: Watch, captured: list[tuple[str, str]], known: set[str]) -> list[Change]:
    """Credentials in the ``captured`` (where, text) pairs and the records read; prints."""
    found = []
    texts = [*captured, *((f"the log of {name!r}", text) for name, text in watch.logged)]
    for where, text in texts:
        kinds = _credentials(text, known)
        if kinds:
            found.append(
                Change("output", f"{' and '.join(kinds)} written to {where}", _ADVICE_SECRET)
            )
    for place in dict.fromkeys(watch.prints):
        found.append(
            Change(
                "print", f"print() to standard output from library code at {place}", _ADVICE_PRINT
            )
        )
    return found


def _credentials(text: str, known: set[str]) -> list[str]:
    """The kinds of credential in ``text``: the secret detectors', and any known value."""
    if not text:
        return []
    from harness.replay.offline_env import STAND_IN_KEY
    from harness.secrets.scan import scan_text

    kinds = dict.fromkeys(f.kind for f in scan_text("output", text, known=(STAND_IN_KEY[0],)))
    if any(value and value in text for value in known):
        kinds.setdefault("a credential the test's clients were made with", None)
    return list(kinds)


def _watch_prints() -> None:
    """Wrap ``print`` once; it notes a print to stdout made outside the test's directory."""
    if getattr(builtins.print, "_harness_watched", False):
        return
    original = builtins.print

    def print(*args: Any, **kwargs: Any) -> None:
        if _WATCHES and kwargs.get("file") in (None, sys.stdout):
            _note_print(sys._getframe(1))
        original(*args, **kwargs)

    print._harness_watched = True  # type: ignore[attr-defined]
    builtins.print = print


def _note_print(frame: Any) -> None:
    filename = frame.f_code.co_filename
    if any(part in filename for part in _TOOLING) or filename.startswith("<"):
        return
    for watch in _WATCHES:
        try:
            Path(filename).resolve().relative_to(watch.test_dir)
        except ValueError:
            watch.prints.append(f"{filename}:{frame.f_lineno}")
