"""``harness policy [PATH ...]``: a least-privilege IAM policy derived offline from the calls
the cassettes recorded, and a report saying where each statement comes from; or, with
``--against POLICY``, whether a policy allows every recorded call (exit 1 when not).

The policy (JSON, IAM grammar ``2012-10-17``) goes to ``--out`` or stdout; the report to
``--report`` (JSON when the file ends in ``.json``, else text). Both are written atomically,
and the same cassettes give the same bytes. Exit 0, or 2 on bad input (``--against``: 1 when
the policy does not allow a recorded call).

The policy is the code's calls: the tests' set-up and tear-down (wide fixtures' own
``*.fixture.yaml`` cassettes, and the calls a test's cassette tags ``phase: setup`` or
``teardown``) is left out, named in a note and the report, and written as a policy of its own
(statement ids ``TestSetUp...``) to ``--setup-out``; ``--include-setup`` grants everything in
one policy.

A policy over a managed policy's 6,144 characters (whitespace aside) is still written whole
to ``--out`` (or stdout), and split into managed policies written beside it,
``FILE-part1.json``, ``FILE-part2.json``... (whole statements grouped by service, each within
the limit; attach them all); a note says so. ``--setup-out`` is split the same way.
``--conditions`` adds each ``Condition`` the recorded requests determine
(``harness.audit.conditions``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, TextIO

from harness.audit.coverage import cassette_files
from harness.audit.policy import MANAGED_POLICY_LIMIT, derive
from harness.cassettes.files import atomic_write_text, check_writable
from harness.errors import HarnessUsageError
from harness.safe_text import one_line


def register(subparsers: Any) -> None:
    """Add ``policy``."""
    parser = subparsers.add_parser(
        "policy",
        help="derive a least-privilege IAM policy from the recorded calls",
        description=(
            "Derive, offline, the IAM policy the recorded calls need: an action per operation "
            "(IAM names where they differ from the operation's), on the resources the "
            "requests name (ARNs, S3 buckets and keys, queue URLs, table and function names), "
            "'*' only where nothing narrower is known. The calls of fixtures (set-up and "
            "tear-down) are left out of it unless --include-setup. With --against POLICY, check "
            "that POLICY allows every recorded call instead (exit 1 when not). Exit 0, or 2 on "
            "bad input."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="cassette files or folders searched for *.yaml/*.yml (default: cassettes/)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="write the policy here (default: stdout)"
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="write why each statement is there: JSON if FILE ends in .json, else text",
    )
    parser.add_argument(
        "--include-setup",
        action="store_true",
        help="grant the calls of fixtures (set-up and tear-down) too: the policy a test run needs",
    )
    parser.add_argument(
        "--setup-out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write what the calls of fixtures need as a policy of its own (Sid TestSetUp...)",
    )
    parser.add_argument(
        "--conditions",
        action="store_true",
        help="add a Condition where every call of an action set a condition key AWS documents "
        "for it to a fixed value (s3:x-amz-acl from ACL, dynamodb:Select, kms:KeySpec ...)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="POLICY",
        help="instead of deriving a policy, check that POLICY (a JSON policy document) allows "
        "every call the cassettes recorded: print each one it does not; exit 1 if any",
    )
    parser.add_argument(
        "--account",
        type=_account,
        default=None,
        help="the account id written where the cassettes hold a redaction placeholder (default: *)",
    )
    parser.set_defaults(func=run_policy)


def _account(text: str) -> str:
    if not re.fullmatch(r"\d{12}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS account id (12 digits)")
    return text


def run_policy(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Derive the policy; write it and its report (or, ``--against``, check one)."""
    if args.against is not None:
        return _check_against(args, stdout)
    if args.include_setup and args.setup_out is not None:
        raise HarnessUsageError(
            "--include-setup puts the fixtures' calls in the policy: there is nothing left "
            "for --setup-out. Give one of them."
        )
    named = {"--out": args.out, "--report": args.report, "--setup-out": args.setup_out}
    seen: dict[Path, str] = {}
    for option, target in named.items():
        if target is None:
            continue
        check_writable(target)  # before the work, not after it
        other = seen.setdefault(target.resolve(), option)
        if other != option:
            raise HarnessUsageError(
                f"{other} and {option} name the same file ({target}): give each its own file."
            )
    files = cassette_files(list(args.paths) or [Path("cassettes")], "policy")
    result = derive(
        files, account=args.account, include_setup=args.include_setup, conditions=args.conditions
    )
    setup = result.setup
    if not result.document["Statement"]:
        if setup is not None and setup.document["Statement"]:
            raise HarnessUsageError(
                f"Only the calls of fixtures (set-up and tear-down) in {len(files)} "
                "cassette(s) need a permission: the code's calls need none. Pass "
                "--include-setup for the policy a test run needs."
            )
        raise HarnessUsageError(
            f"No AWS call that needs a permission in {len(files)} cassette(s): nothing to put "
            "in a policy. Point 'harness policy' at cassettes that recorded AWS calls."
        )
    policy = result.policy_json()
    report = (
        result.report_json()
        if args.report and args.report.suffix == ".json"
        else result.report_text()
    )
    parts = result.parts_json() if args.out is not None else []
    setup_parts = setup.parts_json() if args.setup_out is not None and setup is not None else []
    _check_part_names(
        [*_part_paths(args.out, len(parts)), *_part_paths(args.setup_out, len(setup_parts))],
        named,
    )
    if args.out is None:
        stdout.write(policy)
    else:
        atomic_write_text(args.out, policy)
        _write_parts(args.out, parts)
    if args.report is not None:
        atomic_write_text(args.report, report)
    notes = list(result.notes)
    setup_statements = len(setup.document["Statement"]) if setup is not None else 0
    if args.setup_out is not None and setup is not None:
        if setup_statements:
            atomic_write_text(args.setup_out, setup.policy_json())
            _write_parts(args.setup_out, setup_parts)
            notes.extend(setup.notes)
        else:  # (a policy of no statement is no valid IAM policy)
            notes.append(
                f"no call of a fixture needs a permission: nothing written to {args.setup_out}"
            )
    notes.extend(_left_over(args.out, len(parts)))
    if setup_statements:
        notes.extend(_left_over(args.setup_out, len(setup_parts)))
    for note in notes:
        stderr.write(f"harness policy: note: {one_line(note)}\n")
    if args.out is not None:
        statements = len(result.document["Statement"])
        split = _parts_said(args.out, parts)
        stdout.write(f"wrote {statements} statement(s) to {one_line(args.out)}{split}\n")
    if args.setup_out is not None and setup_statements:
        said = stdout if args.out is not None else stderr  # (stdout holds the policy)
        said.write(
            f"wrote {setup_statements} set-up statement(s) to {one_line(args.setup_out)}"
            f"{_parts_said(args.setup_out, setup_parts)}\n"
        )
    return 0


