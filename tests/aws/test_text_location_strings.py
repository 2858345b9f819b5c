"""Strings for a URI, query or header member are drawn from printable ASCII, not filtered
down to it: an ARN pattern of ``[^:]+`` parts drawn from all of Unicode was ASCII about once
in thousands of tries (connectcampaignsv2 TagResource's URI label took 10-20 s to draw five
requests, and the slow sweep once gave up with Unsatisfiable)."""

from __future__ import annotations

import re

from hypothesis import given, settings

from harness.aws import shapes
from harness.aws.models import operation_model

ARN = operation_model("connectcampaignsv2", "TagResource").input_shape.members["arn"]


# Hypothesis's own health checks stay on: filter_too_much fails the old way of drawing
@settings(max_examples=25, derandomize=True, database=None, deadline=None)
@given(shapes.string_value(ARN, location="uri"))
def test_a_uri_arn_is_drawn_as_printable_ascii_matching_its_pattern(text: str) -> None:
    assert text.isascii() and text.isprintable() and text == text.strip()
    assert re.fullmatch(ARN.metadata["pattern"], text)
    assert ARN.metadata["min"] <= len(text) <= ARN.metadata["max"]


# printable ASCII cannot hold "é": drawn freely, and the location's filter decides
@settings(max_examples=5, derandomize=True, database=None, deadline=None)
@given(shapes._from_regex(re.compile("café-[a-z]+"), "header"))
def test_a_pattern_with_a_literal_beyond_ascii_is_still_drawn_for_a_header(text: str) -> None:
    assert re.fullmatch("café-[a-z]+", text)
