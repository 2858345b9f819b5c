"""Documented rules that JSON Schema can express but botocore's model lacks.

Each overlay quotes the sentence of the API reference page it comes from and is merged
on top of a generated schema as one entry of the root ``allOf``, tagged with
``x-overlay`` (its name), ``x-doc`` (the quote) and ``x-doc-source`` (the page). The
generated part of the schema is left untouched, so a reader, a diff or
``harness schemas check`` can always tell the model's constraints from the documented ones.

Overlays must not be lost silently when botocore's model changes: :func:`apply` fails
with :class:`OverlayError` when an overlay names a member the generated schema no longer
has, or when a value it documents (an enum value, a default, a map key) is no longer
valid under the model's own constraints.

Rules that compare fields or values (time windows, ordering, equal-length arrays,
echoes of request values) are not overlays: they belong to the contract checker. The values
an overlay states (periods, defaults, map keys) are the documented facts of
:mod:`harness.rules`; this module only says how they appear in JSON Schema.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from harness.errors import HarnessUsageError
from harness.rules import (
    INSIGHTS_DEFAULT_MAX_RESULTS,
    INSIGHTS_DIMENSION_KEYS,
    INSIGHTS_MAX_DIMENSIONS,
    METRIC_DEFAULT_DATA_TYPE,
    METRIC_DEFAULT_MAX_RESULTS,
    METRIC_DEFAULT_PERIOD,
    METRIC_PERIODS,
)

__all__ = ["OVERLAYS", "Overlay", "OverlayError", "apply", "overlays_for"]

JSON = dict[str, Any]


class OverlayError(HarnessUsageError):
    """An overlay no longer fits botocore's model: ``harness/overlays.py`` needs updating."""


@dataclass(frozen=True)
class Overlay:
    """One documented rule, as JSON Schema keywords added to a root ``allOf``."""

    name: str
    service: str
    operation: str
    direction: str  # "input" or "output"
    members: tuple[str, ...]  # root members the rule talks about: they must exist
    schema: Mapping[str, Any] = field(repr=False)
    quotes: tuple[str, ...]  # exact sentences (whitespace aside) from the doc page
    source: str  # doc page file name, under tests/reference_pages

    @property
    def doc(self) -> str:
        """The quoted documentation, as written into ``x-doc``."""
        return " … ".join(self.quotes)

    def entry(self) -> JSON:
        """The ``allOf`` entry this overlay contributes."""
        return {
            "x-overlay": self.name,
            "x-doc": self.doc,
            "x-doc-source": self.source,
            **copy.deepcopy(dict(self.schema)),
        }


_LIMD = "cloudtrail-list_insights_metric_data.txt"
_LID = "cloudtrail-list_insights_data.txt"

