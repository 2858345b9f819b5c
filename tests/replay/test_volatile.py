"""Volatile values: what each kind masks, how settings are read, and how binding holds."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws.models import operation_model
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay.match_policy import MatchPolicy
from harness.replay.matching import MatchIndex
from harness.replay.volatile import (
    DATE_SHAPES,
    Generated,
    Volatile,
    generated_differences,
    looks_generated,
    parse,
)
from harness.secrets.vault import Binding, Vault, restore_text

EVERY = parse("uuid hex hash time", "test")
ALNUM = parse("alnum", "test")


def recorded_call(service: str, operation: str, params: dict[str, Any]) -> Exchange:
    """A recorded json call with ``params`` and an empty success (what binding looks at)."""
    return Exchange(
        service,
        operation,
        HttpRequest(method="POST", url=f"https://{service}/", headers={}, body=b"{}"),
        HttpResponse(200, {}, b"{}"),
        "recorded",
        params=params,
    )


def masked(text: str, volatile: Volatile = EVERY) -> tuple[str, list[str]]:
    found: list[Generated] = []
    return volatile.mask_text(text, found), [g.kind for g in found]


def test_each_kind_masks_its_values_by_shape() -> None:
    a, kinds = masked(f"bucket-{uuid.uuid4()}")
    b, _ = masked(f"bucket-{uuid.uuid4()}")
    assert a == b and kinds == ["uuid"]
    assert masked(f"test{uuid.uuid4()}x")[1] == ["uuid"]  # anywhere inside a string
    assert masked("key-3f2a9c1e7b")[0] == masked("key-0000ffff11")[0]  # hex, same length
    assert masked("key-3f2a9c1e7b")[0] != masked("key-3f2a9c1e")[0]  # another length
    assert masked("jobs-k3j9xq2mzp", ALNUM)[1] == ["alnum"]
    assert masked("jobs-abc", ALNUM)[1] == []  # too short to be random
    assert masked("ref--4611686018427387904")[1] == ["hash"]
    stamp = str(int(time.time() * 1000))
    assert masked(f"run-{stamp}")[1] == ["time"]
    assert masked("at 2026-11-24T10:00:00.123Z")[1] == ["time"]


def test_a_uuid_between_dots_or_underscores_is_one_value_of_its_own_shape() -> None:
    # moto's S3 tests name buckets str(uuid4()).replace("-", "."): the 4-digit groups were
    # left in the key and every run missed
    for sep in (".", "_"):
        a, kinds = masked("b-" + str(uuid.uuid4()).replace("-", sep))
        b, _ = masked("b-" + str(uuid.uuid4()).replace("-", sep))
        assert a == b == f"b-\u27e6uuid{sep}\u27e7" and kinds == ["uuid"]
    dashes = masked(f"b-{uuid.uuid4()}")[0]
    assert dashes == "b-\u27e6uuid\u27e7"  # (as before: keys of dashed uuids unchanged)
    assert masked("b-" + str(uuid.uuid4()).replace("-", "."))[0] != dashes
    mixed = "3f2a9c1e.7b2d-4c1a.9e3f.0a1b2c3d4e5f"  # one separator throughout, or none
    assert "uuid" not in masked(mixed)[1]


def test_the_most_specific_kind_wins_even_where_another_starts_earlier() -> None:
    # moto's DynamoDB tests name tables "T" + uuid4(): read as 9 letters and digits from the
    # "T" on, the uuid's other groups stayed in the key and every run missed (124 tests)
    every = parse("uuid hex alnum hash time", "test")
    a, kinds = masked(f"T{uuid.uuid4()}", every)
    b, _ = masked(f"T{uuid.uuid4()}", every)
    assert a == b == "T\u27e6uuid\u27e7" and kinds == ["uuid"]
    stamp, later = (
        masked("job12345-2026-11-24T10:00:00Z", every),
        masked("job67890-2026-11-24T11:30:00Z", every),
    )
    assert stamp[0] == later[0] and stamp[1] == ["time", "alnum"]


def test_map_keys_are_masked_too() -> None:
    # BatchWriteItem's RequestItems is keyed by table name: "T" + uuid4() per run
    shape = operation_model("dynamodb", "BatchWriteItem").input_shape
    item = [{"PutRequest": {"Item": {"k": {"S": "v"}}}}]
    keys = []
    for _ in range(2):
        found: list[Generated] = []
        out = EVERY.mask_params(shape, {"RequestItems": {f"T{uuid.uuid4()}": item}}, found)
        keys.append((list(out["RequestItems"]), [g.kind for g in found]))
    assert keys[0] == keys[1] == (["T\u27e6uuid\u27e7"], ["uuid"])
    # two keys that would mask alike stay as they are: which is which would be a guess
    found = []
    two = {f"T{uuid.uuid4()}": item for _ in range(2)}
    assert set(EVERY.mask_params(shape, {"RequestItems": two}, found)["RequestItems"]) == set(two)


def test_placeholders_stay_whole_and_enums_and_blobs_are_left_alone() -> None:
    text, kinds = masked("arn:aws:iam::999999990001:role/REDACTEDscrt0001")
    assert "999999990001" in text and "REDACTEDscrt0001" in text and kinds == []
    shape = operation_model("s3", "PutObject").input_shape
    found: list[Generated] = []
    params = {"Bucket": "b-0123456789", "Key": "k", "Body": "aGVsbG8gd29ybGQh", "ACL": "private"}
    out = EVERY.mask_params(shape, params, found)
    assert out["Body"] == params["Body"] and out["ACL"] == "private"
    assert [g.value for g in found] == ["0123456789"]


def test_custom_patterns_bind_their_group() -> None:
    volatile = parse(r"re:run-(\d+)", "test")
    a, _ = masked("job-run-17", volatile)
    b, _ = masked("job-run-99123", volatile)
    assert a == b and "job-run-" in a


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("uuids", "Did you mean 'uuid'?"),
        ("re:(", "not a regular expression"),
        ("re:x*", "matches the empty string"),
        (42, "volatile takes kinds"),
    ],
)
def test_bad_settings_are_one_paragraph(given: object, says: str) -> None:
    with pytest.raises(HarnessUsageError, match=re.escape(says)):
        parse(given, "the aws_volatile ini setting")
    with pytest.raises(HarnessUsageError):
        MatchPolicy(volatile=given)  # type: ignore[arg-type]


def test_settings_read_as_users_write_them() -> None:
    assert parse(["uuid, hex", "re:a b(c)"], "x").describe() == "uuid hex re:a b(c)"
    assert not parse(None, "x") and not parse(False, "x") and not parse("none", "x")
    assert (parse("uuid", "x") | parse("time", "x")).kinds == ("uuid", "time")


def test_looks_generated_names_the_most_specific_kind() -> None:
    assert looks_generated(f"b-{uuid.uuid4()}", f"b-{uuid.uuid4()}") == "uuid"
    assert looks_generated("1732440000123", "1732450000999") == "time"
    assert looks_generated("q-abcdef12", "q-0a1b2c3d") == "hex"
    assert looks_generated("same", "same") is None
    assert looks_generated("prod", "test") is None  # too short for any kind
    diffs = generated_differences({"A": ["x-k3j9xq2mzp"], "B": 1}, {"A": ["x-p0o9i8u7y6"], "B": 2})
    assert diffs == [("/A/0", "x-k3j9xq2mzp", "x-p0o9i8u7y6", "alnum")]


def gen(value: str, kind: str = "uuid") -> Generated:
    return Generated(kind, value, kind)


def test_a_generated_value_binds_one_to_one_and_comes_back_in_responses() -> None:
    binding = Binding()
    allow = lambda r, v: None  # noqa: E731
    r1, r2, l1, l2 = (str(uuid.uuid4()) for _ in range(4))
    ties = binding.fits((gen(r1),), (gen(l1),), allow)
    assert ties is not None and ties.generated == {r1: l1}
    binding.tie(ties)
    assert binding.fits((gen(r1),), (gen(l2),), allow) is None  # r1 already meets l1
    assert binding.fits((gen(r2),), (gen(l1),), allow) is None  # l1 already stands for r1
    assert binding.fits((gen(r2),), (gen(l2),), lambda r, v: "written in the test") is None
    body = json.dumps({"Name": f"bucket-{r1}", "Other": f"x{r2}y"})
    restored = restore_text(body, binding, Vault(), "json")
    assert f"bucket-{l1}" in restored and r2 in restored
    assert binding.to_recorded(f"bucket-{l1}") == f"bucket-{r1}"


def _sqs(operation: str, params: dict[str, str], answer: dict[str, str]) -> Exchange:
    body = json.dumps(params).encode()
    request = HttpRequest(method="POST", url="https://sqs/", headers={}, body=body)
    return Exchange(
        "sqs", operation, request, HttpResponse(200, {}, json.dumps(answer).encode()),
        "recorded", params=params,
    )  # fmt: skip


def test_a_value_a_request_sent_first_binds_though_a_later_response_holds_it() -> None:
    """Only a value a *response* gave first is the server's: the test's own name, echoed
    back in a queue URL, still binds; and exchanges added later are searched too."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid"))
    mine = str(uuid.uuid4())
    index.add(
        0, _sqs("CreateQueue", {"QueueName": f"q-{mine}"}, {"QueueUrl": f"https://sqs/1/q-{mine}"})
    )
    index.add(1, _sqs("GetQueueUrl", {"QueueName": f"q-{mine}"}, {}))
    live = str(uuid.uuid4())
    assert index.take("sqs", "CreateQueue", {"QueueName": f"q-{live}"}) is not None
    assert index.take("sqs", "GetQueueUrl", {"QueueName": f"q-{live}"}) is not None
    server = str(uuid.uuid4())
    index.add(2, _sqs("ListQueues", {}, {"QueueUrls": f"https://sqs/1/{server}"}))
    index.add(3, _sqs("GetQueueAttributes", {"QueueUrl": f"https://sqs/1/{server}"}, {}))
    assert index.take("sqs", "ListQueues", {}) is not None
    other = f"https://sqs/1/{uuid.uuid4()}"
    assert index.take("sqs", "GetQueueAttributes", {"QueueUrl": other}) is None
    assert "came from an earlier response" in index.refusals[-1]


