"""A least-privilege IAM policy derived offline from recorded calls, and why each part is there.

Each AWS call of the cassettes needs its IAM actions (``harness.aws.iam``: ``prefix:Operation``
unless the table says otherwise) on the resources the request names:

- a top-level member whose value is an ARN of the action's own service (``TopicArn``,
  ``ResourceArn``, an S3 access point given as ``Bucket``);
- S3's ``Bucket`` and ``Key``: ``arn:aws:s3:::bucket`` for bucket operations,
  ``arn:aws:s3:::bucket/key`` for object ones (``CopySource`` for the object a copy reads,
  each key of ``DeleteObjects``);
- an SQS ``QueueUrl``: ``arn:aws:sqs:region:account:name``;
- a member naming a resource without its ARN (a DynamoDB ``TableName``, an SQS
  ``QueueName``, a Lambda ``FunctionName``; ``harness.aws.iam.NAMED_RESOURCES``): its ARN, with
  the request's region and the account the traffic shows (the ARNs and queue URLs of its
  requests and responses; when it shows several or none, ``*``);
- an IAM role ARN passed in a request: ``iam:PassRole`` on it (not to STS or IAM, which
  assume or manage the role rather than hand it to a service: ``sts:AssumeRole`` is granted on
  the ``RoleArn``);
- DynamoDB: an index queried (``table/NAME/index/INDEX``), the tables of a batch's
  ``RequestItems``, and each item of a transaction, whose action (``PutItem``,
  ``UpdateItem``, ``DeleteItem``, ``ConditionCheckItem``, ``GetItem``) is granted on its table
  (``harness.aws.iam.ITEM_ACTIONS``);
- a KMS ``KeyId`` and a Secrets Manager ``SecretId``: the key's or secret's ARN, from the
  request, or from the response when the request named it by id, alias or name;
- actions a call needs when its request sends a member (``s3:PutObjectAcl`` for a PutObject
  with an ``ACL``, ``ec2:CreateTags`` for an EC2 call with ``TagSpecifications``), on the
  call's own resources.

Resources that differ only in values generated per run (``orders-<uuid>``) are written once,
with ``*`` in their place, so a suite that names its resources per run gets a policy that
holds for the next run too.

``Resource: "*"`` only where no call of an action named anything narrower. Account ids that
are redaction placeholders (``999999990001``) are no account of yours: they are written as
``*`` unless ``account`` names the real one. Statements group the actions that need the same
resources; everything is sorted, so the same cassettes give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.audit.coverage import entries_of
from harness.aws.iam import (
    ITEM_ACTIONS,
    NAMED_RESOURCES,
    SECRET_SUFFIX,
    SNS_TOPIC,
    Actions,
    actions_of,
    iam_prefix,
)
from harness.cassettes.cassette import Entry
from harness.safe_text import one_line
from harness.secrets.placeholders import ACCOUNT_PREFIX

VERSION = "2012-10-17"
#: The size limit of a managed policy (characters, whitespace aside).
MANAGED_POLICY_LIMIT = 6144

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|aws)?:(?P<resource>[^\s\"'<>&]+)"
)
_ACCOUNT_IN_TEXT = re.compile(
    r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})[:/]|://[^/\s\"'<>]+/(\d{12})/"
)
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com")


@dataclass
class Grant:
    """One action and what it is needed on, with the calls that need it."""

    action: str
    resources: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)  # service:Operation labels
    reasons: set[str] = field(default_factory=set)  # where actions and resources come from
    wildcard: bool = False  # a call named nothing narrower


@dataclass
class PolicyResult:
    """The policy document, the report's statements, and notes on the whole."""

    document: dict[str, Any]
    statements: list[dict[str, Any]]
    notes: list[str]

    def policy_json(self) -> str:
        return json.dumps(self.document, indent=2) + "\n"

    def report_json(self) -> str:
        data = {"statements": self.statements, "notes": self.notes}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def report_text(self) -> str:
        lines = []
        for statement in self.statements:
            if not statement["actions"]:  # the calls that need no permission
                lines.append(f"needs no permission: {', '.join(statement['calls'])}")
                lines.extend(f"  - {why}" for why in statement["why"])
                continue
            lines.append(f"{statement['sid']}: {', '.join(statement['actions'])}")
            lines.append(f"  on {', '.join(statement['resources'])}")
            lines.append(f"  calls: {', '.join(statement['calls'])}")
            lines.extend(f"  - {why}" for why in statement["why"])
        lines.extend(f"note: {note}" for note in self.notes)
        # (names and ARNs come from cassettes: nothing in them may act on a terminal)
        return "\n".join(one_line(line) for line in lines) + "\n"


