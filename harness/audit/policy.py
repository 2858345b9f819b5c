"""A least-privilege IAM policy derived offline from recorded calls, and why each part is there.

Each AWS call of the cassettes needs its IAM actions (``harness.aws.iam``: from AWS's
authorization data, ``harness.aws.iam_data``, hand rules only where it lacks the fact) on the
resources the request names: each resource type the data lists for the action, its ARN format
filled from the request (an ARN it sends, an SQS ``QueueUrl``, the members naming the format's
variables: ``TableName`` and ``IndexName``, ``Bucket`` and ``Key``, a batch's tables), with
the request's region and the account the traffic shows (its ARNs and queue URLs; ``*`` when
several or none); for KMS and Secrets Manager the ARN the answer gives what the request named
by alias or name. A required resource type nothing names is granted with ``*`` for the
missing name (``instance/*``). Beside them:

- a DynamoDB transaction item by item (``harness.aws.iam.ITEM_ACTIONS`` on each item's table);
- the dependent actions a request triggers (tags sent: ``ec2:CreateTags`` on each type
  tagged, ``kms:TagResource``; an ACL header: ``s3:PutObjectAcl``); the ones it does not are
  said in the report;
- an IAM role ARN passed in a request: ``iam:PassRole`` on it (not to STS or IAM, which
  assume or manage the role rather than hand it to a service);
- the object a copy reads (``CopySource``).

Resources that differ only in values generated per run (``orders-<uuid>``) are written once,
with ``*`` in their place, so a suite that names its resources per run gets a policy that
holds for the next run too.

``Resource: "*"`` only where no call of an action named anything narrower. Account ids that
are redaction placeholders (``999999990001``) are no account of yours: they are written as
``*`` unless ``account`` names the real one. Statements group the actions that need the same
resources; everything is sorted, so the same cassettes give the same bytes.

The policy is the code's: the calls a test made while its body ran. What the tests' set-up
needed is derived apart (``PolicyResult.setup``, its statement ids starting ``TestSetUp``):
the calls of wide fixtures (their own cassettes, ``*.fixture.yaml``) and those a test's
cassette tags ``phase: setup`` or ``teardown`` (a function-scoped fixture's). A cassette
recorded before phases were tagged counts all its calls as the code's. ``include_setup``
gives the union in one policy.

With ``conditions``, an action every call of which set a condition key the reference lists
for it (an enum or boolean member: ``s3:x-amz-acl`` from ``ACL``) gets a ``Condition`` on
the values sent (``harness.audit.conditions`` says which keys, and which not).

A policy larger than a managed policy's 6,144 characters (whitespace aside) is split into
several (``PolicyResult.parts``, :func:`split_policy`): whole statements grouped by service,
each part within the limit, the parts' statements together the policy's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.audit import conditions as _conditions
from harness.audit.coverage import entries_of
from harness.aws.iam import (
    ITEM_ACTIONS,
    SECRET_SUFFIX,
    Actions,
    actions_of,
    dependent_actions,
    members_for,
    resource_arn,
    resource_types,
)
from harness.aws.on_behalf import Where, on_behalf
from harness.cassettes.cassette import interaction_phase
from harness.cassettes.entries import Entry
from harness.safe_text import one_line
from harness.secrets.placeholders import ACCOUNT_PREFIX

VERSION = "2012-10-17"
#: The size limit of a managed policy (characters, whitespace aside).
MANAGED_POLICY_LIMIT = 6144
#: Managed policies a role takes by default (IAM quota, adjustable to 20).
MANAGED_POLICIES_PER_ROLE = 10
#: How a wide fixture's own cassette is named (``harness.plugin.fixture_cassettes``, not
#: imported: it needs pytest): every call in it is set-up or tear-down.
FIXTURE_SUFFIXES = (".fixture.yaml", ".fixture.yml")
#: The statement ids of the set-up policy start with this.
SETUP_SID = "TestSetUp"

#: A date or time in a resource within this many days of its call is the run's own.
RUN_DAYS = 31

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|aws)?:(?P<resource>[^\s\"'<>&]+)"
)
_ACCOUNT_IN_TEXT = re.compile(
    r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})[:/]|://[^/\s\"'<>]+/(\d{12})/"
)
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com")


@dataclass(kw_only=True)
class Grant:
    """One action and what it is needed on, with the calls that need it."""

    action: str
    resources: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)  # service:Operation labels
    reasons: set[str] = field(default_factory=set)  # where actions and resources come from
    wildcard: bool = False  # a call named nothing narrower
    origins: set[tuple[str, str]] = field(default_factory=set)  # set-up calls: (cassette, phase)
    #: the condition keys every call of the action set, with their values (None: no call yet)
    condition: _conditions.Seen | None = None

    def observe(self, found: _conditions.Determined | _conditions.Seen) -> None:
        """One more call of the action, setting ``found`` (``{}``: nothing known)."""
        self.condition = _conditions.merged(self.condition, found)

    def merge(self, other: Grant) -> None:
        """``other``'s calls of the same action added to this grant's."""
        self.resources |= other.resources
        self.calls |= other.calls
        self.reasons |= other.reasons
        self.wildcard |= other.wildcard
        self.origins |= other.origins
        if other.condition is not None:
            self.observe(other.condition)


@dataclass
class PolicyResult:
    """The policy document, the report's statements, and notes on the whole; ``setup``: what
    the set-up and tear-down calls left out of it need, as a policy of its own (None when
    they were kept in: ``include_setup``)."""

    document: dict[str, Any]
    statements: list[dict[str, Any]]
    notes: list[str]
    setup: PolicyResult | None = None

    def policy_json(self) -> str:
        return json.dumps(self.document, indent=2) + "\n"

    def parts(self) -> list[dict[str, Any]]:
        """The policy as managed policies, each within ``MANAGED_POLICY_LIMIT`` (one: the
        policy itself, when it fits): see :func:`split_policy`."""
        return split_policy(self.document)

    def parts_json(self) -> list[str]:
        """Each of ``parts()`` as written."""
        return [json.dumps(part, indent=2) + "\n" for part in self.parts()]

    def report_json(self) -> str:
        setup = self.setup.statements if self.setup is not None else []
        data = {
            "statements": _with_parts(self.statements, self.document),
            "setup": _with_parts(setup, self.setup.document if self.setup else None),
            "notes": self.notes,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def report_text(self) -> str:
        lines = _statement_lines(_with_parts(self.statements, self.document))
        if self.setup is not None and self.setup.statements:
            lines.append(
                "set-up and tear-down (fixtures), not in the policy (--include-setup grants "
                "them; --setup-out writes them as a policy):"
            )
            lines.extend(_statement_lines(_with_parts(self.setup.statements, self.setup.document)))
        lines.extend(f"note: {note}" for note in self.notes)
        # (names and ARNs come from cassettes: nothing in them may act on a terminal)
        return "\n".join(one_line(line) for line in lines) + "\n"

    def setup_actions(self) -> list[str]:
        """The actions only the set-up and tear-down calls left out need, sorted."""
        if self.setup is None:
            return []
        granted = {a for s in self.document["Statement"] for a in s["Action"]}
        needed = {a for s in self.setup.document["Statement"] for a in s["Action"]}
        return sorted(needed - granted)


_SHOWN = 10  # cassettes named per set-up statement in the text report (JSON: all)


def _statement_lines(statements: list[dict[str, Any]]) -> list[str]:
    lines = []
    for statement in statements:
        if not statement["actions"]:  # the calls that need no permission
            lines.append(f"needs no permission: {', '.join(statement['calls'])}")
        else:
            lines.append(f"{statement['sid']}: {', '.join(statement['actions'])}")
            lines.append(f"  on {', '.join(statement['resources'])}")
            if statement.get("condition"):
                lines.append(f"  when {json.dumps(statement['condition'], sort_keys=True)}")
            lines.append(f"  calls: {', '.join(statement['calls'])}")
            parts = statement.get("parts")
            if parts:
                numbers = ", ".join(map(str, parts))
                lines.append(
                    f"  in part{'s' if len(parts) > 1 else ''} {numbers} of the split policy"
                )
        origins = statement.get("from") or []
        if origins:
            more = f" and {len(origins) - _SHOWN} more" if len(origins) > _SHOWN else ""
            lines.append(f"  from: {', '.join(origins[:_SHOWN])}{more}")
        lines.extend(f"  - {why}" for why in statement["why"])
    return lines


def setup_phase(path: Path, entry: Entry) -> str | None:
    """Why a call is the tests' set-up rather than the code's: ``fixture`` (a wide fixture's
    own cassette), ``setup`` or ``teardown`` (the phase its tag names); None for the code's."""
    if path.name.endswith(FIXTURE_SUFFIXES):
        return "fixture"
    phase = interaction_phase(entry.tag)
    return None if phase == "call" else phase


