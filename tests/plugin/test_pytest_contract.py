"""The contract part of the pytest plugin, through real inner pytest runs (pytester)."""

from __future__ import annotations

import pytest

# The inner conftest reports exchanges the way the cassette and synthetic parts do: through
# the pytest_aws_exchange hook. The synthetic engine answers each request: "good" is its
# answer, "bad" breaks a rule in it (a zero value under NonZeroData), "drift" adds a response
# member the schema does not know, "rejected" asks an invalid Period the engine refuses.
CONFTEST = """
import datetime as dt

import pytest
from harness.aws.protocols import wire_form as wire
from harness.exchange import Exchange
from harness.synthetic import SyntheticBackend

OP = ("cloudtrail", "ListInsightsMetricData")
NOW = dt.datetime(2024, 9, 1, 12, tzinfo=dt.timezone.utc)

def _exchange(kind):
    end = int(NOW.timestamp())
    request = {"EventSource": "kms.amazonaws.com", "EventName": "Decrypt",
               "InsightType": "ApiCallRateInsight", "StartTime": end - 2 * 86400,
               "EndTime": end, "Period": 120 if kind == "rejected" else 3600}
    http = wire.encode_request(*OP, request)
    answer = SyntheticBackend(seed=7, now=NOW).handle(http)
    if kind in ("bad", "drift"):
        response = wire.decode_response(*OP, answer)
        if kind == "bad":
            response["Values"][0] = 0.0
        else:
            response["TrailARN2"] = "new member"
        answer = wire.encode_response(*OP, response)
    return Exchange(*OP, http, answer, "synthetic", params=wire.decode_request(*OP, http),
                    index=0)

@pytest.fixture
def aws_exchange(request):
    def report(kind):
        request.config.hook.pytest_aws_exchange(item=request.node, exchange=_exchange(kind))
    return report
"""


#: The xdist runs' workers are new processes: none of them needs Hypothesis's pytest plugin
#: (no inner test here uses it), whose import is about half of a small worker's start-up.
NO_HYPOTHESIS = ("-p", "no:hypothesispytest")


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    return pytester


def test_strict_by_default_fails_with_the_violation_in_the_message(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        def test_bad(aws_exchange):
            aws_exchange("bad")

        def test_good(aws_exchange):
            aws_exchange("good")
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ContractViolationError: 1 AWS contract violation(s):*",
            "*cloudtrail.ListInsightsMetricData.non-zero-data [[]error]*",
            "*operation: cloudtrail:ListInsightsMetricData*",
            "*at /response/Values/0: got 0.0*",
            '*docs: "Valid values are NonZeroData and FillWithZeros.*',
            "*AWS contract violations by rule*",
            "*cloudtrail.ListInsightsMetricData.non-zero-data  error       1  in 1 test(s)*",
        ]
    )


def test_failure_is_an_assertion_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest
        from harness.contract.checker import ContractViolationError

        def test_bad(aws_exchange):
            aws_exchange("bad")

        def test_type():
            assert issubclass(ContractViolationError, AssertionError)
        """
    )
    result = inner.runpytest("-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED *test_bad - harness.contract.Con*"])


def test_warn_mode_from_the_command_line_passes_with_a_warning(inner: pytest.Pytester) -> None:
    inner.makepyfile("def test_bad(aws_exchange):\n    aws_exchange('bad')\n")
    result = inner.runpytest("--aws-contract=warn")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*ContractWarning: cloudtrail.ListInsightsMetricData.non-zero*"])
    # reported at the test (its file and line), not at a line of the plugin
    result.stdout.fnmatch_lines(["*test_warn_mode_from_the_command_line*.py:1: ContractWarning*"])
    assert "harness/plugin" not in result.stdout.str()


def test_precedence_marker_over_command_line_over_ini(inner: pytest.Pytester) -> None:
    inner.makeini("[pytest]\naws_contract = off\n")
    inner.makepyfile(
        """
        import pytest

        def test_ini_off(aws_exchange):
            aws_exchange("bad")

        @pytest.mark.aws_contract("strict")
        def test_marker_strict(aws_exchange):
            aws_exchange("bad")

        @pytest.mark.aws_contract(mode="warn")
        def test_marker_warn(aws_exchange):
            aws_exchange("bad")
        """
    )
    result = inner.runpytest("-rf")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*ContractWarning*", "FAILED *::test_marker_strict*"])
    # The command line beats the ini, but not the marker.
    result = inner.runpytest("-rf", "--aws-contract=strict")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["FAILED *::test_ini_off*", "FAILED *::test_marker_strict*"])


def test_contract_kwarg_of_the_synthetic_marker(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.aws_synthetic(contract="off")
        def test_off(aws_exchange):
            aws_exchange("bad")

        @pytest.mark.aws_synthetic(contract="strict")
        def test_real_synthetic_traffic_is_clean(aws_synthetic):
            client = aws_synthetic.client("xray")
            client.get_insight(InsightId="3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00")
        """
    )
    inner.runpytest("--aws-contract=strict").assert_outcomes(passed=2)


