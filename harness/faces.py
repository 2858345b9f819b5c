"""What users import: each package's public face, and the old import paths kept for a while.

A package's ``__init__`` is its face: it lists the names users may import (``__all__``) in
``_LAZY`` (name -> the module defining it) and loads each on first use through
:func:`lazy_names`, so ``import harness.replay.matching`` (or pytest loading the plugin) does
not pull in botocore and jsonschema for the whole package. Everything not on a face is
private and may change in any release; ``tests/package/test_faces.py`` holds the docs and
the README to the faces.

:data:`OLD_PATHS` keeps modules at the import paths earlier releases documented (the flat
layout of 0.0.x: ``from harness.pagination import page_plans``): importing one gives the
module itself, so classes stay identical, with a :class:`DeprecationWarning` naming the face
to import from. They go in 0.3 (CHANGELOG, "Deprecated").
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader


def lazy_names(
    package: str, table: Mapping[str, str], *, also: Sequence[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A face's module-level ``__getattr__`` and ``__dir__`` over ``table``.

    ``also`` lists modules searched, in order, for a name the table does not hold (a package
    that was once one module keeps answering for its old names).
    """

    def __getattr__(name: str) -> Any:
        where = table.get(name)
        if where is None and _is_submodule(package, name):
            # "from package import submodule" asks here first; saying no lets the import
            # system import it
            raise AttributeError(name)
        if where is None and not name.startswith("__"):
            where = next((m for m in also if hasattr(importlib.import_module(m), name)), None)
        if where is None:
            # also how "from package import submodule" reaches the import system
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__


def _is_submodule(package: str, name: str) -> bool:
    folders = getattr(sys.modules[package], "__path__", ())
    return any(
        os.path.exists(os.path.join(folder, f"{name}.py"))
        or os.path.exists(os.path.join(folder, name, "__init__.py"))
        for folder in folders
    )


#: Import paths of earlier releases -> the module there now, and the face to use instead.
#: A path carries its submodules (``harness.protocols.restxml`` is
#: ``harness.aws.protocols.restxml``).
OLD_PATHS: dict[str, tuple[str, str]] = {
    "harness.models": ("harness.aws.models", "harness.aws"),
    "harness.protocols": ("harness.aws.protocols", "harness.aws"),
    "harness.wire": ("harness.aws.protocols.wire_form", "harness.aws"),
    "harness.json_read": ("harness.aws.protocols.json_read", "harness.aws"),
    "harness.eventstream": ("harness.aws.eventstream", "harness.aws"),
    "harness.bodies": ("harness.aws.bodies", "harness.aws"),
    "harness.sensitive": ("harness.aws.sensitive", "harness.aws"),
    "harness.iam": ("harness.aws.iam", "harness.aws"),
    "harness.cassette": ("harness.cassettes.cassette", "harness.cassettes"),
    "harness.cassette_yaml": ("harness.cassettes.yaml_io", "harness.cassettes"),
    "harness.intercept": ("harness.replay.intercept", "harness.replay"),
    "harness.aio": ("harness.replay.aio", "harness.replay"),
    "harness.matching": ("harness.replay.matching", "harness.replay"),
    "harness.recorder": ("harness.replay.recorder", "harness.replay"),
    "harness.redaction": ("harness.secrets", "harness.secrets"),
    "harness.scan": ("harness.secrets.scan", "harness.secrets"),
    "harness.rules": ("harness.contract.rules", "harness.contract"),
    "harness.verdicts": ("harness.contract.verdicts", "harness.contract"),
    "harness.schemagen": ("harness.contract.schemas.generate", "harness.contract"),
    "harness.schemastore": ("harness.contract.schemas.store", "harness.contract"),
    "harness.pagination": ("harness.strategies.pagination", "harness.strategies"),
    "harness.coverage": ("harness.audit.coverage", "harness.audit"),
    "harness.policy": ("harness.audit.policy", "harness.audit"),
}


def moved_to(old: str) -> tuple[str, str] | None:
    """(module now, face to import from) for an old dotted name, or None."""
    prefix = old
    while prefix:
        if prefix in OLD_PATHS:
            module, face = OLD_PATHS[prefix]
            return module + old[len(prefix) :], face
        prefix = prefix.rpartition(".")[0]
    return None


class _OldPath:
    """Finds an old name and loads it as the module that lives elsewhere now.

    A meta path finder and loader by their methods: subclassing ``importlib.abc``'s would
    import ``importlib.resources``, 20 ms on every ``import harness`` (and so every pytest run).
    """

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("harness.") or moved_to(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        found = moved_to(spec.name)
        assert found is not None
        module, face = found
        warnings.warn(
            f"{spec.name} is deprecated and goes in botocore-harness 0.3: import from "
            f"{face} (its __all__ lists the public names)",
            DeprecationWarning,
            stacklevel=_caller_level(),
        )
        return importlib.import_module(module)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module ran when it was imported by its own name."""


def _caller_level() -> int:
    """The stack level of the frame that wrote the import.

    ``warnings`` itself skips the import system's frozen frames when it counts (those with
    ``importlib`` and ``_bootstrap`` in their file name), so only the others count here.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _in_import_system(frame.f_code.co_filename):
        frame = frame.f_back
        level += not _frozen(frame.f_code.co_filename)
    return level


def _frozen(filename: str) -> bool:
    return "importlib" in filename and "_bootstrap" in filename


def _in_import_system(filename: str) -> bool:
    return (
        filename == __file__
        or _frozen(filename)
        or filename.replace("\\", "/").endswith("importlib/__init__.py")
    )


def install_old_paths() -> None:
    """Make the old import paths importable (once; cheap: one finder, no imports)."""
    if not any(isinstance(f, _OldPath) for f in sys.meta_path):
        # first: an old package's __path__ is the new folder, so the path finder would
        # otherwise load its submodules a second time under the old name
        sys.meta_path.insert(0, _OldPath())
