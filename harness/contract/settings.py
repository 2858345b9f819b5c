"""Rule settings by id: ``ID=SEVERITY`` items read, checked against the registry and applied
to violations (``rules=`` of the checks, ``--rule``, the ``aws_contract_rules`` setting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from harness.contract import rules as _rules
from harness.errors import HarnessUsageError, did_you_mean
from harness.ops.verdict import (
    SEVERITIES,
    Violation,
)

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    pass


RULE_SETTINGS = (*SEVERITIES, "off")
#: Rule id -> severity or "off" (see :func:`parse_rule_settings`).
RuleSettings = dict[str, str]


# --------------------------------------------------------------------------- rule selection


def _known_rule_ids() -> tuple[str, ...]:
    return tuple(rule.id for rule in _rules.RULES)


def parse_rule_settings(items: Iterable[str], *, where: str = "rule setting") -> RuleSettings:
    """Read ``ID=SEVERITY`` items (``error``, ``drift``, ``warning`` or ``off``) by rule id.

    ``-ID`` is short for ``ID=off``. A later item for the same id wins. Unknown ids or
    severities raise ``HarnessUsageError`` naming ``where`` and the closest id.
    """
    out: RuleSettings = {}
    for raw in items:
        text = str(raw).strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("-") and "=" not in text:
            rule_id, value = text[1:].strip(), "off"
        else:
            rule_id, sep, value = (part.strip() for part in text.partition("="))
            if not sep:
                raise HarnessUsageError(
                    f"{where} {text!r}: write RULE_ID=SEVERITY (one of "
                    f"{', '.join(RULE_SETTINGS)}), e.g. 'schema.response.constraint=error'."
                )
        settings = {rule_id: value}
        validate_rule_settings(settings, where=where)
        out.update(settings)
    return out


def validate_rule_settings(settings: Mapping[str, str], *, where: str = "rule setting") -> None:
    """Raise ``HarnessUsageError`` for an unknown rule id or severity in ``settings``."""
    known = _known_rule_ids()
    for rule_id, value in settings.items():
        if rule_id not in known:
            raise HarnessUsageError(
                f"{where}: no rule {rule_id!r}.{did_you_mean(rule_id, known)} Every rule id "
                "is listed in docs/reference/rules.md."
            )
        if value not in RULE_SETTINGS:
            raise HarnessUsageError(
                f"{where}: {rule_id}={value!r} is not a severity; use one of "
                f"{', '.join(RULE_SETTINGS)}."
            )


def apply_rule_settings(
    violations: Iterable[Violation], settings: Mapping[str, str] | None
) -> list[Violation]:
    """Re-grade violations by rule id (``off`` drops them); others are kept as they are."""
    if not settings:
        return list(violations)
    out: list[Violation] = []
    for violation in violations:
        setting = settings.get(violation.rule)
        if setting is None:
            out.append(violation)
        elif setting != "off":
            out.append(replace(violation, severity=setting))  # type: ignore[arg-type]
    return out
