"""Permissions a service uses with the caller's own credentials while it serves a call.

Some services call others on the caller's behalf, with the caller's permissions (AWS calls
these forward access sessions): S3 asks KMS for a data key when it stores an object under a
KMS key, and to decrypt one when it returns it; Athena reads the Glue Data Catalog and S3.
No recorded request shows those calls, so a policy derived from the recordings alone lacks
them and the app is denied in production. Each row here is one documented case, with the
sentence it comes from; ``harness policy`` grants a row's actions where the recording names
the resource (the KMS key S3 answered with), and otherwise says what is needed in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

S3_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"
S3_KMS_MULTIPART = "https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key"
ATHENA_IAM = "https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html"


@dataclass(frozen=True, kw_only=True)
class OnBehalf:
    """Actions ``operations`` need on a resource the service uses for the caller."""

    operations: tuple[tuple[str, str], ...]
    actions: tuple[str, ...]
    #: the resource, from the call's parameters, its answer's headers (lower case) and where
    #: it was made (partition, region, account); None: not named
    resource: Callable[[Mapping[str, Any], Mapping[str, str], Where], str | None]
    said: str  # what the service does, for the report
    sentence: str  # the documentation's own words
    source: str
    #: when the recording names no resource: the row does not apply (False: the object was
    #: not under a KMS key), or it applies to what the request cannot name (True: said only)
    applies_unnamed: bool = False


@dataclass(frozen=True, kw_only=True)
class Where:
    """Where a call was made, for the ARNs a row writes (``*`` for what is unknown)."""

    partition: str
    region: str
    account: str


def _kms_key_answered(
    params: Mapping[str, Any], headers: Mapping[str, str], where: Where
) -> str | None:
    """The KMS key S3 says it used (``x-amz-server-side-encryption-aws-kms-key-id``, an ARN),
    else the one the request named; ``key/*`` when S3 said ``aws:kms`` and the key's id is a
    redaction placeholder (``SSEKMSKeyId`` is ``sensitive`` in the model); None when the
    object is not under a KMS key."""
    answered = headers.get("x-amz-server-side-encryption-aws-kms-key-id")
    for value in (answered, params.get("SSEKMSKeyId")):
        if isinstance(value, str) and value.startswith("arn:aws"):
            return value
    if headers.get("x-amz-server-side-encryption", "").startswith("aws:kms"):
        return f"arn:{where.partition}:kms:{where.region}:{where.account}:key/*"
    return None


def _athena_not_named(
    params: Mapping[str, Any], headers: Mapping[str, str], where: Where
) -> str | None:
    return None  # the tables a query reads are in its SQL, their data where Glue says


ROWS: tuple[OnBehalf, ...] = (
    OnBehalf(
        operations=(("s3", "PutObject"), ("s3", "CopyObject")),
        actions=("kms:GenerateDataKey",),
        resource=_kms_key_answered,
        said="S3 encrypts the object under a KMS key with your permissions",
        sentence=(
            "To upload an object encrypted with an AWS KMS key to Amazon S3, you need "
            "kms:GenerateDataKey permissions on the key."
        ),
        source=S3_KMS,
    ),
    OnBehalf(
        operations=(
            ("s3", "CreateMultipartUpload"),
            ("s3", "UploadPart"),
            ("s3", "UploadPartCopy"),
            ("s3", "CompleteMultipartUpload"),
        ),
        actions=("kms:Decrypt", "kms:GenerateDataKey"),
        resource=_kms_key_answered,
        said="S3 encrypts each part, and decrypts the parts to join them, with your permissions",
        sentence=(
            "To use an AWS KMS key to encrypt a multipart upload, you must have "
            "kms:GenerateDataKey and kms:Decrypt permissions."
        ),
        source=S3_KMS_MULTIPART,
    ),
    OnBehalf(
        operations=(("s3", "GetObject"), ("s3", "HeadObject")),
        actions=("kms:Decrypt",),
        resource=_kms_key_answered,
        said="S3 decrypts the object's data key with your permissions",
        sentence=(
            "To download an object encrypted with an AWS KMS key, you need kms:Decrypt permissions."
        ),
        source=S3_KMS,
    ),
    OnBehalf(
        operations=(("athena", "StartQueryExecution"),),
        actions=(
            "glue:GetDatabase",
            "glue:GetTable",
            "glue:GetPartitions",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:PutObject",
        ),
        resource=_athena_not_named,
        said=(
            "Athena reads the tables' metadata in the Glue Data Catalog and their data in S3, "
            "and writes the results to the OutputLocation, with your permissions"
        ),
        sentence=(
            "The permissions required to run Athena queries include the following: Amazon S3 "
            "locations where the underlying data to query is stored. [...] Metadata and "
            "resources that you store in the AWS Glue Data Catalog, such as databases and tables"
        ),
        source=ATHENA_IAM,
        applies_unnamed=True,
    ),
)

_BY_OPERATION: dict[tuple[str, str], list[OnBehalf]] = {}
for _row in ROWS:
    for _operation in _row.operations:
        _BY_OPERATION.setdefault(_operation, []).append(_row)


def on_behalf(service: str, operation: str) -> list[OnBehalf]:
    """The rows for one operation (most have none)."""
    return _BY_OPERATION.get((service, operation), [])
