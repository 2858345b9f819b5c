"""Acknowledged findings of ``harness scan``: a reviewed file of values that are not secrets.

A finding that is not a secret (a documented example key, a test fixture's made-up password)
is acknowledged in a YAML file committed with the cassettes and reviewed like code, by
default ``.harness-scan-acks.yaml`` in the folder ``harness scan`` runs in::

    version: 1
    acknowledged:
      - file: cassettes/iam.yaml                 # relative to this file's folder
        where: "#0 iam:CreateAccessKey response body /AccessKey/SecretAccessKey"
        kind: secret value
        fingerprint: sha256:5c0d...              # as harness scan reports it
        reason: The example key pair of the IAM user guide, not a credential.

An entry acknowledges one finding: the same file, place (``where``, as the scan prints it;
left out, anywhere in the file) and kind, and the same ``fingerprint`` -- a salted SHA-256 of
the value found (``harness.secrets.scan.fingerprint``), never the value itself -- so a
*changed* value at that place is a finding again. Every entry says why in ``reason``: an entry
without one (or with the placeholder ``harness scan --acknowledge`` writes) makes the file bad
input. An entry that matches nothing in a scanned file (or names a file that is gone) is
*stale*: reported, so the file does not rot.

This is what detect-secrets' ``.secrets.baseline`` (hashed values per file), gitleaks'
``.gitleaksignore`` (one fingerprint per finding) and trufflehog's ignores do, with a reason
required per entry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessUsageError, did_you_mean
from harness.safe_text import one_line
from harness.secrets.scan import ACKS_FILE, Finding

__all__ = ["ACKS_FILE", "Ack", "Acks", "Judged", "acknowledge", "find_acks", "judge", "load_acks"]
#: The reason ``--acknowledge`` writes: bad input until a person replaces it.
PLACEHOLDER_REASON = "TODO: why is this not a secret? (required)"
#: The largest acknowledgements file read (a reviewed list, not a data set).
MAX_ACKS_BYTES = 8 * 1024 * 1024

_FIELDS = ("file", "where", "kind", "fingerprint", "reason")
_REQUIRED = ("file", "kind", "fingerprint", "reason")
_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
_HEADER = """\
# Findings of `harness scan` that are not secrets, reviewed like code (see
# docs/how-to/secrets.md). Each entry: the file (relative to this one), where and what kind
# as the scan reports it, the fingerprint of the value (a salted hash, never the value), and
# why it is not a secret. A changed value at that place is a finding again; an entry that
# matches nothing is reported as stale. Never acknowledge a real credential: revoke it and
# re-record.
version: 1
acknowledged:
"""


@dataclass(kw_only=True, frozen=True)
class Ack:
    """One entry of the acknowledgements file."""

    file: str  # as written in the file
    where: str | None  # None: anywhere in the file
    kind: str
    fingerprint: str
    reason: str
    line: int  # of the entry in the acknowledgements file (1-based)
    target: Path = field(compare=False)  # ``file``, resolved against the file's folder

    def place_of(self, finding: Finding, file: Path | None = None) -> bool:
        """True when ``finding`` is at this entry's file, place and kind (any value);
        ``file``: the finding's file resolved, if known."""
        return (
            self.kind == finding.kind
            and (self.where is None or self.where == finding.where)
            and (file or _resolved(Path(finding.path))) == self.target
        )

    def matches(self, finding: Finding, file: Path | None = None) -> bool:
        """True when this entry acknowledges ``finding``: its place, kind and value."""
        return self.fingerprint == finding.fingerprint and self.place_of(finding, file)

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON data (``harness scan --format json``)."""
        return {
            "file": self.file,
            "where": self.where,
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "reason": self.reason,
            "line": self.line,
        }


@dataclass(frozen=True)
class Acks:
    """An acknowledgements file as read: where it is and its entries."""

    path: Path
    entries: tuple[Ack, ...]

    def names(self, path: Path) -> bool:
        """True when ``path`` is this very file."""
        return _resolved(path) == _resolved(self.path)

    def at(self, ack: Ack) -> str:
        """``.harness-scan-acks.yaml:12``: where an entry is written."""
        return f"{self.path}:{ack.line}"


@dataclass(frozen=True)
class Judged:
    """Findings sorted by the acknowledgements: what still fails, what is acknowledged (and
    by which entry), entries whose value changed, and entries that match nothing."""

    failing: list[Finding]
    acknowledged: list[tuple[Finding, Ack]]
    changed: dict[Finding, Ack]  # a failing finding at an acknowledged place: another value
    stale: list[Ack]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # (a link loop: compared as written)
        return path.absolute()


def find_acks(named: Path | None) -> Acks | None:
    """The acknowledgements in ``named`` (which must exist), else in ``ACKS_FILE`` of the
    current folder when there is one; None when neither. Bad files raise
    ``HarnessUsageError``, one paragraph."""
    if named is None:
        default = Path(ACKS_FILE)
        if not default.exists() and not default.is_symlink():
            return None
        named = default
    return load_acks(named)


def load_acks(path: Path, *, require_reasons: bool = True) -> Acks:
    """Read and check an acknowledgements file (see the module's docstring). Without
    ``require_reasons``, an entry's placeholder or missing reason is let through (for
    ``--acknowledge``, which adds entries to a file not yet filled in)."""
    from harness.cassettes.files import read_reviewed_file
    from harness.cassettes.yaml_io import load_yaml

    raw = read_reviewed_file(
        path,
        MAX_ACKS_BYTES,
        missing=f"Pass an existing file to --acks, or leave it out ({ACKS_FILE} in the current "
        "folder is read when it exists); 'harness scan --acknowledge' writes one.",
        too_big="it is a reviewed list of findings that are not secrets, not a data set. "
        "Acknowledge fewer, or redact the values ('harness scan --fix').",
    )
    try:
        data = load_yaml(raw)
    except Exception as exc:  # (PyYAML's errors, the loader's limits, bad UTF-8)
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise HarnessUsageError(
            f"Acknowledgements file {path} is not valid YAML{where}: {one_line(problem)}. "
            "Fix it (see docs/how-to/secrets.md for the format), or restore it from version "
            "control."
        ) from None
    entries = _entries(path, data)
    lines = _entry_lines(raw)
    folder = _resolved(path).parent
    acks: list[Ack] = []
    for number, entry in enumerate(entries):
        line = lines[number] if number < len(lines) else 0
        acks.append(_ack(path, folder, number, line, entry, require_reasons))
    return Acks(path, tuple(acks))


_FORMAT = (
    "write a mapping with 'version: 1' and 'acknowledged:', a list of entries each with file, "
    "where, kind, fingerprint and reason (see docs/how-to/secrets.md)"
)


def _entries(path: Path, data: Any) -> list[Any]:
    if data is None:  # an empty file: nothing acknowledged
        return []
    if not isinstance(data, dict):
        raise HarnessUsageError(
            f"Acknowledgements file {path} holds a {type(data).__name__}, not a mapping: {_FORMAT}."
        )
    unknown = [str(k) for k in data if k not in ("version", "acknowledged")]
    if unknown:
        raise HarnessUsageError(
            f"Acknowledgements file {path} has an unknown key {unknown[0]!r}."
            f"{did_you_mean(unknown[0], ('version', 'acknowledged'))} {_FORMAT[0].upper()}"
            f"{_FORMAT[1:]}."
        )
    if data.get("version", 1) != 1:
        raise HarnessUsageError(
            f"Acknowledgements file {path} is version {data.get('version')!r}; this harness "
            "reads version 1. Upgrade botocore-harness, or write 'version: 1'."
        )
    entries = data.get("acknowledged")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise HarnessUsageError(
            f"Acknowledgements file {path}: 'acknowledged' holds a {type(entries).__name__}, "
            f"not a list of entries: {_FORMAT}."
        )
    return entries


def _entry_lines(raw: bytes) -> list[int]:
    """The line (1-based) each entry of ``acknowledged`` starts on, read from the node tree
    (no value is built: aliases are not expanded)."""
    import yaml

    try:
        root = yaml.compose(raw, Loader=yaml.SafeLoader)
    except Exception:  # (read already; lines are only for messages)
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "acknowledged" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _ack(
    path: Path, folder: Path, number: int, line: int, entry: Any, require_reasons: bool
) -> Ack:
    at = f"{path}:{line}" if line else f"{path} (entry {number + 1})"
    if not isinstance(entry, dict):
        raise HarnessUsageError(
            f"{at}: an acknowledgement is a mapping of file, where, kind, fingerprint and "
            f"reason, not a {type(entry).__name__}. Write it as 'harness scan --acknowledge' "
            "does (see docs/how-to/secrets.md)."
        )
    for key in entry:
        if key not in _FIELDS:
            raise HarnessUsageError(
                f"{at}: unknown key {str(key)!r} in an acknowledgement."
                f"{did_you_mean(str(key), _FIELDS)} An entry holds {', '.join(_FIELDS)}."
            )
    for key in _FIELDS:
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            raise HarnessUsageError(
                f"{at}: {key} must be text, and YAML read {value!r} as {type(value).__name__}. "
                "Quote it."
            )
    missing = [key for key in _REQUIRED if key != "reason" and not (entry.get(key) or "").strip()]
    if missing:
        raise HarnessUsageError(
            f"{at}: the acknowledgement has no {missing[0]}. Every entry names the file, the "
            "kind and the fingerprint of the finding as 'harness scan --format json' reports "
            "them (where too, unless it holds anywhere in the file); 'harness scan "
            "--acknowledge' writes them for you."
        )
    described = f"{entry['kind']} at {entry['file']} {entry.get('where') or '(anywhere)'}"
    reason = str(entry.get("reason") or "").strip()
    if require_reasons and (not reason or reason == PLACEHOLDER_REASON):
        raise HarnessUsageError(
            f"{at}: the acknowledgement of {one_line(described)} gives no reason. Each entry "
            "must say why the value is not a secret (a documented example key, a test "
            "fixture's made-up password), so a reviewer can judge it and the next person "
            "knows; write it in 'reason:'. If the value is a real secret, delete the entry, "
            "revoke the secret and re-record (or 'harness scan --fix')."
        )
    fingerprint = str(entry["fingerprint"]).strip()
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise HarnessUsageError(
            f"{at}: {fingerprint!r} is not a fingerprint harness scan writes ('sha256:' and 64 "
            "hex digits). Copy it from 'harness scan --format json', or let 'harness scan "
            "--acknowledge' write the entry; never put the value itself in this file."
        )
    file = str(entry["file"]).strip()
    where = entry.get("where")
    return Ack(
        file=file,
        where=where if where is None else str(where),
        kind=str(entry["kind"]),
        fingerprint=fingerprint,
        reason=reason,
        line=line,
        target=_resolved(folder / file),
    )


def judge(findings: Iterable[Finding], acks: Acks | None, scanned: Iterable[Path]) -> Judged:
    """Sort ``findings`` by ``acks``; an entry is stale when it matches no finding and its
    file was among ``scanned`` (or no longer exists): a file left out of this run (a
    pre-commit hook passes only the changed ones) makes none of its entries stale."""
    findings = list(findings)
    if acks is None or not acks.entries:
        return Judged(findings, [], {}, [])
    failing: list[Finding] = []
    acknowledged: list[tuple[Finding, Ack]] = []
    changed: dict[Finding, Ack] = {}
    used: set[int] = set()
    files: dict[str, Path] = {}
    by_kind: dict[str, list[int]] = {}
    for i, ack in enumerate(acks.entries):
        by_kind.setdefault(ack.kind, []).append(i)
    for finding in findings:
        file = files.get(finding.path) or files.setdefault(
            finding.path, _resolved(Path(finding.path))
        )
        candidates = by_kind.get(finding.kind, [])
        match = next((i for i in candidates if acks.entries[i].matches(finding, file)), None)
        if match is not None:
            used.add(match)
            acknowledged.append((finding, acks.entries[match]))
            continue
        failing.append(finding)
        near = next((i for i in candidates if acks.entries[i].place_of(finding, file)), None)
        if near is not None:
            used.add(near)  # (not stale: its value changed, and the finding says so)
            changed[finding] = acks.entries[near]
    read = {_resolved(p) for p in scanned}
    stale = [
        ack
        for i, ack in enumerate(acks.entries)
        if i not in used and (ack.target in read or not os.path.lexists(ack.target))
    ]
    return Judged(failing, acknowledged, changed, stale)


def acknowledge(path: Path, findings: list[Finding]) -> int:
    """Add an entry for each of ``findings`` to the acknowledgements file at ``path`` (made
    when missing), each with ``PLACEHOLDER_REASON``; returns how many were added. The file's
    text is kept and the entries appended; when they cannot be appended to its layout, it is
    written again from its entries (its comments lost)."""
    import yaml

    from harness.cassettes.files import atomic_write_text

    existing = load_acks(path, require_reasons=False) if os.path.lexists(path) else None
    folder = _resolved(path).parent
    entries: list[dict[str, Any]] = []
    for finding in findings:
        target = _resolved(Path(finding.path))
        try:
            file = Path(os.path.relpath(target, folder)).as_posix()
        except ValueError:  # (another drive, on Windows)
            file = target.as_posix()
        entries.append(
            {
                "file": file,
                "where": finding.where,
                "kind": finding.kind,
                "fingerprint": finding.fingerprint,
                "reason": PLACEHOLDER_REASON,
            }
        )
    if not entries:
        return 0
    if existing is None:
        atomic_write_text(path, _HEADER + _items(entries, "  "))
        return len(entries)
    text = path.read_text(encoding="utf-8")
    before = (yaml.safe_load(text) or {}).get("acknowledged") or []
    first = re.search(r"(?m)^acknowledged:[ \t]*\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text)
    appended: str | None = text + ("\n" if text and not text.endswith("\n") else "")
    if first is not None or re.search(r"(?m)^acknowledged:[ \t]*(?:#.*)?$", text):
        appended = f"{appended}{_items(entries, first[1] if first else '  ')}"
    elif not re.search(r"(?m)^acknowledged\s*:", text):
        appended = f"{appended}acknowledged:\n{_items(entries, '  ')}"
    else:  # (a flow list: [...])
        appended = None
    if appended is not None:
        try:
            data = yaml.safe_load(appended)
        except yaml.YAMLError:
            data = None
        if not isinstance(data, dict) or data.get("acknowledged") != [*before, *entries]:
            appended = None  # (a key after the list, odd indentation...)
    if appended is None:  # the whole file again, from its entries
        appended = _HEADER + _items([*before, *entries], "  ")
    atomic_write_text(path, appended)
    return len(entries)


def _items(entries: list[dict[str, Any]], indent: str) -> str:
    import yaml

    text = yaml.safe_dump(
        entries, default_flow_style=False, sort_keys=False, allow_unicode=True, width=10**6
    )
    return "".join(f"{indent}{line}\n" for line in text.splitlines())