OVERLAYS: tuple[Overlay, ...] = (
    Overlay(
        name="period-values",
        service="cloudtrail",
        operation="ListInsightsMetricData",
        direction="input",
        members=("Period",),
        # The model only says 60..3600.
        schema={
            "properties": {
                "Period": {"enum": list(METRIC_PERIODS), "default": METRIC_DEFAULT_PERIOD}
            }
        },
        quotes=(
            "Valid values are 60, 300, and 3600. If you specify any other value, you will get "
            "an error. The default is 3600 seconds.",
        ),
        source=_LIMD,
    ),
    Overlay(
        name="error-code-required-for-error-rate",
        service="cloudtrail",
        operation="ListInsightsMetricData",
        direction="input",
        members=("InsightType", "ErrorCode"),
        schema={
            "if": {
                "properties": {"InsightType": {"const": "ApiErrorRateInsight"}},
                "required": ["InsightType"],
            },
            "then": {"required": ["ErrorCode"]},
        },
        quotes=(
            "If the InsightType is set to ApiErrorRateInsight, the request must also include "
            "the ErrorCode parameter.",
        ),
        source=_LIMD,
    ),
    Overlay(
        name="max-results-default",
        service="cloudtrail",
        operation="ListInsightsMetricData",
        direction="input",
        members=("MaxResults",),
        schema={"properties": {"MaxResults": {"default": METRIC_DEFAULT_MAX_RESULTS}}},
        quotes=("Valid values are integers from 1 to 21600. The default value is 21600.",),
        source=_LIMD,
    ),
    Overlay(
        name="data-type-default",
        service="cloudtrail",
        operation="ListInsightsMetricData",
        direction="input",
        members=("DataType",),
        schema={"properties": {"DataType": {"default": METRIC_DEFAULT_DATA_TYPE}}},
        quotes=("Valid values are NonZeroData and FillWithZeros. The default is NonZeroData.",),
        source=_LIMD,
    ),
    Overlay(
        name="error-code-only-for-error-rate",
        service="cloudtrail",
        operation="ListInsightsMetricData",
        direction="output",
        members=("InsightType", "ErrorCode"),
        schema={
            "if": {
                "properties": {"InsightType": {"not": {"const": "ApiErrorRateInsight"}}},
                "required": ["InsightType"],
            },
            "then": {"not": {"required": ["ErrorCode"]}},
        },
        quotes=("Only returned if InsightType parameter was set to ApiErrorRateInsight.",),
        source=_LIMD,
    ),
    Overlay(
        name="dimensions-one-item",
        service="cloudtrail",
        operation="ListInsightsData",
        direction="input",
        members=("Dimensions",),
        # botocore 1.44.5 models max 1 too; the overlay keeps the rule if the model drops it.
        schema={"properties": {"Dimensions": {"maxProperties": INSIGHTS_MAX_DIMENSIONS}}},
        quotes=("Contains a map of dimensions. Currently the map can contain only one item.",),
        source=_LID,
    ),
    Overlay(
        name="dimensions-keys",
        service="cloudtrail",
        operation="ListInsightsData",
        direction="input",
        members=("Dimensions",),
        # The model's ListInsightsDataDimensionKey enum agrees; apply() checks it still does.
        schema={
            "properties": {"Dimensions": {"propertyNames": {"enum": list(INSIGHTS_DIMENSION_KEYS)}}}
        },
        quotes=(
            "ListInsightsData supports the following Dimensions for Insights events:",
            "Event ID",
            "Event name",
            "Event source",
        ),
        source=_LID,
    ),
    Overlay(
        name="max-results-default",
        service="cloudtrail",
        operation="ListInsightsData",
        direction="input",
        members=("MaxResults",),
        schema={"properties": {"MaxResults": {"default": INSIGHTS_DEFAULT_MAX_RESULTS}}},
        quotes=(
            "The number of events to return. Possible values are 1 through 50. The default is 50.",
        ),
        source=_LID,
    ),
)


def overlays_for(service: str, operation: str, direction: str) -> list[Overlay]:
    """The overlays of one operation direction, in declaration order."""
    return [
        o
        for o in OVERLAYS
        if (o.service, o.operation, o.direction) == (service, operation, direction)
    ]


def apply(service: str, operation: str, direction: str, schema: JSON) -> JSON:
    """Return ``schema`` with the overlays of ``service:operation`` appended to ``allOf``.

    Raises :class:`OverlayError` when an overlay no longer fits the generated schema.
    """
    chosen = overlays_for(service, operation, direction)
    if not chosen:
        return schema
    merged = dict(schema)
    entries = list(merged.get("allOf", []))
    for overlay in chosen:
        _check_fits(overlay, schema)
        entries.append(overlay.entry())
    merged["allOf"] = entries
    return merged


def _where(overlay: Overlay) -> str:
    return (
        f"Overlay {overlay.name!r} of {overlay.service}:{overlay.operation} {overlay.direction} "
        f"(from {overlay.source})"
    )


def _check_fits(overlay: Overlay, schema: JSON) -> None:
    props = schema.get("properties", {})
    for member in overlay.members:
        if member not in props:
            raise OverlayError(
                f"{_where(overlay)} targets member {member!r}, which the model no longer has "
                f"(members now: {', '.join(sorted(props)) or 'none'}). botocore's model changed: "
                "update or remove the overlay in harness/overlays.py, then run "
                "'harness schemas generate'."
            )
    defs = schema.get("$defs", {})
    for member, label, value, target in _documented_values(overlay, props, defs):
        if not Draft202012Validator({"$defs": defs, **target}).is_valid(value):
            raise OverlayError(
                f"{_where(overlay)} documents {label} {value!r} for member {member!r}, but "
                "the model's constraints no longer allow it. botocore's model changed: "
                "check the API reference and update harness/overlays.py."
            )


def _resolve(schema: JSON, defs: JSON) -> JSON:
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        resolved: JSON = defs.get(ref.removeprefix("#/$defs/"), {})
        return resolved
    return schema


def _documented_values(
    overlay: Overlay, props: JSON, defs: JSON
) -> Iterator[tuple[str, str, Any, JSON]]:
    """The concrete values an overlay documents, each with the generated schema it must fit."""
    for member, sub in overlay.schema.get("properties", {}).items():
        generated = props[member]
        for value in sub.get("enum", []):
            yield member, "value", value, generated
        if "default" in sub:
            yield member, "default", sub["default"], generated
        names = _resolve(generated, defs).get("propertyNames", {})
        for key in sub.get("propertyNames", {}).get("enum", []):
            yield member, "map key", key, names
