"""``harness check [PATH ...]``: check cassettes against the schemas and the documented rules.

Every cassette under the paths is checked; a file that cannot be checked (corrupt YAML, not
a cassette) gets a one-paragraph message on stderr and the other files are still checked
and reported. Interactions the checker cannot judge (a protocol with no JSON wire form yet,
a request to no AWS operation) are listed as not checked, never as failures. Exit 0 when
clean, 1 when violations were found, 2 on bad input.

A violation made on purpose is acknowledged in one cassette, with its reason, in a reviewed
file (``--acks``, by default ``.harness-check-acks.yaml``: ``harness.contract.check_acks``):
it is reported as a warning saying so and does not fail the run.

A ``--rule`` setting scoped to an operation or a pointer that selected no violation in the
files checked is reported as stale, a warning that does not change the exit status (stderr;
a ``::warning`` with ``--format github``; ``stale_settings`` in ``--format json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from harness.cassettes import reads
from harness.cassettes.files import absent_because
from harness.contract.cache import CACHE_ENV, DEFAULT_DIR, CacheUnusable, CheckCache, Seen, look
from harness.contract.check_acks import ACKS_FILE, Acknowledged, load_check_acks
from harness.contract.checker import Skipped, Violation, is_failure, parse_rule_settings
from harness.contract.report import CassetteReport, check_cassette, matched_settings
from harness.contract.schemas.store import reread_schema_files, schema_source
from harness.contract.settings import stale_message, stale_rule_settings
from harness.errors import HarnessUsageError
from harness.safe_text import gh_data, gh_property, one_line, xml_legal

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2

CASSETTE_SUFFIXES = (".yaml", ".yml")

#: A cassette with more interactions than this lists only those not plain "ok" in the text
#: report (the json and junit reports list every one).
TABLE_ROWS = 100


def register(subparsers: Any) -> None:
    """Add ``check``."""
    parser = subparsers.add_parser(
        "check",
        help="check cassettes against the schemas and the documented rules",
        description=(
            "Check every interaction of every cassette under PATH (default: cassettes/) "
            "against its operation's JSON Schemas and the documented rules. Exit 0 when "
            "clean, 1 when violations were found, 2 on bad input."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="cassette files or directories searched for *.yaml/*.yml (default: cassettes/)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "junit", "github"),
        default="text",
        help="output format: a readable table (text), JSON, JUnit XML for CI, or GitHub "
        "Actions annotations on the interactions' lines, then the summary (default: text)",
    )
    parser.add_argument(
        "--allow-drift",
        action="store_true",
        help="report drift (unknown members, enum values, error codes) as warnings",
    )
    parser.add_argument(
        "--schemas",
        type=Path,
        action="append",
        default=None,
        metavar="DIR",
        help="a schema directory layered on top of the packaged schemas and those generated "
        "from botocore (repeatable; the first one holding a file wins). Default: none.",
    )
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=SEVERITY",
        help="re-grade a rule by id: error, drift, warning or off (repeatable), e.g. "
        "--rule schema.response.constraint=error; --rule=-ID is --rule ID=off; "
        "ID@service:Operation/pointer=SEVERITY applies to one operation and the violations "
        "under a JSON pointer prefix only (either part optional, '*' any one token)",
    )
    parser.add_argument(
        "--acks",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"violations made on purpose, acknowledged per cassette with a reason (default: "
        f"{ACKS_FILE} in the current folder, when it exists): each is reported as a warning "
        "with its reason and does not fail the run; an entry that matched nothing is reported",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="check files in N processes (default: one per CPU when the cassettes hold 4 MiB "
        "or more, else 1; 1 checks in this process). The report is the same either way.",
    )
    parser.add_argument(
        "--cache-dir",
        type=_folder,
        default=None,
        metavar="DIR",
        help=f"keep reports here and reuse them for cassettes, settings and checker that have "
        f"not changed (default: ${CACHE_ENV}, else {DEFAULT_DIR}/ in the current folder)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=f"check every file again, and keep no reports (also: {CACHE_ENV}=off)",
    )
    parser.set_defaults(func=run_check)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of processes from 1 to {MAX_JOBS}"
        )
    return value


#: ``HARNESS_CHECK_CACHE`` values that turn the cache off (not folder names).
_OFF = ("off", "0", "false", "no")


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path is not a folder")
    return Path(text)


@dataclass
class _Problem:
    """A file that could not be checked (or a path that named none), with the one-paragraph
    reason."""

    path: str
    message: str
    file: bool = True  # False: a path argument that is no file and holds no cassette


def _discover(paths: list[Path]) -> tuple[list[Path], list[_Problem]]:
    files: list[Path] = []
    problems: list[_Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in CASSETTE_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                problems.append(
                    _Problem(
                        str(path),
                        f"No cassettes (*.yaml, *.yml) under {path}. Record some first, or "
                        "point 'harness check' at the folder that holds them.",
                        file=False,
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(
                _Problem(
                    str(path),
                    f"{path} {absent_because(path)}. Pass cassette files or folders that hold them "
                    "(default: cassettes/).",
                    file=False,
                )
            )
    return files, problems


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Check the cassettes and print a report; returns 0, 1 or 2."""
    paths: list[Path] = list(args.paths) or [Path("cassettes")]
    # Settings errors stop the run before any file (they would fail every file alike).
    rules = parse_rule_settings(args.rule, where="--rule")
    acks = _acks(args.acks)
    schema_source(args.schemas or None)  # a bad --schemas folder stops the run here, too
    files, problems = _discover(paths)
    settings = _Settings(args.schemas or None, args.allow_drift, rules)
    cache = _open_cache(args, settings, stderr)
    reports: list[CassetteReport] = []
    for found in _check_files(files, settings, args.jobs, cache):
        if isinstance(found, _Problem):
            problems.append(found)
        else:
            reports.append(found)
    for problem in problems:
        stderr.write(f"harness check: error: {one_line(problem.message)}\n")
    if acks is not None:
        reports = [_acknowledged(report, acks) for report in reports]
        for message in acks.stale():
            stderr.write(f"harness check: warning: {one_line(message)}\n")
    stale = _stale(rules, reports)
    for message in stale.values():
        stderr.write(f"harness check: warning: {one_line(message)}\n")
    render = {"text": _text, "json": _json, "junit": _junit, "github": _github}[args.format]
    if args.format == "json":
        text = _json(reports, problems, args.allow_drift, stale)
    else:
        text = render(reports, problems, args.allow_drift)
    if args.format == "github":
        text = (
            "".join(f"::warning title=harness check::{gh_data(m)}\n" for m in stale.values()) + text
        )
    stdout.write(text)
    if problems:
        return EXIT_BAD_INPUT
    if any(r.failures(allow_drift=args.allow_drift) for r in reports):
        return EXIT_VIOLATIONS
    return EXIT_OK


