"""What IAM authorizes each botocore operation with: AWS's authorization data first, hand rules
only where that data lacks the fact.

The facts come from the Service Authorization Reference (``harness.aws.iam_data``: a committed
extract of it, refreshed by a sweep):

- the **actions** of an operation: the action of the operation's own name when the reference
  lists one, else the actions whose documentation link names the operation's API page
  (``s3:ListBucket`` for ``ListObjectsV2``, ``lambda:InvokeFunction`` for ``Invoke``,
  ``kms:ReEncryptFrom`` and ``kms:ReEncryptTo`` for ``ReEncrypt``); for S3 the
  ``...ObjectVersion...`` action linked to the same page is the one a request naming a
  ``VersionId`` needs;
- the **resource types** of each action (required or not) and their **ARN formats**
  (``resource_types``), which ``harness.audit.policy`` fills from the request;
- the **dependent actions** of each action, granted when the request sends what they depend
  on (``DEPENDENT_WHEN``, ``TAGGING_MEMBERS``) and otherwise only reported.

The hand rules, each with the sentence of AWS's documentation it comes from:

- ``PREFIXES``: botocore services whose IAM prefix is neither their signing name nor their
  endpoint prefix (the reference has no botocore names);
- ``ACTIONS``: operations the reference lists under no action of theirs (S3's ``HeadObject``,
  SQS and SNS batches, DynamoDB transactions, STS ``GetCallerIdentity``), checked by
  ``tests/aws/test_iam_data.py`` to be exactly those and to name actions it lists;
- ``WHEN_SENT``: actions a request member needs that the reference does not list as dependent
  (``s3:PutObjectAcl`` for a PutObject with an ``ACL``);
- ``ITEM_ACTIONS``: the action of each item of a DynamoDB transaction;
- ``MEMBER_ALIASES``: request members that fill an ARN format's variable of another name (an
  S3 ``Key`` is its ``${ObjectName}``).

``MODEL_DOC`` as a source means the operation's own documentation in botocore's model says
it (``tests/audit/test_coverage_policy.py`` checks that each such action is named there).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from harness.aws import iam_data
from harness.aws.models import service_model

#: The operation's documentation in botocore's model (its "Permissions" section).
MODEL_DOC = "botocore model: the operation's documentation"
SAR = iam_data.SAR
S3_PERMISSIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
)
S3_MULTIPART = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html"
S3_VERSIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
    " (an object version needs the ...ObjectVersion... action)"
)
SQS_PERMISSIONS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-api-permissions-reference.html"
)
SNS_PERMISSIONS = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-"
    "reference.html"
)
LAMBDA_ACTIONS = SAR + "list_awslambda.html"
DYNAMODB_TRANSACTIONS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html"
)
S3_ACL = (
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax"
)
EC2_TAG_ON_CREATE = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html"
)
TAG_ON_CREATE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-requests"
)


@dataclass(frozen=True)
class Prefix:
    """A service's IAM prefix where it is neither the model's signing name nor its endpoint
    prefix."""

    prefix: str
    source: str


PREFIXES: dict[str, Prefix] = {
    # botocore's cloudwatch model signs as "monitoring"; IAM actions are cloudwatch:*
    "cloudwatch": Prefix("cloudwatch", SAR + "list_amazoncloudwatch.html"),
    "iot-data": Prefix("iot", SAR + "list_awsiot.html"),
    "iot-jobs-data": Prefix("iotjobsdata", SAR + "list_awsiotjobsdataplane.html"),
}


@dataclass(frozen=True)
class WhenSent:
    """An action a call needs besides its own when its request sends one of ``members``
    (a dependent action: S3's ``PutObject`` with an ``ACL`` also needs ``s3:PutObjectAcl``)."""

    members: tuple[str, ...]
    action: str
    source: str


@dataclass(kw_only=True, frozen=True)
class Actions:
    """The IAM actions that authorize one operation (``()``: none needed)."""

    actions: tuple[str, ...]
    source: str
    #: the actions instead, when the request names a version (``VersionId``)
    versioned: tuple[str, ...] = ()
    #: actions on the object a copy reads (``CopySource``)
    copy_source: tuple[str, ...] = ()
    note: str = ""
    #: authorized item by item (``ITEM_ACTIONS``): the operation has no action of its own
    per_item: bool = False
    dependent: tuple[WhenSent, ...] = ()
    #: dependent actions the reference lists that no request member known here triggers
    #: (reported, not granted)
    unbound_dependent: tuple[str, ...] = ()
    #: the reference lists the action(s): their resource types are known
    in_reference: bool = False


_S3_ACL_MEMBERS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")
_S3_ACL = WhenSent(_S3_ACL_MEMBERS, "s3:PutObjectAcl", S3_ACL)
_S3_TAGGING = WhenSent(("Tagging",), "s3:PutObjectTagging", S3_ACL)
#: An EC2 call that tags what it creates (``TagSpecifications``) needs ``ec2:CreateTags``.
EC2_TAGGING = WhenSent(("TagSpecifications",), "ec2:CreateTags", EC2_TAG_ON_CREATE)

#: Actions a request member needs that the reference does not list as dependent: "To use
#: [the ACL headers] you must have s3:PutObjectAcl", "to add tags (Tagging) you need
#: s3:PutObjectTagging" (the PutObject API reference).
WHEN_SENT: dict[tuple[str, str], tuple[WhenSent, ...]] = {
    ("s3", "PutObject"): (_S3_ACL, _S3_TAGGING),
    ("s3", "CopyObject"): (_S3_ACL, _S3_TAGGING),
    ("s3", "CreateMultipartUpload"): (_S3_ACL, _S3_TAGGING),
}

#: Members that carry the tags of what a call creates: a dependent tagging action
#: (``kms:TagResource`` of ``CreateKey``, ``ec2:CreateTags`` of ``RunInstances``) is needed
#: when one is sent ("to tag a resource on create, you need permission for the tagging
#: action": TAG_ON_CREATE).
TAGGING_MEMBERS = ("Tags", "TagSpecifications", "tags", "Tagging", "TagList")
_TAGGING_ACTION = re.compile(r":(?:CreateTags|TagResource|AddTags\w*|Tag[A-Z]\w*)$")

#: Dependent actions the reference lists, and the request member that makes a call need them
#: (besides tagging, and ``iam:PassRole``, which ``harness.audit.policy`` grants on each role
#: ARN a request passes).
DEPENDENT_WHEN: dict[str, tuple[str, str]] = {
    # "If you specify publish as true, you need states:PublishStateMachineVersion"
    "states:PublishStateMachineVersion": (
        "publish",
        "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
    ),
}

#: DynamoDB transactions are authorized by the action of each item on its table ("There
#: are no IAM actions specific to transactions"): the member of a transaction item and the
#: action it needs.
ITEM_ACTIONS: dict[str, str] = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


#: Operations the reference lists under no action of theirs (no action of the operation's
#: name, none whose documentation link names it), with the action AWS's guides give.
ACTIONS: dict[tuple[str, str], Actions] = {
    # --- S3: bucket operations
    ("s3", "ListObjects"): Actions(actions=("s3:ListBucket",), source=S3_PERMISSIONS),
    ("s3", "HeadBucket"): Actions(actions=("s3:ListBucket",), source=MODEL_DOC),
    ("s3", "DeleteBucketCors"): Actions(actions=("s3:PutBucketCORS",), source=MODEL_DOC),
    ("s3", "DeleteBucketLifecycle"): Actions(
        actions=("s3:PutLifecycleConfiguration",), source=MODEL_DOC
    ),
    ("s3", "GetBucketNotificationConfiguration"): Actions(
        actions=("s3:GetBucketNotification",), source=MODEL_DOC
    ),
    ("s3", "PutBucketNotificationConfiguration"): Actions(
        actions=("s3:PutBucketNotification",), source=MODEL_DOC
    ),
    ("s3", "DeleteBucketEncryption"): Actions(
        actions=("s3:PutEncryptionConfiguration",), source=MODEL_DOC
    ),
    ("s3", "DeleteBucketTagging"): Actions(actions=("s3:PutBucketTagging",), source=MODEL_DOC),
    ("s3", "DeletePublicAccessBlock"): Actions(
        actions=("s3:PutBucketPublicAccessBlock",), source=MODEL_DOC
    ),
    ("s3", "DeleteBucketReplication"): Actions(
        actions=("s3:PutReplicationConfiguration",), source=MODEL_DOC
    ),
    ("s3", "DeleteBucketOwnershipControls"): Actions(
        actions=("s3:PutBucketOwnershipControls",), source=MODEL_DOC
    ),
    ("s3", "ListBucketAnalyticsConfigurations"): Actions(
        actions=("s3:GetAnalyticsConfiguration",), source=MODEL_DOC
    ),
    ("s3", "DeleteBucketAnalyticsConfiguration"): Actions(
        actions=("s3:PutAnalyticsConfiguration",), source=MODEL_DOC
    ),
    ("s3", "ListBucketInventoryConfigurations"): Actions(
        actions=("s3:GetInventoryConfiguration",), source=MODEL_DOC
    ),
    ("s3", "ListBucketMetricsConfigurations"): Actions(
        actions=("s3:GetMetricsConfiguration",), source=MODEL_DOC
    ),
    # --- S3: object operations
    # its documentation: "the relevant read object (or version) permission"
    ("s3", "HeadObject"): Actions(
        actions=("s3:GetObject",), source=S3_PERMISSIONS, versioned=("s3:GetObjectVersion",)
    ),
    ("s3", "DeleteObjects"): Actions(
        actions=("s3:DeleteObject",),
        source=MODEL_DOC,
        versioned=("s3:DeleteObjectVersion",),
        note="on each key of Delete.Objects",
    ),
    ("s3", "SelectObjectContent"): Actions(actions=("s3:GetObject",), source=MODEL_DOC),
    ("s3", "UploadPartCopy"): Actions(
        actions=("s3:PutObject",), source=MODEL_DOC, copy_source=("s3:GetObject",)
    ),
    ("s3", "CreateMultipartUpload"): Actions(actions=("s3:PutObject",), source=S3_MULTIPART),
    ("s3", "UploadPart"): Actions(actions=("s3:PutObject",), source=S3_MULTIPART),
    ("s3", "CompleteMultipartUpload"): Actions(actions=("s3:PutObject",), source=S3_MULTIPART),
    ("s3", "CopyObject"): Actions(
        actions=("s3:PutObject",), source=MODEL_DOC, copy_source=("s3:GetObject",)
    ),
    # --- SQS: a batch is authorized by the action of one message
    ("sqs", "SendMessageBatch"): Actions(actions=("sqs:SendMessage",), source=SQS_PERMISSIONS),
    ("sqs", "DeleteMessageBatch"): Actions(actions=("sqs:DeleteMessage",), source=SQS_PERMISSIONS),
    ("sqs", "ChangeMessageVisibilityBatch"): Actions(
        actions=("sqs:ChangeMessageVisibility",), source=SQS_PERMISSIONS
    ),
    # --- SNS
    ("sns", "PublishBatch"): Actions(actions=("sns:Publish",), source=SNS_PERMISSIONS),
    # --- Lambda: the Invoke API is the InvokeFunction action (the reference links Invoke only)
    ("lambda", "InvokeWithResponseStream"): Actions(
        actions=("lambda:InvokeFunction",), source=LAMBDA_ACTIONS
    ),
    # --- DynamoDB transactions: the actions of their items (ITEM_ACTIONS)
    ("dynamodb", "TransactWriteItems"): Actions(
        actions=(), source=DYNAMODB_TRANSACTIONS, per_item=True
    ),
    ("dynamodb", "TransactGetItems"): Actions(
        actions=(), source=DYNAMODB_TRANSACTIONS, per_item=True
    ),
}

#: Operations the reference lists an action for that AWS's own API documentation says needs
#: no permission (the reference's action exists to be denied explicitly).
NO_PERMISSION: dict[tuple[str, str], str] = {
    # "No permissions are required to perform this operation."
    ("sts", "GetCallerIdentity"): MODEL_DOC,
}


@dataclass(frozen=True)
class ResourceType:
    """A resource type an action takes, from the reference: its name, whether the reference
    marks it required (``*``), and its ARN format (``arn:${Partition}:...:table/${TableName}``)."""

    name: str
    required: bool
    arn: str


#: Request members that fill an ARN format's variable of another name (``${BucketName}`` is
#: the request's ``Bucket``): keyed by the IAM prefix and the variable, or the variable alone.
MEMBER_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "BucketName"): ("Bucket",),
    ("dynamodb", "TableName"): ("TableName", "RequestItems"),  # a batch: each table
    ("s3", "ObjectName"): ("Key", "Delete.Objects.Key"),  # DeleteObjects: each key
    ("secretsmanager", "SecretId"): ("SecretId", "Name"),
    ("sns", "TopicName"): ("Name",),  # CreateTopic
    ("iam", "RoleNameWithPath"): ("RoleName",),
    ("kms", "Alias"): ("AliasName",),
    ("kms", "KeyId"): ("KeyId", "TargetKeyId"),
    ("states", "StateMachineName"): ("name",),  # CreateStateMachine
    ("ec2", "KeyPairName"): ("KeyName",),
    ("ec2", "SecurityGroupId"): ("SecurityGroupIds",),
    ("ec2", "InstanceId"): ("InstanceIds",),
}


