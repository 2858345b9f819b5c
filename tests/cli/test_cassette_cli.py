"""``harness cassette ls|show|diff|prune|rerecord`` on bundled, vcrpy-written and run-used
cassettes, and their one-paragraph errors (exit 2, no traceback, no file changed)."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import boto3
import pytest
import yaml

from harness.aws.protocols.wire_form import encode_response
from harness.cassettes.cassette import read_cassette
from harness.cassettes.entries import read_entries
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.lab import SHARED_CASSETTE_TESTS as TESTS
from tests.support.lab import Lab
from tests.support.server import (
    ACCESS_KEY_ID,
    INSIGHT_SOURCE,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    ScriptedServer,
)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "cassettes/seed"


def harness(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["cassette", *map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def assert_usage_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err  # one paragraph
    for word in words:
        assert word in err


# --------------------------------------------------------------------------- ls and show


def test_ls_lists_every_interaction_of_a_bundled_cassette() -> None:
    code, out, err = harness("ls", SEED / "cloudtrail.yaml")
    assert (code, err) == (0, "")
    exchanges = read_cassette(SEED / "cloudtrail.yaml").exchanges
    rows = [line for line in out.splitlines() if line.startswith("  #")]
    assert len(rows) == len(exchanges)
    for row, exchange in zip(rows, exchanges, strict=True):
        assert exchange.label in row and f" {exchange.response.status} " in row
    assert 'EventName="PutObject"' in out


def test_ls_json_carries_parameters_for_tools() -> None:
    code, out, _ = harness("ls", "--json", SEED / "xray.yaml", SEED / "internetmonitor.yaml")
    listing = json.loads(out)
    assert code == 0
    assert [row["operation"] for row in listing] == [
        e.label
        for name in ("xray", "internetmonitor")
        for e in read_cassette(SEED / f"{name}.yaml").exchanges
    ]
    assert listing[0]["params"] == read_cassette(SEED / "xray.yaml").exchanges[0].params


def test_show_prints_parameters_and_the_decoded_body() -> None:
    code, out, _ = harness("show", SEED / "xray.yaml", "#5")
    exchange = read_cassette(SEED / "xray.yaml").exchanges[5]
    assert code == 0
    assert out.startswith(f"{SEED / 'xray.yaml'} #5  xray:GetInsightEvents")
    assert f'"InsightId": "{exchange.params["InsightId"]}"' in out
    assert '"InsightEvents": [' in out


@pytest.fixture
def vcrpy_cassette(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cassette written by plain vcrpy: a signed CloudTrail call and a non-AWS download."""
    import urllib.request

    import vcr

    target = tmp_path / "from_vcrpy.yaml"
    for name, value in (
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
    ):
        monkeypatch.setenv(name, value)
    images = LoopbackServer(
        lambda request: HttpResponse(200, {"Content-Type": "image/png"}, b"PNG")
    )
    with (
        ScriptedServer().serve() as aws,
        images,
        vcr.VCR().use_cassette(str(target), record_mode="once"),
    ):
        cloudtrail = boto3.session.Session().client(
            "cloudtrail", endpoint_url=aws.endpoint_url, region_name="us-east-1"
        )
        cloudtrail.list_insights_data(InsightSource=INSIGHT_SOURCE, DataType="InsightsEvents")
        with urllib.request.urlopen(f"{images.endpoint_url}/cat.png") as reply:
            assert reply.read() == b"PNG"
    # vcrpy keeps the token (as !!binary): show must not print it
    headers = yaml.safe_load(target.read_text())["interactions"][0]["request"]["headers"]
    assert [SESSION_TOKEN.encode()] == headers["X-Amz-Security-Token"]
    return target


def test_ls_and_show_read_a_vcrpy_cassette_with_a_foreign_call(vcrpy_cassette: Path) -> None:
    code, out, _ = harness("ls", vcrpy_cassette)
    assert code == 0
    assert "#0  cloudtrail:ListInsightsData" in out
    assert "#1  GET 127.0.0.1:" in out and "/cat.png" in out
    code, out, _ = harness("show", vcrpy_cassette, "0")
    assert code == 0
    assert '"DataType": "InsightsEvents"' in out
    for secret in (SESSION_TOKEN, "Signature="):
        assert secret not in out
    code, out, _ = harness("show", vcrpy_cassette, "1", "--yaml")
    assert code == 0 and yaml.safe_load(out)["response"]["status"]["code"] == 200