def derive(
    files: Iterable[Path],
    *,
    account: str | None = None,
    include_setup: bool = False,
    conditions: bool = False,
) -> PolicyResult:
    """The policy the code's calls in ``files`` need (``account``: the id written for
    placeholders), with what the set-up and tear-down calls need as ``setup``; with
    ``include_setup``, one policy for all the calls; with ``conditions``, each action's
    ``Condition`` on the keys every call of it set (``harness.audit.conditions``)."""
    entries: list[Entry] = []
    set_up: list[tuple[Entry, tuple[str, str]]] = []  # with its cassette and phase
    accounts: set[str] = set()
    for path in files:
        for entry in entries_of(path):
            if entry.exchange is None:
                continue
            accounts.update(_accounts(entry))
            phase = None if include_setup else setup_phase(path, entry)
            if phase is None:
                entries.append(entry)
            else:
                set_up.append((entry, (str(path), phase)))
    real = {a for a in accounts if not a.startswith(ACCOUNT_PREFIX)}
    placeholders = sorted(accounts - real)
    # the one account the traffic shows (a placeholder too: written as --account or * below)
    known = next(iter(accounts)) if len(accounts) == 1 else None
    grants: dict[str, Grant] = {}
    for entry in entries:
        _grant_for_any_day(grants, entry, known)
    starred = any(_account_starred(r) for g in grants.values() for r in g.resources)
    notes = _notes(real, placeholders, account, starred)
    document, statements = _statements(grants, account, conditions=conditions)
    notes.extend(_size_notes(document, "the policy"))
    setup = None
    if not include_setup:
        setup_grants: dict[str, Grant] = {}
        for entry, origin in set_up:
            one: dict[str, Grant] = {}
            _grant_for_any_day(one, entry, known)
            for action, grant in one.items():
                merged = setup_grants.setdefault(action, Grant(action=action))
                merged.merge(grant)
                merged.origins.add(origin)
        setup_document, setup_statements = _statements(
            setup_grants, account, SETUP_SID, conditions=conditions
        )
        setup = PolicyResult(
            setup_document, setup_statements, _size_notes(setup_document, "the set-up policy")
        )
    result = PolicyResult(document, statements, notes, setup)
    if set_up:
        notes.append(_left_out(len(set_up), result.setup_actions()))
    if conditions and not any(s.get("Condition") for s in document["Statement"]):
        notes.append(
            "--conditions: no condition key the harness derives was set by every call of an "
            "action (an enum or boolean member the reference lists as a key, such as ACL for "
            "s3:x-amz-acl): no Condition written"
        )
    return result


