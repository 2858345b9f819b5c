"""When the aiobotocore layer is installed: now if aiobotocore is imported, else when it is.

The layer (``harness.replay.aio``) wraps aiobotocore's classes; importing them costs about
0.2 s (aiohttp and the rest), which a suite that never makes an aiobotocore client should
not pay. So the layer is installed at once only when aiobotocore is imported already;
otherwise a finder on ``sys.meta_path`` lets ``aiobotocore.session`` load as it would and
installs the layer before that import returns. Every aiobotocore client is made by an
``AioSession`` (aioboto3's and s3fs's too), so no client can send before the layer is in
place. (Python has no post-import hook of its own.)
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

#: The module whose import installs the layer: every aiobotocore client comes from it.
WATCHED = "aiobotocore.session"


def install_layer(originals: dict[str, Any], lock: Any, core: ModuleType) -> None:
    """Install ``harness.replay.aio`` over ``core`` (``intercept``) now, or on import."""
    if "aio" in originals or originals.get("aio-missing"):
        return
    from importlib.util import find_spec

    # (looked up once: a search of sys.path, ~0.3 ms, on every intercept() entry otherwise,
    # which is every serve_pages block of a property's examples)
    watched = originals.get("aio-watched")
    if not watched and find_spec("aiobotocore") is None:
        originals["aio-missing"] = True
    elif imported():
        _install_now(originals, lock, core)
    else:
        # asked for on every entry, not once: a watcher can leave sys.meta_path without
        # firing (pytester's in-process runs restore it); call_after_import adds it once
        if not watched:
            originals["aio-watched"] = lambda: _install_now(originals, lock, core)
        call_after_import(originals["aio-watched"])


def _install_now(originals: dict[str, Any], lock: Any, core: ModuleType) -> None:
    if "aio" in originals or originals.get("aio-missing"):
        return
    try:
        from harness.replay import aio

        with lock:
            aio.install(originals, core)
    except ImportError as exc:  # installed beside a botocore it does not accept, say
        originals["aio-missing"] = True
        import warnings

        warnings.warn(
            f"aiobotocore is installed but cannot be imported ({exc}): botocore-harness "
            "does not see its clients' requests (they are neither replayed nor recorded). "
            "Install an aiobotocore that accepts the installed botocore.",
            RuntimeWarning,
            stacklevel=4,
        )


def imported() -> bool:
    """Whether any part of aiobotocore is imported already."""
    return "aiobotocore" in sys.modules  # (a submodule's import imports its package first)


def call_after_import(callback: Callable[[], None]) -> None:
    """Call ``callback`` once, right after ``aiobotocore.session`` is first imported (each
    callback given before that import, in order)."""
    with _lock:
        watcher = next((f for f in sys.meta_path if isinstance(f, _Watcher)), None)
        if watcher is None:
            sys.meta_path.insert(0, _Watcher(callback))
        elif callback not in watcher.callbacks:
            watcher.callbacks.append(callback)


_lock = threading.Lock()


class _Watcher(importlib.abc.MetaPathFinder):
    def __init__(self, callback: Callable[[], None]) -> None:
        self.callbacks = [callback]

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if fullname != WATCHED:
            return None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None:
            spec.loader = _ThenCall(spec.loader, self._done)
        return spec

    def _done(self) -> None:
        with _lock:
            if self in sys.meta_path:
                sys.meta_path.remove(self)
        for callback in self.callbacks:
            callback()


class _ThenCall(importlib.abc.Loader):
    """The module's own loader, then the callback (everything else is the loader's)."""

    def __init__(self, loader: Any, then: Callable[[], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._then()

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ...: for tracebacks
        return getattr(self._loader, name)
