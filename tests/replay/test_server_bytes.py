"""Replay gives back the bytes the server sent, not the cassette's readable form.

A protocol's JSON answer is stored pretty-printed (it reads well in review), with the name
of the form that writes it back as the server wrote it (``body.wire``: compact as AWS sends,
spaced as moto does, escaped or not). Replay serves those bytes: a ``before-parse`` handler,
the raw ``Content-Length`` and a checksum see what they saw live. A body no form writes back
(a trailing newline, an escaped slash, ``1.0E9``) is stored as received. With a secret in it,
the body is written in its own form around the secret's placeholder.

Real botocore clients, a server on 127.0.0.1 (``LoopbackServer``), the harness's recorder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.aws import bodies
from harness.exchange import HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

INSIGHT = {
    "Insight": {
        "InsightId": "7f0a3c5e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
        "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/Default/ABCDEFGH",
        "GroupName": "Default",
        "State": "ACTIVE",
        "Summary": "Fault rate élevé – service «checkout»",
        "Categories": ["FAULT"],
        "StartTime": 1764331200.5,
    }
}

#: (id, the server's bytes): each writes the same answer in another way
WIRE = [
    ("aws compact", json.dumps(INSIGHT, separators=(",", ":"), ensure_ascii=False)),
    ("compact escaped", json.dumps(INSIGHT, separators=(",", ":"))),
    ("moto spaced", json.dumps(INSIGHT, ensure_ascii=False)),
    ("spaced escaped", json.dumps(INSIGHT)),
    ("keys reversed", json.dumps({"Insight": dict(reversed(INSIGHT["Insight"].items()))})),
    ("trailing newline", json.dumps(INSIGHT, separators=(",", ":")) + "\n"),
    ("escaped slash", json.dumps(INSIGHT, separators=(",", ":")).replace("/", "\\/")),
    (
        "exponent",
        json.dumps(INSIGHT, separators=(",", ":")).replace("1764331200.5", "1.7643312005E9"),
    ),
]


def _xray(endpoint: str) -> Any:
    return boto3.client(
        "xray",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _run(endpoint: str, recorder: CassetteRecorder) -> tuple[bytes, dict[str, Any]]:
    client = _xray(endpoint)
    raw: list[bytes] = []

    def before_parse(response_dict: dict[str, Any], **_: Any) -> None:
        raw.append(response_dict["body"])

    client.meta.events.register("before-parse.xray.GetInsight", before_parse)
    with recorder.activate():
        answer = client.get_insight(InsightId=INSIGHT["Insight"]["InsightId"])
    return raw[0], answer


@pytest.mark.parametrize(("name", "sent"), WIRE, ids=[w[0] for w in WIRE])
def test_replay_serves_the_servers_bytes(tmp_path: Path, name: str, sent: str) -> None:
    body = sent.encode("utf-8")

    def server(request: Any) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": "application/json"}, body)

    path = tmp_path / "insight.yaml"
    with LoopbackServer(server) as srv:
        recorder = CassetteRecorder(path, "all")
        live_raw, live = _run(srv.endpoint_url, recorder)
        recorder.save()
    assert live_raw == body
    replay_raw, replayed = _run("http://127.0.0.1:9", CassetteRecorder(path, "none"))
    assert replay_raw == body
    assert replayed["Insight"] == live["Insight"]
    stored = yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]
    if stored.get("wire"):  # readable in the cassette
        assert "\n  " in stored["string"] and stored["string"] != sent
    else:
        assert stored["string"] == sent  # no form writes it back: kept as received


def test_a_secret_in_the_answer_keeps_the_rest_of_the_servers_form(tmp_path: Path) -> None:
    """A session token in a compact answer: the cassette holds no token, and replay's
    bytes differ from the server's only where the token was."""
    token = "FwoGZXIvYXdzEBsaDSntl61x" + "Q" * 40
    answer = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLEEXAMPLE12",
            "SecretAccessKey": "Sntl62x" + "k" * 33,
            "SessionToken": token,
            "Expiration": 1764334800,
        },
        "AssumedRoleUser": {
            "Arn": "arn:aws:sts::123456789012:assumed-role/r/s",
            "AssumedRoleId": "AROAEXAMPLE:s",
        },
    }
    sent = json.dumps(answer, separators=(",", ":")).encode()
    assert bodies.json_wire_form(sent.decode(), answer) == "compact"
    from harness.secrets import Redactor

    out = Redactor().body(sent, None, "output", "application/json")
    assert token.encode() not in out
    assert b", " not in out and b'":"' in out  # still compact
    assert list(json.loads(out)) == ["Credentials", "AssumedRoleUser"]  # server's order