def _size_notes(document: dict[str, Any], name: str) -> list[str]:
    size = policy_size(document)
    if size <= MANAGED_POLICY_LIMIT:
        return []
    parts = split_policy(document)
    note = (
        f"{name} holds {size:,} characters (whitespace aside), over the "
        f"{MANAGED_POLICY_LIMIT:,} of a managed policy: split into {len(parts)} managed "
        "policies of whole statements, grouped by service, each within the limit; attach all "
        "of them to the role (harness policy writes them beside the file --out or "
        "--setup-out names, FILE-part1.json, FILE-part2.json, ...)"
    )
    if any(policy_size(part) > MANAGED_POLICY_LIMIT for part in parts):
        note += (
            "; a statement of one action on one resource is over the limit alone: no split "
            "makes it fit, write a wildcard in its place"
        )
    if len(parts) > MANAGED_POLICIES_PER_ROLE:
        note += (
            f"; {len(parts)} is more than the {MANAGED_POLICIES_PER_ROLE} managed policies a "
            "role takes by default (a quota you may raise to 20): use wildcards you choose "
            "to make it smaller"
        )
    return [note]


# --------------------------------------------------------------------------- size


def policy_size(document: dict[str, Any]) -> int:
    """A policy's size as IAM counts it against its limits: characters, whitespace aside."""
    return len(_WHITESPACE.sub("", json.dumps(document)))


_WHITESPACE = re.compile(r"\s")


def split_policy(
    document: dict[str, Any], limit: int = MANAGED_POLICY_LIMIT
) -> list[dict[str, Any]]:
    """``document`` as policies of at most ``limit`` characters (whitespace aside) whose
    statements together are the document's (in its order when, as ``derive`` writes them,
    its statements are sorted by their actions): ``[document]`` when it fits.

    The statements are kept whole and grouped by service (the prefix of a statement's first
    action): a service's statements go into one part when they fit in one, the next part
    begun for them when the current one has no room left; a service too large for one part
    fills the parts in order. A statement too large for a part alone is cut into statements
    of fewer resources (then of fewer actions), ids ``<Sid>Part2``, ``<Sid>Part3``...: the
    same grants. The same document gives the same parts.
    """
    return _split(document, limit)[0]


def _split(
    document: dict[str, Any], limit: int = MANAGED_POLICY_LIMIT
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``split_policy``, and the id of the statement each piece was cut from."""
    if policy_size(document) <= limit:
        return [document], {}
    version = document["Version"]
    empty = policy_size({"Version": version, "Statement": []})
    used = {str(s.get("Sid", "")) for s in document["Statement"]}
    groups: dict[str, list[dict[str, Any]]] = {}
    cut_from: dict[str, str] = {}
    for statement in document["Statement"]:
        for piece in _fitting(statement, limit - empty, used):
            groups.setdefault(_service_of(piece), []).append(piece)
            cut_from[str(piece.get("Sid", ""))] = str(statement.get("Sid", ""))
    parts: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = empty
    for group in groups.values():
        sizes = [policy_size(s) for s in group]
        together = sum(sizes) + len(sizes) - 1  # (a comma between two statements)
        if current and size + 1 + together > limit and empty + together <= limit:
            parts.append(current)
            current, size = [], empty
        for statement, length in zip(group, sizes, strict=True):
            grown = length + (1 if current else 0)
            if current and size + grown > limit:
                parts.append(current)
                current, size, grown = [], empty, length
            current.append(statement)
            size += grown
    if current:
        parts.append(current)
    return [{"Version": version, "Statement": part} for part in parts], cut_from


def _service_of(statement: dict[str, Any]) -> str:
    actions = statement.get("Action") or [""]
    first = actions[0] if isinstance(actions, list) else str(actions)
    return str(first).partition(":")[0]


def _fitting(statement: dict[str, Any], room: int, used: set[str]) -> list[dict[str, Any]]:
    """``statement``, cut into statements of fewer resources (then fewer actions) when it is
    larger than ``room`` alone; new ids are added to ``used``."""
    if policy_size(statement) <= room:
        return [statement]
    for name in ("Resource", "Action"):
        values = statement.get(name)
        if not isinstance(values, list) or len(values) < 2:
            continue
        chunks: list[list[Any]] = [[]]
        for value in values:
            trial = {**statement, name: [*chunks[-1], value]}
            if chunks[-1] and policy_size(trial) > room:
                chunks.append([value])
            else:
                chunks[-1].append(value)
        pieces: list[dict[str, Any]] = []
        base = str(statement.get("Sid", ""))
        for number, chunk in enumerate(chunks, start=1):
            sid = base if number == 1 else _fresh_sid(f"{base}Part{number}", used)
            pieces.extend(_fitting({**statement, "Sid": sid, name: chunk}, room, used))
        return pieces
    return [statement]  # one action on one resource: no cut makes it smaller


def _fresh_sid(base: str, used: set[str]) -> str:
    sid, number = base, 1
    while sid in used:
        number += 1
        sid = f"{base}x{number}"
    used.add(sid)
    return sid


def _with_parts(
    statements: list[dict[str, Any]], document: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The report's statements, each with ``parts``: the numbers (from 1) of the parts of
    ``document`` that hold it, when it is split (unchanged when it is not)."""
    if document is None:
        return statements
    parts, cut_from = _split(document)
    if len(parts) < 2:
        return statements
    where: dict[str, list[int]] = defaultdict(list)
    for number, part in enumerate(parts, start=1):
        for statement in part["Statement"]:
            sid = cut_from.get(statement["Sid"], statement["Sid"])
            if number not in where[sid]:
                where[sid].append(number)
    return [{**s, "parts": where.get(s["sid"], [])} if s.get("sid") else s for s in statements]


def _left_out(calls: int, needed: list[str]) -> str:
    shown = ", ".join(needed[:12]) + (f" and {len(needed) - 12} more" if len(needed) > 12 else "")
    only = f"needing {shown} beside the policy's actions" if needed else "needing no other action"
    return (
        f"{calls} set-up or tear-down call(s) of fixtures left out of the policy ({only}): "
        "--include-setup grants them too, --setup-out FILE writes them as a policy of their own"
    )


# --------------------------------------------------------------------------- facts of a call


def _accounts(entry: Entry) -> set[str]:
    """Account ids shown by a call: in the ARNs and queue URLs of its request and response."""
    text = " ".join(
        (
            unquote(entry.request.url),
            entry.request.body.decode("utf-8", "replace"),
            entry.response.body.decode("utf-8", "replace"),
        )
    )
    return {a or b for a, b in _ACCOUNT_IN_TEXT.findall(text)}


def region_of(entry: Entry) -> str | None:
    """The region a call was signed for: the recorder's tag, the SigV4 scope, the host."""
    tagged = entry.tag.get("region")
    if isinstance(tagged, str) and tagged:
        return tagged
    scope = _SCOPE.search(entry.request.header("Authorization") or "")
    if scope:
        return scope.group(1)
    host = _REGION_IN_HOST.search(urlsplit(entry.request.url).netloc)
    return host.group(1) if host else None


def partition_of(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(kw_only=True, frozen=True)
class _Call:
    """What a call's resources are read from."""

    service: str
    operation: str
    params: dict[str, Any]
    region: str | None
    account: str | None
    answer: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.service}:{self.operation}"


def grants_of(entry: Entry, account: str | None = None) -> dict[str, Grant]:
    """What one call needs, action by action, on exactly the resources it named (no day or
    generated value written ``*`` yet): ``harness.audit.policy_check`` asks a policy
    about these. ``account``: the one account the traffic shows, if one."""
    one: dict[str, Grant] = {}
    _grant(one, entry, account)
    return one


def traffic_account(entries: Iterable[Entry]) -> str | None:
    """The one account id the calls show (in ARNs and queue URLs), else None."""
    accounts: set[str] = set()
    for entry in entries:
        accounts.update(_accounts(entry))
    return next(iter(accounts)) if len(accounts) == 1 else None


def _grant_for_any_day(grants: dict[str, Grant], entry: Entry, account: str | None) -> None:
    """``_grant``, with the days and times of the run written ``*`` in the call's resources
    (``_undated``): the same app asks for ``dt=<another day>`` tomorrow."""
    one = grants_of(entry, account)
    instant = call_instant(entry)
    for action, grant in one.items():
        grant.resources = {_undated(resource, instant) for resource in grant.resources}
        grants.setdefault(action, Grant(action=action)).merge(grant)


def call_instant(entry: Entry) -> float | None:
    """When the call was made (epoch seconds): its signature's ``X-Amz-Date`` (a plain
    vcrpy cassette), else the ``recorded_at`` of its ``harness`` tag (the harness keeps no
    signature), else the answer's ``Date``; None when none says."""
    for stamp in (_header(entry.request.headers, "x-amz-date"), entry.tag.get("recorded_at")):
        if isinstance(stamp, dt.datetime):  # (a YAML timestamp written without quotes: UTC)
            return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)).timestamp()
        if isinstance(stamp, str) and (found := _times_in(stamp)) and found[0].epoch is not None:
            return float(found[0].epoch)
    dated = _header(entry.response.headers, "date")
    if dated:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            return email.utils.parsedate_to_datetime(dated).timestamp()
    return None


