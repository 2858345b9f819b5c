"""ECR (json 1.1): images pushed by manifest, tags paginated, lifecycle policy, the
authorization token; ACM certificates (request, describe, list with filters)."""

from __future__ import annotations

import base64
import json

import pytest

pytestmark = pytest.mark.aws_cassette


def test_push_and_list_tags(harbor, observed):
    run = harbor.new_id()
    digests = [harbor.push_image(f"v{i}-{run}", f"{i}a") for i in range(3)]
    observed("digest_prefix", sorted({d.split(":")[0] for d in digests}))
    tags = [t for t in harbor.image_tags() if t.endswith(run)]
    observed("tags", [t.split("-")[0] for t in tags])


def test_describe_images_by_tag(harbor, names, observed):
    tag = f"d-{harbor.new_id()}"
    digest = harbor.push_image(tag, "bc")
    out = harbor.ecr.describe_images(repositoryName=names["repo"], imageIds=[{"imageTag": tag}])
    img = out["imageDetails"][0]
    observed("digest_same", img["imageDigest"] == digest)
    observed("pushed_type", type(img["imagePushedAt"]).__name__)
    observed("keys", sorted(img))


def test_image_not_found(harbor, names, observed):
    with pytest.raises(harbor.ecr.exceptions.ImageNotFoundException) as err:
        harbor.ecr.describe_images(repositoryName=names["repo"], imageIds=[{"imageTag": "nope"}])
    observed("code", err.value.response["Error"]["Code"])


def test_lifecycle_policy(harbor, names, observed):
    policy = {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "imageCountMoreThan",
                    "countNumber": 5,
                },
                "action": {"type": "expire"},
            }
        ]
    }
    harbor.ecr.put_lifecycle_policy(
        repositoryName=names["repo"], lifecyclePolicyText=json.dumps(policy)
    )
    got = harbor.ecr.get_lifecycle_policy(repositoryName=names["repo"])
    observed("policy", json.loads(got["lifecyclePolicyText"]))
    observed("evaluated_type", type(got.get("lastEvaluatedAt")).__name__)


def test_authorization_token(harbor, observed):
    data = harbor.ecr.get_authorization_token()["authorizationData"][0]
    user = base64.b64decode(data["authorizationToken"]).decode().split(":")[0]
    observed("user", user)
    observed("endpoint_scheme", data["proxyEndpoint"].split(":")[0])
    observed("expires_type", type(data["expiresAt"]).__name__)


def test_request_and_describe_certificate(harbor, names, observed):
    arn = harbor.acm.request_certificate(
        DomainName=f"www.{names['domain']}",
        ValidationMethod="DNS",
        SubjectAlternativeNames=[f"api.{names['domain']}"],
        IdempotencyToken=harbor.new_id(),
    )["CertificateArn"]
    cert = harbor.acm.describe_certificate(CertificateArn=arn)["Certificate"]
    observed("status", cert["Status"])
    observed("sans", sorted(s.split(".")[0] for s in cert["SubjectAlternativeNames"]))
    observed("type", cert["Type"])
    observed("created_type", type(cert["CreatedAt"]).__name__)


def test_certificates_listed(harbor, names, observed):
    harbor.acm.request_certificate(DomainName=f"list.{names['domain']}", ValidationMethod="DNS")
    pages = harbor.acm.get_paginator("list_certificates").paginate(
        CertificateStatuses=["PENDING_VALIDATION", "ISSUED"], PaginationConfig={"PageSize": 1}
    )
    ours = [
        d
        for d in pages.search("CertificateSummaryList[].DomainName")
        if d.endswith(names["domain"])
    ]
    observed("ours", sorted(d.split(".")[0] for d in ours))
