"""Contract checks: every exchange against its JSON Schemas and the documented rules.

The public API for users who build their own flows:

* :func:`check_exchange` — one exchange: the request parameters against the input schema,
  the response against the output schema (or the error body against the error schema), and
  the rules of :mod:`harness.contract.rules` that apply to one call.
* :func:`check_exchanges` — many exchanges of one test or cassette: the above for each, plus
  the rules that span calls (``NextToken`` chains).
* :func:`check_cassette` — one cassette file, as a :class:`CassetteReport` (in
  :mod:`harness.contract.report`; schema validation is :mod:`harness.contract.validation`,
  rule settings :mod:`harness.contract.settings`).
* :func:`check_request` — request parameters alone, before any response (what a backend
  that answers as the service would rejects).
* :func:`check_all` — like :func:`check_exchanges`, and also says which exchanges could
  not be judged (:class:`Skipped`: an operation the installed botocore does not know, a
  request to no AWS operation), so callers can count them instead of failing on them.

Severity follows what AWS actually keeps. The schema's types, enums and structure, and the
documented rules, are ``error``. The model's constraint traits (min/max, length, pattern,
required) on *output* are ``warning`` by default: Smithy says clients must not enforce them
on output (smithy issue #1039), and AWS does break them (DynamoDB's
``NumberOfDecreasesToday: 0`` under ``min: 1``). Every rule can be re-graded or turned off
by id (``rules=``, see :func:`parse_rule_settings`).

What counts as a violation follows the documented behaviour of AWS APIs: a request that
breaks its input schema or a documented rule and is answered with a modeled 4xx error is
what the docs promise, so it is not reported; the same request answered with 2xx is (the
service accepted what the docs say it rejects). Something the schema does not know in a
*response* (an unknown member, a new enum value, an unmodeled error code) is ``drift``:
typically AWS moved ahead of the installed botocore.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from harness.aws.models import (
    SUPPORTED_PROTOCOLS,
    operation_model,
    require_checkable,
    service_model,
)
from harness.aws.protocols import protocol_of
from harness.aws.protocols.event_streams import parsed_event
from harness.aws.protocols.wire_form import (
    ErrorInfo,
    WireError,
    decode_error,
    decode_response,
)
from harness.contract import rules as _rules
from harness.contract.results import ContractResult, ContractViolationError, Skipped, is_failure
from harness.contract.schemas.store import SchemaSource, schema_source
from harness.contract.settings import (
    RuleSettings,
    apply_rule_settings,
    parse_rule_settings,
    validate_rule_settings,
)
from harness.contract.validation import (
    MAX_PER_RULE,
    OperationFacts,
    compiled_schema,
    may_hold_nulls,
    operation_facts,
    schema_violations,
    validate_wire,
    without_nulls,
)
from harness.contract.verdicts import VerdictCache
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.ops.verdict import (
    SEVERITIES,
    Page,
    RuleContext,
    Severity,
    Violation,
    pointer,
    request_time,
    value_excerpt,
)

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    pass

__all__ = [
    "SEVERITIES",
    "ContractResult",
    "ContractViolationError",
    "Page",
    "RuleContext",
    "RuleSettings",
    "SchemaDirs",
    "Severity",
    "Skipped",
    "Violation",
    "apply_rule_settings",
    "check_all",
    "check_exchange",
    "check_exchanges",
    "check_request",
    "is_failure",
    "parse_rule_settings",
    "validate_wire",
]

#: What a rule can be set to by id: a severity, or ``off``.

#: Where schemas come from: None (packaged, then generated), a directory, several
#: directories layered on top of those, or a :class:`~harness.contract.schemas.store.SchemaSource`.
SchemaDirs = SchemaSource | str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None


# --------------------------------------------------------------------------- rule context


def _run_rule(rule: _rules.Rule, ctx: RuleContext) -> list[Violation]:
    found = list(islice(rule.check(ctx.with_rule(rule)), MAX_PER_RULE + 1))
    if len(found) > MAX_PER_RULE:
        rest = sum(1 for _ in rule.check(ctx.with_rule(rule))) - MAX_PER_RULE
        found = found[:MAX_PER_RULE]
        last = found[-1]
        found.append(replace(last, message=f"... and {rest} more violation(s) of this rule"))
    return found


# --------------------------------------------------------------------------- one exchange


class _Checked(NamedTuple):  # (a tuple: built for every exchange, at a fifth of the cost)
    page: Page | None  # None when the exchange was not judged
    violations: list[Violation]
    request_problems: list[Violation]  # reported only when the service accepted the request
    skipped: tuple[Skipped, ...] = ()


def _source(schema_dir: SchemaDirs) -> SchemaSource:
    return schema_source(schema_dir)


def _skip(exchange: Exchange, reason: str) -> Skipped:
    return Skipped(exchange.label, exchange.cassette, exchange.index, reason)


def _body_not_held(response: HttpResponse, facts: OperationFacts) -> bool:
    """True when a 2xx response had a body that the cassette does not hold.

    An empty body with a non-zero ``Content-Length``, or with an output shape whose body
    has required members, was not what the service sent: read as ``{}`` it would be
    reported as every required member missing.
    """
    if response.body or not facts.has_body:
        return False
    length = response.header("Content-Length")
    if length is not None:
        return length.strip() not in ("", "0")
    return facts.body_required


def _violation(exchange: Exchange, rule: str, severity: Severity, **fields: str) -> Violation:
    return Violation(
        rule=rule,
        severity=severity,
        operation=exchange.label,
        cassette=exchange.cassette,
        index=exchange.index,
        pointer=fields.get("pointer", "/response"),
        value=fields.get("value", ""),
        expected=fields.get("expected", ""),
        doc="",
        message=fields.get("message", ""),
    )


#: ``_check_one``'s ``output`` when the response was not read ahead (``_read_output``).
_UNREAD: Any = object()


def _read_output(exchange: Exchange) -> dict[str, Any] | WireError | None:
    """The wire form of a 2xx response's body that the check reads (a ``WireError`` when it
    does not read), or None for any other exchange: an error, an event stream, an operation
    that is not judged, a body the cassette does not hold."""
    facts = operation_facts(exchange.service, exchange.operation)
    response = exchange.response
    if (
        facts.unjudgeable is not None
        or not 0 < response.status < 300
        or facts.event_stream is not None
        or _body_not_held(response, facts)
    ):
        return None
    try:
        output = decode_response(exchange.service, exchange.operation, response)
    except WireError as exc:
        return exc
    return without_nulls(output) if may_hold_nulls(response.body, facts) else output


def _check_one(exchange: Exchange, source: SchemaSource, output: Any = _UNREAD) -> _Checked:
    """One exchange's verdict; ``output``: its ``_read_output``, when read ahead."""
    service, operation = exchange.service, exchange.operation
    facts = operation_facts(service, operation)
    if facts.unjudgeable is not None:
        return _Checked(None, [], [], (_skip(exchange, facts.unjudgeable),))
    failure = exchange.response.transport_failure
    if failure is not None:
        return _Checked(None, [], [], (_skip(exchange, f"no response: botocore raised {failure}"),))
    params = dict(exchange.params)
    ctx = RuleContext._of(exchange, params, {}, request_time(exchange))
    request_problems = _request_violations(ctx, source)
    response = exchange.response
    if response.status >= 300:
        info = decode_error(service, response)
        info = replace(info, body=without_nulls(info.body))
        ctx = replace(ctx, error=info)
        violations = _check_error(exchange, info, source, ctx)
        return _Checked(Page(exchange, params, {}, False), violations, request_problems)
    violations = [
        replace(v, message=f"the service accepted a request the contract rejects: {v.message}")
        for v in request_problems
    ]
    if facts.event_stream is not None:
        violations.extend(_check_event_stream(exchange, facts.event_stream, source))
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    if output is _UNREAD:
        output = _read_output(exchange)
    if output is None:  # (not held: _read_output returns None for nothing else here)
        violations.append(
            _violation(
                exchange,
                _BODY_NOT_HELD,
                "warning",
                value=f"Content-Length: {response.header('Content-Length') or '(none)'}",
                expected="the response body as the service sent it",
                message="the cassette does not hold this response's body, so it was not checked",
            )
        )
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    if isinstance(output, WireError):
        violations.append(
            Violation(
                rule="schema.response",
                severity="error",
                operation=exchange.label,
                cassette=exchange.cassette,
                index=exchange.index,
                pointer="/response",
                value=value_excerpt(response.body[:80].decode("utf-8", "replace")),
                expected="a JSON object",
                doc="",
                message=str(output),
            )
        )
        return _Checked(Page(exchange, params, {}, True), violations, request_problems)
    violations.extend(
        schema_violations(
            compiled_schema(source, service, operation, "output"), output, "response", exchange
        )
    )
    ctx = RuleContext._of(exchange, params, output, ctx.request_time)
    for rule in _rules.rules_for(service, operation, "response"):
        violations.extend(_run_rule(rule, ctx))
    return _Checked(Page(exchange, params, output, True), violations, request_problems)


