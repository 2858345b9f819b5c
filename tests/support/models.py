"""What the installed botocore models. A test about an operation a later botocore added
skips on an older one, saying so: CI's second job runs a core subset on the lowest botocore
the harness accepts (aioboto3's), which has no model of CloudTrail ``ListInsightsData``."""

from __future__ import annotations

import functools

import botocore
import pytest
from botocore.session import get_session


@functools.cache
def modeled(service: str, operation: str) -> bool:
    """True when the installed botocore has a model of ``service:operation``."""
    return operation in get_session().get_service_model(service).operation_names


def needs(service: str, operation: str) -> pytest.MarkDecorator:
    """Skip the test where the installed botocore cannot call ``service:operation``."""
    return pytest.mark.skipif(
        not modeled(service, operation),
        reason=f"botocore {botocore.__version__} has no model of {service}:{operation} "
        "(a later release added it)",
    )


#: CloudTrail ListInsightsData arrived after botocore 1.40.61 (aioboto3 15.5's newest).
NEEDS_LIST_INSIGHTS_DATA = needs("cloudtrail", "ListInsightsData")
