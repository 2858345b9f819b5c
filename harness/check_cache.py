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

Folders are walked through symbolic links (the packaged schemas are one in a checkout). A
``--schemas`` file whose ``$ref`` points outside its own document (another file, a URL)
turns the cache off for the run: what it points at is not part of the key.

Entries are JSON (never pickle: a cache folder may be restored from elsewhere in CI), one
per cassette path, under ``check/<settings digest>/``; an entry names the digests it was
made with, and every field is type-checked when read, so an entry from other settings, a
damaged one or a forged one is a miss, never a report. A report is stored only when the
cassette's digest is the same after its check as before, and only when its JSON reads back
equal to it. The harness removes only folders it made (marked ``MARKER``), keeping the
newest ``KEEP_FOLDERS``; a cache that cannot be written is only slower.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from harness.contract import SEVERITIES, CassetteReport, InteractionRows, Skipped, Violation

#: ``harness check --cache-dir``'s default, and ``off`` to turn the cache off.
CACHE_ENV = "HARNESS_CHECK_CACHE"
DEFAULT_DIR = ".harness_cache"
FORMAT = 1  # of the entries: a new layout starts a new folder
KEEP_FOLDERS = 4  # checkers/settings side by side (two virtualenvs, with and without drift)
#: The distributions whose versions can change a verdict (they read YAML and JSON, hold the
#: models, and validate); the harness itself is identified by its files, not its version.
_LIBRARIES = ("botocore", "PyYAML", "orjson", "jsonschema", "jsonschema-rs", "referencing")
_FOLDER_NOTE = "# Created by harness check (its report cache). Safe to delete.\n*\n"
MARKER = ".harness-check-cache"  # in each folder of entries: the harness made it
#: ``"$ref": "<anything but #...>"``: a reference to another document (file or URL).
_OUTSIDE_REF = re.compile(rb'"\$ref"\s*:\s*"(?!#)')


class CacheUnusable(Exception):
    """The run's settings depend on something the key cannot hold (the message says what)."""


def _digest_tree(
    digest: Any, root: Path, skip: Path | None = None, refs_inside: bool = False
) -> None:
    """Feed every file under ``root`` (names and bytes, in a fixed order, through symbolic
    links; not ``skip``, the cache itself) to ``digest``. With ``refs_inside``, a file with
    a ``$ref`` to another document raises ``CacheUnusable``."""
    if not root.is_dir():
        digest.update(b"\0file\0" if root.exists() else b"\0absent\0")
        if root.is_file():
            digest.update(hashlib.sha256(root.read_bytes()).digest())
        return
    skipped = os.path.realpath(skip) if skip is not None else None
    seen: set[str] = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen or real == skipped:  # a link back up the tree, or the cache
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            data = path.read_bytes()  # (unreadable: OSError, and the cache is not used)
            if refs_inside and _OUTSIDE_REF.search(data):
                raise CacheUnusable(f"{path} refers to another document with $ref")
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
            digest.update(b"\0" + hashlib.sha256(data).digest())