_BODY_NOT_HELD = "response.body-not-recorded"

#: Verdicts of the exchanges this process has judged (see harness.contract.verdicts).
VERDICTS: VerdictCache[_Checked] = VerdictCache()


def _check_remembered(exchange: Exchange, source: SchemaSource) -> _Checked:
    """``_check_one``, reusing the verdict of an exchange with the same bytes (a replay)."""
    checked, remembered = VERDICTS.get_or_compute(
        source.key, exchange, lambda: _check_one(exchange, source)
    )
    if not remembered:
        return checked
    # the same bytes at another place: the verdict names this exchange and its location
    at, index = exchange.cassette, exchange.index
    return _Checked(
        replace(checked.page, exchange=exchange) if checked.page is not None else None,
        [replace(v, cassette=at, index=index) for v in checked.violations],
        [replace(v, cassette=at, index=index) for v in checked.request_problems],
        tuple(replace(s, cassette=at, index=index) for s in checked.skipped),
    )


def _event_value(shape: Any, message: Any) -> dict[str, Any]:
    """One event message in wire form: header members, then the payload member or body."""
    import base64

    value: dict[str, Any] = {}
    payload_member = None
    for name, member in shape.members.items():
        if member.serialization.get("eventheader"):
            header = message.header(name)
            if header is not None:
                value[name] = header
        elif member.serialization.get("eventpayload"):
            payload_member = (name, member)
    if payload_member is not None:
        name, member = payload_member
        if member.type_name == "blob":
            value[name] = base64.b64encode(message.payload).decode("ascii")
        elif member.type_name == "string":
            value[name] = message.payload.decode("utf-8", "replace")
        elif message.payload:
            value[name] = json.loads(message.payload)
    elif message.payload.strip():
        body = json.loads(message.payload)
        if isinstance(body, dict):
            value.update(body)
    return {k: without_nulls(v, False) for k, v in value.items() if v is not None}


