"""Replay's shortcut for a request recorded as sent (``Replayer._taken_as_sent``:
looked up before it is redacted) against replay without it: the same answers, misses,
recordings used and bindings, on cassettes recorded through the real pipeline (secrets
redacted, account ids pseudonymized) and calls in any order.

The shortcut skips redaction, most of a new request's cost; it is sound only because a
stored request holds no value redaction would replace. Hypothesis draws what could break
that: secrets in requests (an SSM SecureString's Value), account ids in ARNs, fresh uuids
bound to recordings, repeats, a value the test redacted earlier sent again.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpResponse
from harness.plugin.cassette_settings import VOLATILE_DEFAULT
from harness.replay.intercept import Call, Send, intercept
from harness.replay.match_policy import MatchPolicy
from harness.replay.miss_report import CassetteMiss
from harness.replay.recorder import CassetteRecorder
from harness.replay.replayer import Replayer

ACCOUNT = "123456789012"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"


def _server(call: Call, send: Send) -> HttpResponse:
    """AWS as the recording saw it: answers echo what was asked."""
    params = wire.decode_request(call.service, call.operation, call.request)
    if call.operation == "GetInsight" and params["InsightId"][-1] in "0123":
        return wire.encode_error("xray", "InvalidRequestException", "no such insight", 400)
    if call.operation == "GetInsight":
        group = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/g/1"
        answer: dict[str, Any] = {
            "Insight": {"InsightId": params["InsightId"], "State": "ACTIVE", "GroupARN": group}
        }
    elif call.operation == "PutParameter":
        answer = {"Version": len(params["Value"])}
    else:  # ListInsightsData
        answer = {"Events": [{"EventId": str(uuid.UUID(int=len(params["InsightSource"])))}]}
    return wire.encode_response(call.service, call.operation, answer)


@functools.cache
def _client(service: str) -> Any:
    return boto3.session.Session().client(
        service, region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="x", endpoint_url=f"https://{service}.us-east-1.amazonaws.com",
    )  # fmt: skip


def _call(clients: dict[str, Any], call: tuple[str, str]) -> Any:
    kind, value = call
    try:
        if kind == "insight":
            got = clients["xray"].get_insight(InsightId=value)
        elif kind == "secret":
            got = clients["ssm"].put_parameter(Name="db", Value=value, Type="SecureString")
        else:
            got = clients["cloudtrail"].list_insights_data(
                InsightSource=value, DataType="InsightsEvents"
            )
    except CassetteMiss:
        return "miss"
    except ClientError as error:  # (an error answer, replayed through botocore's retries)
        return error.response["Error"]["Code"]
    got.pop("ResponseMetadata", None)
    return json.loads(json.dumps(got, default=str))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Any], list[Any]]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(6)]
    secrets = [f"sntl-pass-{rng.getrandbits(40):x}" for _ in range(2)]
    pool = [("insight", i) for i in ids] + [("secret", s) for s in secrets]
    pool += [("trail", TRAIL), ("trail", TRAIL.replace("main", "other"))]
    recorded = [rng.choice(pool) for _ in range(draw(st.integers(1, 12)))]
    fresh = [("insight", str(uuid.UUID(int=rng.getrandbits(128), version=4))) for _ in range(3)]
    order = draw(st.sampled_from(["same", "shuffled", "reversed", "mixed"]))
    calls = list(recorded)
    if order == "shuffled":
        rng.shuffle(calls)
    elif order == "reversed":
        calls.reverse()
    elif order == "mixed":
        calls = [rng.choice(recorded + fresh + pool) for _ in range(draw(st.integers(1, 14)))]
    return recorded, calls


def _replay(path: Path, calls: list[Any], shortcut: bool, monkeypatch: Any) -> Any:
    with monkeypatch.context() as patch:
        if not shortcut:
            patch.setattr(Replayer, "_taken_as_sent", lambda *a: None)
        recorder = CassetteRecorder(
            path, "none", policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT))
        )
        clients = {name: _client(name) for name in ("xray", "ssm", "cloudtrail")}
        with recorder.activate():
            answers = [_call(clients, c) for c in calls]
        return answers, recorder.used, dict(recorder.index.binding.generated)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenario=scenarios())
def test_the_shortcut_serves_what_the_long_way_serves(scenario: Any, tmp_path_factory: Any) -> None:
    _agree(scenario, tmp_path_factory)


@pytest.mark.slow
@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenario=scenarios())
def test_the_shortcut_serves_what_the_long_way_serves_500(
    scenario: Any, tmp_path_factory: Any
) -> None:
    _agree(scenario, tmp_path_factory)


def _agree(scenario: Any, tmp_path_factory: Any) -> None:
    recorded, calls = scenario
    path = tmp_path_factory.mktemp("as-sent") / "c.yaml"
    clients = {name: _client(name) for name in ("xray", "ssm", "cloudtrail")}
    recorder = CassetteRecorder(path, "all", policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)))
    with intercept(_server), recorder.activate():
        for call in recorded:
            _call(clients, call)
    recorder.save()
    assert "sntl-pass-" not in path.read_text()  # (recorded as users' cassettes are)
    monkeypatch = pytest.MonkeyPatch()
    try:
        fast = _replay(path, calls, True, monkeypatch)
        slow = _replay(path, calls, False, monkeypatch)
    finally:
        monkeypatch.undo()
    assert fast == slow
