"""Matching users can shape: ignore, normalise, a custom matcher; from the marker, an
overridden ``aws_match_policy`` fixture and ini settings, with the documented precedence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_time_matching import last, record_four_days_ago

from harness.errors import HarnessUsageError
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteMiss, CassetteRecorder

OP = "cloudtrail:ListInsightsData"


@pytest.fixture
def renamed(tmp_path: Path) -> Path:
    """A cassette of ``last(1)`` whose recorded trail name carries a run suffix."""
    path = tmp_path / "c.yaml"
    record_four_days_ago(path)
    path.write_text(path.read_text().replace(":trail/t", ":trail/t-run-8f2c"))
    return path


def strip_run_suffix(params: dict[str, Any]) -> dict[str, Any]:
    params["InsightSource"] = re.sub(r"-run-\w+$", "", params["InsightSource"])
    return params


def same_data_type(recorded: dict[str, Any], sent: dict[str, Any]) -> bool:
    return bool(recorded["DataType"] == sent["DataType"])


def never(recorded: dict[str, Any], sent: dict[str, Any]) -> bool:
    return False


def broken(params: dict[str, Any]) -> dict[str, Any]:
    return params["NoSuchMember"]  # type: ignore[no-any-return]


def replay(path: Path, policy: MatchPolicy | None = None) -> CassetteRecorder:
    recorder = CassetteRecorder(path, "none", policy=policy)
    with recorder.activate():
        last(1)
    return recorder


def test_without_a_policy_the_renamed_member_misses(renamed: Path) -> None:
    with pytest.raises(CassetteMiss, match="/InsightSource"):
        replay(renamed)


def test_a_normalising_function_makes_both_sides_compare_equal(renamed: Path) -> None:
    recorder = replay(renamed, MatchPolicy(normalize={OP: strip_run_suffix}))
    assert [e.source for e in recorder.exchanges] == ["replayed"]
    # the function saw a copy: the recorded exchange is untouched
    assert recorder.exchanges[0].params["InsightSource"].endswith("-run-8f2c")


def test_a_custom_matcher_decides_alone(renamed: Path) -> None:
    recorder = replay(renamed, MatchPolicy(matchers={OP: same_data_type}))
    assert len(recorder.exchanges) == 1
    with pytest.raises(CassetteMiss) as caught:
        replay(renamed, MatchPolicy(matchers={"*": never}))
    assert "custom matcher test_match_policy.never returned False" in str(caught.value)
    assert any("custom matcher" in d for near in caught.value.near for d in near.differences)


def test_a_failing_user_function_is_named_in_a_usage_error(renamed: Path) -> None:
    with pytest.raises(HarnessUsageError, match=r"normalize function test_match_policy.broken"):
        replay(renamed, MatchPolicy(normalize={OP: broken}))


# --------------------------------------------------------------------------- in pytest

PLUGIN_TEST = """
import pytest
from test_time_matching import last

MARK

def test_window():
    last(1)
"""

MATCHERS = """
import re

def strip_run_suffix(params):
    params["InsightSource"] = re.sub(r"-run-\\w+$", "", params["InsightSource"])
    return params

def never(recorded, sent):
    return False