def _check_event_stream(exchange: Exchange, stream: str, source: SchemaSource) -> list[Violation]:
    """The non-stream members once, then each event of the stream against its schema."""
    from harness.aws import eventstream

    service, operation = exchange.service, exchange.operation
    compiled = compiled_schema(source, service, operation, "output")
    head_response = replace(exchange.response, body=b"")
    head: dict[str, Any] = without_nulls(decode_response(service, operation, head_response))
    head.pop(stream, None)
    found = schema_violations(compiled, head, "response", exchange)
    if not exchange.response.body:
        return found
    try:
        messages = eventstream.decode_stream(exchange.response.body)
    except (eventstream.EventStreamError, ValueError) as exc:
        return [
            *found,
            _violation(
                exchange,
                "schema.response",
                "error",
                value=value_excerpt(exchange.response.body[:40].decode("utf-8", "replace")),
                expected="an AWS event stream",
                message=f"the body is not an event stream: {exc}",
            ),
        ]
    shape = operation_model(service, operation).output_shape.members[stream]
    prefix = pointer("response", stream)
    for number, message in enumerate(messages):
        kind = message.header(":message-type")
        event_type = message.header(":event-type")
        if kind != "event" or event_type not in shape.members:
            continue  # exceptions and errors in a stream are the client's to raise
        try:
            event = (
                parsed_event(protocol_of(service_model(service)), shape, message, event_type)
                if protocol_of(service_model(service)) not in SUPPORTED_PROTOCOLS
                else _event_value(shape.members[event_type], message)
            )
        except ValueError as exc:
            found.append(
                _violation(
                    exchange,
                    "schema.response",
                    "error",
                    pointer=pointer("response", stream, event_type),
                    value=value_excerpt(message.payload[:40].decode("utf-8", "replace")),
                    expected="a JSON event payload",
                    message=f"event #{number} ({event_type}) cannot be read: {exc}",
                )
            )
            continue
        instance = {**head, stream: {event_type: event}}
        for violation in schema_violations(compiled, instance, "response", exchange):
            if violation.pointer.startswith(prefix):
                found.append(replace(violation, message=f"event #{number}: {violation.message}"))
    return found


