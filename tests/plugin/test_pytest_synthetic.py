"""The ``aws_synthetic`` fixture and marker, through real inner pytest runs (pytester)."""

from __future__ import annotations

import pytest

HOOK_CONFTEST = """
import pytest

SEEN = []

def pytest_aws_exchange(item, exchange):
    SEEN.append((item.name, exchange.label, exchange.source, exchange.response.status,
                 sorted(exchange.params)))

@pytest.fixture
def seen():
    return SEEN
"""


def test_marker_routes_every_client_and_reports_each_exchange(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(HOOK_CONFTEST)
    pytester.makepyfile(
        """
        import os, socket
        import boto3, pytest

        INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
        BEFORE = {}

        @pytest.mark.aws_synthetic(seed=11, contract="strict")
        def test_calls(monkeypatch, seen):
            def no_network(*args, **kwargs):
                raise AssertionError("the synthetic backend must not open sockets")
            monkeypatch.setattr(socket, "create_connection", no_network)
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
            xray = boto3.client("xray")  # no credentials or region given: the fixture's
            insight = xray.get_insight(InsightId=INSIGHT)["Insight"]
            events = boto3.client("xray").get_insight_events(InsightId=INSIGHT, MaxResults=1)
            assert events["InsightEvents"][0]["EventTime"] >= insight["StartTime"]
            boto3.client("cloudtrail").list_insights_data(
                InsightSource="arn:aws:cloudtrail:us-east-1:123456789012:trail/t",
                DataType="InsightsEvents")
            BEFORE["start"] = insight["StartTime"]
            assert [name for name, *_ in seen] == ["test_calls"] * 3
            assert {source for _, _, source, _, _ in seen} == {"synthetic"}
            assert seen[1][1:] == ("xray:GetInsightEvents", "synthetic", 200,
                                   ["InsightId", "MaxResults"])

        def test_environment_is_restored():
            assert "AWS_ACCESS_KEY_ID" not in os.environ
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_fixture_exposes_engine_seed_and_exchanges(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest
        from harness.synthetic import SyntheticBackend

        INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"

        def test_default_seed(aws_synthetic):
            assert aws_synthetic.seed == 0 and isinstance(aws_synthetic.engine, SyntheticBackend)
            aws_synthetic.client("xray").get_insight(InsightId=INSIGHT)
            [exchange] = aws_synthetic.exchanges
            assert exchange.label == "xray:GetInsight" and exchange.params == {"InsightId": INSIGHT}
            assert exchange.index == 0 and exchange.source == "synthetic"

        @pytest.mark.aws_synthetic(seed=5)
        def test_marker_seed_reaches_the_fixture(aws_synthetic):
            assert aws_synthetic.seed == 5
            got = boto3.client("xray").get_insight(InsightId=INSIGHT)["Insight"]
            expected = SyntheticBackend(seed=5).world().insight(INSIGHT)
            assert got["Summary"] == expected["Summary"]
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_faults_from_the_marker_go_through_botocore_retries(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest
        from botocore.exceptions import ClientError
        from harness.synthetic import Faults

        INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"

        @pytest.mark.aws_synthetic(faults="throttle_every=2")
        def test_retried(aws_synthetic):
            xray = boto3.client("xray")
            xray.get_insight(InsightId=INSIGHT)
            assert xray.get_insight(InsightId=INSIGHT)["ResponseMetadata"]["RetryAttempts"] == 1
            assert [e.response.status for e in aws_synthetic.exchanges] == [200, 429, 200]

        @pytest.mark.aws_synthetic(faults=Faults(server_error_every=2))
        def test_server_errors(aws_synthetic):
            im = boto3.client("internetmonitor")
            im.get_internet_event(EventId="e1")
            im.get_internet_event(EventId="e1")
            assert aws_synthetic.exchanges[1].response.status == 500

        @pytest.mark.aws_synthetic(seed=1)
        def test_invalid_parameter(aws_synthetic):
            with pytest.raises(ClientError) as caught:
                boto3.client("cloudtrail").list_insights_metric_data(
                    EventSource="s3.amazonaws.com", EventName="PutObject",
                    InsightType="ApiCallRateInsight", Period=120)
            assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_successes_are_answered_early_and_errors_through_the_retry_loop(
    pytester: pytest.Pytester,
) -> None:
    # A success needs nothing of botocore's send pipeline: it is answered where botocore's
    # Stubber answers, right after the request is serialized (issue 57: a third of a
    # call's cost). An error answer is held for the endpoint, whose retry loop retries a
    # throttle; each exchange is reported once.
    pytester.makepyfile(
        """
        import boto3, pytest

        INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"

        @pytest.mark.aws_synthetic(faults="throttle_every=2")
        def test_early(aws_synthetic):
            xray = boto3.client("xray")
            sent = []
            xray.meta.events.register("request-created.xray", lambda request, **_: sent.append(1))
            xray.get_insight(InsightId=INSIGHT)
            assert sent == []
            assert xray.get_insight(InsightId=INSIGHT)["ResponseMetadata"]["RetryAttempts"] == 1
            assert len(sent) == 2  # the throttled attempt and its retry
            assert [e.response.status for e in aws_synthetic.exchanges] == [200, 429, 200]
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_bad_marker_arguments_are_reported_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aws_synthetic(sed=1)
        def test_typo():
            pass

        @pytest.mark.aws_synthetic(faults="throtle_every=2")
        def test_bad_fault():
            pass

        @pytest.mark.aws_synthetic(3)
        def test_positional():
            pass

        @pytest.mark.aws_synthetic(now="yesterday")
        def test_bad_now():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(
        ["*unknown argument(s) sed*seed=*", "*Did you mean 'throttle_every'?*"], consecutive=False
    )
    result.stdout.fnmatch_lines(["*positional argument(s) (3,)*keywords only*"])
    result.stdout.fnmatch_lines(["*now='yesterday'*ISO 8601*"])
    assert "Invalid isoformat string" not in result.stdout.str()


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.aws_synthetic(seed=0, faults=None, *"])
