"""Rule settings scoped to an operation and a pointer (``ID@service:Operation/pointer``) in
the ini, on the command line and in the marker, through real inner pytest runs."""

from __future__ import annotations

import pytest

# As in test_pytest_contract.py: "bad" is a ListInsightsMetricData answer with a zero value
# under NonZeroData (cloudtrail.ListInsightsMetricData.non-zero-data at /response/Values/0).
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
               "EndTime": end, "Period": 3600}
    http = wire.encode_request(*OP, request)
    answer = SyntheticBackend(seed=7, now=NOW).handle(http)
    if kind == "bad":
        response = wire.decode_response(*OP, answer)
        response["Values"][0] = 0.0
        answer = wire.encode_response(*OP, response)
    return Exchange(*OP, http, answer, "synthetic", params=wire.decode_request(*OP, http),
                    index=0)

@pytest.fixture
def aws_exchange(request):
    def report(kind):
        request.config.hook.pytest_aws_exchange(item=request.node, exchange=_exchange(kind))
    return report
"""

RULE = "cloudtrail.ListInsightsMetricData.non-zero-data"
OP = "cloudtrail:ListInsightsMetricData"
TEST = "def test_bad(aws_exchange):\n    aws_exchange('bad')\n"


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    return pytester


def test_an_ini_line_acknowledges_one_pointer_of_one_operation(inner: pytest.Pytester) -> None:
    inner.makeini(f"[pytest]\naws_contract_rules =\n    {RULE}@{OP}/response/Values/0=off\n")
    inner.makepyfile(TEST)
    inner.runpytest().assert_outcomes(passed=1)
    # the same rule at another pointer is not acknowledged
    inner.makeini(f"[pytest]\naws_contract_rules =\n    {RULE}@{OP}/response/Values/1=off\n")
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{RULE} [[]error]*", "*at /response/Values/0: got 0.0*"])


def test_a_pointer_prefix_and_the_command_line(inner: pytest.Pytester) -> None:
    inner.makepyfile(TEST)
    result = inner.runpytest(f"--aws-contract-rule={RULE}@/response/Values=warning")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*ContractWarning: {RULE} [[]warning]*"])
    # the command line's scoped setting beats the ini's rule-wide one (more specific)
    inner.makeini(f"[pytest]\naws_contract_rules =\n    {RULE}=error\n")
    inner.runpytest(f"--aws-contract-rule=-{RULE}@{OP}").assert_outcomes(passed=1)


def test_marker_rules_take_scoped_keys(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        f"""
        import pytest

        @pytest.mark.aws_contract(rules={{"{RULE}@{OP}/response/Values/*": "off"}})
        def test_acknowledged(aws_exchange):
            aws_exchange("bad")

        @pytest.mark.aws_contract(rules={{"{RULE}@{OP}/request": "off"}})
        def test_elsewhere(aws_exchange):
            aws_exchange("bad")

        @pytest.mark.aws_contract(rules={{"{RULE}@{OP}/respons/Values": "off"}})
        def test_mistyped(aws_exchange):
            aws_exchange("good")
        """
    )
    result = inner.runpytest("-rfE")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*rules= of @pytest.mark.aws_contract: *does not start with /request or /response*"]
    )


def test_a_mistyped_scoped_ini_line_stops_the_run_with_the_closest_name(
    inner: pytest.Pytester,
) -> None:
    inner.makeini(
        f"[pytest]\naws_contract_rules =\n    {RULE}@cloudtrail:ListInsightMetricData=off\n"
    )
    inner.makepyfile(TEST)
    result = inner.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*aws_contract_rules: *Did you mean 'ListInsightsMetricData'?*"])
    assert "Traceback" not in result.stderr.str()
