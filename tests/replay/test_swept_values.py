"""The rule of ``swept_values``: a value sent in clear meets the placeholder its recording
was swept to only when the test made it up, the placeholder stands for no live value yet,
and exactly one reading of the request finds a recording."""

from __future__ import annotations

import uuid
from typing import Any

from harness.aws.protocols import wire_form as wire
from harness.exchange import Exchange
from harness.replay.matching import MatchIndex
from harness.replay.swept_values import SweptValues
from harness.secrets import shapes
from harness.secrets.vault import Ties, Vault

SWEPT = "REDACTEDscrt0004"
#: written in this source: a value a test states is no value made up per run
WRITTEN_KEY = "invoices/0d4c2a9e-6f1b-4c8e-9a7d-3b5e1f2c8a60.json"


def _head(params: dict[str, Any]) -> Exchange:
    request = wire.encode_request("s3", "HeadObject", params)
    response = wire.encode_response("s3", "HeadObject", {})
    return Exchange("s3", "HeadObject", request, response, "cassette", params)


def _swept(
    recorded: list[dict[str, Any]],
    known: dict[str, str] | None = None,
    shape_of: dict[str, Any] | None = None,
) -> tuple[SweptValues, MatchIndex, Vault]:
    index = MatchIndex()
    for n, params in enumerate(recorded):
        index.add(n, _head(params))
    vault = Vault()
    vault.seed_numbers({"secret": 5})  # (live placeholders after the cassette's)
    shape = shapes.describe(f"invoices/{uuid.uuid4()}.json")
    found = {SWEPT: shape, "REDACTEDscrt0001": shape, **(shape_of or {})}
    where = known or {}
    swept = SweptValues(index, vault, shape_of=found.get, known=lambda value: where.get(value))
    return swept, index, vault


def _take(swept: SweptValues, params: dict[str, Any]) -> tuple[int, Exchange] | None:
    request = wire.encode_request("s3", "HeadObject", params)
    return swept.take("s3", "HeadObject", params, request, None, None)


def test_a_made_up_value_meets_the_placeholder_and_becomes_a_secret_of_the_run() -> None:
    swept, index, vault = _swept([{"Bucket": "claims", "Key": SWEPT}])
    key = f"invoices/{uuid.uuid4()}.json"
    found = _take(swept, {"Bucket": "claims", "Key": key})
    assert found is not None and found[0] == 0
    live = vault.placeholder(key, "secret")
    assert live != SWEPT and index.binding.recorded_to_live[SWEPT] == live
    assert index.binding.live_of(SWEPT, vault) == key  # (responses give it back)


def test_a_value_written_in_the_source_is_not_met() -> None:
    swept, index, _ = _swept(
        [{"Bucket": "claims", "Key": SWEPT}], known={WRITTEN_KEY: "written in this test"}
    )
    assert _take(swept, {"Bucket": "claims", "Key": WRITTEN_KEY}) is None
    assert "written in this test" in swept.refusals[-1]
    assert not index.binding.recorded_to_live and not index.was_used(0)


def test_a_made_up_part_written_in_the_source_is_not_met() -> None:
    part = WRITTEN_KEY.split("/")[1].removesuffix(".json")
    swept, _, _ = _swept([{"Bucket": "claims", "Key": SWEPT}], known={part: "written here"})
    assert _take(swept, {"Bucket": "claims", "Key": WRITTEN_KEY}) is None


def test_a_placeholder_recorded_as_a_literal_of_the_source_is_not_met() -> None:
    literal = {**shapes.describe(WRITTEN_KEY), "literal": "0123456789abcdef0123"}
    swept, _, _ = _swept([{"Bucket": "claims", "Key": SWEPT}], shape_of={SWEPT: literal})
    assert _take(swept, {"Bucket": "claims", "Key": f"invoices/{uuid.uuid4()}.json"}) is None


def test_a_placeholder_tied_already_is_not_met() -> None:
    swept, index, _ = _swept([{"Bucket": "claims", "Key": SWEPT}])
    index.binding.tie(Ties(placeholders={SWEPT: "REDACTEDscrt0005"}))
    assert _take(swept, {"Bucket": "claims", "Key": f"invoices/{uuid.uuid4()}.json"}) is None
    assert not index.was_used(0)


def test_a_live_value_tied_already_is_not_met_again() -> None:
    swept, index, _ = _swept([{"Bucket": "claims", "Key": SWEPT}])
    key = f"invoices/{uuid.uuid4()}.json"
    index.binding.tie(Ties(placeholders={"REDACTEDscrt0009": key}))
    assert _take(swept, {"Bucket": "claims", "Key": key}) is None


def test_one_live_value_never_stands_for_two_placeholders() -> None:
    swept, _, _ = _swept([{"Bucket": "REDACTEDscrt0001", "Key": SWEPT}])
    value = f"claims-{uuid.uuid4()}"
    assert _take(swept, {"Bucket": value, "Key": value}) is None


def test_two_values_meet_two_placeholders_together() -> None:
    swept, index, _ = _swept(
        [{"Bucket": "REDACTEDscrt0001", "Key": SWEPT}],
        shape_of={"REDACTEDscrt0001": shapes.describe(f"claims-{uuid.uuid4()}")},
    )
    bucket, key = f"claims-{uuid.uuid4()}", f"invoices/{uuid.uuid4()}.json"
    assert _take(swept, {"Bucket": bucket, "Key": key}) is not None
    assert set(index.binding.recorded_to_live) == {"REDACTEDscrt0001", SWEPT}


def test_a_value_of_another_shape_or_not_made_up_is_not_met() -> None:
    swept, _, _ = _swept([{"Bucket": "claims", "Key": SWEPT}])
    assert _take(swept, {"Bucket": "claims", "Key": f"invoices/{uuid.uuid4()}.jsonl"}) is None
    assert "another shape" in swept.refusals[-1]
    assert _take(swept, {"Bucket": "claims", "Key": "invoices/march-2026.json"}) is None


def test_two_readings_that_find_a_recording_are_refused() -> None:
    bucket, key = f"claims-{uuid.uuid4()}", f"invoices/{uuid.uuid4()}.json"
    swept, _, _ = _swept(
        [{"Bucket": bucket, "Key": SWEPT}, {"Bucket": "REDACTEDscrt0001", "Key": key}],
        shape_of={"REDACTEDscrt0001": shapes.describe(bucket)},
    )
    assert _take(swept, {"Bucket": bucket, "Key": key}) is None
    assert "2 readings" in swept.refusals[-1]


def test_a_made_up_part_meets_the_placeholder_swept_inside_a_value() -> None:
    # (the sweep replaced the uuid, a secret leaf, inside a key it did not find whole)
    part = str(uuid.uuid4())
    swept, index, _ = _swept(
        [{"Bucket": "claims", "Key": f"invoices/{SWEPT}.json"}],
        shape_of={SWEPT: shapes.describe(str(uuid.uuid4()))},
    )
    assert _take(swept, {"Bucket": "claims", "Key": f"invoices/{part}.json"}) is not None
    assert index.binding.live_to_recorded[part] == SWEPT
