"""Ids no record has: the backend's answer is the harness's choice, and switchable.

No X-Ray page says what GetInsight, GetInsightEvents or GetInsightImpactGraph answer for an
InsightId no insight has (issue 57: every well-formed id named an invented insight, so a
test could not reach its code's not-found path). The model's InsightId pattern is a uuid,
unanchored as Smithy patterns are: ``"x" + uuid`` is a valid id, and the checker and the
backend accept it alike. ``unknown_ids="refused"`` keeps only the seed's catalogue (the
insights GetInsightSummaries lists) and answers other ids with X-Ray's
InvalidRequestException.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from harness.contract import check_request
from harness.ops.xray.get_insight_summaries import catalogue
from harness.replay.intercept import Call, Send, intercept
from harness.synthetic import SyntheticBackend

NOW = dt.datetime(2025, 3, 10, 12, 30, tzinfo=dt.timezone.utc)
STRANGER = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


def _xray(engine: SyntheticBackend) -> tuple[Any, Any]:
    def handle(call: Call, send: Send) -> Any:
        return engine.handle(call.request)

    client = boto3.client(
        "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    return client, intercept(handle, sign=False, sends=False)


CALLS = {
    "GetInsight": lambda xray, i: xray.get_insight(InsightId=i),
    "GetInsightEvents": lambda xray, i: xray.get_insight_events(InsightId=i),
    "GetInsightImpactGraph": lambda xray, i: xray.get_insight_impact_graph(
        InsightId=i, StartTime=NOW - dt.timedelta(hours=2), EndTime=NOW
    ),
}


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_refused_unknown_ids_get_the_services_error_and_catalogued_ones_answer(
    operation: str,
) -> None:
    engine = SyntheticBackend(seed=7, now=NOW, unknown_ids="refused")
    xray, routing = _xray(engine)
    known = catalogue(engine)[0]
    with routing:
        CALLS[operation](xray, known)  # a listed insight answers
        with pytest.raises(ClientError) as caught:
            CALLS[operation](xray, STRANGER)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "names nothing in this synthetic world" in caught.value.response["Error"]["Message"]


def test_by_default_every_well_formed_id_names_an_insight() -> None:
    xray, routing = _xray(SyntheticBackend(seed=7, now=NOW))
    with routing:
        assert xray.get_insight(InsightId=STRANGER)["Insight"]["InsightId"] == STRANGER


@pytest.mark.parametrize("near", ["x" + STRANGER, f" {STRANGER} "])
def test_a_near_uuid_is_valid_by_the_unanchored_pattern_for_checker_and_backend(near: str) -> None:
    assert list(check_request("xray", "GetInsight", {"InsightId": near})) == []
    xray, routing = _xray(SyntheticBackend(seed=7, now=NOW))
    with routing:
        assert xray.get_insight(InsightId=near)["Insight"]["InsightId"] == near
    xray, routing = _xray(SyntheticBackend(seed=7, now=NOW, unknown_ids="refused"))
    with routing, pytest.raises(ClientError, match="names nothing"):
        xray.get_insight(InsightId=near)


def test_an_unknown_setting_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="'exist', 'refused'"):
        SyntheticBackend(unknown_ids="missing")
