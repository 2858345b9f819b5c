"""``harness scan [PATH ...]``: find credential material and secrets in cassette files.

Usable as a CI gate and a pre-commit hook: exit 0 when clean, 1 when something was found,
2 on bad input (a missing path, an unreadable file). ``--fix`` migrates the files in place
(``harness.secrets.scan_fix``): exit 0 when every file is clean after it, 1 when the scan still
finds something redaction does not replace, 2 on bad input (no file is written then).
Findings name the file, the line or interaction and the kind of secret, never the secret.

Findings that are not secrets are acknowledged in a reviewed file (``--acks FILE``, by default
``.harness-scan-acks.yaml`` in the current folder when it exists; ``harness.secrets.scan_acks``):
an acknowledged finding is reported with its reason and does not fail the run, an entry that
matches nothing is reported as stale, an entry without a reason is bad input (exit 2).
``--acknowledge`` adds an entry for each finding left, with a reason still to write.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any, TextIO

from harness.errors import HarnessUsageError
from harness.safe_text import gh_data, gh_property, one_line
from harness.secrets import second_opinion
from harness.secrets.scan import Finding, discover, scan_file
from harness.secrets.scan_acks import ACKS_FILE, Acks, Judged, acknowledge, find_acks, judge

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2


def register(subparsers: Any) -> None:
    """Add ``scan``."""
    parser = subparsers.add_parser(
        "scan",
        help="find credentials and secrets in cassettes (CI gate, pre-commit hook)",
        description=(
            "Search cassette files (ours, vcrpy's, pytest-recording's) for credential material "
            "(signatures, session and SSO tokens, access keys, JWTs, private keys, passwords in "
            "URLs) and for values today's redaction would remove (the model's sensitive "
            "members, credential headers). Findings that are not secrets are acknowledged, each "
            f"with its reason, in a reviewed file ({ACKS_FILE}, --acks). Exit 0 when clean, 1 "
            "when something was found, 2 on bad input."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files, or folders searched for *.yaml/*.yml/*.json (default: cassettes/)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="one line per finding (text, default), a JSON document, or GitHub Actions "
        "annotations on the findings' lines followed by the summary (github)",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help=(
            "migrate the cassettes in place: redact what recording would now redact, with "
            "placeholders replay binds (each file written atomically); report what changed "
            "by kind and place, never values"
        ),
    )
    parser.add_argument(
        "--acks",
        type=Path,
        default=None,
        metavar="FILE",
        help=(
            "the reviewed file of findings that are not secrets, each with its reason "
            f"(default: {ACKS_FILE} in the current folder, when it exists): an acknowledged "
            "finding does not fail the run; an entry that matches nothing is reported as stale"
        ),
    )
    parser.add_argument(
        "--acknowledge",
        action="store_true",
        help=(
            "add an entry for each finding not yet acknowledged to the acknowledgements file "
            "(made if missing), with a placeholder reason: the scan is bad input (exit 2) until "
            "every reason is written"
        ),
    )
    parser.set_defaults(func=run_scan)


def run_scan(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Scan every file; report findings on stdout and unreadable files on stderr."""
    files = discover(args.paths or [Path("cassettes")])
    if args.fix and args.acknowledge:
        raise HarnessUsageError(
            "--fix and --acknowledge do not go together: --fix redacts what it can, "
            "--acknowledge accepts what is left; run 'harness scan --fix', then "
            "'harness scan --acknowledge' for the findings that are not secrets."
        )
    if args.acknowledge:
        return run_acknowledge(files, args.acks, args.format, stdout, stderr)
    # (a bad acknowledgements file stops the run before any cassette is read: exit 2)
    acks = find_acks(args.acks)
    if acks is not None:  # (named among the paths, or in a folder scanned: not a cassette)
        named = any(acks.names(f) for f in files)
        files = [f for f in files if not acks.names(f)]
        if named:  # (a commit that edits it: an entry removed or changed changes verdicts)
            files += _judged_again(acks, files)
    if args.fix:
        return run_fix(files, args.format, stdout, stderr, acks)
    findings: list[Finding] = []
    unreadable = 0
    read: list[Path] = []  # (an unreadable file's acknowledgements are not stale)
    searched = 0  # files whose text was searched though their interactions were not all read
    for path in files:
        try:
            findings.extend(scan_file(path))
            read.append(path)
        except HarnessUsageError as exc:
            partly = getattr(exc, "findings", None)  # (PartlyRead: what its text showed)
            if partly is not None:
                findings.extend(partly)
                searched += 1
            stderr.write(f"harness scan: error: {one_line(exc)}\n")
            if args.format == "github":
                stdout.write(
                    f"::error file={gh_property(path)},title=harness scan::{gh_data(exc)}\n"
                )
            unreadable += 1
    judged = judge(findings, acks, read)
    findings = judged.failing
    if args.format == "json":
        document = {
            "files": len(files),
            "findings": [f.as_dict() for f in findings],
            "unreadable": unreadable,
            "second_opinion": second_opinion.version(),
            **_acks_json(acks, judged),
        }
        stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        if args.format == "github":
            stdout.write(github_annotations(findings, judged, acks))
        else:
            for finding in findings:
                stdout.write(f"{finding}{_changed_note(acks, judged, finding)}\n")
        stdout.write(_acks_text(acks, judged, github=args.format == "github"))
        affected = len({f.path for f in findings})
        if findings:
            summary = f"{len(findings)} finding(s) in {affected} of {len(read) + searched} file(s)."
        elif unreadable:
            searched_too = (
                f" nor in the text of the {searched} file(s) not read whole" if searched else ""
            )
            summary = f"No secrets found in the {len(read)} file(s) read{searched_too}."
        else:
            summary = f"No secrets found in {len(read)} file(s)."
        if judged.acknowledged and acks is not None:
            summary = summary[:-1] + (
                f"; {len(judged.acknowledged)} acknowledged finding(s) in {one_line(acks.path)}."
            )
        if judged.stale:
            summary += f" {len(judged.stale)} stale acknowledgement(s) (see above)."
        if unreadable:
            summary += f" {unreadable} file(s) could not be read (see above)."
        stdout.write(summary + "\n")
        stdout.write(_second_opinion_line())
        if findings:
            stdout.write(
                "Redact them in place with 'harness scan --fix PATH' (what recording would now "
                "redact), or re-record the affected cassettes with botocore-harness; then "
                "rewrite history if they were ever committed.\n"
            )
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_FOUND if findings else EXIT_CLEAN


