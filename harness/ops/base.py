"""The kinds of per-operation knowledge, and how an operation module declares them.

An operation module (``harness/ops/<service>/<operation>.py``) says what the API reference
states beyond botocore's model, each piece next to the sentence it comes from:

* a :class:`Fact` — a documented value (``Period`` is 60, 300 or 3600);
* an :class:`Overlay` — a rule written as JSON Schema keywords, added to the generated schema;
* a :class:`Rule` — a rule a schema cannot say (compares members, the request, time, pages);
* strategies — valid requests, requests that break one documented constraint
  (:class:`Breaker`), responses true to the rules, the items of a paged result;
* synthetic behaviour — how the deterministic backend answers a valid request.

It declares them through one :class:`Knowledge` object and ends with ``PACK``, an
:class:`OperationPack` the registry (:mod:`harness.ops`) lists. Nothing here imports the
layers that use the knowledge (contract, strategies, synthetic): they read the registry.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    import random

    from hypothesis.strategies import SearchStrategy

    from harness.ops.draw import Clock
    from harness.ops.verdict import RuleContext, Violation

__all__ = [
    "MODEL",
    "SCHEMAS",
    "Break",
    "Breaker",
    "Fact",
    "Knowledge",
    "OperationPack",
    "Overlay",
    "Rule",
    "Scope",
    "ServiceFacts",
    "Severity",
]

Scope = Literal["request", "response", "error", "chain", "schema"]
Severity = Literal["error", "drift", "warning"]
Check = Callable[["RuleContext"], Iterable["Violation"]]
#: Breaks a valid wire-form (request, response) pair in place so that one rule fires; returns
#: False when the pair lacks what it needs (an empty list, say). Tests feed it the synthetic
#: backend's answers, so a rule's violating example lives next to the rule.
Break = Callable[[dict[str, Any], dict[str, Any]], bool]
Quote = tuple[str, str]  # (page in tests/reference_pages, verbatim sentence)
JSON = dict[str, Any]
T = TypeVar("T")

MODEL = "botocore model"
SCHEMAS = "schemas/"


@dataclass(frozen=True)
class Fact:
    """One documented value: its exported name, the value, and the quotes it comes from."""

    name: str
    value: Any
    quotes: tuple[Quote, ...]
    note: str = ""  # where the value goes beyond the quotes, why


@dataclass(kw_only=True, frozen=True)
class Rule:
    """One documented rule: id, what it says, where it comes from, how bad, how to check."""

    id: str
    description: str
    doc: str  # verbatim from ``source``; sentences that are not adjacent joined by " […] "
    source: str  # a page in tests/reference_pages, or "botocore model" / "schemas/"
    severity: Severity
    scope: Scope
    operations: tuple[str, ...]  # ``service:Operation`` labels; empty = every operation
    check: Check
    breaks: Break | None = field(default=None, repr=False)  # a violating example, see Break

    def applies_to(self, label: str) -> bool:
        """True when the rule covers operation ``label`` (``service:Operation``)."""
        return not self.operations or label in self.operations


@dataclass(kw_only=True, frozen=True)
class Overlay:
    """One documented rule, as JSON Schema keywords added to a root ``allOf``."""

    name: str
    service: str
    operation: str
    direction: str  # "input" or "output"
    members: tuple[str, ...]  # root members the rule talks about: they must exist
    schema: Mapping[str, Any] = field(repr=False)
    quotes: tuple[str, ...]  # exact sentences (whitespace aside) from the doc page
    source: str  # doc page file name, under tests/reference_pages

    @property
    def module(self) -> str:
        """The file that declares it: ``harness/ops/<service>/<operation>.py``."""
        return module_path(self.service, self.operation)

    @property
    def doc(self) -> str:
        """The quoted documentation, as written into ``x-doc``."""
        return " … ".join(self.quotes)

    def entry(self) -> JSON:
        """The ``allOf`` entry this overlay contributes."""
        return {
            "x-overlay": self.name,
            "x-doc": self.doc,
            "x-doc-source": self.source,
            **copy.deepcopy(dict(self.schema)),
        }


@dataclass(frozen=True)
class Breaker:
    """One documented constraint and how to break it, starting from a valid request."""

    constraint: str
    caught_by: str  # "client" or the service's error code
    apply: Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]


class Chain(Protocol):
    """One page of a NextToken chain the synthetic backend is answering."""

    @property
    def now(self) -> dt.datetime:
        """The time of the chain's first page: every page sees the same world."""
        ...

    def page(self, items: Sequence[T], default_size: int) -> tuple[Sequence[T], str | None]:
        """This page of ``items`` (``MaxResults`` or ``default_size`` long), the next token."""
        ...


class Backend(Protocol):
    """What synthetic behaviour may ask of the backend answering (``SyntheticBackend``)."""

    seed: int | str

    def world(self, now: dt.datetime | None = None) -> Any:
        """The deterministic world of the seed as of ``now`` (``harness.synthetic.World``)."""
        ...

    def now(self) -> dt.datetime:
        """The backend's clock."""
        ...

    def chain(self, service: str, operation: str, params: dict[str, Any]) -> Chain:
        """The NextToken chain ``params`` continue or start."""
        ...

    def undocumented_order(self, operation: str, items: list[Any]) -> list[Any]:
        """``items``, a list no AWS page orders, in the order the backend answers it."""
        ...

    def refuse_unknown(
        self, service: str, member: str, value: str, known: Callable[[], Sequence[str]]
    ) -> None:
        """Raise the service's error for an id outside ``known``, when the backend says so."""
        ...