def test_a_server_given_value_is_refused_though_its_exchange_was_indexed_out_of_order() -> None:
    """An index whose exchanges were added out of recorded order (a response recorded
    first, indexed last) still finds where a value first appeared: its order is noted as
    each is added, not assumed (and no test's first binding scans every exchange for it)."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid"))
    server = str(uuid.uuid4())
    index.add(5, _sqs("GetQueueAttributes", {"QueueUrl": f"https://sqs/1/{server}"}, {}))
    index.add(2, _sqs("ListQueues", {}, {"QueueUrls": f"https://sqs/1/{server}"}))
    other = f"https://sqs/1/{uuid.uuid4()}"
    assert index.take("sqs", "GetQueueAttributes", {"QueueUrl": other}) is None
    assert "came from an earlier response" in index.refusals[-1]
    in_order = MatchIndex(policy=MatchPolicy(volatile="uuid"))
    in_order.add(2, _sqs("GetQueueAttributes", {"QueueUrl": f"https://sqs/1/{server}"}, {}))
    in_order.add(5, _sqs("ListQueues", {}, {"QueueUrls": f"https://sqs/1/{server}"}))
    assert in_order.take("sqs", "GetQueueAttributes", {"QueueUrl": other}) is not None


def test_the_index_refuses_a_server_given_value_and_keeps_time_offsets() -> None:
    policy = MatchPolicy(volatile="uuid time")
    index = MatchIndex(policy=policy)
    server_id = str(uuid.uuid4())
    create = Exchange(
        "sqs",
        "CreateQueue",
        HttpRequest(method="POST", url="https://sqs/", headers={}, body=b'{"QueueName":"q"}'),
        HttpResponse(200, {}, json.dumps({"QueueUrl": f"https://sqs/1/{server_id}"}).encode()),
        "recorded",
        params={"QueueName": "q"},
    )
    url = f"https://sqs/1/{server_id}"
    delete = Exchange(
        "sqs",
        "DeleteQueue",
        HttpRequest(method="POST", url="https://sqs/", headers={}, body=b"{}"),
        HttpResponse(200, {}, b"{}"),
        "recorded",
        params={"QueueUrl": url},
    )
    index.add(0, create)
    index.add(1, delete)
    assert index.take("sqs", "CreateQueue", {"QueueName": "q"}) is not None
    other = f"https://sqs/1/{uuid.uuid4()}"
    assert index.take("sqs", "DeleteQueue", {"QueueUrl": other}) is None
    assert "came from an earlier response" in index.refusals[-1]
    assert index.take("sqs", "DeleteQueue", {"QueueUrl": url}) is not None

    now = time.time()
    logs = MatchIndex(policy=policy)
    put = recorded_call(
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "logEvents": [{"timestamp": int((now - 86400) * 1000), "message": "m"}],
        },
    )
    logs.add(0, put, recorded_at=now - 86400)
    sent = dict(put.params, logEvents=[{"timestamp": int((now - 3600) * 1000), "message": "m"}])
    assert logs.take("logs", "PutLogEvents", sent, now=now) is None  # an hour off now
    sent = dict(put.params, logEvents=[{"timestamp": int(now * 1000), "message": "m"}])
    assert logs.take("logs", "PutLogEvents", sent, now=now) is not None


def test_an_epoch_float_binds_whatever_its_number_of_decimals() -> None:
    """``str(time.time())`` has 6 or 7 decimals by chance (and fewer when it ends in 0s):
    the fraction's length is not the time's format, so a recording binds either way."""
    volatile = parse("time", "test")
    shapes = set()
    for text in ("ping@1795565606.961388", "ping@1795565599.9673197", "ping@1795565599.5"):
        found: list[Generated] = []
        assert volatile.mask_text(text, found) != text
        shapes.add(found[0].shape)
    assert len(shapes) == 1
    found = []
    volatile.mask_text("at 2024-08-27T21:04:00.250000Z and 2024-08-27T21:04:00Z", found)
    assert found[0].shape != found[1].shape  # a fraction or none is a format


def test_a_mistyped_volatile_kind_stops_the_run_once(pytester: pytest.Pytester) -> None:
    """As a bad time tolerance does: one paragraph, a usage error, no test run (not the same
    error once per test)."""
    pytester.makepyfile(test_t="def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    pytester.makeini("[pytest]\naws_volatile = uuid uid\n")
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = result.stdout.str() + result.stderr.str()
    assert text.count("aws_volatile ini setting") == 1, text
    assert "uid" in text and "Traceback" not in text


def test_time_based_ids_bind_and_a_tests_numbering_does_not() -> None:
    """uuid1 values made minutes apart share their node and most of their clock: still
    made up per run. Ids that differ in a digit or two are a test's numbering: never bound."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid"))
    now = uuid.uuid1()
    ten_minutes_before = (now.time - 6_000_000_000) & ((1 << 60) - 1)  # 100 ns units
    recorded = uuid.UUID(  # the same machine and clock sequence, another run
        fields=(
            ten_minutes_before & 0xFFFFFFFF,
            (ten_minutes_before >> 32) & 0xFFFF,
            ((ten_minutes_before >> 48) & 0x0FFF) | 0x1000,
            now.clock_seq_hi_variant,
            now.clock_seq_low,
            now.node,
        )
    )
    index.add(0, _sqs("CreateQueue", {"QueueName": f"q-{recorded}"}, {}))
    index.add(1, _sqs("CreateQueue", {"QueueName": "q-3c1d6f2a-1b2c-4d3e-8f4a-000000000000"}, {}))
    live = str(now)
    assert index.take("sqs", "CreateQueue", {"QueueName": f"q-{live}"}) is not None
    numbered = {"QueueName": "q-3c1d6f2a-1b2c-4d3e-8f4a-000000000007"}
    assert index.take("sqs", "CreateQueue", numbered) is None
    assert "a few characters only" in index.refusals[-1]


