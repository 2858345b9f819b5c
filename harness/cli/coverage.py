"""``harness coverage [PATH ...]``: which AWS operations, errors, pagination paths, retries and
input members the recorded traffic exercises, per service, against botocore's models.

The percent (``--fail-under``) is operations called among those the reported services
expose: the services the traffic called, or those given with ``--services``. Exit 0, 1 when
under ``--fail-under``, 2 on bad input. Text, JSON (``harness.audit.coverage.SCHEMA``) or one
self-contained HTML page.
"""

from __future__ import annotations

import argparse
import html
import json
import math
from pathlib import Path
from typing import Any, TextIO

from harness.audit.coverage import cassette_files, measure
from harness.aws.models import available_services
from harness.cassettes.usage import Usage, find_cache_dir, read_usage
from harness.errors import HarnessUsageError
from harness.safe_text import one_line

EXIT_OK = 0
EXIT_UNDER = 1

#: Operations not called that the text report names per service (JSON and HTML name all).
NOT_CALLED_SHOWN = 8


def register(subparsers: Any) -> None:
    """Add ``coverage``."""
    parser = subparsers.add_parser(
        "coverage",
        help="which operations, errors, pagination paths and members the cassettes exercise",
        description=(
            "Per service: operations called and not called among those botocore's model "
            "exposes, error codes per operation (against the modeled and documented ones), "
            "pagination paths, throttles and retries, input members sent; for first-class "
            "operations, which documented rules the traffic exercised. Interactions the last "
            "test run did not replay (its usage record) are counted out. Exit 0, 1 when "
            "under --fail-under, 2 on bad input."
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
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="a readable report (text, default), JSON, or one self-contained HTML page",
    )
    parser.add_argument(
        "--fail-under",
        type=_percent,
        default=None,
        metavar="PCT",
        help="exit 1 when operations called among those the reported services expose are "
        "under PCT percent (0 to 100)",
    )
    parser.add_argument(
        "--services",
        action="append",
        default=None,
        metavar="S1,S2",
        help="report these services (botocore names, comma-separated, repeatable) instead of "
        "those the traffic called; one not called counts 0 of its operations",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="pytest's cache folder holding the last run's usage record (default: the nearest "
        ".pytest_cache holding one, from the current folder up)",
    )
    parser.add_argument(
        "--no-usage",
        action="store_true",
        help="count every recorded interaction, whatever the last run replayed",
    )
    parser.set_defaults(func=run_coverage)


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:  # (NaN fails both)
        raise argparse.ArgumentTypeError(f"{text!r} is not a percent from 0 to 100")
    return value


def _services(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise HarnessUsageError(
            "--services names no service: give botocore service names, comma-separated, for "
            "example --services s3,sqs."
        )
    known = set(available_services())
    for name in names:
        if name not in known:
            from harness.aws.models import service_model

            service_model(name)  # the usage error with a close match
    return names


def _usage(args: argparse.Namespace) -> dict[Path, Usage] | None:
    if args.no_usage:
        return None
    folder = args.cache_dir or find_cache_dir(Path.cwd())
    if folder is None:
        return None
    if args.cache_dir is not None and not folder.is_dir():
        raise HarnessUsageError(
            f"--cache-dir {folder} is not a folder. Pass pytest's cache folder (.pytest_cache) "
            "of the run, or --no-usage to count every recorded interaction."
        )
    return read_usage(folder)


def run_coverage(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Measure and print the report; returns 0, 1 (under --fail-under) or 2."""
    services = _services(args.services)
    files = cassette_files(list(args.paths) or [Path("cassettes")], "coverage")
    usage = _usage(args)
    report = measure(files, usage=usage, services=services)
    data = report.to_dict()
    render = {"text": _text, "json": _json, "html": _html}[args.format]
    stdout.write(render(data, args.fail_under))
    if args.fail_under is not None and report.percent < args.fail_under:
        if args.format != "text":  # (the text report says it in its last line)
            stderr.write(_under(data, args.fail_under) + "\n")
        return EXIT_UNDER
    return EXIT_OK


def _under(data: dict[str, Any], fail_under: float) -> str:
    summary = data["summary"]
    return (
        f"harness coverage: FAILED: {summary['percent']}% of the operations the services "
        f"expose were called, under --fail-under {fail_under:g}%."
    )


# --------------------------------------------------------------------------- text


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]
    return [
        (indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def errors_cell(op: dict[str, Any]) -> str:
    seen = ", ".join(f"{code}×{n}" for code, n in op["errors"].items()) or "-"
    known = sorted(set(op["modeled_errors"]) | set(op["documented_errors"]))
    if not known:
        return seen
    hit = len(set(op["errors"]) & set(known))
    return f"{seen} ({hit}/{len(known)} known)"


def pagination_cell(op: dict[str, Any]) -> str:
    paging = op["pagination"]
    if paging is None:
        return "-"
    parts = [f"single {paging['single_page']}", f"multi {paging['multi_page']}"]
    parts.append(f"empty {paging['empty_pages']}")
    if paging["stopped_early"]:
        parts.append(f"stopped {paging['stopped_early']}")
    return ", ".join(parts)


def retries_cell(op: dict[str, Any]) -> str:
    r = op["retries"]
    if not (r["throttled"] or r["server_errors"] or r["retried"]):
        return "-"
    return f"throttled {r['throttled']}, 5xx {r['server_errors']}, retried {r['retried']}"


def members_cell(op: dict[str, Any]) -> str:
    members = op["members"]
    sent = len(members["sent"])
    text = f"{sent}/{sent + len(members['not_sent'])}"
    return text + (f" +{len(members['unknown'])} unknown" if members["unknown"] else "")


def _text(data: dict[str, Any], fail_under: float | None) -> str:
    lines = []
    notes = data["cassettes"]
    counted = data["summary"]["interactions_counted"]
    total = sum(n["interactions"] for n in notes)
    lines.append(f"{counted:,} of {total:,} interaction(s) counted in {len(notes)} cassette(s)")
    for note in notes:
        if note["unused"] or note["not_aws"] or note["usage"] != "no usage record":
            lines.append(
                f"  {one_line(note['path'])}: {note['counted']} counted, {note['unused']} not "
                f"replayed by the last run, {note['not_aws']} not AWS ({one_line(note['usage'])})"
            )
    for service in data["services"]:
        lines.append("")
        lines.append(
            f"{service['service']} ({service['protocol']}): {service['operations_called']} of "
            f"{service['operations_exposed']} operations called ({service['percent']}%)"
        )
        rows = [["operation", "calls", "errors", "pagination", "retries", "members"]]
        for op in service["operations"]:
            rows.append(
                [
                    op["operation"],
                    str(op["calls"]),
                    one_line(errors_cell(op)),
                    pagination_cell(op),
                    retries_cell(op),
                    one_line(members_cell(op)),
                ]
            )
        if len(rows) > 1:
            lines.extend(_table(rows))
        for op in service["operations"]:
            if op["unmodeled_errors"]:
                codes = ", ".join(one_line(c) for c in op["unmodeled_errors"])
                lines.append(f"  {op['operation']}: error codes the model does not list: {codes}")
            if op["rules"] is not None:
                done = [r for r in op["rules"] if r["exercised"]]
                lines.append(
                    f"  {op['operation']}: {len(done)} of {len(op['rules'])} documented rules "
                    "exercised"
                    + "".join(
                        f"\n    not exercised: {r['id']}" for r in op["rules"] if not r["exercised"]
                    )
                )
        left = service["not_called"]
        if left:
            shown = ", ".join(left[:NOT_CALLED_SHOWN])
            more = (
                f", ... and {len(left) - NOT_CALLED_SHOWN} more"
                if len(left) > NOT_CALLED_SHOWN
                else ""
            )
            lines.append(f"  not called ({len(left)}): {shown}{more}")
    summary = data["summary"]
    lines.append("")
    verdict = ""
    if fail_under is not None:
        verdict = "FAILED: " if summary["percent"] < fail_under else "OK: "
    lines.append(
        f"{verdict}{summary['operations_called']:,} of {summary['operations_exposed']:,} "
        f"operations called ({summary['percent']}%) in {summary['services']} service(s)"
        + (f"; --fail-under {fail_under:g}%" if fail_under is not None else "")
    )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- json


def _json(data: dict[str, Any], fail_under: float | None) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- html

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} .bar{background:#eee;width:12em;height:.8em;display:inline-block}
.bar span{background:#3a7;height:100%;display:block} code{font-size:90%}
"""


def _e(value: Any) -> str:
    """A value for the page: controls shown as escapes (the page may be read in a terminal
    or a CI log too), then HTML-escaped."""
    return html.escape(one_line(value), quote=True)


def _html(data: dict[str, Any], fail_under: float | None) -> str:
    summary = data["summary"]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>AWS API coverage</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>AWS API coverage</h1>",
        f"<p>{summary['operations_called']} of {summary['operations_exposed']} operations "
        f"called ({summary['percent']}%) in {summary['services']} service(s), from "
        f"{summary['interactions_counted']} interaction(s) of {len(data['cassettes'])} "
        "cassette(s).</p>",
    ]
    if fail_under is not None:
        verdict = "under" if summary["percent"] < fail_under else "at or above"
        out.append(f"<p>{verdict} --fail-under {_e(f'{fail_under:g}')}%</p>")
    out.append("<details><summary>Cassettes</summary><ul>")
    for note in data["cassettes"]:
        out.append(
            f"<li><code>{_e(note['path'])}</code>: {note['counted']} of {note['interactions']} "
            f"counted ({_e(note['usage'])})</li>"
        )
    out.append("</ul></details>")
    for service in data["services"]:
        pct = service["percent"]
        out.append(
            f"<h2>{_e(service['service'])} <small>({_e(service['protocol'])})</small></h2>"
            f'<p><span class="bar"><span style="width:{pct}%"></span></span> '
            f"{service['operations_called']} of {service['operations_exposed']} operations "
            f"called ({pct}%)</p>"
        )
        if service["operations"]:
            out.append(
                "<table><tr><th>operation</th><th>calls</th><th>errors</th>"
                "<th>modeled or documented, not seen</th><th>pagination</th><th>retries</th>"
                "<th>members sent</th><th>members not sent</th><th>documented rules</th></tr>"
            )
            for op in service["operations"]:
                sent = op["members"]["sent"] + op["members"]["unknown"]
                rules = "-"
                if op["rules"] is not None:
                    rules = "<br>".join(
                        f"{'&#10003;' if r['exercised'] else '&#10007;'} {_e(r['id'])}"
                        for r in op["rules"]
                    )
                out.append(
                    "<tr>"
                    f"<td>{_e(op['operation'])}</td><td>{op['calls']}</td>"
                    f"<td>{_e(errors_cell(op))}</td>"
                    f"<td>{_e(', '.join(op['errors_not_exercised']) or '-')}</td>"
                    f"<td>{_e(pagination_cell(op))}</td><td>{_e(retries_cell(op))}</td>"
                    f"<td>{_e(', '.join(sent) or '-')}</td>"
                    f"<td>{_e(', '.join(op['members']['not_sent']) or '-')}</td>"
                    f"<td>{rules}</td></tr>"
                )
            out.append("</table>")
        if service["not_called"]:
            out.append(
                f"<details><summary>not called ({len(service['not_called'])})</summary><p>"
                + _e(", ".join(service["not_called"]))
                + "</p></details>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
