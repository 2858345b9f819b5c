"""Unit tests of schema generation: patterns, shape mapping, locations, overlays, errors."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from botocore.model import ServiceModel
from jsonschema import Draft202012Validator

from harness import ops
from harness.aws import models
from harness.contract.schemas import generate as schemagen
from harness.contract.schemas import overlays
from harness.contract.schemas import store as schemastore
from harness.errors import HarnessUsageError, UnsupportedProtocolError
from tests.support.docs_pages import normalize, page_text

JSON = dict[str, Any]

# -- patterns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("^[a-z]+$", "^[a-z]+$"),
        (r"\A[a-z]+\Z", "^[a-z]+$"),
        (r"^\d{12}$", "^[0-9]{12}$"),
        (r"[\w-]+", r"[A-Za-z0-9_-]+"),
        (r"^[a-zA-Z0-9\s-_()\[\]]+$", r"^[a-zA-Z0-9\t\n\v\f\r \-_\(\)\[\]]+$"),
        (r"[A-Za-z0-9_\-\ ]+", r"[A-Za-z0-9_\- ]+"),
        (r"^\w+\:\/\/.*$", r"^[A-Za-z0-9_]+:\/\/.*$"),
        ("a*+b++c?+", "a*b+c?"),
        ("(?>ab|a)c", "(?:ab|a)c"),
        ("(?i)ab-1", "[aA][bB]-1"),
        ("(?i)[a-c_]", "[a-cA-C_]"),
        ("x(?i:y)z", "x(?:[yY])z"),
        ("(?s).+", r"[\s\S]+"),
        ("(?P<n>a)(?<m>b)", "(a)(b)"),
        (r"\p{XDigit}{8}", "[0-9a-fA-F]{8}"),
        (r"\p{Print}+", "[ -~]+"),
        (r"[^\p{Cntrl}]*", r"[^\x00-\x1F\x7F]*"),
        ("a{,3}", "a{0,3}"),
        ("{abc}", r"\{abc\}"),
        (r"\Qa.b\E", r"a\.b"),
        (r"[&&a]", None),
        (r"[\p{L}\p{N}]+", None),
        (r"\P{C}+", None),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF]*", None),
        ("^a*${2,64}$", None),
        ("[a-z[0-9]]", None),
        ("(?m)^a$", None),
    ],
)
def test_translate_pattern(original: str, expected: str | None) -> None:
    translated, reason = schemagen.translate_pattern(original)
    assert translated == expected
    if translated is None:
        assert reason
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(translated)
        assert schemagen.ecma_incompatibilities(translated) == []


def test_incompatibility_lint_finds_each_construct() -> None:
    for pattern in [
        "(?P<a>x)",
        "(?i)x",
        "(?>x)",
        r"\Ax",
        r"\p{L}",
        "a++",
        "[a&&b]",
        r"a\_b",
        "a{,2}",
    ]:
        assert schemagen.ecma_incompatibilities(pattern), pattern


def _all_model_patterns() -> list[str]:
    found: set[str] = set()
    for service in models.supported_services():
        model = models.service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            if "pattern" in shape.metadata:
                found.add(shape.metadata["pattern"])
    return sorted(found)


def test_every_model_pattern_translates_or_is_annotated() -> None:
    dropped = 0
    for pattern in _all_model_patterns():
        translated, reason = schemagen.translate_pattern(pattern)
        if translated is None:
            dropped += 1
            assert reason
            continue
        re.compile(translated)
        assert not schemagen.ecma_incompatibilities(translated), pattern
    # A translator that gave up on everything would pass the loop above.
    assert dropped < 300


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for a real ECMA-262 engine")
def test_translated_patterns_compile_in_ecma262(tmp_path: Path) -> None:
    translated = [schemagen.translate_pattern(p)[0] for p in _all_model_patterns()]
    patterns = [p for p in translated if p is not None]
    patterns += [schemagen.ISO8601_PATTERN, schemagen.RFC822_PATTERN, schemagen.BASE64_PATTERN]
    (tmp_path / "p.json").write_text(json.dumps(patterns))
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(process.argv[1]));"
        "const bad = ps.filter(p => { try { new RegExp(p, 'u'); return false; }"
        " catch (e) { return true; } });"
        "console.log(JSON.stringify(bad));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(tmp_path / "p.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == []


# -- a synthetic service exercising every mapping -----------------------------------------

FAKE: JSON = {
    "metadata": {
        "apiVersion": "2020-01-01",
        "protocol": "rest-json",
        "serviceId": "Fake",
        "endpointPrefix": "fake",
        "signatureVersion": "v4",
        "uid": "fake-2020-01-01",
    },
    "operations": {
        "PutThing": {
            "name": "PutThing",
            "http": {"method": "PUT", "requestUri": "/things/{Name}"},
            "input": {"shape": "PutThingRequest"},
            "output": {"shape": "PutThingResponse"},
            "errors": [{"shape": "Conflict"}],
            "documentation": "<p>Puts a <b>thing</b> &amp; more. Second sentence.</p>",
        },
        "Ping": {"name": "Ping", "http": {"method": "GET", "requestUri": "/ping"}},
    },
    "shapes": {
        "PutThingRequest": {
            "type": "structure",
            "required": ["Name", "Node"],
            "members": {
                "Name": {"shape": "Name", "location": "uri", "locationName": "Name"},
                "Limit": {"shape": "Int", "location": "querystring", "locationName": "limit"},
                "Tags": {"shape": "StrList", "location": "querystring", "locationName": "tag"},
                "Since": {"shape": "Time", "location": "querystring", "locationName": "since"},
                "Modified": {
                    "shape": "Time",
                    "location": "header",
                    "locationName": "If-Modified-Since",
                },
                "Meta": {"shape": "StrMap", "location": "headers", "locationName": "x-amz-meta-"},
                "Ctx": {
                    "shape": "Str",
                    "location": "header",
                    "locationName": "X-Ctx",
                    "jsonvalue": True,
                },
                "Node": {"shape": "Node", "locationName": "node"},
                "Created": {"shape": "IsoTime"},
                "Data": {"shape": "Bytes"},
                "Doc": {"shape": "Doc"},
                "Choice": {"shape": "Choice"},
                "Sparse": {"shape": "SparseList"},
                "Ratio": {"shape": "Ratio"},
                "Flag": {"shape": "Bool"},
                "Kind": {"shape": "Kind"},
            },
        },
        "PutThingResponse": {
            "type": "structure",
            "payload": "Body",
            "members": {
                "Status": {"shape": "Int", "location": "statusCode"},
                "ETag": {"shape": "Str", "location": "header", "locationName": "ETag"},
                "Body": {"shape": "Bytes"},
            },
        },
        "Conflict": {
            "type": "structure",
            "exception": True,
            "error": {"code": "ThingConflict", "httpStatusCode": 409, "senderFault": True},
            "members": {"Reason": {"shape": "Str"}},
            "documentation": "<p>The thing exists.</p>",
        },
        "Node": {
            "type": "structure",
            "members": {"Children": {"shape": "NodeList"}, "Label": {"shape": "Str"}},
        },
        "NodeList": {"type": "list", "member": {"shape": "Node"}, "max": 3},
        "Name": {"type": "string", "min": 1, "max": 8, "pattern": r"^[a-z\-]+$"},
        "Str": {"type": "string"},
        "Kind": {"type": "string", "enum": ["A", "B"]},
        "Int": {"type": "integer", "min": 1, "max": 100},
        "Ratio": {"type": "double", "min": 0, "max": 1},
        "Bool": {"type": "boolean"},
        "Time": {"type": "timestamp"},
        "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Bytes": {"type": "blob", "max": 6},
        "Doc": {"type": "structure", "members": {}, "document": True},
        "Choice": {
            "type": "structure",
            "union": True,
            "members": {"A": {"shape": "Str"}, "B": {"shape": "Int"}},
        },
        "SparseList": {"type": "list", "member": {"shape": "Str"}, "sparse": True},
        "StrList": {"type": "list", "member": {"shape": "Str"}},
        "StrMap": {
            "type": "map",
            "key": {"shape": "Name"},
            "value": {"shape": "Str"},
            "max": 2,
        },
    },
}


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Route harness.aws.models to a synthetic model named 'fake' (protocol switchable)."""
    state: JSON = {"protocol": "rest-json"}

    def service_model(service: str) -> Any:
        data = copy.deepcopy(FAKE)
        data["metadata"]["protocol"] = state["protocol"]
        return ServiceModel(data, "fake")

    def operation_model(service: str, operation: str) -> Any:
        return service_model(service).operation_model(operation)

    monkeypatch.setattr(models, "service_model", service_model)
    monkeypatch.setattr(models, "require_supported", service_model)
    monkeypatch.setattr(models, "operation_model", operation_model)
    return state


