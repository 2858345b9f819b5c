"""The rule registry: the documented rules beyond the schema, each with its doc sentence.

A JSON Schema checks one document at a time. The API reference pages (kept in
``tests/reference_pages``) also state rules that compare members with each other, with the
request, with the time of the request, or across calls: "the number of values is equal to
the number of timestamps", "the most recent event is listed first", "this token must be
passed in with the same parameters". Each such rule is a :class:`~harness.ops.base.Rule`: a
stable id, a one-line description, the sentence it comes from (quoted verbatim; ``" […] "``
joins sentences that are not adjacent on the page), a severity, and a check function
``(ctx) -> Iterable[Violation]`` that reports through ``ctx.fail(pointer, value, expected,
message)``.

The rules of one operation live in its module under ``harness/ops/``; this module declares
the rules every operation shares (schema references, error codes, pagination chains) and
lists them all in ``RULES``.

Rules have a scope, which says when :mod:`harness.contract.checker` runs them:

* ``request`` — on the request parameters; reported only when the service answered 2xx
  (a modeled 4xx answer to an invalid request is the documented behaviour);
* ``response`` — on a successful response, with the request for comparison;
* ``error`` — on an error response;
* ``chain`` — on one ``NextToken`` chain of pages (``ctx.pages``);
* ``schema`` — listed for reference; :mod:`harness.contract.checker` runs the schema validation.

Rules read wire-form values and skip values of the wrong type: the schema reports those.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from harness import ops
from harness.aws.models import operation_model
from harness.aws.protocols.wire_form import error_status
from harness.ops.base import MODEL, SCHEMAS, Check, Fact, Rule, Scope, Severity
from harness.ops.common import AWS_COMMON_ERRORS, COMMON_THROTTLING_ERROR, SERVICE_COMMON_ERRORS

if TYPE_CHECKING:
    from harness.ops.verdict import RuleContext, Violation

__all__ = [
    "FACTS",
    "RULES",
    "Fact",
    "Rule",
    "Scope",
    "expected_error_status",
    "get_rule",
    "modeled_errors",
    "rules_for",
]

#: Every documented fact: common, per service, per operation (see ``harness.ops``).
FACTS: tuple[Fact, ...] = ops.FACTS

# The pagination rules quote ListInsightsData's page, the one that words them best.
LID = "cloudtrail-list_insights_data.txt"

_DECLARED: list[Rule] = []


def _rule(
    id: str,
    *,
    description: str,
    doc: str,
    source: str,
    scope: Scope = "response",
    severity: Severity = "error",
    operations: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    def declare(check: Check) -> Check:
        _DECLARED.append(
            Rule(
                id=id,
                description=description,
                doc=doc,
                source=source,
                severity=severity,
                scope=scope,
                operations=operations,
                check=check,
            )
        )
        return check

    return declare


def _nothing(ctx: RuleContext) -> Iterator[Violation]:
    return iter(())


# --------------------------------------------------------------------------- schema (reference)

_rule(
    "schema.request",
    description="Request parameters match the input schema (checked only when answered 2xx).",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
_rule(
    "schema.response",
    description="The decoded response matches the output schema (types, ranges, required).",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
_rule(
    "schema.response.unknown-member",
    description="A response member the schema does not know (AWS may be ahead of botocore).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="drift",
)(_nothing)
_rule(
    "schema.response.unknown-enum",
    description="A response enum value the schema does not know (AWS may be ahead of botocore).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="drift",
)(_nothing)
_rule(
    "schema.error",
    description="An error body matches the schema of its modeled error shape.",
    doc="",
    source=SCHEMAS,
    scope="schema",
)(_nothing)
# Smithy: clients must not enforce constraint traits on output (smithy issue #1039), and AWS
# does break them (DynamoDB NumberOfDecreasesToday 0 under min 1, Kinesis empty
# ShardLevelMetrics under min 1). Reported, not failed, unless a user re-grades them.
_rule(
    "schema.response.constraint",
    description="A response (or error body) value keeps the model's range, length and pattern.",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)
_rule(
    "schema.response.required",
    description="A response (or error body) holds the members the model marks required.",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)
_rule(
    "response.body-not-recorded",
    description="A 2xx response's body is in the cassette (otherwise it cannot be checked).",
    doc="",
    source=SCHEMAS,
    scope="schema",
    severity="warning",
)(_nothing)


# --------------------------------------------------------------------------- errors


@functools.cache
def modeled_errors(service: str, operation: str) -> dict[str, Any]:
    """The error shapes ``service:operation`` models, by shape name and by error code."""
    out: dict[str, Any] = {}
    for shape in operation_model(service, operation).error_shapes:
        out[shape.name] = shape
        code = shape.metadata.get("error", {}).get("code")
        if code:
            out[code] = shape
    return out


def expected_error_status(service: str, operation: str, code: str) -> int | None:
    """The HTTP status the model gives error ``code`` of the operation; None when unmodeled."""
    shape = modeled_errors(service, operation).get(code)
    if shape is None:
        return None
    return error_status(service, shape.name, 500 if shape.metadata.get("fault") else 400)


@_rule(
    "errors.modeled-code",
    description="The error code is one the operation models or an AWS common error.",
    doc="",
    source=MODEL,
    scope="error",
    severity="drift",
)
def _error_modeled(ctx: RuleContext) -> Iterator[Violation]:
    assert ctx.error is not None
    code = ctx.error.code
    ex = ctx.exchange
    modeled = modeled_errors(ex.service, ex.operation)
    if code in modeled or code in AWS_COMMON_ERRORS:
        return
    if code in SERVICE_COMMON_ERRORS.get(ex.service, ()):
        return  # a code every operation of the service may answer (S3's NoSuchKey)
    if not modeled:
        return  # the model lists no error for it (every EC2 operation): it makes no claim
    if code == str(ctx.error.status) and not ex.response.body.strip():
        return  # a body-less error (S3 answers HEAD so): botocore reads its status as code
    if code == str(ctx.error.status) and ctx.error.status >= 500:
        # A server fault whose body holds no AWS error (a proxy's or load balancer's HTML
        # page, a stand-in's crash): botocore reads the status as the code. It is the
        # transport failing, not the service answering outside its contract.
        return
    # An operation with a documented rate limit may be throttled although the model lists no
    # throttling error (ListInsightsData: "a throttling error occurs").
    documented_throttling = (ops.THROTTLING_ERROR.get(ex.service), COMMON_THROTTLING_ERROR)
    if (ex.service, ex.operation) in ops.RATE_LIMITS and code in documented_throttling:
        return
    names = sorted({s.name for s in modeled.values()})
    yield ctx.fail(
        "/response",
        code,
        f"one of the modeled errors ({', '.join(names) or 'none'})",
        f"error code {code!r} (HTTP {ctx.error.status}) is not modeled for this operation",
    )


@_rule(
    "errors.status-matches",
    description="The HTTP status is the one the model gives the error shape.",
    doc="",
    source=MODEL,
    scope="error",
)
def _error_status(ctx: RuleContext) -> Iterator[Violation]:
    assert ctx.error is not None
    ex = ctx.exchange
    wanted = expected_error_status(ex.service, ex.operation, ctx.error.code)
    if wanted is not None and wanted != ctx.error.status:
        yield ctx.fail(
            "/response",
            ctx.error.status,
            f"HTTP {wanted} for {ctx.error.code}",
            f"{ctx.error.code} came with HTTP {ctx.error.status}",
        )


# --------------------------------------------------------------------------- pagination

_TOKEN_DOC = (
    "The token to use to get the next page of results after a previous API call. If the token "
    "does not appear, there are no more results to return."
)


@_rule(
    "pagination.token-not-repeated",
    description="Within one chain of pages, a NextToken is never returned twice.",
    doc=_TOKEN_DOC,
    source=LID,
    scope="chain",
)
def _token_not_repeated(ctx: RuleContext) -> Iterator[Violation]:
    seen: set[str] = set()
    for page in ctx.pages:
        sent = page.request.get("NextToken")
        if isinstance(sent, str):
            seen.add(sent)
        returned = page.response.get("NextToken")
        if isinstance(returned, str):
            if returned in seen:
                yield ctx.fail(
                    "/response/NextToken",
                    returned,
                    "a token not seen before in this chain",
                    "NextToken repeats an earlier token: a client following it loops forever",
                    exchange=page.exchange,
                )
            seen.add(returned)


def _items(page: Any) -> int | None:
    """How many items a page returned: the first list member of the output."""
    for value in page.response.values():
        if isinstance(value, list):
            return len(value)
    return None


@_rule(
    "pagination.chain-ends",
    description=(
        "A chain makes progress: no two pages in a row return no items and a NextToken "
        "(the harness's own check, not documented: AWS may answer empty pages that carry a "
        "NextToken, so it warns)."
    ),
    doc=_TOKEN_DOC,
    source=LID,
    scope="chain",
    # (page_plans and the synthetic backend serve such pages, as code must expect them)
    severity="warning",
)
def _chain_ends(ctx: RuleContext) -> Iterator[Violation]:
    empty_with_token = 0
    for page in ctx.pages:
        if page.response.get("NextToken") and not _items(page):
            empty_with_token += 1
            if empty_with_token >= 2:
                yield ctx.fail(
                    "/response/NextToken",
                    page.response.get("NextToken"),
                    "items, or no NextToken (the end of the results)",
                    f"{empty_with_token} empty pages in a row still return a NextToken: the "
                    "chain does not progress toward its end",
                    exchange=page.exchange,
                )
        else:
            empty_with_token = 0


@_rule(
    "pagination.same-parameters",
    description=(
        "A request with NextToken repeats the parameters of the call that returned it "
        "(the page size, MaxResults, may change)."
    ),
    doc=(
        "The token to use to get the next page of results after a previous API call. This "
        "token must be passed in with the same parameters that were specified in the original "
        "call."
    ),
    source=LID,
    scope="chain",
    # (the operations whose page says so; its example is the query, not the page size, which
    # paginators set per page and the synthetic backend and page_plans let change)
    operations=("cloudtrail:ListInsightsData",),
)
def _same_parameters(ctx: RuleContext) -> Iterator[Violation]:
    free = ("NextToken", "MaxResults")
    for previous, page in zip(ctx.pages, ctx.pages[1:], strict=False):
        before = {k: v for k, v in previous.request.items() if k not in free}
        after = {k: v for k, v in page.request.items() if k not in free}
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                yield ctx.fail(
                    f"/request/{name}",
                    after.get(name),
                    f"{before.get(name)!r}, as in the call that returned the token",
                    f"{name} changed between pages of one NextToken chain",
                    exchange=page.exchange,
                )


# --------------------------------------------------------------------------- registry

#: Every rule, in declaration order.
RULES: tuple[Rule, ...] = (*_DECLARED, *ops.RULES)
_BY_ID = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id``; a mistyped id raises ``KeyError`` with a close match."""
    try:
        return _BY_ID[rule_id]
    except KeyError:
        from harness.errors import did_you_mean

        raise KeyError(f"No rule {rule_id!r}.{did_you_mean(rule_id, _BY_ID)}") from None


@functools.cache
def rules_for(service: str, operation: str, scope: Scope) -> tuple[Rule, ...]:
    """The rules of ``scope`` that apply to ``service:operation``."""
    label = f"{service}:{operation}"
    return tuple(r for r in RULES if r.scope == scope and r.applies_to(label))
