"""What every AWS service may answer, whatever the operation: the common errors.

The codes below are sent by any operation of any service although most operations do not
model them, so answering with one is never drift.
"""

from __future__ import annotations

from harness.ops.base import Knowledge

__all__ = [
    "AWS_COMMON_ERRORS",
    "COMMON_SERVER_ERROR",
    "COMMON_THROTTLING_ERROR",
    "FACTS",
    "SERVICE_COMMON_ERRORS",
]

K = Knowledge("aws")

COMMON_SERVER_ERROR: str = K.fact(
    "COMMON_SERVER_ERROR",
    "InternalFailure",
    note="AWS's common error for a server-side failure (HTTP 500), sent by every service.",
)


COMMON_THROTTLING_ERROR: str = K.fact(
    "COMMON_THROTTLING_ERROR",
    "Throttling",
    note="AWS's common throttling error code, sent by every service.",
)


#: AWS common errors: codes any operation of any service may answer with, although most
#: operations do not model them (so they are never drift). Source: the "Common Errors"
#: pages of the AWS API references (for example
#: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html and the same page
#: of each service reference) plus the throttling codes botocore's retry handler treats as
#: throttles (``botocore/data/_retry.json`` and ``botocore.retries.standard``). Keep the
#: list here, in this one place.
AWS_COMMON_ERRORS: frozenset[str] = K.fact(
    "AWS_COMMON_ERRORS",
    frozenset(
        {
            # throttling
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottled",
            "RequestThrottledException",
            "TooManyRequestsException",
            "ProvisionedThroughputExceededException",
            "TransactionInProgressException",
            "RequestLimitExceeded",
            "BandwidthLimitExceeded",
            "LimitExceededException",
            "SlowDown",
            "EC2ThrottledException",
            "PriorRequestNotComplete",
            # authentication and authorization
            "AccessDenied",
            "AccessDeniedException",
            "ExpiredToken",
            "ExpiredTokenException",
            "RequestExpired",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
            "InvalidSignatureException",
            "MissingAuthenticationToken",
            "NotAuthorized",
            "OptInRequired",
            # server side
            "InternalFailure",
            "InternalServerError",
            "InternalError",
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "RequestTimeout",
            "RequestTimeoutException",
            # request validation
            "ValidationError",
            "ValidationException",
            "InvalidAction",
            "InvalidParameterCombination",
            "InvalidParameterValue",
            "InvalidQueryParameter",
            "MalformedQueryString",
            "MissingAction",
            "MissingParameter",
        }
    ),
    note=(
        "AWS common errors (the Common Errors page of each API reference) and the "
        "throttling and transient codes botocore's standard retry mode retries."
    ),
)


FACTS = tuple(K.facts)


#: Codes one service's operations may all answer with, although its model lists almost no
#: error per operation. S3: "The following table lists Amazon S3 error codes" that any
#: request may get (Amazon S3 API Reference, "Error responses", List of error codes;
#: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) — a CopyObject of a
#: missing key answers NoSuchKey, a conditional PutObject PreconditionFailed.
SERVICE_COMMON_ERRORS: dict[str, frozenset[str]] = K.fact(
    "SERVICE_COMMON_ERRORS",
    {
        "s3": frozenset(
            {
                "AccessDenied",
                "BadDigest",
                "BucketAlreadyExists",
                "BucketAlreadyOwnedByYou",
                "BucketNotEmpty",
                "ConditionalRequestConflict",
                "EntityTooLarge",
                "EntityTooSmall",
                "IncompleteBody",
                "InvalidArgument",
                "InvalidBucketName",
                "InvalidBucketState",
                "InvalidDigest",
                "InvalidObjectState",
                "InvalidPart",
                "InvalidPartOrder",
                "InvalidRange",
                "InvalidRequest",
                "InvalidStorageClass",
                "KeyTooLongError",
                "MalformedXML",
                "MetadataTooLarge",
                "MethodNotAllowed",
                "MissingContentLength",
                "NoSuchBucket",
                "NoSuchKey",
                "NoSuchUpload",
                "NoSuchVersion",
                "NotImplemented",
                "PreconditionFailed",
                "RequestTimeTooSkewed",
                "ServiceUnavailable",
                "SlowDown",
            }
        )
    },
    note="Per service: error codes every operation may answer (S3's list of error codes).",
)
