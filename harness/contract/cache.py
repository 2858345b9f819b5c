"""Reports of ``harness check`` kept between runs: an unchanged cassette, checked by the same
checker with the same settings, is not checked again.

A report is reused only when everything its verdict depends on is unchanged (a stale key
would be a false pass, the one thing a contract checker must never give):

- the cassette's bytes (SHA-256), and the path it was named by (the report names it);
- the settings: ``--allow-drift``, ``--rule``, and the bytes of every file under each
  ``--schemas`` folder;
- the checker: every file of the imported ``harness`` package (rules, operation packs,
  packaged schemas); Python's version; the versions and locations of the libraries that
  read, decode and validate; botocore's data (pip's record of its files' hashes, or in a
  checkout each file's ``stat``) and every file of the model folders its loader reads
  besides it (``~/.aws/models``).

Folders are walked through symbolic links, a folder reached by two names under both (the
packaged schemas are a link in a checkout), and only regular files are read. A schema file
with a reference to another document (a ``$ref`` or ``$dynamicRef`` not starting with ``#``,
a file or a URL) turns the cache off for the run: what it points at is not in the key.

Entries are JSON (never pickle), one per cassette path, under ``check/<settings digest>/``.
An entry names the digests it was made with, and every field is checked when read (types,
and a report's own consistency), so an entry of other settings or a damaged one is a miss.
A report is stored only when the cassette is the same after its check as before (bytes and
``stat``), only when the check read that very file and the schema files as keyed and found
no schema missing where the keyed folders held one (``harness.cassettes.reads``: a path may lead
elsewhere for a moment), only when its JSON reads back equal to it, and is withdrawn when
the settings digest at the end of the run is not the one it began with. The harness
removes only folders it made (marked ``MARKER``), keeping the newest ``KEEP_FOLDERS``; a
cache that cannot be written is only slower. Entries are trusted as the cassettes are:
whoever can write the cache folder can make a run pass, so restore it only from your own
runs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from harness.cassettes import body_files, reads
from harness.cassettes.files import open_regular
from harness.cassettes.reads import Identity, Reads
from harness.contract.checker import SEVERITIES, Skipped, Violation
from harness.contract.report import CassetteReport, InteractionRows

#: ``harness check --cache-dir``'s default, and ``off`` to turn the cache off.
CACHE_ENV = "HARNESS_CHECK_CACHE"
DEFAULT_DIR = ".harness_cache"
FORMAT = 2  # of the entries: a new layout starts a new folder
KEEP_FOLDERS = 4  # checkers/settings side by side (two virtualenvs, with and without drift)
#: The libraries that can change a verdict (they read YAML and JSON, hold the models, and
#: validate), by module and distribution; the harness is identified by its files.
_LIBRARIES = {
    "botocore": "botocore",
    "yaml": "PyYAML",
    "orjson": "orjson",
    "jsonschema": "jsonschema",
    "jsonschema_rs": "jsonschema-rs",
    "referencing": "referencing",
}
#: Those whose ``__version__`` is their version (jsonschema's is deprecated).
_VERSIONED = frozenset({"botocore", "yaml", "orjson", "jsonschema_rs"})
_FOLDER_NOTE = "# Created by harness check (its report cache). Safe to delete.\n*\n"
MARKER = ".harness-check-cache"  # in each folder of entries: the harness made it
#: Schema keywords whose value may name another document (a file or a URL).
_REFERENCES = frozenset({"$ref", "$dynamicRef", "$recursiveRef"})


#: Where the standard meta-schemas live; a ``$schema`` elsewhere is another document.
_STANDARD_META_SCHEMAS = ("https://json-schema.org/", "http://json-schema.org/")


class CacheUnusable(Exception):
    """The run's settings depend on something the key cannot hold (the message says what;
    ``advice`` what to do)."""

    def __init__(self, message: str, advice: str = "Make it readable") -> None:
        super().__init__(message)
        self.advice = advice


def _files(
    folder: str, real: str, rel: str, ancestors: frozenset[str], skip: str | None
) -> Iterator[Any]:
    """(name under the root, ``os.DirEntry``) of everything under ``folder`` (whose real
    path is ``real``) but folders, in a fixed order, through symbolic links. A link back up
    the tree is not followed: it comes as (its name, the real path it leads to), since
    lookups through it reach files by other names. The folder ``skip`` (a real path) is
    left out."""
    if real == skip:
        return
    if real in ancestors:
        yield rel, real
        return
    inside = ancestors | {real}
    try:
        listed = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise CacheUnusable(f"{folder} cannot be listed ({exc.strerror or exc})") from None
    for entry in listed:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():  # (follows a link, as the checker's lookups do)
            # the real path: a link's resolved, another folder's is its parent's plus its name
            where = os.path.realpath(entry.path) if entry.is_symlink() else f"{real}/{entry.name}"
            yield from _files(entry.path, where, f"{rel}{entry.name}/", inside, skip)
        else:
            yield f"{rel}{entry.name}", entry


def _walk(root: Path, skip: Path | None = None) -> Iterator[Any]:
    real_skip = os.path.realpath(skip) if skip is not None else None
    return _files(str(root), os.path.realpath(root), "", frozenset(), real_skip)


def _digest_tree(
    digest: Any, root: Path, skip: Path | None = None, refs_inside: bool = False
) -> None:
    """Feed every file under ``root`` to ``digest``: names and bytes of regular files, names
    and kinds of others (a FIFO is not read); ``skip``: the cache's own entries. With
    ``refs_inside``, a file referring to another document raises ``CacheUnusable``; so does
    a file that cannot be read."""
    if not root.is_dir():  # (a file, or nothing, named as a folder)
        found = [(root.name, str(root), root.is_file())] if os.path.lexists(root) else []
    else:
        found = [
            (name, entry, False) if isinstance(entry, str) else (name, entry.path, entry.is_file())
            for name, entry in _walk(root, skip)
        ]
    for name, path, regular in found:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        if name.endswith("/"):  # a link back up the tree
            digest.update(f"(a link to {path})\0".encode("utf-8", "surrogateescape"))
            continue
        if not regular:
            try:
                kind = stat.filemode(os.stat(path).st_mode)
            except OSError:
                kind = "missing"  # (a dangling link)
            digest.update(f"({kind})\0".encode())
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CacheUnusable(f"{path} cannot be read ({exc.strerror or exc})") from None
        if refs_inside and _refers_elsewhere(data):
            raise CacheUnusable(
                f"{path} refers to another document, which the cache cannot follow",
                "Inline the referenced schema",
            )
        digest.update(hashlib.sha256(data).digest())


def _refers_elsewhere(data: bytes) -> bool:
    """True when a schema's JSON names another document (a ``$ref`` not starting with
    ``#``...); a file that is not JSON names none (the checker refuses it)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return False
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if key in _REFERENCES and not (isinstance(item, str) and item.startswith("#")):
                    return True
                if key == "$schema" and not (
                    isinstance(item, str) and item.startswith(_STANDARD_META_SCHEMAS)
                ):
                    return True  # a meta-schema of its own (its vocabulary decides)
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return False


