"""Every rule of harness.contract.rules: a violating example of each, asserting the rule id.

The rules of an operation carry their own violating example (``breaks=`` in its ops module,
tested in test_ops_registry.py); the rules every operation shares (schema, errors, chains)
have theirs here, each a change to an exchange the synthetic engine made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import ops
from harness.contract import rules
from harness.contract.checker import Violation, check_exchange, check_exchanges
from harness.exchange import Exchange, HttpResponse
from harness.ops.cloudtrail import list_insights_data as lid
from harness.ops.cloudtrail import list_insights_metric_data as limd
from harness.ops.xray import get_insight_events as gie
from tests.support.docs_pages import normalize, page_text
from tests.support.synthetic_exchanges import EVENTS, NOW, SERIES, broken, build, chain, pair

MLABEL = ("cloudtrail", "ListInsightsMetricData")
ILABEL = ("cloudtrail", "ListInsightsData")
IM = ("internetmonitor", "GetInternetEvent")


# --------------------------------------------------------------------------- violating cases
# Each returns the exchanges of one scenario that must break exactly the named rule (others
# may fire too when one fault implies another, but the named rule must be among them).


def _error_unmodeled() -> list[Exchange]:
    req, _ = pair("xray", "GetInsight")
    return [build("xray", "GetInsight", req, error=("NoSuchInsightException", "gone"), status=404)]


def _error_status() -> list[Exchange]:
    req, _ = pair("xray", "GetInsight")
    return [build("xray", "GetInsight", req, error=("ThrottledException", "slow down"), status=400)]


def _chain(tokens: list[str | None], **change: object) -> list[Exchange]:
    """The engine's ListInsightsData chain of one event a page, its pages returning ``tokens``
    (None = last page); ``change`` is applied to every request that sends a token."""
    out = []
    sent: str | None = None
    pages = chain(*ILABEL, {**EVENTS, "MaxResults": 1}, len(tokens))
    for i, ((req, resp), token) in enumerate(zip(pages, tokens, strict=True)):
        req.pop("NextToken", None)
        resp.pop("NextToken", None)
        if sent is not None:
            req["NextToken"] = sent
            req.update(change)
        if token is not None:
            resp["NextToken"] = token
        out.append(build(*ILABEL, req, resp, index=i))
        sent = token
    return out


def _token_repeated() -> list[Exchange]:
    return _chain(["tok-1", "tok-2", "tok-1", None])


def _chain_stuck() -> list[Exchange]:
    empty = []
    for page in _chain(["tok-1", "tok-2", "tok-3"]):
        resp = {"Events": [], "NextToken": f"tok-{page.index + 1}"}
        empty.append(build(*ILABEL, dict(page.params), resp, index=page.index))
    return empty


def _same_parameters() -> list[Exchange]:
    return _chain(["tok-1", None], Dimensions={"EventName": "PutObject"}, MaxResults=5)


def _schema_request() -> list[Exchange]:
    req, resp = pair(*MLABEL, SERIES)
    req["Period"] = 120  # the overlay allows only 60, 300 and 3600
    resp["Timestamps"], resp["Values"] = [], []
    return [build(*MLABEL, req, resp)]


def _schema_response() -> list[Exchange]:
    req, resp = pair(*MLABEL, SERIES)
    resp["Values"][3] = "1.0"
    return [build(*MLABEL, req, resp)]


def _schema_unknown_member() -> list[Exchange]:
    req, resp = pair(*IM)
    resp["Severity"] = "HIGH"
    return [build(*IM, req, resp)]


def _schema_unknown_enum() -> list[Exchange]:
    req, resp = pair(*IM)
    resp["EventType"] = "LATENCY"
    return [build(*IM, req, resp)]


def _schema_error() -> list[Exchange]:
    req, _ = pair(*IM)
    exchange = build(*IM, req, error=("ValidationException", "bad"))
    body = b'{"message": 42}'  # the modeled member is a string
    return [
        dataclasses.replace(exchange, response=HttpResponse(400, exchange.response.headers, body))
    ]


def _schema_constraint() -> list[Exchange]:
    req, resp = pair(*IM)
    resp["EventArn"] = "x"  # shorter than the model's min length: a constraint on output
    return [build(*IM, req, resp)]


def _schema_required() -> list[Exchange]:
    req, resp = pair(*IM)
    del resp["EventType"]  # required on output by the model
    return [build(*IM, req, resp)]


def _body_not_recorded() -> list[Exchange]:
    exchange = build(*IM, *pair(*IM))
    headers = {**exchange.response.headers, "Content-Length": "812"}
    return [dataclasses.replace(exchange, response=HttpResponse(200, headers, b""))]


VIOLATING: dict[str, Callable[[], list[Exchange]]] = {
    "errors.modeled-code": _error_unmodeled,
    "errors.status-matches": _error_status,
    "pagination.token-not-repeated": _token_repeated,
    "pagination.chain-ends": _chain_stuck,
    "pagination.same-parameters": _same_parameters,
    "schema.request": _schema_request,
    "schema.response": _schema_response,
    "schema.response.unknown-member": _schema_unknown_member,
    "schema.response.unknown-enum": _schema_unknown_enum,
    "schema.error": _schema_error,
    "schema.response.constraint": _schema_constraint,
    "schema.response.required": _schema_required,
    "response.body-not-recorded": _body_not_recorded,
}


def _ids(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_every_rule_has_a_violating_example() -> None:
    # Here, or next to the rule as its ``breaks`` (tested in test_ops_registry.py).
    own = {rule.id for rule in rules.RULES if rule.breaks is not None}
    assert not own & set(VIOLATING)
    assert set(VIOLATING) | own == {rule.id for rule in rules.RULES}


@pytest.mark.parametrize("rule_id", sorted(VIOLATING))
def test_violating_example_fires_the_rule(rule_id: str) -> None:
    violations = check_exchanges(VIOLATING[rule_id]())
    assert rule_id in _ids(violations), "\n\n".join(map(str, violations))
    fired = [v for v in violations if v.rule == rule_id]
    assert all(v.severity == rules.get_rule(rule_id).severity for v in fired)
    assert all(v.pointer.startswith(("/request", "/response")) for v in fired)


def _metric_window_inverted() -> list[Exchange]:
    return [broken("cloudtrail.ListInsightsMetricData.start-before-end", SERIES)]


def _insights_window_inverted() -> list[Exchange]:
    window = {"StartTime": NOW - dt.timedelta(hours=10), "EndTime": NOW}
    return [broken("cloudtrail.ListInsightsData.start-not-after-end", {**EVENTS, **window})]


@pytest.mark.parametrize(
    "case",
    [_metric_window_inverted, _insights_window_inverted, _schema_request, _same_parameters],
)
def test_invalid_requests_answered_with_a_modeled_client_error_are_not_violations(
    case: Callable[[], list[Exchange]],
) -> None:
    exchanges = case()
    assert check_exchanges(exchanges)  # answered 2xx, the invalid request is reported
    last = exchanges[-1]
    rejected = build(
        last.service,
        last.operation,
        dict(last.params),
        error=("InvalidParameterException", "rejected"),
        index=len(exchanges) - 1,
    )
    assert check_exchanges([*exchanges[:-1], rejected]) == []


def test_accepted_invalid_request_says_the_service_accepted_it() -> None:
    (violation,) = [v for v in check_exchanges(_schema_request()) if v.rule == "schema.request"]
    assert violation.pointer == "/request/Period"
    assert "the service accepted" in violation.message
    assert "60, 300, and 3600" in violation.doc  # the overlay's quote travels with it


def test_throttling_is_documented_for_list_insights_data() -> None:
    req, _ = pair(*ILABEL, EVENTS)
    throttled = build(*ILABEL, req, error=("ThrottlingException", "Rate exceeded"))
    assert check_exchange(throttled) == []


def test_allow_drift_reports_drift_as_warning() -> None:
    (exchange,) = _schema_unknown_member()
    (violation,) = check_exchange(exchange, allow_drift=True)
    assert (violation.rule, violation.severity) == ("schema.response.unknown-member", "warning")


def test_violation_text_names_rule_operation_location_pointer_value_and_doc() -> None:
    (violation,) = check_exchange(broken("cloudtrail.ListInsightsMetricData.non-zero-data", SERIES))
    text = str(violation)
    assert text.splitlines()[0].startswith(
        "cloudtrail.ListInsightsMetricData.non-zero-data [error]"
    )
    assert "operation: cloudtrail:ListInsightsMetricData, interaction: test.yaml #0" in text
    assert "at /response/Values/0: got 0.0" in text
    assert 'docs: "Valid values are NonZeroData and FillWithZeros.' in text


def test_violation_text_says_who_sent_the_value() -> None:
    """A value the server answered is not the code's doing: the text says so, and its next
    step names the stand-in or fake (not "fix the code"); a request's value is the code's."""
    (served,) = check_exchange(broken("cloudtrail.ListInsightsMetricData.non-zero-data", SERIES))
    text = str(served)
    assert "got 0.0 (in the response: the server sent it)" in text
    assert "next: the server or the stand-in that answered" in text
    assert "fix the code" not in text
    sent = dataclasses.replace(served, pointer="/request/Period")
    assert "(in the request: the code sent it)" in str(sent)
    assert "next: fix the code or fake under test" in str(sent)


def test_long_values_are_truncated() -> None:
    req, resp = pair(*ILABEL, EVENTS)
    resp["Events"][0]["CloudTrailEvent"] = "x" * 500
    (violation,) = check_exchange(build(*ILABEL, req, resp))
    assert len(violation.value) <= 80 and violation.value.endswith("...")


def test_many_violations_of_one_rule_are_capped() -> None:
    req, resp = pair(*MLABEL, {**SERIES, "DataType": "FillWithZeros"})
    assert len(resp["Values"]) == 48  # every hour of two days
    req["DataType"] = "NonZeroData"
    resp["Values"] = [0.0] * 48
    found = [
        v for v in check_exchange(build(*MLABEL, req, resp)) if v.rule.endswith("non-zero-data")
    ]
    assert len(found) == 11
    assert "38 more" in found[-1].message


def test_unknown_rule_id_suggests_a_close_one() -> None:
    with pytest.raises(KeyError, match=re.escape("pagination.chain-ends")):
        rules.get_rule("pagination.chain-end")


# --------------------------------------------------------------------------- the rule table


@pytest.mark.parametrize(
    "rule", [r for r in rules.RULES if r.source.endswith(".txt")], ids=lambda r: r.id
)
def test_doc_quotes_are_verbatim(rule: rules.Rule) -> None:
    page = page_text(rule.source)
    for sentence in rule.doc.split(" […] "):
        assert normalize(sentence) in page, sentence


def test_rule_ids_are_unique_and_stable_in_form() -> None:
    ids = [rule.id for rule in rules.RULES]
    assert len(ids) == len(set(ids))
    for rule in rules.RULES:
        assert re.fullmatch(r"[a-z]+(\.[A-Za-z]+)?\.[a-z][a-z-]*(\.[a-z-]+)?", rule.id), rule.id
        assert rule.description and rule.severity in ("error", "drift", "warning")
        assert rule.source.endswith(".txt") or not rule.doc or rule.source == "schemas/"


def test_the_rules_reference_lists_every_rule_with_its_severity() -> None:
    # the docs site's rules page is generated from the registry (docs/gen_reference.py)
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "docs" / "gen_reference.py"
    spec = importlib.util.spec_from_file_location("gen_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = module.rules_page()
    for rule in rules.RULES:
        assert f"`{rule.id}`" in page and f" | {rule.severity} | {rule.scope} " in page, rule.id


# --------------------------------------------------------------------------- documented facts


@pytest.mark.parametrize("fact", rules.FACTS, ids=lambda f: f.name)
def test_fact_quotes_are_verbatim(fact: rules.Fact) -> None:
    assert fact.quotes or fact.note, "a fact without a quote must say where it comes from"
    for page, sentence in fact.quotes:
        assert normalize(sentence) in page_text(page)


def test_every_fact_is_exported_under_its_name() -> None:
    # ``METRIC_PERIODS`` by its operation module, ``xray.VALIDATION_ERROR`` by its package
    assert len({f.name for f in rules.FACTS}) == len(rules.FACTS)
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(ops.__path__, "harness.ops.")
    ]
    for fact in rules.FACTS:
        name = fact.name.rsplit(".", 1)[-1]
        assert any(getattr(m, name, None) is fact.value for m in modules), fact.name


def test_facts_fit_the_model() -> None:
    # Where botocore models the same member, the documented value must be allowed by it.
    from harness.aws.models import operation_model

    def member(service: str, operation: str, name: str) -> Any:
        return operation_model(service, operation).input_shape.members[name]

    period = member("cloudtrail", "ListInsightsMetricData", "Period").metadata
    assert all(period["min"] <= p <= period["max"] for p in limd.METRIC_PERIODS)
    assert limd.METRIC_DEFAULT_PERIOD in limd.METRIC_PERIODS
    assert set(limd.METRIC_RETENTION) == set(limd.METRIC_PERIODS)
    data_type = member("cloudtrail", "ListInsightsMetricData", "DataType")
    assert limd.METRIC_DEFAULT_DATA_TYPE in data_type.enum
    for (service, operation), (low, high), default in (
        (MLABEL, limd.METRIC_MAX_RESULTS_RANGE, limd.METRIC_DEFAULT_MAX_RESULTS),
        (ILABEL, lid.INSIGHTS_MAX_RESULTS_RANGE, lid.INSIGHTS_DEFAULT_MAX_RESULTS),
        (("xray", "GetInsightEvents"), gie.INSIGHT_EVENTS_MAX_RESULTS_RANGE, None),
    ):
        meta = member(service, operation, "MaxResults").metadata
        assert (meta["min"], meta["max"]) == (low, high), operation
        assert default is None or low <= default <= high
    dimensions = member("cloudtrail", "ListInsightsData", "Dimensions")
    assert set(lid.INSIGHTS_DIMENSION_KEYS) == set(dimensions.key.enum)
    for table in (ops.VALIDATION_ERROR, ops.SERVER_ERROR):
        for service, code in table.items():
            assert any(
                code in rules.modeled_errors(service, op)
                for s, op in (label.split(":") for label in _SEED_LABELS)
                if s == service
            ), (service, code)


_SEED_LABELS = [
    "cloudtrail:ListInsightsData",
    "cloudtrail:ListInsightsMetricData",
    "xray:GetInsight",
    "xray:GetInsightEvents",
    "internetmonitor:GetInternetEvent",
]


@pytest.mark.parametrize(
    ("rule_id", "pointer"),
    [
        ("xray.GetInsight.closed-iff-end-time", "/response/Insight/EndTime"),
        ("internetmonitor.GetInternetEvent.resolved-iff-ended", "/response/EndedAt"),
    ],
)
def test_a_missing_member_is_reported_absent_not_null(rule_id: str, pointer: str) -> None:
    rule = rules.get_rule(rule_id)
    assert rule.breaks is not None
    service, operation = rule.operations[0].split(":")
    req, resp = pair(service, operation)
    assert rule.breaks(req, resp)
    fired = [v for v in check_exchange(build(service, operation, req, resp)) if v.rule == rule_id]
    assert [(v.pointer, v.value) for v in fired] == [(pointer, "(absent)")]
    assert f"at {pointer}: got (absent)" in str(fired[0])


def test_the_fast_rule_context_is_the_constructed_one() -> None:
    """``RuleContext._of`` (built for every exchange checked) sets every field the
    constructor sets: a field added to RuleContext and not to ``_of`` fails here."""
    from harness.contract.checker import RuleContext

    exchange = build(*MLABEL, *pair(*MLABEL))
    args = (exchange, {"a": 1}, {"b": 2}, NOW)
    fast = RuleContext._of(*args)
    assert fast == RuleContext(
        exchange=exchange, request={"a": 1}, response={"b": 2}, error=None, request_time=NOW
    )
    assert vars(fast).keys() == {f.name for f in dataclasses.fields(RuleContext)}


def test_s3_error_codes_any_operation_may_answer_are_no_drift(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """S3 lists its error codes for every request; its model lists almost none per
    operation: a CopyObject of a missing key (NoSuchKey) keeps its contract."""
    import boto3
    from botocore.exceptions import ClientError

    from harness.contract.checker import check_all
    from harness.replay.recorder import CassetteRecorder
    from tests.support.moto_server import moto_server

    recorder = CassetteRecorder(tmp_path / "s3.yaml", "all")
    with moto_server() as url, recorder.activate():
        s3 = boto3.client(
            "s3", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="x",
        )  # fmt: skip
        s3.create_bucket(Bucket="copies")
        try:
            s3.copy_object(Bucket="copies", Key="b", CopySource="copies/missing")
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "NoSuchKey"
    assert [e.operation for e in recorder.exchanges] == ["CreateBucket", "CopyObject"]
    rules = [v.rule for v in check_all(recorder.exchanges).violations]
    assert "errors.modeled-code" not in rules, rules


def test_same_parameters_lets_the_page_size_change_and_speaks_only_where_documented() -> None:
    """Issue 57: the strict check failed a MaxResults change the synthetic backend and
    page_plans accept, and quoted CloudTrail's page for every operation."""
    changed_size = _chain(["tok-1", None], MaxResults=7)
    ids = {v.rule for v in check_exchanges(changed_size)}
    assert "pagination.same-parameters" not in ids
    changed_query = _chain(["tok-1", None], Dimensions={"EventName": "PutObject"})
    assert "pagination.same-parameters" in {v.rule for v in check_exchanges(changed_query)}
    rule = rules.get_rule("pagination.same-parameters")
    assert rule.applies_to("cloudtrail:ListInsightsData")
    assert not rule.applies_to("xray:GetInsightSummaries")  # its page says nothing of it
