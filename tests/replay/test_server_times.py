"""Times the server stamped while recording are served moved to today's clock (r15).

In replay with the real clock a ``CreationDate`` read against ``time.time()`` was the
recording day's: "created in the last two minutes" passed live and failed in replay. The
reference is a property: on responses holding times inside the recorded test's span and
outside it, times outside are byte-identical, times inside move by exactly the shift, in
their spelling; botocore's own parsers read the served bodies.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import botocore.parsers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws.models import operation_model
from harness.exchange import HttpResponse
from harness.replay.server_times import ServerTimes, sent_instants

SINCE = 1_764_000_000.0  # the recording's first request
ANSWERED = SINCE + 40.0  # this answer's arrival
END = SINCE + 60.0  # the cassette's last answer
NOW = END + 3 * 86_400 + 0.75  # replay, three days later
SHIFT = 3 * 86_400  # whole seconds: now - end, rounded down


def _times(sent: tuple[float, ...] = ()) -> ServerTimes:
    return ServerTimes(lambda: (SINCE, END), lambda: [(t, SINCE) for t in sent])


def _parsed(
    service: str, operation: str, response: HttpResponse, protocol: str | None = None
) -> dict[str, Any]:
    model = operation_model(service, operation)
    parser = botocore.parsers.create_parser(protocol or model.metadata["protocol"])
    return parser.parse(
        {"status_code": response.status, "headers": response.headers, "body": response.body},
        model.output_shape,
    )


def _served(service: str, operation: str, body: bytes, headers: dict[str, str] | None = None,
            sent: tuple[float, ...] = ()) -> HttpResponse:  # fmt: skip
    response = HttpResponse(200, headers or {"Content-Type": "application/json"}, body)
    return _times(sent).moved(service, operation, response, ANSWERED, NOW)


# ---------------------------------------------------------------- the reference property


def _spell(epoch_ms: int, form: str) -> str:
    seconds, millis = divmod(epoch_ms, 1000)
    if form == "int":
        return str(seconds)
    if form == "millis3":
        return f"{seconds}.{millis:03d}"
    if form == "frac1":
        return f"{seconds}.{millis // 100}"
    if form == "sci":
        return f"{seconds / 1e9:.9f}E9"
    raise AssertionError(form)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),  # inside the span?
            st.integers(0, 40_000),  # milliseconds into the span (or away from it)
            st.sampled_from(["int", "millis3", "frac1", "sci"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_inside_moves_by_exactly_the_shift_outside_is_byte_identical(
    times: list[tuple[bool, int, str]],
) -> None:
    """Cognito ``ListUserPools``: each pool's ``CreationDate`` (in the span or days away:
    a date the data holds) and ``LastModifiedDate``, spelled as servers do."""
    pools, expected = [], []
    for number, (inside, offset_ms, form) in enumerate(times):
        base = int(SINCE * 1000)
        at = base + offset_ms if inside else base - 86_400_000 - offset_ms
        if form == "sci":
            at -= at % 1000  # (the exponent's nine places: whole seconds)
        text = _spell(at, form)
        pools.append(f'{{"Id":"p{number}","Name":"n","CreationDate":{text}}}')
        expected.append((inside, at, form, text))
    body = ('{"UserPools":[' + ",".join(pools) + '],"NextToken":"tok"}').encode()
    served = _served("cognito-idp", "ListUserPools", body)
    want = body
    for inside, at, form, text in expected:
        if inside:
            moved = _spell(at + SHIFT * 1000, form)
            was_text, moved_text = (f'"CreationDate":{t}}}'.encode() for t in (text, moved))
            want = want.replace(was_text, moved_text, 1)
    assert served.body == want
    before = _parsed("cognito-idp", "ListUserPools", HttpResponse(200, {}, body))["UserPools"]
    after = _parsed("cognito-idp", "ListUserPools", served)["UserPools"]
    for (inside, *_), was, now in zip(expected, before, after, strict=True):
        delta = now["CreationDate"] - was["CreationDate"]
        want_delta = dt.timedelta(seconds=SHIFT if inside else 0)
        assert abs(delta - want_delta) <= dt.timedelta(microseconds=1)  # (a float's rounding)


# ---------------------------------------------------------------- protocols, parsed by botocore


def test_json_epochs_move_and_a_retention_date_stays() -> None:
    """Logs: a group's ``creationTime`` (milliseconds) moves; events' ``timestamp`` the
    code sent (in a recorded request) and their far ``ingestionTime`` stay."""
    created, sent_event = int(SINCE * 1000) + 1234, int(SINCE * 1000) + 5000
    body = json.dumps(
        {
            "events": [
                {"timestamp": sent_event, "ingestionTime": sent_event + 7, "message": "m"},
                {"timestamp": 1_600_000_000_000, "ingestionTime": 1_600_000_000_500},
            ],
            "logGroups": [],
        }
    ).encode()
    served = _served("logs", "FilterLogEvents", body, sent=(sent_event / 1000,))
    events = json.loads(served.body)["events"]
    assert events[0]["timestamp"] == sent_event  # (the code's own time: another's business)
    assert events[0]["ingestionTime"] == sent_event + 7 + SHIFT * 1000
    assert events[1] == {"timestamp": 1_600_000_000_000, "ingestionTime": 1_600_000_000_500}
    groups = json.dumps({"logGroups": [{"logGroupName": "g", "creationTime": created}]}).encode()
    served = _served("logs", "DescribeLogGroups", groups)
    parsed = _parsed("logs", "DescribeLogGroups", served)
    assert parsed["logGroups"][0]["creationTime"] == created + SHIFT * 1000


def test_query_xml_iso_list_and_members_move_in_their_spelling() -> None:
    """CloudWatch ``GetMetricData``'s ``Timestamps`` (a list of times) in XML: ISO 8601
    with and without a fraction, zones as written; one far from the span stays."""
    inside = dt.datetime.fromtimestamp(SINCE + 10, dt.timezone.utc)
    body = (
        "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member>"
        "<Id>m</Id><Label>l</Label><StatusCode>Complete</StatusCode><Timestamps>"
        f"<member>{inside:%Y-%m-%dT%H:%M:%S}Z</member>"
        f"<member>{inside:%Y-%m-%dT%H:%M:%S}.250+00:00</member>"
        "<member>2025-01-01T00:00:00Z</member>"
        "</Timestamps><Values><member>1.0</member><member>2.0</member><member>3.0</member>"
        "</Values></member></MetricDataResults></GetMetricDataResult>"
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetMetricDataResponse>"
    ).encode()
    headers = {"Content-Type": "text/xml"}
    served = _served("cloudwatch", "GetMetricData", body, headers)
    later = inside + dt.timedelta(seconds=SHIFT)
    assert f"<member>{later:%Y-%m-%dT%H:%M:%S}Z</member>".encode() in served.body
    assert f"<member>{later:%Y-%m-%dT%H:%M:%S}.250+00:00</member>".encode() in served.body
    assert b"<member>2025-01-01T00:00:00Z</member>" in served.body
    # (CloudWatch's query protocol: its XML, as an older botocore and moto speak it)
    was = _parsed("cloudwatch", "GetMetricData", HttpResponse(200, headers, body), "query")
    now = _parsed("cloudwatch", "GetMetricData", served, "query")
    before, after = (p["MetricDataResults"][0]["Timestamps"] for p in (was, now))
    pairs = zip(before, after, strict=True)
    assert [(b - a).total_seconds() for a, b in pairs] == [SHIFT, SHIFT, 0]
    assert now["MetricDataResults"][0]["Values"] == [1.0, 2.0, 3.0]


def test_rest_xml_header_date_moves_and_a_far_expiry_stays() -> None:
    """S3 ``HeadObject``: ``Last-Modified`` (RFC 822) moves; ``Expires`` (2030) stays;
    the ``Date`` header is not a member: as recorded."""
    from email.utils import formatdate

    modified = formatdate(SINCE + 3, usegmt=True)
    headers = {
        "Last-Modified": modified,
        "Expires": "Tue, 01 Jan 2030 00:00:00 GMT",
        "Date": formatdate(ANSWERED, usegmt=True),
        "Content-Length": "3",
        "ETag": '"e"',
    }
    served = _served("s3", "HeadObject", b"", headers)
    assert served.headers["Last-Modified"] == formatdate(SINCE + 3 + SHIFT, usegmt=True)
    assert served.headers["Expires"] == headers["Expires"]
    assert served.headers["Date"] == headers["Date"]
    parsed = _parsed("s3", "HeadObject", served)
    assert parsed["LastModified"].timestamp() == SINCE + 3 + SHIFT


def test_rest_json_iso_strings_and_exponent_epochs() -> None:
    """API Gateway v2's ``createdDate`` (ISO 8601 in rest-json) and an exponent-spelled
    epoch (as AWS writes them: ``1.764000012345E9``)."""
    body = b'{"apiId":"a","name":"n","createdDate":"2025-11-24T16:00:05Z","protocolType":"HTTP"}'
    assert dt.datetime(2025, 11, 24, 16, 0, 5, tzinfo=dt.timezone.utc).timestamp() == SINCE + 5
    served = _served("apigatewayv2", "GetApi", body)
    assert served.body == body.replace(b"2025-11-24T16:00:05Z", b"2025-11-27T16:00:05Z")
    pool = b'{"UserPool":{"Id":"p","CreationDate":1.764000012345E9}}'
    served = _served("cognito-idp", "DescribeUserPool", pool)
    assert served.body == b'{"UserPool":{"Id":"p","CreationDate":1.764259212345E9}}'


def test_documents_in_strings_counts_and_unknown_members_stay() -> None:
    """A time inside a string (a JSON document the code stored), a member the model does
    not name as a time, and a time-named member that holds no time are served as stored."""
    stamp = int(SINCE + 9)
    body = json.dumps(
        {
            "UserPool": {
                "Id": "p",
                "EstimatedNumberOfUsers": stamp,
                "Name": json.dumps({"CreationDate": stamp}),
                "CreationDate": "never",
            }
        }
    ).encode()
    assert _served("cognito-idp", "DescribeUserPool", body).body == body


def test_off_before_the_recording_ends_or_without_times() -> None:
    body = b'{"UserPool":{"Id":"p","CreationDate":1764000009}}'
    response = HttpResponse(200, {}, body)
    off = _times()
    off.on = False
    assert off.moved("cognito-idp", "DescribeUserPool", response, ANSWERED, NOW) is response
    # (the recorded clock's "now" lies in the recording: nothing moves)
    assert _times().moved("cognito-idp", "DescribeUserPool", response, ANSWERED, END) is response
    assert _times().moved("cognito-idp", "DescribeUserPool", response, None, NOW) is response


def test_one_shift_per_test() -> None:
    """Read again later in the test, a time reads as it did the first time."""
    times = _times()
    body = b'{"UserPool":{"Id":"p","CreationDate":1764000009}}'
    first = times.moved(
        "cognito-idp", "DescribeUserPool", HttpResponse(200, {}, body), ANSWERED, NOW
    )
    again = times.moved(
        "cognito-idp", "DescribeUserPool", HttpResponse(200, {}, body), END, NOW + 30
    )
    assert first.body == again.body == body.replace(b"1764000009", str(1764000009 + SHIFT).encode())


@pytest.mark.parametrize(
    ("params", "instants"),
    [
        ({"startTime": 1_764_000_001_000}, [1_764_000_001.0]),
        ({"StartTime": dt.datetime(2025, 11, 24, 16, 0, 5, tzinfo=dt.timezone.utc)}, [SINCE + 5]),
        ({"a": ["2025-11-24T16:00:05.5Z"], "n": 12, "b": True}, [SINCE + 5.5]),
    ],
)
def test_what_the_code_sent(params: dict[str, Any], instants: list[float]) -> None:
    assert list(sent_instants(params)) == instants


# ---------------------------------------------------------------- end to end, moto server


def _clients(endpoint: str) -> tuple[Any, Any, Any]:
    import boto3

    def client(name: str) -> Any:
        return boto3.client(
            name,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client("cognito-idp"), client("logs"), client("s3")


def _app(endpoint: str, recorder: Any) -> dict[str, Any]:
    """The code under test: creates a pool, a log group and an object, reads their times,
    and sends two of them back (events since the group's creation, an object unmodified
    since it was written)."""
    idp, logs, s3 = _clients(endpoint)
    with recorder.activate():
        created = idp.create_user_pool(PoolName="courses")["UserPool"]
        described = idp.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
        logs.create_log_group(logGroupName="app")
        group = logs.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0]
        since = logs.filter_log_events(logGroupName="app", startTime=group["creationTime"])
        s3.create_bucket(Bucket="media")
        s3.put_object(Bucket="media", Key="a", Body=b"abc")
        head = s3.head_object(Bucket="media", Key="a")
        got = s3.get_object(Bucket="media", Key="a", IfUnmodifiedSince=head["LastModified"])
    return {
        "created": created["CreationDate"],
        "described": described["CreationDate"],
        "group": group["creationTime"] / 1000,
        "events": since["events"],
        "modified": head["LastModified"],
        "body": got["Body"].read(),
    }


def _fresh(seen: dict[str, Any], now: float) -> None:
    """What the code checks: each time within the last two minutes of its clock."""
    for name in ("created", "described", "modified"):
        assert 0 <= now - seen[name].timestamp() < 120, (name, seen[name])
    assert 0 <= now - seen["group"] < 120


def test_a_recording_made_yesterday_reads_as_made_just_now(tmp_path: Any) -> None:
    """Recorded against moto server with the process's clock a day back (moto stamps its
    times by that clock, the cassette's times are a day old, consistently), replayed with
    the real clock: the code's "created in the last two minutes" holds, a time it sends
    back finds its recording, and with ``on = False`` the same checks fail (the old way)."""
    import time

    time_machine = pytest.importorskip("time_machine")
    from harness.replay.recorder import CassetteRecorder
    from tests.support.moto_server import moto_server

    path = tmp_path / "yesterday.yaml"
    yesterday = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=True), moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all")
        live = _app(endpoint, recorder)
        recorder.save()
        _fresh(live, time.time())
    replayer = CassetteRecorder(path, "none")
    seen = _app("http://127.0.0.1:9", replayer)
    _fresh(seen, time.time())
    assert seen["created"] == seen["described"]  # (one shift per test: read twice, the same)
    assert seen["body"] == b"abc"
    shift = seen["created"] - live["created"]
    assert shift.total_seconds() == replayer.replayer.server_times.shift
    assert 86_400 <= shift.total_seconds() < 86_400 + 120  # (a day, and the seconds since)
    assert seen["modified"] - live["modified"] == shift
    as_recorded = CassetteRecorder(path, "none")
    as_recorded.replayer.server_times.on = False
    old = _app("http://127.0.0.1:9", as_recorded)
    assert old["created"] == live["created"] and old["modified"] == live["modified"]
    with pytest.raises(AssertionError):
        _fresh(old, time.time())


def test_a_token_stand_in_reads_as_issued_now_with_its_lifetime() -> None:
    """A Cognito ``IdToken`` stand-in (claims kept, ``jose_claims``): ``iat`` in the span
    moves with ``auth_time`` and ``exp`` (``exp - iat`` as recorded); one issued long
    before the recording (a token the data holds) stays."""
    import base64

    def token(claims: dict[str, Any]) -> str:
        parts = [{"alg": "RS256", "kid": "k"}, claims]
        encoded = [base64.urlsafe_b64encode(json.dumps(p).encode()).rstrip(b"=") for p in parts]
        return ".".join([*(e.decode() for e in encoded), "c2lnbmF0dXJl"])

    def claims_of(value: str) -> dict[str, Any]:
        part = value.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    issued = int(SINCE + 5)
    recorded = token({"sub": "s", "iat": issued, "auth_time": issued, "exp": issued + 3600})
    served = _times().moved_token(recorded, NOW)
    assert claims_of(served) == {
        "sub": "s", "iat": issued + SHIFT, "auth_time": issued + SHIFT, "exp": issued + 3600 + SHIFT
    }  # fmt: skip
    assert served.split(".")[0::2] == recorded.split(".")[0::2]
    old = token({"sub": "s", "iat": 1_600_000_000, "exp": 1_600_003_600})
    assert _times().moved_token(old, NOW) == old


def test_a_moved_time_sent_back_stands_for_its_recording() -> None:
    """Events since a group's ``creationTime`` (milliseconds, a long): the live request
    holds the moved value, the matcher sees the recorded one, in each spelling sent."""
    times = _times()
    created = int(SINCE * 1000) + 250
    body = json.dumps({"logGroups": [{"logGroupName": "g", "creationTime": created}]}).encode()
    times.moved("logs", "DescribeLogGroups", HttpResponse(200, {}, body), ANSWERED, NOW)
    live = created + SHIFT * 1000
    sent = {"logGroupName": "g", "startTime": live, "other": live + 1, "at": live / 1000}
    assert times.unmoved(sent) == {
        "logGroupName": "g", "startTime": created, "other": live + 1, "at": created / 1000
    }  # fmt: skip


PLUGIN_TEST = """
import time, boto3, pytest

