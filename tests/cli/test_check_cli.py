"""``harness check``: exit codes, the three formats, bad files next to good ones."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.contract.schemas.store import default_schema_dir
from harness.exchange import Exchange, HttpResponse
from tests.support.synthetic_exchanges import EVENTS, SERIES, build, pair, valid_exchange

REPO = Path(__file__).resolve().parents[2]


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A cassette whose interactions all keep the contract."""
    exchanges = [
        valid_exchange(service, operation, index=i)
        for i, (service, operation) in enumerate(
            [("cloudtrail", "ListInsightsMetricData"), ("xray", "GetInsight")]
        )
    ]
    return write_cassette(tmp_path / "clean.yaml", exchanges)


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    """A cassette with one rule violation (a zero value under NonZeroData)."""
    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0
    exchanges = [
        valid_exchange("cloudtrail", "ListInsightsData", EVENTS, index=0),
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
    req, resp = pair("internetmonitor", "GetInternetEvent")
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
    "no-response.yaml": "interactions:\n- request: {method: GET, uri: 'https://x/'}\n",
    "a-list.yaml": "- 1\n- 2\n",
    "binary.yaml": "\x00\x01\x02 not yaml at all: [",
    "bad-status.yaml": (
        "interactions:\n- request: {method: GET, uri: 'https://x/', headers: {}, body: ''}\n"
        "  response: {status: {code: abc}, headers: {}, body: {string: ''}}\n"
    ),
}


