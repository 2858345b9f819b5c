"""The words rules are written in, shared by the operation packs and the checker.

A rule's check (``harness.ops``) receives a :class:`RuleContext` and reports each broken
promise as a :class:`Violation` at a JSON pointer into the exchange; the checker
(``harness.contract``) builds the contexts and collects the violations. Both live here,
below both of them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from harness.exchange import Exchange
from harness.safe_text import one_line

if TYPE_CHECKING:
    from harness.aws.protocols.wire_form import ErrorInfo

Severity = Literal["error", "drift", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "drift", "warning")
_VALUE_WIDTH = 80


class RuleFacts(Protocol):
    """What a context needs of the rule it runs (``harness.ops.base.Rule`` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def doc(self) -> str: ...


def cut_to(text: str, width: int) -> str:
    """Plain text cut to ``width`` characters (messages are prose, not JSON values)."""
    return text if len(text) <= width else text[: width - 3] + "..."


def value_excerpt(value: Any, width: int = _VALUE_WIDTH) -> str:
    """A value as JSON text (repr when not JSON), cut to ``width`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: Any) -> str:
    """A JSON pointer (RFC 6901) from path tokens: ``pointer("response", "Values", 3)``."""
    return "".join("/" + _escape(t) for t in tokens)


@dataclass(kw_only=True, frozen=True)
class Violation:
    """One broken contract: which rule, where, what was found and what was expected.

    ``pointer`` points into the exchange seen as ``{"request": <params in wire form>,
    "response": <decoded body in wire form>}`` (for errors, ``response`` is the error body).
    ``value`` is the offending value as JSON text, truncated.
    """

    rule: str
    severity: Severity
    operation: str
    cassette: str | None
    index: int | None
    pointer: str
    value: str
    expected: str
    doc: str
    message: str

    @property
    def location(self) -> str:
        """``cassettes/x.yaml #3``, or ``(no cassette)``."""
        if self.cassette is None:
            return "(no cassette)" if self.index is None else f"exchange #{self.index}"
        return f"{self.cassette} #{self.index}" if self.index is not None else self.cassette

    def __str__(self) -> str:
        # Every field may quote a cassette's text: shown escaped (see harness.safe_text)
        lines = [
            f"{self.rule} [{self.severity}]: {one_line(self.message)}",
            f"  operation: {one_line(self.operation)}, interaction: {one_line(self.location)}",
            f"  at {one_line(self.pointer or '/')}: got {one_line(self.value)}{self._sender}",
            f"  expected: {one_line(self.expected)}",
        ]
        if self.doc:
            lines.append(f'  docs: "{one_line(self.doc)}"')
        served = self.severity == "error" and self.pointer.startswith("/response")
        lines.append(f"  next: {_SERVED_NEXT_STEP if served else _NEXT_STEP[self.severity]}")
        return "\n".join(lines)

    @property
    def _sender(self) -> str:
        """Who wrote the value: a user reading a violation first asks whether their code did."""
        if self.pointer.startswith("/response"):
            return " (in the response: the server sent it)"
        if self.pointer.startswith("/request"):
            return " (in the request: the code sent it)"
        return ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field."""
        return asdict(self)


#: An error in what a server answered: the code under test did not write it.
_SERVED_NEXT_STEP = (
    "the server or the stand-in that answered wrote this value: from a local stand-in (moto, "
    "LocalStack) or a fake of yours, fix the fake or re-grade the rule for it "
    "(--aws-contract-rule ID@service:Operation/pointer=warning); from AWS, re-record the "
    "cassette if AWS changed, and report it if it persists."
)

_NEXT_STEP: dict[str, str] = {
    "error": "fix the code or fake under test, or re-record the cassette if AWS changed.",
    "drift": (
        "AWS may be ahead of botocore: upgrade botocore and regenerate the schemas "
        "('harness schemas generate'); recorded from a local stand-in (moto, LocalStack), "
        "the stand-in may send what AWS does not. Or allow drift (--allow-drift / "
        "--aws-allow-drift)."
    ),
    "warning": "review it; warnings never fail a run.",
}


@dataclass(frozen=True)
class Page:
    """One exchange with its decoded parts, as cross-exchange rules see it."""

    exchange: Exchange
    request: dict[str, Any]
    response: dict[str, Any]  # decoded output (empty for errors)
    ok: bool  # 2xx


@dataclass(kw_only=True, frozen=True)
class RuleContext:
    """What a rule's check function sees, and how it reports (``ctx.fail``).

    ``request`` and ``response`` are wire-form dicts (see ``harness.aws.protocols.wire_form``);
    ``error`` is set
    for error responses; ``request_time`` comes from the recorded ``X-Amz-Date`` or ``Date``
    header; ``pages`` holds one pagination chain for chain rules.
    """

    exchange: Exchange
    request: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    error: ErrorInfo | None = None
    request_time: dt.datetime | None = None
    pages: tuple[Page, ...] = ()
    rule: RuleFacts | None = None

    def with_rule(self, rule: RuleFacts) -> RuleContext:
        """This context for one rule: a copy of its fields (a frozen dataclass's constructor
        sets each field through ``object.__setattr__``, at three times the cost)."""
        ctx = object.__new__(RuleContext)
        ctx.__dict__.update(self.__dict__)
        ctx.__dict__["rule"] = rule
        return ctx

    @classmethod
    def _of(
        cls,
        exchange: Exchange,
        request: dict[str, Any],
        response: dict[str, Any],
        request_time: dt.datetime | None,
    ) -> RuleContext:
        """``RuleContext(exchange, request, response, None, request_time)`` built as
        ``with_rule`` builds (two for every exchange checked)."""
        ctx = object.__new__(cls)
        ctx.__dict__.update(
            exchange=exchange,
            request=request,
            response=response,
            error=None,
            request_time=request_time,
            pages=(),
            rule=None,
        )
        return ctx

    def fail(
        self,
        where: str,
        value: Any,
        expected: str,
        message: str,
        *,
        exchange: Exchange | None = None,
    ) -> Violation:
        """A violation of the current rule at JSON pointer ``where``."""
        assert self.rule is not None, "fail() is only valid inside a rule's check"
        ex = exchange or self.exchange
        return Violation(
            rule=self.rule.id,
            severity=self.rule.severity,
            operation=ex.label,
            cassette=ex.cassette,
            index=ex.index,
            pointer=where,
            value=value_excerpt(value),
            expected=expected,
            doc=self.rule.doc,
            message=message,
        )


_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")


def request_time(exchange: Exchange) -> dt.datetime | None:
    """When the request was sent, from ``X-Amz-Date`` (SigV4) or ``Date``; None if unknown."""
    amz = exchange.request.header("X-Amz-Date")
    if amz:
        sent = _amz_time(amz)
        if sent is not None:
            return sent
    for header in (exchange.request.header("Date"), exchange.response.header("Date")):
        if header:
            try:
                parsed = email.utils.parsedate_to_datetime(header)
            except (TypeError, ValueError):
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return None


@functools.lru_cache(maxsize=256)  # a recording's requests share their seconds
def _amz_time(amz: str) -> dt.datetime | None:
    if not _AMZ_DATE.fullmatch(amz):
        return None
    try:  # (strptime costs 10x these slices)
        return dt.datetime(
            int(amz[0:4]),
            int(amz[4:6]),
            int(amz[6:8]),
            int(amz[9:11]),
            int(amz[11:13]),
            int(amz[13:15]),
            tzinfo=dt.timezone.utc,
        )
    except ValueError:
        return None
