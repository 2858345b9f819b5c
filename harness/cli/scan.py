"""``harness scan [PATH ...]``: find credential material and secrets in cassette files.

Usable as a CI gate and a pre-commit hook: exit 0 when clean, 1 when something was found,
2 on bad input (a missing path, an unreadable file). ``--fix`` migrates the files in place
(``harness.secrets.scan_fix``): exit 0 when every file is clean after it, 1 when the scan still
finds something redaction does not replace, 2 on bad input (no file is written then).
Findings name the file, the line or interaction and the kind of secret, never the secret.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, TextIO

from harness.errors import HarnessUsageError
from harness.safe_text import gh_data, gh_property, one_line
from harness.secrets.scan import Finding, discover, scan_file

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
            "members, credential headers). Exit 0 when clean, 1 when something was found, 2 "
            "on bad input."
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
    parser.set_defaults(func=run_scan)


def run_scan(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Scan every file; report findings on stdout and unreadable files on stderr."""
    files = discover(args.paths or [Path("cassettes")])
    if args.fix:
        return run_fix(files, args.format, stdout, stderr)
    findings: list[Finding] = []
    unreadable = 0
    for path in files:
        try:
            findings.extend(scan_file(path))
        except HarnessUsageError as exc:
            stderr.write(f"harness scan: error: {one_line(exc)}\n")
            if args.format == "github":
                stdout.write(
                    f"::error file={gh_property(path)},title=harness scan::{gh_data(exc)}\n"
                )
            unreadable += 1
    if args.format == "json":
        document = {
            "files": len(files),
            "findings": [f.as_dict() for f in findings],
            "unreadable": unreadable,
        }
        stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        if args.format == "github":
            stdout.write(github_annotations(findings))
        else:
            for finding in findings:
                stdout.write(f"{finding}\n")
        affected = len({f.path for f in findings})
        read = len(files) - unreadable
        if findings:
            summary = f"{len(findings)} finding(s) in {affected} of {read} file(s)."
        elif unreadable:
            summary = f"No secrets found in the {read} file(s) read."
        else:
            summary = f"No secrets found in {read} file(s)."
        if unreadable:
            summary += f" {unreadable} file(s) could not be read (see above)."
        stdout.write(summary + "\n")
        if findings:
            stdout.write(
                "Redact them in place with 'harness scan --fix PATH' (what recording would now "
                "redact), or re-record the affected cassettes with botocore-harness; then "
                "rewrite history if they were ever committed.\n"
            )
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_FOUND if findings else EXIT_CLEAN


def run_fix(files: list[Path], form: str, stdout: TextIO, stderr: TextIO) -> int:
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
    left = [f for path in files for f in scan_file(path)]
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


def github_annotations(findings: list[Finding]) -> str:
    """One ``::error`` workflow command per finding, on its line (an interaction's finding on
    the line the interaction starts at), escaped as actions/toolkit escapes (``gh_data``,
    ``gh_property``): a cassette's text never ends the command or starts another."""
    from harness.cli.cassette._review_formats import _interaction_lines

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
                    starts[finding.path] = _interaction_lines(Path(finding.path))
                except OSError:  # (gone since the scan: the annotation names the file only)
                    starts[finding.path] = []
            index = int(interaction[1])
            if index < len(starts[finding.path]):
                properties.append(f"line={starts[finding.path][index]}")
        properties.append(f"title={gh_property(f'harness scan: {finding.kind}')}")
        message = f"{finding.kind} at {finding.where}. {finding.advice}"
        out.append(f"::error {','.join(properties)}::{gh_data(message)}\n")
    return "".join(out)
