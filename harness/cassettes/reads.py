"""Which files a check read, by identity, so that a report kept on disk is tied to them.

``harness check``'s report cache keys a report by the cassette's bytes and by the schema
files as it found them by path before the run. A path can lead elsewhere for a moment (a
folder's link swapped during a run, then back): the check then read other files than the
key names, and its report must not be kept. So the readers say what they read: the cassette
reader and the schema store call :func:`note` with the ``stat`` of the file they opened (and
:func:`note_absent` with the paths a lookup found nothing at), and the cache compares those
with what it keyed. Outside :func:`recording`
(every run without the cache, and replay) :func:`note` does nothing but one lookup.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

#: A file as it was read: device, inode, size, modification and change times (ns).
Identity = tuple[int, int, int, int, int]

_READ: ContextVar[Reads | None] = ContextVar("harness_files_read", default=None)


@dataclass
class Reads:
    """What a check read: files by identity, and the paths it looked for and did not find
    (a schema missing from a ``--schemas`` folder falls through to the packaged one)."""

    files: set[Identity] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)


def identity(info: os.stat_result) -> Identity:
    """What tells one version of one file from any other."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def note(info: os.stat_result) -> None:
    """Record that a file with this ``stat`` was read (when something is recording)."""
    found = _READ.get()
    if found is not None:
        found.files.add(identity(info))


def note_absent(paths: Iterable[str]) -> None:
    """Record that these paths were looked for and not found (when something is recording)."""
    found = _READ.get()
    if found is not None:
        found.absent.update(paths)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """What is read within the ``with`` block (it grows as the block runs)."""
    found = Reads()
    token = _READ.set(found)
    try:
        yield found
    finally:
        _READ.reset(token)
