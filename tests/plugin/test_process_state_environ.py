"""The process checks' environment window, read directly: a variable set, changed, removed,
or put back as it was, and pytest's own variable never judged (the window compares raw
snapshots first and decodes only when they differ)."""

from __future__ import annotations

import os

import pytest

from harness.plugin import process_state


@pytest.fixture
def saved_environ() -> object:
    saved = dict(os.environ)
    yield saved
    os.environ.clear()
    os.environ.update(saved)


def _environment_changes(window: process_state.Window) -> list[str]:
    return [c.what for c in process_state.close_window(window) if c.check == "environment"]


def test_set_changed_removed_and_put_back(saved_environ: object) -> None:
    os.environ["HARNESS_PS_CHANGED"] = "before"
    os.environ["HARNESS_PS_REMOVED"] = "here"
    os.environ["HARNESS_PS_RESTORED"] = "same"
    window = process_state.open_window()
    os.environ["HARNESS_PS_SET"] = "new"
    os.environ["HARNESS_PS_CHANGED"] = "after ü"
    del os.environ["HARNESS_PS_REMOVED"]
    os.environ["HARNESS_PS_RESTORED"] = "other"
    os.environ["HARNESS_PS_RESTORED"] = "same"
    os.environ["PYTEST_CURRENT_TEST"] = "x.py::y (call)"
    found = _environment_changes(window)
    assert [what.split(" (written at")[0] for what in found] == [
        "os.environ['HARNESS_PS_CHANGED'] was changed",
        "os.environ['HARNESS_PS_REMOVED'] was removed",
        "os.environ['HARNESS_PS_SET'] was set",
    ]


def test_nothing_written_nothing_found(saved_environ: object) -> None:
    window = process_state.open_window()
    os.environ["PYTEST_CURRENT_TEST"] = "x.py::y (teardown)"
    assert _environment_changes(window) == []


def test_a_value_changed_without_a_counted_write_is_found(saved_environ: object) -> None:
    """A write the wrapper did not see (putenv-free C code, a window opened without watching
    writes) still shows as a changed value."""
    os.environ["HARNESS_PS_UNSEEN"] = "a"
    window = process_state.open_window(writes=False)
    window.keys.clear()
    process_state._OPEN.remove(window)  # (not open: the write below is not counted)
    os.environ["HARNESS_PS_UNSEEN"] = "b"
    process_state._OPEN.append(window)
    assert _environment_changes(window) == ["os.environ['HARNESS_PS_UNSEEN'] was changed"]
