"""Rule settings scoped to an operation and a JSON pointer prefix (``ID@service:Op/pointer``):
one known violation acknowledged without turning its rule off for every operation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.contract.checker import check_all
from harness.contract.settings import (
    apply_rule_settings,
    normalize_rule_settings,
    parse_rule_settings,
    rule_scope,
)
from harness.errors import HarnessUsageError
from harness.ops.verdict import Violation
from tests.support.synthetic_exchanges import EVENTS, SERIES, build, pair, valid_exchange

RULE = "cloudtrail.ListInsightsMetricData.non-zero-data"
OP = "cloudtrail:ListInsightsMetricData"
CONSTRAINT = "schema.response.constraint"


def violation(rule: str, operation: str, pointer: str, severity: str = "warning") -> Violation:
    return Violation(
        rule=rule,
        severity=severity,
        operation=operation,
        cassette="c.yaml",
        index=0,
        pointer=pointer,
        value="0",
        expected="",
        doc="",
        message="",
    )  # type: ignore[arg-type]


# --------------------------------------------------------------------------- syntax


def test_scoped_keys_are_read_in_every_form_and_stored_canonically() -> None:
    settings = parse_rule_settings(
        [
            f"{CONSTRAINT}@dynamodb:CreateTable/response/TableDescription/"
            "ProvisionedThroughput/NumberOfDecreasesToday=off",
            f"{CONSTRAINT} @ dynamodb:DescribeTable = warning",  # spaces around the parts
            f"-{RULE}@/response/Values/*",  # -KEY is KEY=off, the operation left out
            f"{CONSTRAINT}@/response/Tags/a=b=error",  # the last '=' separates the severity
            "errors.modeled-code=error",  # unscoped, as before
        ]
    )
    assert settings == {
        f"{CONSTRAINT}@dynamodb:CreateTable/response/TableDescription/ProvisionedThroughput/"
        "NumberOfDecreasesToday": "off",
        f"{CONSTRAINT}@dynamodb:DescribeTable": "warning",
        f"{RULE}@/response/Values/*": "off",
        f"{CONSTRAINT}@/response/Tags/a=b": "error",
        "errors.modeled-code": "error",
    }
    scope = rule_scope(f"{CONSTRAINT}@dynamodb:DescribeTable/response/Table")
    assert (scope.rule, scope.operation, scope.pointer) == (
        CONSTRAINT,
        "dynamodb:DescribeTable",
        ("response", "Table"),
    )


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # an unknown rule id, scoped or not, names the closest one
        (
            "schema.response.constrant@dynamodb:CreateTable=off",
            "no rule 'schema.response.constrant'. Did you mean 'schema.response.constraint'?",
        ),
        # an unknown operation or service names the closest one (botocore's model)
        (f"{CONSTRAINT}@dynamodb:CreateTabel=off", "Did you mean 'CreateTable'?"),
        (f"{CONSTRAINT}@dynamdb:CreateTable=off", "Did you mean 'dynamodb'?"),
        # a malformed operation
        (f"{CONSTRAINT}@dynamodb=off", "cannot read the operation 'dynamodb'"),
        (f"{CONSTRAINT}@=off", "has nothing after '@'"),
        # malformed pointers
        (f"{CONSTRAINT}@/respons/Table=off", "does not start with /request or /response"),
        (f"{CONSTRAINT}@/response/Table/=off", "empty token"),
        (f"{CONSTRAINT}@/response/a~2b=off", "'~' is written only as ~0"),
        # an operation the rule never checks
        (f"{RULE}@cloudtrail:ListInsightsData=off", f"checks only {OP}"),
        # no severity
        (f"{CONSTRAINT}@dynamodb:CreateTable/response/Table", "write RULE_ID=SEVERITY"),
        (f"{CONSTRAINT}@dynamodb:CreateTable=loud", "is not a severity"),
    ],
)
def test_a_bad_scoped_setting_is_one_paragraph_naming_the_setting(item: str, expected: str) -> None:
    with pytest.raises(HarnessUsageError) as caught:
        parse_rule_settings([item], where="--rule")
    message = str(caught.value)
    assert expected in message, message
    assert message.startswith("--rule") and "\n" not in message


def test_the_marker_dict_form_is_checked_and_made_canonical() -> None:
    assert normalize_rule_settings({f"{CONSTRAINT} @dynamodb:CreateTable ": "off"}) == {
        f"{CONSTRAINT}@dynamodb:CreateTable": "off"
    }
    with pytest.raises(HarnessUsageError, match="Did you mean 'CreateTable'"):
        normalize_rule_settings({f"{CONSTRAINT}@dynamodb:CreateTabel": "off"}, where="rules=")


# --------------------------------------------------------------------------- selection


def test_a_scoped_setting_applies_only_at_its_operation_and_under_its_pointer() -> None:
    at = "/response/TableDescription/ProvisionedThroughput/NumberOfDecreasesToday"
    found = [
        violation(CONSTRAINT, "dynamodb:CreateTable", at),
        violation(CONSTRAINT, "dynamodb:CreateTable", "/response/TableDescription/TableName"),
        violation(CONSTRAINT, "dynamodb:DescribeTable", at.replace("TableDescription", "Table")),
        violation("schema.response.required", "dynamodb:CreateTable", at),
    ]
    settings = parse_rule_settings([f"{CONSTRAINT}@dynamodb:CreateTable{at}=off"])
    kept = apply_rule_settings(found, settings)
    assert kept == found[1:]
    # a pointer is a prefix token by token: /response/Table is not /response/TableDescription
    prefix = parse_rule_settings([f"{CONSTRAINT}@dynamodb:CreateTable/response/Table=off"])
    assert apply_rule_settings(found, prefix) == found
    whole = parse_rule_settings(
        [f"{CONSTRAINT}@dynamodb:CreateTable/response/TableDescription=off"]
    )
    assert apply_rule_settings(found, whole) == found[2:]
    # no pointer: every violation of the rule at that operation
    anywhere = parse_rule_settings([f"{CONSTRAINT}@dynamodb:CreateTable=off"])
    assert apply_rule_settings(found, anywhere) == found[2:]
    # no operation: every operation, under the pointer; '*' is any one token
    star = parse_rule_settings([f"{CONSTRAINT}@/response/*/ProvisionedThroughput=error"])
    assert [v.severity for v in apply_rule_settings(found, star)] == [
        "error",
        "warning",
        "error",
        "warning",
    ]


def test_the_most_specific_setting_wins_then_the_last_given() -> None:
    found = [
        violation(RULE, OP, "/response/Values/2", "error"),
        violation(RULE, OP, "/response/Values/7", "error"),
    ]
    settings = parse_rule_settings(
        [
            f"{RULE}@{OP}/response/Values/2=off",  # most specific: wins over the two below
            f"{RULE}@{OP}=warning",
            f"{RULE}=drift",
        ]
    )
    assert apply_rule_settings(found, settings) == [
        violation(RULE, OP, "/response/Values/7", "warning")
    ]
    # the same key again: the later value (the marker over the command line over the ini)
    both = {**settings, f"{RULE}@{OP}/response/Values/2": "error"}
    assert [v.severity for v in apply_rule_settings(found, both)] == ["error", "warning"]
    # equally specific keys: the last given wins
    tie = {f"{RULE}@/response/Values/*": "off", f"{RULE}@/response/*/7": "warning"}
    assert [v.severity for v in apply_rule_settings(found, tie)] == ["warning"]


def test_scoped_settings_through_check_all() -> None:
    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0
    exchange = build("cloudtrail", "ListInsightsMetricData", req, resp)
    assert [v.pointer for v in check_all([exchange]).violations] == ["/response/Values/2"]
    gone = check_all([exchange], rules={f"{RULE}@{OP}/response/Values/2": "off"})
    assert gone.violations == []
    other = check_all([exchange], rules={f"{RULE}@{OP}/response/Values/3": "off"})
    assert [v.severity for v in other.violations] == ["error"]
    with pytest.raises(HarnessUsageError, match="rules=: no rule"):
        check_all([exchange], rules={"nosuch@cloudtrail:ListInsightsMetricData": "off"})


# --------------------------------------------------------------------------- harness check


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", "--no-cache", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    """A cassette with one rule violation (a zero value under NonZeroData, #1 /Values/2)."""
    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0
    exchanges = [
        valid_exchange("cloudtrail", "ListInsightsData", EVENTS, index=0),
        build("cloudtrail", "ListInsightsMetricData", req, resp, index=1),
    ]
    return write_cassette(tmp_path / "dirty.yaml", exchanges)


def test_harness_check_takes_scoped_rules(dirty: Path) -> None:
    code, out, _ = check("--rule", f"{RULE}@{OP}/response/Values/2=off", str(dirty))
    assert code == 0 and RULE not in out, out
    code, out, _ = check("--rule", f"{RULE}@{OP}/response/Values/2=warning", str(dirty))
    assert code == 0 and f"{RULE} [warning]" in out, out
    # another pointer, or another operation's scope: the violation still fails the run
    code, out, _ = check(f"--rule=-{RULE}@{OP}/response/Values/3", str(dirty))
    assert code == 1 and f"{RULE} [error]" in out, out
    code, _, err = check("--rule", f"{RULE}@cloudtrail:ListInsightMetricData=off", str(dirty))
    assert code == 2 and "Did you mean 'ListInsightsMetricData'?" in err, err
    assert "Traceback" not in err


def test_harness_check_cache_keys_on_the_scope(dirty: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    at = f"{RULE}@{OP}/response/Values/2=off"
    out, err = io.StringIO(), io.StringIO()
    assert run(["check", "--cache-dir", cache, "--rule", at, str(dirty)], out, err) == 0
    elsewhere = f"{RULE}@{OP}/response/Values/3=off"
    assert run(["check", "--cache-dir", cache, "--rule", elsewhere, str(dirty)], out, err) == 1