def _request_violations(ctx: RuleContext, source: SchemaSource) -> list[Violation]:
    """The request parameters against the input schema and the request-scope rules."""
    service, operation = ctx.exchange.service, ctx.exchange.operation
    found = schema_violations(
        compiled_schema(source, service, operation, "input"), ctx.request, "request", ctx.exchange
    )
    for rule in _rules.rules_for(service, operation, "request"):
        found.extend(_run_rule(rule, ctx))
    return found


def check_request(
    service: str,
    operation: str,
    params: dict[str, Any],
    *,
    schema_dir: SchemaDirs = None,
    now: dt.datetime | None = None,
) -> list[Violation]:
    """Check request parameters alone (wire form, no response); returns violations.

    The same checks :func:`check_exchange` makes of a request: the input schema (with its
    documented overlays) and the request-scope rules of :mod:`harness.contract.rules`; rules about
    the
    time of the request (how old a window may be) run when ``now`` is given. A backend
    answering as the service would rejects a request for which this is not empty. Raises
    ``HarnessUsageError`` for an unsupported service or operation, or a schema directory
    that does not exist or holds no schemas.
    """
    require_checkable(service)
    operation_model(service, operation)
    # Not sent anywhere: the placeholder HTTP parts are never read by schema or request rules.
    exchange = Exchange(
        service, operation, _NO_REQUEST, _NO_RESPONSE, "synthetic", params=dict(params)
    )
    ctx = RuleContext(exchange=exchange, request=exchange.params, request_time=now)
    return _request_violations(ctx, _source(schema_dir))


_NO_REQUEST = HttpRequest(method="POST", url="", headers={})
_NO_RESPONSE = HttpResponse(0, {})


def _check_error(
    exchange: Exchange, info: ErrorInfo, source: SchemaSource, ctx: RuleContext
) -> list[Violation]:
    violations: list[Violation] = []
    for rule in _rules.rules_for(exchange.service, exchange.operation, "error"):
        violations.extend(_run_rule(rule, ctx))
    shape = _rules.modeled_errors(exchange.service, exchange.operation).get(info.code)
    if shape is not None:
        compiled = compiled_schema(source, exchange.service, shape.name, "error")
        violations.extend(schema_violations(compiled, info.body, "error", exchange))
    return violations


def _downgrade(violations: list[Violation], allow_drift: bool) -> list[Violation]:
    if not allow_drift:
        return violations
    return [replace(v, severity="warning") if v.severity == "drift" else v for v in violations]


