"""CloudTrail (json 1.1): what its operations share — the error codes it answers with."""

from __future__ import annotations

from harness.ops.base import Knowledge, ServiceFacts

LID = "cloudtrail-list_insights_data.txt"
LIMD = "cloudtrail-list_insights_metric_data.txt"

K = Knowledge("cloudtrail")

VALIDATION_ERROR: str = K.fact(
    "cloudtrail.VALIDATION_ERROR",
    "InvalidParameterException",
    (LID, "CloudTrail.Client.exceptions.InvalidParameterException"),
    (LIMD, "CloudTrail.Client.exceptions.InvalidParameterException"),
    note="The error CloudTrail answers an invalid parameter with (HTTP 400).",
)
THROTTLING_ERROR: str = K.fact(
    "cloudtrail.THROTTLING_ERROR",
    "ThrottlingException",  # json 1.1: HTTP 400
    (LID, "If this limit is exceeded, a throttling error occurs."),
    note=(
        "CloudTrail documents a throttling error without naming or modeling it; "
        "ThrottlingException is the json-1.1 code AWS sends."
    ),
)

# "If the InsightType is set to ApiErrorRateInsight, the request must also include the
# ErrorCode parameter."
ERROR_RATE_INSIGHT = "ApiErrorRateInsight"

# What synthesized cassettes ask about: a few trails and API calls.
SAMPLE_TRAILS = ("management-events", "org-trail", "insights-trail", "audit")
SAMPLE_CALLS = (
    ("s3.amazonaws.com", "PutObject"),
    ("ec2.amazonaws.com", "RunInstances"),
    ("iam.amazonaws.com", "CreateAccessKey"),
    ("kms.amazonaws.com", "Decrypt"),
)

SERVICE = ServiceFacts(
    service="cloudtrail",
    validation_error=VALIDATION_ERROR,
    throttling_error=THROTTLING_ERROR,
    server_error=None,
    facts=tuple(K.facts),
)
