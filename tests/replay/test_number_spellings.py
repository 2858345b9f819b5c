"""A float or double member holding a whole number is one value however the client writes
it (issue 59): botocore sends Python's ``10.0`` as ``10.0``, while the AWS SDK for Go v1, the
JavaScript SDK v3 and any SDK that writes a double's shortest form send ``10``. The same
request missed the Python recording (``/Threshold: recorded 10.0, sent 10``), in process and
over ``harness serve``. Decided from the model's member types
(``harness.replay.number_spellings``)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from harness.replay.miss_report import CassetteMiss
from harness.replay.number_spellings import one_spelling
from harness.replay.recorder import CassetteRecorder
from tests.support.cassette_serving import client, serving
from tests.support.moto_server import moto_server

ALARM = {
    "AlarmName": "busy", "Namespace": "store", "MetricName": "sales", "Statistic": "Sum",
    "Period": 60, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold",
}  # fmt: skip


def test_a_whole_double_has_one_spelling_and_other_members_keep_theirs() -> None:
    put = {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": 3, "Counts": [1, 2.5]}]}
    assert one_spelling("cloudwatch", "PutMetricData", put) == {
        "Namespace": "n", "MetricData": [{"MetricName": "m", "Value": 3.0, "Counts": [1.0, 2.5]}]
    }  # fmt: skip
    alarm = {**ALARM, "Threshold": 10}
    spelled = one_spelling("cloudwatch", "PutMetricAlarm", alarm)
    assert spelled["Threshold"] == 10.0 and isinstance(spelled["Threshold"], float)
    assert isinstance(spelled["Period"], int)  # an integer member stays an integer
    # an operation with no float or double member: the same dict, not walked
    listing = {"Namespace": "n"}
    assert one_spelling("cloudwatch", "ListMetrics", listing) is listing
    # a DynamoDB number is a string on the wire: nothing to do (and its shapes are recursive)
    item = {"TableName": "t", "Item": {"n": {"N": "10"}, "m": {"M": {"x": {"N": "1.0"}}}}}
    assert one_spelling("dynamodb", "PutItem", item) is item


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An alarm and a data point recorded as botocore sends Python's ``10.0`` and ``3``."""
    folder = tmp_path_factory.mktemp("numbers") / "cassettes"
    with moto_server() as moto:
        recorder = CassetteRecorder(folder / "alarm.yaml", "all")
        with recorder.activate():
            cloudwatch = client("cloudwatch", moto)
            cloudwatch.put_metric_alarm(**ALARM, Threshold=10.0)
            cloudwatch.put_metric_data(
                Namespace="store", MetricData=[{"MetricName": "sales", "Value": 3}]
            )
        recorder.save()
    return folder


def test_a_whole_double_replays_in_process_however_it_is_written(cassettes: Path) -> None:
    recorder = CassetteRecorder(cassettes / "alarm.yaml", "none")
    with recorder.activate():
        cloudwatch = client("cloudwatch", "http://127.0.0.1:9")
        cloudwatch.put_metric_alarm(**ALARM, Threshold=10)  # recorded 10.0
        cloudwatch.put_metric_data(
            Namespace="store", MetricData=[{"MetricName": "sales", "Value": 3.0}]
        )  # recorded 3
        with pytest.raises(CassetteMiss, match="Threshold"):  # another value still misses
            cloudwatch.put_metric_alarm(**ALARM, Threshold=10.5)


def _query(url: str, fields: dict[str, str]) -> tuple[int, str]:
    """A CloudWatch query request as an SDK older than its json sends it (the Go SDK v1)."""
    request = urllib.request.Request(
        url, data=urlencode({"Version": "2010-08-01", **fields}).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_whole_double_replays_over_serve_as_the_go_sdk_writes_it(cassettes: Path) -> None:
    fields = {"Action": "PutMetricAlarm", **{k: str(v) for k, v in ALARM.items()}}
    with serving("--cassettes", cassettes) as server:
        status, said = _query(server.url, {**fields, "Threshold": "10"})  # Go's "%g" of 10.0
        assert status == 200 and "<PutMetricAlarmResponse" in said, said
        data = {"Action": "PutMetricData", "Namespace": "store",
                "MetricData.member.1.MetricName": "sales",
                "MetricData.member.1.Value": "3"}  # fmt: skip
        status, said = _query(server.url, data)
        assert status == 200 and "<PutMetricDataResponse" in said, said
