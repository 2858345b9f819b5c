"""Where a test's cassette lives, and the files beside it whose literals the test may send.

``<aws_cassette_dir>/<module path without .py>/<Class.>test name.yaml``: one file per test
node, a bounded name for a long id (``node_file_name``), and the names older releases gave
(``legacy_cassette``: still replayed when they can only be this test's, with a warning).
"""

from __future__ import annotations

import functools
import hashlib
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessUsageError
from harness.plugin.cassette_settings import rerecord_command


def cassette_path(item: pytest.Item, name: str | None = None) -> Path:
    """``<aws_cassette_dir>/<module path without .py>/<Class.>test name.yaml`` (or ``name``).

    One file per test node: a method's classes are part of its name (``TestA.test_x``), so
    same-named tests of two classes never share a cassette; a long id gets a bounded name
    ending in a digest of the whole id (``node_file_name``)."""
    folder = module_folder(item.config, Path(str(item.path)))
    if name:
        chosen = Path(name)
        if chosen.suffix not in (".yaml", ".yml"):
            chosen = chosen.with_name(f"{chosen.name}.yaml")
        if chosen.is_absolute():
            return chosen
        if ".." in chosen.parts:
            raise HarnessUsageError(
                f"Cassette name {name!r} on {item.nodeid} leaves the cassette folder ('..'). "
                f"Names are relative to the test module's cassette folder ({folder}); use a "
                "name inside it, or an absolute path if you mean it."
            )
        return folder / chosen
    return folder / f"{node_file_name(class_names(item), shown_name(item))}.yaml"


def shown_name(item: pytest.Item) -> str:
    """The test's name as its cassette's file name and the run's usage record show it.

    A file name is as public as the cassette, so a parametrized id that holds a secret (a
    value the secret detectors find, or the value of an environment variable named like one:
    ``DEPLOY_TOKEN``, ``DB_PASSWORD``) is replaced by a slow digest of the whole name:
    ``test_x[withheld-<16 hex>]``. A digest, not the instance's place in its
    parametrization: a place moves when a value is added before it, and the cassette of
    another instance would then be replayed to it. Slow (``_withheld``), so that checking
    guesses of a short password against the name costs what checking a stored one does."""
    name = item.name
    if getattr(item, "callspec", None) is None or "[" not in name:
        return name
    if not _holds_secret(name[name.index("[") + 1 :]):
        return name
    return f"{name[: name.index('[')]}[withheld-{_withheld(name)}]"


