"""``harness coverage`` and ``harness policy`` on traffic real botocore clients recorded against
moto server (S3 rest-xml, SQS and DynamoDB json, SNS, IAM and STS query, Lambda rest-json, EC2),
and on synthetic cassettes with throttles for retries and the first-class operations' rules."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.aws import iam
from harness.aws.models import operation_model, service_model
from harness.cli import run
from tests.support.recorded_aws import ACCOUNT, ROLE_ARN, record

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record(tmp_path_factory.mktemp("recorded") / "aws.yaml")


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def coverage_json(*argv: str) -> dict[str, Any]:
    code, out, err = cli("coverage", "--no-usage", "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)


def operation(data: dict[str, Any], service: str, name: str) -> dict[str, Any]:
    found = next(s for s in data["services"] if s["service"] == service)
    return next(op for op in found["operations"] if op["operation"] == name)


# --------------------------------------------------------------------------- coverage


def test_coverage_lists_operations_errors_pages_and_members_per_service(recorded: Path) -> None:
    data = coverage_json(str(recorded))
    assert data["schema"] == "botocore-harness/coverage/1"
    services = {s["service"]: s for s in data["services"]}
    assert set(services) == {"s3", "sqs", "sns", "dynamodb", "iam", "lambda", "ec2", "sts"}
    assert services["s3"]["protocol"] == "rest-xml" and services["sns"]["protocol"] == "query"
    s3 = services["s3"]
    assert s3["operations_exposed"] == len(service_model("s3").operation_names)
    called = [op["operation"] for op in s3["operations"]]
    assert "ListObjectsV2" in called and "DeleteBucket" in s3["not_called"]
    assert s3["operations_called"] == len(called)
    # errors: what the services answered, against what the model lists
    get_object = operation(data, "s3", "GetObject")
    assert get_object["errors"] == {"NoSuchKey": 1} and "NoSuchKey" in get_object["modeled_errors"]
    assert "InvalidObjectState" in get_object["errors_not_exercised"]
    missing_table = operation(data, "dynamodb", "DescribeTable")
    assert missing_table["errors"] == {"ResourceNotFoundException": 1}
    assert operation(data, "lambda", "GetFunction")["errors"] == {"ResourceNotFoundException": 1}
    # pagination paths, by botocore's paginators: two pages, then an empty bucket's one page
    listing = operation(data, "s3", "ListObjectsV2")
    assert listing["pagination"] == {
        "pages": 3,
        "single_page": 1,
        "multi_page": 1,
        "stopped_early": 0,
        "empty_pages": 1,
    }
    assert operation(data, "dynamodb", "Scan")["pagination"]["multi_page"] == 1
    assert operation(data, "s3", "GetObject")["pagination"] is None
    # members sent, against the model's input members
    assert "ContinuationToken" in listing["members"]["sent"]
    assert "Prefix" in listing["members"]["not_sent"]
    assert operation(data, "sqs", "SendMessage")["members"]["sent"] == ["MessageBody", "QueueUrl"]
    # the percent: operations called among those the reported services expose
    summary = data["summary"]
    exposed = sum(len(service_model(s).operation_names) for s in services)
    assert summary["operations_exposed"] == exposed
    assert summary["percent"] == round(100 * summary["operations_called"] / exposed, 1)
    assert summary["interactions_counted"] == len(
        yaml.safe_load(recorded.read_text())["interactions"]
    )


def test_coverage_text_names_what_was_called_and_the_total(recorded: Path) -> None:
    code, out, _ = cli("coverage", "--no-usage", str(recorded))
    assert code == 0
    assert re.search(r"^s3 \(rest-xml\): 7 of \d+ operations called", out, re.M)
    assert re.search(r"^  ListObjectsV2 +3 .*single 1, multi 1, empty 1", out, re.M)
    assert re.search(r"^  GetObject +1 +NoSuchKey×1 \(1/2 known\)", out, re.M)
    assert re.search(r"^\d+ of [\d,]+ operations called \([\d.]+%\) in 8 service\(s\)$", out, re.M)


def test_fail_under_exits_1_below_the_percent_and_0_at_or_above(recorded: Path) -> None:
    code, out, _ = cli("coverage", "--no-usage", "--fail-under", "50", str(recorded))
    assert code == 1 and out.splitlines()[-1].startswith("FAILED: ")
    code, out, _ = cli("coverage", "--no-usage", "--fail-under", "0", str(recorded))
    assert code == 0 and out.splitlines()[-1].startswith("OK: ")
    code, _, err = cli(
        "coverage", "--no-usage", "--format", "json", "--fail-under", "50", str(recorded)
    )
    assert code == 1 and "under --fail-under 50%" in err


def test_services_chooses_what_is_reported_and_a_service_not_called_counts_zero(
    recorded: Path,
) -> None:
    data = coverage_json("--services", "s3,kms", str(recorded))
    assert [s["service"] for s in data["services"]] == ["kms", "s3"]
    kms = data["services"][0]
    assert kms["operations_called"] == 0 and kms["operations"] == []
    assert len(kms["not_called"]) == len(service_model("kms").operation_names)


def test_the_last_runs_usage_record_counts_out_what_no_test_replayed(
    recorded: Path, tmp_path: Path
) -> None:
    cassette = tmp_path / "aws.yaml"
    shutil.copy(recorded, cassette)
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    get_object = next(
        i for i, item in enumerate(interactions) if item["harness"]["operation"] == "GetObject"
    )
    used = [i for i in range(len(interactions)) if i != get_object]
    record_file = tmp_path / "cache/v/botocore-harness/used"
    record_file.parent.mkdir(parents=True)
    digest = hashlib.sha256(cassette.read_bytes()).hexdigest()
    entry = {"used": used, "total": len(interactions), "digest": digest, "tests": ["t.py::t"]}
    record_file.write_text(json.dumps({str(cassette.resolve()): entry}))
    code, out, err = cli(
        "coverage", "--format", "json", "--cache-dir", str(tmp_path / "cache"), str(cassette)
    )
    assert code == 0, err
    data = json.loads(out)
    note = data["cassettes"][0]
    assert note["unused"] == 1 and note["counted"] == len(interactions) - 1
    assert note["usage"] == f"the last run replayed {len(used)} of {len(interactions)}"
    s3 = next(s for s in data["services"] if s["service"] == "s3")
    assert "GetObject" in s3["not_called"]
    # the file changed since the run: its interaction numbers mean nothing, all are counted
    cassette.write_text(cassette.read_text() + "\n")
    data = json.loads(
        cli("coverage", "--format", "json", "--cache-dir", str(tmp_path / "cache"), str(cassette))[
            1
        ]
    )
    assert data["cassettes"][0]["unused"] == 0
    assert "changed since the last run" in data["cassettes"][0]["usage"]


def test_html_is_one_self_contained_page_with_cassette_text_escaped(
    recorded: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = recorded.read_text()
    assert "<Code>NoSuchKey</Code>" in text
    hostile.write_text(
        text.replace("<Code>NoSuchKey</Code>", "<Code>&lt;script&gt;x\u202e&lt;/script&gt;</Code>")
    )
    code, page, _ = cli("coverage", "--no-usage", "--format", "html", str(hostile))
    assert code == 0
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)  # no external asset
    assert "ListObjectsV2" in page and "s3:ListBucket" not in page
    code, out, _ = cli("coverage", "--no-usage", str(hostile))
    assert "<script>x\\u202e</script>×1" in out and "\u202e" not in out


def test_retries_after_throttles_and_the_documented_rules_exercised(tmp_path: Path) -> None:
    cassette = tmp_path / "lid.yaml"
    code, _, err = cli(
        "synth",
        "cloudtrail:ListInsightsData",
        "--count",
        "20",
        "--seed",
        "3",
        "--now",
        "2025-01-01T00:00:00Z",
        "--faults",
        "throttle_every=4",
        "--out",
        str(cassette),
    )
    assert code == 0, err
    op = operation(coverage_json(str(cassette)), "cloudtrail", "ListInsightsData")
    retries = op["retries"]
    assert retries["throttled"] == op["errors"]["ThrottlingException"] > 0
    assert retries["retried"] == retries["throttled"] and retries["recovered"] > 0
    assert op["documented_errors"] == ["InvalidParameterException", "ThrottlingException"]
    rules = {r["id"]: r for r in op["rules"]}
    assert rules["cloudtrail.ListInsightsData.most-recent-first"]["exercised"]
    assert rules["errors.modeled-code"]["exercised"]
    assert rules["errors.modeled-code"]["first"].startswith(f"{cassette} #")
    assert op["pagination"]["multi_page"] > 0 and rules["pagination.same-parameters"]["exercised"]


def test_a_rule_the_traffic_gave_nothing_to_check_is_listed_as_not_exercised() -> None:
    data = coverage_json(str(REPO / "cassettes/seed/cloudtrail.yaml"))
    op = operation(data, "cloudtrail", "ListInsightsMetricData")
    not_exercised = [r["id"] for r in op["rules"] if not r["exercised"]]
    assert "pagination.token-not-repeated" in not_exercised  # no second page was fetched
    assert "cloudtrail.ListInsightsMetricData.timestamps-ascending" not in not_exercised
    out = cli("coverage", "--no-usage", str(REPO / "cassettes/seed/cloudtrail.yaml"))[1]
    assert "  not exercised: pagination.token-not-repeated" in out
    # operations that do not take a NextToken are not given the chain rules
    xray = coverage_json(str(REPO / "cassettes/seed/xray.yaml"))
    assert all(
        not r["id"].startswith("pagination.")
        for r in operation(xray, "xray", "GetInsight")["rules"]
    )


# --------------------------------------------------------------------------- policy


def policy_of(*argv: str) -> tuple[dict[str, Any], str]:
    code, out, err = cli("policy", *argv)
    assert code == 0, err
    return json.loads(out), err


def grants(document: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statement in document["Statement"]:
        for action in statement["Action"]:
            found.setdefault(action, set()).update(statement["Resource"])
    return found


def assert_iam_grammar(document: dict[str, Any]) -> None:
    assert list(document) == ["Version", "Statement"] and document["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in document["Statement"]]
    assert len(set(sids)) == len(sids)
    for statement in document["Statement"]:
        assert list(statement) == ["Sid", "Effect", "Action", "Resource"]
        assert re.fullmatch(r"[A-Za-z0-9]+", statement["Sid"]) and statement["Effect"] == "Allow"
        assert statement["Action"] == sorted(set(statement["Action"]))
        assert all(re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", a) for a in statement["Action"])
        assert statement["Resource"] == sorted(set(statement["Resource"]))
        assert statement["Resource"] == ["*"] or all(
            r.startswith("arn:aws:") for r in statement["Resource"]
        )


def test_policy_actions_are_iam_names_on_the_resources_the_requests_named(recorded: Path) -> None:
    document, _ = policy_of(str(recorded))
    assert_iam_grammar(document)
    found = grants(document)
    # IAM names where they differ from the operation's (harness/iam.py)
    assert "s3:ListObjectsV2" not in found and "s3:HeadObject" not in found
    assert found["s3:ListBucket"] == {"arn:aws:s3:::cov-bucket", "arn:aws:s3:::cov-empty"}
    assert found["s3:GetObject"] == {  # HeadObject, GetObject and the copy's source
        "arn:aws:s3:::cov-bucket/k/0.txt",
        "arn:aws:s3:::cov-bucket/missing.txt",
    }
    assert "arn:aws:s3:::cov-bucket/copies/0.txt" in found["s3:PutObject"]
    assert found["s3:DeleteObject"] == {
        "arn:aws:s3:::cov-bucket/k/1.txt",
        "arn:aws:s3:::cov-bucket/k/2.txt",
    }
    assert "sqs:SendMessageBatch" not in found
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:cov-queue"
    assert found["sqs:SendMessage"] == found["sqs:CreateQueue"] == {queue}
    assert found["sns:Publish"] == {f"arn:aws:sns:us-east-1:{ACCOUNT}:cov-topic"}
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/cov-table"
    assert found["dynamodb:Scan"] == found["dynamodb:PutItem"] == {table}
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:cov-function"
    assert found["lambda:CreateFunction"] == {function}
    assert found["iam:PassRole"] == {ROLE_ARN}
    # wildcards only where no request named anything narrower
    assert found["ec2:DescribeVpcs"] == found["lambda:ListFunctions"] == {"*"}
    assert {a for a, r in found.items() if r == {"*"}} == {
        "ec2:DescribeInstances",
        "ec2:DescribeVpcs",
        "lambda:ListFunctions",
    }
    assert not any(a.startswith("sts:") for a in found)  # GetCallerIdentity needs nothing


def test_policy_is_byte_identical_whatever_the_order_of_its_inputs(
    recorded: Path, tmp_path: Path
) -> None:
    text = recorded.read_text()
    data = yaml.safe_load(text)
    half = len(data["interactions"]) // 2
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump({**data, "interactions": data["interactions"][:half]}))
    second.write_text(yaml.safe_dump({**data, "interactions": data["interactions"][half:]}))
    one = cli("policy", str(first), str(second))[1]
    other = cli("policy", str(second), str(first))[1]
    whole = cli("policy", str(recorded))[1]
    assert one == other == whole


def test_out_and_report_are_written_and_each_statement_explained(
    recorded: Path, tmp_path: Path
) -> None:
    out, report = tmp_path / "policy.json", tmp_path / "policy-report.json"
    code, stdout, err = cli("policy", str(recorded), "--out", str(out), "--report", str(report))
    assert code == 0, err
    assert stdout.startswith("wrote ") and "statement(s) to" in stdout
    document = json.loads(out.read_text())
    explained = json.loads(report.read_text())
    assert [s["sid"] for s in explained["statements"] if s["sid"]] == [
        s["Sid"] for s in document["Statement"]
    ]
    listing = next(s for s in explained["statements"] if "s3:ListBucket" in s["actions"])
    assert "s3:ListObjectsV2" in listing["calls"]
    assert any(
        why.startswith(
            "s3:ListObjectsV2 -> s3:ListBucket: the Service Authorization Reference: its "
            "documentation link names ListObjectsV2"
        )
        for why in listing["why"]
    )
    wild = next(s for s in explained["statements"] if s["resources"] == ["*"])
    assert any(why.startswith("Resource * :") for why in wild["why"])
    free = next(s for s in explained["statements"] if not s["sid"])
    assert free["calls"] == ["sts:GetCallerIdentity"]
    text_report = tmp_path / "report.txt"
    cli("policy", str(recorded), "--out", str(out), "--report", str(text_report))
    assert "S3CreateBucket: s3:CreateBucket, s3:ListBucket\n  on arn:aws:s3:::cov-bucket" in (
        text_report.read_text()
    )


def test_placeholder_accounts_become_a_wildcard_or_the_account_given(
    recorded: Path, tmp_path: Path
) -> None:
    redacted = tmp_path / "redacted.yaml"
    redacted.write_text(recorded.read_text().replace(ACCOUNT, "999999990001"))
    document, err = policy_of(str(redacted))
    assert_iam_grammar(document)
    found = grants(document)
    assert found["sqs:SendMessage"] == {"arn:aws:sqs:us-east-1:*:cov-queue"}
    assert found["dynamodb:GetItem"] == {"arn:aws:dynamodb:us-east-1:*:table/cov-table"}
    assert "999999990001 are redaction placeholders" in err and "--account" in err
    document, _ = policy_of(str(redacted), "--account", "111122223333")
    assert grants(document)["sns:Publish"] == {"arn:aws:sns:us-east-1:111122223333:cov-topic"}


def test_a_cassette_with_no_call_needing_a_permission_is_bad_input(tmp_path: Path) -> None:
    cassette = tmp_path / "sts.yaml"
    data = {"interactions": [], "version": 1}
    cassette.write_text(yaml.safe_dump(data))
    code, _, err = cli("policy", str(cassette))
    assert code == 2 and "nothing to put in a policy" in err and err.count("\n") == 1


# --------------------------------------------------------------------------- the IAM table


def test_every_table_entry_names_a_real_operation_and_its_documented_actions() -> None:
    for (service, name), facts in iam.ACTIONS.items():
        model = operation_model(service, name)  # raises for a name botocore does not know
        if facts.source == iam.MODEL_DOC:
            doc = model.documentation
            for action in (*facts.actions, *facts.versioned, *facts.copy_source):
                assert action in doc, f"{service}:{name}: {action} not in its documentation"
            if not facts.actions:
                assert "No permissions are required" in doc
        else:
            assert facts.source.startswith("https://docs.aws.amazon.com/"), facts.source
    for service, prefix in iam.PREFIXES.items():
        assert prefix.prefix != service_model(service).metadata.get("signingName")


def test_the_prefix_is_the_signing_name_unless_the_table_says_otherwise() -> None:
    assert iam.actions_of("dynamodbstreams", "GetRecords").actions == ("dynamodb:GetRecords",)
    assert iam.actions_of("cloudwatch", "PutMetricData").actions == ("cloudwatch:PutMetricData",)
    assert iam.actions_of("lambda", "Invoke").actions == ("lambda:InvokeFunction",)
    assert iam.actions_of("xray", "GetInsight").actions == ("xray:GetInsight",)
