"""A corpus of realistic traffic, recorded, not written by hand: real botocore clients of 30+
services talk to moto server on loopback through the recorder, in every protocol botocore
speaks. ``harness check`` finds nothing to fail in it, and mutated copies of it (a wrong
type, an unknown member, a new enum value, a missing required member) are caught with the
right rule id and severity."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from harness.aws import eventstream
from harness.aws.models import service_model
from harness.aws.protocols import protocol_of
from harness.cassettes.cassette import read_cassette
from harness.cassettes.writing import write_cassette
from harness.contract.checker import check_exchanges, is_failure
from harness.contract.report import check_cassette
from harness.exchange import Exchange, HttpResponse
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server as running_moto

pytest.importorskip("moto.server")

Call = tuple[str, str, dict[str, Any]]

#: (service, client method, arguments): simple calls moto serves, across every protocol.
CALLS: list[Call] = [
    # json 1.0 / 1.1
    ("dynamodb", "create_table", {"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
     "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
     "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}),
    ("dynamodb", "describe_table", {"TableName": "users"}),
    ("dynamodb", "put_item", {"TableName": "users", "Item": {"id": {"S": "u1"}}}),
    ("dynamodb", "get_item", {"TableName": "users", "Key": {"id": {"S": "u1"}}}),
    ("sqs", "create_queue", {"QueueName": "jobs"}),
    ("sqs", "list_queues", {}),
    ("kms", "create_key", {"Description": "corpus"}),
    ("kms", "list_keys", {}),
    ("secretsmanager", "list_secrets", {}),
    ("logs", "create_log_group", {"logGroupName": "app"}),
    ("logs", "describe_log_groups", {}),
    ("ssm", "put_parameter", {"Name": "/app/mode", "Value": "on", "Type": "String"}),
    ("ssm", "describe_parameters", {}),
    ("events", "list_rules", {}),
    ("kinesis", "list_streams", {}),
    ("ecs", "create_cluster", {"clusterName": "web"}),
    ("ecs", "list_clusters", {}),
    ("ecr", "describe_repositories", {}),
    ("cognito-idp", "list_user_pools", {"MaxResults": 10}),
    ("stepfunctions", "list_state_machines", {}),
    ("firehose", "list_delivery_streams", {}),
    ("cloudtrail", "describe_trails", {}),
    ("acm", "list_certificates", {}),
    ("glue", "get_databases", {}),
    ("athena", "list_work_groups", {}),
    ("cloudwatch", "list_metrics", {}),
    ("codepipeline", "list_pipelines", {}),
    # rest-json
    ("lambda", "list_functions", {}),
    ("apigateway", "get_rest_apis", {}),
    ("iot", "list_things", {}),
    ("efs", "describe_file_systems", {}),
    ("batch", "describe_compute_environments", {}),
    ("xray", "batch_get_traces", {"TraceIds": ["1-581cf771-a006649127e371903a2de979"]}),
    ("appsync", "list_graphql_apis", {}),
    # rest-xml
    ("s3", "create_bucket", {"Bucket": "reports"}),
    ("s3", "put_object", {"Bucket": "reports", "Key": "a.txt", "Body": b"hello"}),
    ("s3", "list_buckets", {}),
    ("s3", "put_object", {"Bucket": "reports", "Key": "n.csv", "Body": b"a,b\n1,2\n"}),
    ("s3", "select_object_content", {"Bucket": "reports", "Key": "n.csv",  # an event stream
     "Expression": "SELECT * FROM S3Object", "ExpressionType": "SQL",
     "InputSerialization": {"CSV": {}}, "OutputSerialization": {"JSON": {}}}),
    ("route53", "list_hosted_zones", {}),
    ("cloudfront", "list_distributions", {}),
    # query
    ("sts", "get_caller_identity", {}),
    ("sns", "create_topic", {"Name": "alerts"}),
    ("sns", "list_topics", {}),
    ("iam", "list_users", {}),
    ("rds", "describe_db_instances", {}),
    ("elbv2", "describe_load_balancers", {}),
    ("cloudformation", "list_stacks", {}),
    ("autoscaling", "describe_auto_scaling_groups", {}),
    # ec2
    ("ec2", "describe_vpcs", {}),
    ("ec2", "describe_instances", {}),
    # errors: a body-less 404 (S3 answers HEAD so), an EC2 error (EC2's model lists none)
    ("s3", "head_object", {"Bucket": "reports", "Key": "missing"}),
    ("ec2", "describe_instances", {"InstanceIds": ["i-0123456789abcdef0"]}),
    ("sqs", "get_queue_url", {"QueueName": "missing"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The corpus cassette, recorded once per module from moto server."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.yaml"
    session = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    )
    config = Config(retries={"total_max_attempts": 1})
    recorder = CassetteRecorder(path, "all")
    with running_moto() as endpoint:
        with recorder.activate():
            for service, method, kwargs in CALLS:
                client = session.client(service, endpoint_url=endpoint, config=config)
                # an error answer is traffic too: it is checked like the rest
                with contextlib.suppress(client.exceptions.ClientError):
                    getattr(client, method)(**kwargs)
        recorder.save()
        yield path


def test_the_corpus_spans_30_services_and_every_protocol(corpus: Path) -> None:
    exchanges = read_cassette(corpus).exchanges
    services = {e.service for e in exchanges}
    protocols = Counter(protocol_of(service_model(e.service)) for e in exchanges)
    assert len(services) >= 30, sorted(services)
    assert {"json", "rest-json", "rest-xml", "query", "ec2"} <= set(protocols), protocols


def test_the_recorded_corpus_checks_clean(corpus: Path) -> None:
    report = check_cassette(corpus)
    errors = {e.label for e in read_cassette(corpus).exchanges if e.response.status >= 400}
    assert {"s3:HeadObject", "ec2:DescribeInstances", "sqs:GetQueueUrl"} <= errors
    failures = [v for v in report.violations if is_failure(v)]
    assert failures == [], "\n".join(map(str, failures))
    judged = {e.label for e in read_cassette(corpus).exchanges} - {
        s.operation for s in report.skipped
    }
    assert len(judged) >= 25, sorted(judged)


def _exchange(corpus: Path, label: str) -> Exchange:
    return next(e for e in read_cassette(corpus).exchanges if e.label == label)


def _mutated(exchange: Exchange, change: Callable[[dict[str, Any]], None]) -> Exchange:
    body = json.loads(exchange.response.body)
    change(body)
    response = HttpResponse(
        exchange.response.status, exchange.response.headers, json.dumps(body).encode()
    )
    return dataclasses.replace(exchange, response=response)


def _table(body: dict[str, Any]) -> dict[str, Any]:
    return body["Table"]  # type: ignore[no-any-return]


MUTATIONS = [
    ("a number where the model says string", lambda b: _table(b).update(TableName=7),
     "schema.response", "error", "/response/Table/TableName"),
    ("an enum value the model does not know", lambda b: _table(b).update(TableStatus="MELTING"),
     "schema.response.unknown-enum", "drift", "/response/Table/TableStatus"),
    ("a member the model does not know", lambda b: _table(b).update(Colour="blue"),
     "schema.response.unknown-member", "drift", "/response/Table/Colour"),
    ("a list where the model says structure", lambda b: b.update(Table=[]),
     "schema.response", "error", "/response/Table"),
    # AWS itself leaves out members the model requires on output: checked, not failing
    ("a required member missing", lambda b: _table(b)["KeySchema"][0].pop("KeyType"),
     "schema.response.required", "warning", "/response/Table/KeySchema/0/KeyType"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "change", "rule", "severity", "pointer"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_a_mutated_copy_is_caught_with_the_right_rule(
    corpus: Path,
    tmp_path: Path,
    what: str,
    change: Callable[[dict[str, Any]], None],
    rule: str,
    severity: str,
    pointer: str,
) -> None:
    exchange = _mutated(_exchange(corpus, "dynamodb:DescribeTable"), change)
    found = [(v.rule, v.severity, v.pointer) for v in check_exchanges([exchange])]
    assert (rule, severity, pointer) in found, found
    # and through harness check on a cassette holding it among the clean ones
    cassette = read_cassette(corpus)
    index = next(i for i, e in enumerate(cassette.exchanges) if e.label == exchange.label)
    changed = list(cassette.exchanges)
    changed[index] = exchange
    path = write_cassette(tmp_path / "mutated.yaml", changed, cassette.metadata, cassette.tags)
    report = check_cassette(path)
    assert [(v.rule, v.index) for v in report.violations if v.pointer == pointer] == [(rule, index)]


XML_MUTATIONS = [
    ("ec2: an enum value the model does not know", "ec2:DescribeVpcs",
     b"<state>available</state>", b"<state>melting</state>",
     "schema.response.unknown-enum", "drift", "/response/Vpcs/0/State"),
    ("rest-xml: a timestamp no date can be", "s3:ListBuckets",
     b"<CreationDate>", b"<CreationDate>yesterday",
     "schema.response", "error", "/response"),
    ("query: an element the model does not know", "sts:GetCallerIdentity",
     b"<GetCallerIdentityResult>", b"<GetCallerIdentityResult><Bogus>1</Bogus>",
     None, None, None),  # botocore drops it, so the parsed form has nothing to report
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "label", "old", "new", "rule", "severity", "pointer"),
    XML_MUTATIONS,
    ids=[m[0] for m in XML_MUTATIONS],
)
def test_xml_protocols_are_checked_as_botocore_parses_them(
    corpus: Path,
    what: str,
    label: str,
    old: bytes,
    new: bytes,
    rule: str | None,
    severity: str | None,
    pointer: str | None,
) -> None:
    exchange = _exchange(corpus, label)
    assert old in exchange.response.body
    body = exchange.response.body.replace(old, new, 1)
    changed = dataclasses.replace(
        exchange, response=dataclasses.replace(exchange.response, body=body)
    )
    found = [(v.rule, v.severity, v.pointer) for v in check_exchanges([changed])]
    assert found == ([(rule, severity, pointer)] if rule else []), found


def test_an_xml_event_stream_is_checked_event_by_event(corpus: Path) -> None:
    exchange = _exchange(corpus, "s3:SelectObjectContent")
    assert check_exchanges([exchange]) == []
    messages = eventstream.decode_stream(exchange.response.body)
    broken = [
        dataclasses.replace(m, payload=m.payload.replace(b"<BytesScanned>", b"<BytesScanned>x"))
        for m in messages
    ]
    assert broken != messages
    body = eventstream.encode_stream(broken)
    changed = dataclasses.replace(
        exchange, response=dataclasses.replace(exchange.response, body=body)
    )
    found = [(v.rule, v.severity, v.pointer) for v in check_exchanges([changed])]
    assert found == [("schema.response", "error", "/response/Payload/Stats")], found


def test_a_broken_documented_rule_in_bundled_traffic_is_caught(tmp_path: Path) -> None:
    bundled = read_cassette(
        Path(__file__).resolve().parents[2] / "cassettes" / "seed" / "xray.yaml"
    )
    exchange = next(e for e in bundled.exchanges if e.label == "xray:GetInsight")
    assert check_exchanges([exchange]) == []

    def reopen(body: dict[str, Any]) -> None:
        body["Insight"]["State"] = "ACTIVE"
        body["Insight"]["EndTime"] = body["Insight"]["StartTime"] + 60

    found = [(v.rule, v.severity) for v in check_exchanges([_mutated(exchange, reopen)])]
    assert found == [("xray.GetInsight.closed-iff-end-time", "error")]