@functools.cache
def checker_digest() -> str:
    """The identity of this checker: the harness's files, the libraries, botocore's models."""
    return _checker_digest()


def _checker_digest() -> str:
    import botocore.loaders

    import harness

    digest = hashlib.sha256(f"harness-check-cache {FORMAT}\n{sys.version}\n".encode())
    for module, distribution in _LIBRARIES.items():
        spec = importlib.util.find_spec(module)  # where it is imported from (not imported)
        digest.update(
            f"{distribution}=={_version(module, distribution)} {spec and spec.origin}\n".encode()
        )
    _digest_tree(digest, Path(harness.__file__).parent)
    loader = botocore.loaders.create_loader()
    for path in loader.search_paths:
        digest.update(f"\nmodels {path}\n".encode("utf-8", "surrogateescape"))
        if Path(path) == Path(loader.BUILTIN_DATA_PATH):
            _botocore_data(digest, path)
        else:
            _digest_tree(digest, Path(path).expanduser())
    return digest.hexdigest()


def _version(module: str, distribution: str) -> str:
    """A library's version: its ``__version__`` when imported, else its metadata's."""
    if module in _VERSIONED:
        version = getattr(sys.modules.get(module), "__version__", None)
        if isinstance(version, str):
            return version
    from importlib import metadata  # (only when the cache is used)

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _botocore_data(digest: Any, data: str) -> None:
    """botocore's models: by pip's record of the installed files' hashes when the imported
    botocore is the installed distribution (hashing ~20 MB each run would cost ~0.2 s, and
    a new install's file times change), else (a checkout, a copy) by their ``stat``."""
    from importlib import metadata

    try:
        dist = metadata.distribution("botocore")
        record = dist.read_text("RECORD") or ""
        installed = Path(str(dist.locate_file("botocore/data"))).resolve()
    except (metadata.PackageNotFoundError, OSError, ValueError):
        record, installed = "", None
    if installed == Path(data).resolve() and "botocore/data/" in record:
        digest.update(b"RECORD " + hashlib.sha256(record.encode()).digest())
    else:
        _stat_tree(digest, data)


