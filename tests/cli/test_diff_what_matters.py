"""``harness cassette diff`` shows the change a user cares about, first and plainly: a value
whose wire type changed (botocore reads it leniently, the contract does not), an error
code that changed with its status, and a list whose items only moved."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from harness.cli import run

SEED = Path(__file__).resolve().parents[2] / "cassettes/seed/xray.yaml"


def variant(tmp_path: Path, change: Callable[[list[dict[str, Any]]], None]) -> Path:
    data = yaml.safe_load(SEED.read_text())
    change(data["interactions"])
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def insight(interactions: list[dict[str, Any]], edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit the first interaction's (GetInsight, 200) response body, as JSON."""
    body = interactions[0]["response"]["body"]
    document = json.loads(body["string"])
    edit(document["Insight"])
    body["string"] = json.dumps(document, indent=2)


def diff(b: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["cassette", "diff", str(SEED), str(b)], out, err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def test_a_wire_type_change_botocore_reads_alike_is_still_a_difference(tmp_path: Path) -> None:
    def as_text(found: dict[str, Any]) -> None:
        stats = found["ClientRequestImpactStatistics"]
        stats["FaultCount"] = str(stats["FaultCount"])  # 9202 sent as "9202"

    code, out = diff(variant(tmp_path, lambda items: insight(items, as_text)))
    assert code == 1, out
    assert out.startswith("~ A#0 B#0 xray:GetInsight\n"), out
    assert "contract: new schema.response [error] at " in out
    assert "/ClientRequestImpactStatistics/FaultCount: '9202' is not of type 'integer'" in out
    assert out.splitlines()[-1].endswith("(B): new contract violations at B#0."), out


def test_the_same_bytes_with_new_request_ids_are_still_the_same(tmp_path: Path) -> None:
    def new_ids(items: list[dict[str, Any]]) -> None:
        for n, item in enumerate(items):
            item["response"]["headers"]["x-amzn-RequestId"] = [f"{n:08d}-0000-4000-8000-{n:012d}"]

    code, out = diff(variant(tmp_path, new_ids))
    assert code == 0 and "hold the same calls and answers" in out, out


def test_an_error_code_that_changed_with_its_status_is_named(tmp_path: Path) -> None:
    def invalid(items: list[dict[str, Any]]) -> None:
        throttle = items[3]["response"]  # GetInsight answered 429 ThrottledException
        throttle["status"] = {"code": 400, "message": "Bad Request"}
        throttle["headers"]["x-amzn-ErrorType"] = ["InvalidRequestException"]

    code, out = diff(variant(tmp_path, invalid))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "~ A#3 B#3 xray:GetInsight", out
    assert lines[1] == "    status: A 429 ThrottledException, B 400 InvalidRequestException", out
    assert lines[-1].endswith("(B): status changed at B#3."), out


def test_an_answer_that_became_an_error_names_the_error(tmp_path: Path) -> None:
    def failed(items: list[dict[str, Any]]) -> None:
        response = items[0]["response"]
        response["status"] = {"code": 400, "message": "Bad Request"}
        response["headers"]["x-amzn-ErrorType"] = ["InvalidRequestException"]
        response["body"]["string"] = '{"Message": "no such insight"}'

    code, out = diff(variant(tmp_path, failed))
    assert code == 1
    assert "    status: A 200, B 400 InvalidRequestException\n" in out, out


def test_a_list_whose_items_only_moved_is_one_line_saying_so(tmp_path: Path) -> None:
    def reversed_services(found: dict[str, Any]) -> None:
        found["TopAnomalousServices"].reverse()

    code, out = diff(variant(tmp_path, lambda items: insight(items, reversed_services)))
    assert code == 1
    body = [line for line in out.splitlines() if line.startswith("    ")]
    assert body == [
        "    response /Insight/TopAnomalousServices: the same 2 item(s) in another order "
        "(B holds A's #1, #0)"
    ], out


def test_a_moved_list_beside_a_changed_value_keeps_both(tmp_path: Path) -> None:
    def both(found: dict[str, Any]) -> None:
        found["TopAnomalousServices"].reverse()
        found["State"] = "ACTIVE"

    code, out = diff(variant(tmp_path, lambda items: insight(items, both)))
    assert code == 1
    assert '    response /Insight/State: A "CLOSED", B "ACTIVE"' in out
    assert "/Insight/TopAnomalousServices: the same 2 item(s) in another order" in out
    assert "TopAnomalousServices/0/ServiceId/Name" not in out


def test_json_keeps_the_reordered_lists_whole(tmp_path: Path) -> None:
    def reversed_services(found: dict[str, Any]) -> None:
        found["TopAnomalousServices"].reverse()

    b = variant(tmp_path, lambda items: insight(items, reversed_services))
    out = io.StringIO()
    assert run(["cassette", "diff", "--format", "json", str(SEED), str(b)], out, io.StringIO())
    (member,) = json.loads(out.getvalue())["changes"][0]["response"]
    original = json.loads(
        yaml.safe_load(SEED.read_text())["interactions"][0]["response"]["body"]["string"]
    )
    assert member["path"] == "/Insight/TopAnomalousServices"
    assert member["a"] == original["Insight"]["TopAnomalousServices"]
    assert member["b"] == copy.deepcopy(original["Insight"]["TopAnomalousServices"])[::-1]


def test_an_item_inserted_in_a_list_is_named_not_the_whole_list(tmp_path: Path) -> None:
    billing = {"ServiceId": {"Name": "billing", "Names": ["billing"], "Type": "AWS::Lambda"}}

    def inserted(found: dict[str, Any]) -> None:
        found["TopAnomalousServices"].insert(0, billing)

    code, out = diff(variant(tmp_path, lambda items: insight(items, inserted)))
    assert code == 1
    body = [line for line in out.splitlines() if line.startswith("    ")]
    assert body == [
        '    response /Insight/TopAnomalousServices/0: not A, B {"ServiceId": {"Name": '
        '"billing", "Names": ["billing"], "Type": "AWS::Lambda"}}'
    ], out


def test_an_item_dropped_from_a_list_is_named_by_its_index_in_a(tmp_path: Path) -> None:
    def dropped(found: dict[str, Any]) -> None:
        del found["TopAnomalousServices"][1]

    code, out = diff(variant(tmp_path, lambda items: insight(items, dropped)))
    assert code == 1
    body = [line for line in out.splitlines() if line.startswith("    ")]
    assert len(body) == 1 and body[0].startswith(
        '    response /Insight/TopAnomalousServices/1: A {"ServiceId": {"AccountId": '
    ), out
    assert '"Name": "notifications"' in body[0] and body[0].endswith(", not B"), out


def test_a_pull_request_comment_says_the_items_moved(tmp_path: Path) -> None:
    def reversed_services(found: dict[str, Any]) -> None:
        found["TopAnomalousServices"].reverse()

    b = variant(tmp_path, lambda items: insight(items, reversed_services))
    out = io.StringIO()
    assert run(["cassette", "diff", "--format", "markdown", str(SEED), str(b)], out, io.StringIO())
    assert (
        "  - response ` /Insight/TopAnomalousServices `: ` the same 2 item(s) in another order "
        "(B holds A's #1, #0) `\n"
    ) in out.getvalue(), out.getvalue()
