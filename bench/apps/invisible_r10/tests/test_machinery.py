"""What the code sees of botocore's machinery: hooks, retries, user agent, threads,
async clients (aiobotocore), presigned-style query requests."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from beacon import USER_AGENT_EXTRA, Beacon, client_config

pytestmark = pytest.mark.aws_cassette


def test_needs_retry_sees_each_attempt(beacon, hooks, observed):
    beacon.alert("retry check", "low")
    observed("retry", hooks.by_hook("needs-retry"))


def test_injected_throttle_retried(beacon, hooks, observed):
    """A handler answers the first attempt with a throttle; botocore retries it."""
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body):
            self.body = body

        def stream(self, **kw):
            yield self.body

    state = {"n": 0}

    def throttle_once(request, **kwargs):
        state["n"] += 1
        if state["n"] == 1:
            body = (
                b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                b"<Message>slow down</Message></Error></ErrorResponse>"
            )
            return AWSResponse(request.url, 400, {}, _Raw(body))
        return None

    beacon.sns.meta.events.register_first("before-send.sns.Publish", throttle_once)
    mid = beacon.alert("throttled", "low")
    observed("mid", mid)
    calls = hooks.by_hook("after-call")
    observed("retries", [c["retries"] for c in calls])
    observed("attempts", state["n"])


def test_user_agent_and_scope(beacon, hooks, observed):
    beacon.settings()
    sends = hooks.by_hook("before-send")
    observed("ua", [e["ua_extra"] for e in sends])
    observed("scopes", sorted({e["credential_scope"] for e in sends}))
    assert all(e["ua_extra"] for e in sends)
    assert USER_AGENT_EXTRA in beacon.ssm.meta.config.user_agent_extra


def test_before_call_sees_serialized_body(beacon, hooks, observed):
    beacon.push([{"i": 1}])
    observed("before_call", hooks.by_hook("before-call"))
    observed("targets", [e["target"] for e in hooks.by_hook("before-send")])


def test_clients_in_threads(names, observed):
    def work(i):
        b = Beacon(names, session=boto3.session.Session(region_name="eu-central-1"))
        return b.alert(f"thread {i}", "low"), threading.current_thread().name

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(6)))
    observed("mid_lens", [len(m) for m, _ in results])
    observed("mids", sorted(m for m, _ in results))


def test_shared_client_in_threads(beacon, names, observed):
    run = beacon.new_id()

    def put(i):
        return beacon.kinesis.put_record(
            StreamName=names["stream"], Data=f"{run}:{i}".encode(), PartitionKey=str(i)
        )["SequenceNumber"]

    with ThreadPoolExecutor(4) as pool:
        seqs = list(pool.map(put, range(8)))
    observed("count", len(set(seqs)))
    observed("seqs", sorted(seqs))


def test_adaptive_retry_config_seen(beacon, observed):
    cfg = beacon.sns.meta.config
    observed("retries", cfg.retries)
    observed("region", beacon.sns.meta.region_name)
    observed("endpoint_scheme", beacon.sns.meta.endpoint_url.split(":")[0])


def test_aiobotocore_client(names, observed):
    aiobotocore_session = pytest.importorskip("aiobotocore.session")

    async def main():
        session = aiobotocore_session.get_session()
        async with session.create_client("sns", config=client_config()) as sns:
            out = await sns.publish(TopicArn=names["topic"], Message="async")
            attrs = await sns.get_topic_attributes(TopicArn=names["topic"])
        async with session.create_client("ssm", config=client_config()) as ssm:
            values = []
            async for page in ssm.get_paginator("get_parameters_by_path").paginate(
                Path=names["ssm_path"], Recursive=True, PaginationConfig={"PageSize": 1}
            ):
                values += [p["Name"].rsplit("/", 1)[1] for p in page["Parameters"]]
        return out["MessageId"], sorted(attrs["Attributes"]), sorted(values)

    mid, keys, values = asyncio.run(main())
    observed("mid", mid)
    observed("keys", keys)
    observed("values", values)


def test_aiobotocore_gather_kinesis(names, observed):
    aiobotocore_session = pytest.importorskip("aiobotocore.session")

    async def main():
        session = aiobotocore_session.get_session()
        async with session.create_client("kinesis", config=client_config()) as k:
            outs = await asyncio.gather(
                *(
                    k.put_record(StreamName=names["stream"], Data=b"g", PartitionKey=str(i))
                    for i in range(4)
                )
            )
        return [o["SequenceNumber"] for o in outs]

    seqs = asyncio.run(main())
    observed("seqs", sorted(seqs))


def test_response_metadata_seen(beacon, names, observed):
    out = beacon.sns.get_topic_attributes(TopicArn=names["topic"])
    meta = out["ResponseMetadata"]
    observed("status", meta["HTTPStatusCode"])
    observed("retries", meta["RetryAttempts"])
    observed("header_names", sorted(meta["HTTPHeaders"]))
    observed("has_request_id", bool(meta.get("RequestId")))


def test_raw_body_seen_by_before_parse(beacon, names, observed):
    seen = []

    def grab(response_dict, **kw):
        seen.append(response_dict["body"])

    beacon.ssm.meta.events.register("before-parse.ssm.GetParameter", grab)
    beacon.ssm.get_parameter(Name=f"{names['ssm_path']}/channel")
    observed("body", seen[0].decode())


def test_secret_value_raw_json(beacon, names, observed):
    from conftest import DB_PASSWORD

    seen = []
    beacon.secrets.meta.events.register(
        "after-call.secretsmanager.GetSecretValue",
        lambda parsed, **kw: seen.append(sorted(parsed)),
    )
    out = beacon.secrets.get_secret_value(SecretId=names["secret"], VersionStage="AWSCURRENT")
    observed("keys", seen[0])
    observed("has_sentinel", DB_PASSWORD in out["SecretString"])
    observed("created_type", type(out["CreatedDate"]).__name__)
