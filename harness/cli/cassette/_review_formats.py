"""``harness cassette diff --format markdown|github``: a review for a pull request.

``markdown`` is a comment: a summary table per operation, then per operation a list of the
interactions added, removed or changed, with the members that changed and the contract
verdicts that appeared or went away. Every value taken from a cassette (operation names of
foreign calls, parameters, members, messages) is written inside a code span
(``safe_text.md_code``), so no Markdown, HTML, link or @-mention in a cassette is read.

``github`` is one workflow command per change (``::notice``, ``::warning`` when it brings a
new contract violation, ``::error`` when one of them is an ``error``), on the line of B where
the interaction starts, with actions/toolkit's escaping of messages and properties
(``safe_text.gh_data``, ``gh_property``), so a cassette's text never ends the command early
or starts another one.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from harness.cassettes.index import interaction_lines
from harness.cli.cassette._changes import ABSENT, Change, Member, Reordered, short
from harness.safe_text import gh_data, gh_property, md_code

#: Changes listed per operation in a comment, members per change (the rest are counted).
MAX_CHANGES = 25
MAX_MEMBERS = 10
#: Characters of a value shown (a comment has room for more than a terminal line).
VALUE_WIDTH = 160


def _by_operation(changes: list[Change]) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        grouped[change.label].append(change)
    return dict(sorted(grouped.items()))


def _counts(changes: list[Change]) -> tuple[int, int, int, int, int]:
    kinds = [c.kind for c in changes]
    return (
        kinds.count("changed"),
        kinds.count("added"),
        kinds.count("removed"),
        sum(len(c.new) for c in changes),
        sum(len(c.resolved) for c in changes),
    )


def _where(change: Change) -> str:
    if change.a is not None and change.b is not None:
        return f"A#{change.a.index} → B#{change.b.index}"
    return f"B#{change.b.index}" if change.b is not None else f"A#{change.a.index}"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- markdown


def markdown(changes: list[Change], a: Path, b: Path) -> str:
    """A pull-request comment reviewing the change from cassette ``a`` to ``b``."""
    out = [f"### Cassette review: {md_code(a)} → {md_code(b)}", ""]
    if not changes:
        out.append("Both hold the same calls and answers.")
        return "\n".join(out) + "\n"
    changed, added, removed, new, resolved = _counts(changes)
    out += [
        f"**{changed} changed, {added} added, {removed} removed**; contract violations: "
        f"**{new} new**, {resolved} resolved.",
        "",
        "| operation | changed | added | removed | new violations | resolved |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    grouped = _by_operation(changes)
    for label, group in grouped.items():
        counts = " | ".join(str(n) for n in _counts(group))
        out.append(f"| {md_code(label, in_table=True)} | {counts} |")
    for label, group in grouped.items():
        out += ["", f"#### {md_code(label)}", ""]
        for change in group[:MAX_CHANGES]:
            out += _md_change(change)
        if len(group) > MAX_CHANGES:
            out.append(
                f"- … and {len(group) - MAX_CHANGES} more (`harness cassette diff` lists all)"
            )
    return "\n".join(out) + "\n"


def _md_change(change: Change) -> list[str]:
    head = f"- **{change.kind}** {_where(change)}"
    if change.kind != "changed" and change.params():
        head += f" {md_code(change.params())}"
    lines = [head]
    shown = [("request", m) for m in change.request] + [("response", m) for m in change.response]
    for side, member in shown[:MAX_MEMBERS]:
        lines.append(f"  - {side} {md_code(member.path or '/')}: {_md_values(member)}")
    if len(shown) > MAX_MEMBERS:
        lines.append(f"  - … and {len(shown) - MAX_MEMBERS} more member(s)")
    lines += [f"  - {md_code(text)}" for text in change.answer]
    for word, verdicts in (("new", change.new), ("resolved", change.resolved)):
        for v in verdicts:
            lines.append(
                f"  - {word} contract violation {md_code(v.rule)} ({v.severity}) at "
                f"{md_code(v.pointer or '/')}: {md_code(v.message)}"
            )
    return lines


def _md_values(member: Member) -> str:
    def value(side: Any) -> str:
        return "*absent*" if side is ABSENT else md_code(short(side, VALUE_WIDTH), width=200)

    if isinstance(member, Reordered):  # the same items moved: say so, not both lists
        return md_code(member.text().split(": ", 1)[1], width=200)
    return f"{value(member.a)} → {value(member.b)}"


# --------------------------------------------------------------------------- github


def github(changes: list[Change], a: Path, b: Path) -> str:
    """Workflow-command annotations: a summary, then one per change on B's lines."""
    if not changes:
        same = gh_data(f"{a} and {b} hold the same calls and answers.")
        return f"::notice title=Cassette review::{same}\n"
    changed, added, removed, new, resolved = _counts(changes)
    summary = (
        f"{b}: {changed} changed, {added} added, {removed} removed against {a}; contract "
        f"violations: {new} new, {resolved} resolved."
    )
    # B removed (/dev/null): no file to put the annotations on; they go on the run
    on_file = [] if str(b) == os.devnull else [f"file={gh_property(b)}"]
    out = [f"::notice {','.join([*on_file, 'title=Cassette review'])}::{gh_data(summary)}"]
    starts = interaction_lines(b) if on_file else []
    for change in changes:
        severities = {v.severity for v in change.new}
        level = "error" if "error" in severities else "warning" if severities else "notice"
        properties = list(on_file)
        if change.b is not None and change.b.index < len(starts):
            properties.append(f"line={starts[change.b.index]}")
        properties.append(f"title={gh_property(f'{change.label} {change.kind}')}")
        message = "%0A".join(gh_data(line) for line in _gh_lines(change))
        out.append(f"::{level} {','.join(properties)}::{message}")
    return "\n".join(out) + "\n"


def _gh_lines(change: Change) -> list[str]:
    lines = [f"{change.kind} {_where(change)} {change.params()}".rstrip()]
    shown = [("request", m) for m in change.request] + [("response", m) for m in change.response]
    lines += [f"{side} {member.text(limit=VALUE_WIDTH)}" for side, member in shown[:MAX_MEMBERS]]
    if len(shown) > MAX_MEMBERS:
        lines.append(f"... and {len(shown) - MAX_MEMBERS} more member(s)")
    lines += change.answer
    lines += [f"new contract violation {v.text()}" for v in change.new]
    lines += [f"resolved contract violation {v.text()}" for v in change.resolved]
    return lines