def iam_prefix(service: str) -> tuple[str, str]:
    """The IAM prefix of ``service`` and where it comes from: the table's; the model's signing
    name, else endpoint prefix, when the reference has that prefix; else the prefix whose
    actions name the most of the service's operations (at least half of them)."""
    found = PREFIXES.get(service)
    if found is not None:
        return found.prefix, found.source
    metadata = service_model(service).metadata
    known = set(iam_data.prefixes())
    for field in ("signingName", "endpointPrefix"):
        name = metadata.get(field)
        if name and name in known:
            return str(name), f"botocore model: {field} (a prefix of the reference)"
    best = _best_prefix(service)
    if best is not None:
        return best, "the reference's prefix whose actions name most of the service's operations"
    name = metadata.get("signingName") or metadata["endpointPrefix"]
    field = "signingName" if metadata.get("signingName") else "endpointPrefix"
    return str(name), f"botocore model: {field} (not a prefix of the reference)"


@functools.cache
def _best_prefix(service: str) -> str | None:
    operations = set(service_model(service).operation_names)
    if not operations:
        return None
    scored = sorted(
        (-len(operations & set(iam_data.service(p)["actions"])), p)  # type: ignore[index]
        for p in iam_data.prefixes()
    )
    score, prefix = scored[0]
    return prefix if -score * 2 >= len(operations) else None