def test_drift_fails_unless_allowed(inner: pytest.Pytester) -> None:
    inner.makepyfile("def test_drift(aws_exchange):\n    aws_exchange('drift')\n")
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*schema.response.unknown-member [[]drift]*"])
    result = inner.runpytest("--aws-allow-drift")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*ContractWarning: schema.response.unknown-member [[]warning]*"])


def test_invalid_request_with_modeled_client_error_passes_in_strict_mode(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile("def test_probe(aws_exchange):\n    aws_exchange('rejected')\n")
    inner.runpytest("--aws-contract=strict").assert_outcomes(passed=1)


def test_a_failing_test_shows_violations_in_a_report_section(inner: pytest.Pytester) -> None:
    inner.makepyfile("def test_bad(aws_exchange):\n    aws_exchange('bad')\n    assert 1 == 2\n")
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Captured aws contract call*", "*non-zero-data [[]error]*"])
    result.stdout.no_fnmatch_line("*ContractViolationError*")


def test_bad_mode_names_the_marker(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.aws_contract("loud")
        def test_x(aws_exchange):
            aws_exchange("good")
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.aws_contract is 'loud'*strict, warn, off*"])


def test_bad_ini_mode_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makeini("[pytest]\naws_contract = loud\n")
    inner.makepyfile("def test_x():\n    pass\n")
    result = inner.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*aws_contract ini setting is 'loud'*"])


def test_summary_groups_by_rule_under_xdist(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(3))
        def test_bad(aws_exchange, n):
            aws_exchange("bad")
        """
    )
    result = inner.runpytest("-n", "2", *NO_HYPOTHESIS)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*non-zero-data  error       3  in 3 test(s)*"])


def test_a_checked_test_keeps_none_of_its_exchanges(inner: pytest.Pytester) -> None:
    """pytest keeps every item until the session ends: exchanges left in an item's stash
    after its check (bodies and all) made a long replayed suite grow without bound."""
    inner.makeconftest(
        CONFTEST
        + """
KEPT = []

@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    from harness.plugin.contract import _EXCHANGES
    KEPT.append(len(item.stash.get(_EXCHANGES, [])))

def pytest_sessionfinish(session):
    print("kept after each test:", KEPT)
"""
    )
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(3))
        def test_good(aws_exchange, n):
            for _ in range(5):
                aws_exchange("good")
        """
    )
    result = inner.runpytest("-s")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*kept after each test: [[]0, 0, 0[]]*"])


def test_a_scoped_setting_that_matched_nothing_is_warned_of_under_xdist(
    inner: pytest.Pytester,
) -> None:
    """Scoped rule settings of the run: one that selects the bad value is used (its test
    passes), one with a misspelt pointer and one for an operation never checked are named in
    the summary as matching nothing; the run still passes."""
    inner.makeini(
        """
        [pytest]
        aws_contract_rules =
            cloudtrail.ListInsightsMetricData.non-zero-data@cloudtrail:ListInsightsMetricData/response/Values=off
            cloudtrail.ListInsightsMetricData.non-zero-data@cloudtrail:ListInsightsMetricData/response/Valeus=warning
            schema.response.constraint@dynamodb:CreateTable=warning
        """
    )
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(2))
        def test_bad(aws_exchange, n):
            aws_exchange("bad")
        """
    )
    result = inner.runpytest("-n", "2", *NO_HYPOTHESIS)
    result.assert_outcomes(passed=2)
    out = result.stdout.str()
    assert "/response/Values=off' matched nothing" not in out
    result.stdout.fnmatch_lines(
        [
            "*aws contract: rule setting '*/Valeus=warning' matched nothing (no *non-zero-data "
            "violation at cloudtrail:ListInsightsMetricData under /response/Valeus)*remove it.",
            "*aws contract: rule setting '*@dynamodb:CreateTable=warning' matched "
            "nothing (no interaction of dynamodb:CreateTable was checked)*",
        ]
    )
