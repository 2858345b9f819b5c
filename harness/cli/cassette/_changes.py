"""What ``harness cassette diff`` finds, as data: the differing members of a pair, its
contract verdicts, one change per interaction. Its text, JSON, Markdown and GitHub formats
(``diff``, ``_review_formats``) all read these."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from harness.replay.match_keys import canonical

if TYPE_CHECKING:
    from harness.cassettes.entries import Entry

#: A side that does not hold a member (``Member.a`` or ``Member.b``).
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


@dataclass(frozen=True)
class Member:
    """One member that differs: its JSON pointer and its value on each side (or ABSENT)."""

    path: str
    a: Any
    b: Any

    def text(self, names: tuple[str, str] = ("A", "B"), limit: int = 80) -> str:
        """``/State: A "ACTIVE", B "CLOSED"`` (as ``matching.param_differences`` words it),
        each value cut to ``limit`` characters."""
        first, second = names
        where = self.path or "/"
        if self.b is ABSENT:
            return f"{where}: {first} {short(self.a, limit)}, not {second}"
        if self.a is ABSENT:
            return f"{where}: not {first}, {second} {short(self.b, limit)}"
        if isinstance(self.a, str) and isinstance(self.b, str):
            a, b = around_change(self.a, self.b, limit)
            return f"{where}: {first} {a}, {second} {b}"
        return f"{where}: {first} {short(self.a, limit)}, {second} {short(self.b, limit)}"


@dataclass(frozen=True)
class Reordered(Member):
    """A list whose items are the same on both sides, in another order: one line saying so
    (``order``: the A index of each of B's items), not a difference per moved member."""

    order: tuple[int, ...] = ()

    def text(self, names: tuple[str, str] = ("A", "B"), limit: int = 80) -> str:
        first, second = names
        moved = ", ".join(f"#{i}" for i in self.order[:20])
        more = f", ... ({len(self.order) - 20} more)" if len(self.order) > 20 else ""
        return (
            f"{self.path or '/'}: the same {len(self.order)} item(s) in another order "
            f"({second} holds {first}'s {moved}{more})"
        )


def reordering(a: list[Any], b: list[Any]) -> tuple[int, ...] | None:
    """For two lists of the same items in another order, the A index of each of B's items
    (equal items taken in turn); None when the items differ or the order is the same."""
    if len(a) != len(b) or len(a) < 2:
        return None
    keys_a = [json.dumps(v, sort_keys=True, default=repr) for v in a]
    keys_b = [json.dumps(v, sort_keys=True, default=repr) for v in b]
    if keys_a == keys_b or sorted(keys_a) != sorted(keys_b):
        return None
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys_a):
        where.setdefault(key, []).append(i)
    return tuple(where[key].pop(0) for key in keys_b)


@dataclass(frozen=True)
class Verdict:
    """A contract violation of one side, as the review shows it."""

    rule: str
    severity: str
    pointer: str
    message: str

    def text(self) -> str:
        """``schema.response.enum [drift] at /response/State: <message>``."""
        return f"{self.rule} [{self.severity}] at {self.pointer or '/'}: {self.message}"


@dataclass(kw_only=True)
class Change:
    """An interaction only in A (``removed``), only in B (``added``) or paired and different."""

    kind: Literal["added", "removed", "changed"]
    label: str
    a: Entry | None
    b: Entry | None
    request: list[Member] = field(default_factory=list)
    response: list[Member] = field(default_factory=list)
    #: a plain difference when no member-level one can be given (a status, a body)
    answer: list[str] = field(default_factory=list)
    new: list[Verdict] = field(default_factory=list)  # violations B has and A had not
    resolved: list[Verdict] = field(default_factory=list)  # violations A had and B has not

    @property
    def order(self) -> tuple[int, int]:
        """Where it sits: by A's number, then B's (an addition after all of A)."""
        return (self.a.index if self.a else 1 << 30, self.b.index if self.b else -1)

    def params(self) -> str:
        """The request's parameters of the side that has it, canonical, cut to 100 characters."""
        entry = self.b or self.a
        if entry is None or entry.exchange is None:
            return ""
        text = canonical(entry.exchange.params)
        return text if len(text) <= 100 else text[:97] + "..."

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: numbers, parameters, member differences and verdict changes."""
        entry = self.b or self.a
        return {
            "kind": self.kind,
            "operation": self.label,
            "a": self.a.index if self.a else None,
            "b": self.b.index if self.b else None,
            "params": entry.exchange.params if entry and entry.exchange else None,
            "request": [member_dict(m) for m in self.request],
            "response": [member_dict(m) for m in self.response],
            "answer": self.answer,
            "contract": {
                "new": [vars(v) for v in self.new],
                "resolved": [vars(v) for v in self.resolved],
            },
        }


def around_change(a: str, b: str, limit: int = 80) -> tuple[str, str]:
    """Two texts that differ, each cut to about ``limit`` characters around where they
    differ (what they share before and after shown as "..."), so a long message whose
    middle changed shows the change, not its unchanged start."""
    whole_a, whole_b = short(a, 1 << 30), short(b, 1 << 30)
    if len(whole_a) <= limit and len(whole_b) <= limit:
        return whole_a, whole_b
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    context = 12
    cut = max(0, start - context)
    out = []
    for text in (a, b):
        middle = text[cut : len(text) - max(0, end - context)]
        piece = json.dumps(middle, ensure_ascii=False)[1:-1]
        if len(piece) > limit:
            piece = piece[: limit - 3] + "..."
        before = "..." if cut else ""
        after = "..." if end > context else ""
        out.append(f'"{before}{piece}{after}"')
    return out[0], out[1]


def short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return text + _as_time(value)


def _as_time(value: Any) -> str:
    """`` (2026-11-26T10:34:20Z)`` after a number that reads as epoch seconds or
    milliseconds of this century (``time.time()`` in an event), so a reviewer sees a time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    for scale in (1, 1e3):
        seconds = value / scale
        if 946_684_800 <= seconds < 4_102_444_800:  # 2000-01-01 to 2100-01-01
            moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
            return f" ({moment.strftime('%Y-%m-%dT%H:%M:%SZ')})"
    return ""


def member_dict(member: Member) -> dict[str, Any]:
    found: dict[str, Any] = {"path": member.path or "/"}
    if member.a is not ABSENT:
        found["a"] = member.a
    if member.b is not ABSENT:
        found["b"] = member.b
    return found
