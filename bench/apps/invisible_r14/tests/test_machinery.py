"""Machinery around the calls: settings in SSM by path (recursive, paginated), a Stubber
in the same suite, before-sign/before-send/after-call hooks (headers, user agent, the
signature's date), standard-mode retries after injected 503s, AWS_ENDPOINT_URL_<SERVICE>,
a credential_process profile with an expiry, session tokens, AWS_DEFAULTS_MODE, threads
and aiobotocore."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from courseware import REGION, USER_AGENT_EXTRA, client_config

from conftest import PROCESS_SECRET

pytestmark = pytest.mark.aws_cassette

PROCESS_KEY_ID = "AKIAR14PROCESSEXAMPL"


def _settings(ssm, suffix):
    for path, value in (
        (f"/courseware/{suffix}/db/host", "db.internal"),
        (f"/courseware/{suffix}/db/port", "5432"),
        (f"/courseware/{suffix}/mail/from", "tutor@courses.example"),
        (f"/courseware/{suffix}/mail/limits/daily", "500"),
        (f"/courseware/{suffix}/flag", "on"),
    ):
        ssm.put_parameter(Name=path, Value=value, Type="String")


def test_ssm_by_path_recursive_paginated(cw, suffix, observed):
    ssm = cw.client("ssm")
    _settings(ssm, suffix)
    pages = list(
        ssm.get_paginator("get_parameters_by_path").paginate(
            Path=f"/courseware/{suffix}", Recursive=True, PaginationConfig={"PageSize": 2}
        )
    )
    observed("pages", [len(p["Parameters"]) for p in pages])
    observed("names", sorted(p["Name"].split(suffix)[1] for pg in pages for p in pg["Parameters"]))
    flat = ssm.get_parameters_by_path(Path=f"/courseware/{suffix}", Recursive=False)["Parameters"]
    observed("flat", [p["Name"].split(suffix)[1] for p in flat])


def test_ssm_versions_and_history(cw, suffix, observed):
    ssm = cw.client("ssm")
    name = f"/courseware/{suffix}/term"
    for v in ("autumn", "winter", "spring"):
        ssm.put_parameter(Name=name, Value=v, Type="String", Overwrite=True)
    got = ssm.get_parameter(Name=name)["Parameter"]
    observed("version", got["Version"])
    observed("recent", abs(time.time() - got["LastModifiedDate"].timestamp()) < 120)
    hist = ssm.get_parameter_history(Name=name)["Parameters"]
    observed("history", [h["Value"] for h in hist])
    observed("v1", ssm.get_parameter(Name=f"{name}:1")["Parameter"]["Value"])


def test_stubber_alongside(cw, suffix, observed):
    ssm = boto3.client("ssm", config=client_config())
    with Stubber(ssm) as stub:
        stub.add_response(
            "get_parameter",
            {"Parameter": {"Name": "/stubbed", "Value": "yes", "Version": 9}},
            {"Name": "/stubbed"},
        )
        got = ssm.get_parameter(Name="/stubbed")["Parameter"]
        stub.assert_no_pending_responses()
    observed("stubbed", (got["Value"], got["Version"]))
    real = cw.client("ssm")
    real.put_parameter(Name=f"/real/{suffix}", Value="live", Type="String")
    observed("real", real.get_parameter(Name=f"/real/{suffix}")["Parameter"]["Value"])


def test_stubber_error(cw, observed):
    sts = boto3.client("sts", config=client_config())
    stub = Stubber(sts)
    stub.add_client_error(
        "get_caller_identity", service_error_code="ExpiredToken", http_status_code=403
    )
    stub.activate()
    try:
        sts.get_caller_identity()
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
    finally:
        stub.deactivate()
    observed("account", cw.client("sts").get_caller_identity()["Account"])


def test_hooks_see_headers_and_user_agent(cw, suffix, observed):
    ssm = boto3.client("ssm", config=client_config())
    seen: dict = {}

    def before_sign(request, **kw):
        seen["sign_target"] = request.headers.get("X-Amz-Target")

    def before_send(request, **kw):
        ua = request.headers["User-Agent"]
        ua = ua.decode() if isinstance(ua, bytes) else ua
        seen["ua_extra"] = USER_AGENT_EXTRA in ua
        seen["ua_retry"] = "cfg/retry-mode#standard" in ua
        seen["ua_tokens"] = sorted({t.split("/")[0] for t in ua.split()})
        auth = request.headers["Authorization"]
        auth = auth.decode() if isinstance(auth, bytes) else auth
        seen["scope"] = auth.split("Credential=")[1].split(",")[0].split("/", 2)[2]
        amz = request.headers["X-Amz-Date"]
        amz = amz.decode() if isinstance(amz, bytes) else amz
        stamp = dt.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        seen["date_now"] = abs(time.time() - stamp.timestamp()) < 60

    def after_call(http_response, parsed, **kw):
        seen["status"] = http_response.status_code
        seen["resp_headers"] = sorted(k.lower() for k in http_response.headers)
        seen["meta_headers"] = sorted(parsed["ResponseMetadata"]["HTTPHeaders"])

    ssm.meta.events.register("before-sign.ssm.PutParameter", before_sign)
    ssm.meta.events.register("before-send.ssm.PutParameter", before_send)
    ssm.meta.events.register("after-call.ssm.PutParameter", after_call)
    ssm.put_parameter(Name=f"/hooks/{suffix}", Value="v", Type="String")
    seen["scope"] = seen["scope"].rsplit("/", 3)[-3:]
    for k, v in sorted(seen.items()):
        observed(k, v)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kw):
        yield self.body


def test_standard_retry_after_503s(cw, suffix, observed):
    ssm = boto3.client("ssm", config=client_config())
    calls: list[float] = []

    def flaky(request, **kw):
        calls.append(time.monotonic())
        if len(calls) <= 2:
            return AWSResponse(
                request.url,
                503,
                {"x-amzn-requestid": "r"},
                _Raw(b'{"__type": "ServiceUnavailable"}'),
            )
        return None

    ssm.meta.events.register("before-send.ssm.DescribeParameters", flaky)
    out = ssm.describe_parameters(MaxResults=1)
    observed("attempts", out["ResponseMetadata"]["RetryAttempts"])
    observed("sent", len(calls))
    observed("backed_off", calls[-1] - calls[0] > 0)


def test_standard_retries_exhausted(cw, observed):
    sts = boto3.client("sts", config=client_config(retries={"mode": "standard", "max_attempts": 2}))
    calls = []

    def down(request, **kw):
        calls.append(1)
        return AWSResponse(
            request.url,
            500,
            {},
            _Raw(b"<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>"),
        )

    sts.meta.events.register("before-send.sts.GetCallerIdentity", down)
    try:
        sts.get_caller_identity()
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
        observed("attempts", e.response["ResponseMetadata"].get("RetryAttempts"))
    observed("sent", len(calls))


def test_endpoint_url_per_service_env(cw, suffix, monkeypatch, observed):
    base = os.environ.get("AWS_ENDPOINT_URL") or "http://127.0.0.1:4599"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", base)
    ssm = boto3.client("ssm", config=client_config())
    observed("loopback", ssm.meta.endpoint_url.startswith("http://127.0.0.1:"))
    ssm.put_parameter(Name=f"/env/{suffix}", Value="by-env", Type="String")
    observed("value", ssm.get_parameter(Name=f"/env/{suffix}")["Parameter"]["Value"])
    sts = boto3.client("sts", config=client_config())
    observed("sts_same_as_ssm", sts.meta.endpoint_url == ssm.meta.endpoint_url)


def test_credential_process_profile(cw, suffix, tmp_path, monkeypatch, observed):
    expiry = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=45)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    script = tmp_path / "creds.py"
    script.write_text(
        f"import json\nprint(json.dumps({{'Version': 1, 'AccessKeyId': {PROCESS_KEY_ID!r},"
        f" 'SecretAccessKey': {PROCESS_SECRET!r},"
        f" 'SessionToken': 'proc-token-r14', 'Expiration': {expiry!r}}}))\n"
    )
    cfg = tmp_path / "config"
    cfg.write_text(
        f"[profile grader]\nregion = {REGION}\ncredential_process = {sys.executable} {script}\n"
        "retry_mode = standard\nmax_attempts = 5\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    session = boto3.Session(profile_name="grader")
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    observed("key", frozen.access_key)
    observed("secret_is_sentinel", frozen.secret_key == PROCESS_SECRET)
    observed("method", creds.method)
    c = session.client("sts")
    observed("retries", c.meta.config.retries)
    ident = c.get_caller_identity()
    observed("account", ident["Account"])
    s3 = session.client("s3")
    s3.create_bucket(
        Bucket=f"proc-{suffix}", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_object(Bucket=f"proc-{suffix}", Key="k", Body=b"by process")
    observed("body", s3.get_object(Bucket=f"proc-{suffix}", Key="k")["Body"].read().decode())


def test_session_token_expiry(cw, observed):
    sts = cw.client("sts")
    out = sts.get_session_token(DurationSeconds=1800)["Credentials"]
    observed("expires_minutes", round((out["Expiration"].timestamp() - time.time()) / 60))
    s = boto3.Session(
        aws_access_key_id=out["AccessKeyId"],
        aws_secret_access_key=out["SecretAccessKey"],
        aws_session_token=out["SessionToken"],
        region_name=REGION,
    )
    observed("token_prefix", s.get_credentials().token[:4] == out["SessionToken"][:4])
    observed("account", s.client("sts").get_caller_identity()["Account"])


def test_defaults_mode_env(cw, monkeypatch, observed):
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "standard")
    c = boto3.Session(region_name=REGION).client("sts")
    observed("retry_mode", c.meta.config.retries.get("mode"))
    observed("connect_timeout", c.meta.config.connect_timeout)
    observed("account", c.get_caller_identity()["Account"])
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "in-region")
    c2 = boto3.Session(region_name=REGION).client("sts")
    observed("in_region_timeout", c2.meta.config.connect_timeout)


def test_threads_share_one_client(cw, suffix, observed):
    ssm = cw.client("ssm")
    names = []

    def put(i):
        name = f"/threads/{suffix}/p{i}"
        ssm.put_parameter(Name=name, Value=str(i * i), Type="String")
        return threading.current_thread().name != "MainThread"

    with ThreadPoolExecutor(4) as pool:
        names = list(pool.map(put, range(8)))
    observed("off_main", all(names))
    got = ssm.get_parameters(Names=[f"/threads/{suffix}/p{i}" for i in range(8)])["Parameters"]
    observed("values", sorted(int(p["Value"]) for p in got))


def test_aiobotocore_ssm_and_logs(cw, suffix, observed):
    from aiobotocore.session import get_session

    async def main():
        session = get_session()
        async with (
            session.create_client("ssm", region_name=REGION, config=client_config()) as ssm,
            session.create_client("logs", region_name=REGION, config=client_config()) as logs,
        ):
            await asyncio.gather(
                *(
                    ssm.put_parameter(Name=f"/aio/{suffix}/{i}", Value=str(i), Type="String")
                    for i in range(4)
                )
            )
            names = []
            async for page in ssm.get_paginator("get_parameters_by_path").paginate(
                Path=f"/aio/{suffix}", PaginationConfig={"PageSize": 3}
            ):
                names.extend(p["Name"].rsplit("/", 1)[1] for p in page["Parameters"])
            group = f"/aio/{suffix}"
            await logs.create_log_group(logGroupName=group)
            await logs.create_log_stream(logGroupName=group, logStreamName="s")
            now = int(time.time() * 1000)
            await logs.put_log_events(
                logGroupName=group,
                logStreamName="s",
                logEvents=[{"timestamp": now, "message": "aio"}],
            )
            ev = await logs.filter_log_events(logGroupName=group, startTime=now - 60_000)
            return sorted(names), [e["message"] for e in ev["events"]]

    names, events = asyncio.run(main())
    observed("names", names)
    observed("events", events)


def test_aiobotocore_cognito_error(cw, suffix, observed):
    from aiobotocore.session import get_session

    async def main():
        async with get_session().create_client(
            "cognito-idp", region_name=REGION, config=client_config()
        ) as idp:
            pool = (await idp.create_user_pool(PoolName=f"aio-{suffix}"))["UserPool"]["Id"]
            try:
                await idp.admin_get_user(UserPoolId=pool, Username="ghost")
                return None
            except ClientError as e:
                return e.response["Error"]["Code"]

    observed("error", asyncio.run(main()))


def test_request_ids_distinct(cw, suffix, observed):
    sts = cw.client("sts")
    ids = [sts.get_caller_identity()["ResponseMetadata"]["RequestId"] for _ in range(3)]
    observed("distinct", len(set(ids)))
    observed("shape", [len(i) for i in ids])


def test_client_meta_the_code_reads(cw, observed):
    c = cw.client("sts")
    observed("region", c.meta.region_name)
    observed("partition", c.meta.partition)
    observed("ua_extra", c.meta.config.user_agent_extra)
    observed("signature", c.meta.config.signature_version)
    creds = cw.session.get_credentials()
    observed("has_creds", creds is not None)