def test_twelve_generated_digits_bind_and_an_account_field_stays_an_account_slot() -> None:
    """``uuid4().hex[:12]`` is all digits now and then: still a generated value. Twelve
    digits in an ARN's account field are an account slot, which a recorded placeholder
    takes whatever the volatile kinds say."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid hex alnum hash time"))
    index.add(0, _sqs("CreateQueue", {"QueueName": "key-4549ef74202d"}, {}))
    assert index.take("sqs", "CreateQueue", {"QueueName": "key-324759713542"}) is not None
    arn = "arn:aws:sns:us-east-1:{}:alerts"
    index.add(1, _sqs("GetQueueUrl", {"QueueName": arn.format("999999990001")}, {}))
    assert index.take("sqs", "GetQueueUrl", {"QueueName": arn.format("012345678910")}) is not None


def test_a_hex_value_that_came_out_all_digits_binds_as_hex() -> None:
    """``uuid4().hex[:16]`` is all digits about once in 1,900 runs: 15 to 20 digits alone
    read as a long number (``hash``), another shape than the recorded hex value's, so the
    key differed (the clinic app's ``clinic-5909364790714286`` EventBridge bus, clock moved
    three days). Digits alone of a hex run's length stand for a hex value, and the reverse."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid hex alnum hash time"))
    index.add(0, _sqs("CreateQueue", {"QueueName": "clinic-5b6a21cf2d204479"}, {}))
    assert index.take("sqs", "CreateQueue", {"QueueName": "clinic-5909364790714286"}) is not None
    index.add(1, _sqs("CreateQueue", {"QueueName": "clinic-590936479071428612"}, {}))
    assert index.take("sqs", "CreateQueue", {"QueueName": "clinic-5b6a21cf2d204479ab"}) is not None


