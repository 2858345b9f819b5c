"""Schemas on disk: byte-stable atomic writes, cached loads, and drift between two trees.

Layout of a schema directory (``schemas/`` at the top of the repo, shipped inside the
package as ``harness/_schemas``)::

    <service>/<Operation>.input.json
    <service>/<Operation>.output.json
    <service>/errors/<ErrorShape>.json
    .harness-schemas.json      # written by 'harness schemas generate': the files it wrote

Where the contract checker finds a schema is a :class:`SchemaSource`: the user's schema
directories first (each file there overrides the same file below), then the tree packaged
with the harness, then a schema generated on demand from the installed botocore (cached in
memory). So any json/rest-json service works with no set-up, and a user directory never
hides the packaged schemas it does not hold.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.cassettes import reads
from harness.cassettes.files import atomic_write_text
from harness.errors import HarnessUsageError
from harness.safe_text import one_line

__all__ = [
    "MANIFEST",
    "PACKAGED_SCHEMA_DIR",
    "FileDrift",
    "SchemaSource",
    "WriteReport",
    "compare",
    "default_schema_dir",
    "dumps",
    "load_error_schema",
    "load_schema",
    "read_manifest",
    "read_tree",
    "schema_source",
    "write_atomic",
    "write_schemas",
]

JSON = dict[str, Any]

_PACKAGED = Path(__file__).resolve().parents[2] / "_schemas"  # harness/_schemas
#: The schema tree shipped inside the package (the committed ``schemas/``).
PACKAGED_SCHEMA_DIR = _PACKAGED
#: The file ``schemas generate`` keeps in its output directory: which files it wrote, so a
#: later run prunes only those and ``schemas check`` can tell a deleted file from one never
#: generated there.
MANIFEST = ".harness-schemas.json"


def default_schema_dir() -> Path:
    """``./schemas`` when the current directory has one, else the tree shipped in the package."""
    local = Path.cwd() / "schemas"
    return local if local.is_dir() else _PACKAGED


def dumps(schema: Mapping[str, Any]) -> str:
    """The one canonical text of a schema: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old or the new file, never half of one."""
    atomic_write_text(path, text)


@dataclass
class WriteReport:
    """What :func:`write_schemas` did, by relative path.

    ``kept`` lists files of a pruned service that the harness did not write (no manifest
    entry): they are left alone, never deleted.
    """

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def read_manifest(schema_dir: Path) -> set[str]:
    """The files ``schemas generate`` wrote into ``schema_dir`` (empty without a manifest)."""
    try:
        data = json.loads((schema_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {str(f) for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def write_schemas(
    schemas: Mapping[str, Mapping[str, Any]],
    out_dir: Path,
    *,
    prune_services: tuple[str, ...] = (),
) -> WriteReport:
    """Write every schema under ``out_dir``; files whose bytes would not change are left alone.

    For each service in ``prune_services`` (fully regenerated), files an earlier run wrote
    (listed in the directory's manifest) that are no longer generated are removed, so an
    operation dropped from the model leaves no stale file. Files the harness did not write
    are never deleted (``WriteReport.kept``).
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise HarnessUsageError(
            f"Cannot write schemas into {out_dir}: it is a file, not a folder. Give a folder "
            "for --out (it is created if missing)."
        )
    report = WriteReport()
    previous = read_manifest(out_dir)
    for rel, schema in sorted(schemas.items()):
        path = out_dir / rel
        text = dumps(schema)
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if same:
            report.unchanged.append(rel)
        else:
            write_atomic(path, text)
            report.written.append(rel)
    for service in prune_services:
        for rel in _tree_files(out_dir, out_dir / service):
            if rel in schemas:
                continue
            if rel in previous:
                (out_dir / rel).unlink()
                report.removed.append(rel)
            else:
                report.kept.append(rel)
    files = sorted((previous - set(report.removed)) | set(schemas))
    manifest = {"generator": "botocore-harness schemas generate", "files": files}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    try:
        unchanged = (out_dir / MANIFEST).read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        unchanged = False
    if not unchanged:
        write_atomic(out_dir / MANIFEST, text)
    return report


def _tree_files(root: Path, start: Path, pattern: str = "*") -> Iterator[str]:
    """The files under ``start`` matching ``pattern``, outside hidden files and folders."""
    if not start.is_dir():
        return
    for path in sorted(start.rglob(pattern)):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield rel.as_posix()


def read_file(path: Path, rel: str, data: bytes | None = None) -> JSON:
    """Parse one schema file (``data``: its bytes, when already read); unreadable or invalid
    JSON raises naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8") if data is None else data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessUsageError(
            f"Cannot read schema file {rel} in {path.parent}: {exc}. Fix or delete it, then run "
            "'harness schemas generate' to rewrite it."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HarnessUsageError(
            f"Schema file {rel} is not valid JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno} ({path}). Fix it by hand or run 'harness schemas generate' to "
            "rewrite it."
        ) from None
    if not isinstance(data, dict):
        raise HarnessUsageError(
            f"Schema file {rel} holds a JSON {type(data).__name__}, not an object ({path}). "
            "Run 'harness schemas generate' to rewrite it."
        )
    return data


def read_tree(schema_dir: Path) -> dict[str, JSON]:
    """Every file under ``schema_dir`` (dot-files aside), parsed, by relative path."""
    if not schema_dir.is_dir():
        raise HarnessUsageError(
            f"Schema directory {schema_dir} does not exist. Run 'harness schemas generate "
            f"--out {schema_dir}' to create it, or pass --dir with the right path."
        )
    # only *.json: a README or a cassette kept beside the schemas is not a schema
    files = _tree_files(schema_dir, schema_dir, "*.json")
    return {rel: read_file(schema_dir / rel, rel) for rel in files}


# -- cached loads for hot paths -----------------------------------------------------------


#: Parsed schema files by path and identity (a file rewritten is read again; bounded).
_PARSED: dict[tuple[str, reads.Identity], JSON] = {}
_PARSED_FILES = 1024


def _check_meta(schema: JSON, path: Path) -> None:
    """Refuse a schema file that is not a JSON Schema (draft 2020-12): a hand edit gone wrong
    (``"type": "bogus"``) would otherwise fail the first document checked against it, in
    jsonschema's words, as if the cassette were at fault. (~20 µs a file, once per version.)"""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency
        return
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        where = "/" + "/".join(str(part) for part in exc.instance_path)
        raise HarnessUsageError(
            f"Schema file {path} is not a valid JSON Schema (draft 2020-12): at {where}, "
            f"{exc.message}. Fix the file by hand, or rewrite it with 'harness schemas "
            "generate SERVICE --out DIR'."
        ) from None
    except Exception:  # pragma: no cover - a schema it cannot judge (an unknown $schema)
        return


def _load(schema_dir: Path | str, rel: str) -> tuple[JSON, os.stat_result]:
    """The schema file ``rel`` of ``schema_dir``, and the ``stat`` of the file it was read
    from (a check keeping reports on disk compares it: see ``harness.cassettes.reads``)."""
    path = Path(schema_dir) / rel
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise HarnessUsageError(
            f"No schema file {rel} in {schema_dir}. Run 'harness schemas generate' (or "
            f"'harness schemas generate {rel.split('/')[0]} --out {schema_dir}') to create it."
        ) from None
    except OSError:
        return read_file(path, rel), path.stat()  # (read_file says why it cannot be read)
    with handle:
        info = os.fstat(handle.fileno())
        key = (str(path), reads.identity(info))
        schema = _PARSED.get(key)
        if schema is None:
            schema = read_file(path, path.name, handle.read())
            _check_meta(schema, path)
            if len(_PARSED) >= _PARSED_FILES:
                _PARSED.clear()
            _PARSED[key] = schema
    return schema, info


def load_schema(schema_dir: Path | str, service: str, operation: str, kind: str) -> JSON:
    """The ``kind`` ("input" or "output") schema of ``service:operation`` from ``schema_dir``.

    Loads are cached; treat the returned dict as read-only.
    """
    if kind not in ("input", "output"):
        raise HarnessUsageError(f"Schema kind must be 'input' or 'output' (got {kind!r}).")
    return _load(schema_dir, f"{service}/{operation}.{kind}.json")[0]


def load_error_schema(schema_dir: Path | str, service: str, error_name: str) -> JSON:
    """The schema of error shape ``error_name`` of ``service`` from ``schema_dir`` (cached)."""
    return _load(schema_dir, f"{service}/errors/{error_name}.json")[0]


# -- layered sources -----------------------------------------------------------------------


@functools.cache
def _generated_operation(service: str, operation: str) -> tuple[JSON, JSON]:
    from harness.contract.schemas import (
        generate as schemagen,
    )  # generation imports the models: only when needed

    return schemagen.operation_schemas(service, operation)


@functools.cache
def _generated_error(service: str, error_name: str) -> JSON:
    from harness.contract.schemas import generate as schemagen

    return schemagen.error_schema(service, error_name)


def _rel(service: str, name: str, kind: str) -> str:
    if kind == "error":
        return f"{service}/errors/{name}.json"
    if kind not in ("input", "output"):
        raise HarnessUsageError(f"Schema kind must be 'input', 'output' or 'error' (got {kind!r}).")
    return f"{service}/{name}.{kind}.json"


def _holds_schemas(directory: Path) -> bool:
    # files named as schemas are (any JSON file would let a mistyped path through)
    patterns = ("*/*.input.json", "*/*.output.json", "*/errors/*.json")
    return any(next(directory.glob(p), None) is not None for p in patterns)


class SchemaSource:
    """Where schemas come from, in order: user directories, the packaged tree, generation.

    ``dirs`` are the user's schema directories; the first one holding a file wins, and a
    file absent from all of them falls through to the packaged tree, then to a schema
    generated from the installed botocore (``generated=False`` turns that off). A user
    directory must exist and hold schema files, so a mistyped path is an error rather than
    a silent fall-through.
    """

    def __init__(
        self,
        dirs: Iterable[str | os.PathLike[str]] = (),
        *,
        packaged: bool = True,
        generated: bool = True,
    ) -> None:
        self.dirs = tuple(Path(d) for d in dirs)
        self.packaged = packaged
        self.generated = generated
        self._key = (tuple(str(d) for d in self.dirs), packaged, generated)
        self._recent: dict[
            tuple[str, str, str], tuple[float, JSON, os.stat_result | None, tuple[str, ...]]
        ] = {}
        for directory in self.dirs:
            if not directory.is_dir():
                raise HarnessUsageError(
                    f"Schema directory {directory} does not exist. Pass a directory written by "
                    f"'harness schemas generate --out {directory}', or drop the setting to use "
                    "the packaged and generated schemas."
                )
            if not _holds_schemas(directory):
                raise HarnessUsageError(
                    f"Schema directory {directory} holds no schema files "
                    "(<service>/<Operation>.output.json ...). Run 'harness schemas generate "
                    f"SERVICE --out {directory}', or point the setting at the right folder."
                )

    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable identity (for caches of compiled validators)."""
        return self._key

    def __repr__(self) -> str:
        return f"SchemaSource({[str(d) for d in self.dirs]!r}, packaged={self.packaged})"

    def describe(self) -> str:
        """The layers in lookup order, for messages."""
        parts = [str(d) for d in self.dirs]
        if self.packaged:
            parts.append("the packaged schemas")
        if self.generated:
            parts.append("schemas generated from botocore")
        return ", then ".join(parts) or "nothing"

    def load(self, service: str, name: str, kind: str) -> JSON:
        """The ``kind`` (input, output or error) schema of ``service`` ``name``; read-only.

        Files are looked up (a ``stat`` per layer) at most once per ``RECHECK_SECONDS`` per
        schema: a changed file is picked up within that, and checking thousands of exchanges
        does not cost thousands of ``stat`` calls.
        """
        key = (service, name, kind)
        now = time.monotonic()
        hit = self._recent.get(key)
        if hit is None or now - hit[0] >= RECHECK_SECONDS:
            hit = (now, *self._lookup(service, name, kind))
            self._recent[key] = hit
        # (each use: the file this verdict is made with, and where none was found)
        if hit[2] is not None:
            reads.note(hit[2])
        if hit[3]:
            reads.note_absent(hit[3])
        return hit[1]

    def _lookup(
        self, service: str, name: str, kind: str
    ) -> tuple[JSON, os.stat_result | None, tuple[str, ...]]:
        """The schema, the ``stat`` of its file (None: generated), and the paths of the
        layers above it that do not hold it."""
        rel = _rel(service, name, kind)
        layers = [*self.dirs, _PACKAGED] if self.packaged else list(self.dirs)
        absent: list[str] = []
        for directory in layers:
            if (directory / rel).is_file():
                return (*_load(directory, rel), tuple(absent))
            absent.append(str(directory / rel))
        if self.generated:
            if kind == "error":
                return _generated_error(service, name), None, tuple(absent)
            inp, out = _generated_operation(service, name)
            return (inp if kind == "input" else out), None, tuple(absent)
        raise HarnessUsageError(
            f"No schema file {rel} in {self.describe()}. Run 'harness schemas generate "
            f"{service} --out DIR' and add DIR to the schema directories."
        )


#: How long a looked-up schema file is trusted before its file is looked at again.
RECHECK_SECONDS = 1.0


@functools.lru_cache(maxsize=64)
def _source(dirs: tuple[str, ...]) -> SchemaSource:
    return SchemaSource(dirs)


def reread_schema_files() -> None:
    """Forget which schema files were looked up in the last second: the next lookups look
    at the files again (``harness check`` does, when it keeps reports on disk)."""
    _source.cache_clear()


def schema_source(
    value: SchemaSource | str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
) -> SchemaSource:
    """A :class:`SchemaSource` from a setting: None (packaged + generated), a directory, a
    list of directories, or a source as is. Sources of the same directories are shared."""
    if isinstance(value, SchemaSource):
        return value
    if value is None:
        return _source(())
    if isinstance(value, (str, os.PathLike)):
        return _source((str(value),))
    return _source(tuple(str(v) for v in value))


# -- drift ---------------------------------------------------------------------------------


@dataclass
class FileDrift:
    """How one file differs: ``missing`` on disk, ``extra`` on disk, or ``changed``."""

    path: str
    status: str
    details: list[str] = field(default_factory=list)

    def render(self) -> str:
        """A readable block: the file and status, then one indented line per difference."""
        head = {
            "missing": "missing on disk (the model has it)",
            "extra": "on disk but no longer generated",
            "changed": "changed",
        }[self.status]
        # (a file's name and the values quoted come from the folder: shown escaped)
        lines = [f"{one_line(self.path)}: {head}"]
        lines.extend(f"  {one_line(line)}" for line in self.details)
        return "\n".join(lines)


def compare(
    expected: Mapping[str, Mapping[str, Any]], actual: Mapping[str, Mapping[str, Any]]
) -> list[FileDrift]:
    """Differences between regenerated schemas (``expected``) and files on disk (``actual``)."""
    drifts: list[FileDrift] = []
    for rel in sorted(set(expected) | set(actual)):
        if rel not in actual:
            drifts.append(FileDrift(rel, "missing"))
        elif rel not in expected:
            drifts.append(FileDrift(rel, "extra"))
        elif dumps(expected[rel]) != dumps(actual[rel]):
            # what a request or response must be first; what only documents it after
            details = sorted(_diff(actual[rel], expected[rel], []), key=_is_annotation_line)
            drifts.append(FileDrift(rel, "changed", details or ["formatting differs"]))
    return drifts


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "..."


def _where(path: list[str]) -> str:
    """A JSON pointer made readable: ``Insight.State`` for ``$defs/Insight/properties/State``."""
    out = ""
    i = 0
    while i < len(path):
        token = path[i]
        if token in ("properties", "$defs") and i + 1 < len(path):
            # A member name (or a definition name, which starts the path) stands for the pair.
            out += ("." if out else "") + path[i + 1]
            i += 2
            continue
        if token == "items":
            out += "[]"
        elif token == "additionalProperties":
            out += "{}"
        elif token.isdigit():
            out += f"[{token}]"
        else:
            out += ("." if out else "") + token
        i += 1
    return out or "(root)"


def _diff(old: Any, new: Any, path: list[str]) -> Iterator[str]:
    """Readable differences from ``old`` (disk) to ``new`` (model), members first."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            if key in ("properties", "$defs") and isinstance(old.get(key), dict):
                kind = "member" if key == "properties" else "definition"
                o, n = old.get(key, {}), new.get(key, {})
                if not isinstance(n, dict):
                    yield f"~ {_where([*path, key])}: {_show(o)} -> {_show(n)}"
                    continue
                for name in sorted(set(o) | set(n)):
                    where = _where([*path, key, name])
                    if name not in o:
                        yield f"+ {kind} added: {where}"
                    elif name not in n:
                        yield f"- {kind} removed: {where}"
                    else:
                        yield from _diff(o[name], n[name], [*path, key, name])
            elif key == "required" and isinstance(old.get(key, []), list):
                o_req, n_req = set(old.get(key, [])), set(new.get(key, []))
                where = _where(path)
                for name in sorted(n_req - o_req):
                    yield f"~ member now required: {where}.{name}".replace("(root).", "")
                for name in sorted(o_req - n_req):
                    yield f"~ member no longer required: {where}.{name}".replace("(root).", "")
            elif key not in old:
                yield f"~ {_what(key)} added: {_where(path)} {key}={_show(new[key])}"
            elif key not in new:
                yield f"~ {_what(key)} removed: {_where(path)} {key}={_show(old[key])}"
            else:
                yield from _diff(old[key], new[key], [*path, key])
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        if any(isinstance(v, (dict, list)) for v in old + new):
            for index, (o, n) in enumerate(zip(old, new, strict=True)):
                yield from _diff(o, n, [*path, str(index)])
        elif old != new:
            yield _changed(path, old, new)
    elif old != new:
        yield _changed(path, old, new)


#: JSON Schema keywords that document a value and constrain nothing (the 2020-12 meta-data
#: vocabulary and ``$comment``): a change of them is said as such, not as a constraint's.
_ANNOTATIONS = frozenset(
    {"description", "title", "$comment", "examples", "deprecated", "readOnly", "writeOnly"}
)


def _is_annotation_line(line: str) -> bool:
    return line.startswith("~ annotation ")


def _changed(path: list[str], old: Any, new: Any) -> str:
    what = _what(path[-1] if path else "")
    return f"~ {what} changed: {_where(path)}: {_show(old)} -> {_show(new)}"


def _what(keyword: str) -> str:
    """Whether a keyword's change is a "constraint" or an "annotation" (``_ANNOTATIONS``)."""
    return "annotation" if keyword in _ANNOTATIONS else "constraint"
