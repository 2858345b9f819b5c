"""Reports of ``harness check`` kept between runs: an unchanged cassette, checked by the same
checker with the same settings, is not checked again.

A report is reused only when everything its verdict depends on is unchanged (a stale key
would be a false pass, the one thing a contract checker must never give):

- the cassette's bytes (SHA-256), and the path it was named by (the report names it);
- the settings: ``--allow-drift``, ``--rule``, and the bytes of every file under each
  ``--schemas`` folder;
- the checker: every file of the installed ``harness`` package (rules, operation packs,
  packaged schemas), the versions of Python and of the libraries that read, decode and
  validate, botocore's version and every file of the model folders its loader reads besides
  its own (``~/.aws/models``, ``AWS_DATA_PATH``).

Entries are JSON (never pickle: a cache folder may be restored from elsewhere in CI), one
per cassette path, under a folder named by the checker and settings digest; the newest
``KEEP_FOLDERS`` such folders are kept. A report is stored only when the cassette's digest
is the same after its check as before, and only when its JSON reads back equal to it. An
entry that cannot be read is a miss; a cache that cannot be written is only slower.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from harness.contract import CassetteReport, InteractionRows, Skipped, Violation

#: ``harness check --cache-dir``'s default, and ``off`` to turn the cache off.
CACHE_ENV = "HARNESS_CHECK_CACHE"
DEFAULT_DIR = ".harness_cache"
FORMAT = 1  # of the entries: a new layout starts a new folder
KEEP_FOLDERS = 4  # checkers/settings side by side (two virtualenvs, with and without drift)
#: The distributions whose versions can change a verdict (they read YAML and JSON, hold the
#: models, and validate); the harness itself is identified by its files, not its version.
_LIBRARIES = ("botocore", "PyYAML", "orjson", "jsonschema", "jsonschema-rs", "referencing")
_FOLDER_NOTE = "# Created by harness check (its report cache). Safe to delete.\n*\n"


def _digest_tree(digest: Any, root: Path) -> None:
    """Feed every file under ``root`` (names and bytes, in a fixed order) to ``digest``."""
    if not root.is_dir():
        digest.update(b"\0file\0" if root.exists() else b"\0absent\0")
        if root.is_file():
            digest.update(hashlib.sha256(root.read_bytes()).digest())
        return
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + hashlib.sha256(path.read_bytes()).digest())


@functools.cache
def checker_digest() -> str:
    """The identity of this checker: the harness's files, the libraries, botocore's models."""
    import botocore.loaders

    import harness

    digest = hashlib.sha256(f"harness-check-cache {FORMAT}\n{sys.version}\n".encode())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "(not installed)"
        digest.update(f"{name}=={version}\n".encode())
    _digest_tree(digest, Path(harness.__file__).parent)
    loader = botocore.loaders.create_loader()
    for path in loader.search_paths:  # botocore's own folder is named by its version
        if Path(path) != Path(loader.BUILTIN_DATA_PATH):
            digest.update(f"\nmodels {path}\n".encode("utf-8", "surrogateescape"))
            _digest_tree(digest, Path(path).expanduser())
    return digest.hexdigest()


def settings_digest(
    schemas: Sequence[Path] | None, allow_drift: bool, rules: Mapping[str, str]
) -> str:
    """The identity of one run's settings (the schema folders by their contents)."""
    digest = hashlib.sha256(checker_digest().encode())
    digest.update(orjson.dumps([allow_drift, sorted(rules.items())]))
    for folder in schemas or ():
        digest.update(f"\nschemas {folder}\n".encode("utf-8", "surrogateescape"))
        _digest_tree(digest, Path(folder))
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read (its check says why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class CheckCache:
    """The entries of one checker and settings (``folder``); picklable for worker processes."""

    folder: Path

    @classmethod
    def open(
        cls,
        root: Path,
        schemas: Sequence[Path] | None,
        allow_drift: bool,
        rules: Mapping[str, str],
    ) -> CheckCache:
        """The cache of these settings under ``root``, created if need be; raises
        ``OSError`` when ``root`` cannot hold it."""
        folder = root / "check" / settings_digest(schemas, allow_drift, rules)[:32]
        if not folder.is_dir():
            root.mkdir(parents=True, exist_ok=True)
            note = root / ".gitignore"
            if not note.exists():
                note.write_text(_FOLDER_NOTE, encoding="utf-8")
            folder.mkdir(parents=True, exist_ok=True)
            _prune(folder.parent, keep=folder)
        os.utime(folder)  # the most recently used folders are kept
        return cls(folder)

    def _entry(self, path: Path) -> Path:
        name = hashlib.sha256(os.fsencode(str(path))).hexdigest()[:40]
        return self.folder / f"{name}.json"

    def get(self, path: Path, digest: str | None) -> CassetteReport | None:
        """The stored report of ``path`` when its bytes had ``digest``, else None."""
        if digest is None:
            return None
        try:
            entry = orjson.loads(self._entry(path).read_bytes())
            if entry["digest"] != digest or entry["path"] != str(path):
                return None
            return _report_of(entry["report"])
        except (
            OSError,
            KeyError,
            TypeError,
            ValueError,
            OverflowError,
        ):  # (orjson's are ValueErrors)
            return None  # absent, half-written or foreign: check the file

    def put(self, path: Path, digest: str | None, report: CassetteReport) -> None:
        """Store ``report`` of ``path`` (whose bytes had ``digest`` before the check), when
        the file still has them and the report survives its JSON form unchanged."""
        if digest is None or file_digest(path) != digest:
            return  # changed while it was checked: the report may be of neither version
        try:
            text = orjson.dumps(
                {"digest": digest, "path": str(path), "report": report}, default=_columns
            )
            if _report_of(orjson.loads(text)["report"]) != report:
                return  # metadata JSON cannot hold as it is (dates, bytes): not cached
        except (TypeError, ValueError, OverflowError):
            return
        _write(self._entry(path), text)


def _report_of(data: dict[str, Any]) -> CassetteReport:
    return CassetteReport(
        data["path"],
        InteractionRows.from_columns(data["interactions"]),
        [Violation(**v) for v in data["violations"]],
        data["metadata"],
        [Skipped(**s) for s in data["skipped"]],
    )


def _columns(value: Any) -> Any:
    if isinstance(value, InteractionRows):
        return value.columns()
    raise TypeError(f"{type(value).__name__} is not kept in the report cache")


def _write(target: Path, data: bytes) -> None:
    """Replace ``target`` at once (no fsync: a torn entry does not parse, and is a miss)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _prune(parent: Path, keep: Path) -> None:
    """Remove all but the ``KEEP_FOLDERS`` most recently used folders of ``parent``."""
    try:
        folders = sorted(
            (p for p in parent.iterdir() if p.is_dir() and p != keep),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
    except OSError:
        return
    for old in folders[KEEP_FOLDERS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