@functools.cache
def checker_digest() -> str:
    """The identity of this checker: the harness's files, the libraries, botocore's models."""
    from importlib import metadata  # (15 ms to import: only when the cache is used)

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
    schemas: Sequence[Path] | None,
    allow_drift: bool,
    rules: Mapping[str, str],
    skip: Path | None = None,
) -> str:
    """The identity of one run's checker and settings (schema folders by their contents;
    ``skip``: the cache's own folder, should it be inside one)."""
    digest = hashlib.sha256(checker_digest().encode())
    digest.update(orjson.dumps([allow_drift, sorted(rules.items())]))
    for folder in schemas or ():
        digest.update(f"\nschemas {folder}\n".encode("utf-8", "surrogateescape"))
        _digest_tree(digest, Path(folder), skip, refs_inside=True)
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
    settings: str  # the digest every entry of the folder names

    @classmethod
    def open(
        cls,
        root: Path,
        schemas: Sequence[Path] | None,
        allow_drift: bool,
        rules: Mapping[str, str],
    ) -> CheckCache:
        """The cache of these settings under ``root``, created if need be; raises
        ``OSError`` when ``root`` cannot hold it, ``CacheUnusable`` when the settings
        cannot be keyed."""
        settings = settings_digest(schemas, allow_drift, rules, skip=root)
        entries = root / "check"
        folder = entries / settings[:32]
        if not (folder / MARKER).is_file():
            if not entries.is_dir():
                entries.mkdir(parents=True)
                (entries / ".gitignore").write_text(_FOLDER_NOTE, encoding="utf-8")
            folder.mkdir(exist_ok=True)
            (folder / MARKER).write_bytes(b"")
            _prune(entries, keep=folder)
        os.utime(folder)  # the most recently used folders are kept
        return cls(folder, settings)

    def _entry(self, path: Path) -> Path:
        name = hashlib.sha256(os.fsencode(str(path))).hexdigest()[:40]
        return self.folder / f"{name}.json"

    def get(self, path: Path, digest: str | None) -> CassetteReport | None:
        """The stored report of ``path`` when its bytes had ``digest``, else None."""
        if digest is None:
            return None
        try:
            entry = orjson.loads(self._entry(path).read_bytes())
            if (entry["settings"], entry["digest"], entry["path"]) != (
                self.settings,
                digest,
                str(path),
            ):
                return None  # another version of the file, other settings, another path
            report = _report_of(entry["report"])
        except (OSError, KeyError, TypeError, ValueError, OverflowError):  # (orjson's too)
            return None  # absent, half-written, damaged or forged: check the file
        return report if report.path == str(path) else None

    def put(self, path: Path, digest: str | None, report: CassetteReport) -> None:
        """Store ``report`` of ``path`` (whose bytes had ``digest`` before the check), when
        the file still has them and the report survives its JSON form unchanged."""
        if digest is None or file_digest(path) != digest:
            return  # changed while it was checked: the report may be of neither version
        entry = {"settings": self.settings, "digest": digest, "path": str(path), "report": report}
        try:
            text = orjson.dumps(entry, default=_columns)
            if _report_of(orjson.loads(text)["report"]) != report:
                return  # metadata JSON cannot hold as it is (dates, bytes): not cached
        except (TypeError, ValueError, OverflowError):
            return
        _write(self._entry(path), text)


def _report_of(data: Any) -> CassetteReport:
    """The report of an entry's JSON; ``ValueError`` for anything but a report's fields of
    their types (a damaged or forged entry must not print, let alone pass)."""
    fields = {"path", "interactions", "violations", "metadata", "skipped"}
    if not isinstance(data, dict) or set(data) != fields or not isinstance(data["path"], str):
        raise ValueError("not a report")
    if not isinstance(data["metadata"], dict):
        raise ValueError("metadata is not a mapping")
    return CassetteReport(
        data["path"],
        InteractionRows.from_columns(data["interactions"]),
        [Violation(**_typed(v, _VIOLATION)) for v in _listed(data["violations"])],
        data["metadata"],
        [Skipped(**_typed(s, _SKIPPED)) for s in _listed(data["skipped"])],
    )


_TEXT, _WHERE, _INDEX = (str,), (str, type(None)), (int, type(None))
_VIOLATION = {
    **dict.fromkeys(("rule", "operation", "pointer", "value", "expected", "doc", "message"), _TEXT),
    "severity": _TEXT,
    "cassette": _WHERE,
    "index": _INDEX,
}
_SKIPPED = {"operation": _TEXT, "cassette": _WHERE, "index": _INDEX, "reason": _TEXT}


def _listed(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def _typed(value: Any, types: dict[str, tuple[type, ...]]) -> dict[str, Any]:
    """``value`` when it is a mapping of exactly these fields, of these types."""
    if not isinstance(value, dict) or set(value) != set(types):
        raise ValueError("not the fields of a report's item")
    for name, allowed in types.items():
        item = value[name]
        if isinstance(item, bool) or not isinstance(item, allowed):
            raise ValueError(f"{name} is a {type(item).__name__}")
    if "severity" in value and value["severity"] not in SEVERITIES:
        raise ValueError("not a severity")
    return value


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
    """Remove all but the ``KEEP_FOLDERS`` most recently used folders of entries in
    ``parent`` (only folders the harness made: they hold its ``MARKER``)."""
    try:
        folders = sorted(
            (p for p in parent.iterdir() if p != keep and (p / MARKER).is_file()),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
    except OSError:
        return
    for old in folders[KEEP_FOLDERS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