@pytest.mark.parametrize(("name", "sent"), WIRE, ids=[w[0] for w in WIRE])
def test_the_stored_form_gives_the_bytes_back(name: str, sent: str) -> None:
    """The reference: whatever ``stored_document`` stores, with its form, makes ``sent``."""
    stored, form = bodies.stored_document(sent.encode())
    made = bodies.wire_bytes(stored, form) if form else stored
    assert (made if isinstance(made, bytes) else made.encode()) == sent.encode()


def test_a_body_kept_as_sent_hides_nothing_the_parse_dropped() -> None:
    """A body no layout writes back (an escaped slash) is kept as sent only when nothing
    is secret and its parse dropped nothing: a member named twice keeps only its last
    value, and the first (a token) must not reach the cassette through the kept bytes."""
    from harness.secrets import Redactor

    plain = b'{"Path":"a\\/b","n":1.0E9}'
    assert Redactor().body(plain, None, "output", "application/json") == plain
    token = "Sntl63x" + "T" * 30
    twice = ('{"Path":"a\\/b","token":"' + token + '","token":""}').encode()
    out = Redactor().body(twice, None, "output", "application/json")
    assert token.encode() not in out


# --------------------------------------------------------------------------- property
# The reference for both mechanisms above: random JSON documents, each written by
# ``json.dumps`` in one of the layouts servers and code use, with or without a final newline.
# Names are drawn from words no detector calls secret, and strings are short: what the
# redactor may change is only what a test puts there on purpose.

_NAMES = st.sampled_from(["Name", "State", "count", "items", "région", "Region", "x", "é"])
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(["\ud800", "/"]),
    max_size=8,
)
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
)
_DOCS = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=12,
).filter(lambda v: isinstance(v, (dict, list)))
_LAYOUTS = [
    {"separators": (",", ":")},
    {},
    {"indent": 2},
    {"indent": 4},
    {"indent": "\t"},
    {"indent": 2, "separators": (",", ": ")},
]


def _written(doc: Any, layout: dict[str, Any], ascii_only: bool, newline: bool) -> bytes:
    text = json.dumps(doc, ensure_ascii=ascii_only, **layout) + ("\n" if newline else "")
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS, st.sampled_from(_LAYOUTS), st.booleans(), st.booleans())
def test_any_json_answer_is_stored_so_replay_gives_its_bytes_back(
    doc: Any, layout: dict[str, Any], ascii_only: bool, newline: bool
) -> None:
    """Whatever the document and its layout, the cassette's form makes the server's bytes:
    through ``wire_bytes`` when a form was noted, else stored as received."""
    sent = _written(doc, layout, ascii_only, newline)
    stored, form = bodies.stored_document(sent)
    if form is None:
        made = stored if isinstance(stored, bytes) else stored.encode("utf-8", "surrogatepass")
    else:
        assert isinstance(stored, str)
        made = bodies.wire_bytes(stored, form) or b""
    assert made == sent


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS, st.sampled_from(_LAYOUTS), st.booleans(), st.booleans(), st.booleans())
def test_the_redactor_changes_a_json_body_only_where_a_secret_is(
    doc: Any, layout: dict[str, Any], ascii_only: bool, newline: bool, with_secret: bool
) -> None:
    """A body with nothing secret comes back as the very bytes; one with a password member
    loses the password and keeps its layout and every other member."""
    from harness.secrets import Redactor

    secret = "Sntl64x-" + "Qz7" * 8
    if with_secret:
        doc = {"Password": secret, "Body": doc}
    sent = _written(doc, layout, ascii_only, newline)
    out = Redactor().body(sent, None, "output", "application/json")
    if not with_secret:
        assert out == sent
        return
    assert secret.encode() not in out
    clean = json.loads(out)
    assert clean["Body"] == json.loads(sent)["Body"]
    assert _written(clean, layout, ascii_only, newline) == out