"""


def run_inner(
    pytester: pytest.Pytester,
    cassette: Path,
    mark: str = "",
    ini: str = "",
    conftest: str = "",
) -> pytest.RunResult:
    folder = pytester.path / "cassettes" / "test_inner"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_window.yaml").write_bytes(cassette.read_bytes())
    pytester.makepyfile(
        test_inner=PLUGIN_TEST.replace("MARK", mark or "@pytest.mark.aws_cassette"),
        matchers=MATCHERS,
        test_time_matching=(Path(__file__).parent / "test_time_matching.py").read_text(),
    )
    # each run stands alone: no ini or conftest left from an earlier one
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makeconftest(conftest)
    pytester.syspathinsert()
    return pytester.runpytest("-p", "no:randomly", "--aws-contract=off", "test_inner.py")


@pytest.fixture
def inner(renamed: Path) -> Path:
    return renamed


def test_ini_ignore_normalize_and_matcher(pytester: pytest.Pytester, inner: Path) -> None:
    run_inner(pytester, inner).assert_outcomes(failed=1)
    run_inner(pytester, inner, ini=f"aws_match_ignore =\n    {OP} InsightSource").assert_outcomes(
        passed=1
    )
    run_inner(
        pytester, inner, ini=f"aws_match_normalize =\n    {OP} matchers:strip_run_suffix"
    ).assert_outcomes(passed=1)
    result = run_inner(
        pytester,
        inner,
        ini=f"aws_match_ignore = {OP} InsightSource\naws_matcher = {OP} matchers:never",
    )
    result.assert_outcomes(failed=1)  # the matcher decides alone, ignore or not
    result.stdout.fnmatch_lines(["*custom matcher matchers.never returned False*"])


def test_the_marker_wins_over_the_fixture_which_wins_over_defaults(
    pytester: pytest.Pytester, inner: Path
) -> None:
    ini = f"aws_match_ignore = {OP} InsightSource"
    mark = f"@pytest.mark.aws_cassette(matcher={{'{OP}': __import__('matchers').never}})"
    run_inner(pytester, inner, mark=mark, ini=ini).assert_outcomes(failed=1)
    mark = f"@pytest.mark.aws_cassette(ignore={{'{OP}': ['InsightSource']}})"
    run_inner(pytester, inner, mark=mark).assert_outcomes(passed=1)
    overridden = f"""
import pytest
from harness.replay.match_policy import MatchPolicy
from matchers import strip_run_suffix

@pytest.fixture
def aws_match_policy():
    return MatchPolicy(normalize={{"{OP}": strip_run_suffix}})
"""
    run_inner(pytester, inner, conftest=overridden).assert_outcomes(passed=1)
    # an overriding fixture replaces the ini's policy: the ini's ignore no longer applies
    plain = "import pytest\nfrom harness.replay.matching import MatchPolicy\n\n@pytest.fixture\n"
    plain += "def aws_match_policy():\n    return MatchPolicy()\n"
    run_inner(pytester, inner, ini=ini).assert_outcomes(passed=1)
    run_inner(pytester, inner, ini=ini, conftest=plain).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    ("ini", "words"),
    [
        ("aws_match_ignore = cloudtrail:ListInsightData NextToken", "ListInsightsData"),
        ("aws_match_ignore = cloudtrail:ListInsightsData", "names no member"),
        ("aws_match_ignore = ListInsightsData NextToken", "not an operation key"),
    ],
)
def test_bad_ini_settings_stop_the_run_with_one_paragraph(
    pytester: pytest.Pytester, ini: str, words: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*aws_match_ignore ini setting*{words}*"])


def test_a_matcher_that_cannot_be_imported_is_named(pytester: pytest.Pytester, inner: Path) -> None:
    result = run_inner(pytester, inner, ini=f"aws_matcher = {OP} matchers:no_such_function")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*aws_matcher ini setting*cannot find 'matchers:no_such_function'*"]
    )


def test_a_policy_built_in_code_is_checked_like_the_marker() -> None:
    assert MatchPolicy(ignore={OP: ["InsightSource"]}).ignored(
        "cloudtrail", "ListInsightsData"
    ) == frozenset({"InsightSource"})
    bad = [
        ({"ignore": {"cloudtrail:ListInsightData": ["InsightSource"]}}, "ListInsightsData"),
        ({"ignore": {OP: ["InsightSorce"]}}, "Did you mean 'InsightSource'"),
        ({"ignore": {OP: "InsightSource"}}, "give a list of member names"),
        ({"time_tolerance": "exact"}, "None for exact timestamps"),
        ({"time_tolerance": float("nan")}, "a number >= 0"),
        ({"matchers": {OP: "matchers:never"}}, "not a function"),
    ]
    for kwargs, words in bad:
        with pytest.raises(HarnessUsageError, match=re.escape(words)):
            MatchPolicy(**kwargs)


def test_a_marker_mistake_is_one_paragraph_without_traceback(
    pytester: pytest.Pytester, inner: Path
) -> None:
    mark = f"@pytest.mark.aws_cassette(ignore={{'{OP}': ['InsightSorce']}})"
    result = run_inner(pytester, inner, mark=mark)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*has no request member 'InsightSorce'*"])
    assert "harness/plugin/" not in result.stdout.str()  # (nor any part of the plugin)