@pytest.mark.aws_cassette(name="shared")
def test_pool():
    idp = boto3.client("cognito-idp", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    created = idp.create_user_pool(PoolName="courses")["UserPool"]["CreationDate"]
    assert 0 <= time.time() - created.timestamp() < 120, created
"""


@pytest.fixture(scope="module")
def yesterdays_pool(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A cassette recorded against moto server with the clock a day back (once: recorded
    before any test runs pytest in this process)."""
    time_machine = pytest.importorskip("time_machine")
    from harness.replay.recorder import CassetteRecorder
    from tests.support.moto_server import moto_server

    path = tmp_path_factory.mktemp("yesterday") / "shared.yaml"
    yesterday = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=True), moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all")
        idp = _clients(endpoint)[0]
        with recorder.activate():
            idp.create_user_pool(PoolName="courses")
        recorder.save()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("options", "outcome"),
    [
        ((), "passed"),
        (("--aws-replay-server-times=recorded",), "failed"),  # (the old way: a day old)
        (("--aws-replay-clock=recorded",), "passed"),  # (not moved twice: the clock is)
        (("-o", "aws_replay_server_times=recorded"), "failed"),
    ],
)
def test_the_option_and_the_recorded_clock(
    pytester: pytest.Pytester, yesterdays_pool: bytes, options: tuple[str, ...], outcome: str
) -> None:
    """Through the plugin: moved by default; as recorded when asked; with the recorded
    clock the code's clock is the recording's, and nothing moves."""
    folder = pytester.path / "cassettes" / "test_p"
    folder.mkdir(parents=True)
    (folder / "shared.yaml").write_bytes(yesterdays_pool)
    pytester.makepyfile(test_p=PLUGIN_TEST)
    result = pytester.runpytest("-p", "no:randomly", "--aws-contract=off", *options)
    result.assert_outcomes(**{outcome: 1})


def test_an_unknown_setting_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_p=PLUGIN_TEST)
    result = pytester.runpytest("-p", "no:randomly", "-o", "aws_replay_server_times=shifted")
    # (stopped once at start-up, naming the setting and what it takes: exit 4)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*aws_replay_server_times ini setting is 'shifted', which it does not take*"]
    )