def check_exchange(
    exchange: Exchange,
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Check one exchange against its schemas and the one-call rules; returns violations.

    ``schema_dir``: None (the packaged schemas, then schemas generated from the installed
    botocore), or user directories layered on top of those. With ``allow_drift`` drift is
    reported as ``warning``; ``rules`` re-grades rules by id (see
    :func:`parse_rule_settings`). An exchange the checker cannot judge gives no violation
    (:func:`check_all` says why).
    """
    return check_all(
        [exchange], schema_dir=schema_dir, allow_drift=allow_drift, rules=rules, chains=False
    ).violations


def check_exchanges(
    exchanges: Iterable[Exchange],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Check exchanges in the order they happened: each one, then ``NextToken`` chains."""
    return check_all(
        exchanges, schema_dir=schema_dir, allow_drift=allow_drift, rules=rules
    ).violations


def check_all(
    exchanges: Iterable[Exchange],
    *,
    schema_dir: SchemaDirs = None,
    allow_drift: bool = False,
    rules: Mapping[str, str] | None = None,
    chains: bool = True,
    matched: set[str] | None = None,
) -> ContractResult:
    """Check exchanges like :func:`check_exchanges`; also list those it could not judge.
    ``matched`` gets the scoped settings of ``rules`` that selected a violation."""
    checker = Checker(schema_dir, rules, chains)
    for exchange in exchanges:
        checker.add(exchange)
    return checker.result(allow_drift, matched)


class Checker:
    """Checks exchanges one at a time, keeping only findings and the pages of NextToken
    chains still open, so a stream of any length is checked in flat memory: a chain's rules
    run as soon as its last page (one returning no NextToken) arrives."""

    def __init__(
        self,
        schema_dir: SchemaDirs,
        rules: Mapping[str, str] | None,
        chains: bool,
        remember: bool = True,
    ) -> None:
        if rules:
            validate_rule_settings(rules, where="rules=")
        self.rules, self.chains = rules, chains
        # a test replays the same exchanges again and again; a cassette's are all different
        self._check = _check_remembered if remember else _check_one
        self.source = _source(schema_dir)
        self.violations: list[Violation] = []
        self.skipped: list[Skipped] = []
        # chain rules' findings by chain (numbered as chains start, reported in that order)
        self._chain_findings: dict[int, list[Violation]] = {}
        self._open: dict[str, dict[str, tuple[int, list[Page]]]] = {}  # label -> token -> chain

    def add_run(self, exchanges: list[Exchange]) -> None:
        """``add`` each, for a checker that does not remember verdicts (``harness check``):
        their bodies are all read first (faster: see ``entries.runs``)."""
        assert self._check is _check_one, "a remembering checker adds one at a time"
        from harness.cassettes.entries import until_error  # (yaml and the cassette readers:
        # 0.07 s a run that checks only synthetic or planned traffic need not pay)

        outputs, failure = until_error(_read_output, exchanges)
        for exchange, output in zip(exchanges, outputs, strict=False):
            self._add(exchange, _check_one(exchange, self.source, output))
        if failure is not None:
            raise failure

    def add(self, exchange: Exchange) -> None:
        self._add(exchange, self._check(exchange, self.source))

    def _add(self, exchange: Exchange, checked: _Checked) -> None:
        self.violations.extend(checked.violations)
        self.skipped.extend(checked.skipped)
        page = checked.page
        # a throttled or failed page: the client retries with the same token; a page that
        # neither sends nor returns a NextToken is a chain of one, which chain rules skip
        if (
            self.chains
            and page is not None
            and page.ok
            and (page.request.get("NextToken") or page.response.get("NextToken"))
            and _rules.rules_for(exchange.service, exchange.operation, "chain")
        ):
            self._add_page(page)

    def _add_page(self, page: Page) -> None:
        pending = self._open.setdefault(page.exchange.label, {})
        sent = page.request.get("NextToken")
        found = pending.pop(sent, None) if isinstance(sent, str) else None
        number, chain = found if found is not None else (len(self._chain_findings), [])
        self._chain_findings.setdefault(number, [])
        chain.append(page)
        returned = page.response.get("NextToken")
        if isinstance(returned, str) and returned:
            pending[returned] = (number, chain)
        else:
            self._chain_findings[number] = _chain_rules(chain)

    def result(self, allow_drift: bool, matched: set[str] | None = None) -> ContractResult:
        """The findings so far, graded; ``matched`` gets the scoped rule settings that
        selected one (``apply_rule_settings``)."""
        for pending in self._open.values():  # chains whose last page never came
            for number, chain in pending.values():
                self._chain_findings[number] = _chain_rules(chain)
        self._open = {}
        violations = list(self.violations)
        for number in sorted(self._chain_findings):
            violations.extend(self._chain_findings[number])
        graded = apply_rule_settings(violations, self.rules, matched)
        return ContractResult(_downgrade(graded, allow_drift), list(self.skipped))


def _chain_rules(chain: list[Page]) -> list[Violation]:
    """The chain rules' findings on one NextToken chain (none for a lone last page)."""
    if len(chain) < 2 and not chain[0].response.get("NextToken"):
        return []
    first = chain[0]
    ctx = RuleContext(exchange=first.exchange, request=first.request, pages=tuple(chain))
    violations: list[Violation] = []
    for rule in _rules.rules_for(first.exchange.service, first.exchange.operation, "chain"):
        violations.extend(_run_rule(rule, ctx))
    return violations
