"""The day a call was made, for writing its run's dates ``*`` in the policy: the harness's
own cassettes keep no signature (no ``X-Amz-Date``), so a response without a ``Date``
header left the recording day in the policy, and it held only on that day. The
``recorded_at`` of the call's ``harness`` tag says when it was made."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import yaml

from harness.cli import run

DAY = "2026-11-29"


def cassette(tmp_path: Path, tag: dict[str, Any], response_headers: dict[str, Any]) -> Path:
    put = {
        "harness": {"service": "s3", "operation": "PutObject", "region": "us-east-1", **tag},
        "request": {
            "method": "PUT",
            "uri": f"https://lake.s3.us-east-1.amazonaws.com/clicks/dt%3D{DAY}/part-1.json",
            "headers": {"Content-Type": ["application/json"]},
            "body": "{}",
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"ETag": ['"99914b932bd37a50b983c5e7c90ae93b"'], **response_headers},
            "body": {"string": ""},
        },
    }
    path = tmp_path / "cassettes" / "a.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"interactions": [put], "version": 1}, sort_keys=False))
    return path.parent


def resources(folder: Path) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", str(folder)], out, err) == 0, err.getvalue()
    (statement,) = json.loads(out.getvalue())["Statement"]
    return list(statement["Resource"])


def test_the_recording_time_of_the_tag_stands_for_the_call_time(tmp_path: Path) -> None:
    folder = cassette(tmp_path, {"recorded_at": f"{DAY}T08:49:20Z"}, {})
    assert resources(folder) == ["arn:aws:s3:::lake/clicks/dt=*/part-1.json"]


def test_the_response_date_still_serves_without_the_tag_time(tmp_path: Path) -> None:
    folder = cassette(tmp_path, {}, {"Date": ["Sun, 29 Nov 2026 08:49:20 GMT"]})
    assert resources(folder) == ["arn:aws:s3:::lake/clicks/dt=*/part-1.json"]


def test_with_no_time_of_the_call_the_day_is_a_name(tmp_path: Path) -> None:
    folder = cassette(tmp_path, {}, {})
    assert resources(folder) == [f"arn:aws:s3:::lake/clicks/dt={DAY}/part-1.json"]


def test_a_recording_time_written_as_a_yaml_timestamp_serves_too(tmp_path: Path) -> None:
    import datetime as dt

    when = dt.datetime(2026, 11, 29, 8, 49, 20)  # dumped unquoted: read back as a timestamp
    folder = cassette(tmp_path, {"recorded_at": when}, {})
    assert "recorded_at: 2026-11-29 08:49:20" in (folder / "a.yaml").read_text()
    assert resources(folder) == ["arn:aws:s3:::lake/clicks/dt=*/part-1.json"]