def _valid(schema: JSON, instance: Any) -> bool:
    Draft202012Validator.check_schema(schema)
    return bool(Draft202012Validator(schema).is_valid(instance))


def test_metadata_and_summary(fake_service: Any) -> None:
    inp, out = schemagen.operation_schemas("fake", "PutThing")
    assert inp["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert inp["$id"].endswith("/fake/PutThing.input.json")
    assert inp["title"] == "fake:PutThing input"
    assert inp["description"] == "Puts a thing & more."
    assert inp["x-botocore"] == {
        "service": "fake",
        "protocol": "rest-json",
        "apiVersion": "2020-01-01",
        "operation": "PutThing",
        "direction": "input",
        "shape": "PutThingRequest",
        "httpMethod": "PUT",
        "requestUri": "/things/{Name}",
        "botocoreVersion": models.botocore_version(),
    }
    assert out["x-botocore"]["direction"] == "output"


def test_locations_keys_and_wire_types(fake_service: Any) -> None:
    inp, _ = schemagen.operation_schemas("fake", "PutThing")
    props = inp["properties"]
    assert "node" in props and "Node" not in props  # body key is the locationName
    assert inp["required"] == ["Name", "node"]
    assert props["Limit"]["x-aws-location"] == "querystring"
    assert props["Limit"]["x-aws-location-name"] == "limit"
    assert props["Limit"]["type"] == "integer"
    assert props["Tags"]["type"] == "array"
    assert props["Meta"]["x-aws-location"] == "headers"
    assert props["Meta"]["maxProperties"] == 2
    assert props["Meta"]["propertyNames"]["maxLength"] == 8
    assert props["Ctx"]["contentMediaType"] == "application/json"
    base = {"Name": "ab-c", "node": {}}
    assert _valid(inp, {**base, "Since": "2024-08-27T21:04:00Z"})
    assert not _valid(inp, {**base, "Since": 1724792640})  # query timestamps are ISO 8601
    assert _valid(inp, {**base, "Modified": "Tue, 27 Aug 2024 21:04:00 GMT"})
    assert not _valid(inp, {**base, "Modified": "2024-08-27T21:04:00Z"})  # headers: RFC 822
    assert _valid(inp, {**base, "Created": "2024-08-27T21:04:00.5Z"})  # iso8601 in the body
    assert not _valid(inp, {**base, "Created": 1724792640})
    assert not _valid(inp, {**base, "Limit": "5"})
    assert not _valid(inp, {**base, "Limit": 101})
    assert not _valid(inp, {**base, "Ratio": 1.5})
    assert not _valid(inp, {**base, "Flag": "true"})
    assert not _valid(inp, {**base, "Kind": "C"})
    assert not _valid(inp, {**base, "Name": "ABC"})
    assert not _valid(inp, {**base, "Name": "abcdefghi"})
    assert not _valid(inp, {**base, "Meta": {"a": "1", "b": "2", "c": "3"}})


def test_blob_document_union_sparse(fake_service: Any) -> None:
    inp, out = schemagen.operation_schemas("fake", "PutThing")
    base = {"Name": "a", "node": {}}
    assert _valid(inp, {**base, "Data": "aGVsbG8="})
    assert not _valid(inp, {**base, "Data": "not base64!"})
    assert not _valid(inp, {**base, "Data": "aGVsbG8gd29ybGQ="})  # 11 bytes > max 6
    for doc in ({"any": [1, "x", None]}, [1, 2], "text", 3, None):
        assert _valid(inp, {**base, "Doc": doc})
    assert _valid(inp, {**base, "Choice": {"A": "x"}})
    assert not _valid(inp, {**base, "Choice": {"A": "x", "B": 1}})
    assert not _valid(inp, {**base, "Choice": {}})
    assert _valid(inp, {**base, "Sparse": ["a", None]})
    assert out["properties"]["Body"]["x-aws-payload"] is True
    assert out["properties"]["Status"]["x-aws-location"] == "statusCode"


def test_recursive_shapes_use_defs(fake_service: Any) -> None:
    inp, _ = schemagen.operation_schemas("fake", "PutThing")
    assert inp["properties"]["node"] == {"$ref": "#/$defs/Node"}
    assert inp["$defs"]["NodeList"]["items"] == {"$ref": "#/$defs/Node"}
    deep = {"Label": "root", "Children": [{"Children": [{"Label": "leaf"}]}]}
    assert _valid(inp, {"Name": "a", "node": deep})
    bad = {"Children": [{"Children": [{"Label": 3}]}]}
    assert not _valid(inp, {"Name": "a", "node": bad})
    assert not _valid(inp, {"Name": "a", "node": {"Children": [{}, {}, {}, {}]}})


def test_json_protocol_ignores_http_locations(fake_service: Any) -> None:
    fake_service["protocol"] = "json"
    inp, _ = schemagen.operation_schemas("fake", "PutThing")
    assert "limit" in inp["properties"] and "Limit" not in inp["properties"]
    assert all("x-aws-location" not in p for p in inp["properties"].values())
    assert inp["properties"]["If-Modified-Since"]["type"] == "number"  # a body timestamp now


def test_operation_without_shapes(fake_service: Any) -> None:
    inp, out = schemagen.operation_schemas("fake", "Ping")
    for schema in (inp, out):
        assert _valid(schema, {})
        assert not _valid(schema, {"x": 1})
        assert "shape" not in schema["x-botocore"]


def test_error_schema(fake_service: Any) -> None:
    schema = schemagen.error_schema("fake", "Conflict")
    assert schema["x-aws-error"] == {
        "code": "ThingConflict",
        "httpStatusCode": 409,
        "senderFault": True,
        "fault": "client",
    }
    assert schema["description"] == "The thing exists."
    assert _valid(schema, {"__type": "ThingConflict", "Reason": "r", "message": "m"})
    assert _valid(schema, {"Message": "m"})
    assert not _valid(schema, {"Other": 1})
    with pytest.raises(HarnessUsageError, match="Did you mean 'Conflict'"):
        schemagen.error_schema("fake", "Conflit")


# -- real models ---------------------------------------------------------------------------


def test_xml_protocols_get_schemas_of_their_parsed_form() -> None:
    inp, out = schemagen.operation_schemas("s3", "GetObject")
    assert out["x-botocore"]["form"] == "parsed"
    assert out["properties"]["Body"] == {"x-aws-payload": True}  # opaque bytes
    assert out["properties"]["LastModified"]["format"] == "date-time"  # a header, parsed
    assert "Bucket" in inp["required"]  # member names, wherever the member travels
    schemas = schemagen.generate(["ec2:DescribeVpcs"])
    assert "ec2/DescribeVpcs.output.json" in schemas


def test_a_protocol_without_schemas_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "CHECKED_PROTOCOLS", ("json", "rest-json"))
    with pytest.raises(UnsupportedProtocolError, match="rest-xml"):
        schemagen.operation_schemas("s3", "GetObject")