def _acks(given: Path | None) -> Acknowledged | None:
    """The acknowledgements file: ``--acks``, else ``ACKS_FILE`` here when it exists."""
    if given is not None:
        return load_check_acks(given)
    default = Path(ACKS_FILE)
    return load_check_acks(default) if default.is_file() else None


def _acknowledged(report: CassetteReport, acks: Acknowledged) -> CassetteReport:
    """``report`` with each violation an entry acknowledges made a warning that says so (it
    stays in every format, with the reason, and no longer fails the run)."""
    violations = []
    for violation in report.violations:
        reason = acks.reason_for(violation)
        if reason is not None:
            violation = replace(
                violation,
                severity="warning",
                message=f"acknowledged in {acks.path} ({reason}): {violation.message}",
            )
        violations.append(violation)
    return replace(report, violations=violations)


def _stale(rules: dict[str, str], reports: list[CassetteReport]) -> dict[str, str]:
    """The scoped settings that selected no violation in ``reports``, each with its warning
    (none when a report does not say which settings it matched, or no file was checked)."""
    if not reports:
        return {}
    matched: set[str] = set()
    for report in reports:
        found = matched_settings(report)
        if found is None:
            return {}
        matched |= found
    checked = {label for r in reports for _, label, _ in r.interactions}
    return {
        key: stale_message(key, rules[key], "--rule", checked)
        for key in stale_rule_settings(rules, matched)
    }


