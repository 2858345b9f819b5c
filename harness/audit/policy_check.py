"""Does an IAM policy allow the calls some cassettes recorded? An evaluator of IAM's grammar.

``not_allowed(document, files)`` reads each AWS call of the cassettes, works out what it
needs exactly as ``harness policy`` does (the same actions, on the resources the request
names, before any wildcard is written), and asks the policy about each (action, resource)
pair as IAM's evaluation logic does for one identity-based policy: an explicit ``Deny``
wins, then an ``Allow`` whose ``Action``/``NotAction`` and ``Resource``/``NotResource`` match;
anything else is denied. Actions match case-insensitively, resources case-sensitively, ``*``
any run of characters and ``?`` one. A statement with a ``Condition`` cannot be judged
offline: it allows nothing here (and its ``Deny`` denies), and the answer says so.

What it is for: a policy derived from one day's recordings, checked against the same app's
recordings of another day (``harness policy --against POLICY``), and a gate in CI that the
committed policy still allows what the tests do. Service-linked permissions, SCPs,
permission boundaries and resource policies are outside it, as they are outside the
derived policy.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.audit.coverage import entries_of
from harness.audit.policy import grants_of, placed_account, setup_phase, traffic_account
from harness.errors import HarnessUsageError
from harness.safe_text import one_line


@dataclass(frozen=True, kw_only=True)
class Need:
    """One permission one recorded call needs."""

    cassette: str
    interaction: int
    call: str  # service:Operation
    action: str
    resource: str  # "*": the call names nothing narrower

    def __str__(self) -> str:
        return f"{self.cassette} #{self.interaction} {self.call}: {self.action} on {self.resource}"


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """A need the policy does not allow, and why."""

    need: Need
    why: str

    def __str__(self) -> str:
        return f"{self.need} — {self.why}"


def needs(
    files: Iterable[Path], *, account: str | None = None, include_setup: bool = False
) -> list[Need]:
    """Every (action, resource) the calls in ``files`` need, in the cassettes' order; set-up
    and tear-down calls only with ``include_setup`` (as ``harness policy`` leaves them out)."""
    calls = [(path, e) for path in files for e in entries_of(path) if e.exchange is not None]
    known = traffic_account(entry for _, entry in calls)  # (over all calls, as derive reads)
    found: list[Need] = []
    for path, entry in calls:
        assert entry.exchange is not None
        if not include_setup and setup_phase(path, entry) is not None:
            continue
        label = f"{entry.exchange.service}:{entry.exchange.operation}"
        for action, grant in sorted(grants_of(entry, known).items()):
            if not action:
                continue  # needs no permission
            resources = ["*"] if grant.wildcard or not grant.resources else grant.resources
            for resource in sorted(resources):
                found.append(
                    Need(
                        cassette=str(path),
                        interaction=entry.index,
                        call=label,
                        action=action,
                        resource=placed_account(resource, account),
                    )
                )
    return found


def not_allowed(
    document: dict[str, Any],
    files: Iterable[Path],
    *,
    account: str | None = None,
    include_setup: bool = False,
) -> list[Refusal]:
    """The needs of ``files`` that ``document`` does not allow."""
    statements = statements_of(document)
    refused = []
    for need in needs(files, account=account, include_setup=include_setup):
        why = decision(statements, need.action, need.resource)
        if why is not None:
            refused.append(Refusal(need=need, why=why))
    return refused


def allows(document: dict[str, Any], action: str, resource: str) -> bool:
    """Whether ``document`` allows ``action`` on ``resource``."""
    return decision(statements_of(document), action, resource) is None


def decision(statements: list[dict[str, Any]], action: str, resource: str) -> str | None:
    """None when allowed; else why not (denied, or no statement allows it)."""
    conditional = False
    allowed = False
    for number, statement in enumerate(statements):
        if not _applies(statement, action, resource):
            continue
        name = statement.get("Sid") or f"statement {number + 1}"
        if statement.get("Effect") == "Deny":
            return f"denied by {name}"
        if statement.get("Condition"):
            conditional = True
            continue
        allowed = True
    if allowed:
        return None
    if conditional:
        return "allowed only under a Condition, which cannot be judged offline"
    return "no statement allows it"


def statements_of(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document, checked against IAM's grammar as far as they are
    used here; ``HarnessUsageError`` for a document that is not a policy."""
    if not isinstance(document, dict) or "Statement" not in document:
        raise HarnessUsageError(
            "The policy to check against is not an IAM policy document (a JSON object with "
            '"Version" and "Statement"). Give the file harness policy --out wrote, or one in '
            "IAM's policy grammar."
        )
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise HarnessUsageError("The policy's Statement is not a statement or a list of them.")
    for number, statement in enumerate(statements, 1):
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise HarnessUsageError(
                f"Statement {number} of the policy has no Effect of Allow or Deny: fix the "
                "policy (IAM refuses it too)."
            )
        if ("Action" in statement) == ("NotAction" in statement):
            raise HarnessUsageError(
                f"Statement {number} of the policy needs exactly one of Action and NotAction."
            )
        if ("Resource" in statement) == ("NotResource" in statement):
            raise HarnessUsageError(
                f"Statement {number} of the policy needs exactly one of Resource and "
                "NotResource (an identity-based policy names what it applies to)."
            )
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            value = statement.get(key, "")
            if not (isinstance(value, str) or _strings(value)):
                raise HarnessUsageError(
                    f"Statement {number} of the policy has {key} "
                    f"{one_line(json.dumps(value))[:60]}, not a string or a list of them: fix "
                    "the policy (IAM refuses it too)."
                )
        if not isinstance(statement.get("Condition", {}), dict):
            raise HarnessUsageError(
                f"Statement {number} of the policy has a Condition that is not an object of "
                'operators ({"StringEquals": {...}}): fix the policy (IAM refuses it too).'
            )
    return statements


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def read_policy(path: Path) -> dict[str, Any]:
    """A policy document from a JSON file, or a one-paragraph error."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise HarnessUsageError(
            f"Cannot read the policy {path}: {exc.strerror or exc}. Give the file "
            "harness policy --out wrote."
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise HarnessUsageError(
            f"The policy {path} is not JSON ({exc}). Give the file harness policy --out wrote."
        ) from None
    try:
        statements_of(document)
    except HarnessUsageError as exc:  # (which file: the command line may name several)
        raise HarnessUsageError(f"{path}: {exc}") from None
    return document  # type: ignore[no-any-return]


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    if "Action" in statement:
        acts = any(_matches(p, action, fold=True) for p in _listed(statement["Action"]))
    else:
        acts = not any(_matches(p, action, fold=True) for p in _listed(statement["NotAction"]))
    if not acts:
        return False
    if "Resource" in statement:
        return any(_matches(p, resource) for p in _listed(statement["Resource"]))
    return not any(_matches(p, resource) for p in _listed(statement["NotResource"]))


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _matches(pattern: str, value: str, *, fold: bool = False) -> bool:
    return _pattern(pattern, fold).fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)
def _pattern(pattern: str, fold: bool) -> re.Pattern[str]:
    text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(text, re.DOTALL | (re.IGNORECASE if fold else 0))
