"""Acknowledged violations of ``harness check``: a deliberate misuse, reviewed, in one cassette.

A test may break a documented rule on purpose (a 600-record ``PutRecordBatch`` to see the
service refuse it). ``--rule ID=off`` would hide the rule for every cassette; an entry here
acknowledges it in one cassette (optionally at some interactions), with the reason, in a YAML
file committed with the cassettes and reviewed like code, by default
``.harness-check-acks.yaml`` in the folder ``harness check`` runs in::

    version: 1
    acknowledged:
      - file: cassettes/test_ingest/test_oversized_batch.yaml   # relative to this file
        rule: schema.request@firehose:PutRecordBatch/request/Records  # or a rule id alone
        interaction: 0                         # optional: one number or a list; else any
        reason: The test sends 600 records on purpose, to see Firehose refuse the batch.

An acknowledged violation is reported with its reason and never fails the run. Every entry
needs a reason; an entry that acknowledged nothing in the files checked is *stale* and
reported, so the file does not rot. The same shape as ``harness scan``'s acknowledgements
(``harness.secrets.scan_acks``), where an entry names a secret's fingerprint instead of a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.contract.settings import RuleScope, parse_rule_settings, rule_scope
from harness.errors import HarnessUsageError, did_you_mean
from harness.ops.verdict import Violation
from harness.safe_text import one_line

#: Read when it exists in the current folder and no ``--acks`` is given.
ACKS_FILE = ".harness-check-acks.yaml"
MAX_ACKS_BYTES = 1024 * 1024  # a reviewed list, not a data set
_FIELDS = ("file", "rule", "interaction", "reason")
_REQUIRED = ("file", "rule", "reason")
_FORMAT = (
    "a mapping with 'version: 1' and 'acknowledged:', a list of entries each with file, rule, "
    "reason and optionally interaction (see docs/how-to/contracts.md)"
)


@dataclass(kw_only=True, frozen=True)
class CheckAck:
    """One entry: ``rule`` acknowledged in ``file`` (at ``interactions``, or anywhere)."""

    file: str
    rule: str
    scope: RuleScope
    interactions: frozenset[int] | None
    reason: str
    line: int
    target: Path = field(compare=False)

    def covers(self, violation: Violation, file: Path) -> bool:
        return (
            file == self.target
            and self.scope.matches(violation)
            and (self.interactions is None or violation.index in self.interactions)
        )

    def __str__(self) -> str:
        at = (
            ""
            if self.interactions is None
            else f" #{','.join(map(str, sorted(self.interactions)))}"
        )
        return f"{self.file}{at} {self.rule}"


@dataclass(kw_only=True)
class Acknowledged:
    """The acknowledgements applied to a run: what each covered, and what none did."""

    path: Path
    acks: tuple[CheckAck, ...]
    used: set[int] = field(default_factory=set)

    def reason_for(self, violation: Violation) -> str | None:
        """The reason of the first entry covering ``violation`` (marking it used), or None."""
        if violation.cassette is None:
            return None
        file = _resolved(Path(violation.cassette))
        for number, ack in enumerate(self.acks):
            if ack.covers(violation, file):
                self.used.add(number)
                return ack.reason
        return None

    def stale(self) -> list[str]:
        """One warning per entry that acknowledged no violation of the files checked."""
        return [
            f"{self.path} (entry {ack.line}): the acknowledgement of {ack} matched no "
            "violation in the cassettes checked (fixed, or the cassette is gone): remove it"
            for number, ack in enumerate(self.acks)
            if number not in self.used
        ]


def load_check_acks(path: Path) -> Acknowledged:
    """Read and check an acknowledgements file; ``HarnessUsageError`` saying what is wrong."""
    from harness.cassettes.files import read_reviewed_file
    from harness.cassettes.yaml_io import load_yaml

    raw = read_reviewed_file(
        path,
        MAX_ACKS_BYTES,
        missing=f"Pass an existing file to --acks, or leave it out ({ACKS_FILE} in the current "
        "folder is read when it exists).",
        too_big="it is a reviewed list of deliberate violations, not a data set.",
    )
    try:
        data = load_yaml(raw)
    except Exception as exc:  # (PyYAML's errors, the loader's limits, bad UTF-8)
        problem = getattr(exc, "problem", None) or str(exc)
        raise HarnessUsageError(
            f"Acknowledgements file {path} is not valid YAML: {one_line(problem)}. Write {_FORMAT}."
        ) from None
    entries = _entries(path, data)
    folder = _resolved(path).parent
    return Acknowledged(
        path=path,
        acks=tuple(_ack(path, folder, number, entry) for number, entry in enumerate(entries)),
    )


def _entries(path: Path, data: Any) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, dict) or any(k not in ("version", "acknowledged") for k in data):
        raise HarnessUsageError(f"Acknowledgements file {path} is not {_FORMAT}.")
    if data.get("version", 1) != 1:
        raise HarnessUsageError(
            f"Acknowledgements file {path} is version {data.get('version')!r}; this harness "
            "reads version 1."
        )
    entries = data.get("acknowledged") or []
    if not isinstance(entries, list):
        raise HarnessUsageError(f"Acknowledgements file {path}: 'acknowledged' is not a list.")
    return entries


def _ack(path: Path, folder: Path, number: int, entry: Any) -> CheckAck:
    at = f"{path} (entry {number + 1})"
    if not isinstance(entry, dict):
        raise HarnessUsageError(f"{at}: an entry is a mapping of {', '.join(_FIELDS)}.")
    for key in entry:
        if key not in _FIELDS:
            raise HarnessUsageError(
                f"{at}: unknown key {str(key)!r}.{did_you_mean(str(key), _FIELDS)} An entry "
                f"holds {', '.join(_FIELDS)}."
            )
    for key in _REQUIRED:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            what = "why the violation is deliberate" if key == "reason" else "a string"
            raise HarnessUsageError(
                f"{at}: '{key}' is required ({what}). An acknowledgement without a reason "
                "hides a broken contract from review."
            )
    rule = str(entry["rule"]).strip()
    parse_rule_settings([f"{rule}=off"], where=at)  # an unknown rule or a bad scope: said here
    return CheckAck(
        file=str(entry["file"]),
        rule=rule,
        scope=rule_scope(rule),
        interactions=_interactions(at, entry.get("interaction")),
        reason=str(entry["reason"]).strip(),
        line=number + 1,
        target=_resolved(folder / str(entry["file"])),
    )


def _interactions(at: str, value: Any) -> frozenset[int] | None:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values
    ):
        raise HarnessUsageError(
            f"{at}: 'interaction' is an interaction number (from 0, as harness check prints "
            "it) or a list of them."
        )
    return frozenset(values)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