@pytest.mark.parametrize(
    ("recorded", "sent", "binds"),
    [
        ("confirmed", "cancelled", False),  # words the test computed: chosen, not made up
        ("Pending", "Shipped", False),
        ("faaaba", "9e3079", True),  # hex digits that came out letters alone
        ("d93e3a", "bdfbcb", True),
        ("padding", "padding", True),  # (the same word: nothing to bind)
        ("x7k2p9qz", "m4t8w1ra", True),  # letters and digits mixed: made up
        ("a3f9c2", "0b7e41", True),  # six hex digits
        ("57406e", "d74961", True),  # that agree in three scattered places
        ("jsgwgepogghycriogtmuq", "qpzmtdolbcknwhyvaxrez", True),  # long runs of small letters
        ("xkqzbwvmpt", "4k9x2mq7zd", True),  # letters drawn at random, now and then alone
        ("hdkwzqpxtr", "bzmkqwtvxp", True),
        ("shipped", "a7k2p9q", True),  # one side made up
    ],
)
def test_a_word_never_binds_to_another_word(recorded: str, sent: str, binds: bool) -> None:
    """The alphanumeric and hex kinds match words too: ``status = confirmed`` recorded
    must not answer ``status = cancelled`` (replay would serve the other word's answer,
    with the word swapped in), even when no literal in the source names the word. Letters
    drawn at random (``random.choices(ascii_lowercase + digits, k=10)`` is letters alone
    one time in 26) are no words: they bind."""
    _binds_by_default(f"orders-{recorded}", f"orders-{sent}", binds, "both are words")


