"""IAM facts botocore's models do not state as data: the one table ``harness policy`` reads.

An operation's IAM action is ``<prefix>:<OperationName>`` in most cases: the prefix is the
service's ``signingName`` (else its ``endpointPrefix``) in botocore's model, the name the
operation's. This module lists only where that is not so, each entry with where the fact is
stated:

- ``PREFIXES``: services whose IAM prefix is not their signing name;
- ``ACTIONS``: operations authorized by actions of other names (S3's ``ListObjectsV2`` by
  ``s3:ListBucket``), by several actions, by other actions when a version is named, or by none;
- ``NAMED_RESOURCES``: members that name a resource without its ARN (a DynamoDB
  ``TableName``), and the ARN they stand for.

``MODEL_DOC`` as a source means the operation's own documentation in botocore's model says
it (``tests/audit/test_coverage_policy.py`` checks that each such action is named there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.aws.models import service_model

#: The operation's documentation in botocore's model (its "Permissions" section).
MODEL_DOC = "botocore model: the operation's documentation"
S3_PERMISSIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
)
S3_MULTIPART = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html"
SQS_PERMISSIONS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-api-permissions-reference.html"
)
SNS_PERMISSIONS = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-"
    "reference.html"
)
LAMBDA_ACTIONS = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html"
)
SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"


@dataclass(frozen=True)
class Prefix:
    """A service's IAM prefix where it is not the model's signing name."""

    prefix: str
    source: str


PREFIXES: dict[str, Prefix] = {
    # botocore's cloudwatch model signs as "monitoring"; IAM actions are cloudwatch:*
    "cloudwatch": Prefix("cloudwatch", SAR + "list_amazoncloudwatch.html"),
    "iot-data": Prefix("iot", SAR + "list_awsiot.html"),
    "iot-jobs-data": Prefix("iotjobsdata", SAR + "list_awsiotjobsdataplane.html"),
}


DYNAMODB_TRANSACTIONS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html"
)
S3_ACL = (
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax"
)
EC2_TAG_ON_CREATE = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html"
)


@dataclass(frozen=True)
class WhenSent:
    """An action a call needs besides its own when its request sends one of ``members``
    (a dependent action: S3's ``PutObject`` with an ``ACL`` also needs ``s3:PutObjectAcl``)."""

    members: tuple[str, ...]
    action: str
    source: str


@dataclass(frozen=True)
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


_S3_ACL_MEMBERS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")
_S3_ACL = WhenSent(_S3_ACL_MEMBERS, "s3:PutObjectAcl", S3_ACL)
_S3_TAGGING = WhenSent(("Tagging",), "s3:PutObjectTagging", S3_ACL)
#: An EC2 call that tags what it creates (``TagSpecifications``) needs ``ec2:CreateTags``.
EC2_TAGGING = WhenSent(("TagSpecifications",), "ec2:CreateTags", EC2_TAG_ON_CREATE)

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


ACTIONS: dict[tuple[str, str], Actions] = {
    # --- S3: bucket operations
    ("s3", "ListObjectsV2"): Actions(("s3:ListBucket",), MODEL_DOC),
    ("s3", "ListObjects"): Actions(("s3:ListBucket",), S3_PERMISSIONS),
    ("s3", "HeadBucket"): Actions(("s3:ListBucket",), MODEL_DOC),
    ("s3", "ListBuckets"): Actions(("s3:ListAllMyBuckets",), MODEL_DOC),
    ("s3", "ListObjectVersions"): Actions(("s3:ListBucketVersions",), MODEL_DOC),
    ("s3", "ListMultipartUploads"): Actions(("s3:ListBucketMultipartUploads",), S3_MULTIPART),
    ("s3", "GetBucketCors"): Actions(("s3:GetBucketCORS",), MODEL_DOC),
    ("s3", "PutBucketCors"): Actions(("s3:PutBucketCORS",), MODEL_DOC),
    ("s3", "DeleteBucketCors"): Actions(("s3:PutBucketCORS",), MODEL_DOC),
    ("s3", "GetBucketLifecycleConfiguration"): Actions(
        ("s3:GetLifecycleConfiguration",), MODEL_DOC
    ),
    ("s3", "PutBucketLifecycleConfiguration"): Actions(
        ("s3:PutLifecycleConfiguration",), MODEL_DOC
    ),
    ("s3", "DeleteBucketLifecycle"): Actions(("s3:PutLifecycleConfiguration",), MODEL_DOC),
    ("s3", "GetBucketNotificationConfiguration"): Actions(("s3:GetBucketNotification",), MODEL_DOC),
    ("s3", "PutBucketNotificationConfiguration"): Actions(("s3:PutBucketNotification",), MODEL_DOC),
    ("s3", "GetBucketEncryption"): Actions(("s3:GetEncryptionConfiguration",), MODEL_DOC),
    ("s3", "PutBucketEncryption"): Actions(("s3:PutEncryptionConfiguration",), MODEL_DOC),
    ("s3", "DeleteBucketEncryption"): Actions(("s3:PutEncryptionConfiguration",), MODEL_DOC),
    ("s3", "DeleteBucketTagging"): Actions(("s3:PutBucketTagging",), MODEL_DOC),
    ("s3", "GetPublicAccessBlock"): Actions(("s3:GetBucketPublicAccessBlock",), MODEL_DOC),
    ("s3", "PutPublicAccessBlock"): Actions(("s3:PutBucketPublicAccessBlock",), MODEL_DOC),
    ("s3", "DeletePublicAccessBlock"): Actions(("s3:PutBucketPublicAccessBlock",), MODEL_DOC),
    ("s3", "GetBucketReplication"): Actions(("s3:GetReplicationConfiguration",), MODEL_DOC),
    ("s3", "PutBucketReplication"): Actions(("s3:PutReplicationConfiguration",), MODEL_DOC),
    ("s3", "DeleteBucketReplication"): Actions(("s3:PutReplicationConfiguration",), MODEL_DOC),
    ("s3", "DeleteBucketOwnershipControls"): Actions(("s3:PutBucketOwnershipControls",), MODEL_DOC),
    ("s3", "GetBucketAccelerateConfiguration"): Actions(
        ("s3:GetAccelerateConfiguration",), MODEL_DOC
    ),
    ("s3", "PutBucketAccelerateConfiguration"): Actions(
        ("s3:PutAccelerateConfiguration",), MODEL_DOC
    ),
    ("s3", "ListBucketAnalyticsConfigurations"): Actions(
        ("s3:GetAnalyticsConfiguration",), MODEL_DOC
    ),
    ("s3", "DeleteBucketAnalyticsConfiguration"): Actions(
        ("s3:PutAnalyticsConfiguration",), MODEL_DOC
    ),
    ("s3", "ListBucketInventoryConfigurations"): Actions(
        ("s3:GetInventoryConfiguration",), MODEL_DOC
    ),
    ("s3", "ListBucketMetricsConfigurations"): Actions(("s3:GetMetricsConfiguration",), MODEL_DOC),
    ("s3", "GetObjectLockConfiguration"): Actions(
        ("s3:GetBucketObjectLockConfiguration",), S3_PERMISSIONS
    ),
    ("s3", "PutObjectLockConfiguration"): Actions(
        ("s3:PutBucketObjectLockConfiguration",), S3_PERMISSIONS
    ),
    # --- S3: object operations
    ("s3", "GetObject"): Actions(("s3:GetObject",), MODEL_DOC, ("s3:GetObjectVersion",)),
    # its documentation: "the relevant read object (or version) permission"
    ("s3", "HeadObject"): Actions(("s3:GetObject",), S3_PERMISSIONS, ("s3:GetObjectVersion",)),
    ("s3", "GetObjectAttributes"): Actions(
        ("s3:GetObject", "s3:GetObjectAttributes"),
        MODEL_DOC,
        ("s3:GetObjectVersion", "s3:GetObjectVersionAttributes"),
    ),
    ("s3", "DeleteObject"): Actions(("s3:DeleteObject",), MODEL_DOC, ("s3:DeleteObjectVersion",)),
    ("s3", "DeleteObjects"): Actions(
        ("s3:DeleteObject",),
        MODEL_DOC,
        ("s3:DeleteObjectVersion",),
        note="on each key of Delete.Objects",
    ),
    ("s3", "SelectObjectContent"): Actions(("s3:GetObject",), MODEL_DOC),
    ("s3", "UploadPartCopy"): Actions(("s3:PutObject",), MODEL_DOC, copy_source=("s3:GetObject",)),
    ("s3", "UploadPart"): Actions(("s3:PutObject",), S3_MULTIPART),
    ("s3", "CompleteMultipartUpload"): Actions(("s3:PutObject",), S3_MULTIPART),
    ("s3", "ListParts"): Actions(("s3:ListMultipartUploadParts",), S3_MULTIPART),
    # --- SQS: a batch is authorized by the action of one message
    ("sqs", "SendMessageBatch"): Actions(("sqs:SendMessage",), SQS_PERMISSIONS),
    ("sqs", "DeleteMessageBatch"): Actions(("sqs:DeleteMessage",), SQS_PERMISSIONS),
    ("sqs", "ChangeMessageVisibilityBatch"): Actions(
        ("sqs:ChangeMessageVisibility",), SQS_PERMISSIONS
    ),
    # --- SNS
    ("sns", "PublishBatch"): Actions(("sns:Publish",), SNS_PERMISSIONS),
    # --- Lambda: the Invoke API is the InvokeFunction action
    ("lambda", "Invoke"): Actions(("lambda:InvokeFunction",), LAMBDA_ACTIONS),
    ("lambda", "InvokeWithResponseStream"): Actions(("lambda:InvokeFunction",), LAMBDA_ACTIONS),
    # --- STS: "No permissions are required to perform this operation."
    ("sts", "GetCallerIdentity"): Actions((), MODEL_DOC),
    # --- DynamoDB transactions: the actions of their items (ITEM_ACTIONS)
    ("dynamodb", "TransactWriteItems"): Actions((), DYNAMODB_TRANSACTIONS, per_item=True),
    ("dynamodb", "TransactGetItems"): Actions((), DYNAMODB_TRANSACTIONS, per_item=True),
    # --- S3 writes that set an ACL or tags need those actions too
    ("s3", "PutObject"): Actions(("s3:PutObject",), MODEL_DOC, dependent=(_S3_ACL, _S3_TAGGING)),
    ("s3", "CopyObject"): Actions(
        ("s3:PutObject",),
        MODEL_DOC,
        copy_source=("s3:GetObject",),
        dependent=(_S3_ACL, _S3_TAGGING),
    ),
    ("s3", "CreateMultipartUpload"): Actions(
        ("s3:PutObject",), S3_MULTIPART, dependent=(_S3_ACL, _S3_TAGGING)
    ),
}


@dataclass(frozen=True)
class NamedResource:
    """A member naming a resource of the service without its ARN, and that ARN's form."""

    member: str
    template: str  # {partition} {region} {account} {name}
    source: str


NAMED_RESOURCES: dict[str, tuple[NamedResource, ...]] = {
    "dynamodb": (
        NamedResource(
            "TableName",
            "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
            SAR + "list_amazondynamodb.html",
        ),
    ),
    "sqs": (
        NamedResource(
            "QueueName",
            "arn:{partition}:sqs:{region}:{account}:{name}",
            SAR + "list_amazonsqs.html",
        ),
    ),
    "lambda": (
        NamedResource(
            "FunctionName",
            "arn:{partition}:lambda:{region}:{account}:function:{name}",
            SAR + "list_awslambda.html",
        ),
    ),
    "iam": (
        NamedResource(
            "RoleName",
            "arn:{partition}:iam::{account}:role/{name}",
            SAR + "list_awsidentityandaccessmanagementiam.html",
        ),
    ),
    "kinesis": (
        NamedResource(
            "StreamName",
            "arn:{partition}:kinesis:{region}:{account}:stream/{name}",
            SAR + "list_amazonkinesis.html",
        ),
    ),
    # CreateSecret's Name: the secret's ARN ends in six random characters (SECRET_SUFFIX)
    "secretsmanager": (
        NamedResource(
            "Name",
            "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-??????",
            SAR + "list_awssecretsmanager.html",
        ),
    ),
}
#: SNS's CreateTopic names its topic in ``Name`` (any other operation takes the ARN).
SNS_TOPIC = NamedResource(
    "Name", "arn:{partition}:sns:{region}:{account}:{name}", SAR + "list_amazonsns.html"
)


#: "Secrets Manager appends a hyphen and six random characters to the secret name in the
#: ARN": a policy names a secret as ``secret:NAME-??????`` so it holds for the secret made
#: again under the same name.
SECRET_SUFFIX = re.compile(r"(?<=:secret:)(?P<name>[^:]+)-[A-Za-z0-9]{6}$")
SECRET_SUFFIX_SOURCE = (
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
    "auth-and-access_resource-policies.html"
)


def iam_prefix(service: str) -> tuple[str, str]:
    """The IAM prefix of ``service`` and where it comes from."""
    found = PREFIXES.get(service)
    if found is not None:
        return found.prefix, found.source
    metadata = service_model(service).metadata
    if metadata.get("signingName"):
        return str(metadata["signingName"]), "botocore model: signingName"
    return str(metadata["endpointPrefix"]), "botocore model: endpointPrefix"


def actions_of(service: str, operation: str) -> Actions:
    """The actions authorizing ``service:operation``: the table's, else ``prefix:Operation``
    (an EC2 call that can tag what it creates needs ``ec2:CreateTags`` when it does)."""
    found = ACTIONS.get((service, operation))
    if found is not None:
        return found
    prefix, source = iam_prefix(service)
    dependent: tuple[WhenSent, ...] = ()
    if service == "ec2" and "TagSpecifications" in _input_members(service, operation):
        dependent = (EC2_TAGGING,)
    return Actions(
        (f"{prefix}:{operation}",),
        f"the operation's name; prefix from {source}",
        dependent=dependent,
    )


def _input_members(service: str, operation: str) -> tuple[str, ...]:
    shape = service_model(service).operation_model(operation).input_shape
    return tuple(shape.members) if shape is not None else ()


__all__ = [
    "ACTIONS",
    "EC2_TAGGING",
    "ITEM_ACTIONS",
    "MODEL_DOC",
    "NAMED_RESOURCES",
    "PREFIXES",
    "SECRET_SUFFIX",
    "SNS_TOPIC",
    "Actions",
    "NamedResource",
    "WhenSent",
    "actions_of",
    "iam_prefix",
]
