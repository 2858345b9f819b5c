"""``harness serve`` as a real subprocess, driven over HTTP by boto3 and by raw urllib."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"  # many events with seed 7
METRIC = {"EventSource": "s3.amazonaws.com", "EventName": "PutObject",
          "InsightType": "ApiCallRateInsight"}  # fmt: skip


def _start(*extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    return process, url


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    process.send_signal(sig)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, stderr


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = _start("--seed", "7")
    try:
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        if process.poll() is None:
            code, stderr = _stop(process)
            assert code == 0, stderr
            assert "Traceback" not in stderr


def client(url: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),  # show errors, not retries
    )


def test_all_five_operations_over_http(server: str) -> None:
    xray = client(server, "xray")
    insight = xray.get_insight(InsightId=INSIGHT)["Insight"]
    assert insight["InsightId"] == INSIGHT and insight["State"] in ("ACTIVE", "CLOSED")
    events = xray.get_insight_events(InsightId=INSIGHT)["InsightEvents"]
    assert events and all(insight["StartTime"] <= e["EventTime"] for e in events)
    trail = client(server, "cloudtrail")
    assert "Events" in trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents")
    series = trail.list_insights_metric_data(**METRIC, Period=300, DataType="FillWithZeros")
    assert len(series["Timestamps"]) == len(series["Values"]) > 0
    event = client(server, "internetmonitor").get_internet_event(EventId="evt-42")
    assert event["EventId"] == "evt-42" and event["EventStatus"] in ("ACTIVE", "RESOLVED")


def test_same_seed_answers_the_same_as_in_process(server: str) -> None:
    from harness.synthetic import SyntheticBackend

    over_http = client(server, "xray").get_insight(InsightId=INSIGHT)["Insight"]
    local = SyntheticBackend(seed=7).world().insight(INSIGHT)
    assert over_http["StartTime"] == local["StartTime"]
    assert over_http["Summary"] == local["Summary"]


def test_pagination_and_a_token_sent_with_other_parameters(server: str) -> None:
    trail = client(server, "cloudtrail")
    pages = list(
        trail.get_paginator("list_insights_data").paginate(
            InsightSource=TRAIL, DataType="InsightsEvents", PaginationConfig={"PageSize": 25}
        )
    )
    ids = [e["EventId"] for p in pages for e in p["Events"]]
    assert len(pages) > 2 and len(ids) == len(set(ids))
    token = pages[0]["NextToken"]
    with pytest.raises(ClientError) as caught:
        trail.list_insights_data(InsightSource=TRAIL + "-other", DataType="InsightsEvents",
                                 NextToken=token)  # fmt: skip
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("cloudtrail", lambda c: c.list_insights_metric_data(**METRIC, Period=120),
         "InvalidParameterException"),
        ("cloudtrail", lambda c: c.list_insights_data(
            InsightSource=TRAIL, DataType="InsightsEvents",
            Dimensions={"EventName": "PutObject", "EventSource": "s3.amazonaws.com"}),
         "InvalidParameterException"),
        ("xray", lambda c: c.get_insight(InsightId="not-a-uuid"), "InvalidRequestException"),
        ("xray", lambda c: c.get_insight_events(InsightId=INSIGHT, NextToken="forged"),
         "InvalidRequestException"),
        ("internetmonitor", lambda c: c.get_internet_event(EventId="___"),
         "ValidationException"),
    ],
)  # fmt: skip
def test_invalid_parameters_raise_the_documented_client_error(
    server: str, service: str, call: Any, code: str
) -> None:
    with pytest.raises(ClientError) as caught:
        call(client(server, service))
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_short_cloudtrail_target_from_a_raw_post(server: str) -> None:
    body = json.dumps({"InsightSource": TRAIL, "DataType": "InsightsEvents", "MaxResults": 3})
    request = urllib.request.Request(
        server + "/",
        data=body.encode(),
        method="POST",
        headers={"X-Amz-Target": "CloudTrail_20131101.ListInsightsData",
                 "Content-Type": "application/x-amz-json-1.1"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        answer = json.loads(response.read())
    assert len(answer["Events"]) == 3 and "NextToken" in answer
    long_form = client(server, "cloudtrail").list_insights_data(
        InsightSource=TRAIL, DataType="InsightsEvents", MaxResults=3
    )
    assert [e["EventId"] for e in long_form["Events"]] == [e["EventId"] for e in answer["Events"]]


def test_unknown_operation_gets_a_clear_error_not_a_crash(server: str) -> None:
    request = urllib.request.Request(
        server + "/", data=b"{}", method="POST",
        headers={"X-Amz-Target": "CloudTrail_20131101.DescribeTrails"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 501
    body = json.loads(caught.value.read())
    assert body["__type"] == "NotImplemented" and "cloudtrail:ListInsightsData" in body["Message"]


def test_faults_option_and_sigint_exit_cleanly() -> None:
    process, url = _start("--faults", "throttle_every=2")
    try:
        xray = client(url, "xray")
        xray.get_insight(InsightId=INSIGHT)
        with pytest.raises(ClientError) as caught:
            xray.get_insight(InsightId=INSIGHT)
        assert caught.value.response["Error"]["Code"] == "ThrottledException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    finally:
        code, stderr = _stop(process, signal.SIGINT)
    assert code == 0 and "Traceback" not in stderr


def test_bad_options_exit_2_with_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness", "serve", "--faults", "throtle_every=2"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "Did you mean 'throttle_every'?" in result.stderr and "Traceback" not in result.stderr


def test_loopback_server_answers_without_waiting_for_delayed_acks() -> None:
    import socket

    from harness.exchange import HttpResponse
    from harness.serve.http import LoopbackServer

    seen: list[int] = []

    def handler(request: Any) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": "text/plain"}, b"ok")

    # The server socket's accepted connections must set TCP_NODELAY (StreamRequestHandler's
    # disable_nagle_algorithm): without it every keep-alive request stalls ~40 ms.
    with LoopbackServer(handler) as server:
        port = int(server.endpoint_url.rsplit(":", 1)[1])
        original = socket.socket.setsockopt

        def spy(self: socket.socket, level: int, option: int, value: Any) -> None:
            if level == socket.IPPROTO_TCP and option == socket.TCP_NODELAY:
                seen.append(self.getsockname()[1])  # the server side has the server's port
            original(self, level, option, value)

        socket.socket.setsockopt = spy  # type: ignore[method-assign]
        try:
            with urllib.request.urlopen(server.endpoint_url + "/", timeout=10) as response:
                assert response.read() == b"ok"
        finally:
            socket.socket.setsockopt = original  # type: ignore[method-assign]
    assert port in seen


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_share_the_port_and_count_faults_as_one_server() -> None:
    process, url = _start("--workers", "3", "--faults", "throttle_every=3")
    try:
        assert len(_children(process.pid)) == 2  # this process and two forked ones
        codes = []
        for _ in range(12):  # a new connection each: any process may take it
            request = urllib.request.Request(
                f"{url}/Insight",
                data=json.dumps({"InsightId": INSIGHT}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    codes.append(answer.status)
            except urllib.error.HTTPError as error:
                codes.append(error.code)
        # every third request of the whole server, whichever process answered it
        assert codes == [200, 200, 429] * 4
    finally:
        code, stderr = _stop(process)
    assert code == 0 and "Traceback" not in stderr
    assert _children(process.pid) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_leave_when_their_parent_is_killed() -> None:
    process, _ = _start("--workers", "2")
    children = _children(process.pid)
    assert len(children) == 1
    process.kill()
    process.wait(timeout=10)
    for _ in range(100):  # a worker checks on its parent twice a second
        if not Path(f"/proc/{children[0]}").exists():
            break
        time.sleep(0.05)
    else:
        pytest.fail("a worker outlived its killed parent")


def test_shared_counters_number_every_request_once_across_processes() -> None:
    import multiprocessing

    from harness.synthetic.counters import SharedCounters

    global _COUNTERS
    _COUNTERS = SharedCounters([("op", 2)])  # forked workers inherit it (as serve's do)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        numbers = pool.map(_take_numbers, range(4))
        admitted = pool.map(_admit_at_1000, range(4))
    assert sorted(n for chunk in numbers for n in chunk) == list(range(1, 401))
    assert sum(admitted) == 2  # two a second for the whole server, not per process
    assert _COUNTERS.admit("op", 2, 1001.0)  # a second later: room again


_COUNTERS: Any = None


def _take_numbers(_: int) -> list[int]:
    return [_COUNTERS.next_request() for _ in range(100)]


def _admit_at_1000(_: int) -> bool:
    return bool(_COUNTERS.admit("op", 2, 1000.0))


@pytest.mark.parametrize("workers", ["0", "65"])
def test_workers_out_of_range_exit_2(workers: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness", "serve", "--workers", workers],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "--workers 1..64" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--max-connections", "0", "--max-connections 1..4096"),
        ("--request-timeout", "0", "--request-timeout 0"),
        ("--idle-timeout", "-1", "--idle-timeout -1"),
        ("--body-budget", "0", "--body-budget 1..4096"),
    ],
)
def test_limits_out_of_range_exit_2(option: str, value: str, says: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness", "serve", option, value],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
