"""``harness cassette diff A B``: two cassettes compared by what their calls mean.

Interactions are paired the way replay matches requests: same service, operation and
parameters (read through botocore's model, so key order, signatures, dates and idempotency
tokens make no difference), in recorded order. Values generated per run (uuids, random
suffixes, hashes, times: what replay binds by default) are bound too: each interaction's are
numbered by first appearance on each side, so a re-recording that made new ones shows no
difference where it means the same (``--exact`` compares them as written); how many were
bound is said at the end. Interactions left over are paired by operation,
in order, and their parameter differences shown. A pair differs when its status or its
response as botocore's parser reads it differs, in every protocol (a status with each side's
error code; a list of the same items in another order as one member); HTTP noise (request
ids, dates in headers) is not compared. Each added, removed or changed interaction, and each
pair whose bytes differ, is also contract-checked on both sides, and the verdicts that
changed are listed (a pair botocore reads alike differs when only they do).

Formats: ``text`` (default), ``json``, ``markdown`` (a pull-request comment) and ``github``
(workflow-command annotations on B's lines); see ``_review_formats``.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from pathlib import Path
from typing import Any, TextIO

from harness.aws import protocols
from harness.aws.iam import SECRET_SUFFIX
from harness.aws.models import operation_model
from harness.cassettes.entries import Entry
from harness.cli.cassette._changes import ABSENT, Change, Member, Reordered, Verdict, reordering
from harness.cli.cassette._shared import load
from harness.errors import HarnessUsageError
from harness.replay.differences import json_documents
from harness.replay.match_keys import match_key, without_generated
from harness.replay.uploads import body_derived, upload_blobs
from harness.replay.volatile import KINDS, Generated, Volatile, made_up
from harness.safe_text import one_line

EXIT_SAME = 0
EXIT_DIFFERENT = 1
FORMATS = ("text", "json", "markdown", "github")


def register(subparsers: Any) -> None:
    """Add ``cassette diff``."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two cassettes by operation and parameters",
        description=(
            "Pair the interactions of two cassettes as replay would match them (operation "
            "and parameters, not bytes) and print what was added, removed or answered "
            "differently, with the contract verdicts that changed. Formats: text, json, "
            "markdown (a pull-request comment), github (workflow annotations on B's lines). "
            "Exit 0 when they mean the same, 1 when they differ, 2 on bad input."
        ),
    )
    parser.add_argument(
        "a", type=Path, metavar="A", help=f"the old cassette ({os.devnull}: none, B was added)"
    )
    parser.add_argument(
        "b", type=Path, metavar="B", help=f"the new cassette ({os.devnull}: none, A was removed)"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, markdown for a pull-request comment, or github for "
        "workflow-command annotations",
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help="compare values generated per run (uuids, random names, times) as written, "
        "instead of binding them as replay does",
    )
    parser.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print the differences; exit 1 when there are any."""
    if _absent(args.a) and _absent(args.b):
        raise HarnessUsageError(
            f"Both cassettes are {os.devnull}: give the old or the new cassette (a cassette "
            f"added in the change is diffed from {os.devnull}, one removed to it)."
        )
    old = [] if _absent(args.a) else load(args.a)[0]
    new = [] if _absent(args.b) else load(args.b)[0]
    bound: list[int] = []
    changes = review(old, new, exact=args.exact, bound=bound)
    if args.format == "text":
        _write_text(changes, args.a, args.b, stdout)
        if sum(bound):
            stdout.write(
                f"{sum(bound)} value(s) generated per run (ids, random names, times) differ "
                "between A and B and were bound, as replay binds them; --exact shows them.\n"
            )
    elif args.format == "json":
        document = {
            "a": str(args.a),
            "b": str(args.b),
            "differences": len(changes),
            "changes": [c.to_dict() for c in changes],
        }
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        from harness.cli.cassette import _review_formats

        render = _review_formats.markdown if args.format == "markdown" else _review_formats.github
        stdout.write(render(changes, args.a, args.b))
    return EXIT_DIFFERENT if changes else EXIT_SAME


def _absent(path: Path) -> bool:
    """``/dev/null`` (``os.devnull``) for A or B: no cassette, as git diff writes a file
    added or deleted. A cassette added in a change is all added; one removed, all removed."""
    return str(path) == os.devnull


def _write_text(changes: list[Change], a: Path, b: Path, stdout: TextIO) -> None:
    for line in diff_lines(changes):
        stdout.write(line + "\n")
    if not changes:
        stdout.write(f"{one_line(a)} and {one_line(b)} hold the same calls and answers.\n")
    else:
        stdout.write(
            f"{len(changes)} difference(s) between {one_line(a)} (A) and {one_line(b)} (B)"
            f"{_weighty(changes)}.\n"
        )


def _weighty(changes: list[Change]) -> str:
    """What a reviewer must not miss among many changes, counted with where each is
    (``: status changed at B#3; new contract violations at B#0``), or nothing."""
    found: dict[str, list[str]] = {}
    for change in changes:
        where = f"B#{change.b.index}" if change.b else f"A#{change.a.index}" if change.a else ""
        if any(line.startswith("status:") for line in change.answer):
            found.setdefault("status changed", []).append(where)
        if change.new:
            found.setdefault("new contract violations", []).append(where)
        if change.kind != "changed":
            found.setdefault(change.kind, []).append(where)
    if not found:
        return ""
    parts = []
    for what, places in found.items():
        more = f" and {len(places) - 5} more" if len(places) > 5 else ""
        parts.append(f"{what} at {', '.join(places[:5])}{more}")
    return ": " + "; ".join(parts)


def diff_entries(old: list[Entry], new: list[Entry]) -> list[str]:
    """The text report's lines of :func:`review` (kept for callers of the older API)."""
    return diff_lines(review(old, new))


def diff_lines(changes: list[Change]) -> list[str]:
    """Readable lines: ``-`` only in A, ``+`` only in B, ``~`` paired but different (each
    value from a cassette escaped: see ``harness.safe_text``)."""
    lines = []
    for change in changes:
        verdicts = [f"    contract: new {one_line(v.text())}" for v in change.new]
        verdicts += [f"    contract: resolved {one_line(v.text())}" for v in change.resolved]
        if change.kind == "changed":
            assert change.a is not None and change.b is not None
            body = [f"    request {one_line(m.text())}" for m in change.request]
            body += [f"    response {one_line(m.text())}" for m in change.response]
            body += [f"    {one_line(d)}" for d in change.answer]
            head = f"~ A#{change.a.index} B#{change.b.index} {one_line(change.label)}"
        else:
            entry = change.b if change.kind == "added" else change.a
            assert entry is not None
            sign, side = ("+", "B") if change.kind == "added" else ("-", "A")
            head = (
                f"{sign} {side}#{entry.index} {one_line(change.label)} {one_line(change.params())}"
            )
            body = []
        lines.append("\n".join([head.rstrip(), *body, *verdicts]))
    return lines


def review(
    old: list[Entry], new: list[Entry], *, exact: bool = True, bound: list[int] | None = None
) -> list[Change]:
    """What changed from ``old`` to ``new``, in A's order (additions last, in B's order).

    Without ``exact``, values generated per run are bound (see the module doc); how many
    were bound goes to ``bound``."""
    forms = _Forms(exact)
    pairs, only_old, only_new = _pair(old, new, forms)
    changes: list[Change] = []
    for a, b, request in pairs:
        response, answer = _answer_differences(a, b, forms)
        if bound is not None:
            bound.append(forms.bound(a, b))
        if request or response or answer or _bytes_differ(a, b):
            change = Change(
                kind="changed",
                label=a.label,
                a=a,
                b=b,
                request=request,
                response=response,
                answer=answer,
            )
            # (bytes that botocore reads alike can break the contract: "9202" for 9202)
            change.new, change.resolved = _verdict_changes(a, b)
            if request or response or answer or change.new or change.resolved:
                changes.append(change)
    for a in only_old:
        changes.append(Change(kind="removed", label=a.label, a=a, b=None, resolved=_verdicts(a)))
    for b in only_new:
        changes.append(Change(kind="added", label=b.label, a=None, b=b, new=_verdicts(b)))
    changes.sort(key=lambda c: c.order)
    if bound is not None:
        bound.append(sum(len(ties) for ties in forms.ties.values()))
    return changes


class _Forms:
    """Each entry's request parameters and answer as compared: idempotency tokens left out
    and, unless ``exact``, each value generated per run written ``⟦kind#n⟧``, numbered by
    first appearance in the entry (request, then answer), with what it stood for kept to
    show a difference as written."""

    def __init__(self, exact: bool) -> None:
        self.volatile = None if exact else Volatile(KINDS)
        self._forms: dict[int, tuple[Any, Any, dict[str, str]]] = {}
        self.ties: dict[tuple[int, int], dict[tuple[str, str], str]] = {}  # (``_tie``)

    def of(self, entry: Entry) -> tuple[Any, Any, dict[str, str]]:
        """(params, answer, token -> value) of ``entry``."""
        found = self._forms.get(id(entry))
        if found is None:
            exchange = entry.exchange
            params = (
                without_generated(exchange.service, exchange.operation, exchange.params)
                if exchange is not None
                else None
            )
            answer = answer_of(entry)
            tokens: dict[str, str] = {}
            if self.volatile is not None:
                numbers: dict[tuple[str, str], int] = {}
                texts = _text_blobs(exchange, params) if exchange is not None else {}
                if texts and isinstance(params, dict):
                    params = {**params, **texts}
                params = self._walk(params, numbers, tokens)
                answer = self._walk(answer, numbers, tokens)
                if exchange is not None and (
                    _made_up_upload(params)
                    or any("\u27e6" in str(params.get(name)) for name in texts)
                ):
                    params, answer = _without_body_derived(exchange, params, answer)
            found = self._forms[id(entry)] = (params, answer, tokens)
        return found

    def ties_of(self, a: Entry, b: Entry) -> dict[tuple[str, str], str]:
        """The pair's tokens bound to a value of the same shape on the other side."""
        return self.ties.setdefault((id(a), id(b)), {})

    def bound(self, a: Entry, b: Entry) -> int:
        """How many generated values of the pair stand for other ones on the other side."""
        first, second = self.of(a)[2], self.of(b)[2]
        return sum(1 for token, value in first.items() if second.get(token, value) != value)

    def _walk(
        self,
        value: Any,
        numbers: dict[tuple[str, str], int],
        tokens: dict[str, str],
        key: bool = False,
    ) -> Any:
        if isinstance(value, dict):
            return {
                # a key is a member's name or a map's key (a table's name): only ids are
                # bound in it; a body kept as its digest keeps it (all there is to compare)
                self._walk(k, numbers, tokens, key=True): v
                if k == "$sha256"
                else self._walk(v, numbers, tokens)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._walk(v, numbers, tokens) for v in value]
        if self.volatile is None:
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._instant(value, numbers, tokens)
        if not isinstance(value, str):
            return value
        document = _json_document(value)
        if document is not None:
            # a JSON document in a string (an EventBridge Detail): its values are bound one
            # by one and it stays a document, so its members are compared, not its text
            walked = self._walk(document, numbers, tokens)
            return json.dumps(walked, sort_keys=True, ensure_ascii=False)
        if _random_bytes(value):  # a ciphertext, a random upload: new on every run
            return self._token(f"blob{len(value)}", value, numbers, tokens)
        suffix = SECRET_SUFFIX.search(value)  # a secret ARN's six random characters
        if suffix is not None:
            random = value[suffix.end("name") + 1 : suffix.end()]
            value = value[: suffix.end("name") + 1] + self._token("suffix", random, numbers, tokens)
        found: list[Generated] = []
        self.volatile.mask_text(value, found)
        found = [g for g in found if made_up(g, 6) and not (key and g.kind == "alnum")]
        if not found:
            return value
        distinct = {g.value: g for g in found}
        named = {  # numbered in order of first appearance
            item.value: self._token(item.kind, item.value, numbers, tokens)
            for item in sorted(distinct.values(), key=lambda g: value.find(g.value))
        }
        for raw in sorted(named, key=len, reverse=True):  # (the longest first)
            value = value.replace(raw, named[raw])
        return value

    def _instant(
        self, value: float, numbers: dict[tuple[str, str], int], tokens: dict[str, str]
    ) -> Any:
        """A number that is a time (epoch seconds, milliseconds: ``time.time()`` in an
        event), bound like a time in text; any other number as it is."""
        assert self.volatile is not None
        text = repr(value)
        found: list[Generated] = []
        self.volatile.mask_text(text, found)
        if len(found) == 1 and found[0].kind == "time" and found[0].value == text:
            return self._token("time", text, numbers, tokens)
        return value

    @staticmethod
    def _token(
        kind: str, value: str, numbers: dict[tuple[str, str], int], tokens: dict[str, str]
    ) -> str:
        """``value``'s token, numbered by first appearance among its kind; a time's is not
        numbered (a re-record's server times fall on either side of a second: equal times
        in one may differ in the other, and none is a change)."""
        if kind == "time":
            tokens["⟦time⟧"] = value
            return "⟦time⟧"
        number = numbers.get((kind, value))
        if number is None:
            number = numbers[kind, value] = 1 + sum(1 for k, _ in numbers if k == kind)
        token = f"⟦{kind}#{number}⟧"
        tokens[token] = value
        return token


def _text_blobs(exchange: Any, params: Any) -> dict[str, str]:
    """The request's top-level blobs whose bytes are text (a JSON document put to S3), as
    that text: compared as text (a document member by member), its generated values bound
    like any other. When some are, the bytes were partly made up per run, and what is
    computed from them (checksums, ETag) is bound with them."""
    if not isinstance(params, dict):
        return {}
    texts = {}
    for name in upload_blobs(exchange.service, exchange.operation):
        value = params.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8")
        except ValueError:
            continue
        if text and all(c.isprintable() or c in "\t\r\n" for c in text):
            texts[name] = text
    return texts


def _made_up_upload(params: Any) -> bool:
    """True when a top-level blob of the request is bytes made up per run (a token)."""
    return isinstance(params, dict) and any(
        isinstance(v, str) and v.startswith("\u27e6blob") for v in params.values()
    )


def _without_body_derived(exchange: Any, params: dict[str, Any], answer: Any) -> tuple[Any, Any]:
    """An upload of bytes made up per run: the members computed from them (Content-MD5,
    checksums; the answer's ETag and checksums) are bound with the bytes, not compared."""
    request, answered = body_derived(exchange.service, exchange.operation)
    params = {k: v for k, v in params.items() if k not in request}
    if isinstance(answer, dict):
        answer = {k: v for k, v in answer.items() if k not in answered}
    return params, answer


def _json_document(value: str) -> Any:
    """``value`` read as a JSON object or array, else None."""
    if value.lstrip()[:1] not in ("{", "["):
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return found if isinstance(found, dict | list) else None


def _random_bytes(value: str) -> bool:
    """True for base64 of bytes no text is made of (32 characters or more)."""
    if len(value) < 32 or len(value) % 4 or " " in value:
        return False
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _written(value: Any, tokens: dict[str, str]) -> Any:
    """A compared value as its side wrote it (its tokens back to what they stand for)."""
    if not tokens or value is ABSENT:
        return value
    if isinstance(value, dict):
        return {_written(k, tokens): _written(v, tokens) for k, v in value.items()}
    if isinstance(value, list):
        return [_written(v, tokens) for v in value]
    if isinstance(value, str) and "⟦" in value:
        for token, raw in tokens.items():
            value = value.replace(token, raw)
    return value


def _as_written(found: list[Member], a: dict[str, str], b: dict[str, str]) -> list[Member]:
    return [
        dataclasses.replace(m, path=_written(m.path, a), a=_written(m.a, a), b=_written(m.b, b))
        for m in found
    ]


def _pair(
    old: list[Entry], new: list[Entry], forms: _Forms
) -> tuple[list[tuple[Entry, Entry, list[Member]]], list[Entry], list[Entry]]:
    waiting: dict[tuple[str, ...], deque[Entry]] = defaultdict(deque)
    for entry in new:
        waiting[_key(entry, forms)].append(entry)
    pairs: list[tuple[Entry, Entry, list[Member]]] = []
    left: list[Entry] = []
    for entry in old:
        queue = waiting.get(_key(entry, forms))
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
            pairs.append((entry, partner, _request_differences(entry, partner, forms)))
        else:
            only_old.append(entry)
    only_new = sorted((e for q in rest.values() for e in q), key=lambda e: e.index)
    return pairs, only_old, only_new


def _key(entry: Entry, forms: _Forms) -> tuple[str, ...]:
    if entry.exchange is None:
        return ("", entry.request.method, entry.request.url, entry.request.body.hex())
    exchange = entry.exchange
    return match_key(exchange.service, exchange.operation, forms.of(entry)[0])


def _request_differences(a: Entry, b: Entry, forms: _Forms) -> list[Member]:
    if a.exchange is None or b.exchange is None:
        return [Member("/", a.line, b.line)] if a.line != b.line else [Member("/body", "…", "…")]
    (old, _, a_tokens), (new, _, b_tokens) = forms.of(a), forms.of(b)
    found = _tie(members(old, new), a_tokens, b_tokens, forms.ties_of(a, b))
    return _as_written(found, a_tokens, b_tokens)


def members(a: Any, b: Any, path: str = "") -> list[Member]:
    """The members that differ between two JSON values, by JSON pointer (lists of the same
    length item by item; anything else as a whole)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[Member] = []
        for name in sorted(set(a) | set(b)):
            where = f"{path}/{name}"
            if name not in b:
                out.append(Member(where, a[name], ABSENT))
            elif name not in a:
                out.append(Member(where, ABSENT, b[name]))
            else:
                out.extend(members(a[name], b[name], where))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        moved = reordering(a, b)
        if moved is not None:  # the same items, moved: one line, not one per member
            return [Reordered(path, a, b, order=moved)]
        return [
            m
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for m in members(x, y, f"{path}/{i}")
        ]
    if isinstance(a, list) and isinstance(b, list):
        spliced = _spliced(a, b, path)
        if spliced is not None:
            return spliced
    if a == b and type(a) is type(b):
        return []
    if isinstance(a, str) and isinstance(b, str):
        # a document in a string (an EventBridge Detail, an XML message body): the members
        # that changed in it, not the string around its first difference
        for kind, inner in (("JSON", json_documents(a, b)), ("XML", xml_documents(a, b))):
            if inner is not None:
                found = members(*inner, f"{path}{{{kind}}}")
                if found:
                    return found
    return [Member(path, a, b)]


def _spliced(a: list[Any], b: list[Any], path: str) -> list[Member] | None:
    """Lists of other lengths: the items only A holds (``/7: A ..., not B``, A's index) and
    only B holds (``/0: not A, B ...``, B's index), the ones kept in place left out, as a
    reviewer reads an insertion; None when more than 10 items came or went."""
    import difflib

    keys = [[json.dumps(v, sort_keys=True, default=repr) for v in side] for side in (a, b)]
    found: list[Member] = []
    matcher = difflib.SequenceMatcher(None, keys[0], keys[1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            found += [
                m for k in range(i2 - i1) for m in members(a[i1 + k], b[j1 + k], f"{path}/{j1 + k}")
            ]
        elif tag != "equal":
            found += [Member(f"{path}/{i}", a[i], ABSENT) for i in range(i1, i2)]
            found += [Member(f"{path}/{j}", ABSENT, b[j]) for j in range(j1, j2)]
    gone_or_new = sum(1 for m in found if m.a is ABSENT or m.b is ABSENT)
    return None if gone_or_new > 10 else found


#: Larger strings are compared as text (a reviewer's diff, not a parser's workload).
_XML_LIMIT = 1 << 20


def xml_documents(a: str, b: str) -> tuple[Any, Any] | None:
    """Both strings as XML documents read into JSON-like data (``{"tag": {"@attr": ...,
    "#text": ..., "child": [...]}}``), or None when either is not one."""
    read = []
    for text in (a, b):
        if text.lstrip()[:1] != "<" or len(text) > _XML_LIMIT:
            return None
        try:
            root = ET.fromstring(text)  # (expat refuses entity expansion bombs)
        except (ET.ParseError, ValueError):
            return None
        read.append({_local(root.tag): _element(root)})
    return read[0], read[1]


def _element(node: ET.Element) -> Any:
    found: dict[str, Any] = {f"@{_local(k)}": v for k, v in node.attrib.items()}
    text = (node.text or "").strip()
    if text:
        found["#text"] = text
    for child in node:
        found.setdefault(_local(child.tag), []).append(_element(child))
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_TOKEN = re.compile("\u27e6[^\u27e7]*\u27e7")


def _tie(
    found: list[Member], a: dict[str, str], b: dict[str, str], ties: dict[tuple[str, str], str]
) -> list[Member]:
    """The members that still differ once a generated value on one side is bound to the
    digits of its length in its place on the other: a random name that came out all digits
    (``jobs-369644485551``) reads alone as an account id, not as made up, but its
    partner's ``jobs-⟦hex#1⟧`` shows what it is. Each token binds one value in the pair,
    as replay binds it."""
    return [
        m for m in found if not (_ties(m.a, m.b, a, ties, "a") or _ties(m.b, m.a, b, ties, "b"))
    ]


def _ties(
    x: Any, y: Any, tokens: dict[str, str], ties: dict[tuple[str, str], str], side: str
) -> bool:
    """True when ``y`` is ``x`` with each of ``x``'s tokens standing for a value of the
    same length as the one the token stands for, in digits alone (recorded in ``ties``)."""
    if not (isinstance(x, str) and isinstance(y, str)) or "\u27e6" not in x:
        return False
    names = _TOKEN.findall(x)
    literal = _TOKEN.split(x)
    pattern = "".join(
        re.escape(text) + ("(.+?)" if i < len(names) else "") for i, text in enumerate(literal)
    )
    matched = re.fullmatch(pattern, y, re.DOTALL)
    if matched is None:
        return False
    new: dict[tuple[str, str], str] = {}
    for name, value in zip(names, matched.groups(), strict=True):
        if value == name:
            continue  # the same token on both sides
        raw = tokens.get(name, "")
        # (only digits alone: a value with letters, made up, is a token on its own side)
        alike = len(value) == len(raw) and value.isascii() and value.isdigit() and _alnum(raw)
        if not alike or ties.get((side, name), new.get((side, name), value)) != value:
            return False
        new[side, name] = value
    ties.update(new)
    return True


def _alnum(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _answer_differences(a: Entry, b: Entry, forms: _Forms) -> tuple[list[Member], list[str]]:
    (_, old, a_tokens), (_, new, b_tokens) = forms.of(a), forms.of(b)
    if a.status != b.status:  # the status, and the error code each side answered with it
        codes = [_error_code(old), _error_code(new)]
        return [], [f"status: A {a.status}{codes[0]}, B {b.status}{codes[1]}"]
    if old == new:
        return [], []
    if isinstance(old, dict) and isinstance(new, dict):
        found = _tie(members(old, new), a_tokens, b_tokens, forms.ties_of(a, b))
        return _as_written(found, a_tokens, b_tokens), []
    return [], ["response body differs"]


def _error_code(answer: Any) -> str:
    error = answer.get("Error") if isinstance(answer, dict) else None
    code = error.get("Code") if isinstance(error, dict) else None
    return f" {one_line(str(code))}" if code else ""


def answer_of(entry: Entry) -> Any:
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


def _bytes_differ(a: Entry, b: Entry) -> bool:
    """True when the pair's request or response bodies, or the response's headers other
    than its id and date, differ as written."""
    noise = {"date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "x-amz-cf-id"}

    def headers(entry: Entry) -> dict[str, Any]:
        return {k.lower(): v for k, v in entry.response.headers.items() if k.lower() not in noise}

    return (
        a.request.body != b.request.body
        or a.response.body != b.response.body
        or headers(a) != headers(b)
    )


def _verdicts(entry: Entry) -> list[Verdict]:
    """The contract violations of one interaction (none for a call to no AWS operation)."""
    if entry.exchange is None:
        return []
    from harness.contract.checker import check_exchange

    found = check_exchange(entry.exchange)
    unique = {(v.rule, v.severity, v.pointer): v.message for v in found}
    return [
        Verdict(rule, severity, pointer, message)
        for (rule, severity, pointer), message in unique.items()
    ]


def _verdict_changes(a: Entry, b: Entry) -> tuple[list[Verdict], list[Verdict]]:
    """Violations only B has (new), and only A had (resolved), by rule and place."""
    before = {(v.rule, v.severity, v.pointer): v for v in _verdicts(a)}
    after = {(v.rule, v.severity, v.pointer): v for v in _verdicts(b)}
    return (
        [v for key, v in after.items() if key not in before],
        [v for key, v in before.items() if key not in after],
    )