def _linked(prefix: str, service: str, operation: str) -> tuple[str, ...]:
    """The actions of ``prefix`` whose documentation link names ``operation``'s API page
    (S3 Control's pages are ``API_control_<Operation>``)."""
    data = iam_data.service(prefix)
    if data is None:
        return ()
    page = f"control_{operation}" if service == "s3control" else operation
    return tuple(sorted(a for a, e in data["actions"].items() if e.get("api") == page))


@functools.cache
def actions_of(service: str, operation: str) -> Actions:
    """The actions authorizing ``service:operation``: the reference's, else the table's, else
    ``prefix:Operation`` (said to be in neither)."""
    if (service, operation) in NO_PERMISSION:
        return Actions(actions=(), source=NO_PERMISSION[(service, operation)])
    prefix, prefix_source = iam_prefix(service)
    data = iam_data.service(prefix)
    found = ACTIONS.get((service, operation))
    sent = WHEN_SENT.get((service, operation), ())
    if found is not None:
        return _with_dependents(found, sent)
    linked = _linked(prefix, service, operation)
    url = data["url"] if data else SAR
    if data is not None and operation in data["actions"]:
        own = f"{prefix}:{operation}"
        version = operation.replace("Object", "ObjectVersion", 1)
        versioned = (f"{prefix}:{version}",) if prefix == "s3" and version in linked else ()
        facts = Actions(
            actions=(own,),
            source=f"the Service Authorization Reference ({url})",
            versioned=versioned,
            in_reference=True,
        )
        return _with_dependents(facts, sent)
    if linked:
        facts = Actions(
            actions=tuple(f"{prefix}:{a}" for a in linked),
            source=f"the Service Authorization Reference: its documentation link names {operation} "
            f"({url})",
            in_reference=True,
        )
        return _with_dependents(facts, sent)
    dependent = (EC2_TAGGING,) if service == "ec2" and _sends_tags(service, operation) else ()
    return Actions(
        actions=(f"{prefix}:{operation}",),
        source=f"the operation's name (not in the Service Authorization Reference); prefix from "
        f"{prefix_source}",
        dependent=dependent + sent,
    )