def _second_opinion_line() -> str:
    found = second_opinion.version()
    if found is not None:
        return f"Second opinion: detect-secrets {found} read the same strings.\n"
    return (
        "Second opinion: detect-secrets is not installed; pip install "
        "'botocore-harness[scan]' adds it beside the harness's own detectors.\n"
    )


def _judged_again(acks: Acks, files: list[Path]) -> list[Path]:
    """What a change of the acknowledgements can change the verdict of, not among ``files``:
    every cassette of the default folder (an entry removed names nothing any more) and every
    file an entry names."""
    have = {f.resolve() for f in files}
    found: dict[Path, Path] = {}  # resolved -> as found
    default = Path("cassettes")
    for path in discover([default]) if default.is_dir() else []:
        if not acks.names(path):
            found.setdefault(path.resolve(), path)
    for ack in acks.entries:
        if ack.target.is_file():
            found.setdefault(ack.target, ack.target)
    return [path for resolved, path in found.items() if resolved not in have]


def _changed_note(acks: Acks | None, judged: Judged, finding: Finding) -> str:
    ack = judged.changed.get(finding)
    if ack is None or acks is None:
        return ""
    return f" (another value than the one acknowledged at {one_line(acks.at(ack))})"


def _acks_text(acks: Acks | None, judged: Judged, *, github: bool = False) -> str:
    """The acknowledged findings with their reasons, then the stale entries (in GitHub
    Actions, a warning annotation on each stale entry's line)."""
    if acks is None:
        return ""
    out: list[str] = []
    for finding, ack in judged.acknowledged:
        out.append(f"acknowledged: {finding}: {one_line(ack.reason)} ({one_line(acks.at(ack))})\n")
    for ack in judged.stale:
        where = one_line(ack.where) if ack.where is not None else "(anywhere)"
        message = (
            f"stale acknowledgement: nothing matches {one_line(ack.file)}: {where}: "
            f"{one_line(ack.kind)} any more; delete the entry"
        )
        if github:
            properties = f"file={gh_property(acks.path)},line={ack.line},title=harness scan"
            out.append(f"::warning {properties}::{gh_data(message)}\n")
        out.append(f"{one_line(acks.at(ack))}: {message}.\n")
    return "".join(out)


def _acks_json(acks: Acks | None, judged: Judged) -> dict[str, Any]:
    if acks is None:
        return {"acks": None, "acknowledged": [], "stale": []}
    return {
        "acks": str(acks.path),
        "acknowledged": [
            {**f.as_dict(), "reason": a.reason, "acknowledged_at": acks.at(a)}
            for f, a in judged.acknowledged
        ],
        "stale": [a.as_dict() for a in judged.stale],
    }


