"""``harness cassette diff A B``: two cassettes compared by what their calls mean.

Interactions are paired the way replay matches requests: same service, operation and
parameters (read through botocore's model, so key order, signatures, dates and idempotency
tokens make no difference), in recorded order. Interactions left over are paired by operation,
in order, and their parameter differences shown. A pair differs when its status or its
response as botocore's parser reads it differs, in every protocol; HTTP noise (request ids,
dates in headers) is not compared.
"""

from __future__ import annotations

import argparse
from collections import defaultdict, deque
from pathlib import Path
from typing import Any, TextIO

from harness import protocols
from harness.cassette import Entry
from harness.commands.cassette._shared import load
from harness.matching import canonical, match_key, param_differences
from harness.models import operation_model
from harness.safe_text import one_line

EXIT_SAME = 0
EXIT_DIFFERENT = 1


def register(subparsers: Any) -> None:
    """Add ``cassette diff``."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two cassettes by operation and parameters",
        description=(
            "Pair the interactions of two cassettes as replay would match them (operation "
            "and parameters, not bytes) and print what was added, removed or answered "
            "differently. Exit 0 when they mean the same, 1 when they differ, 2 on bad input."
        ),
    )
    parser.add_argument("a", type=Path, metavar="A", help="the old cassette")
    parser.add_argument("b", type=Path, metavar="B", help="the new cassette")
    parser.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print the differences; exit 1 when there are any."""
    old, _ = load(args.a)
    new, _ = load(args.b)
    lines = diff_entries(old, new)
    for line in lines:
        stdout.write(line + "\n")
    changed = sum(1 for line in lines if line[:1] in "+-~")
    if not changed:
        stdout.write(
            f"{one_line(args.a)} and {one_line(args.b)} hold the same calls and answers.\n"
        )
        return EXIT_SAME
    stdout.write(
        f"{changed} difference(s) between {one_line(args.a)} (A) and {one_line(args.b)} (B).\n"
    )
    return EXIT_DIFFERENT


def diff_entries(old: list[Entry], new: list[Entry]) -> list[str]:
    """Readable lines: ``-`` only in A, ``+`` only in B, ``~`` paired but different (each
    value from a cassette escaped: see ``harness.safe_text``)."""
    pairs, only_old, only_new = _pair(old, new)
    lines: list[tuple[int, int, str]] = []
    for a, b, request_diff in pairs:
        answer = _answer_differences(a, b)
        if request_diff or answer:
            body = [f"    request {one_line(d)}" for d in request_diff]
            body += [f"    {one_line(d)}" for d in answer]
            text = f"~ A#{a.index} B#{b.index} {one_line(a.label)}\n" + "\n".join(body)
            lines.append((a.index, b.index, text))
    lines += [(a.index, -1, f"- A#{a.index} {one_line(a.label)} {_params(a)}") for a in only_old]
    lines += [
        (len(old), b.index, f"+ B#{b.index} {one_line(b.label)} {_params(b)}") for b in only_new
    ]
    lines.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, text in lines]


def _pair(
    old: list[Entry], new: list[Entry]
) -> tuple[list[tuple[Entry, Entry, list[str]]], list[Entry], list[Entry]]:
    waiting: dict[tuple[str, ...], deque[Entry]] = defaultdict(deque)
    for entry in new:
        waiting[_key(entry)].append(entry)
    pairs: list[tuple[Entry, Entry, list[str]]] = []
    left: list[Entry] = []
    for entry in old:
        queue = waiting.get(_key(entry))
        if queue:
            pairs.append((entry, queue.popleft(), []))
        else:
            left.append(entry)
    # What is left: pair by operation, in order, showing how the parameters differ.
    rest: dict[str, deque[Entry]] = defaultdict(deque)
    for queue in waiting.values():
        for entry in queue:
            rest[entry.label].append(entry)
    only_old: list[Entry] = []
    for entry in left:
        candidates = rest.get(entry.label)
        if candidates:
            partner = min(candidates, key=lambda e: e.index)
            candidates.remove(partner)
            pairs.append((entry, partner, _request_differences(entry, partner)))
        else:
            only_old.append(entry)
    only_new = sorted((e for q in rest.values() for e in q), key=lambda e: e.index)
    return pairs, only_old, only_new


def _key(entry: Entry) -> tuple[str, ...]:
    if entry.exchange is None:
        return ("", entry.request.method, entry.request.url, entry.request.body.hex())
    exchange = entry.exchange
    return match_key(exchange.service, exchange.operation, exchange.params)


def _request_differences(a: Entry, b: Entry) -> list[str]:
    if a.exchange is None or b.exchange is None:
        return [f"/: A {a.line!r}, B {b.line!r}"] if a.line != b.line else ["body differs"]
    return param_differences(a.exchange.params, b.exchange.params, names=("A", "B"))


def _answer_differences(a: Entry, b: Entry) -> list[str]:
    if a.status != b.status:
        return [f"status: A {a.status}, B {b.status}"]
    old, new = _answer(a), _answer(b)
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return [f"response {d}" for d in param_differences(old, new, names=("A", "B"))]
    return ["response body differs"]


def _answer(entry: Entry) -> Any:
    """The response as botocore's parser reads it (output members, or the error), for any
    protocol; request ids and other response metadata left out."""
    exchange = entry.exchange
    if exchange is None:
        return entry.response.body
    try:
        parsed = protocols.decode_response(
            operation_model(exchange.service, exchange.operation), entry.response
        )
    except Exception:  # botocore's parser gave up (a cut body, an event stream): compare bytes
        return entry.response.body
    parsed.pop("ResponseMetadata", None)
    return protocols.to_data(parsed)


def _params(entry: Entry) -> str:
    if entry.exchange is None:
        return ""
    text = one_line(canonical(entry.exchange.params))
    return text if len(text) <= 100 else text[:97] + "..."
