"""The network block in Python child processes of a replaying test: ``subprocess`` running
Python, ``multiprocessing`` spawn and forkserver (fork children inherit the parent's audit
hook and its blocks).

A block writes a folder (``child_guard_folder``) with a ``sitecustomize.py`` and a
``guard.json`` and puts it first on ``PYTHONPATH``; a child Python imports it at startup and
runs the same block (``harness.replay.network_guard.guard_child``, reading ``child_block``),
live while the folder's ``guard.json`` exists. What a child blocks it reports to the folder
(``report_to_parent``), so the test fails even when it ignores the child's exit code. A child
started with an environment of its own gets the folder on its ``PYTHONPATH`` too
(``guard_child_environment``), or is refused where that cannot be done.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness.replay.network_blocks import (
    GUARD_FILE,
    Allowed,
    Block,
    NetworkBlocked,
    Violations,
    running_blocks,
)

_FOLDER_PREFIX = "harness-network-guard-"
_SITECUSTOMIZE = '''\
"""Written by botocore-harness while a test replays: this Python process gets the test's
network block too (harness.replay.network_guard), then the sitecustomize this one hides runs."""


def _botocore_harness_network_guard():
    import os
    import sys

    def guard_folder(entry):
        return os.path.basename(os.path.abspath(entry or os.curdir)).startswith({prefix!r})

    here = os.path.dirname(os.path.abspath(__file__))
    folders = [os.path.abspath(p) for p in sys.path if guard_folder(p)] or [here]
    root = {root!r}  # where the parent's harness package is
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    try:
        from harness.replay.network_guard import guard_child

        for folder in dict.fromkeys(folders):  # nested blocks: each one
            guard_child(folder)
    except Exception as exc:
        sys.stderr.write(
            "botocore-harness: the network block of the replaying test could not start in "
            "this Python process (" + repr(exc) + "): its network use is not checked.\\n"
        )
    finally:
        if added and root in sys.path:
            sys.path.remove(root)
    import importlib.machinery
    import importlib.util

    rest = [p for p in sys.path if not guard_folder(p)]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_botocore_harness_network_guard()
'''


def child_guard_folder(allowed: Allowed, why: str, xray_daemon: tuple[str, int] | None) -> Path:
    """A folder with ``sitecustomize.py`` and ``guard.json``: what a child Python needs to
    run this block (see ``guard_child``)."""
    folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX))
    root = str(Path(__file__).resolve().parents[2])  # the folder holding harness/
    text = _SITECUSTOMIZE.format(root=root, prefix=_FOLDER_PREFIX)
    (folder / "sitecustomize.py").write_text(text, "utf-8")
    guard = {
        "owner": os.getpid(),
        "allowed": [list(entry) for entry in allowed.entries],
        "loopback": allowed.loopback,
        "why": why,
        "xray_daemon": list(xray_daemon) if xray_daemon else None,
    }
    _write_atomically(folder / GUARD_FILE, json.dumps(guard))
    return folder


def child_block(folder: str) -> Block | None:
    """The block of a parent's guard folder, as a child process runs it (``guard_child``);
    None when the parent's block has ended already."""
    path = Path(folder)
    try:
        guard = json.loads((path / GUARD_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    allowed = Allowed(tuple((str(h), p) for h, p in guard["allowed"]), bool(guard["loopback"]))
    return Block(
        allowed=allowed,
        why=str(guard["why"]),
        xray_daemon=_daemon_of(guard.get("xray_daemon")),
        owner=int(guard["owner"]),
        folder=path,
        violations=Violations(path),
    )


def _daemon_of(value: Any) -> tuple[str, int] | None:
    """The daemon address a guard file holds (``[host, port]``), else None."""
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), int(value[1])
    return None


def report_to_parent(block: Block, error: NetworkBlocked) -> None:
    """A child process tells its parent's block what it stopped (the test then fails)."""
    if block.folder is None:
        return
    report = {
        "message": str(error),
        "host": error.host,
        "port": error.port,
        "action": error.action,
    }
    name = f"blocked-{time.time_ns():020d}-{os.getpid()}.json"
    with contextlib.suppress(OSError):  # the block has ended: nobody is listening
        _write_atomically(block.folder / name, json.dumps(report))


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


def guard_child_environment(env: Any, program: Any, *, rewrite: bool = True) -> None:
    """A child started with an environment of its own (``env={**os.environ, "PYTHONPATH":
    "src"}``, the usual pattern of a CLI test) did not see the block's folder on its
    ``PYTHONPATH`` and ran unguarded. ``subprocess`` builds the child's environment from
    that mapping after this audit event: the folders of the live blocks are put first on
    its ``PYTHONPATH`` (the caller's dict is changed so, while replay runs). Where that
    cannot be done (``os.execve`` and ``os.posix_spawn`` read the mapping before their
    event; a mapping that cannot be changed), a Python child is refused instead of running
    unguarded."""
    if not running_blocks or env is None or not hasattr(env, "get"):
        return
    # (a fork child's blocks are its parent's, live while the parent's are)
    live = [b for b in list(running_blocks) if b.folder is not None and b.live()]
    folders = [str(b.folder) for b in live]
    if not folders:
        return
    key: Any = "PYTHONPATH" if not any(isinstance(k, bytes) for k in env) else b"PYTHONPATH"
    current = env.get(key) or ("" if isinstance(key, str) else b"")
    text = os.fsdecode(current)
    missing = [f for f in folders if f not in text.split(os.pathsep)]
    if not missing:
        return
    if rewrite and isinstance(env, dict):
        value = os.pathsep.join([*missing, text]) if text else os.pathsep.join(missing)
        env[key] = value if isinstance(key, str) else os.fsencode(value)
        return
    if _is_python(program):
        block = live[-1]
        error = NetworkBlocked(
            "Network blocked during replay: the test started a Python child with an "
            "environment of its own that the replay guard cannot reach (os.execve, "
            "os.posix_spawn, or an env= mapping that cannot be changed), so it would run "
            "unguarded. Start it with subprocess and a dict env (the guard adds itself to "
            "its PYTHONPATH), or keep os.environ's PYTHONPATH in the environment you pass."
            f"{(' ' + block.why) if block.why else ''}",
            host="(child process)",
            port=None,
            action="start",
        )
        block.violations.append(error)
        if os.getpid() != block.owner:
            report_to_parent(block, error)  # (a fork child: its parent's test fails)
        raise error


def _is_python(program: Any) -> bool:
    """Whether ``program`` (a path or a name) starts a Python interpreter."""
    if program is None:
        return False
    name = os.path.basename(os.fsdecode(program)).lower()
    if name.startswith(("python", "pypy")):
        return True
    with contextlib.suppress(OSError):
        return os.path.realpath(os.fsdecode(program)) == os.path.realpath(sys.executable)
    return False


def prepend_pythonpath(folder: Path) -> None:
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(folder) + (os.pathsep + old if old else "")


def drop_from_pythonpath(folder: Path) -> None:
    # Only our entry: the test may have changed PYTHONPATH meanwhile.
    value = os.environ.get("PYTHONPATH")
    if value is None:
        return
    rest = [entry for entry in value.split(os.pathsep) if entry != str(folder)]
    if rest:
        os.environ["PYTHONPATH"] = os.pathsep.join(rest)
    else:
        del os.environ["PYTHONPATH"]


def restart_forkserver() -> None:
    """multiprocessing keeps one forkserver per process, started with the environment of its
    first use: stop a running one, so that the next start (on demand) carries this block."""
    module = sys.modules.get("multiprocessing.forkserver")
    server = getattr(module, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is None or getattr(server, "_forkserver_pid", None) is None:
        return
    with contextlib.suppress(OSError):  # it had exited already
        stop()
