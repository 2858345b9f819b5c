"""Rule settings by id: ``ID=SEVERITY`` items read, checked against the registry and applied
to violations (``rules=`` of the checks, ``--rule``, the ``aws_contract_rules`` setting).

A setting may be scoped to one operation and a JSON pointer prefix, to acknowledge one
known violation without turning the rule off everywhere::

    schema.response.constraint@dynamodb:CreateTable/response/TableDescription=off
    cloudtrail.ListInsightsMetricData.non-zero-data@/response/Values/*=warning

``RULE_ID[@service:Operation][/pointer]=SEVERITY``: the operation as violations name it, the
pointer as they report it (``/request/...`` or ``/response/...``, RFC 6901 escapes), matched
as a prefix token by token, a ``*`` token matching any one token. Where several settings of
a rule match a violation, the most specific wins (an operation over none, then the longer
pointer); among equally specific ones, the last given (marker over command line over ini).

A rule id, service or operation no model or registry knows is bad input, one paragraph
naming the setting. A scoped setting that selects no violation of a run is *stale*
(``stale_rule_settings``): ``harness check`` warns of each, as the operation or pointer may
be misspelt or the finding fixed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from harness.contract import rules as _rules
from harness.errors import HarnessUsageError, did_you_mean
from harness.ops.verdict import (
    SEVERITIES,
    Violation,
)

RULE_SETTINGS = (*SEVERITIES, "off")
#: Rule id, or scoped key (``ID@service:Operation/pointer``) -> severity or "off" (see
#: :func:`parse_rule_settings`).
RuleSettings = dict[str, str]

#: Separates a rule id from the setting's scope (no rule id holds it).
SCOPE_MARK = "@"
_EXAMPLE = "schema.response.constraint@dynamodb:CreateTable/response/TableDescription=off"
_POINTER_ROOTS = ("request", "response")


# --------------------------------------------------------------------------- rule selection


def _known_rule_ids() -> tuple[str, ...]:
    return tuple(rule.id for rule in _rules.RULES)


@dataclass(frozen=True)
class RuleScope:
    """What one setting's key selects: a rule, optionally at one operation and under a JSON
    pointer prefix (escaped tokens as RFC 6901 writes them; ``*`` is any one token)."""

    rule: str
    operation: str | None = None
    pointer: tuple[str, ...] | None = None

    @property
    def scoped(self) -> bool:
        """True when the key names an operation or a pointer, not the rule alone."""
        return self.operation is not None or self.pointer is not None

    @property
    def specificity(self) -> tuple[int, int]:
        """Higher wins: an operation over none, then the longer pointer."""
        return (self.operation is not None, len(self.pointer or ()))

    def matches(self, violation: Violation) -> bool:
        """True when ``violation`` is of this rule, at this operation, under this pointer."""
        if violation.rule != self.rule:
            return False
        if self.operation is not None and violation.operation != self.operation:
            return False
        if self.pointer is None:
            return True
        tokens = _tokens(violation.pointer)
        if len(tokens) < len(self.pointer):
            return False
        return all(want in ("*", got) for want, got in zip(self.pointer, tokens, strict=False))

    def __str__(self) -> str:
        """The key in its canonical form (how ``parse_rule_settings`` stores it)."""
        if not self.scoped:
            return self.rule
        pointer = "".join(f"/{token}" for token in self.pointer or ())
        return f"{self.rule}{SCOPE_MARK}{self.operation or ''}{pointer}"


def _tokens(pointer: str) -> list[str]:
    return pointer.split("/")[1:] if pointer.startswith("/") else []


@functools.lru_cache(maxsize=4096)
def rule_scope(key: str) -> RuleScope:
    """Read a setting's key, ``RULE_ID`` or ``RULE_ID@service:Operation/pointer`` (either part
    of the scope may be left out), by syntax alone; a malformed key raises
    ``HarnessUsageError`` (see :func:`validate_rule_settings` for the registry's checks)."""
    text = str(key).strip()
    rule_id, mark, scope = (part.strip() for part in text.partition(SCOPE_MARK))
    if not mark:
        return RuleScope(rule_id)
    if not scope:
        raise HarnessUsageError(
            f"{text!r} has nothing after {SCOPE_MARK!r}: write RULE_ID@service:Operation, "
            f"RULE_ID@/response/pointer or both, e.g. {_EXAMPLE!r}, or the rule id alone for "
            "every operation."
        )
    operation_text, slash, pointer_text = scope.partition("/")
    operation_text = operation_text.strip()
    operation: str | None = None
    if operation_text:
        service, colon, name = (part.strip() for part in operation_text.partition(":"))
        if not colon or not service or not name or any(c.isspace() for c in operation_text):
            raise HarnessUsageError(
                f"{text!r}: cannot read the operation {operation_text!r}; write it as "
                f"violations name it, service:Operation (e.g. 'dynamodb:CreateTable'), then "
                f"the pointer if any: {_EXAMPLE!r}."
            )
        operation = f"{service}:{name}"
    pointer: tuple[str, ...] | None = None
    if slash:
        pointer = tuple(f"/{pointer_text}".split("/")[1:])
        problem = _pointer_problem(pointer)
        if problem:
            raise HarnessUsageError(
                f"{text!r}: the pointer /{pointer_text} {problem}. Write it as the violation "
                "reports it ('at /response/...'), e.g. "
                f"{_EXAMPLE!r}; a '*' token stands for any one token."
            )
    return RuleScope(rule_id, operation, pointer)


def _pointer_problem(tokens: tuple[str, ...]) -> str:
    """Why ``tokens`` is no pointer a violation can have ('' when it is one)."""
    if tokens[0] not in _POINTER_ROOTS:
        hint = did_you_mean(tokens[0], _POINTER_ROOTS).strip()
        hint = f" ({hint[0].lower()}{hint[1:]})" if hint else ""
        return (
            f"does not start with /request or /response, the two roots violations point into{hint}"
        )
    for token in tokens:
        if not token:
            return "has an empty token (a doubled or trailing '/')"
        rest = token.replace("~0", "").replace("~1", "")
        if "~" in rest:
            return f"has {token!r}: in a JSON pointer '~' is written only as ~0 ('~') or ~1 ('/')"
    return ""


def parse_rule_settings(items: Iterable[str], *, where: str = "rule setting") -> RuleSettings:
    """Read ``ID=SEVERITY`` items (``error``, ``drift``, ``warning`` or ``off``) by rule id,
    ``ID@service:Operation/pointer=SEVERITY`` for a scoped one (see the module's docstring).

    ``-ID`` is short for ``ID=off``. A later item for the same key wins. Unknown ids,
    operations or severities, or a malformed scope, raise ``HarnessUsageError`` naming
    ``where`` and the closest id.
    """
    out: RuleSettings = {}
    for raw in items:
        text = str(raw).strip()
        if not text or text.startswith("#"):
            continue
        # (the last "=": a pointer may hold one, a severity never does)
        key, sep, value = (part.strip() for part in text.rpartition("="))
        if text.startswith("-") and (not sep or value not in RULE_SETTINGS):
            key, value = text[1:].strip(), "off"
        elif not sep:
            raise HarnessUsageError(
                f"{where} {text!r}: write RULE_ID=SEVERITY (one of "
                f"{', '.join(RULE_SETTINGS)}), e.g. 'schema.response.constraint=error', or "
                f"scope it to an operation and a pointer: {_EXAMPLE!r}."
            )
        out.update(normalize_rule_settings({key: value}, where=where))
    return out


def normalize_rule_settings(
    settings: Mapping[str, str], *, where: str = "rule setting"
) -> RuleSettings:
    """``settings`` checked (:func:`validate_rule_settings`), each key in its canonical form."""
    validate_rule_settings(settings, where=where)
    return {str(rule_scope(str(key))): str(value) for key, value in settings.items()}


def validate_rule_settings(settings: Mapping[str, str], *, where: str = "rule setting") -> None:
    """Raise ``HarnessUsageError`` for an unknown rule id, operation or severity, or a
    malformed scope, in ``settings``."""
    for key, value in settings.items():
        try:
            _check_key(str(key))
        except HarnessUsageError as exc:
            raise HarnessUsageError(f"{where}: {exc}") from None
        if value not in RULE_SETTINGS:
            raise HarnessUsageError(
                f"{where}: {key}={value!r} is not a severity; use one of "
                f"{', '.join(RULE_SETTINGS)}."
            )


@functools.lru_cache(maxsize=4096)
def _check_key(key: str) -> RuleScope:
    """``rule_scope(key)``, its rule in the registry and its operation in botocore's model."""
    scope = rule_scope(key)
    known = _known_rule_ids()
    if scope.rule not in known:
        raise HarnessUsageError(
            f"no rule {scope.rule!r}.{did_you_mean(scope.rule, known)} Every rule id "
            "is listed in docs/reference/rules.md."
        )
    if scope.operation is not None:
        from harness.aws.models import operation_model

        service, _, name = scope.operation.partition(":")
        try:
            operation_model(service, name)
        except HarnessUsageError as exc:
            raise HarnessUsageError(f"{key!r}: {exc}") from None
        covered = _rules.get_rule(scope.rule).operations
        if covered and scope.operation not in covered:
            raise HarnessUsageError(
                f"{key!r}: rule {scope.rule!r} checks only {', '.join(covered)}, so a "
                f"setting scoped to {scope.operation} would never apply."
                f"{did_you_mean(scope.operation, covered)} Scope it to an operation the rule "
                "checks, or remove it."
            )
    return scope


def apply_rule_settings(
    violations: Iterable[Violation],
    settings: Mapping[str, str] | None,
    matched: set[str] | None = None,
) -> list[Violation]:
    """Re-grade violations by rule id (``off`` drops them); others are kept as they are.

    A scoped setting (``ID@service:Operation/pointer``) applies only to the violations it
    selects; the most specific setting that selects a violation wins. ``matched``, when
    given, gets the key (canonical form) of every scoped setting that selects one of the
    violations, winning or not (see :func:`stale_rule_settings`).
    """
    if not settings:
        return list(violations)
    plain: dict[str, str] = {}
    scoped: dict[str, list[tuple[tuple[int, int], int, RuleScope, str]]] = {}
    for order, (key, value) in enumerate(settings.items()):
        scope = rule_scope(str(key))
        if scope.scoped:
            scoped.setdefault(scope.rule, []).append((scope.specificity, order, scope, value))
        else:
            plain[scope.rule] = value
    for candidates in scoped.values():
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    out: list[Violation] = []
    for violation in violations:
        if matched is not None:
            matched.update(
                str(scope)
                for _, _, scope, _ in scoped.get(violation.rule, ())
                if scope.matches(violation)
            )
        setting = next(
            (
                value
                for _, _, scope, value in scoped.get(violation.rule, ())
                if scope.matches(violation)
            ),
            plain.get(violation.rule),
        )
        if setting is None:
            out.append(violation)
        elif setting != "off":
            out.append(replace(violation, severity=setting))  # type: ignore[arg-type]
    return out


def stale_rule_settings(settings: Mapping[str, str] | None, matched: Iterable[str]) -> list[str]:
    """The keys of the scoped settings (``ID@service:Operation/pointer``) in ``settings`` that
    selected no violation (``matched``: what :func:`apply_rule_settings` gathered over a
    run), in the order given; a rule's setting for every operation is never stale."""
    seen = {str(rule_scope(str(key))) for key in matched}
    return [
        str(key)
        for key in settings or {}
        if rule_scope(str(key)).scoped and str(rule_scope(str(key))) not in seen
    ]


def stale_message(key: str, value: str, where: str, checked: Iterable[str] = ()) -> str:
    """The warning for a stale setting (``checked``: the operations of the exchanges checked,
    to say when none was of the setting's operation)."""
    scope = rule_scope(key)
    if scope.operation is not None and scope.operation not in set(checked):
        why = f"no interaction of {scope.operation} was checked"
    else:
        at = f" at {scope.operation}" if scope.operation else ""
        pointer = "".join(f"/{token}" for token in scope.pointer or ())
        why = f"no {scope.rule} violation{at}" + (f" under {pointer}" if pointer else "")
    return (
        f"{where} setting '{key}={value}' matched nothing ({why}): the operation or pointer may "
        "be misspelt or the finding fixed; remove it."
    )