def derive(files: Iterable[Path], *, account: str | None = None) -> PolicyResult:
    """The policy the calls in ``files`` need (``account``: the id written for placeholders)."""
    entries: list[tuple[Entry, str]] = []
    accounts: set[str] = set()
    for path in files:
        for entry in entries_of(path):
            if entry.exchange is None:
                continue
            entries.append((entry, str(path)))
            accounts.update(_accounts(entry))
    real = {a for a in accounts if not a.startswith(ACCOUNT_PREFIX)}
    placeholders = sorted(accounts - real)
    # the one account the traffic shows (a placeholder too: written as --account or * below)
    known = next(iter(accounts)) if len(accounts) == 1 else None
    grants: dict[str, Grant] = {}
    for entry, _ in entries:
        _grant(grants, entry, known)
    notes = _notes(real, placeholders, account)
    document, statements = _statements(grants, account)
    size = len(re.sub(r"\s", "", json.dumps(document)))
    if size > MANAGED_POLICY_LIMIT:
        notes.append(
            f"the policy holds {size:,} characters (whitespace aside), over the "
            f"{MANAGED_POLICY_LIMIT:,} of a managed policy: split it, or use wildcards you choose"
        )
    return PolicyResult(document, statements, notes)


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


def _grant(grants: dict[str, Grant], entry: Entry, account: str | None) -> None:
    exchange = entry.exchange
    assert exchange is not None
    service, operation, params = exchange.service, exchange.operation, exchange.params
    label = f"{service}:{operation}"
    facts = actions_of(service, operation)
    region = region_of(entry)
    versioned = bool(params.get("VersionId") and facts.versioned)
    actions = facts.versioned if versioned else facts.actions
    why_action = _action_reason(label, facts, versioned)
    answer = _answer(entry)
    resources, why_resources = _resources(service, operation, params, region, account, answer)
    if facts.per_item:
        _grant_items(grants, label, params, region, account, facts.source)
    for dependent in facts.dependent:
        sent = [m for m in dependent.members if params.get(m)]
        if sent:
            grant = grants.setdefault(dependent.action, Grant(dependent.action))
            grant.calls.add(label)
            grant.reasons.add(
                f"{label}: sends {', '.join(sent)}, which needs {dependent.action} "
                f"({dependent.source})"
            )
            if resources:
                grant.resources.update(resources)
            else:
                grant.wildcard = True
    for action in actions:
        grant = grants.setdefault(action, Grant(action))
        grant.calls.add(label)
        grant.reasons.add(why_action)
        grant.reasons.update(why_resources)
        if resources:
            grant.resources.update(resources)
        else:
            grant.wildcard = True
    copy_source = params.get("CopySource")
    if facts.copy_source and isinstance(copy_source, str):
        source = _s3_object_arn(copy_source.split("?", 1)[0], region)
        for action in facts.copy_source:
            grant = grants.setdefault(action, Grant(action))
            grant.calls.add(label)
            grant.reasons.add(f"{label}: {action} on the object CopySource names ({facts.source})")
            if source:
                grant.resources.add(source)
            else:
                grant.wildcard = True
    for name, value in sorted(params.items()):
        if service in ("sts", "iam"):
            break  # a role assumed or managed, not handed to a service to act as
        if isinstance(value, str) and re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+", value):
            grant = grants.setdefault("iam:PassRole", Grant("iam:PassRole"))
            grant.calls.add(label)
            grant.resources.add(value)
            grant.reasons.add(f"{label}: passes the role in {name} (iam:PassRole)")
    if not actions and not facts.per_item:
        grant = grants.setdefault("", Grant(""))
        grant.calls.add(label)
        grant.reasons.add(f"{label}: needs no permission ({facts.source})")


