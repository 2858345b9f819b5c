"""Internet Monitor (rest-json): what its operations share — the error codes it answers with."""

from __future__ import annotations

from harness.ops.base import Knowledge, ServiceFacts

GIEV = "internetmonitor-get_internet_event.txt"

K = Knowledge("internetmonitor")

VALIDATION_ERROR: str = K.fact(
    "internetmonitor.VALIDATION_ERROR",
    "ValidationException",
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.ValidationException"),
    note="The error Internet Monitor answers an invalid parameter with (HTTP 400).",
)
THROTTLING_ERROR: str = K.fact(
    "internetmonitor.THROTTLING_ERROR",
    "ThrottlingException",  # HTTP 429
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.ThrottlingException"),
)
SERVER_ERROR: str = K.fact(
    "internetmonitor.SERVER_ERROR",
    "InternalServerException",
    (GIEV, "CloudWatchInternetMonitor.Client.exceptions.InternalServerException"),
    note="Only Internet Monitor models a server-side error; others answer InternalFailure.",
)

SERVICE = ServiceFacts(
    service="internetmonitor",
    validation_error=VALIDATION_ERROR,
    throttling_error=THROTTLING_ERROR,
    server_error=SERVER_ERROR,
    facts=tuple(K.facts),
)
