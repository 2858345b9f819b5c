"""The run's bookkeeping of cassettes: which interactions each test used, and the run's id.

What the tests of a run used is merged over pytest-xdist workers and written to pytest's
cache at the end (``harness cassette prune`` reads it); with ``-v`` or
``--aws-report-unused`` the interactions no test used are listed. A registered part of the
plugin (``harness.plugin``): its hooks are pytest's.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError
from harness.plugin.cassette_paths import cassette_path, shown_nodeid
from harness.plugin.cassette_settings import marker_options

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.plugin.fixture_ties import Shared
    from harness.replay.recorder import CassetteRecorder

_USAGE = pytest.StashKey[dict[str, dict[str, Any]]]()
_WORKER_KEY = "botocore_harness_usage"
_RUN_ID = pytest.StashKey[str]()


def run_id(config: pytest.Config) -> str:
    """One id per test run, the same in every pytest-xdist worker (``testrunuid``)."""
    found = config.stash.get(_RUN_ID, None)
    if found is None:
        worker = getattr(config, "workerinput", None)
        found = str(worker["testrunuid"]) if worker else uuid.uuid4().hex
        config.stash[_RUN_ID] = found
    return found


def note_usage(
    config: pytest.Config,
    recorder: CassetteRecorder,
    nodeid: str,
    *,
    failed: bool,
    shared: Sequence[Shared] = (),
) -> None:
    """Which interactions of the cassette this test used (for prune and the unused report).

    A test that failed may not have reached all the calls it needs: its cassette is marked
    incomplete, and prune leaves it alone. ``shared``: the wide fixtures' cassettes the test
    ran on (``harness cassette rerecord`` then re-records every test sharing them).
    """
    if not recorder.path.exists():
        return
    _merge_usage(
        config.stash.setdefault(_USAGE, {}),
        str(recorder.path.resolve()),
        {
            "used": recorder.used,
            "total": recorder.stored_count,
            "tests": [nodeid],
            "incomplete": [nodeid] if failed else [],
            "shared_targets": sorted({t for f in shared for t in f.targets}),
            "shared_fixtures": sorted(f"{f.name!r} ({f.shown})" for f in shared),
            "shared_cassettes": sorted(str(f.path.resolve()) for f in shared),
        },
    )


def note_skipped(item: pytest.Item) -> None:
    """A skipped test marked with a cassette still owns its interactions: prune must keep
    them, so its cassette is marked incomplete for this run."""
    try:
        path = cassette_path(item, marker_options(item).get("name"))
    except HarnessUsageError:
        return  # the run reports the marker's mistake elsewhere
    if path.exists():
        nodeid = shown_nodeid(item)
        entry = {"used": [], "total": 0, "tests": [nodeid], "incomplete": [nodeid]}
        _merge_usage(item.config.stash.setdefault(_USAGE, {}), str(path.resolve()), entry)


def _merge_usage(usage: dict[str, dict[str, Any]], path: str, entry: dict[str, Any]) -> None:
    mine = usage.setdefault(path, {"used": [], "total": 0, "tests": [], "incomplete": []})
    mine["used"] = sorted(set(mine["used"]) | set(entry["used"]))
    mine["total"] = max(mine["total"], entry["total"])
    for key in ("tests", "incomplete", "shared_targets", "shared_fixtures", "shared_cassettes"):
        mine[key] = sorted(set(mine.get(key, ())) | set(entry.get(key, ())))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: merge a worker's cassette usage into the controller's."""
    text = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if not text:
        return
    usage = node.config.stash.setdefault(_USAGE, {})
    for path, entry in json.loads(text).items():
        _merge_usage(usage, path, entry)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write which interactions the run used into pytest's cache (``harness cassette prune``)."""
    config = session.config
    usage = config.stash.get(_USAGE, {})
    worker_output = getattr(config, "workeroutput", None)
    if worker_output is not None:  # an xdist worker: the controller writes the file
        worker_output[_WORKER_KEY] = json.dumps(usage)
        return
    cache = getattr(config, "cache", None)
    if usage and cache is not None:
        from harness.cassettes.usage import CACHE_KEY as USAGE_CACHE_KEY
        from harness.cassettes.usage import file_digest

        # the digest ties the indices to the file as this run left it (prune checks it)
        cache.set(
            USAGE_CACHE_KEY,
            {
                path: {**entry, "digest": file_digest(Path(path))}
                for path, entry in sorted(usage.items())
            },
        )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """With -v or --aws-report-unused: the recorded interactions no test replayed."""
    if not (config.getoption("aws_report_unused", False) or config.getoption("verbose", 0) > 0):
        return
    from harness.safe_text import one_line  # (a file's name is shown escaped)

    usage = config.stash.get(_USAGE, {})
    lines = []
    for path, entry in sorted(usage.items()):
        if entry.get("incomplete"):
            continue  # a test using it failed or was skipped: "unused" would mislead
        unused = [i for i in range(entry["total"]) if i not in set(entry["used"])]
        if unused:
            shown = ", ".join(f"#{i}" for i in unused[:10]) + (" ..." if len(unused) > 10 else "")
            lines.append(f"{one_line(path)}: {len(unused)} of {entry['total']} unused ({shown})")
    if lines:
        terminalreporter.write_sep("-", "aws cassettes: interactions no test used")
        for line in lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line("Drop them with: harness cassette prune <cassette>")