def _binds_by_default(recorded: str, sent: str, binds: bool, refusal: str) -> None:
    """A queue name recorded as ``recorded`` answers ``sent`` (or not, and says why) under
    the default kinds."""
    index = MatchIndex(policy=MatchPolicy(volatile="uuid hex alnum hash time"))
    index.add(0, _sqs("CreateQueue", {"QueueName": recorded}, {}))
    found = index.take("sqs", "CreateQueue", {"QueueName": sent})
    assert (found is not None) is binds, index.refusals
    if not binds:
        assert refusal in index.refusals[-1]


@pytest.mark.parametrize(
    ("recorded", "sent", "binds"),
    [
        ("item-000000000017", "item-000000000023", False),  # a numbering: a run of places
        ("item-000000000117", "item-000000000230", False),
        ("x7k2p9qzb", "x7k2p9qzc", False),
        ("7f3a9c2e41", "7b3a9c2e4d", False),  # agreeing in eight places: not by chance
        ("item01", "item07", False),  # a short numbering: at its end
        ("57406e", "d74961", True),  # short random values agreeing by chance
        ("29f0f2", "27f8f2", True),
        ("50bebb", "c7b2bb", True),
    ],
)
def test_a_numbering_differs_in_a_run_of_places(recorded: str, sent: str, binds: bool) -> None:
    """Values that differ in three places or fewer are a test's numbering, never bound,
    but for short random values agreeing by chance in a few places (a short numbering
    differs at its end)."""
    _binds_by_default(f"jobs-{recorded}", f"jobs-{sent}", binds, "a few characters only")