def test_show_redacts_what_a_plain_vcrpy_cassette_kept(tmp_path: Path) -> None:
    secret = "sentinel-SecretString-9f3a"
    response = encode_response(
        "secretsmanager", "GetSecretValue", {"Name": "db", "SecretString": secret}
    )
    item = {
        "request": {
            "method": "POST",
            "uri": "https://secretsmanager.us-east-1.amazonaws.com/",
            "headers": {
                "X-Amz-Target": ["secretsmanager.GetSecretValue"],
                "Content-Type": ["application/x-amz-json-1.1"],
                "Authorization": ["AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=sentinelsig"],
            },
            "body": '{"SecretId": "db"}',
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {k: [v] for k, v in response.headers.items()},
            "body": {"string": response.body.decode()},
        },
    }
    path = tmp_path / "secret.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "interactions": [item]}))
    for extra in ((), ("--yaml",)):
        code, out, _ = harness("show", path, "0", *extra)
        assert code == 0
        assert secret not in out and "sentinelsig" not in out
        assert "secretsmanager:GetSecretValue" in out or "GetSecretValue" in out


# --------------------------------------------------------------------------- diff


def _edited(tmp_path: Path, name: str, source: Path, edit: dict[int, dict]) -> Path:
    """A copy of ``source`` whose exchange i gets new request params / response body."""
    from harness.aws.protocols.wire_form import decode_response, encode_request

    cassette = read_cassette(source)
    exchanges = list(cassette.exchanges)
    for index, change in edit.items():
        e = exchanges[index]
        if "params" in change:
            request = encode_request(e.service, e.operation, change["params"])
            e = replace(
                e,
                request=HttpRequest(
                    method=e.request.method,
                    url=e.request.url,
                    headers=e.request.headers,
                    body=request.body,
                ),
                params=change["params"],
            )
        if "output" in change:
            output = decode_response(e.service, e.operation, e.response) | change["output"]
            e = replace(e, response=encode_response(e.service, e.operation, output))
        exchanges[index] = e
    return write_cassette(tmp_path / name, exchanges, cassette.metadata, cassette.tags)


def test_diff_of_equal_cassettes_exits_0(tmp_path: Path) -> None:
    copy = shutil.copy(SEED / "cloudtrail.yaml", tmp_path / "copy.yaml")
    code, out, _ = harness("diff", SEED / "cloudtrail.yaml", copy)
    assert code == 0 and "same calls and answers" in out


def test_diff_pairs_by_meaning_and_names_each_changed_member(tmp_path: Path) -> None:
    source = SEED / "xray.yaml"
    exchanges = read_cassette(source).exchanges
    n, params = next(  # the first GetInsightEvents call that asked for a page size but 5
        (n, e.params)
        for n, e in enumerate(exchanges)
        if e.operation == "GetInsightEvents" and e.params.get("MaxResults") not in (None, 5)
    )
    changed = _edited(
        tmp_path,
        "b.yaml",
        source,
        {
            0: {"output": {"Insight": {"State": "CLOSED"}}},
            n: {"params": {**params, "MaxResults": 5}},
        },
    )
    code, out, _ = harness("diff", source, changed)
    assert code == 1, out
    assert "~ A#0 B#0 xray:GetInsight" in out
    assert "response /Insight" in out  # the response member that differs
    assert f"~ A#{n} B#{n} xray:GetInsightEvents" in out
    assert f"request /MaxResults: A {params['MaxResults']}, B 5" in out
    assert "2 difference(s)" in out


def test_diff_reports_added_and_removed_calls(tmp_path: Path) -> None:
    entries = read_cassette(SEED / "xray.yaml")
    only_first = write_cassette(tmp_path / "a.yaml", entries.exchanges[:1], tags=entries.tags[:1])
    code, out, _ = harness("diff", only_first, SEED / "xray.yaml")
    assert code == 1
    assert "+ B#5 xray:GetInsightEvents" in out
    code, out, _ = harness("diff", SEED / "xray.yaml", only_first)
    assert "- A#5 xray:GetInsightEvents" in out


# --------------------------------------------------------------------------- prune, rerecord


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    pytester.makepyfile(test_life=TESTS)
    yield Lab(pytester, monkeypatch, ScriptedServer())