Requests = Callable[["Clock"], "SearchStrategy[dict[str, Any]]"]
Breakers = Callable[["Clock"], list[Breaker]]
Responses = Callable[[Mapping[str, Any], "Clock"], "SearchStrategy[dict[str, Any]]"]
PageItems = Callable[[Mapping[str, Any], "Clock", int, int], "SearchStrategy[Any]"]


class TooFewItems(ValueError):
    """Raised by a ``page_items`` asked for more items than its request's rules allow (an
    ``EventId`` Dimension names one event; a window holds so many ``Period`` slots)."""


Answer = Callable[[Backend, dict[str, Any]], dict[str, Any]]
Sample = Callable[["random.Random", Backend], dict[str, Any]]


@dataclass(kw_only=True, frozen=True)
class ServiceFacts:
    """What a service answers with, whatever the operation: declared in its package."""

    service: str
    validation_error: str  # the code of an invalid parameter (HTTP 400)
    throttling_error: str
    server_error: str | None  # the modeled server-side error, if the service models one
    facts: tuple[Fact, ...]


@dataclass(kw_only=True, frozen=True)
class OperationPack:
    """Everything the harness knows about one operation beyond botocore's model."""

    service: str
    operation: str
    page: str  # the API reference page, under tests/reference_pages
    facts: tuple[Fact, ...]
    rules: tuple[Rule, ...]
    overlays: tuple[Overlay, ...]
    requests: Requests  # valid requests, true to the documented rules (Python form)
    breakers: Breakers  # each documented constraint, and who rejects it when broken
    responses: Responses  # responses true to the rules, given a request (Python form)
    answer: Answer  # the synthetic backend's answer to a valid request (wire form)
    sample: Sample  # one plausible request for synthesized cassettes (Python form)
    page_items: PageItems | None = None  # the items of a paged result, for paginator fuzzing
    rate_limit: float | None = None  # documented requests per second per account and Region

    @property
    def label(self) -> str:
        """``service:Operation``, as every message names it."""
        return f"{self.service}:{self.operation}"


def module_path(service: str, operation: str) -> str:
    """Where an operation's knowledge lives: ``harness/ops/xray/get_insight_events.py``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation).lower()
    return f"harness/ops/{service}/{snake}.py"


class Knowledge:
    """Collects what one module declares: facts, overlays and rules, in declaration order.

    ``page`` is the default source of quotes; a rule id is prefixed with
    ``service.Operation.`` and applies to that operation only.
    """

    def __init__(self, service: str, operation: str | None = None, page: str = "") -> None:
        self.service = service
        self.operation = operation
        self.page = page
        self.facts: list[Fact] = []
        self.overlays: list[Overlay] = []
        self.rules: list[Rule] = []

    def fact(self, name: str, value: T, *quotes: str | Quote, note: str = "") -> T:
        """Declare documented value ``name``; a bare string quote is from ``self.page``."""
        found = tuple(q if isinstance(q, tuple) else (self.page, q) for q in quotes)
        self.facts.append(Fact(name, value, found, note))
        return value

    def overlay(
        self,
        *,
        name: str,
        direction: str,
        members: tuple[str, ...],
        schema: Mapping[str, Any],
        quotes: tuple[str, ...],
    ) -> None:
        """Declare a documented rule as schema keywords for the ``direction`` schema."""
        assert self.operation is not None, "overlays belong to an operation"
        self.overlays.append(
            Overlay(
                name=name,
                service=self.service,
                operation=self.operation,
                direction=direction,
                members=members,
                schema=schema,
                quotes=quotes,
                source=self.page,
            )
        )

    def rule(
        self,
        name: str,
        *,
        description: str,
        doc: str,
        source: str | None = None,
        scope: Scope = "response",
        severity: Severity = "error",
        breaks: Break | None = None,
    ) -> Callable[[Check], Check]:
        """Declare the decorated function as rule ``service.Operation.name``.

        ``breaks`` is the rule's violating example (see :data:`Break`); the registry tests
        require one of every rule and apply it to an answer of the synthetic backend.
        """
        assert self.operation is not None, "rules declared here belong to an operation"
        label = f"{self.service}:{self.operation}"
        rule_id = f"{self.service}.{self.operation}.{name}"

        def declare(check: Check) -> Check:
            self.rules.append(
                Rule(
                    id=rule_id,
                    description=description,
                    doc=doc,
                    source=source or self.page,
                    severity=severity,
                    scope=scope,
                    operations=(label,),
                    check=check,
                    breaks=breaks,
                )
            )
            return check

        return declare

    def pack(self, **parts: Any) -> OperationPack:
        """The module's ``PACK``: what was declared here, plus ``parts`` (strategies...)."""
        assert self.operation is not None
        return OperationPack(
            service=self.service,
            operation=self.operation,
            page=self.page,
            facts=tuple(self.facts),
            rules=tuple(self.rules),
            overlays=tuple(self.overlays),
            **parts,
        )
