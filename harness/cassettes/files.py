"""Atomic file writes: readers see the old file or the new one, never half of either.

Every file the harness writes (cassettes, schemas, manifests) goes through
``atomic_write_text``: a temporary sibling, fsync, then ``os.replace``. On top of that it

- keeps the mode of the file it replaces (a new file gets the usual ``0666 & ~umask``,
  not ``mkstemp``'s 0600), so a rewritten cassette stays readable by the team and by CI;
- removes its temporary file on every exit path it can see: errors, ``KeyboardInterrupt``,
  and SIGTERM in the command line (``cli.main`` turns it into ``SystemExit``); a run killed
  outright (SIGKILL) leaves one behind, which the next write to the same file removes once
  it is older than ``STALE_TEMP_SECONDS``;
- explains a failure in one paragraph (``HarnessUsageError``): what, where, what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from harness.errors import HarnessUsageError

STALE_TEMP_SECONDS = 600  # a writer holds its temporary file for far less than this


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically; returns ``path``."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path``."""
    path = Path(path)
    if path.is_dir():
        raise HarnessUsageError(
            f"Cannot write {path}: it is a directory. Give a file path (for example "
            f"{path / 'out.yaml'})."
        )
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot(path, f"cannot create its folder {folder}", exc) from None
    _remove_stale_temps(path)
    mode = _mode_for(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot(path, f"cannot create a file in {folder}", exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot(path, "the write failed", exc) from None
        raise
    return path


def read_reviewed_file(path: Path, limit: int, *, missing: str, too_big: str) -> bytes:
    """The bytes of a small file people review (an acknowledgements file), at most
    ``limit``; a one-paragraph ``HarnessUsageError`` when it is absent (``missing`` says what
    to do), unreadable, or larger (``too_big`` says why it should not be)."""
    try:
        with open_regular(path) as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise HarnessUsageError(
            f"Acknowledgements file {path} {absent_because(path)}. {missing}"
        ) from None
    except OSError as exc:
        raise HarnessUsageError(
            f"Cannot read acknowledgements file {path}: {exc.strerror or exc}. Check the path "
            "and its permissions."
        ) from None
    if len(raw) > limit:
        raise HarnessUsageError(f"Acknowledgements file {path} is over {limit:,} bytes: {too_big}")
    return raw


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, when it is a regular file; ``OSError`` otherwise. A FIFO
    put where a file was found would block ``open`` until a writer came: it is opened
    without waiting, and refused."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def absent_because(path: Path) -> str:
    """What is wrong with a path given as a file or folder that is neither (for messages:
    "cassettes/x.yaml does not exist"): a FIFO or a dangling link is not "missing"."""
    if path.exists():
        return "is neither a regular file nor a folder (a FIFO, a socket or a device)"
    if path.is_symlink():
        return f"is a link to {os.readlink(path)}, which does not exist"
    return "does not exist"


def check_writable(path: Path, *, folder: bool = False) -> None:
    """Fail early, before any work, when ``path`` (a file, or a ``folder``) cannot be written:
    a directory where a file is wanted (or the reverse), or no writable folder to hold it."""
    path = Path(path)
    if path.exists() and path.is_dir() != folder:
        kind = "a directory" if path.is_dir() else "a file"
        want = "a folder" if folder else "a file path"
        raise HarnessUsageError(f"Cannot write {path}: it is {kind}; give {want}.")
    existing = path if folder and path.is_dir() else path.parent
    while not existing.exists():  # the first ancestor that exists must be a writable folder
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise HarnessUsageError(
            f"Cannot write {path}: {existing} is not a writable folder. Choose another path."
        )


def _cannot(path: Path, what: str, exc: OSError) -> HarnessUsageError:
    reason = exc.strerror or str(exc)
    return HarnessUsageError(
        f"Cannot write {path}: {what} ({reason}). Check that the folder exists, is a folder "
        f"and is writable, or choose another path; {path.name} was left as it was."
    )


def _mode_for(path: Path) -> int:
    """The permission bits the written file gets: those of the file it replaces, if any."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the platform allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)  # elsewhere: set and restore (a brief window; writes are rare)
    os.umask(current)
    return current


def _remove_stale_temps(path: Path) -> None:
    """Remove temporary files of earlier writes of ``path`` left by a killed process."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()


__all__ = ["STALE_TEMP_SECONDS", "atomic_write_bytes", "atomic_write_text", "check_writable"]
