"""``harness check``: exit codes, the three formats, bad files next to good ones."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from contract_builders import build, insights_pair, metric_pair, valid
from make_bundled_cassettes import record

from harness.cassette import write_cassette
from harness.cli import run
from harness.schemastore import default_schema_dir

REPO = Path(__file__).resolve().parents[1]


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A cassette whose interactions all keep the contract."""
    exchanges = [
        build(service, operation, *valid(service, operation), index=i)
        for i, (service, operation) in enumerate(
            [("cloudtrail", "ListInsightsMetricData"), ("xray", "GetInsight")]
        )
    ]
    return write_cassette(tmp_path / "clean.yaml", exchanges)


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    """A cassette with one rule violation (a zero value under NonZeroData)."""
    req, resp = metric_pair()
    resp["Values"][2] = 0.0
    ok_req, ok_resp = insights_pair()
    exchanges = [
        build("cloudtrail", "ListInsightsData", ok_req, ok_resp, index=0),
        build("cloudtrail", "ListInsightsMetricData", req, resp, index=1),
    ]
    return write_cassette(tmp_path / "dirty.yaml", exchanges)


def test_clean_cassette_exits_0_with_a_table_and_summary(clean: Path) -> None:
    code, out, err = check(str(clean))
    assert (code, err) == (0, "")
    assert "0  cloudtrail:ListInsightsMetricData  200     ok" in out
    assert "Summary by operation:" in out
    assert out.rstrip().endswith("0 file(s) not checked")
    assert "OK: 2 interaction(s) in 1 cassette(s)" in out


def test_violation_exits_1_and_names_rule_interaction_and_pointer(dirty: Path) -> None:
    code, out, _ = check(str(dirty))
    assert code == 1
    assert "1  cloudtrail:ListInsightsMetricData  200     1 error" in out
    assert "cloudtrail.ListInsightsMetricData.non-zero-data [error]" in out
    assert f"interaction: {dirty} #1" in out
    assert "at /response/Values/2: got 0.0" in out
    assert "Summary by rule:" in out and "FAILED" in out


def test_json_format(dirty: Path, clean: Path) -> None:
    code, out, _ = check("--format", "json", str(dirty), str(clean))
    data = json.loads(out)
    assert code == 1
    assert data["summary"]["interactions"] == 4
    assert data["summary"]["by_rule"] == {"cloudtrail.ListInsightsMetricData.non-zero-data": 1}
    (violation,) = data["cassettes"][0]["violations"]
    assert violation["pointer"] == "/response/Values/2" and violation["index"] == 1


def test_junit_format_parses_with_one_testcase_per_interaction(dirty: Path, clean: Path) -> None:
    code, out, _ = check("--format", "junit", str(dirty), str(clean))
    root = ET.fromstring(out)
    assert code == 1
    cases = root.findall(".//testcase")
    assert len(cases) == 4
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["cloudtrail.ListInsightsMetricData.non-zero-data"]
    assert root.get("tests") == "4" and root.get("failures") == "1"


def test_allow_drift_turns_drift_into_warnings(tmp_path: Path) -> None:
    req, resp = valid("internetmonitor", "GetInternetEvent")
    resp["Severity"] = "HIGH"  # a member AWS might add before botocore knows it
    path = write_cassette(
        tmp_path / "drift.yaml", [build("internetmonitor", "GetInternetEvent", req, resp)]
    )
    assert check(str(path))[0] == 1
    code, out, _ = check("--allow-drift", str(path))
    assert code == 0
    assert "schema.response.unknown-member [warning]" in out


BAD_FILES = {
    "truncated.yaml": "interactions:\n- request:\n    body: '{\"unterminated\n",
    "not-a-cassette.yaml": "just: a mapping\nwithout: interactions\n",
    "no-schemas.yaml": None,  # filled in below: a service with no schema directory
}


def _bad(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    if name == "no-schemas.yaml":
        exchange = build("cloudtrail", "ListInsightsData", *insights_pair())
        write_cassette(path, [exchange])
    else:
        path.write_text(BAD_FILES[name] or "", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_without_traceback_and_good_files_still_checked(
    tmp_path: Path, clean: Path, name: str
) -> None:
    bad = _bad(tmp_path, name)
    schemas: list[str] = []
    good = clean
    if name == "no-schemas.yaml":  # a schema tree with xray only; the bad file is cloudtrail
        only_xray = tmp_path / "xray-schemas"
        shutil.copytree(default_schema_dir() / "xray", only_xray / "xray")
        schemas = ["--schemas", str(only_xray)]
        good = write_cassette(
            tmp_path / "clean.yaml", [build("xray", "GetInsight", *valid("xray", "GetInsight"))]
        )
    code, out, err = check(*schemas, str(bad), str(good))
    assert code == 2
    assert "Traceback" not in err + out
    assert str(bad) in err
    assert len(err.strip().splitlines()) == 1  # one paragraph
    if name == "no-schemas.yaml":
        assert "harness schemas generate" in err
    assert f"{good}: " in out and ", 0 violation(s)" in out  # the good file is still checked
    if name == "truncated.yaml":
        assert "line" in err


def test_missing_path_and_empty_folder_exit_2(tmp_path: Path) -> None:
    code, _, err = check(str(tmp_path / "nope"))
    assert code == 2 and "does not exist" in err
    code, _, err = check(str(tmp_path))
    assert code == 2 and "No cassettes" in err


def test_bad_file_in_junit_is_an_error_testcase(tmp_path: Path, clean: Path) -> None:
    bad = _bad(tmp_path, "not-a-cassette.yaml")
    code, out, _ = check("--format", "junit", str(bad), str(clean))
    root = ET.fromstring(out)
    assert code == 2
    assert len(root.findall(".//error")) == 1 and root.get("errors") == "1"


def test_bundled_cassettes_are_clean_in_a_real_subprocess() -> None:
    """The README's main job: ``harness check cassettes/`` exits 0 on the bundled cassettes."""
    result = subprocess.run(
        [sys.executable, "-m", "harness", "check", "cassettes/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for operation in (
        "cloudtrail:ListInsightsData",
        "cloudtrail:ListInsightsMetricData",
        "internetmonitor:GetInternetEvent",
        "xray:GetInsight",
        "xray:GetInsightEvents",
    ):
        assert operation in result.stdout


def test_regenerated_bundled_cassettes_are_clean(tmp_path: Path) -> None:
    paths = record(tmp_path)
    code, out, err = check(*map(str, paths))
    assert (code, err) == (0, ""), out
    assert "400" in out  # the modeled error answer to an invalid request is there
    text = "".join(p.read_text(encoding="utf-8") for p in paths)
    assert "AKIAFAKE" not in text and "Signature=" not in text