def _check_against(args: argparse.Namespace, stdout: TextIO) -> int:
    """``--against POLICY``: the recorded calls the policy does not allow, one per line."""
    from harness.audit.policy_check import needs, not_allowed, read_policy

    given = [o for o in ("out", "report", "setup_out", "conditions") if getattr(args, o)]
    if given:
        shown = ", ".join("--" + o.replace("_", "-") for o in given)
        raise HarnessUsageError(
            f"--against checks a policy; it writes none, so {shown} does nothing with it. "
            "Drop one or the other."
        )
    document = read_policy(args.against)
    files = cassette_files(list(args.paths) or [Path("cassettes")], "policy")
    checked = needs(files, account=args.account, include_setup=args.include_setup)
    refused = not_allowed(document, files, account=args.account, include_setup=args.include_setup)
    for refusal in refused:
        stdout.write(one_line(str(refusal)) + "\n")
    stdout.write(
        f"{len(checked) - len(refused)} of {len(checked)} permission(s) the recorded calls "
        f"need are allowed by {one_line(args.against)}"
        f"{'' if args.include_setup else ' (set-up and tear-down calls left out)'}\n"
    )
    return 1 if refused else 0


def part_path(path: Path, number: int) -> Path:
    """Where part ``number`` (from 1) of the policy written to ``path`` goes:
    ``policy.json`` -> ``policy-part1.json``."""
    return path.with_name(f"{path.stem}-part{number}{path.suffix or '.json'}")


def _part_paths(path: Path | None, count: int) -> list[Path]:
    """The files of a split policy's parts (none when it is not split)."""
    if path is None or count < 2:
        return []
    return [part_path(path, number) for number in range(1, count + 1)]


def _check_part_names(paths: list[Path], named: dict[str, Path | None]) -> None:
    """Refuse to write a part over another output named on the command line."""
    given = {target.resolve(): option for option, target in named.items() if target is not None}
    for path in paths:
        check_writable(path)
        option = given.get(path.resolve())
        if option is not None:
            raise HarnessUsageError(
                f"The policy is over a managed policy's size and split into parts written "
                f"beside it, one of them {path}, the file {option} names: give {option} "
                "another file."
            )


def _write_parts(path: Path, parts: list[str]) -> None:
    if len(parts) > 1:
        for target, text in zip(_part_paths(path, len(parts)), parts, strict=True):
            atomic_write_text(target, text)


def _left_over(path: Path | None, count: int) -> list[str]:
    """A note for each part file of an earlier, larger split still beside ``path``."""
    if path is None:
        return []
    first = count + 1 if count > 1 else 1
    stale = []
    number = first
    while part_path(path, number).exists():
        stale.append(str(part_path(path, number)))
        number += 1
    if not stale:
        return []
    return [
        f"{', '.join(stale)} left from an earlier run: not part of this policy"
        f"{'' if count > 1 else ' (it fits in one managed policy)'}; delete them"
    ]


def _parts_said(path: Path, parts: list[str]) -> str:
    if len(parts) < 2:
        return ""
    names = ", ".join(one_line(p) for p in _part_paths(path, len(parts)))
    return (
        f" (over a managed policy's {MANAGED_POLICY_LIMIT:,} characters); split into "
        f"{len(parts)} managed policies to attach together: {names}"
    )
