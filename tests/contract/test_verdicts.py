"""The verdict cache: a replayed exchange is judged once, and no change ever hides.

Every test checks through the public ``check_all`` and counts the cache's hits, so what is
proven is what the plugin and ``harness check`` do.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness.contract.checker import VERDICTS, check_all
from harness.contract.schemas import generate as schemagen
from harness.contract.verdicts import MAX_BODY, VerdictCache
from tests.support.synthetic_exchanges import broken, build, valid_exchange

# Made at import: the synthetic engine's exchanges are checked clean as they are made, and
# the cache counts below must not see that (each test starts from an empty cache).
CLEAN = valid_exchange("xray", "GetInsight")
CLOSED_WITHOUT_END = dataclasses.replace(
    broken("xray.GetInsight.closed-iff-end-time"), cassette="a.yaml", index=3
)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    VERDICTS.clear()


def test_the_same_bytes_are_judged_once_and_named_where_they_are() -> None:
    first = CLOSED_WITHOUT_END
    again = dataclasses.replace(first, cassette="b.yaml", index=7, source="replayed")
    verdict = check_all([first]).violations
    assert [v.rule for v in verdict] == ["xray.GetInsight.closed-iff-end-time"]
    assert (VERDICTS.hits, VERDICTS.misses) == (0, 1)
    replayed = check_all([again]).violations
    assert VERDICTS.hits == 1
    assert [(v.rule, v.cassette, v.index) for v in replayed] == [
        ("xray.GetInsight.closed-iff-end-time", "b.yaml", 7)
    ]
    assert [dataclasses.replace(v, cassette="a.yaml", index=3) for v in replayed] == verdict


def test_one_changed_byte_is_judged_afresh() -> None:
    clean = CLEAN
    assert check_all([clean]).violations == []
    body = json.loads(clean.response.body)
    # the other state, EndTime as it was: a broken rule
    body["Insight"]["State"] = {"ACTIVE": "CLOSED", "CLOSED": "ACTIVE"}[body["Insight"]["State"]]
    changed = dataclasses.replace(
        clean, response=dataclasses.replace(clean.response, body=json.dumps(body).encode())
    )
    assert [v.rule for v in check_all([changed]).violations] == [
        "xray.GetInsight.closed-iff-end-time"
    ]
    assert (VERDICTS.hits, VERDICTS.misses) == (0, 2)
    # a request header (the time a rule may read) is part of the key too
    later = dataclasses.replace(
        clean,
        request=dataclasses.replace(
            clean.request, headers={**clean.request.headers, "X-Amz-Date": "20300101T000000Z"}
        ),
    )
    check_all([later])
    assert VERDICTS.hits == 0


def test_another_schema_source_is_judged_afresh(tmp_path: Path) -> None:
    clean = CLEAN
    assert check_all([clean]).violations == []
    # a user's schema for the same operation that forbids the response's State value
    state = json.loads(clean.response.body)["Insight"]["State"]
    other = {"ACTIVE": "CLOSED", "CLOSED": "ACTIVE"}[state]
    _, output = schemagen.operation_schemas("xray", "GetInsight")
    text = json.dumps(output).replace('"ACTIVE", "CLOSED"', f'"{other}"')
    assert text != json.dumps(output)
    (tmp_path / "xray").mkdir()
    (tmp_path / "xray" / "GetInsight.output.json").write_text(text)
    found = check_all([clean], schema_dir=tmp_path).violations
    assert VERDICTS.hits == 0
    assert [v.pointer for v in found] == ["/response/Insight/State"]


def test_settings_apply_to_remembered_verdicts() -> None:
    exchange = CLOSED_WITHOUT_END
    check_all([exchange])
    rule = "xray.GetInsight.closed-iff-end-time"
    assert check_all([exchange], rules={rule: "off"}).violations == []
    graded = check_all([exchange], rules={rule: "warning"}).violations
    assert [(v.rule, v.severity) for v in graded] == [(rule, "warning")]
    assert VERDICTS.hits == 2


def test_the_cache_is_bounded_and_skips_large_bodies() -> None:
    cache: VerdictCache[int] = VerdictCache(limit=2)
    exchanges = [
        build("xray", "GetInsight", {"InsightId": f"{i:08x}-0000-4000-8000-000000000000"}, {})
        for i in range(3)
    ]
    for number, exchange in enumerate(exchanges):
        assert cache.get_or_compute("s", exchange, lambda n=number: n) == (number, False)
    assert cache.get_or_compute("s", exchanges[2], lambda: -1) == (2, True)
    assert cache.get_or_compute("s", exchanges[0], lambda: -1) == (-1, False)  # evicted
    big = dataclasses.replace(
        exchanges[0], response=dataclasses.replace(exchanges[0].response, body=b" " * MAX_BODY * 2)
    )
    assert cache.get_or_compute("s", big, lambda: 5) == (5, False)
    assert cache.get_or_compute("s", big, lambda: 6) == (6, False)  # never kept
