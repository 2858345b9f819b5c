"""Condition keys a recorded request sets: ``harness policy --conditions``.

The Service Authorization Reference lists, per action, the condition keys IAM can test
(``harness.aws.iam_data``: an action's ``conditions``). A few of them are the value of one
request member as sent: S3's ``s3:x-amz-acl`` is the ``x-amz-acl`` header (``ACL``),
DynamoDB's ``dynamodb:Select`` the ``Select`` parameter, KMS's ``kms:KeySpec`` the ``KeySpec``
of ``CreateKey``. For those, the recorded calls say which values the code sends, and a
policy can allow only those.

The rule, general and conservative (each part keeps the policy from denying a recorded call):

- the key is of the action's own service (``s3:...`` for an ``s3:`` action; no global
  ``aws:`` key) and the reference lists it for the action;
- it names a top-level input member of the operation: its name, or the header it is sent in
  (``s3:x-amz-acl`` is ``ACL``, sent as ``x-amz-acl``; ``s3:object-lock-mode`` is
  ``ObjectLockMode``, sent as ``x-amz-object-lock-mode``), compared without case;
- that member is an enum string or a boolean in botocore's model: a value from a fixed list
  (``private``, ``ALL_ATTRIBUTES``), never a name, key, prefix or ARN that a test generates
  per run (so the condition holds for the next run too);
- the key is the condition key of no resource type the action takes (EC2's
  ``ec2:InstanceType`` is the ``instance``'s: tested on that resource only, it would deny
  ``RunInstances`` on the image and subnet it also names);
- **every** call the action authorizes sent the member (``StringEquals`` / ``Bool`` on the
  values seen): a key one call does not set is absent from that call's request, and a
  condition on it would deny that call. ``PutObject`` with an ACL and ``UploadPart`` both
  need ``s3:PutObject``; ``UploadPart`` sends no ACL: no condition on ``s3:x-amz-acl``.

Actions granted for another reason than the operation's own authorization (dependent
actions such as ``s3:PutObjectAcl`` of a ``PutObject``, the source of a copy, a DynamoDB
transaction's items, ``iam:PassRole``) get no condition: what their request context holds
is not documented action by action.

Not derived: keys whose value is data or a name (``dynamodb:LeadingKeys``, the partition
keys of the items, which the request does not mark; ``s3:prefix``; ``kms:EncryptionContext:``
keys; tags, ``aws:RequestTag/...``), keys of several values (``dynamodb:Attributes``), and keys
set by the caller's context rather than the request (``aws:SourceIp``, ``kms:ViaService``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from harness.aws import iam_data
from harness.aws.iam import condition_keys
from harness.aws.models import service_model

#: key -> (operator, member, value) that one call sets.
Determined = dict[str, tuple[str, str, str]]
#: key -> (operator, member, values) that every call of an action set (None: no call yet).
Seen = dict[str, tuple[str, str, frozenset[str]]]

_NAME = re.compile(r"[A-Za-z0-9-]+")


@functools.cache
def _resource_scoped(action: str) -> frozenset[str]:
    """The condition keys the reference lists for one of the resource types ``action``
    takes (tested on that resource, not on the others the statement names)."""
    prefix, _, name = action.partition(":")
    data = iam_data.service(prefix)
    if data is None or name not in data["actions"]:
        return frozenset()
    kinds = [kind.rstrip("*") for kind in data["actions"][name].get("resources", ())]
    return frozenset(
        key for kind in kinds for key in data["resources"].get(kind, {}).get("conditions", ())
    )


@functools.cache
def keys_of(service: str, operation: str, action: str) -> tuple[tuple[str, str, str], ...]:
    """(key, member, operator) for each condition key of ``action`` that a member of
    ``service:operation``'s request sets (see the module's docstring)."""
    prefix = action.partition(":")[0]
    keys = condition_keys(action)
    if not keys:
        return ()
    try:
        shape = service_model(service).operation_model(operation).input_shape
    except Exception:  # (an operation botocore no longer knows: nothing is derived)
        return ()
    if shape is None:
        return ()
    members: dict[str, tuple[str, str]] = {}
    for name, member in shape.members.items():
        if member.type_name == "string" and getattr(member, "enum", None):
            operator = "StringEquals"
        elif member.type_name == "boolean":
            operator = "Bool"
        else:
            continue
        names = [name]
        if member.serialization.get("location") == "header":
            header = str(member.serialization.get("name") or "")
            names += [header, header.removeprefix("x-amz-")]
        for spelt in names:
            if spelt:
                members.setdefault(spelt.lower(), (name, operator))
    scoped = _resource_scoped(action)
    found = []
    for key in keys:
        key_prefix, _, name = key.partition(":")
        if key_prefix != prefix or key in scoped or not _NAME.fullmatch(name):
            continue
        match = members.get(name.lower())
        if match is not None:
            found.append((key, match[0], match[1]))
    return tuple(found)


def determined(service: str, operation: str, action: str, params: dict[str, Any]) -> Determined:
    """The condition keys of ``action`` this call's request sets, with their values."""
    found: Determined = {}
    for key, member, operator in keys_of(service, operation, action):
        value = params.get(member)
        if operator == "Bool" and isinstance(value, bool):
            found[key] = (operator, member, "true" if value else "false")
        elif operator == "StringEquals" and isinstance(value, str) and value:
            found[key] = (operator, member, value)
    return found


def merged(seen: Seen | None, call: Determined | Seen) -> Seen:
    """The keys every call set so far (``seen``; None before the first call) and this one
    set too, with the values of all of them."""
    values: Seen = {
        key: (operator, member, frozenset([found]) if isinstance(found, str) else found)
        for key, (operator, member, found) in call.items()
    }
    if seen is None:
        return values
    return {
        key: (operator, member, found | values[key][2])
        for key, (operator, member, found) in seen.items()
        if key in values and values[key][0] == operator
    }


def condition_block(seen: Seen | None) -> dict[str, dict[str, Any]]:
    """The policy's ``Condition`` of what every call set (``{}``: none): one value as a
    string, several as a sorted list (any of them)."""
    block: dict[str, dict[str, Any]] = {}
    for key, (operator, _, values) in sorted((seen or {}).items()):
        ordered = sorted(values)
        block.setdefault(operator, {})[key] = ordered[0] if len(ordered) == 1 else ordered
    return dict(sorted(block.items()))


def reasons(action: str, seen: Seen | None) -> list[str]:
    """Why each key of the condition is there."""
    out = []
    for key, (operator, member, values) in sorted((seen or {}).items()):
        shown = ", ".join(sorted(values))
        out.append(
            f"Condition {operator} {key} = {shown}: every call of {action} sent {member} "
            f"(the reference lists {key} for {action})"
        )
    return out


__all__ = ["Determined", "Seen", "condition_block", "determined", "keys_of", "merged", "reasons"]
