"""botocore's own integration suite (``tests/integration``) against the benchmark's server.

The suite targets real AWS with the default credential chain and endpoints. The recipe
points every client at the moto server with botocore's own ``AWS_ENDPOINT_URL`` (set from
``$SUITE_ENDPOINT``); this shim only shortens waits meant for real S3's eventual
consistency. No assertion changes.
"""

from __future__ import annotations

import sys

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # test_s3's ConsistencyWaiter sleeps DEFAULT_DELAY (5 s) before every poll and between
    # failed polls (3 polls per created bucket / versioning check): moto is consistent at
    # once, so 0 s keeps the same polls and checks without ~15 s of sleep per bucket.
    module = sys.modules.get("tests.integration.test_s3")
    if module is not None:
        module.BaseS3ClientTest.DEFAULT_DELAY = 0