@pytest.mark.parametrize(
    ("value", "made"),
    [
        ("7f3a9c2e", True),
        ("aeddbac8", True),  # hex digits: random wherever the letters fall
        ("x7k2p9qz", True),
        ("jsgwgepogghycriogtmuqmyqtysadgvvhwnno", True),  # a long handle in small letters
        ("orders2024", False),  # a fixed name with a number
        ("dynamodb", False),
        ("deadbeef", False),
        ("20240101", False),
        ("123456789012", False),
        ("MessageDeduplicationId", False),  # a member's name, however long
    ],
)
def test_what_reads_as_generated_seen_alone(value: str, made: bool) -> None:
    """``cassette diff`` and ``harness policy`` have no recorded value to compare with: a
    fixed name must never read as generated there (a policy would widen it to ``*``)."""
    from harness.replay.volatile import Generated, made_up

    assert made_up(Generated("alnum", value, "alnum"), min_length=6) is made


def test_a_hex_value_that_starts_with_a_long_run_of_digits_is_one_value() -> None:
    """uuid4().hex begins with 15 digits or more about 1 time in 700 (and an epoch's ten
    digits with a 1 about 1 in 100): read as a hash or a time followed by shorter hex, its
    key differed from the recording's and a suite's setup_module missed in a CI run."""
    from harness.replay.volatile import parse

    volatile = parse(["uuid hex alnum hash time"], "test")
    shapes = []
    for value in ("e9c95ba228f042bf9f114faab29bd4a8", "6535373644014543a95fc086835c7515",
                  "1700000000abcdef0123456789abcdef"):  # fmt: skip
        found: list = []
        shapes.append(volatile.mask_text(f"shared-{value}", found))
        assert [g.value for g in found if g.kind == "hex"] == [value]
    assert len(set(shapes)) == 1
    # digits standing alone are still a long number and a time
    found = []
    assert volatile.mask_text("n 123456789012345678 at 1700000000", found).count("\u27e6") == 2
    assert [g.kind for g in found] == ["time", "hash"]


def test_a_strftime_stamp_is_a_time_and_binds_at_its_offset() -> None:
    """``f"telemetry-{time.strftime('%Y%m%d%H%M%S')}"`` (or ``%Y%m%d-%H%M%S``) names a
    resource after the clock: a time, bound when its offset from now is the recorded one.
    Read as 14 digits, two runs' stamps differ in their last digits only and were refused
    as a test's numbering. Another 14-digit number (no month 13) stays what it was."""
    every = parse("uuid hex alnum hash time", "test")
    for layout in ("%Y%m%d%H%M%S", "%Y%m%d-%H%M%S", "%Y%m%d_%H%M%S"):
        found: list[Generated] = []
        every.mask_text(f"stream-{time.strftime(layout, time.gmtime())}-2dce8d", found)
        assert found[0].kind == "time" and found[0].epoch is not None
        assert abs(found[0].epoch - time.time()) < 5
    assert masked("x-20261325152315", every)[1] == ["hex"]

    now = time.time()
    index = MatchIndex(policy=MatchPolicy(volatile="time"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now - 86400))
    create = recorded_call(
        "kinesis", "CreateStream", {"StreamName": f"telemetry-{stamp}", "ShardCount": 1}
    )
    index.add(0, create, recorded_at=now - 86400)
    later = time.strftime("%Y%m%d%H%M%S", time.gmtime(now))
    sent = {"StreamName": f"telemetry-{later}", "ShardCount": 1}
    assert index.take("kinesis", "CreateStream", sent, now=now) is not None
    hour_off = time.strftime("%Y%m%d%H%M%S", time.gmtime(now - 3600))
    other = MatchIndex(policy=MatchPolicy(volatile="time"))
    other.add(0, create, recorded_at=now - 86400)
    assert (
        other.take(
            "kinesis", "CreateStream", {**sent, "StreamName": f"telemetry-{hour_off}"}, now=now
        )
        is None
    )