def test_unknown_names_suggest_close_matches() -> None:
    with pytest.raises(HarnessUsageError, match="Did you mean 'GetInsight'"):
        schemagen.operation_schemas("xray", "GetInsigt")
    with pytest.raises(HarnessUsageError, match="Did you mean 'xray'"):
        schemagen.generate(["xrya"])


def test_generic_for_other_services() -> None:
    result = schemagen.generate(["dynamodb:GetItem", "lambda:Invoke"])
    assert "dynamodb/GetItem.input.json" in result
    assert "dynamodb/errors/ResourceNotFoundException.json" in result
    invoke = result["lambda/Invoke.output.json"]["properties"]
    assert invoke["Payload"]["x-aws-payload"] is True
    assert invoke["StatusCode"]["x-aws-location"] == "statusCode"


def test_default_targets_are_every_operation_of_the_seed_services() -> None:
    result = schemagen.generate(None)
    for service in ops.SEED_OPERATIONS:
        for operation in models.service_model(service).operation_names:
            assert f"{service}/{operation}.input.json" in result
            assert f"{service}/{operation}.output.json" in result
    assert "xray/errors/InvalidRequestException.json" in result
    assert {path.split("/")[0] for path in result} == set(ops.SEED_OPERATIONS)


def test_generation_is_byte_stable() -> None:
    first = {k: schemastore.dumps(v) for k, v in schemagen.generate(["xray"]).items()}
    second = {k: schemastore.dumps(v) for k, v in schemagen.generate(["xray"]).items()}
    assert first == second
    text = first["xray/GetInsight.input.json"]
    assert text.endswith("}\n") and '\n  "$id"' in text