def _stat_tree(
    digest: Any, root: str, skip: Path | None = None, known: Keyed | None = None
) -> None:
    """Feed the name, inode, size and times of every file under ``root`` to ``digest``:
    what changes when a file is written, even when its bytes are put back. ``known``
    collects the files' identities and paths."""
    if not os.path.isdir(root):
        digest.update(f"(not a folder: {os.path.lexists(root)})".encode())
        return
    for name, entry in _walk(Path(root), skip):
        try:
            info = os.stat(entry) if isinstance(entry, str) else entry.stat()
        except OSError:
            digest.update(f"{name} (missing)\n".encode("utf-8", "surrogateescape"))
            continue
        line = f"{name} {info.st_ino} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
        if known is not None:
            known.files.add(reads.identity(info))
            known.paths.add(os.path.join(root, name))
            if name.endswith("/"):  # a link back up: paths through it were not walked
                known.loops.add(os.path.join(root, name))


def settings_state(
    schemas: Sequence[Path] | None,
    allow_drift: bool,
    rules: Mapping[str, str],
    skip: Path,
    known: Keyed | None = None,
) -> str:
    """What changes whenever a file of the settings or the checker is written: the files'
    ``stat``, not their bytes (so a schema edited and put back during a run is seen).
    ``known`` collects the identities of the files a check may read schemas from (the
    ``--schemas`` folders and the package's own)."""
    import botocore.loaders

    import harness

    digest = hashlib.sha256()
    read_from = [*(schemas or ()), Path(harness.__file__).parent]
    models = [Path(p).expanduser() for p in botocore.loaders.create_loader().search_paths]
    for folder in [*read_from, *models]:
        digest.update(f"\n{folder}\n".encode("utf-8", "surrogateescape"))
        _stat_tree(digest, str(folder), skip, known if folder in read_from else None)
    return digest.hexdigest()


def settings_digest(
    schemas: Sequence[Path] | None,
    allow_drift: bool,
    rules: Mapping[str, str],
    skip: Path | None = None,
) -> str:
    """The identity of one run's checker and settings (schema folders by their contents;
    ``skip``: the cache's entries, should they be inside one)."""
    digest = hashlib.sha256(checker_digest().encode())
    digest.update(orjson.dumps([allow_drift, sorted(rules.items())]))
    for folder in schemas or ():
        digest.update(f"\nschemas {folder}\n".encode("utf-8", "surrogateescape"))
        _digest_tree(digest, Path(folder), skip, refs_inside=True)
    return digest.hexdigest()


@dataclass
class Keyed:
    """The files a check may read schemas from, as the key was made: their identities, and
    their paths (a lookup that finds nothing at one of them went elsewhere)."""

    files: set[Identity] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    loops: set[str] = field(default_factory=set)  # links back up the tree (ending in "/")


@dataclass(frozen=True)
class Seen:
    """A cassette as it was before its check: its bytes' digest and its identity (``stat``)."""

    digest: str
    state: Identity


def look(path: Path) -> Seen | None:
    """The file's digest and state, or None when it cannot be read (its check says why).

    The digest covers the body files the cassette names (``_bodies/<sha256>``), as they
    are: one replaced or deleted after a check made the next check answer from the cache,
    exit 0, while replay failed."""
    digest = hashlib.sha256()
    named: set[bytes] = set()
    try:
        with open_regular(path) as handle:  # (a FIFO would block the read)
            info = os.fstat(handle.fileno())
            tail = b""
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                named.update(_BODY_FILE.findall(tail + block))
                tail = block[-80:]
    except OSError:
        return None
    for name in sorted(named):
        found = body_files.file_digest(path.parent / body_files.FOLDER / name.decode())
        digest.update(b"\0" + name + b"\0" + (found or "absent").encode())
    return Seen(digest.hexdigest(), reads.identity(info))


#: A body file a cassette names (``harness.cassettes.body_files``).
_BODY_FILE = re.compile(rb"_bodies/([0-9a-f]{64})")