def _undated(resource: str, instant: float | None) -> str:
    """``resource`` with each date or time within ``RUN_DAYS`` of the call written ``*``:
    a value the run made from its clock (``clicks/dt=2026-11-26/``,
    ``execution:compact-2026-11-26-*``), as replay binds such days. A date far from the
    call (an API version in a path, ``2015-03-31``) is a fixed name and stays."""
    if instant is None:
        return resource
    for found in sorted(_times_in(resource), key=lambda g: -len(g.value)):
        if found.epoch is not None and abs(found.epoch - instant) <= RUN_DAYS * 86400:
            resource = resource.replace(found.value, "*")
    return resource


def _times_in(text: str) -> list[Any]:
    """The dates and times in ``text`` as replay reads them (``volatile``'s ``time`` kind)."""
    from harness.replay.volatile import Volatile  # (replay's reader, imported when used)

    found: list[Any] = []
    Volatile(("time",)).mask_text(text, found)
    return found


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if str(key).lower() == name:
            value = value[0] if isinstance(value, list) and value else value
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _grant(grants: dict[str, Grant], entry: Entry, account: str | None) -> None:
    exchange = entry.exchange
    assert exchange is not None
    service, operation, params = exchange.service, exchange.operation, exchange.params
    call = _Call(
        service=service,
        operation=operation,
        params=params,
        region=region_of(entry),
        account=account,
        answer=_answer(entry),
    )
    label = call.label
    facts = actions_of(service, operation)
    versioned = bool(params.get("VersionId") and facts.versioned)
    actions = facts.versioned if versioned else facts.actions
    why_action = _action_reason(label, facts, versioned)
    if facts.per_item:
        _grant_items(grants, call, facts.source)
    own: set[str] = set()
    for action in actions:
        resources, why = _resources(action, call)
        own.update(resources)
        found = _conditions.determined(service, operation, action, params)
        _add(grants, action, label, resources, [why_action, *why], found)
    for dependent in facts.dependent:
        sent = [m for m in dependent.members if params.get(m)]
        if not sent:
            continue
        reason = (
            f"{label}: sends {', '.join(sent)}, which needs {dependent.action} ({dependent.source})"
        )
        if dependent.action == "ec2:CreateTags":
            resources, why = _tagged_on_create(call)
        elif resource_types(dependent.action) is None:
            resources, why = own, []
        else:
            resources, why = _resources(dependent.action, call)
        _add(grants, dependent.action, label, resources, [reason, *why])
    for action in actions:
        for dependent_action in facts.unbound_dependent:
            if dependent_action in dependent_actions(action):
                grants.setdefault(action, Grant(action=action)).reasons.add(
                    f"{label}: the reference lists {dependent_action} as a dependent action of "
                    f"{action}; not granted: no member of this request is known to need it"
                )
    copy_source = params.get("CopySource")
    if facts.copy_source and isinstance(copy_source, str):
        source = _s3_object_arn(copy_source.split("?", 1)[0], call.region)
        for action in facts.copy_source:
            reason = f"{label}: {action} on the object CopySource names ({facts.source})"
            _add(grants, action, label, {source} if source else set(), [reason])
    for name, value in sorted(params.items()):
        if service in ("sts", "iam"):
            break  # a role assumed or managed, not handed to a service to act as
        if isinstance(value, str) and re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+", value):
            grant = grants.setdefault("iam:PassRole", Grant(action="iam:PassRole"))
            grant.calls.add(label)
            grant.resources.add(value)
            grant.observe({})
            grant.reasons.add(f"{label}: passes the role in {name} (iam:PassRole)")
    _grant_on_behalf(grants, call, entry, actions)
    if not actions and not facts.per_item:
        grant = grants.setdefault("", Grant(action=""))
        grant.calls.add(label)
        grant.reasons.add(f"{label}: needs no permission ({facts.source})")