def _bad(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(BAD_FILES[name] or "", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_without_traceback_and_good_files_still_checked(
    tmp_path: Path, clean: Path, name: str
) -> None:
    bad = _bad(tmp_path, name)
    good = clean
    code, out, err = check(str(bad), str(good))
    assert code == 2
    assert "Traceback" not in err + out
    assert str(bad) in err
    assert len(err.strip().splitlines()) == 1  # one paragraph
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


# --------------------------------------------------------------------------- schema sources


def test_a_user_schema_dir_is_layered_over_the_packaged_schemas(tmp_path: Path) -> None:
    """A --schemas tree holding only xray still lets a cloudtrail cassette be checked."""
    only_xray = tmp_path / "xray-schemas"
    shutil.copytree(default_schema_dir() / "xray", only_xray / "xray")
    cassette = write_cassette(
        tmp_path / "ct.yaml", [valid_exchange("cloudtrail", "ListInsightsData", EVENTS)]
    )
    code, out, err = check("--schemas", str(only_xray), str(cassette))
    assert (code, err) == (0, ""), out
    # The user's file wins where it exists: a tightened schema is what the check uses.
    path = only_xray / "xray" / "GetInsight.output.json"
    schema = json.loads(path.read_text())
    schema["required"] = [*schema.get("required", []), "Insight"]
    schema["properties"]["Insight"] = {"type": "string"}
    path.write_text(json.dumps(schema))
    xray = write_cassette(tmp_path / "xray.yaml", [valid_exchange("xray", "GetInsight")])
    code, out, _ = check("--schemas", str(only_xray), str(xray))
    assert code == 1 and "schema.response [error]" in out


def test_a_schema_dir_that_does_not_exist_or_is_empty_is_bad_input(
    tmp_path: Path, clean: Path
) -> None:
    code, _, err = check("--schemas", str(tmp_path / "nope"), str(clean))
    assert code == 2 and "does not exist" in err and "Traceback" not in err
    (tmp_path / "empty").mkdir()
    code, _, err = check("--schemas", str(tmp_path / "empty"), str(clean))
    assert code == 2 and "holds no schema files" in err
    # JSON files that are not named as schemas (a project's config, /proc/self) are no schemas
    (tmp_path / "other" / "app").mkdir(parents=True)
    (tmp_path / "other" / "app" / "settings.json").write_text("{}")
    code, _, err = check("--schemas", str(tmp_path / "other"), str(clean))
    assert code == 2 and "holds no schema files" in err


def test_the_cwd_schemas_folder_is_not_picked_up(
    tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project's own ./schemas (for anything) does not replace the packaged schemas."""
    (tmp_path / "schemas" / "cloudtrail").mkdir(parents=True)
    (tmp_path / "schemas" / "cloudtrail" / "ListInsightsMetricData.output.json").write_text(
        '{"type": "string"}'
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = check(str(clean))
    assert (code, err) == (0, ""), out


def test_a_service_without_packaged_schemas_is_checked_from_generated_ones(
    tmp_path: Path,
) -> None:
    from harness.aws.protocols import wire_form as wire

    req = {"TableName": "tbl"}
    good = {"Table": {"TableName": "tbl", "TableStatus": "ACTIVE", "ItemCount": 3}}
    bad = {"Table": {"TableName": "tbl", "TableStatus": "SLEEPING", "ItemCount": "3"}}
    exchanges = []
    for index, body in enumerate((good, bad)):
        request = wire.encode_request("dynamodb", "DescribeTable", req)
        response = wire.encode_response("dynamodb", "DescribeTable", body)
        exchanges.append(
            Exchange(
                "dynamodb",
                "DescribeTable",
                request,
                response,
                "recorded",
                params=req,
                cassette="x",
                index=index,
            )
        )
    path = write_cassette(tmp_path / "ddb.yaml", exchanges)
    code, out, _ = check("--format", "json", str(path))
    data = json.loads(out)
    assert code == 1
    found = {(v["index"], v["rule"], v["pointer"]) for v in data["cassettes"][0]["violations"]}
    assert found == {
        (1, "schema.response.unknown-enum", "/response/Table/TableStatus"),
        (1, "schema.response", "/response/Table/ItemCount"),
    }


# --------------------------------------------------------------------------- not checked


def _foreign_cassette(tmp_path: Path) -> Path:
    """A vcrpy cassette: one AWS call, one image download from another host."""
    good = valid_exchange("xray", "GetInsight")
    aws = {
        "request": {
            "method": good.request.method,
            "uri": good.request.url,
            "headers": {k: [v] for k, v in good.request.headers.items()},
            "body": good.request.body.decode(),
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {k: [v] for k, v in good.response.headers.items()},
            "body": {"string": good.response.body.decode()},
        },
    }
    image = {
        "request": {
            "method": "GET",
            "uri": "https://images.example.com/cat.png?size=2",
            "headers": {},
            "body": None,
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["image/png"]},
            "body": {"string": "\x89PNG"},
        },
    }
    import yaml

    path = tmp_path / "foreign.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "interactions": [image, aws]}))
    return path


def test_non_aws_interactions_are_counted_not_failed(tmp_path: Path) -> None:
    path = _foreign_cassette(tmp_path)
    code, out, err = check(str(path))
    assert (code, err) == (0, ""), out
    assert "GET images.example.com/cat.png" in out
    assert "not checked: not a call to an AWS operation botocore knows" in out
    assert "1  xray:GetInsight" in out and "1 interaction(s) not checked" in out
    code, out, _ = check("--format", "json", str(path))
    data = json.loads(out)
    assert data["summary"]["skipped"] == 1 and data["summary"]["interactions"] == 2
    (skipped,) = data["cassettes"][0]["skipped"]
    assert skipped["index"] == 0 and "AWS operation" in skipped["reason"]
    code, out, _ = check("--format", "junit", str(path))
    assert len(ET.fromstring(out).findall(".//skipped")) == 1


def test_an_xml_protocol_is_checked_as_botocore_parses_it(tmp_path: Path) -> None:
    from harness.aws import protocols
    from harness.aws.models import operation_model

    op = operation_model("s3", "ListBuckets")
    request = protocols.encode_request(op, {})
    body = protocols.encode_response(op, {"Buckets": [{"Name": "b"}]}).body

    def cassette(name: str, body: bytes) -> str:
        response = HttpResponse(200, {"Content-Type": "application/xml"}, body)
        exchange = Exchange(
            "s3", "ListBuckets", request, response, "recorded", params={}, cassette="x", index=0
        )
        return str(write_cassette(tmp_path / name, [exchange]))

    code, out, err = check(cassette("ok.yaml", body))
    assert (code, err) == (0, ""), out
    assert "s3:ListBuckets  200     ok" in out
    late = body.replace(b"</Name>", b"</Name><CreationDate>soon</CreationDate>")
    code, out, _ = check(cassette("broken.yaml", late))
    assert code == 1 and "schema.response [error]" in out, out


# --------------------------------------------------------------------------- rule settings


def test_rules_are_regraded_and_turned_off_by_id(dirty: Path) -> None:
    rule = "cloudtrail.ListInsightsMetricData.non-zero-data"
    code, out, _ = check("--rule", f"{rule}=warning", str(dirty))
    assert code == 0 and f"{rule} [warning]" in out
    code, out, _ = check(f"--rule=-{rule}", str(dirty))
    assert code == 0 and rule not in out
    code, _, err = check("--rule", "cloudtrail.ListInsightsMetricData.non-zero-dat=off", str(dirty))
    assert code == 2 and f"Did you mean '{rule}'?" in err
    code, _, err = check("--rule", f"{rule}=fatal", str(dirty))
    assert code == 2 and "not a severity" in err


def test_files_checked_in_parallel_give_the_same_report(
    tmp_path: Path, clean: Path, dirty: Path
) -> None:
    bad = _bad(tmp_path, "truncated.yaml")
    files = [str(clean), str(dirty), str(bad)]
    for fmt in ("text", "json", "junit"):
        alone = check("--jobs", "1", "--format", fmt, *files)
        parallel = check("--jobs", "2", "--format", fmt, *files)
        assert parallel == alone
        assert alone[0] == 2 and str(bad) in alone[2]


def test_processes_are_used_only_when_there_is_enough_to_check(tmp_path: Path) -> None:
    from harness.cli import check as command

    small = [tmp_path / f"c{i}.yaml" for i in range(3)]
    for path in small:
        path.write_bytes(b"x" * 1024)
    assert command._jobs(small, None) == 1  # 3 KiB: starting processes would cost more
    assert command._jobs(small, 8) == 3  # never more processes than files
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * command.PARALLEL_BYTES)
    assert command._jobs([*small, big], None) == min(len(os.sched_getaffinity(0)), 4)


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "65"])
def test_jobs_must_be_a_positive_whole_number(clean: Path, jobs: str) -> None:
    code, _, err = check("--jobs", jobs, str(clean))
    assert code == 2 and "whole number of processes" in err and "Traceback" not in err