def _shared(lab: Lab) -> Path:
    return lab.pytester.path / "cassettes/test_life/shared.yaml"


def test_prune_drops_what_the_last_run_did_not_replay(lab: Lab) -> None:
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=2)
    lab.monkeypatch.setenv("SKIP_SECOND", "1")
    lab.replay().assert_outcomes(passed=2)
    cache = lab.pytester.path / ".pytest_cache"
    before = _shared(lab).read_bytes()

    code, out, _ = harness("prune", "--dry-run", "--cache-dir", cache)
    assert code == 0 and "would drop 1 of 2 (#1)" in out
    assert _shared(lab).read_bytes() == before

    code, out, _ = harness("rerecord", _shared(lab), "--cache-dir", cache)
    assert code == 0
    assert "test_life.py::test_first test_life.py::test_second --aws-record-mode=all" in out

    code, out, _ = harness("prune", _shared(lab), "--cache-dir", cache)
    assert code == 0 and "dropped 1 of 2 (#1)" in out
    kept = read_cassette(_shared(lab))
    assert [e.params for e in kept.exchanges] == [first_request_body(before)]
    assert kept.tags[0].get("region") == "us-east-1" and kept.metadata.get("harness")
    # the cassette changed since that run: the run's numbers no longer apply
    code, out, err = harness("prune", _shared(lab), "--cache-dir", cache)
    assert_usage_error(code, out, err, "changed since the last test run")
    lab.replay("-k", "first").assert_outcomes(passed=1)  # what was used still replays


def first_request_body(text: bytes) -> dict:
    data = yaml.safe_load(text)
    body = data["interactions"][0]["request"]["body"]
    return json.loads(body)


def test_prune_and_rerecord_refuse_without_a_usage_record(tmp_path: Path) -> None:
    cassette = shutil.copy(SEED / "xray.yaml", tmp_path / "x.yaml")
    before = Path(cassette).read_bytes()
    for command in ("prune", "rerecord"):
        code, out, err = harness(command, cassette, "--cache-dir", tmp_path / ".pytest_cache")
        assert_usage_error(code, out, err, "does not exist", "Run the test suite")
    usage = tmp_path / ".pytest_cache/v/botocore-harness/used"
    usage.parent.mkdir(parents=True)
    usage.write_text("{not json")
    code, out, err = harness("prune", cassette, "--cache-dir", tmp_path / ".pytest_cache")
    assert_usage_error(code, out, err, "Cannot read the usage record")
    usage.write_text("{}")
    code, out, err = harness("prune", cassette, "--cache-dir", tmp_path / ".pytest_cache")
    assert_usage_error(code, out, err, "No test used")
    assert Path(cassette).read_bytes() == before


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["ls", "{tmp}/missing.yaml"], ["Cannot read cassette", "missing.yaml"]),
        (["ls", "{tmp}"], ["is a directory"]),
        (["ls", "{tmp}/corrupt.yaml"], ["not valid YAML", "line"]),
        (["ls", "{tmp}/notes.yaml"], ["is not a cassette"]),
        (["show", "{seed}/xray.yaml", "999"], ["no interaction '999'", "#0 to #{last}"]),
        (["show", "{seed}/xray.yaml", "first"], ["no interaction 'first'"]),
        (["diff", "{seed}/xray.yaml", "{tmp}/corrupt.yaml"], ["not valid YAML"]),
    ],
)
def test_bad_input_is_one_paragraph_and_exit_2(
    tmp_path: Path, argv: list[str], words: list[str]
) -> None:
    (tmp_path / "corrupt.yaml").write_text("interactions:\n- request: {method: GET\n")
    (tmp_path / "notes.yaml").write_text("just: notes\n")
    args = [a.format(tmp=tmp_path, seed=SEED) for a in argv]
    last = len(read_cassette(SEED / "xray.yaml").exchanges) - 1  # grows with the registry
    assert_usage_error(*harness(*args), *(w.format(last=last) for w in words))


def test_entries_of_a_vcrpy_cassette_keep_their_raw_request(vcrpy_cassette: Path) -> None:
    entries, metadata = read_entries(vcrpy_cassette)
    assert metadata == {}
    assert [e.exchange is None for e in entries] == [False, True]
    assert entries[1].request.method == "GET" and entries[1].size == 3