def _grant_on_behalf(
    grants: dict[str, Grant], call: _Call, entry: Entry, actions: tuple[str, ...]
) -> None:
    """What the service does with the caller's permissions while serving the call
    (``harness.aws.on_behalf``): granted on the resource the recording names (the KMS key S3
    answered with); said in the report beside the call's own actions when none can be."""
    headers = {str(k).lower(): _first(v) for k, v in dict(entry.response.headers or {}).items()}
    where = Where(
        partition=partition_of(call.region), region=call.region or "*", account=call.account or "*"
    )
    for row in on_behalf(call.service, call.operation):
        resource = row.resource(call.params, headers, where)
        quoted = f'"{row.sentence}" ({row.source})'
        if resource is not None:
            reason = f"{call.label}: {row.said}: {', '.join(row.actions)} on {resource}; {quoted}"
            if resource.endswith(":key/*"):
                reason += " (the key's id is redacted in the cassette: narrow key/* to it)"
            for action in row.actions:
                _add(grants, action, call.label, {resource}, [reason])
        elif row.applies_unnamed:
            said = (
                f"{call.label}: {row.said}; not granted, since no request names what it reads: "
                f"add {', '.join(row.actions)} on those databases, tables and locations; {quoted}"
            )
            for action in actions:
                grants.setdefault(action, Grant(action=action)).reasons.add(said)


def _first(value: Any) -> str:
    value = value[0] if isinstance(value, list) and value else value
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _add(
    grants: dict[str, Grant],
    action: str,
    label: str,
    resources: set[str],
    why: list[str],
    found: _conditions.Determined | None = None,
) -> None:
    """One call needs ``action`` on ``resources`` (none: ``*``), setting the condition keys
    ``found`` (none for an action it needs for another reason than its own authorization:
    a dependent action, a copy's source, a transaction's item)."""
    grant = grants.setdefault(action, Grant(action=action))
    grant.calls.add(label)
    grant.reasons.update(why)
    grant.observe(found or {})
    if resources:
        grant.resources.update(resources)
    else:
        grant.wildcard = True


