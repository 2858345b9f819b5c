"""A scoped rule setting that matches nothing is reported as stale (issue 47).

``RULE@service:Operation/pointer=SEVERITY`` acknowledges one known violation. When the
finding is fixed, or the operation or pointer was misspelt, the setting selects nothing and
would silently hide the next finding there: ``harness check`` warns of it, naming the
setting, without changing the exit status. A rule, service or operation nobody knows is bad
input: one paragraph that names the setting and says what to do, exit 2, nothing checked.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.contract.report import MATCHED_SETTINGS, check_cassette
from harness.contract.settings import (
    apply_rule_settings,
    parse_rule_settings,
    stale_message,
    stale_rule_settings,
)
from harness.ops.verdict import Violation
from tests.support.synthetic_exchanges import EVENTS, SERIES, build, pair, valid_exchange

RULE = "cloudtrail.ListInsightsMetricData.non-zero-data"
OP = "cloudtrail:ListInsightsMetricData"
CONSTRAINT = "schema.response.constraint"
STALE = "matched nothing"
ADVICE = "the operation or pointer may be misspelt or the finding fixed; remove it."


def violation(rule: str, operation: str, pointer: str) -> Violation:
    return Violation(
        rule=rule,
        severity="error",
        operation=operation,
        cassette="c.yaml",
        index=0,
        pointer=pointer,
        value="0",
        expected="",
        doc="",
        message="",
    )


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


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- the settings


def test_matched_gathers_every_scoped_setting_that_selects_a_violation() -> None:
    found = [
        violation(RULE, OP, "/response/Values/2"),
        violation(CONSTRAINT, "dynamodb:CreateTable", "/response/TableDescription/x"),
    ]
    settings = parse_rule_settings(
        [
            f"{RULE}@{OP}/response/Values=warning",  # selects, outranked by the next
            f"{RULE}@{OP}/response/Values/2=off",
            f"{RULE}@{OP}/response/Values/3=off",  # another pointer: nothing
            f"{CONSTRAINT}@dynamodb:DescribeTable=off",  # another operation: nothing
            f"{CONSTRAINT}=warning",  # a rule everywhere: never stale
        ]
    )
    matched: set[str] = set()
    kept = apply_rule_settings(found, settings, matched)
    assert [v.rule for v in kept] == [CONSTRAINT]
    assert matched == {f"{RULE}@{OP}/response/Values", f"{RULE}@{OP}/response/Values/2"}
    assert stale_rule_settings(settings, matched) == [
        f"{RULE}@{OP}/response/Values/3",
        f"{CONSTRAINT}@dynamodb:DescribeTable",
    ]
    assert apply_rule_settings(found, settings) == kept  # the same without gathering


def test_the_warning_names_the_setting_and_what_to_do() -> None:
    at = f"{RULE}@{OP}/response/Values/3"
    message = stale_message(at, "off", "--rule", [OP])
    assert message == (
        f"--rule setting '{at}=off' {STALE} (no {RULE} violation at {OP} under "
        f"/response/Values/3): {ADVICE}"
    )
    other = stale_message(f"{CONSTRAINT}@dynamodb:CreateTable", "off", "--rule", [OP])
    assert "(no interaction of dynamodb:CreateTable was checked)" in other


# --------------------------------------------------------------------------- harness check


def test_harness_check_warns_of_a_setting_that_matched_nothing(dirty: Path) -> None:
    used = f"{RULE}@{OP}/response/Values/2=off"
    misspelt = f"{RULE}@{OP}/response/Value/2=off"  # (Value: the pointer is misspelt)
    elsewhere = f"{CONSTRAINT}@dynamodb:CreateTable=off"  # no such call in the cassette
    code, out, err = check("--no-cache", "--rule", used, "--rule", misspelt, str(dirty))
    assert code == 0, out + err  # a warning changes no exit status
    (line,) = err.splitlines()
    assert line == (
        f"harness check: warning: --rule setting '{misspelt}' {STALE} (no {RULE} violation at "
        f"{OP} under /response/Value/2): {ADVICE}"
    )
    code, _, err = check("--no-cache", "--rule", used, "--rule", elsewhere, str(dirty))
    assert code == 0 and "no interaction of dynamodb:CreateTable was checked" in err, err
    # a setting that matched, or none scoped: nothing said
    assert check("--no-cache", "--rule", used, str(dirty))[2] == ""
    assert check("--no-cache", "--rule", f"{CONSTRAINT}=warning", str(dirty))[2] == ""
    # the finding fixed: the acknowledgement is stale, and the run still fails on nothing
    clean = write_cassette(
        dirty.with_name("clean.yaml"),
        [valid_exchange("cloudtrail", "ListInsightsMetricData", SERIES, index=0)],
    )
    code, _, err = check("--no-cache", "--rule", used, str(clean))
    assert code == 0 and f"'{used}' {STALE}" in err, err


def test_the_other_formats_carry_the_warning(dirty: Path) -> None:
    misspelt = f"{RULE}@{OP}/response/Value/2=off"
    code, out, _ = check("--no-cache", "--format", "json", "--rule", misspelt, str(dirty))
    assert code == 1  # (the violation is not acknowledged by the misspelt setting)
    (stale,) = json.loads(out)["stale_settings"]
    assert stale["setting"] == misspelt.removesuffix("=off") and ADVICE in stale["message"]
    _, out, _ = check("--no-cache", "--format", "json", str(dirty))
    assert json.loads(out)["stale_settings"] == []
    _, out, _ = check("--no-cache", "--format", "github", "--rule", misspelt, str(dirty))
    assert out.startswith("::warning title=harness check::--rule setting"), out


def test_a_report_from_the_cache_knows_what_it_matched(dirty: Path, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    used, misspelt = f"{RULE}@{OP}/response/Values/2=off", f"{RULE}@{OP}/response/Value/2=off"
    for _ in range(2):  # checked, then from the cache: the same warnings
        code, _, err = check(*cache, "--rule", used, "--rule", misspelt, str(dirty))
        assert code == 0 and err.count(STALE) == 1 and f"'{misspelt}'" in err, err
    report = check_cassette(dirty, rules=parse_rule_settings([used, misspelt]))
    assert report.metadata[MATCHED_SETTINGS] == [used.removesuffix("=off")]
    assert MATCHED_SETTINGS not in check_cassette(dirty).metadata


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("cloudtrial.ListInsightsMetricData.non-zero-data@" + OP + "=off", "no rule"),
        (f"{CONSTRAINT}@cloudtrial:ListInsightsMetricData=off", "Unknown service 'cloudtrial'"),
        (f"{CONSTRAINT}@cloudtrail:ListInsightMetricData=off", "Unknown operation"),
        (f"{RULE}@cloudtrail:ListInsightsData=off", "would never apply"),
    ],
)
def test_an_unknown_rule_service_or_operation_is_bad_input(
    dirty: Path, setting: str, said: str
) -> None:
    code, out, err = check("--no-cache", "--rule", setting, str(dirty))
    assert code == 2 and out == "", out
    (line,) = err.splitlines()  # one paragraph: what, where, what to do
    assert line.startswith("harness check: error: --rule") and said in line, line
    assert any(hint in line for hint in ("Did you mean", "docs/reference/rules.md", "remove it"))
    assert STALE not in err