def _answer(entry: Entry) -> dict[str, Any]:
    """The response of a JSON protocol call as data (empty for others, or when unreadable)."""
    try:
        found = json.loads(entry.response.body or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _grant_items(
    grants: dict[str, Grant],
    label: str,
    params: dict[str, Any],
    region: str | None,
    account: str | None,
    source: str,
) -> None:
    """Each item of a DynamoDB transaction: its action on its table."""
    template = NAMED_RESOURCES["dynamodb"][0].template
    for item in params.get("TransactItems") or []:
        if not isinstance(item, dict):
            continue
        for member, action in ITEM_ACTIONS.items():
            request = item.get(member)
            if not isinstance(request, dict) or not isinstance(request.get("TableName"), str):
                continue
            grant = grants.setdefault(action, Grant(action))
            grant.calls.add(label)
            grant.reasons.add(
                f"{label}: a {member} item is authorized as {action} on its table ({source})"
            )
            grant.resources.add(_named_arn(template, request["TableName"], region, account))


def _action_reason(label: str, facts: Actions, versioned: bool) -> str:
    actions = facts.versioned if versioned else facts.actions
    named = ", ".join(actions) or "nothing"
    version = " (a VersionId was sent)" if versioned else ""
    if facts.source.startswith("the operation's name"):
        return f"{label} -> {named}: {facts.source}"
    return f"{label} -> {named}{version}: {facts.source}"


def _resources(
    service: str,
    operation: str,
    params: dict[str, Any],
    region: str | None,
    account: str | None,
    answer: dict[str, Any] | None = None,
) -> tuple[set[str], list[str]]:
    """The ARNs a call acts on (empty: nothing narrower than ``*`` is known), and why."""
    label = f"{service}:{operation}"
    prefix, _ = iam_prefix(service)
    found: set[str] = set()
    why: list[str] = []
    if service == "s3":
        return _s3_resources(label, params, region)
    if service == "sts" and operation.startswith("AssumeRole"):
        role = params.get("RoleArn")
        if isinstance(role, str) and _ARN.fullmatch(role):
            return {role}, [f"{label}: resource from RoleArn (the role assumed)"]
    for member, answered in (("KeyId", ("KeyId", "Arn")), ("SecretId", ("ARN",))):
        named = params.get(member)
        if isinstance(named, str) and named:
            arn = named if _ARN.fullmatch(named) else _answered_arn(answer or {}, answered)
            if arn is None and member == "KeyId" and _UUID.fullmatch(named):
                arn = f"arn:{partition_of(region)}:kms:{region or '*'}:{account or '*'}:key/{named}"
            if arn is not None:
                found.add(arn)
                why.append(
                    f"{label}: resource from {member} (the ARN of what it names, from the "
                    "request or its answer)"
                )
    if service == "kms" and "KeyId" not in params and params.get("CiphertextBlob"):
        arn = _answered_arn(answer or {}, ("KeyId",))  # Decrypt: the key the answer names
        if arn is not None:
            found.add(arn)
            why.append(f"{label}: resource from the KeyId of the answer (the key it used)")
    if service == "dynamodb":
        found.update(_dynamodb_resources(params, region, account, why, label))
    for name, value in sorted(params.items()):
        if isinstance(value, str):
            match = _ARN.fullmatch(value)
            if match and match.group("service") == prefix:
                found.add(value)
                why.append(f"{label}: resource from the ARN in {name}")
    queue_url = params.get("QueueUrl")
    if service == "sqs" and isinstance(queue_url, str):
        arn = _queue_arn(queue_url, region)
        if arn:
            found.add(arn)
            why.append(f"{label}: resource from QueueUrl (arn:aws:sqs:region:account:name)")
    named = list(NAMED_RESOURCES.get(service, ()))
    if (service, operation) == ("sns", "CreateTopic"):
        named.append(SNS_TOPIC)
    for resource in named:
        value = params.get(resource.member)
        if not isinstance(value, str) or not value or value.startswith("arn:"):
            continue
        arn = _named_arn(resource.template, value, region, account)
        found.add(arn)
        why.append(
            f"{label}: resource from {resource.member} as {resource.template} ({resource.source})"
        )
    return found, why


_ACCOUNT = re.compile(r"\d{12}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _answered_arn(answer: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The ARN a response gives the resource the request named (top level, or one level
    down: KMS DescribeKey's ``KeyMetadata.Arn``)."""
    for holder in (answer, *(v for v in answer.values() if isinstance(v, dict))):
        for name in names:
            value = holder.get(name)
            if isinstance(value, str) and _ARN.fullmatch(value):
                return value
    return None


def _dynamodb_resources(
    params: dict[str, Any], region: str | None, account: str | None, why: list[str], label: str
) -> set[str]:
    """An index a call reads (beside its table), and the tables a batch names."""
    template = NAMED_RESOURCES["dynamodb"][0].template
    found: set[str] = set()
    table, index = params.get("TableName"), params.get("IndexName")
    if isinstance(table, str) and isinstance(index, str) and index:
        found.add(_named_arn(template, table, region, account) + f"/index/{index}")
        why.append(f"{label}: resource from IndexName (table/NAME/index/INDEX)")
    items = params.get("RequestItems")
    if isinstance(items, dict):
        found.update(_named_arn(template, name, region, account) for name in items)
        why.append(f"{label}: resources from the tables RequestItems names")
    return found


def _named_arn(template: str, value: str, region: str | None, account: str | None) -> str:
    if ":function:" in value:  # a Lambda partial ARN: account:function:name
        return f"arn:{partition_of(region)}:lambda:{region or '*'}:{value}"
    return template.format(
        partition=partition_of(region), region=region or "*", account=account or "*", name=value
    )


def _queue_arn(url: str, region: str | None) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) != 2 or not re.fullmatch(r"\d{12}", parts[0]):
        return None
    host = _REGION_IN_HOST.search(urlsplit(url).netloc) or re.search(
        r"sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.", url
    )
    where = host.group(1) if host else region or "*"
    return f"arn:{partition_of(where)}:sqs:{where}:{parts[0]}:{parts[1]}"


def _s3_resources(
    label: str, params: dict[str, Any], region: str | None
) -> tuple[set[str], list[str]]:
    bucket = params.get("Bucket")
    if not isinstance(bucket, str) or not bucket:
        return set(), []
    keys: list[str] = []
    if isinstance(params.get("Key"), str):
        keys.append(params["Key"])
    delete = params.get("Delete")
    if isinstance(delete, dict):
        keys += [
            o["Key"] for o in delete.get("Objects") or [] if isinstance(o, dict) and "Key" in o
        ]
    partition = partition_of(region)
    if bucket.startswith("arn:"):  # an access point (or Outposts bucket) ARN
        base, what = bucket, "the access point ARN in Bucket"
        found = {f"{base}/object/{key}" for key in keys} if keys else {base}
    else:
        base, what = f"arn:{partition}:s3:::{bucket}", "Bucket"
        found = {f"{base}/{key}" for key in keys} if keys else {base}
    kind = "Bucket and Key (an object)" if keys else f"{what} (a bucket)"
    return found, [f"{label}: resource from {kind}"]


def _s3_object_arn(copy_source: str, region: str | None) -> str | None:
    source = unquote(copy_source).lstrip("/")
    bucket, _, key = source.partition("/")
    if not bucket or not key:
        return None
    return f"arn:{partition_of(region)}:s3:::{bucket}/{key}"


# --------------------------------------------------------------------------- the document


def _with_account(resource: str, account: str | None) -> str:
    """A resource with each placeholder account written as ``account`` (or ``*``)."""
    return re.sub(
        rf"(?<=:){ACCOUNT_PREFIX}\d{{4}}(?=[:/])|(?<=:){ACCOUNT_PREFIX}\d{{4}}$",
        account or "*",
        resource,
    )


def _statements(
    grants: dict[str, Grant], account: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Actions grouped by the resources they need, sorted; and each statement explained."""
    groups: dict[tuple[str, ...], list[Grant]] = defaultdict(list)
    for action, grant in grants.items():
        if not action:
            continue  # calls that need no permission: said in the report only
        if grant.wildcard:
            resources: tuple[str, ...] = ("*",)
        else:
            resources = _compacted({_with_account(r, account) for r in grant.resources})
        groups[resources].append(grant)
    ordered = sorted(groups.items(), key=lambda item: (sorted(g.action for g in item[1]), item[0]))
    document_statements = []
    explained = []
    used_sids: set[str] = set()
    for resources, members in ordered:
        actions = sorted(g.action for g in members)
        sid = _sid(actions, used_sids)
        document_statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": list(resources),
            }
        )
        why = sorted({reason for g in members for reason in g.reasons})
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
                "calls": sorted({c for g in members for c in g.calls}),
                "why": why,
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
            }
        )
    return {"Version": VERSION, "Statement": document_statements}, explained


def _compacted(resources: set[str]) -> tuple[str, ...]:
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
        generated = [g for g in found if made_up(g) and not _ACCOUNT.fullmatch(g.value)]
        wild = resource
        for item in sorted(generated, key=lambda g: -len(g.value)):
            wild = wild.replace(item.value, "*")
        groups[wild].add(resource)
    return tuple(sorted(groups))


def _sid(actions: list[str], used: set[str]) -> str:
    """A statement id (letters and digits) from its first action, unique in the policy."""
    prefix, _, name = actions[0].partition(":")
    base = re.sub(r"[^A-Za-z0-9]", "", prefix[:1].upper() + prefix[1:] + name) or "Statement"
    sid, number = base, 1
    while sid in used:
        number += 1
        sid = f"{base}{number}"
    used.add(sid)
    return sid


def _notes(real: set[str], placeholders: list[str], account: str | None) -> list[str]:
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
    elif not real and not placeholders:
        notes.append(
            "no account id in the traffic: a resource named without an ARN gets * as its account"
        )
    return notes


__all__ = ["MANAGED_POLICY_LIMIT", "VERSION", "PolicyResult", "derive", "region_of"]
