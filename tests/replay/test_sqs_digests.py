"""SQS's MD5s in replay are those of what the test sent and gets (a new user's trial,
``bench/apps/invisible_r9``): a message body or attribute holding a uuid made up per run
binds to the recorded one, so the test sends and reads back the live value, but
``SendMessage``'s ``MD5OfMessageBody``/``MD5OfMessageAttributes`` and ``ReceiveMessage``'s
``MD5OfBody`` were the recorded value's: an app that checks them (as the Java and .NET SDKs
do) raised in replay only. Recorded against moto server, replayed with it stopped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness.exchange import HttpResponse
from harness.replay import sqs_digests
from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

SUITE = """
import hashlib
import os
import uuid

import boto3
import pytest

from harness.replay.sqs_digests import attributes_md5

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


@pytest.mark.aws_cassette
def test_md5s_are_of_what_was_sent_and_read():
    sqs = boto3.client(
        "sqs", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    body = f'{{"doc": "{uuid.uuid4()}"}}'
    attrs = {
        "trace": {"DataType": "String", "StringValue": str(uuid.uuid4())},
        "n": {"DataType": "Number", "StringValue": "42"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\\x00\\x01"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs)
    assert sent["MD5OfMessageBody"] == md5(body)
    assert sent["MD5OfMessageAttributes"] == attributes_md5(attrs)
    entries = [{"Id": uuid.uuid4().hex[:10], "MessageBody": str(uuid.uuid4())} for _ in range(2)]
    batch = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    bodies = {e["Id"]: e["MessageBody"] for e in entries}
    for ok in batch["Successful"]:
        assert ok["MD5OfMessageBody"] == md5(bodies[ok["Id"]])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    messages = got["Messages"]
    assert body in [m["Body"] for m in messages]
    for m in messages:
        assert m["MD5OfBody"] == md5(m["Body"])
        if "MessageAttributes" in m:
            assert m["MD5OfMessageAttributes"] == attributes_md5(m["MessageAttributes"])
"""


def test_sqs_md5s_follow_the_values_made_up_per_run(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        recorded = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "1 passed" in recorded, recorded
    replayed = run_inner(tmp_path)
    assert "1 passed" in replayed, replayed


def _json(doc: object) -> bytes:
    return json.dumps(doc, indent=2, sort_keys=True).encode()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _sent(value: str) -> dict[str, object]:
    attrs = {"t": {"DataType": "String", "StringValue": value}}
    return {"MessageBody": f'{{"doc": "{value}"}}', "MessageAttributes": attrs}


def _send_answer(sent: dict[str, object]) -> HttpResponse:
    doc = {
        "MD5OfMessageAttributes": sqs_digests.attributes_md5(sent["MessageAttributes"]),  # type: ignore[arg-type]
        "MD5OfMessageBody": _md5(str(sent["MessageBody"])),
        "MessageId": "m",
    }
    return HttpResponse(200, {"Content-Type": "application/x-amz-json-1.0"}, _json(doc))


def test_a_send_answer_takes_the_md5s_of_the_sent_values() -> None:
    recorded, live = _sent("recorded"), _sent("live")
    answer = _send_answer(recorded)
    out = json.loads(
        sqs_digests.followed(
            "SendMessage", live, answer, recorded=(lambda: recorded, lambda: answer)
        ).body
    )
    assert out["MD5OfMessageBody"] == _md5(str(live["MessageBody"]))
    assert out["MD5OfMessageAttributes"] == sqs_digests.attributes_md5(live["MessageAttributes"])  # type: ignore[arg-type]
    assert out["MessageId"] == "m"


def test_an_md5_the_server_got_wrong_is_served_as_it_was() -> None:
    """Replay never mends what the server sent: an MD5 that did not agree with the
    recorded values (a server's bug, a stand-in's) is not computed again."""
    recorded, live = _sent("recorded"), _sent("live")
    wrong = json.loads(_send_answer(recorded).body)
    wrong["MD5OfMessageBody"] = "1" * 32
    answer = HttpResponse(200, {}, _json(wrong))
    out = json.loads(
        sqs_digests.followed(
            "SendMessage", live, answer, recorded=(lambda: recorded, lambda: answer)
        ).body
    )
    assert out["MD5OfMessageBody"] == "1" * 32  # as the server sent it
    assert out["MD5OfMessageAttributes"] == sqs_digests.attributes_md5(live["MessageAttributes"])  # type: ignore[arg-type]
    doc = {"Messages": [{"Body": "a", "MD5OfBody": "2" * 32}]}
    received = HttpResponse(200, {}, _json(doc))
    served = HttpResponse(200, {}, _json({"Messages": [{"Body": "b", "MD5OfBody": "2" * 32}]}))
    assert (
        sqs_digests.followed("ReceiveMessage", {}, served, recorded=(lambda: {}, lambda: received))
        is served
    )


def test_a_receive_answer_takes_the_md5_of_each_body_given() -> None:
    same = hashlib.md5(b"a").hexdigest()
    # two messages recorded with one MD5: the first's body kept, the second's changed
    doc = {"Messages": [{"Body": "a", "MD5OfBody": same}, {"Body": "b", "MD5OfBody": same}]}
    recorded = HttpResponse(200, {}, _json({"Messages": [{"Body": "a", "MD5OfBody": same}] * 2}))
    out = json.loads(
        sqs_digests.followed(
            "ReceiveMessage",
            {},
            HttpResponse(200, {}, _json(doc)),
            recorded=(lambda: {}, lambda: recorded),
        ).body
    )
    assert [m["MD5OfBody"] for m in out["Messages"]] == [
        same,
        hashlib.md5(b"b").hexdigest(),
    ]


def test_an_answer_whose_md5s_agree_is_served_as_it_was() -> None:
    doc = {"Messages": [{"Body": "a", "MD5OfBody": hashlib.md5(b"a").hexdigest()}]}
    served = HttpResponse(200, {}, _json(doc))
    assert (
        sqs_digests.followed("ReceiveMessage", {}, served, recorded=(lambda: {}, lambda: served))
        is served
    )
    error = HttpResponse(400, {}, b'{"__type": "QueueDoesNotExist"}')
    sent = {"MessageBody": "x"}
    assert (
        sqs_digests.followed("SendMessage", sent, error, recorded=(lambda: sent, lambda: error))
        is error
    )