def _answer(entry: Entry) -> dict[str, Any]:
    """The response of a JSON protocol call as data (empty for others, or when unreadable)."""
    try:
        found = json.loads(entry.response.body or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _grant_items(grants: dict[str, Grant], call: _Call, source: str) -> None:
    """Each item of a DynamoDB transaction: its action on its table."""
    for item in call.params.get("TransactItems") or []:
        if not isinstance(item, dict):
            continue
        for member, action in ITEM_ACTIONS.items():
            request = item.get(member)
            if not isinstance(request, dict) or not isinstance(request.get("TableName"), str):
                continue
            resources, why = _resources(action, replace(call, params=request))
            reason = (
                f"{call.label}: {_a(member)} item is authorized as {action} on its table ({source})"
            )
            _add(grants, action, call.label, resources, [reason, *why])


#: Words that start with a vowel letter but not a vowel sound (``a user``, ``a unique``).
_CONSONANT_SOUND = re.compile(r"(?i)(?:u(?:ni|s[aeu]|ri|ti)|eu|one\b|once\b)")
#: Letters whose name starts with a vowel sound, for abbreviations (``an S3``, ``an RDS``).
_VOWEL_LETTER_NAME = frozenset("AEFHILMNORSX")


def _a(word: str) -> str:
    """``word`` after its indefinite article: ``an Update``, ``an instance``, ``a Put``,
    ``a user-pool``, ``an SSM``."""
    if not word:
        return word
    head = re.match(r"[A-Z0-9]{2,}(?![a-z])", word)  # an abbreviation, read letter by letter
    if head:
        an = word[0] in _VOWEL_LETTER_NAME or word[0] == "8"
    elif _CONSONANT_SOUND.match(word):
        an = False
    else:
        an = word[0].lower() in "aeiou" or word[0] == "8"
    return f"{'an' if an else 'a'} {word}"


def _action_reason(label: str, facts: Actions, versioned: bool) -> str:
    actions = facts.versioned if versioned else facts.actions
    named = ", ".join(actions) or "nothing"
    version = " (a VersionId was sent)" if versioned else ""
    return f"{label} -> {named}{version}: {facts.source}"


# --------------------------------------------------------------------------- resources

_ACCOUNT = re.compile(r"\d{12}")
_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_CONTEXT = ("Partition", "Region", "Account")


def _resources(action: str, call: _Call) -> tuple[set[str], list[str]]:
    """The ARNs ``action`` acts on in ``call`` (empty: nothing narrower than ``*``), and why:
    each resource type the reference lists for the action, its ARN format filled from the
    request (an ARN the request or, for KMS and Secrets Manager, its answer gives; else the
    members naming it); a required type nothing fills gets ``*`` for the names it lacks
    (``instance/*``), unless the request's ARN filled another required type (the types are
    then alternatives: a state machine's ``execution`` or ``express``)."""
    label = call.label
    types = resource_types(action)
    candidates = _arn_candidates(call)
    if types is None:  # not in the reference: the ARNs of the action's service it names
        prefix = action.partition(":")[0]
        named = {arn for arn, _ in candidates if _arn_service(arn) == prefix}
        named |= _s3_fallback(call) if prefix == "s3" else set()
        said = f"{label}: {action} is not in the reference: resources from the request's ARNs"
        return named, [said] if named else []
    if not types:
        return set(), [f"{label}: the reference lists no resource type for {action}"]
    matched: dict[str, set[str]] = defaultdict(set)
    for arn, member in candidates:
        kinds = [t for t in types if _format_regex(t.arn).fullmatch(arn)]
        if kinds:
            best = max(kinds, key=lambda t: len(_VARIABLE.sub("", t.arn)))
            matched[best.name].add(arn)
            matched[best.name + "\0why"].add(member)
    by_arn = any(t.required and t.name in matched for t in types)
    found: set[str] = set()
    why: list[str] = []
    for kind in types:
        if kind.name in matched:
            found |= matched[kind.name]
            shown = ", ".join(sorted(matched[kind.name + "\0why"]))
            why.append(f"{label}: {action} on {kind.name} from the ARN in {shown}")
            continue
        filled, missing, members = _fill(kind.arn, action.partition(":")[0], call)
        if not missing:
            found |= filled
            why.append(f"{label}: {action} on {kind.name} ({kind.arn}) from {', '.join(members)}")
        elif kind.required and not by_arn:
            found |= filled
            why.append(
                f"{label}: {action} needs {_a(kind.name)} ({kind.arn}); the request names no "
                f"{', '.join(missing)}: * in its place"
            )
    return found, why


def _fill(template: str, prefix: str, call: _Call) -> tuple[set[str], list[str], list[str]]:
    """``template`` filled from the call: the ARNs (``*`` for each variable no member fills),
    the variables left unfilled, and the members read."""
    region, account = call.region, call.account
    context = {
        "Partition": partition_of(region),
        "Region": region or "*",
        "Account": account or "*",
    }
    values: dict[str, list[str]] = {}
    missing: list[str] = []
    members: list[str] = []
    for variable in dict.fromkeys(_VARIABLE.findall(template)):
        if variable in _CONTEXT:
            continue
        literal = template.split("${" + variable + "}")[0].rsplit(":", 1)[-1]
        found = []
        for member in members_for(prefix, variable):
            found = [
                v for v in _values(call.params, member) if _names_one(prefix, variable, v, literal)
            ]
            if found:
                members.append(member)
                break
        if not found:
            missing.append(variable)
            found = ["*"]
        else:
            found = [_as_named(prefix, variable, v, literal) for v in found]
        values[variable] = found
    results = [template]
    for variable, options in values.items():
        results = [r.replace("${" + variable + "}", o) for r in results for o in options]
    for name, value in context.items():
        results = [r.replace("${" + name + "}", value) for r in results]
    return set(results), missing, members


def _values(params: dict[str, Any], member: str) -> list[str]:
    """The strings a member path holds (``Delete.Objects.Key``: each key; a map: its keys)."""
    current: list[Any] = [params]
    for part in member.split("."):
        step: list[Any] = []
        for value in current:
            if isinstance(value, dict) and part in value:
                step.append(value[part])
        current = [x for v in step for x in (v if isinstance(v, list) else [v])]
    found: list[str] = []
    for value in current:
        if isinstance(value, str) and value:
            found.append(value)
        elif isinstance(value, dict) and member == "RequestItems":
            found.extend(k for k in value if isinstance(k, str))
    return found


def _names_one(prefix: str, variable: str, value: str, literal: str) -> bool:
    """Whether ``value`` names the resource ``${variable}`` stands for: not an ARN (those fill
    whole formats), and for KMS's ``KeyId`` not an alias (an alias names no key: the answer
    gives the key)."""
    if value.startswith("arn:"):
        return False
    if (prefix, variable) == ("kms", "KeyId") and value.startswith("alias/"):
        return False
    # a Lambda partial ARN (account:function:name) is read as an ARN
    return not (prefix == "lambda" and ":function:" in value)


def _as_named(prefix: str, variable: str, value: str, literal: str) -> str:
    """A value as it stands in the ARN: ``alias/x`` after ``alias/`` is ``x``; a secret's name
    is followed by the six random characters Secrets Manager appends (``NAME-??????``)."""
    if literal and value.startswith(literal):
        value = value[len(literal) :]
    if (prefix, variable) == ("secretsmanager", "SecretId"):
        value = f"{value}-??????"
    return value


def _arn_candidates(call: _Call) -> list[tuple[str, str]]:
    """ARNs the call names, with the member each came from: ARN values of the request (top
    level, or a list of them), an SQS ``QueueUrl`` and a Lambda partial ARN as ARNs, an S3
    access point in ``Bucket`` with its ``Key``; for KMS and Secrets Manager, the ARN the answer
    gives what the request named by id, alias or name (Decrypt: the key the answer used)."""
    params, region = call.params, call.region
    found: list[tuple[str, str]] = []
    for name, value in sorted(params.items()):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str) and _ARN.fullmatch(item):
                found.append((item, name))
    queue_url = params.get("QueueUrl")
    if call.service == "sqs" and isinstance(queue_url, str):
        arn = _queue_arn(queue_url, region)
        if arn:
            found.append((arn, "QueueUrl"))
    function = params.get("FunctionName")
    if isinstance(function, str) and ":function:" in function and not function.startswith("arn:"):
        arn = f"arn:{partition_of(region)}:lambda:{region or '*'}:{function}"
        found.append((arn, "FunctionName"))
    bucket, key = params.get("Bucket"), params.get("Key")
    if isinstance(bucket, str) and bucket.startswith("arn:") and isinstance(key, str):
        found.append((f"{bucket}/object/{key}", "Bucket and Key"))
    answer = call.answer
    for member, answered in (("KeyId", ("KeyId", "Arn")), ("SecretId", ("ARN",))):
        named = params.get(member)
        if isinstance(named, str) and named and not _ARN.fullmatch(named):
            arn = _answered_arn(answer, answered)
            if arn is not None:
                found.append((arn, f"the answer to the {member} named"))
    if call.service == "kms" and "KeyId" not in params and params.get("CiphertextBlob"):
        arn = _answered_arn(answer, ("KeyId",))  # Decrypt: the key the answer names
        if arn is not None:
            found.append((arn, "the KeyId of the answer (the key it used)"))
    return found


