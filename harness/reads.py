"""Which files a check read, by identity, so that a report kept on disk is tied to them.

``harness check``'s report cache keys a report by the cassette's bytes and by the schema
files as it found them by path before the run. A path can lead elsewhere for a moment (a
folder's link swapped during a run, then back): the check then read other files than the
key names, and its report must not be kept. So the readers say what they read: the cassette
reader and the schema store call :func:`note` with the ``stat`` of the file they opened, and
the cache compares those identities with the ones it keyed. Outside :func:`recording`
(every run without the cache, and replay) :func:`note` does nothing but one lookup.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar

#: A file as it was read: device, inode, size, modification and change times (ns).
Identity = tuple[int, int, int, int, int]

_READ: ContextVar[set[Identity] | None] = ContextVar("harness_files_read", default=None)


def identity(info: os.stat_result) -> Identity:
    """What tells one version of one file from any other."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def note(info: os.stat_result) -> None:
    """Record that a file with this ``stat`` was read (when something is recording)."""
    found = _READ.get()
    if found is not None:
        found.add(identity(info))


@contextlib.contextmanager
def recording() -> Iterator[set[Identity]]:
    """The identities of the files read within the ``with`` block (grows as it runs)."""
    found: set[Identity] = set()
    token = _READ.set(found)
    try:
        yield found
    finally:
        _READ.reset(token)
