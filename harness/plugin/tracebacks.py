"""The plugin's part that shows a failure the harness raised from the test's own lines.

A cassette miss, an unreadable cassette or a bad setting is raised from deep inside a
botocore call: pytest would print some hundred lines of boto3, botocore and harness frames
before the one paragraph that says what happened and what to do. For the harness's own
errors (``HarnessError``) raised under a test's line, the report is made again without
those libraries' frames, as pytest leaves out its own; bad input raised while a test is set
up (an unreadable cassette, a mistyped marker argument) is its paragraph alone.
``--fulltrace``, ``--tb=native`` (or ``line``, ``no``) keep pytest's report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError, HarnessUsageError

#: Packages whose frames say nothing about the test (the call path of every AWS call).
_LIBRARIES = ("harness", "botocore", "boto3", "s3transfer", "aiobotocore", "urllib3")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    excinfo = call.excinfo
    if not report.failed or excinfo is None or not isinstance(excinfo.value, HarnessError):
        return report  # (called three times for every test of the run)
    style = str(item.config.getoption("tbstyle", "auto"))
    if style in ("auto", "long", "short") and not item.config.getoption("fulltrace", False):
        test_file = Path(str(item.path)).resolve()
        folders = _library_folders()

        def shown(info: Any) -> Any:
            """The frames from the test's own on, but the libraries'."""
            frames = info.traceback.cut(path=item.path)
            kept = frames.filter(lambda entry: not _within(entry, folders)).filter(info)
            return kept if kept else frames.filter(info)

        if any(Path(str(entry.path)).resolve() == test_file for entry in excinfo.traceback):
            report.longrepr = excinfo.getrepr(
                funcargs=True,
                showlocals=bool(item.config.getoption("showlocals", False)),
                style="short" if style == "short" else "long",
                tbfilter=shown,
            )
        elif isinstance(excinfo.value, HarnessUsageError):
            # raised setting the test up (a cassette that does not read, a bad marker): its
            # paragraph names the file or setting, no frame of the plugin's says more
            report.longrepr = excinfo.exconly()
    return report


def _within(entry: Any, folders: list[Path]) -> bool:
    where = Path(str(entry.path)).resolve()
    return any(where.is_relative_to(folder) for folder in folders)


def _library_folders() -> list[Path]:
    """The folders of the libraries this process imported (none is imported here)."""
    folders = []
    for name in _LIBRARIES:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if file:
            folders.append(Path(file).resolve().parent)
    return folders