@functools.lru_cache(maxsize=256)
def _withheld(name: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", name.encode(), b"botocore-harness id", 200_000).hex()[:16]


def shown_nodeid(item: pytest.Item) -> str:
    """``item.nodeid``, its parametrized id withheld as in its file name (``shown_name``)."""
    shown = shown_name(item)
    return item.nodeid if shown == item.name else item.nodeid[: -len(item.name)] + shown


#: An environment variable's value shorter than this is not looked for in a test id.
_MIN_SECRET = 6


def _holds_secret(text: str) -> bool:
    import os

    from harness.aws.secret_names import looks_secretish
    from harness.secrets.detectors import find_secrets

    if find_secrets(text):
        return True
    return any(
        len(value) >= _MIN_SECRET and value in text and looks_secretish(name)
        for name, value in os.environ.items()
    )


def module_folder(config: pytest.Config, module: Path) -> Path:
    """The cassette folder of a test module: ``<aws_cassette_dir>/<module path without .py>``."""
    base = Path(str(config.getini("aws_cassette_dir")))
    if not base.is_absolute():
        base = config.rootpath / base
    try:
        module = module.relative_to(config.rootpath)
    except ValueError:
        module = Path(module.name)
    return base / module.with_suffix("")


def class_names(node: pytest.Item | pytest.Collector) -> list[str]:
    """The names of the classes a test (or a class) sits in, outermost first."""
    return [n.name for n in node.listchain() if isinstance(n, pytest.Class)]


#: A cassette file name's stem is at most this many bytes (file systems allow 255 a name).
MAX_STEM_BYTES = 150


def node_file_name(classes: list[str], name: str) -> str:
    """A file stem for a test (or fixture) ``name`` inside ``classes``: ``TestA.test_x-a-1``.

    Bounded and stable: a stem longer than ``MAX_STEM_BYTES`` is cut and ends in a digest of
    the whole id, so two long ids sharing a beginning never share a file."""
    stem = ".".join([*(_file_safe(c) for c in classes), _file_safe(name)])
    if len(stem.encode("utf-8")) <= MAX_STEM_BYTES:
        return stem
    digest = hashlib.sha256(".".join([*classes, name]).encode("utf-8")).hexdigest()[:16]
    cut = stem.encode("utf-8")[: MAX_STEM_BYTES - 17].decode("utf-8", "ignore").rstrip("._-")
    return f"{cut}-{digest}"


def legacy_cassette(item: pytest.Item, path: Path, options: dict[str, Any], mode: str) -> Path:
    """The cassette to use: ``path``, or the file an older release named this test's.

    A method's cassette once left its class out of the name (``test_x.yaml`` for
    ``TestA.test_x``). Such a file is still replayed when it can only be this test's (no
    other class or function of the module has that name), with a warning that says how to
    move it; when it may be another test's, it is not used (it would serve that test's
    answers) and the warning says so. A mode that records (``all``, ``new_episodes``)
    writes the new name. Ids that differed only in punctuation shared a file too
    (``legacy_file_name``): that one is only pointed at.
    """
    if options.get("name") or path.exists():
        return path
    classes = class_names(item)
    if shown_name(item) != item.name:
        old = path.with_name(f"{node_file_name(classes, item.name)}.yaml")
        if _exists(old):
            return _withheld_legacy(item, old, path, mode)
    if classes:
        old = path.with_name(f"{_file_safe(item.name)}.yaml")
        if _exists(old):
            owners = _owners(item)
            if owners == 1 and mode in ("none", "once"):
                item.warn(
                    UserWarning(
                        f"{item.nodeid} replays {old.name}, recorded before a method's "
                        f"cassette was named after its class too; move it to its new name: "
                        f"mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
                    )
                )
                return old
            why = (
                f"and {owners} tests of {item.path.name} have that name: it may hold another "
                "test's answers, so it is not used"
                if owners != 1
                else f"and record mode {mode!r} writes the new name"
            )
            item.warn(
                UserWarning(
                    f"{item.nodeid}'s cassette is now {path.name}, which does not exist. "
                    f"{old.name} was recorded before a method's cassette was named after its "
                    f"class, {why}. Re-record this test "
                    f"({rerecord_command(item, 'once')}), or move the file if it is this "
                    f"test's: mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
                )
            )
            return path
    old = path.with_name(f"{legacy_file_name(item.name)}.yaml")
    if old != path and _exists(old):
        item.warn(
            UserWarning(
                f"{item.nodeid}'s cassette is now {path.name}: ids that differ only in characters "
                f"a file name cannot keep no longer share one file. {old.name} was recorded under "
                "the old name, possibly by another test of the same name; if it is this test's, "
                f"rename it: mv {shlex.quote(str(old))} {shlex.quote(str(path))}"
            )
        )
    return path


def _withheld_legacy(item: pytest.Item, old: Path, path: Path, mode: str) -> Path:
    """A cassette recorded before ids holding a secret were withheld from file names: its
    name holds the secret. Replayed (modes ``none``, ``once``: the file is this test's),
    with a warning that names neither the file nor the id (a CI log is public too)."""
    move = (
        f"Rename the file of {item.path.name}'s cassette folder whose name holds this id "
        f"to {path.name}, and remove the old name from your version control's history"
    )
    if mode in ("none", "once"):
        item.warn(
            UserWarning(
                f"{shown_nodeid(item)} replays a cassette named after its parametrized id, "
                f"which holds a secret (ids holding one no longer name files). {move}."
            )
        )
        return old
    item.warn(
        UserWarning(
            f"{shown_nodeid(item)}'s cassette is now {path.name}: its parametrized id holds a "
            f"secret, which no longer names a file; record mode {mode!r} writes the new "
            f"name and leaves the old file, named after the id. {move}, or delete it."
        )
    )
    return path


def _exists(path: Path) -> bool:
    """``path.exists()``, False for a name the file system cannot hold (an old, unbounded
    name of a long id)."""
    try:
        return path.exists()
    except OSError:
        return False


def _owners(item: pytest.Item) -> int:
    """How many functions of the test's module (at top level or in a class) are named like
    the test function: those whose cassettes shared a file before classes were named."""
    module = getattr(item, "module", None)
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    if module is None:
        return 2  # not a Python test: cannot tell, so not safe
    owners = sum(1 for v in list(vars(module).values()) if _function_named(v, name))
    seen: set[int] = set()
    classes = [v for v in list(vars(module).values()) if isinstance(v, type)]
    while classes and len(seen) < 10_000:  # nested classes too (TestOuter.TestInner)
        cls = classes.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        owners += callable(getattr(cls, name, None))
        classes += [v for v in list(vars(cls).values()) if isinstance(v, type)]
    return max(owners, 1)


def _function_named(value: Any, name: str) -> bool:
    return not isinstance(value, type) and getattr(value, "__name__", None) == name


_SOURCE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".txt", ".csv", ".toml", ".cfg", ".ini")
_SOURCE_BYTES = 2_000_000  # a data file larger than this is not read for literals


def source_files(item: pytest.Item) -> list[Path]:
    """The files whose literals a test may send: its module, the modules and data files
    beside it, and the conftest files above it up to the rootdir (a value written there is
    never bound as a generated one)."""
    module = Path(str(item.path))
    found: list[Path] = []
    if module.suffix == ".py":
        for path in sorted(module.parent.iterdir())[:500]:
            if path.suffix in _SOURCE_SUFFIXES and _small_file(path):
                found.append(path)
    root = item.config.rootpath
    for folder in module.parents:
        if folder != module.parent and (folder / "conftest.py").is_file():
            found.append(folder / "conftest.py")
        if folder == root or root not in folder.parents:
            break
    return found


def _small_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size <= _SOURCE_BYTES
    except OSError:
        return False


def _file_safe(name: str) -> str:
    """Parametrized ids as file names: ``test_x[a-1]`` is ``test_x-a-1``; an id whose
    characters a file name cannot keep (``test_x[a/b]``, ``test_x[*]``) gets a digest of the
    exact id, so ids that differ only there never share a cassette."""
    legacy = legacy_file_name(name)
    if legacy == name.replace("[", "-").replace("]", ""):
        return legacy
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{legacy}-{digest}"


def legacy_file_name(name: str) -> str:
    """The file name before ids kept their punctuation (``test_x[a/b-1]``: ``test_x-a_b-1``)."""
    name = name.replace("[", "-").replace("]", "")
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "test"
