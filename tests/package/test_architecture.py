"""The folder listing is the architecture: layered packages, no import cycle.

Every module's imports are read from its source (module level, inside functions and under
``TYPE_CHECKING`` alike: each is a dependency), a package's lazy re-exports (``_LAZY``)
resolved to the module that defines the name. The test fails on any import cycle, on a
module importing from a layer above its own, and on more than six top-level modules.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import harness

ROOT = Path(harness.__file__).parent

#: Layers, lowest first: a module may import from its own layer and the ones before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("harness", "harness.errors", "harness.safe_text", "harness.exchange"),  # shared types
    ("harness.aws",),  # know AWS: models, protocols, event streams, bodies, secret members
    ("harness.ops",),  # per-operation knowledge, and the vocabulary rules are written in
    ("harness.cassettes",),  # store traffic
    ("harness.secrets",),  # keep secrets out: detect, redact, placeholders, bind, scan
    ("harness.replay",),  # keep traffic: intercept, record, match, guard
    ("harness.contract",),  # judge traffic: schemas, checker, rules, verdict cache
    ("harness.strategies", "harness.synthetic"),  # invent traffic
    ("harness.audit", "harness.serve"),  # audit recordings, serve traffic over HTTP
    ("harness.plugin", "harness.cli"),  # talk to users
    ("harness.__main__",),
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _lazy_table(tree: ast.Module) -> dict[str, str]:
    """A package's ``_LAZY = {"Name": "harness.module", ...}`` re-exports."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            return {
                k.value: v.value
                for k, v in zip(node.value.keys, node.value.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
            }
    return {}


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}
LAZY = {name: _lazy_table(tree) for name, tree in TREES.items()}


def _module_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def _imports(name: str) -> set[str]:
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = []
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    targets.append(full)
                elif alias.name in LAZY.get(base, {}):
                    targets.append(LAZY[base][alias.name])
                else:
                    targets.append(base)
        else:
            continue
        for target in targets:
            module = _module_of(target)
            if module is not None and module != name:
                out.add(module)
    return out


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), number)
    return best[1]


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(GRAPH):
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_has_a_layer() -> None:
    assert [name for name in MODULES if _layer(name) < 0] == []


def test_no_import_cycle() -> None:
    assert _cycles() == []


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = sorted(
        f"{name} (layer {_layer(name)}) imports {target} (layer {_layer(target)})"
        for name, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(name)
    )
    assert upward == []


def test_at_most_six_top_level_modules() -> None:
    top = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(top) <= 6, top


#: Lines a module on the replay path may hold (issue 60: a reader holds one in mind).
REPLAY_PATH_LINES = 600
#: Modules of the replay path still over it, each at most its size when this list was
#: written: a ceiling to bring down, never to raise (split one, then drop its row).
REPLAY_PATH_OVER: dict[str, int] = {}  # (none left: every module is under the line)


def test_modules_on_the_replay_path_stay_short() -> None:
    """The replay path (the cassette layer, replay, the cassette plugin) keeps each module
    under ``REPLAY_PATH_LINES``, but for the listed ones, which may only shrink."""
    project = ROOT.parent
    paths = [
        *ROOT.glob("replay/*.py"),
        *ROOT.glob("cassettes/*.py"),
        *ROOT.glob("plugin/cassette*.py"),
    ]
    sizes = {str(p.relative_to(project)): len(p.read_text().splitlines()) for p in paths}
    over = {
        name: lines
        for name, lines in sizes.items()
        if lines > REPLAY_PATH_OVER.get(name, REPLAY_PATH_LINES)
    }
    assert over == {}, f"over their line budget (REPLAY_PATH_OVER): {over}"
    assert set(REPLAY_PATH_OVER) <= set(sizes)  # (a row of a module gone or renamed)


def test_the_walker_sees_lazy_and_type_only_imports() -> None:
    # the checker's imports include the rules registry, imported inside functions
    assert "harness.ops" in GRAPH["harness.contract.rules"]
    # and a package's lazy re-export resolves to the module defining the name
    assert "harness.replay.miss_report" in {_module_of(LAZY["harness"]["CassetteMiss"]) or ""}


#: What users of earlier releases imported from modules that are not faces: each must keep
#: working (the faces' names: tests/package/test_faces.py).
MODULE_IMPORTS = [
    ("harness.strategies.pagination", "assert_paginates"),
    ("harness.strategies.pagination", "page_plans"),
    ("harness.replay.matching", "MatchPolicy"),
    ("harness.contract.schemas.store", "load_schema"),
    ("harness.contract.schemas.store", "SchemaSource"),
    ("harness.contract.schemas.generate", "operation_schemas"),
    ("harness.contract.rules", "AWS_COMMON_ERRORS"),
    ("harness.replay.aio", "sending"),
    ("harness.cli", "main"),
    ("harness.plugin", "pytest_addhooks"),
]


@pytest.mark.parametrize(("module", "name"), MODULE_IMPORTS)
def test_documented_imports_keep_working(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is not None


def test_only_old_paths_are_aliased() -> None:
    """One finder of ours maps the deprecated paths, and no module of ours uses them; the
    other, until aiobotocore is imported, waits for it (``harness.replay.aio_import``)."""
    import sys

    from harness.faces import OLD_PATHS
    from harness.replay import aio_import

    ours = [type(f).__name__ for f in sys.meta_path if type(f).__module__.startswith("harness")]
    assert ours.count("_OldPath") == 1
    assert set(ours) <= {"_OldPath", "_Watcher"}
    watchers = [f for f in sys.meta_path if type(f).__name__ == "_Watcher"]
    assert all(f.find_spec("harness.faces", None) is None for f in watchers)
    assert aio_import.WATCHED == "aiobotocore.session"
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("harness.no_such_module")
    old_users = sorted(
        f"{name} imports {target}"
        for name, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for target in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
        if any(target == old or target.startswith(old + ".") for old in OLD_PATHS)
    )
    assert old_users == []


def test_secrets_are_below_their_users() -> None:
    """Recording, replay, the CLI and the audits use the secrets layer; it uses none of them."""
    users = {"harness.replay", "harness.cli", "harness.audit", "harness.plugin"}
    up = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.startswith("harness.secrets")
        for target in targets
        if any(target == u or target.startswith(u + ".") for u in users)
    )
    assert up == []
    assert any(
        t.startswith("harness.secrets")
        for name, targets in GRAPH.items()
        if name.startswith("harness.replay.")
        for t in targets
    )


TESTS = Path(__file__).resolve().parents[1]
#: Test folders that are not a package of harness, and what they hold.
OTHER_TEST_FOLDERS = {"conformance", "end_to_end", "docs", "package", "support"}


def test_tests_mirror_the_package() -> None:
    """Every test file sits in the folder of the package it tests (or a named other one)."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    # an inner suite's project (its own pytest.ini: an app the end-to-end tests run) is data
    inner = {p.parent for p in TESTS.rglob("pytest.ini")}
    misplaced = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("test_*.py")
        if not inner & set(path.parents)
        and (
            ("protocol_tests" not in path.parts and path.parent.parent != TESTS)
            or path.parent.name not in packages | OTHER_TEST_FOLDERS
        )
    ]
    assert misplaced == []
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and list(p.glob("test_*.py"))}
    assert folders - OTHER_TEST_FOLDERS <= packages


def test_test_files_import_no_test_file_of_another_folder() -> None:
    """Shared helpers live in tests/support: a test imports another only beside it."""
    crossing = []
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("test_")
                and not (path.parent / f"{node.module}.py").exists()
            ):
                crossing.append(f"{path.relative_to(TESTS)} imports {node.module}")
    assert crossing == []
