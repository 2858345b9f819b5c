"""Machinery: clients made at import and boto3's default session, one client shared by
threads, ThreadPoolExecutor fan-out (calls in no fixed order), aiobotocore with
asyncio.gather, botocore Config variations, the partner token header, ids from the clock."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed

import boto3
import pytest
import shipyard.app as app
from botocore.exceptions import ClientError, ParamValidationError
from shipyard import API_TOKEN_HEADER, REGION, client_config

pytestmark = pytest.mark.aws_cassette


def _queue(name, **attrs):
    return app.QUEUE_CLIENT.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]


def test_threads_share_module_client(yard, suffix, observed):
    url = _queue(f"threads-{suffix}")
    sent: dict[int, str] = {}
    lock = threading.Lock()

    def worker(i):
        body = json.dumps({"id": app.yard_id("t"), "i": i})
        out = app.QUEUE_CLIENT.send_message(QueueUrl=url, MessageBody=body)
        with lock:
            sent[i] = out["MD5OfMessageBody"]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    observed("sent", sorted(sent))
    import hashlib

    got = []
    for _ in range(5):
        got += yard.take_bookings(url, wait=0)
        if len(got) >= 6:
            break
    observed(
        "md5s match",
        sorted(hashlib.md5(m["Body"].encode()).hexdigest() for m in got) == sorted(sent.values()),
    )


def test_executor_fanout_secrets(yard, suffix, observed):
    sm = yard.client("secretsmanager")
    values = {f"fan/{suffix}/{i}": secrets.token_hex(6) for i in range(8)}
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda kv: sm.create_secret(Name=kv[0], SecretString=kv[1]), values.items()))
        futs = {pool.submit(sm.get_secret_value, SecretId=n): n for n in values}
        got = {futs[f]: f.result()["SecretString"] for f in as_completed(futs)}
    observed("all ours", got == values)


def test_executor_fanout_kinesis(yard, suffix, observed):
    name = f"fan-{suffix}"
    app.GATE_STREAM_CLIENT.create_stream(StreamName=name, ShardCount=1)
    app.GATE_STREAM_CLIENT.get_waiter("stream_exists").wait(
        StreamName=name, WaiterConfig={"Delay": 1}
    )
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda i: yard.gate_event(name, f"C{i}", i), range(8)))
    observed("shard", sorted({o["shard"] for o in outs}))
    k = app.GATE_STREAM_CLIENT
    it = k.get_shard_iterator(
        StreamName=name, ShardId=outs[0]["shard"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    recs = k.get_records(ShardIterator=it)["Records"]
    by_seq = {o["seq"]: o["event"] for o in outs}
    observed(
        "each seq its event",
        all(json.loads(r["Data"]) == by_seq[r["SequenceNumber"]] for r in recs),
    )
    observed("count", len(recs))


def test_executor_fanout_kms(yard, suffix, observed):
    kms = yard.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    plains = [uuid.uuid4().bytes for _ in range(6)]
    with ThreadPoolExecutor(3) as pool:
        blobs = list(
            pool.map(lambda p: kms.encrypt(KeyId=key, Plaintext=p)["CiphertextBlob"], plains)
        )
        backs = list(
            pool.map(lambda b: kms.decrypt(CiphertextBlob=b)["Plaintext"], reversed(blobs))
        )
    observed("round trips", list(reversed(backs)) == plains)


def test_executor_fanout_sns_publish(yard, suffix, observed):
    sns = app.DEFAULT_SNS
    topic = sns.create_topic(Name=f"fan-{suffix}")["TopicArn"]
    q = _queue(f"fan-{suffix}")
    arn = app.QUEUE_CLIENT.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    bodies = [app.yard_id("p") for _ in range(5)]
    with ThreadPoolExecutor(5) as pool:
        ids = list(pool.map(lambda b: sns.publish(TopicArn=topic, Message=b)["MessageId"], bodies))
    observed("distinct ids", len(set(ids)))
    got = []
    for _ in range(5):
        got += yard.take_bookings(q, wait=0)
        if len(got) >= 5:
            break
    observed("bodies ours", sorted(m["Body"] for m in got) == sorted(bodies))


def _aio_session():
    import aiobotocore.session

    return aiobotocore.session.get_session()


def test_aiobotocore_gather_sqs(suffix, observed):
    pytest.importorskip("aiobotocore")

    async def main():
        async with _aio_session().create_client(
            "sqs", region_name=REGION, config=client_config()
        ) as sqs:
            url = (await sqs.create_queue(QueueName=f"aio-{suffix}"))["QueueUrl"]
            bodies = [json.dumps({"id": app.yard_id("a"), "n": i}) for i in range(5)]
            outs = await asyncio.gather(
                *(sqs.send_message(QueueUrl=url, MessageBody=b) for b in bodies)
            )
            got = []
            for _ in range(4):
                r = await sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
                )
                got += r.get("Messages", [])
                if len(got) >= 5:
                    break
            return bodies, outs, got

    bodies, outs, got = asyncio.run(main())
    observed("sent", len(outs))
    observed("bodies ours", sorted(m["Body"] for m in got) == sorted(bodies))


def test_aiobotocore_gather_kms(suffix, observed):
    pytest.importorskip("aiobotocore")

    async def main():
        async with _aio_session().create_client("kms", region_name=REGION) as kms:
            key = (await kms.create_key())["KeyMetadata"]["KeyId"]
            plains = [secrets.token_bytes(12) for _ in range(4)]
            encs = await asyncio.gather(*(kms.encrypt(KeyId=key, Plaintext=p) for p in plains))
            decs = await asyncio.gather(
                *(kms.decrypt(CiphertextBlob=e["CiphertextBlob"]) for e in encs)
            )
            return plains, [d["Plaintext"] for d in decs]

    plains, backs = asyncio.run(main())
    observed("round trips", plains == backs)


def test_aiobotocore_gather_stepfunctions(suffix, observed):
    pytest.importorskip("aiobotocore")
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})

    async def main():
        async with _aio_session().create_client("stepfunctions", region_name=REGION) as sfn:
            arn = (
                await sfn.create_state_machine(
                    name=f"aio-{suffix}",
                    definition=definition,
                    roleArn="arn:aws:iam::123456789012:role/r",
                )
            )["stateMachineArn"]
            names = [app.yard_id("x") for _ in range(4)]
            outs = await asyncio.gather(
                *(sfn.start_execution(stateMachineArn=arn, name=n) for n in names)
            )
            descs = await asyncio.gather(
                *(sfn.describe_execution(executionArn=o["executionArn"]) for o in outs)
            )
            return names, [d["name"] for d in descs]

    names, got = asyncio.run(main())
    observed("names ours", names == got)


def test_aiobotocore_paginator(suffix, observed):
    pytest.importorskip("aiobotocore")

    async def main():
        async with _aio_session().create_client("secretsmanager", region_name=REGION) as sm:
            await asyncio.gather(
                *(sm.create_secret(Name=f"aiop-{suffix}-{i}", SecretString="x") for i in range(3))
            )
            names = []
            async for page in sm.get_paginator("list_secrets").paginate(
                Filters=[{"Key": "name", "Values": [f"aiop-{suffix}"]}]
            ):
                names += [s["Name"] for s in page["SecretList"]]
            return names

    observed("names", sorted(n.replace(suffix, "S") for n in asyncio.run(main())))


def test_default_session_client_in_test(suffix, observed):
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=f"default-{suffix}")["QueueUrl"]
    observed("url tail", url.rsplit("/", 1)[1].replace(suffix, "S"))
    observed("region", sqs.meta.region_name)


def test_module_session_resource(suffix, observed):
    ddb = app.SESSION.resource("dynamodb", config=client_config())
    t = ddb.create_table(
        TableName=f"moves-{suffix}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    t.wait_until_exists()
    mid = app.yard_id("mv")
    t.put_item(Item={"id": mid, "at": int(time.time())})
    item = t.get_item(Key={"id": mid})["Item"]
    observed("item ours", item["id"] == mid)
    observed("at now", abs(int(item["at"]) - time.time()) < 120)
    t.delete()
    t.wait_until_not_exists()
    observed("gone", f"moves-{suffix}" not in ddb.meta.client.list_tables()["TableNames"])


def test_partner_header_sent(yard, suffix, observed):
    seen = []
    sqs = yard.client("sqs")
    sqs.meta.events.register(
        "before-send.sqs.*", lambda request, **_: seen.append(request.headers.get(API_TOKEN_HEADER))
    )
    sqs.create_queue(QueueName=f"hdr-{suffix}")
    texts = [s.decode() if isinstance(s, bytes) else (s or "") for s in seen]
    observed("header sent", [t.startswith("sytk_") for t in texts])


def test_config_adaptive_retries_throttle(yard, suffix, observed):
    kms = yard.client("kms", retries={"mode": "adaptive", "max_attempts": 3})
    calls = []
    kms.meta.events.register(
        "needs-retry.kms.ListKeys", lambda attempts, **_: calls.append(attempts)
    )
    out = kms.list_keys(Limit=5)
    observed("attempts", out["ResponseMetadata"]["RetryAttempts"])
    observed("needs-retry asked", calls)


def test_config_tcp_keepalive_and_timeouts(yard, suffix, observed):
    sm = yard.client(
        "secretsmanager",
        tcp_keepalive=True,
        connect_timeout=2,
        read_timeout=5,
        max_pool_connections=3,
    )
    sm.create_secret(Name=f"ka-{suffix}", SecretString="k")
    observed("value", sm.get_secret_value(SecretId=f"ka-{suffix}")["SecretString"])
    observed("pool", sm.meta.config.max_pool_connections)


def test_config_parameter_validation_off(yard, suffix, observed):
    loose = yard.client("sqs", parameter_validation=False)
    url = loose.create_queue(QueueName=f"loose-{suffix}")["QueueUrl"]
    loose.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=0)
    got = loose.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0)
    observed("body", [m["Body"] for m in got.get("Messages", [])])
    strict = yard.client("sqs")
    with pytest.raises(ParamValidationError):
        strict.send_message(QueueUrl=url, MessageBody=5)


def test_config_inject_host_prefix_off(yard, suffix, observed):
    sfn = yard.client("stepfunctions", inject_host_prefix=False)
    arn = sfn.create_state_machine(
        name=f"nohp-{suffix}",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        roleArn="arn:aws:iam::123456789012:role/r",
    )["stateMachineArn"]
    hosts = []
    sfn.meta.events.register(
        "before-send.sfn.*", lambda request, **_: hosts.append(request.url.split("/")[2])
    )
    sfn.list_state_machines()
    observed("one host", len(set(hosts)))
    observed("arn ok", arn.endswith(f"nohp-{suffix}"))


def test_config_checksum_when_required(yard, suffix, observed):
    s3c = yard.client(
        "s3",
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    s3c.create_bucket(
        Bucket=f"ck-{suffix}", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    sent_headers = []
    s3c.meta.events.register(
        "before-send.s3.PutObject",
        lambda request, **_: sent_headers.append(
            sorted(h.lower() for h in request.headers if "checksum" in h.lower())
        ),
    )
    body = secrets.token_bytes(64)
    s3c.put_object(Bucket=f"ck-{suffix}", Key="k", Body=body)
    observed("checksum headers", sent_headers)
    observed("back", s3c.get_object(Bucket=f"ck-{suffix}", Key="k")["Body"].read() == body)


def test_config_checksum_when_supported(yard, suffix, observed):
    s3c = yard.client("s3", request_checksum_calculation="when_supported")
    s3c.create_bucket(
        Bucket=f"cs-{suffix}", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    body = json.dumps({"id": app.yard_id("ck")}).encode()
    out = s3c.put_object(Bucket=f"cs-{suffix}", Key="k", Body=body, ChecksumAlgorithm="SHA256")
    observed("has sha256", "ChecksumSHA256" in out)
    got = s3c.get_object(Bucket=f"cs-{suffix}", Key="k", ChecksumMode="ENABLED")
    observed("back", got["Body"].read() == body)


def test_config_merge_and_user_agent(yard, suffix, observed):
    c = yard.client("sqs", user_agent_extra="dispatch/2")
    agents = []
    c.meta.events.register(
        "before-send.sqs.*",
        lambda request, **_: agents.append(request.headers.get("User-Agent", b"")),
    )
    c.list_queues(QueueNamePrefix=f"ua-{suffix}")
    ua = agents[0].decode() if isinstance(agents[0], bytes) else agents[0]
    observed("extra", "dispatch/2" in ua)
    observed("app id", "app/shipyard-dispatch" in ua)


def test_clock_ids_reach_dynamo(suffix, observed):
    ddb = app.SESSION.client("dynamodb", config=client_config())
    ddb.create_table(
        TableName=f"ids-{suffix}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ids = [app.yard_id("c") for _ in range(3)]
    for i in ids:
        ddb.put_item(
            TableName=f"ids-{suffix}", Item={"id": {"S": i}, "tok": {"S": secrets.token_hex(4)}}
        )
    scanned = sorted(x["id"]["S"] for x in ddb.scan(TableName=f"ids-{suffix}")["Items"])
    observed("ours", scanned == sorted(ids))
    got = ddb.get_item(TableName=f"ids-{suffix}", Key={"id": {"S": ids[1]}}, ConsistentRead=True)
    observed("get ours", got["Item"]["id"]["S"] == ids[1])


def test_error_in_thread_and_main(yard, suffix, observed):
    errors = []

    def bad():
        try:
            app.QUEUE_CLIENT.get_queue_url(QueueName=f"missing-{suffix}")
        except ClientError as exc:
            errors.append(exc.response["Error"]["Code"])

    t = threading.Thread(target=bad)
    t.start()
    t.join()
    bad()
    observed("codes", errors)


def test_sqs_long_poll_threads(yard, suffix, observed):
    url = _queue(f"lp-{suffix}")
    results = {}

    def poll(i):
        results[i] = len(yard.take_bookings(url, wait=1))

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    yard.book(url, "LP1", 5)
    for t in threads:
        t.join()
    observed("one got it", sum(results.values()))


def test_presigned_url_date_from_clock(yard, suffix, observed):
    import datetime as dt
    import urllib.parse

    s3c = yard.client("s3", signature_version="s3v4")
    url = s3c.generate_presigned_url(
        "get_object", Params={"Bucket": f"any-{suffix}", "Key": "k"}, ExpiresIn=60
    )
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    signed = dt.datetime.strptime(q["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.timezone.utc
    )
    observed("signed now", abs(signed.timestamp() - time.time()) < 120)
    observed("credential region", q["X-Amz-Credential"][0].split("/")[2])


def test_sqs_delay_and_timer(yard, suffix, observed):
    url = _queue(f"delay-{suffix}")
    app.QUEUE_CLIENT.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=2)
    now = yard.take_bookings(url, wait=0)
    observed("not yet", len(now))
    time.sleep(2.5)
    later = yard.take_bookings(url, wait=1)
    observed("then", [m["Body"] for m in later])