@dataclass(kw_only=True, frozen=True)
class CheckCache:
    """The entries of one checker and settings (``folder``); picklable for worker processes."""

    folder: Path
    settings: str  # the digest every entry of the folder names
    inputs: tuple[Any, ...]  # what the digest was made of, to look at it again at the end
    state: str  # ``settings_state`` when the run began
    known: Keyed  # the schema files as keyed (what a check may read)

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
        entries = root / "check"
        inputs = (tuple(schemas or ()), allow_drift, dict(rules), entries)
        known = Keyed()
        state = settings_state(*inputs, known)  # (first: a file written after it is seen)
        settings = settings_digest(*inputs)
        folder = entries / settings[:32]
        if not (folder / MARKER).is_file():
            made = not entries.is_dir()
            folder.mkdir(parents=True, exist_ok=True)
            for ours in (folder, entries) if made else (folder,):  # git ignores what we made
                (ours / ".gitignore").write_text(_FOLDER_NOTE, encoding="utf-8")
            (folder / MARKER).write_bytes(b"")
            _prune(entries, keep=folder)
        os.utime(folder)  # the most recently used folders are kept
        return cls(folder=folder, settings=settings, inputs=inputs, state=state, known=known)

    def _entry(self, path: Path) -> Path:
        name = hashlib.sha256(os.fsencode(str(path))).hexdigest()[:40]
        return self.folder / f"{name}.json"

    def get(self, path: Path, seen: Seen | None) -> CassetteReport | None:
        """The stored report of ``path`` when its bytes are as ``seen``, else None."""
        if seen is None:
            return None
        try:
            where = self._entry(path)
            if not stat.S_ISREG(os.stat(where).st_mode):
                return None  # (a FIFO would block the read)
            entry = orjson.loads(where.read_bytes())
            if (entry["settings"], entry["digest"], entry["path"]) != (
                self.settings,
                seen.digest,
                str(path),
            ):
                return None  # another version of the file, other settings, another path
            return _report_of(entry["report"], str(path))
        except (OSError, KeyError, TypeError, ValueError, OverflowError):  # (orjson's too)
            return None  # absent, half-written or damaged: check the file

    def put(self, path: Path, seen: Seen | None, report: CassetteReport, read: Reads) -> None:
        """Store ``report`` of ``path`` (``seen`` before the check, which ``read`` these
        files: see ``harness.cassettes.reads``), when the check read that file and the schema files
        as keyed, the file is still as it was, and the report survives its JSON form
        unchanged."""
        if seen is None or seen.state not in read.files:
            return  # the path led to another file for a while (a folder's link swapped)
        if not read.files - {seen.state} <= self.known.files or read.absent & self.known.paths:
            return  # a schema read elsewhere, or looked for where it was not for a while
        if any(absent.startswith(tuple(self.known.loops)) for absent in read.absent):
            return  # looked for through a link back up the tree, which the key did not walk
        if look(path) != seen:
            return  # changed while it was checked: the report may be of neither version
        entry = {
            "settings": self.settings,
            "digest": seen.digest,
            "path": str(path),
            "report": report,
        }
        try:
            text = orjson.dumps(entry, default=_columns)
            if _report_of(orjson.loads(text)["report"], str(path)) != report:
                return  # metadata JSON cannot hold as it is (dates, bytes): not cached
        except (TypeError, ValueError, OverflowError):
            return
        _write(self._entry(path), text)

    def confirm(self, checked: Sequence[Path]) -> None:
        """Withdraw the reports of ``checked`` (this run's) when a file of the checker or
        settings was written while they were made: a schema edited mid-run (even if put
        back) was read by some of them only."""
        if not checked:
            return  # (every report came from the cache: nothing of this run to withdraw)
        try:
            same = settings_state(*self.inputs) == self.state
        except (OSError, CacheUnusable, RecursionError):
            same = False
        if not same:
            for path in checked:
                with contextlib.suppress(OSError):
                    self._entry(path).unlink()


def _report_of(data: Any, path: str) -> CassetteReport:
    """The report of ``path`` in an entry's JSON; ``ValueError`` for anything but a report's
    fields of their types that agree with each other (a damaged entry must not print, let
    alone pass)."""
    fields = {"path", "interactions", "violations", "metadata", "skipped"}
    if not isinstance(data, dict) or set(data) != fields or data["path"] != path:
        raise ValueError("not a report of this file")
    if not isinstance(data["metadata"], dict):
        raise ValueError("metadata is not a mapping")
    rows = InteractionRows.from_columns(data["interactions"])
    indexes = [index for index, _, _ in rows]
    if indexes != sorted(set(indexes)):
        raise ValueError("interactions out of order")
    known = set(indexes)
    violations = [Violation(**_typed(v, _VIOLATION)) for v in _listed(data["violations"])]
    skipped = [Skipped(**_typed(s, _SKIPPED)) for s in _listed(data["skipped"])]
    findings: list[Violation | Skipped] = [*violations, *skipped]
    for item in findings:
        if item.cassette not in (None, path) or item.index not in (None, *known):
            raise ValueError("a finding of another cassette or interaction")
    return CassetteReport(
        path=data["path"],
        interactions=rows,
        violations=violations,
        metadata=data["metadata"],
        skipped=skipped,
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
