"""One cassette file checked: ``check_cassette`` and its ``CassetteReport`` (rows per
interaction, compact for large files).
"""

from __future__ import annotations

import operator
import os
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from harness.cassettes.entries import Entry, StreamMisread, read_entries, runs, stream_entries
from harness.cassettes.interactions import CassetteError
from harness.errors import HarnessUsageError
from harness.ops.verdict import (
    Violation,
)

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    pass

from harness.contract.checker import Checker, SchemaDirs
from harness.contract.results import ContractResult, Skipped, is_failure
from harness.contract.settings import rule_scope

#: A report's ``metadata`` key: the scoped rule settings that selected a violation of the
#: cassette (canonical keys, sorted), when any scoped setting was given. It travels with the
#: report (to the main process from a worker, through the report cache) so that ``harness
#: check`` can say which settings matched nothing in the whole run.
MATCHED_SETTINGS = "harness check: scoped rule settings matched"


class InteractionRows(Sequence[tuple[int, str, int]]):
    """(index, operation label, HTTP status) of each interaction of a cassette, in ten bytes
    an interaction instead of a hundred (a tuple, an int and a reference): a report of a
    million interactions holds 10 MB, not 100."""

    __slots__ = ("_index", "_label", "_label_ids", "_labels", "_status")

    def __init__(self, rows: Iterable[tuple[int, str, int]] = ()) -> None:
        self._index, self._label, self._status = array("I"), array("I"), array("H")
        self._labels: list[str] = []
        self._label_ids: dict[str, int] = {}
        for row in rows:
            self.append(*row)

    def append(self, index: int, label: str, status: int) -> None:
        label_id = self._label_ids.get(label)
        if label_id is None:
            label_id = self._label_ids[label] = len(self._labels)
            self._labels.append(label)
        self._index.append(index)
        self._label.append(label_id)
        self._status.append(status)

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, i: int) -> tuple[int, str, int]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, str, int]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, str, int] | list[tuple[int, str, int]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._index[i], self._labels[self._label[i]], self._status[i]

    def __iter__(self) -> Iterator[tuple[int, str, int]]:
        labels = self._labels
        for index, label, status in zip(self._index, self._label, self._status, strict=True):
            yield index, labels[label], status

    def columns(self) -> dict[str, list[Any]]:
        """The rows as four lists: a compact JSON form that ``from_columns`` reads back."""
        labels, status = list(self._labels), self._status.tolist()
        return {
            "index": self._index.tolist(),
            "label": self._label.tolist(),
            "labels": labels,
            "status": status,
        }

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> InteractionRows:
        """The rows of a ``columns()`` mapping; raises ``ValueError`` (or ``TypeError``,
        ``OverflowError``) for any other value."""
        rows = cls()
        rows._index.fromlist(columns["index"])
        rows._label.fromlist(columns["label"])
        rows._status.fromlist(columns["status"])
        labels = columns["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValueError("labels are not a list of strings")
        rows._labels = list(labels)
        rows._label_ids = {label: i for i, label in enumerate(rows._labels)}
        sizes = {len(rows._index), len(rows._label), len(rows._status)}
        if len(sizes) != 1 or max(rows._label, default=-1) >= len(rows._labels):
            raise ValueError("columns of different lengths, or a label that is not listed")
        return rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(
            a == tuple(b) for a, b in zip(self, other, strict=True)
        )

    def __repr__(self) -> str:
        return f"InteractionRows({list(self)!r})"


@dataclass(kw_only=True)
class CassetteReport:
    """The result of checking one cassette file.

    ``interactions`` lists every interaction, judged or not; ``skipped`` says which ones the
    checker could not judge and why (they never fail a run).
    """

    path: str
    interactions: Sequence[tuple[int, str, int]]  # (index, operation label, HTTP status)
    violations: list[Violation]
    metadata: dict[str, Any] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def failures(self, *, allow_drift: bool = False) -> list[Violation]:
        """The violations that fail a run (see :func:`is_failure`)."""
        return [v for v in self.violations if is_failure(v, allow_drift=allow_drift)]


_NOT_AWS = "not a call to an AWS operation botocore knows"


def check_cassette(
    path: str | os.PathLike[str],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> CassetteReport:
    """Check every interaction of a cassette file (and its NextToken chains).

    Interactions that are not AWS calls, or whose operation botocore does not know, are
    listed in ``skipped``. When ``rules`` holds a scoped setting, ``metadata`` says which
    scoped settings selected a violation (``MATCHED_SETTINGS``, :func:`matched_settings`).
    A file that is not a readable cassette raises ``HarnessUsageError`` whose message names
    the file (and the line, for YAML errors).
    """
    entries, metadata = stream_entries(path)  # one at a time: flat memory for any size
    matched: set[str] = set()
    try:
        try:
            rows, skipped, result = _check_entries(
                path, entries, schema_dir, rules, allow_drift, matched
            )
        except StreamMisread:  # laid out so that its spans misjudge it: read it whole
            whole, metadata = read_entries(path)
            matched.clear()
            rows, skipped, result = _check_entries(
                path, iter(whole), schema_dir, rules, allow_drift, matched
            )
    except CassetteError:
        raise
    except HarnessUsageError as exc:
        raise HarnessUsageError(f"Cannot check cassette {path}: {exc}") from None
    skipped.extend(result.skipped)
    skipped.sort(key=lambda s: s.index if s.index is not None else -1)
    if rules and any(rule_scope(str(key)).scoped for key in rules):
        metadata = {**metadata, MATCHED_SETTINGS: sorted(matched)}
    return CassetteReport(
        path=str(path),
        interactions=rows,
        violations=result.violations,
        metadata=metadata,
        skipped=skipped,
    )


def matched_settings(report: CassetteReport) -> set[str] | None:
    """The scoped settings that selected a violation of ``report``'s cassette (None: the
    report does not say; it was made with no scoped setting)."""
    found = report.metadata.get(MATCHED_SETTINGS)
    if not isinstance(found, list):
        return None
    return {str(key) for key in found}


def _check_entries(
    path: str | os.PathLike[str],
    entries: Iterator[Entry],
    schema_dir: SchemaDirs,
    rules: Mapping[str, str] | None,
    allow_drift: bool,
    matched: set[str],
) -> tuple[InteractionRows, list[Skipped], ContractResult]:
    """One pass of ``check_cassette`` over a cassette's entries; ``matched`` gets the scoped
    settings of ``rules`` that selected a violation."""
    rows = InteractionRows()
    skipped: list[Skipped] = []
    checker = Checker(schema_dir, rules, chains=True, remember=False)
    # a run read, then checked: faster than alternating one by one (see entries.runs)
    for run in runs(entries, operator.attrgetter("size")):
        exchanges = []
        for _, entry in run:
            rows.append(entry.index, entry.label, entry.status)
            if entry.exchange is None:
                skipped.append(Skipped(entry.line, str(path), entry.index, _NOT_AWS))
            else:
                exchanges.append(entry.exchange)
        checker.add_run(exchanges)
    return rows, skipped, checker.result(allow_drift, matched)
