"""Whether aiobotocore is installed is looked up once a process, not on every ``intercept()``
entry (a search of ``sys.path``, ~0.3 ms: every ``serve_pages`` block of a property's
examples paid it). Runs without aiobotocore: the lookup is stood in for."""

from __future__ import annotations

import importlib.util
import threading
import types
from typing import Any

import pytest

from harness.replay import aio_import


def test_an_installed_aiobotocore_is_looked_up_once_and_watched_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[str] = []

    def find_spec(name: str, *args: Any) -> Any:
        looked.append(name)
        return object()  # installed

    watched: list[Any] = []
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(aio_import, "imported", lambda: False)  # installed, not imported
    monkeypatch.setattr(aio_import, "call_after_import", watched.append)
    originals: dict[str, Any] = {}
    for _ in range(3):
        aio_import.install_layer(originals, threading.Lock(), types.ModuleType("core"))
    assert looked == ["aiobotocore"]
    # one callback, asked to be watched on each entry (call_after_import adds it once)
    assert len({id(callback) for callback in watched}) == 1 and list(originals) == ["aio-watched"]


def test_a_watcher_that_left_sys_meta_path_unfired_is_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pytester's in-process runs restore sys.meta_path: a watcher added inside one leaves it
    # without firing, and aiobotocore's clients, made later, were neither replayed nor recorded
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    monkeypatch.setattr(aio_import, "imported", lambda: False)
    monkeypatch.setattr(aio_import.sys, "meta_path", list(aio_import.sys.meta_path))
    originals: dict[str, Any] = {}

    def watchers() -> list[Any]:
        return [f for f in aio_import.sys.meta_path if isinstance(f, aio_import._Watcher)]

    aio_import.install_layer(originals, threading.Lock(), types.ModuleType("core"))
    assert [originals["aio-watched"]] in [w.callbacks for w in watchers()]
    for watcher in watchers():
        aio_import.sys.meta_path.remove(watcher)
    aio_import.install_layer(originals, threading.Lock(), types.ModuleType("core"))
    assert [w.callbacks for w in watchers()] == [[originals["aio-watched"]]]


def test_a_missing_aiobotocore_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: looked.append(name))
    originals: dict[str, Any] = {}
    for _ in range(3):
        aio_import.install_layer(originals, threading.Lock(), types.ModuleType("core"))
    assert looked == ["aiobotocore"] and originals == {"aio-missing": True}
