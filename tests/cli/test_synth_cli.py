"""``harness synth``: synthetic cassettes that read back, check, and replay through the plugin."""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from harness.aws.protocols import wire_form as wire
from harness.cassettes.cassette import read_cassette
from harness.cli import run

NOW = "2025-03-10T12:30:00Z"
SEED_TARGETS = [
    "xray:GetInsight",
    "xray:GetInsightEvents",
    "cloudtrail:ListInsightsData",
    "cloudtrail:ListInsightsMetricData",
    "internetmonitor:GetInternetEvent",
]


def synth(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["synth", *argv], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("target", SEED_TARGETS)
def test_writes_a_cassette_that_reads_back(tmp_path: Path, target: str) -> None:
    out = tmp_path / "deep" / "synthetic.yaml"
    code, stdout, stderr = synth(target, "--count", "7", "--seed", "3", "--now", NOW,
                                 "--out", str(out))  # fmt: skip
    assert (code, stderr) == (0, "")
    assert f"wrote 7 synthetic {target} exchanges" in stdout
    cassette = read_cassette(out)
    assert len(cassette.exchanges) == 7
    assert {e.label for e in cassette.exchanges} == {target}
    assert cassette.metadata["synthetic"] is True
    assert cassette.metadata["seed"] == 3 and cassette.metadata["now"] == "2025-03-10T12:30:00Z"
    assert all(e.response.status == 200 for e in cassette.exchanges)
    assert [p.name for p in out.parent.iterdir()] == ["synthetic.yaml"]  # no temp file left


def test_same_options_same_bytes_and_chains_follow_tokens(tmp_path: Path) -> None:
    args = ["cloudtrail:ListInsightsData", "--count", "12", "--now", NOW]
    for name, seed in (("a.yaml", "1"), ("b.yaml", "1"), ("c.yaml", "2")):
        assert synth(*args, "--seed", seed, "--out", str(tmp_path / name))[0] == 0
    first, again, other = (tmp_path / n for n in ("a.yaml", "b.yaml", "c.yaml"))
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    exchanges = read_cassette(first).exchanges
    follow_ups = [e for e in exchanges if "NextToken" in e.params]
    assert follow_ups, "a 12-exchange ListInsightsData cassette continues at least one chain"
    for previous, current in itertools.pairwise(exchanges):
        if "NextToken" in current.params:
            token = wire.decode_response("cloudtrail", "ListInsightsData", previous.response)
            assert current.params["NextToken"] == token["NextToken"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["xray:GetInsigth"], "Did you mean 'GetInsight'?"),
        (["xray:GetGroups"], "does not serve 'xray:GetGroups'"),
        (["cloudtrial:ListInsightsData"], "Did you mean 'cloudtrail'?"),
        (["xray"], "Pick one of: xray:GetInsight"),
        (["xray:GetInsight", "--count", "0"], "--count 0"),
        (["xray:GetInsight", "--now", "yesterday"], "Cannot read --now 'yesterday'"),
        (["xray:GetInsight", "--faults", "latncy=1"], "Did you mean 'latency'?"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    out = tmp_path / "out.yaml"
    code, stdout, stderr = synth(*argv, "--out", str(out))
    assert code == 2 and stdout == ""
    assert message in stderr and "Traceback" not in stderr
    assert stderr.startswith("harness synth: error: ")
    assert not out.exists()


def test_a_real_subprocess_run(tmp_path: Path) -> None:
    out = tmp_path / "event.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "harness", "synth", "internetmonitor:GetInternetEvent",
         "--count", "2", "--now", NOW, "--out", str(out)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = read_cassette(out).exchanges[0].response
    started = wire.decode_response("internetmonitor", "GetInternetEvent", body)["StartedAt"]
    assert isinstance(started, str) and started.endswith("Z")  # ISO 8601 on the wire


@pytest.mark.parametrize("target", SEED_TARGETS)
def test_synthetic_cassettes_pass_harness_check(tmp_path: Path, target: str) -> None:
    out = tmp_path / "cassettes" / "synthetic.yaml"
    assert synth(target, "--count", "8", "--seed", "5", "--now", NOW, "--out", str(out))[0] == 0
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", str(out)], stdout, stderr)
    assert code == 0, stdout.getvalue() + stderr.getvalue()


def test_synthetic_cassette_replays_through_the_plugin(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "cassettes" / "test_replay"
    for target, name in (("xray:GetInsightEvents", "test_events"),
                         ("cloudtrail:ListInsightsData", "test_insights")):  # fmt: skip
        code, _, stderr = synth(target, "--count", "6", "--seed", "4", "--now", NOW,
                                "--out", str(folder / f"{name}.yaml"))  # fmt: skip
        assert code == 0, stderr
    pytester.makepyfile(
        test_replay="""
        import boto3, pytest
        from botocore import xform_name
        from harness.aws.protocols import wire_form as wire
        from harness.cassettes.cassette import read_cassette

        def replay(name, service):
            client = boto3.client(service, region_name="us-east-1")
            exchanges = read_cassette(f"cassettes/test_replay/{name}.yaml").exchanges
            for exchange in exchanges:
                result = getattr(client, xform_name(exchange.operation))(**exchange.params)
                expected = wire.decode_response(service, exchange.operation, exchange.response)
                assert result.get("NextToken") == expected.get("NextToken")
                key = "InsightEvents" if service == "xray" else "Events"
                assert len(result[key]) == len(expected[key])
            return len(exchanges)

        @pytest.mark.aws_cassette
        def test_events():
            assert replay("test_events", "xray") == 6

        @pytest.mark.aws_cassette
        def test_insights():
            assert replay("test_insights", "cloudtrail") == 6
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_cassette_synthesized_with_faults_replays_with_the_client_s_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a throttle or a 5xx, synth records the same request again (as a client with
    retries sends it), so a default client replays the cassette without a miss."""
    import boto3

    from harness.replay.recorder import CassetteRecorder

    out = tmp_path / "faults.yaml"
    faults = "throttle_every=3,server_error_every=5"
    args = ("--count", "12", "--seed", "3", "--now", NOW, "--faults", faults, "--out", str(out))
    assert synth("xray:GetInsight", *args)[0] == 0
    exchanges = read_cassette(out).exchanges
    failed = sum(e.response.status >= 400 for e in exchanges)
    assert {429, 500} <= {e.response.status for e in exchanges}
    assert exchanges[-1].response.status == 200  # a retried request's answers stay together
    insights = [e.params["InsightId"] for e in exchanges]
    asked = [i for n, i in enumerate(insights) if n == 0 or insights[n - 1] != i]
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)  # no backoff
    client = boto3.client(
        "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    with CassetteRecorder(out, "none").activate():
        retries = [
            client.get_insight(InsightId=insight)["ResponseMetadata"]["RetryAttempts"]
            for insight in asked
        ]
    assert sum(retries) == failed