def run_acknowledge(
    files: list[Path], named: Path | None, form: str, stdout: TextIO, stderr: TextIO
) -> int:
    """Scan, then add an entry with a placeholder reason for each finding not yet
    acknowledged (``harness.secrets.scan_acks.acknowledge``)."""
    from harness.secrets.scan_acks import load_acks

    path = named if named is not None else Path(ACKS_FILE)
    acks = load_acks(path, require_reasons=False) if os.path.lexists(path) else None
    if acks is not None:
        files = [f for f in files if not acks.names(f)]
    findings: list[Finding] = []
    for file in files:  # every file is read before the acknowledgements are written
        findings.extend(scan_file(file))
    judged = judge(findings, acks, files)
    added = acknowledge(path, judged.failing)
    if form == "json":
        document = {
            "acks": str(path),
            "added": [f.as_dict() for f in judged.failing],
            "files": len(files),
        }
        stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return EXIT_CLEAN
    for finding in judged.failing:
        stdout.write(f"added: {finding}\n")
    if added:
        stdout.write(
            f"Added {added} acknowledgement(s) to {one_line(path)}. Write each reason (why the "
            "value is not a secret) and have the file reviewed: until then 'harness scan' "
            "stops with exit 2. A real secret: delete its entry, revoke it and re-record.\n"
        )
    else:
        stdout.write(f"Nothing to acknowledge: every finding is in {one_line(path)} already.\n")
    return EXIT_CLEAN


def run_fix(
    files: list[Path], form: str, stdout: TextIO, stderr: TextIO, acks: Acks | None = None
) -> int:
    """Migrate every file in place; report each change, then what a scan still finds."""
    from harness.secrets.scan_fix import Change, fix_file, readable

    unreadable = 0
    for path in files:  # every file is checked before any is written
        try:
            readable(path)
        except HarnessUsageError as exc:
            stderr.write(f"harness scan: error: {exc}\n")
            unreadable += 1
    if unreadable:
        return EXIT_BAD_INPUT
    changes: list[Change] = []
    for path in files:
        try:
            changes.extend(fix_file(path))
        except HarnessUsageError as exc:  # a write that failed: the file is as it was
            stderr.write(f"harness scan: error: {exc}\n")
            return EXIT_BAD_INPUT
    left = judge([f for path in files for f in scan_file(path)], acks, files).failing
    if form == "json":
        document = {
            "files": len(files),
            "changes": [c.as_dict() for c in changes],
            "findings": [f.as_dict() for f in left],
        }
        stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        for change in changes:
            stdout.write(f"{change}\n")
        fixed = len({c.path for c in changes})
        stdout.write(
            f"Redacted {len(changes)} place(s) in {fixed} of {len(files)} file(s); "
            "replay binds the new placeholders like recorded ones.\n"
        )
        if form == "github":
            stdout.write(github_annotations(left))
        else:
            for finding in left:
                stdout.write(f"still found: {finding}\n")
        if left:
            stdout.write(
                f"{len(left)} finding(s) are beyond what redaction replaces: re-record those "
                "cassettes.\n"
            )
    return EXIT_FOUND if left else EXIT_CLEAN


#: Where a finding is: a line of the file, or an interaction (``#3 ...``).
_LINE = re.compile(r"line (\d+)")
_INTERACTION = re.compile(r"#(\d+)\b")


def github_annotations(
    findings: list[Finding], judged: Judged | None = None, acks: Acks | None = None
) -> str:
    """One ``::error`` workflow command per finding, on its line (an interaction's finding on
    the line the interaction starts at), escaped as actions/toolkit escapes (``gh_data``,
    ``gh_property``): a cassette's text never ends the command or starts another."""
    from harness.cassettes.index import interaction_lines

    starts: dict[str, list[int]] = {}
    out: list[str] = []
    for finding in findings:
        properties = [f"file={gh_property(finding.path)}"]
        line = _LINE.fullmatch(finding.where)
        interaction = _INTERACTION.match(finding.where)
        if line is not None:
            properties.append(f"line={line[1]}")
        elif interaction is not None:
            if finding.path not in starts:
                try:
                    starts[finding.path] = interaction_lines(Path(finding.path))
                except OSError:  # (gone since the scan: the annotation names the file only)
                    starts[finding.path] = []
            index = int(interaction[1])
            if index < len(starts[finding.path]):
                properties.append(f"line={starts[finding.path][index]}")
        properties.append(f"title={gh_property(f'harness scan: {finding.kind}')}")
        message = f"{finding.kind} at {finding.where}. {finding.advice}"
        ack = judged.changed.get(finding) if judged is not None else None
        if ack is not None and acks is not None:
            message += f" (another value than the one acknowledged at {acks.at(ack)})"
        out.append(f"::error {','.join(properties)}::{gh_data(message)}\n")
    return "".join(out)
