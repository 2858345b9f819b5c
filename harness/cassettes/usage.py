"""Which recorded interactions the last test run replayed: written by the plugin, read by tools.

The pytest plugin keeps, per cassette, the interaction indices its tests used, how many the
file held, a digest of the file as the run left it, and the tests that used it. It stores this
in pytest's cache (``.pytest_cache/v/botocore-harness/used``, JSON) at the end of every run
that touched a cassette. ``harness cassette prune`` drops the interactions nobody used and
``harness cassette rerecord`` prints the command that records a cassette's tests again; both
refuse a cassette whose digest changed since the run (its indices no longer mean the same).
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessUsageError

CACHE_KEY = "botocore-harness/used"  # pytest's cache key; the file is <cache dir>/v/<key>


@dataclass(kw_only=True, frozen=True)
class Usage:
    """How the last run used one cassette."""

    used: tuple[int, ...]
    total: int
    digest: str  # sha256 of the file when the run ended ("" when unknown)
    tests: tuple[str, ...]  # pytest node ids, relative to the run's rootdir
    incomplete: tuple[str, ...] = ()  # tests that failed or were skipped: usage unknown
    #: node ids that run every test sharing a wide fixture's cassette with these tests, and
    #: those fixtures (``'bucket' (cassettes/m/bucket.fixture.yaml)``): re-recorded together
    shared_targets: tuple[str, ...] = ()
    shared_fixtures: tuple[str, ...] = ()
    shared_cassettes: tuple[str, ...] = ()  # those fixtures' cassettes (resolved paths)

    @property
    def unused(self) -> list[int]:
        """Indices of the interactions no test replayed."""
        used = set(self.used)
        return [i for i in range(self.total) if i not in used]


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes (hex), or "" when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def usage_file(cache_dir: Path) -> Path:
    """The usage file inside a pytest cache folder."""
    return cache_dir / "v" / CACHE_KEY


def find_cache_dir(start: Path) -> Path | None:
    """The nearest ``.pytest_cache`` holding a usage file, from ``start`` up to the root."""
    for folder in (start, *start.parents):
        if usage_file(folder / ".pytest_cache").is_file():
            return folder / ".pytest_cache"
    return None


def read_usage(cache_dir: Path) -> dict[Path, Usage]:
    """The usage of every cassette the last run touched, by resolved path."""
    where = usage_file(cache_dir)
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HarnessUsageError(
            f"No record of which interactions tests used: {where} does not exist. Run the "
            "test suite (replaying) first, with the botocore-harness plugin and pytest's cache "
            "on; then run this again from the project folder or pass --cache-dir."
        ) from None
    except (OSError, ValueError) as exc:
        raise HarnessUsageError(
            f"Cannot read the usage record {where}: {exc}. Delete it and run the test suite "
            "again to write a fresh one."
        ) from None
    if not isinstance(data, dict):
        raise HarnessUsageError(
            f"The usage record {where} is not a JSON object of cassette paths. Delete it and "
            "run the test suite again."
        )
    try:
        return {Path(path): _usage(value) for path, value in data.items()}
    except (AttributeError, TypeError, ValueError):
        raise HarnessUsageError(
            f"The usage record {where} is not in the form botocore-harness writes. Delete it "
            "and run the test suite again."
        ) from None


def _usage(value: Any) -> Usage:
    if isinstance(value, list):  # the first format: just the used indices
        used = tuple(int(i) for i in value)
        return Usage(used=used, total=max(used, default=-1) + 1, digest="", tests=())
    return Usage(
        used=tuple(int(i) for i in value.get("used", ())),
        total=int(value.get("total", 0)),
        digest=str(value.get("digest", "")),
        tests=tuple(str(t) for t in value.get("tests", ())),
        incomplete=tuple(str(t) for t in value.get("incomplete", ())),
        shared_targets=tuple(str(t) for t in value.get("shared_targets", ())),
        shared_fixtures=tuple(str(t) for t in value.get("shared_fixtures", ())),
        shared_cassettes=tuple(str(t) for t in value.get("shared_cassettes", ())),
    )


def shared_usage(usage: dict[Path, Usage], cassette: Path) -> Usage | None:
    """A wide fixture's cassette as the tests sharing it recorded it (the record keeps the
    tests' cassettes, not the fixtures'): who shares it and the targets that re-record them
    together, no interaction numbers. ``None`` when no test of the run shared it."""
    key = str(cassette.resolve())
    sharing = [u for u in usage.values() if key in u.shared_cassettes]
    if not sharing:
        return None

    def union(field: str) -> tuple[str, ...]:
        return tuple(sorted({v for u in sharing for v in getattr(u, field)}))

    return Usage(
        used=(),
        total=0,
        digest="",
        tests=union("tests"),
        shared_targets=union("shared_targets"),
        shared_fixtures=union("shared_fixtures"),
        shared_cassettes=(key,),
    )


def usage_of(
    usage: dict[Path, Usage], cassette: Path, cache_dir: Path, *, fixtures: bool = False
) -> Usage:
    """The usage of ``cassette``, checked against the file as it is now; with ``fixtures``,
    a wide fixture's cassette is known by the tests that shared it (``shared_usage``)."""
    if not cassette.is_file():
        what = "is a directory" if cassette.is_dir() else "does not exist"
        raise HarnessUsageError(f"Cassette {cassette} {what}: give a cassette file.")
    found = usage.get(cassette.resolve())
    if found is None:
        shared = shared_usage(usage, cassette)
        if shared is not None and fixtures:
            return shared
        if shared is not None:
            raise HarnessUsageError(
                f"{cassette} is the cassette of a wide fixture, which the last run's usage "
                f"record ({cache_dir}) knows by the tests sharing it, not interaction by "
                "interaction: it is left whole. To record it again with those tests, run "
                f"harness cassette rerecord {cassette}."
            )
        raise HarnessUsageError(
            f"No test used {cassette} in the last run recorded in {cache_dir}. Run the whole "
            "test suite first (only a run of every test using the cassette says which "
            "interactions it needs), or delete the cassette if no test uses it any more."
        )
    if found.digest and found.digest != file_digest(cassette):
        raise HarnessUsageError(
            f"{cassette} changed since the last test run, so the run's interaction numbers no "
            "longer apply to it. Run the test suite again, then retry."
        )
    return found


def shared_rerecord_command(
    targets: Iterable[str], fixtures: Sequence[str], runner: str = "pytest"
) -> str:
    """The command that records again every test sharing wide fixtures' cassettes (mode
    ``all``: in another mode the fixture replays and what it made is not on the live side),
    with why as a shell comment. ``targets``: node ids running those tests (a class inside a
    module also named is left to the module); ``fixtures``: ``'bucket' (cassette path)``."""
    found = sorted(set(targets))
    found = [
        t for t in found if not any(t != o and t.startswith((o + "::", o + "/")) for o in found)
    ]
    what = "the cassette of fixture" if len(fixtures) == 1 else "the cassettes of fixtures"
    are = "is" if len(fixtures) == 1 else "are"
    return (
        f"{runner} {' '.join(shlex.quote(t) for t in found)} --aws-record-mode=all"
        f"  # {what} {', '.join(fixtures)} {are} shared by these tests: one test "
        "re-recorded alone records it anew and the other tests' cassettes miss"
    )


__all__ = [
    "CACHE_KEY",
    "Usage",
    "file_digest",
    "find_cache_dir",
    "read_usage",
    "shared_rerecord_command",
    "shared_usage",
    "usage_file",
    "usage_of",
]