# --------------------------------------------------------------------------- checking

#: More processes than this is a typo, not a plan (one or two per CPU is plenty).
MAX_JOBS = 64
#: Below this many bytes of cassettes, starting worker processes costs more than it saves.
PARALLEL_BYTES = 4 << 20


@dataclass(frozen=True)
class _Settings:
    """What every file is checked with (sent to worker processes)."""

    schemas: list[Path] | None
    allow_drift: bool
    rules: dict[str, str]


def _open_cache(args: argparse.Namespace, settings: _Settings, stderr: TextIO) -> CheckCache | None:
    """The report cache this run uses (``--cache-dir``, ``$HARNESS_CHECK_CACHE``, the
    default), or None when it is turned off or cannot be created (then only slower)."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if args.no_cache or (args.cache_dir is None and setting.lower() in _OFF):
        return None
    root = (args.cache_dir or Path(setting or DEFAULT_DIR)).expanduser()
    reread_schema_files()  # a report kept on disk is of the schema files as they are now
    try:
        return CheckCache.open(root, settings.schemas, settings.allow_drift, settings.rules)
    except OSError as exc:
        why, what = exc.strerror or str(exc), "Pass --cache-dir with a writable folder"
    except CacheUnusable as exc:
        why, what = str(exc), exc.advice
    except RecursionError:  # (folders nested a thousand deep)
        why, what = "a schema folder is nested too deep to walk", "Flatten it"
    stderr.write(
        f"harness check: note: cannot use the report cache at {root} ({why}); every file is "
        f"checked and nothing is kept. {what}, or pass --no-cache to silence this.\n"
    )
    return None


def _check_file(
    path: Path, settings: _Settings, cache: CheckCache | None = None, seen: Seen | None = None
) -> CassetteReport | _Problem:
    """One file's report (kept in ``cache`` when the file is still as ``seen``), or the
    one-paragraph reason it could not be checked."""
    try:
        with reads.recording() as read:  # (what the report was made from, for the cache)
            report = check_cassette(
                path,
                schema_dir=schema_source(settings.schemas),
                allow_drift=settings.allow_drift,
                rules=settings.rules,
            )
        if cache is not None:
            cache.put(path, seen, report, read)
        return report
    except HarnessUsageError as exc:
        return _Problem(str(path), str(exc))
    except RecursionError:  # (a body of JSON nested hundreds deep: no bug, a bad file)
        return _Problem(
            str(path),
            f"Cannot check cassette {path}: an interaction holds data nested deeper than the "
            "checker can follow (hundreds of levels of JSON or YAML). No AWS call sends that; "
            "the file is damaged or hostile. Restore it from version control or re-record it.",
        )
    except Exception as exc:  # one bad file must not hide the report on the others
        return _Problem(
            str(path),
            f"Cannot check cassette {path}: {type(exc).__name__}: {exc}. Please report "
            "this file's shape as a bug; the other files are still checked.",
        )


def _jobs(files: list[Path], asked: int | None) -> int:
    """How many processes check ``files``: as asked, else one per CPU this process may use
    when there is enough to check, else 1 (this process)."""
    if asked is not None:
        return max(1, min(asked, len(files)))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # a vanished file is reported by its check
            total += path.stat().st_size
    return max(1, min(cpus, len(files))) if total >= PARALLEL_BYTES else 1


def _check_files(
    files: list[Path], settings: _Settings, asked: int | None, cache: CheckCache | None
) -> Iterator[CassetteReport | _Problem]:
    """Every file's report or problem, in the order of ``files``: from ``cache`` when it
    holds the file's report, else checked (and kept there)."""
    if cache is None:
        yield from _checked(files, settings, asked, cache, [None] * len(files))
        return
    seen = [look(path) for path in files]
    kept = [cache.get(path, before) for path, before in zip(files, seen, strict=True)]
    misses = [i for i, report in enumerate(kept) if report is None]
    missed = [files[i] for i in misses]
    checked = _checked(missed, settings, asked, cache, [seen[i] for i in misses])
    for report in kept:
        yield next(checked) if report is None else report
    yield from checked  # (nothing is left: this lets a pool of workers shut down)
    cache.confirm(missed)


