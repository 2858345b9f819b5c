"""A miss says in a few bounded lines which member differs and what to do (issue 62: one miss
printed a whole request on one 163,000-character line)."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from harness.replay import CassetteMiss
from harness.replay.miss_report import LINE_WIDTH, bounded
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server


def _sqs(url: str | None):  # type: ignore[no-untyped-def]
    return boto3.client(
        "sqs", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
    )  # fmt: skip


def test_bounded_cuts_long_lines_and_says_how_much() -> None:
    assert bounded("short") == "short"
    assert bounded("a\nb") == "a\\nb"  # one line, whatever the value holds
    long = "x" * 163_000
    cut = bounded(long)
    assert len(cut) < LINE_WIDTH + 60 and "162,600 more characters" in cut


def test_a_miss_on_a_large_document_names_the_member_in_short_lines(tmp_path: Path) -> None:
    recorded = "".join(f'{{"n": {i}, "v": "{i:06d}"}}\n' for i in range(6_000))  # ~160 kB
    sent = recorded.replace('"v": "002999"', '"v": "changed"')
    path = tmp_path / "sqs.yaml"
    with moto_server() as url:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            sqs = _sqs(url)
            queue = sqs.create_queue(QueueName="docs")["QueueUrl"]
            sqs.send_message(QueueUrl=queue, MessageBody=recorded)
        recorder.save()
    command = "pytest test_app.py::test_docs --aws-record-mode={}".format
    replayer = CassetteRecorder(path, "none", rerecord_command=command)
    with pytest.raises(CassetteMiss) as caught, replayer.activate():
        sqs = _sqs(None)
        queue = sqs.create_queue(QueueName="docs")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody=sent)
    text = str(caught.value)
    lines = text.splitlines()
    assert max(len(line) for line in lines) < LINE_WIDTH + 80, max(map(len, lines))
    assert len(text) < 6_000  # a few lines, not the document
    assert any("MessageBody" in line for line in lines)  # the member that differs
    assert "more characters" in text  # and how much of it was left out
    assert "To record it, run:" in text and "--aws-record-mode=all" in text  # what to do
    assert caught.value.params["MessageBody"] == sent  # the whole request, for tools


def test_a_document_in_a_string_is_compared_member_by_member() -> None:
    from harness.replay.differences import param_differences

    recorded = {"Entries": [{"DetailType": "order", "Detail": '{"id": "o-1", "total": 5}'}]}
    sent = {
        "Entries": [{"DetailType": "order", "Detail": '{"id": "o-1", "total": 5, "vip": true}'}]
    }
    assert param_differences(recorded, sent) == [
        "/Entries/0/Detail{JSON}/vip: not recorded, sent true"
    ]
    # the same document written otherwise (spacing) is still a difference: of the strings
    spaced = {"Entries": [{"DetailType": "order", "Detail": '{"id":"o-1","total":5}'}]}
    (only,) = param_differences(recorded, spaced)
    assert only.startswith("/Entries/0/Detail: recorded ")


def test_long_strings_are_shown_where_they_part() -> None:
    from harness.replay.differences import param_differences

    head = "x" * 5_000
    (only,) = param_differences({"Body": head + "AAA" + head}, {"Body": head + "BBB" + head})
    assert "xAAAx" in only.split(", sent")[0] and "BBB" not in only.split(", sent")[0]
    assert "BBB" in only.split(", sent")[1] and "from character 5,000" in only
    assert len(only) < 300