def test_a_day_alone_is_a_time_and_binds_as_many_days_from_today_as_recorded() -> None:
    """``f"reports/{date.today()}/..."``, ``strftime("%Y/%m/%d")``, ``"%Y%m%d"``: a suite
    recorded yesterday sent yesterday's day; replayed today it sends today's. Bound when it
    is as many days from the request's day as recorded; a day written in the test (a fixed
    date, further off each day) is not. A day with no valid month stays what it was."""
    every = parse("uuid hex alnum hash time", "test")
    for layout in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        found: list[Generated] = []
        every.mask_text(f"r/{time.strftime(layout, time.gmtime())}/x.csv", found)
        assert [g.kind for g in found] == ["time"] and found[0].epoch is not None
        assert abs(found[0].epoch - time.time()) < 86400
    assert masked("at 2026-11-24T10:00:00Z", every)[0] == masked("at 2026-11-25T11:00:00Z")[0]
    assert masked("x-20261325", every)[1] == ["hex"]  # (month 13: no day)
    assert masked("v1.2026-1-5", every)[1] == []  # (one digit a field: no layout of ours)

    now = time.time()
    yesterday, today = (time.strftime("%Y-%m-%d", time.gmtime(t)) for t in (now - 86400, now))
    put = Exchange(
        "s3",
        "PutObject",
        HttpRequest(
            method="PUT", url=f"https://s3/b/reports/{yesterday}/x.csv", headers={}, body=b"a,b"
        ),
        HttpResponse(200, {}, b""),
        "recorded",
        params={"Bucket": "b", "Key": f"reports/{yesterday}/x.csv"},
    )

    def index(known: Any = None) -> MatchIndex:
        fresh = MatchIndex(policy=MatchPolicy(volatile="time"), known=known)
        fresh.add(0, put, recorded_at=now - 86400)
        return fresh

    sent = {"Bucket": "b", "Key": f"reports/{today}/x.csv"}
    bound = index()
    assert bound.take("s3", "PutObject", sent, now=now) is not None
    # an answer that echoes the day gives this run's back; a server's time of that day stays
    echoed = f'{{"Key": "reports/{yesterday}/x.csv", "At": "{yesterday}T10:00:00Z"}}'
    expected = f'{{"Key": "reports/{today}/x.csv", "At": "{yesterday}T10:00:00Z"}}'
    assert bound.binding.generated_to_live(echoed) == expected
    # the recorded day, sent again today (a date the test wrote down): one day further off
    fixed = index()
    assert fixed.take("s3", "PutObject", {**sent, "Key": f"reports/{yesterday}/x.csv"}) is not None
    two_days = time.strftime("%Y-%m-%d", time.gmtime(now - 2 * 86400))
    refused = index()
    assert (
        refused.take("s3", "PutObject", {**sent, "Key": f"reports/{two_days}/x.csv"}, now=now)
        is None
    )
    assert "day mismatch" in refused.refusals[-1]
    # today's day typed into the test after the recording is a changed literal, not a
    # generated day: refused (as the other kinds refuse a value written in the source)
    written = index(known=lambda value: "written in test_app.py" if value == today else None)
    assert written.take("s3", "PutObject", sent, now=now) is None
    assert "written in test_app.py" in written.refusals[-1]
    exact = MatchIndex(policy=MatchPolicy(volatile="time", time_tolerance=None))
    exact.add(0, put, recorded_at=now - 86400)
    assert exact.take("s3", "PutObject", sent, now=now) is None


def test_eight_digits_inside_a_hex_value_are_part_of_it_not_a_day() -> None:
    """``uuid4().hex`` now and then holds eight digits that read as a day ("...a9b19820412b8..."
    holds 1982-04-12): masked as a day, the value fell apart in pieces no other hex value of
    its length masks to, and the clinic app's topic named with it missed in replay (issue
    62). It is one hex value; a compact day between separators is still a day."""
    recorded = "clinic-patients-a79ba9b19820412b8b074790b4cbf955"
    live = "clinic-patients-36df75036c314a40afd92056b1ecb888"
    assert masked(recorded)[0] == masked(live)[0]
    assert "time" not in masked(recorded)[1]
    assert masked("daily/20261127/x")[1] == ["time"]
    assert "time" in masked("backup20261127")[1]  # (after a letter no hex digit is)
    create = Exchange(
        "sns",
        "CreateTopic",
        HttpRequest(method="POST", url="https://sns/", headers={}, body=b""),
        HttpResponse(200, {}, b""),
        "recorded",
        params={"Name": recorded},
    )
    index = MatchIndex(policy=MatchPolicy(volatile="uuid hex alnum hash time"))
    index.add(0, create, recorded_at=time.time())
    assert index.take("sns", "CreateTopic", {"Name": live}, now=time.time()) is not None