def _sends_tags(service: str, operation: str) -> bool:
    return "TagSpecifications" in _input_members(service, operation)


def _with_dependents(facts: Actions, sent: tuple[WhenSent, ...]) -> Actions:
    """``facts`` with the reference's dependent actions of its actions: granted when the
    request sends what they depend on, else listed as not granted."""
    when = list(facts.dependent) + list(sent)
    unbound: list[str] = []
    for action in facts.actions:
        for dependent in dependent_actions(action):
            if dependent == "iam:PassRole" or any(w.action == dependent for w in when):
                continue  # PassRole: granted on each role ARN a request passes
            if _TAGGING_ACTION.search(dependent):
                source = EC2_TAG_ON_CREATE if dependent == "ec2:CreateTags" else TAG_ON_CREATE
                when.append(WhenSent(TAGGING_MEMBERS, dependent, source))
            elif dependent in DEPENDENT_WHEN:
                member, source = DEPENDENT_WHEN[dependent]
                when.append(WhenSent((member,), dependent, source))
            elif dependent not in unbound:
                unbound.append(dependent)
    return Actions(
        actions=facts.actions,
        source=facts.source,
        versioned=facts.versioned,
        copy_source=facts.copy_source,
        note=facts.note,
        per_item=facts.per_item,
        dependent=tuple(when),
        unbound_dependent=tuple(unbound),
        in_reference=facts.in_reference,
    )