def _checked(
    files: list[Path],
    settings: _Settings,
    asked: int | None,
    cache: CheckCache | None,
    seen: list[Seen | None],
) -> Iterator[CassetteReport | _Problem]:
    """Each file's report or problem, in order; files are checked in parallel processes
    when ``_jobs`` says so (each file is streamed, so each process's memory stays flat)."""
    jobs = _jobs(files, asked)
    if jobs == 1:
        yield from map(_check_file, files, [settings] * len(files), [cache] * len(files), seen)
        return
    # fork starts a worker in milliseconds with the harness already imported; elsewhere
    # (macOS, Windows) the platform's default start method is the safe one
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    try:
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_start_worker, initargs=(settings, cache)
        ) as pool:
            yield from pool.map(_check_in_worker, files, seen, chunksize=_chunk(len(files), jobs))
    except BrokenProcessPool:
        raise HarnessUsageError(
            f"A worker process of harness check ended before its file was checked (killed, "
            f"or out of memory?); nothing was reported. Run again, or with --jobs 1 to check "
            f"in this process only (of {len(files)} file(s), {jobs} at a time)."
        ) from None


def _chunk(files: int, jobs: int) -> int:
    """Files handed to a worker at a time: a few when there are many (a third less of the
    main process's time goes to passing files and reports), while every worker still gets
    some 16 hand-outs, so one slow file does not leave the other workers idle at the end."""
    return max(1, min(8, files // (jobs * 16)))


#: A worker process's settings and cache, given once when it starts (not with every file).
_WORKER: list[tuple[_Settings, CheckCache | None]] = []


def _start_worker(settings: _Settings, cache: CheckCache | None) -> None:
    _WORKER[:] = [(settings, cache)]


def _check_in_worker(path: Path, seen: Seen | None) -> CassetteReport | _Problem:
    settings, cache = _WORKER[0]
    return _check_file(path, settings, cache, seen)


# --------------------------------------------------------------------------- text


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]
    line = indent + "  ".join(f"{{:<{w}}}" for w in widths)  # (one format per row: fast)
    return [line.format(*row).rstrip() for row in rows]


def _counts(violations: list[Violation]) -> str:
    counts = Counter(v.severity for v in violations)
    parts = [f"{counts[s]} {s}" for s in ("error", "drift", "warning") if counts[s]]
    return ", ".join(parts) if parts else "ok"


def _text(reports: list[CassetteReport], problems: list[_Problem], allow_drift: bool) -> str:
    lines: list[str] = []
    for report in reports:
        lines.append(
            f"{one_line(report.path)}: {len(report.interactions)} interaction(s), "
            f"{len(report.violations)} violation(s)"
        )
        rows = [["#", "operation", "status", "result"]]
        by_index: dict[int | None, list[Violation]] = {}
        for v in report.violations:
            by_index.setdefault(v.index, []).append(v)
        skipped = {s.index: s for s in report.skipped}
        # a big cassette's table lists what is not plain "ok" only: 10,000 rows of "ok" in a
        # CI log hide the one that matters
        listed = len(report.interactions) <= TABLE_ROWS
        for index, label, status in report.interactions:
            result = _counts(by_index[index]) if index in by_index else "ok"
            if index in skipped and result == "ok":
                result = f"not checked: {one_line(skipped[index].reason)}"
            if listed or result != "ok":
                rows.append([str(index), one_line(label), str(status), result])
        if len(rows) > 1 or listed:
            lines.extend(_table(rows))
        if not listed:
            quiet = len(report.interactions) - (len(rows) - 1)
            what = "more interaction(s) ok" if len(rows) > 1 else "interaction(s), all ok"
            lines.append(
                f"  ({quiet:,} {what}, not listed: more than {TABLE_ROWS} in this cassette; "
                "--format json lists every one)"
            )
        for violation in report.violations:
            lines.append("")
            lines.extend("    " + line for line in str(violation).splitlines())
        lines.append("")
    lines.extend(_summary(reports, problems, allow_drift))
    return "\n".join(lines) + "\n"


def _summary(
    reports: list[CassetteReport], problems: list[_Problem], allow_drift: bool
) -> list[str]:
    violations = [v for r in reports for v in r.violations]
    lines = ["Summary by operation:"]
    per_op = Counter(label for r in reports for _, label, _ in r.interactions)
    bad_op = Counter(v.operation for v in violations)
    rows = [["operation", "interactions", "violations"]]
    rows += [[one_line(op), str(n), str(bad_op[op])] for op, n in sorted(per_op.items())]
    lines.extend(_table(rows) if per_op else ["  (no interactions)"])
    if violations:
        lines.append("Summary by rule:")
        per_rule = Counter((v.rule, v.severity) for v in violations)
        rows = [["rule", "severity", "count"]]
        rows += [[rule, sev, str(n)] for (rule, sev), n in sorted(per_rule.items())]
        lines.extend(_table(rows))
    skipped = [s for r in reports for s in r.skipped]
    if skipped:
        lines.append("Not checked (never a failure):")
        per_reason = Counter(s.reason for s in skipped)
        rows = [["reason", "interactions"]]
        rows += [[one_line(reason), str(n)] for reason, n in sorted(per_reason.items())]
        lines.extend(_table(rows))
    failing = sum(1 for v in violations if is_failure(v, allow_drift=allow_drift))
    verdict = "FAILED" if failing or problems else "OK"
    empty = sum(not p.file for p in problems)  # (path arguments: said apart from files)
    graded = f" ({_counts(violations)})" if violations else ""  # "(ok)" beside FAILED misled
    lines.append(
        f"{verdict}: {per_op.total()} interaction(s) in {len(reports)} cassette(s), "
        f"{len(violations)} violation(s){graded}, "
        f"{_not_checked(skipped)}{len(problems) - empty} file(s) not checked"
        + (f", {empty} path(s) with no cassette" if empty else "")
    )
    return lines


def _not_checked(skipped: list[Skipped]) -> str:
    return f"{len(skipped)} interaction(s) not checked, " if skipped else ""


# --------------------------------------------------------------------------- json


def _json(
    reports: list[CassetteReport],
    problems: list[_Problem],
    allow_drift: bool,
    stale: dict[str, str] | None = None,
) -> str:
    """The JSON report; ``stale_settings``: each scoped ``--rule`` setting that selected no
    violation, with its warning."""
    violations = [v for r in reports for v in r.violations]
    data = {
        "stale_settings": [{"setting": k, "message": m} for k, m in (stale or {}).items()],
        "cassettes": [
            {
                "path": r.path,
                "interactions": [
                    {"index": i, "operation": label, "status": status}
                    for i, label, status in r.interactions
                ],
                "violations": [v.to_dict() for v in r.violations],
                "skipped": [s.to_dict() for s in r.skipped],
            }
            for r in reports
        ],
        "errors": [{"path": p.path, "message": p.message} for p in problems],
        "summary": {
            "cassettes": len(reports),
            "interactions": sum(len(r.interactions) for r in reports),
            "violations": len(violations),
            "skipped": sum(len(r.skipped) for r in reports),
            "failing": sum(1 for v in violations if is_failure(v, allow_drift=allow_drift)),
            "by_rule": dict(sorted(Counter(v.rule for v in violations).items())),
            "by_operation": dict(sorted(Counter(v.operation for v in violations).items())),
        },
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- junit


def _junit(reports: list[CassetteReport], problems: list[_Problem], allow_drift: bool) -> str:
    # Names and messages are shown as in the text report (a CI page shows them to people);
    # violations' text is escaped by Violation itself.
    suites = ET.Element("testsuites", name="harness check")
    total = failures = errors = 0
    for report in reports:
        path = one_line(report.path)
        suite = ET.SubElement(suites, "testsuite", name=path)
        by_index: dict[int | None, list[Violation]] = {}
        for v in report.violations:
            by_index.setdefault(v.index, []).append(v)
        suite_failures = 0
        for index, label, status in report.interactions:
            name = f"#{index} {one_line(label)} (HTTP {status})"
            case = ET.SubElement(suite, "testcase", classname=path, name=name)
            found = by_index.get(index, [])
            failing = [v for v in found if is_failure(v, allow_drift=allow_drift)]
            note = next((s for s in report.skipped if s.index == index), None)
            if note is not None and not found:
                ET.SubElement(case, "skipped", message=one_line(note.reason))
            if failing:
                suite_failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=failing[0].rule,
                    message=f"{len(failing)} violation(s): {one_line(failing[0].message)}",
                )
                failure.text = "\n\n".join(str(v) for v in failing)
            rest = [v for v in found if v not in failing]
            if rest:
                ET.SubElement(case, "system-out").text = "\n\n".join(str(v) for v in rest)
        # Violations not tied to an interaction index (none today) still show up.
        suite.set("tests", str(len(report.interactions)))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        total += len(report.interactions)
        failures += suite_failures
    for problem in problems:
        path = one_line(problem.path)
        suite = ET.SubElement(suites, "testsuite", name=path, tests="1", errors="1")
        suite.set("failures", "0")
        case = ET.SubElement(suite, "testcase", classname=path, name="read cassette")
        ET.SubElement(case, "error", type="HarnessUsageError", message=one_line(problem.message))
        total += 1
        errors += 1
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    ET.indent(suites)
    # (a last guard: whatever a value held, the document stays one XML parsers accept)
    return xml_legal(ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"


# --------------------------------------------------------------------------- github


def _github(reports: list[CassetteReport], problems: list[_Problem], allow_drift: bool) -> str:
    """One workflow command per violation on the line its interaction starts at (``::error``
    when it fails the run, ``::warning`` otherwise) and per file not checked, then the text
    summary. Every value is escaped as actions/toolkit escapes it (``safe_text.gh_data``,
    ``gh_property``), so a cassette's text never ends a command or starts another."""
    from harness.cassettes.index import interaction_lines

    out: list[str] = []
    for report in reports:
        starts = interaction_lines(Path(report.path)) if report.violations else []
        for v in report.violations:
            level = "error" if is_failure(v, allow_drift=allow_drift) else "warning"
            properties = [f"file={gh_property(report.path)}"]
            if v.index is not None and v.index < len(starts):
                properties.append(f"line={starts[v.index]}")
            properties.append(f"title={gh_property(f'{v.rule} [{v.severity}]')}")
            message = "%0A".join(gh_data(line) for line in str(v).splitlines())
            out.append(f"::{level} {','.join(properties)}::{message}")
    for problem in problems:
        where = f"file={gh_property(problem.path)}," if problem.file else ""
        out.append(f"::error {where}title=harness check::{gh_data(problem.message)}")
    out.extend(_summary(reports, problems, allow_drift))
    return "\n".join(out) + "\n"
