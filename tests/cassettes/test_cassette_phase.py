"""The ``phase`` of an interaction's ``harness`` tag: the pytest phase a test's call was made
in (``setup``, ``teardown``; none for the test's body, as in every older cassette), kept
through reads, vcrpy's loader and a recorder's save into a cassette that already holds some.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.aws.protocols import wire_form as wire
from harness.cassettes.cassette import interaction_phase, interaction_tag, read_cassette
from harness.cassettes.entries import read_entries
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server


def _exchange() -> Exchange:
    request = wire.encode_request("sqs", "ListQueues", {}, "https://sqs.us-east-1.amazonaws.com")
    response = wire.encode_response("sqs", "ListQueues", {"QueueUrls": []})
    return Exchange("sqs", "ListQueues", request, response, "recorded", {})


def test_the_tag_names_set_up_and_tear_down_and_leaves_the_body_untagged() -> None:
    at = "2026-01-02T03:04:05.000001Z"
    assert interaction_tag("us-east-1", at, phase="setup")["phase"] == "setup"
    assert interaction_tag("us-east-1", at, phase="teardown")["phase"] == "teardown"
    for phase in ("call", None, "", "later"):  # the body's, nothing, or a phase not known
        assert "phase" not in interaction_tag("us-east-1", at, phase=phase)
    assert interaction_phase({"phase": "setup"}) == "setup"
    assert interaction_phase({"phase": "teardown"}) == "teardown"
    for tag in ({}, {"phase": "call"}, {"phase": 3}, {"phase": "later"}):
        assert interaction_phase(tag) == "call"


def test_a_phase_is_read_back_and_vcrpy_ignores_it(tmp_path: Path) -> None:
    tags = [interaction_tag("us-east-1", None, phase=p) for p in ("setup", "call", "teardown")]
    path = write_cassette(tmp_path / "c.yaml", [_exchange()] * 3, None, tags)
    requests, responses = deserialize(path.read_text(), yamlserializer)[:2]
    assert len(requests) == len(responses) == 3
    phases = [interaction_phase(t) for t in read_cassette(path).tags]
    assert phases == ["setup", "call", "teardown"]
    entries, _ = read_entries(path)
    assert [interaction_phase(e.tag) for e in entries] == phases
    assert path.read_text().count("phase:") == 2  # the body's call carries none


def test_a_save_into_a_cassette_keeps_the_phases_already_there(tmp_path: Path) -> None:
    pytest.importorskip("moto.server")
    path = tmp_path / "shared.yaml"
    with moto_server() as endpoint:
        sqs = boto3.client(
            "sqs",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        first = CassetteRecorder(path, "once")
        assert first.phase is None  # nothing outside the plugin stamps one
        first.phase = "setup"
        with first.activate():
            url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        first.save()
        second = CassetteRecorder(path, "new_episodes")
        second.phase = "call"
        with second.activate():
            sqs.send_message(QueueUrl=url, MessageBody="x")
        second.phase = "teardown"
        with second.activate():
            sqs.delete_queue(QueueUrl=url)
        second.save()
    cassette = read_cassette(path)
    pairs = zip(cassette.exchanges, cassette.tags, strict=True)
    found = [(e.operation, interaction_phase(t)) for e, t in pairs]
    assert found == [
        ("CreateQueue", "setup"),
        ("SendMessage", "call"),
        ("DeleteQueue", "teardown"),
    ]
    replay = CassetteRecorder(path, "none")  # loaded: its tags keep them too
    assert [interaction_phase(t) for t in replay.source.tags] == ["setup", "call", "teardown"]