def test_dropping_interactions_keeps_the_rest_byte_for_byte(tmp_path: Path) -> None:
    from harness.cassettes.writing import drop_interactions

    source = read_cassette(SEED / "cloudtrail.yaml")
    copy = Path(shutil.copy(SEED / "cloudtrail.yaml", tmp_path / "c.yaml"))
    assert drop_interactions(copy, [1, 3]) == 2
    keep = [i for i in range(len(source.exchanges)) if i not in (1, 3)]
    expected = write_cassette(
        tmp_path / "expected.yaml",
        [source.exchanges[i] for i in keep],
        source.metadata,
        [source.tags[i] for i in keep],
    )
    assert copy.read_bytes() == expected.read_bytes()


def test_prune_leaves_alone_a_cassette_whose_test_failed_or_was_skipped(lab: Lab) -> None:
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=2)
    cache = lab.pytester.path / ".pytest_cache"
    before = _shared(lab).read_bytes()
    for setting, outcome in (("FAIL", {"failed": 1, "passed": 1}), ("SKIP_TEST", None)):
        lab.monkeypatch.setenv(setting, "1")
        if outcome is None:
            lab.pytester.makepyfile(
                test_life=TESTS.replace(
                    '@pytest.mark.aws_cassette("shared")\ndef test_second',
                    '@pytest.mark.aws_cassette("shared")\n'
                    '@pytest.mark.skipif(True, reason="off today")\ndef test_second',
                )
            )
            outcome = {"passed": 1, "skipped": 1}
        lab.replay().assert_outcomes(**outcome)
        lab.monkeypatch.delenv(setting)
        code, out, _ = harness("prune", "--cache-dir", cache)
        assert code == 0 and "left alone" in out, out
        assert _shared(lab).read_bytes() == before
    code, out, _ = harness("rerecord", "--cache-dir", cache)
    assert "test_life.py::test_second" in out and "--mode new_episodes" in out


def _sns_cassette(tmp_path: Path, name: str, request_id: str, topic: str) -> Path:
    from harness.aws.protocols.wire_form import decode_request
    from harness.exchange import Exchange

    body = (
        '<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        f"<CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:{topic}</TopicArn>"
        f"</CreateTopicResult><ResponseMetadata><RequestId>{request_id}</RequestId>"
        "</ResponseMetadata></CreateTopicResponse>"
    )
    request = HttpRequest(
        method="POST",
        url="https://sns.us-east-1.amazonaws.com/",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        body=b"Action=CreateTopic&Version=2010-03-31&Name=orders",
    )
    response = HttpResponse(200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id},
                            body.encode())  # fmt: skip
    params = decode_request("sns", "CreateTopic", request)
    exchange = Exchange("sns", "CreateTopic", request, response, "recorded", params)
    return write_cassette(tmp_path / name, [exchange])


def test_diff_reads_xml_answers_as_botocore_does(tmp_path: Path) -> None:
    a = _sns_cassette(tmp_path, "a.yaml", "req-1", "orders")
    b = _sns_cassette(tmp_path, "b.yaml", "req-2", "orders")
    code, out, _ = harness("diff", a, b)
    assert code == 0, out  # only the request id differs
    c = _sns_cassette(tmp_path, "c.yaml", "req-3", "orders-v2")
    code, out, _ = harness("diff", a, c)
    assert code == 1 and "response /TopicArn:" in out and "orders-v2" in out


def test_show_pretty_prints_xml_and_yaml_as_a_cassette_stores_it(tmp_path: Path) -> None:
    sns = _sns_cassette(tmp_path, "a.yaml", "req-1", "orders")
    code, out, _ = harness("show", sns, "0")
    assert code == 0
    assert "\n        <TopicArn>arn:aws:sns:us-east-1:123456789012:orders</TopicArn>\n" in out
    code, out, _ = harness("show", SEED / "xray.yaml", "0", "--yaml")
    assert code == 0 and "string: |-\n" in out and '"InsightId":' in out


def test_errors_name_the_subcommand_as_argparse_does(tmp_path: Path) -> None:
    import io

    from harness.cli import run

    err = io.StringIO()
    assert run(["cassette", "show", str(tmp_path / "absent.yaml"), "0"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("harness cassette show: error: ")