def _die(*args: object) -> None:
    os._exit(1)  # a worker killed mid-file (the OOM killer, kill -9)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_worker_that_dies_is_one_paragraph_and_exit_2(
    clean: Path, dirty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.cli import check as command

    monkeypatch.setattr(command, "_check_file", _die)  # forked workers inherit it
    code, _, err = check("--jobs", "2", str(clean), str(dirty))
    assert code == 2 and "worker process" in err and "--jobs 1" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_big_cassette_lists_only_what_is_not_ok_and_json_lists_every_one(
    tmp_path: Path,
) -> None:
    from harness.cli.check import TABLE_ROWS

    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0
    count = TABLE_ROWS + 50
    exchanges = [valid_exchange("xray", "GetInsight", index=i) for i in range(count - 1)]
    exchanges.insert(70, build("cloudtrail", "ListInsightsMetricData", req, resp, index=70))
    path = write_cassette(tmp_path / "big.yaml", exchanges)
    code, out, _ = check(str(path))
    assert code == 1
    assert "70  cloudtrail:ListInsightsMetricData  200     1 error" in out
    assert " xray:GetInsight " not in out.split("Summary by operation:")[0]  # no "ok" rows
    assert f"({count - 1:,} more interaction(s) ok, not listed" in out
    code, out, _ = check("--format", "json", str(path))
    report = json.loads(out)
    assert code == 1 and report["summary"]["interactions"] == count
    assert len(report["cassettes"][0]["interactions"]) == count


def test_report_rows_keep_every_interaction_compactly() -> None:
    from harness.contract.report import InteractionRows

    source = [(i, "xray:GetInsight" if i % 2 else "s3:GetObject", 200 + i % 3) for i in range(1000)]
    rows = InteractionRows(source)
    assert len(rows) == 1000 and list(rows) == source and rows == source
    assert rows[3] == source[3] and rows[-1] == source[-1] and rows[:2] == source[:2]
    assert rows != source[:999] and rows != [*source[:999], (999, "xray:GetInsight", 500)]
    assert pickle.loads(pickle.dumps(rows)) == source  # what --jobs workers send back
    assert sum(a.itemsize * len(a) for a in (rows._index, rows._label, rows._status)) == 10_000


def test_a_big_clean_cassette_says_all_ok_without_an_empty_table(tmp_path: Path) -> None:
    from harness.cli.check import TABLE_ROWS

    count = TABLE_ROWS + 1
    exchanges = [valid_exchange("xray", "GetInsight", index=i) for i in range(count)]
    path = write_cassette(tmp_path / "clean-big.yaml", exchanges)
    code, out, _ = check(str(path))
    assert code == 0
    assert f"  ({count:,} interaction(s), all ok, not listed" in out
    assert "#  operation" not in out.split("Summary by operation:")[0]


def test_a_broken_interaction_of_a_streamed_cassette_names_its_line(tmp_path: Path) -> None:
    from harness.cassettes.cassette import STREAM_BYTES

    exchanges = [valid_exchange("xray", "GetInsight", index=i) for i in range(800)]
    path = write_cassette(tmp_path / "big.yaml", exchanges)
    data = path.read_bytes()
    last = data.rindex(b"\n- ") + 1  # the last interaction's first line
    path.write_bytes(data[: last + 6])  # "- harn": cut short inside its first key
    assert path.stat().st_size >= STREAM_BYTES  # read one interaction at a time
    code, _, err = check(str(path))
    line = data.count(b"\n", 0, last) + 1
    assert code == 2
    assert f"Interaction #799 of cassette {path} (line {line}) lacks a readable" in err