def _tagged_on_create(call: _Call) -> tuple[set[str], list[str]]:
    """``ec2:CreateTags`` on what a call tags as it creates it: each ``TagSpecifications``
    resource type's ARN format, ``*`` for its id ("you must have ec2:CreateTags on the
    resource being created")."""
    found: set[str] = set()
    kinds: list[str] = []
    for spec in call.params.get("TagSpecifications") or []:
        kind = spec.get("ResourceType") if isinstance(spec, dict) else None
        arn = resource_arn("ec2", kind) if isinstance(kind, str) else None
        if arn is None:
            return set(), []
        filled, _, _ = _fill(arn, "ec2", replace(call, params={}))
        found |= filled
        kinds.append(kind)  # type: ignore[arg-type]
    why = [f"{call.label}: ec2:CreateTags on the {', '.join(kinds)} it creates"] if kinds else []
    return found, why


def _format_regex(template: str) -> re.Pattern[str]:
    return _FORMATS.setdefault(template, _compile_format(template))


_FORMATS: dict[str, re.Pattern[str]] = {}


def _compile_format(template: str) -> re.Pattern[str]:
    parts = _VARIABLE.split(template)
    names = parts[1::2]
    pattern = ""
    for i, text in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(text)
            continue
        if text == "Partition":
            pattern += r"aws[a-z-]*"
        elif text == "Region":
            pattern += r"[a-z0-9-]*"
        elif text == "Account":
            pattern += r"(?:\d{12}|aws)?"
        elif i == 2 * len(names) - 1 and parts[-1] == "":
            pattern += r".+"  # the last name may hold / (an object key, a path)
        else:
            pattern += r"[^:/]+"
    return re.compile(pattern)


def _arn_service(arn: str) -> str:
    match = _ARN.fullmatch(arn)
    return match.group("service") if match else ""