def test_a_dashed_stamp_is_a_time_and_binds_at_its_offset() -> None:
    """``strftime("%Y-%m-%d-%H-%M-%S")`` (names that may not hold a colon: S3 keys, log
    streams): read as a day and three numbers, the time of day stayed in the key and the
    next run missed. Bound when its offset from now is the recorded one."""
    every = parse("uuid hex alnum hash time", "test")
    for layout in ("%Y-%m-%d-%H-%M-%S", "%Y-%m-%d_%H-%M-%S", "%Y-%m-%dT%H-%M-%S", "%Y-%m-%d-%H-%M"):
        found: list[Generated] = []
        every.mask_text(f"run-{time.strftime(layout, time.gmtime())}.log", found)
        assert [g.kind for g in found] == ["time"] and found[0].shape not in DATE_SHAPES
        assert found[0].epoch is not None and abs(found[0].epoch - time.time()) < 120
    assert masked("x-2026-11-26-99-20-00", every)[1] == ["time"]  # (the day alone: no hour 99)

    now = time.time()
    create = recorded_call(
        "logs",
        "CreateLogStream",
        {
            "logGroupName": "g",
            "logStreamName": time.strftime("run-%Y-%m-%d-%H-%M-%S", time.gmtime(now - 86400)),
        },
    )
    sent = {"logGroupName": "g", "logStreamName": time.strftime("run-%Y-%m-%d-%H-%M-%S")}
    for offset, fits in ((0, True), (-3600, False)):
        index = MatchIndex(policy=MatchPolicy(volatile="time"))
        index.add(0, create, recorded_at=now - 86400)
        stream = time.strftime("run-%Y-%m-%d-%H-%M-%S", time.gmtime(now + offset))
        taken = index.take("logs", "CreateLogStream", {**sent, "logStreamName": stream}, now=now)
        assert (taken is not None) is fits


def _mask_text_reference(volatile: Volatile, text: str, found: list[Generated]) -> str:
    """``mask_text`` as first written: every pass split at the protected spans, none
    skipped (the reference the skipping of passes that cannot match is held to)."""
    from harness.replay.volatile import _protected

    regex = volatile._regex
    if regex is None or len(text) < 6 or regex.search(text) is None:
        return text
    for kind, pattern, _ in volatile._passes:
        pieces, position = [], 0
        for start, end in _protected(text):
            pieces.append(volatile._pass(kind, pattern, text[position:start], found))
            pieces.append(text[start:end])
            position = end
        pieces.append(volatile._pass(kind, pattern, text[position:], found))
        text = "".join(pieces)
    return text


_FRAGMENTS = st.sampled_from(
    [
        "6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "6F1C2A9E_3B4D_4E5F_8A9B_0C1D2E3F4A5B",
        "0123456789abcdef0123", "DEADBEEF", "123456789012345678", "-1234567890123456",
        "1764100000", "1764100000.123", "2026-11-27T10:00:00Z", "2026-11-27", "20261127",
        "2026/11/27/09", "dt=2026-11-27/hour=09", "20261127-101500", "127.0.0.1:49731",
        "localhost:8000", "REDACTEDsecret0001", "REDACTEDnumb0002", "999999999999",
        "arn:aws:xray:us-east-1:123456789012:group/a", "\u27e6uuid\u27e7", "abcdef", "Abc123x",
        "/", ":", "-", "_", ".", " ", "=", "a", "Z", "9", "f", "\u20ac",
    ]
)  # fmt: skip


#: fragments users' values are made of, and characters drawn one by one (what no fragment
#: above was written for: a hex run cut by a mask, a placeholder glued to digits)
_TEXTS = st.lists(
    _FRAGMENTS | st.text(alphabet="0123456789abcdefABCDEF-_.:/= T\u27e6\u27e7RZ", max_size=8),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.sampled_from(["every", "alnum"]))
def test_mask_text_agrees_with_its_reference(text: str, which: str) -> None:
    """Skipping a pass whose lookaround-free pattern finds nothing masks as every pass did
    (keys are written to committed indexes: a changed mask would refuse them as forged)."""
    volatile = EVERY if which == "every" else parse("uuid hex hash time alnum port", "test")
    found: list[Generated] = []
    expected: list[Generated] = []
    assert volatile.mask_text(text, found) == _mask_text_reference(volatile, text, expected)
    assert found == expected