def test_a_path_with_no_cassette_is_not_counted_as_a_file(clean: Path, tmp_path: Path) -> None:
    """A missing path or an empty folder is said as such in the summary, not as a file that
    could not be checked (there is no file); the files that exist are still checked."""
    (tmp_path / "empty").mkdir()
    code, out, err = check(str(clean), str(tmp_path / "missing"), str(tmp_path / "empty"))
    assert code == 2
    assert "does not exist" in err and "No cassettes" in err
    assert "OK" not in out.splitlines()[-1]
    assert out.rstrip().endswith(
        "FAILED: 2 interaction(s) in 1 cassette(s), 0 violation(s), 0 file(s) not checked, "
        "2 path(s) with no cassette"
    )


def test_github_format_annotates_each_violation_on_its_interactions_line(
    dirty: Path, tmp_path: Path
) -> None:
    code, out, _ = check("--format", "github", str(dirty))
    assert code == 1
    starts = [n for n, line in enumerate(dirty.read_text().splitlines(), 1) if line[:2] == "- "]
    annotation, *rest = out.splitlines()
    assert annotation.startswith(
        f"::error file={dirty},line={starts[1]},"
        "title=cloudtrail.ListInsightsMetricData.non-zero-data [error]::"
    )
    assert (
        "%0A  at /response/Values/2: got 0.0 (in the response: the server sent it)%0A" in annotation
    )  # one command, many lines
    assert not any(line.startswith("::") for line in rest) and "FAILED:" in rest[-1]
    # a rule graded down: a warning annotation, and the run passes
    rule = "cloudtrail.ListInsightsMetricData.non-zero-data"
    code, out, _ = check("--format", "github", "--rule", f"{rule}=warning", str(dirty))
    assert code == 0 and out.startswith(f"::warning file={dirty},line={starts[1]},")
    bad = tmp_path / "bad.yaml"
    bad.write_text("interactions: [")
    code, out, err = check("--format", "github", str(bad))
    assert code == 2 and out.startswith(f"::error file={bad},title=harness check::")
    assert "Traceback" not in err


def test_a_deliberate_violation_is_acknowledged_in_one_cassette_with_its_reason(
    tmp_path: Path, dirty: Path
) -> None:
    """An acknowledgement covers its cassette only (another cassette with the same violation
    still fails), needs a reason, and one that matches nothing is reported as stale."""
    rule = "cloudtrail.ListInsightsMetricData.non-zero-data"
    other = tmp_path / "other" / "dirty.yaml"
    other.parent.mkdir()
    shutil.copy(dirty, other)
    acks = tmp_path / "acks.yaml"
    acks.write_text(
        "version: 1\nacknowledged:\n"
        f"  - file: dirty.yaml\n    rule: {rule}\n    interaction: 1\n"
        "    reason: the test sends a zero on purpose, to see the library reject it\n"
    )
    code, out, err = check("--acks", str(acks), str(dirty))
    assert (code, err) == (0, "")
    assert f"{rule} [warning]: acknowledged in {acks} (the test sends a zero on purpose" in out

    code, out, _ = check("--acks", str(acks), str(dirty), str(other))
    assert code == 1 and f"interaction: {other} #1" in out  # the other cassette still fails

    acks.write_text(acks.read_text().replace("interaction: 1", "interaction: 0"))
    code, _, err = check("--acks", str(acks), str(dirty))
    assert code == 1 and "matched no violation" in err  # the wrong interaction: stale

    for broken, said in [
        ("    reason: the test sends", "'reason' is required"),
        (f"    rule: {rule}", "Did you mean"),
    ]:
        text = acks.read_text()
        if "reason" in said:
            text = text.replace(text[text.index(broken) :], "    reason: ''\n")
        else:
            text = text.replace(broken, broken[:-1])
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        code, _, err = check("--acks", str(bad), str(dirty))
        assert code == 2 and said in err, err


def test_the_default_acknowledgements_file_is_read_from_the_current_folder(
    tmp_path: Path, dirty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = "cloudtrail.ListInsightsMetricData.non-zero-data"
    (tmp_path / ".harness-check-acks.yaml").write_text(
        f"acknowledged:\n  - file: dirty.yaml\n    rule: {rule}\n    reason: on purpose\n"
    )
    monkeypatch.chdir(tmp_path)
    assert check("dirty.yaml")[0] == 0