def _split(action: str) -> tuple[str, str]:
    prefix, _, name = action.partition(":")
    return prefix, name


def dependent_actions(action: str) -> tuple[str, ...]:
    """The dependent actions the reference lists for ``action``."""
    prefix, name = _split(action)
    data = iam_data.service(prefix)
    if data is None or name not in data["actions"]:
        return ()
    return tuple(data["actions"][name].get("dependent", ()))


def resource_types(action: str) -> tuple[ResourceType, ...] | None:
    """The resource types the reference lists for ``action`` (``None``: it lists no such
    action; ``()``: the action takes no resource, only ``*``)."""
    prefix, name = _split(action)
    data = iam_data.service(prefix)
    if data is None or name not in data["actions"]:
        return None
    found = []
    for kind in data["actions"][name].get("resources", ()):
        base = kind.rstrip("*")
        arn = data["resources"].get(base, {}).get("arn")
        if arn:
            found.append(ResourceType(base, kind.endswith("*"), arn))
    return tuple(found)


def resource_arn(prefix: str, kind: str) -> str | None:
    """The ARN format of ``prefix``'s resource type ``kind``."""
    data = iam_data.service(prefix)
    if data is None:
        return None
    found = data["resources"].get(kind, {}).get("arn")
    return str(found) if found else None


def condition_keys(action: str) -> tuple[str, ...]:
    """The condition keys the reference lists for ``action``."""
    prefix, name = _split(action)
    data = iam_data.service(prefix)
    if data is None or name not in data["actions"]:
        return ()
    return tuple(data["actions"][name].get("conditions", ()))


def service_url(action: str) -> str:
    data = iam_data.service(_split(action)[0])
    return str(data["url"]) if data else SAR


def members_for(prefix: str, variable: str) -> tuple[str, ...]:
    """The request members that may fill ``${variable}`` of an ARN format of ``prefix``: the
    aliases, then the variable's own name (``TableName``), lowerCamel (``stateMachineName``)
    and plural (``InstanceIds``)."""
    own = (variable, variable[:1].lower() + variable[1:], variable + "s")
    return MEMBER_ALIASES.get((prefix, variable), ()) + own


#: "Secrets Manager appends a hyphen and six random characters to the secret name in the
#: ARN": a policy names a secret as ``secret:NAME-??????`` so it holds for the secret made
#: again under the same name.
SECRET_SUFFIX = re.compile(r"(?<=:secret:)(?P<name>[^:]+)-[A-Za-z0-9]{6}$")
SECRET_SUFFIX_SOURCE = (
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
    "auth-and-access_resource-policies.html"
)


def _input_members(service: str, operation: str) -> tuple[str, ...]:
    shape = service_model(service).operation_model(operation).input_shape
    return tuple(shape.members) if shape is not None else ()


__all__ = [
    "ACTIONS",
    "DEPENDENT_WHEN",
    "EC2_TAGGING",
    "ITEM_ACTIONS",
    "MEMBER_ALIASES",
    "MODEL_DOC",
    "NO_PERMISSION",
    "PREFIXES",
    "SECRET_SUFFIX",
    "TAGGING_MEMBERS",
    "WHEN_SENT",
    "Actions",
    "ResourceType",
    "WhenSent",
    "actions_of",
    "condition_keys",
    "dependent_actions",
    "iam_prefix",
    "members_for",
    "resource_arn",
    "resource_types",
]
