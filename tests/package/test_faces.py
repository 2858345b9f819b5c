"""Users import from faces: each package's ``__init__`` and its ``__all__`` (``harness.faces``).

The README and every page under ``docs/`` import only names a face lists, and name Python
objects only through a face; no module of the harness imports another module's underscored
name (what is private to a module stays so); the import paths earlier releases documented
still import, as the same module, with a ``DeprecationWarning``.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

import harness
from harness.faces import OLD_PATHS, moved_to

ROOT = Path(harness.__file__).parent
PROJECT = ROOT.parent
PAGES = [PROJECT / "README.md", *sorted((PROJECT / "docs").rglob("*.md"))]
#: Pages about the inside of the harness (its layers, what a benchmark times): they name
#: modules on purpose, and show no code a user would copy.
INSIDE = {"docs/explanation/architecture.md", "docs/benchmarks.md"}

FACES = sorted(
    ["harness"]
    + [
        f"harness.{p.name}"
        for p in ROOT.iterdir()
        if (p / "__init__.py").exists() and "__all__" in (p / "__init__.py").read_text()
    ]
)


def _import_lines(text: str) -> list[tuple[str, list[str]]]:
    """(module, names) of every ``from harness... import ...`` / ``import harness...`` line."""
    found = []
    text = re.sub(r"\(\s*([^)]*?)\s*\)", lambda m: " ".join(m.group(1).split()), text)
    for line in text.splitlines():
        line = line.strip().strip("`")
        if m := re.match(r"from (harness[\w.]*) import (.+)", line):
            names = [n.split(" as ")[0].strip() for n in m.group(2).split("#")[0].split(",")]
            found.append((m.group(1), [n for n in names if n]))
        elif m := re.match(r"import (harness[\w.]*)", line):
            found.append((m.group(1), []))
    return found


def _page(path: Path) -> str:
    return str(path.relative_to(PROJECT))


def test_there_are_faces_and_pages() -> None:
    assert {"harness", "harness.replay", "harness.contract", "harness.secrets"} <= set(FACES)
    assert {"harness.strategies", "harness.cassettes", "harness.aws"} <= set(FACES)
    lines = [x for page in PAGES for x in _import_lines(page.read_text(encoding="utf-8"))]
    assert len(lines) >= 5  # the walker reads the pages' code


@pytest.mark.parametrize("face", FACES)
def test_every_name_on_a_face_resolves(face: str) -> None:
    module = importlib.import_module(face)
    assert module.__all__ == sorted(module.__all__) or face == "harness"
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{face}.{name}"


def test_the_docs_import_only_from_faces() -> None:
    wrong = []
    for page in PAGES:
        for module, names in _import_lines(page.read_text(encoding="utf-8")):
            if module not in FACES:
                wrong.append(f"{_page(page)}: {module} is not a face (one of {FACES})")
                continue
            public = set(importlib.import_module(module).__all__)
            faces_below = {f.rpartition(".")[2] for f in FACES if f.startswith(module + ".")}
            wrong += [
                f"{_page(page)}: {module}.{name} is not in its __all__"
                for name in names
                if name not in public | faces_below
            ]
    assert wrong == []


def _resolve(dotted: str) -> tuple[ModuleType, list[str]] | None:
    """The longest importable module prefix of ``dotted`` and the attribute path after it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        return module, parts[cut:]
    return None


def test_the_docs_name_python_objects_through_faces() -> None:
    """```harness.replay.matching.MatchPolicy``` sends users into a module: name the face."""
    wrong = []
    for page in PAGES:
        if _page(page) in INSIDE:
            continue
        for dotted in re.findall(r"`(harness(?:\.\w+)+)", page.read_text(encoding="utf-8")):
            found = _resolve(dotted)
            if found is None:
                wrong.append(f"{_page(page)}: `{dotted}` does not import")
                continue
            module, rest = found
            if not rest:
                continue  # a module named as such (run with -m, or a file's place)
            if module is harness and not hasattr(harness, rest[0]):
                continue  # a cassette's metadata key (`harness.shapes`), not Python
            if module.__name__ not in FACES or rest[0] not in module.__all__:
                wrong.append(f"{_page(page)}: `{dotted}` is not named through a face")
            elif getattr(module, rest[0], None) is None:
                wrong.append(f"{_page(page)}: `{dotted}` does not resolve")
    assert wrong == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private_imports(here: str, source: str, *, is_package: bool = False) -> list[str]:
    package = here if is_package else here.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for target in targets:
            if not target.startswith("harness."):
                continue
            parts = target.split(".")
            for i, part in enumerate(parts):
                if not part.startswith("_") or part.startswith("__"):
                    continue
                # a private module is its package's: its siblings (and their subpackages)
                # may import it; a private name is its module's alone
                owner = ".".join(parts[:i])
                private_module = (ROOT.parent / Path(*parts[: i + 1])).with_suffix(
                    ".py"
                ).exists() or (ROOT.parent / Path(*parts[: i + 1]) / "__init__.py").exists()
                if not (private_module and (package == owner or package.startswith(owner + "."))):
                    out.append(f"{here} imports {target}")
                break
    return out


def test_no_module_imports_another_modules_private_name() -> None:
    found = [
        x
        for path in sorted(ROOT.rglob("*.py"))
        for x in _private_imports(
            _module_name(path),
            path.read_text(encoding="utf-8"),
            is_package=path.name == "__init__.py",
        )
    ]
    assert found == []


def test_the_private_import_rule_can_fail() -> None:
    probe = (
        "from harness.contract.validation import _Compiled\n"
        "from harness.aws.protocols import _cbor\n"
        "from harness.cli.cassette import _shared\n"
        "from . import _shared\n"
    )
    assert _private_imports("harness.cli.probe", probe) == [
        "harness.cli.probe imports harness.contract.validation._Compiled",
        "harness.cli.probe imports harness.aws.protocols._cbor",
        "harness.cli.probe imports harness.cli.cassette._shared",  # another package's
        "harness.cli.probe imports harness.cli._shared",  # no such module: a name
    ]
    assert _private_imports("harness.cli.cassette.probe", probe) == [
        "harness.cli.cassette.probe imports harness.contract.validation._Compiled",
        "harness.cli.cassette.probe imports harness.aws.protocols._cbor",
    ]


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_old_import_paths_still_import_with_a_warning(old: str) -> None:
    new, face = OLD_PATHS[old]
    code = (
        "import importlib, warnings\n"
        "warnings.simplefilter('error')\n"
        f"try:\n    importlib.import_module({old!r})\n"
        "except DeprecationWarning as w:\n    print(w)\n"
        "warnings.simplefilter('ignore')\n"
        f"print(importlib.import_module({old!r}) is importlib.import_module({new!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    warning, same = done.stdout.splitlines()
    assert f"{old} is deprecated" in warning and f"import from {face}" in warning
    assert same == "True"
    assert face in FACES


def test_an_old_package_path_carries_its_submodules() -> None:
    code = (
        "import warnings\n"
        "warnings.simplefilter('ignore')\n"
        "import harness.protocols.restxml as old, harness.aws.protocols.restxml as new\n"
        "from harness.pagination import page_plans\n"
        "from harness.strategies import page_plans as face\n"
        "print(old is new, page_plans is face)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr
    assert moved_to("harness.protocols.restxml") == (
        "harness.aws.protocols.restxml",
        "harness.aws",
    )
    assert moved_to("harness.replay") is None


def test_the_warning_points_at_the_importing_line(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("import warnings\nwarnings.simplefilter('always')\nimport harness.matching\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert f"{script}:3: DeprecationWarning: harness.matching is deprecated" in done.stderr