def _answered_arn(answer: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The ARN a response gives the resource the request named (top level, or one level
    down: KMS DescribeKey's ``KeyMetadata.Arn``)."""
    for holder in (answer, *(v for v in answer.values() if isinstance(v, dict))):
        for name in names:
            value = holder.get(name)
            if isinstance(value, str) and _ARN.fullmatch(value):
                return value
    return None


def _queue_arn(url: str, region: str | None) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) != 2 or not re.fullmatch(r"\d{12}", parts[0]):
        return None
    host = _REGION_IN_HOST.search(urlsplit(url).netloc) or re.search(
        r"sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.", url
    )
    where = host.group(1) if host else region or "*"
    return f"arn:{partition_of(where)}:sqs:{where}:{parts[0]}:{parts[1]}"


def _s3_fallback(call: _Call) -> set[str]:
    """An S3 action the reference does not list: the bucket, or the objects, named."""
    bucket = call.params.get("Bucket")
    if not isinstance(bucket, str) or not bucket or bucket.startswith("arn:"):
        return set()
    keys = _values(call.params, "Key") + _values(call.params, "Delete.Objects.Key")
    base = f"arn:{partition_of(call.region)}:s3:::{bucket}"
    return {f"{base}/{key}" for key in keys} if keys else {base}


def _s3_object_arn(copy_source: str, region: str | None) -> str | None:
    source = unquote(copy_source).lstrip("/")
    bucket, _, key = source.partition("/")
    if not bucket or not key:
        return None
    return f"arn:{partition_of(region)}:s3:::{bucket}/{key}"


# --------------------------------------------------------------------------- the document


def placed_account(resource: str, account: str | None) -> str:
    """A resource with each placeholder account written as ``account`` (or ``*``)."""
    return re.sub(
        rf"(?<=:){ACCOUNT_PREFIX}\d{{4}}(?=[:/])|(?<=:){ACCOUNT_PREFIX}\d{{4}}$",
        account or "*",
        resource,
    )


def _statements(
    grants: dict[str, Grant],
    account: str | None,
    sid_prefix: str = "",
    *,
    conditions: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Actions grouped by the resources they need (and, with ``conditions``, the condition
    every call of them set), sorted; and each statement explained (``sid_prefix`` starts
    each statement id; a grant's ``origins`` are its ``from``)."""
    groups: dict[tuple[tuple[str, ...], str], list[Grant]] = defaultdict(list)
    for action, grant in grants.items():
        if not action:
            continue  # calls that need no permission: said in the report only
        if grant.wildcard:
            resources: tuple[str, ...] = ("*",)
        else:
            resources = compacted_resources({placed_account(r, account) for r in grant.resources})
        block = _conditions.condition_block(grant.condition) if conditions else {}
        groups[(resources, json.dumps(block, sort_keys=True) if block else "")].append(grant)
    ordered = sorted(groups.items(), key=lambda item: (sorted(g.action for g in item[1]), item[0]))
    document_statements = []
    explained = []
    used_sids: set[str] = set()
    for (resources, condition), members in ordered:
        actions = sorted(g.action for g in members)
        sid = _sid(actions, used_sids, sid_prefix)
        statement: dict[str, Any] = {
            "Sid": sid,
            "Effect": "Allow",
            "Action": actions,
            "Resource": list(resources),
        }
        if condition:
            statement["Condition"] = json.loads(condition)
        document_statements.append(statement)
        why = sorted({reason for g in members for reason in g.reasons})
        if condition:
            why.extend(r for g in members for r in _conditions.reasons(g.action, g.condition))
        if resources == ("*",):
            wild = sorted(g.action for g in members)
            why.append(
                f"Resource * : no call of {', '.join(wild)} named a resource narrower than all "
                "(the action takes none, or the request held no ARN or name the harness reads)"
            )
        explained.append(
            {
                "sid": sid,
                "actions": actions,
                "resources": list(resources),
                **({"condition": statement["Condition"]} if condition else {}),
                "calls": sorted({c for g in members for c in g.calls}),
                "why": why,
                **_origins(members),
            }
        )
    free = grants.get("")
    if free is not None:
        explained.append(
            {
                "sid": "",
                "actions": [],
                "resources": [],
                "calls": sorted(free.calls),
                "why": sorted(free.reasons),
                **_origins([free]),
            }
        )
    return {"Version": VERSION, "Statement": document_statements}, explained


def compacted_resources(resources: set[str]) -> tuple[str, ...]:
    """``resources`` sorted, each value generated per run in them written ``*``
    (``table/orders-*``), so the policy holds for the next run's names too."""
    from harness.replay.volatile import KINDS, Volatile, made_up

    volatile = Volatile(tuple(k for k in KINDS if k != "time"))
    groups: dict[str, set[str]] = defaultdict(set)
    for resource in resources:
        resource = SECRET_SUFFIX.sub(r"\g<name>-??????", resource)
        found: list[Any] = []
        volatile.mask_text(resource, found)
        # (made up alone: a fixed name with a number, orders2024, stays as written)
        # and a number of 8 digits or more: uuid4().hex[:8] is digits alone one time in 43, and
        # a build or run number is no fixed name either (an account id's 12 digits aside)
        generated = [
            g
            for g in found
            if (made_up(g) or (g.kind == "hex" and g.value.isdigit()))
            and not _ACCOUNT.fullmatch(g.value)
        ]
        wild = resource
        for item in sorted(generated, key=lambda g: -len(g.value)):
            wild = wild.replace(item.value, "*")
        groups[wild].add(resource)
    wild_ones = [_covering(r) for r in groups if "*" in r or "?" in r]
    return tuple(
        sorted(
            r
            for r in groups
            if not any(c.pattern != _covering(r).pattern and c.fullmatch(r) for c in wild_ones)
        )
    )


def _covering(resource: str) -> re.Pattern[str]:
    """What ``resource``, read as an IAM pattern, allows, as a regex run over another
    resource's text: ``*`` any run, ``?`` one character but a wildcard of the other (whose
    ``*`` only a ``*`` here covers), the rest itself."""
    parts = [".*" if c == "*" else "[^*]" if c == "?" else re.escape(c) for c in resource]
    return re.compile("".join(parts), re.DOTALL)


def _origins(grants: list[Grant]) -> dict[str, list[str]]:
    """``from``: the set-up calls' cassettes, each with its phases (``t.yaml (setup,
    teardown)``, ``table.fixture.yaml (fixture)``); nothing for the code's calls."""
    phases: dict[str, set[str]] = defaultdict(set)
    for grant in grants:
        for path, phase in grant.origins:
            phases[path].add(phase)
    order = {"fixture": 0, "setup": 1, "teardown": 2}
    found = [
        f"{path} ({', '.join(sorted(kinds, key=order.__getitem__))})"
        for path, kinds in sorted(phases.items())
    ]
    return {"from": found} if found else {}


def _sid(actions: list[str], used: set[str], start: str = "") -> str:
    """A statement id (letters and digits) from its first action, unique in the policy."""
    prefix, _, name = actions[0].partition(":")
    base = start + re.sub(r"[^A-Za-z0-9]", "", prefix[:1].upper() + prefix[1:] + name)
    base = base or "Statement"
    sid, number = base, 1
    while sid in used:
        number += 1
        sid = f"{base}{number}"
    used.add(sid)
    return sid


def _account_starred(resource: str) -> bool:
    """True when an ARN's account field is ``*`` (an S3 bucket's ARN has none to star)."""
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and parts[4] == "*"


def _notes(
    real: set[str], placeholders: list[str], account: str | None, starred: bool = True
) -> list[str]:
    """What a reader of the policy must know about its accounts (``starred``: some
    resource was written with ``*`` as its account)."""
    notes = []
    if placeholders:
        written = account or "*"
        notes.append(
            f"account id(s) {', '.join(placeholders)} are redaction placeholders, not an "
            f"account: written as {written} in resources"
            + ("" if account else " (pass --account with yours to narrow them)")
        )
    if len(real) > 1:
        notes.append(
            f"the traffic shows {len(real)} accounts ({', '.join(sorted(real))}): a resource "
            "named without an ARN gets * as its account"
        )
    elif not real and not placeholders and starred:
        notes.append(
            "no account id in the traffic: a resource named without an ARN gets * as its account"
        )
    return notes


__all__ = [
    "MANAGED_POLICIES_PER_ROLE",
    "MANAGED_POLICY_LIMIT",
    "SETUP_SID",
    "VERSION",
    "PolicyResult",
    "derive",
    "policy_size",
    "region_of",
    "setup_phase",
    "split_policy",
]