# -- overlays --------------------------------------------------------------------------------


def test_overlays_stay_apart_from_the_generated_part() -> None:
    inp, _ = schemagen.operation_schemas("cloudtrail", "ListInsightsMetricData")
    raw = schemagen._direction_schema("cloudtrail", "ListInsightsMetricData", "input")
    assert {k: v for k, v in inp.items() if k != "allOf"} == raw
    names = [entry["x-overlay"] for entry in inp["allOf"]]
    assert names == [
        "period-values",
        "error-code-required-for-error-rate",
        "max-results-default",
        "data-type-default",
    ]
    assert all(entry["x-doc"] and entry["x-doc-source"] for entry in inp["allOf"])


def test_overlay_on_a_vanished_member_fails_loudly() -> None:
    raw = schemagen._direction_schema("cloudtrail", "ListInsightsMetricData", "input")
    del raw["properties"]["Period"]
    where = r"'Period'.*harness/ops/cloudtrail/list_insights_metric_data\.py"
    with pytest.raises(overlays.OverlayError, match=where):
        overlays.apply("cloudtrail", "ListInsightsMetricData", "input", raw)


def test_overlay_contradicting_the_model_fails_loudly() -> None:
    raw = schemagen._direction_schema("cloudtrail", "ListInsightsMetricData", "input")
    raw["properties"]["Period"]["maximum"] = 300  # the model would no longer allow 3600
    with pytest.raises(overlays.OverlayError, match="3600"):
        overlays.apply("cloudtrail", "ListInsightsMetricData", "input", raw)
    raw = schemagen._direction_schema("cloudtrail", "ListInsightsData", "input")
    raw["$defs"]["ListInsightsDataDimensions"]["propertyNames"]["enum"] = ["EventId"]
    with pytest.raises(overlays.OverlayError, match="map key 'EventName'"):
        overlays.apply("cloudtrail", "ListInsightsData", "input", raw)


@pytest.mark.parametrize("overlay", overlays.OVERLAYS, ids=lambda o: f"{o.operation}:{o.name}")
def test_overlay_quotes_come_from_the_docs(overlay: overlays.Overlay) -> None:
    page = page_text(overlay.source)
    for quote in overlay.quotes:
        assert normalize(quote) in page, quote
