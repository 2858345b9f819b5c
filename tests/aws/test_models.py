"""The model loader: names with close-match suggestions, and no reads of the user's config."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.aws.models import operation_model, parse_target, require_supported
from harness.errors import HarnessUsageError, UnsupportedProtocolError


def test_unknown_names_suggest_the_closest() -> None:
    with pytest.raises(HarnessUsageError, match="Did you mean 'xray'"):
        parse_target("xrya")
    with pytest.raises(HarnessUsageError, match="Did you mean 'GetInsight'"):
        operation_model("xray", "GetInsigt")


def test_other_protocols_are_refused_by_name() -> None:
    with pytest.raises(UnsupportedProtocolError, match="'query' protocol"):
        require_supported("sts")


def test_models_load_with_a_missing_aws_profile() -> None:
    code = "from harness.aws.models import service_model; print(service_model('xray').protocol)"
    env = {"AWS_PROFILE": "no-such-profile", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rest-json"


@pytest.mark.slow
def test_metadata_read_from_a_model_head_is_the_whole_models_for_every_service() -> None:
    """``service_metadata`` (what routing reads of all 400 services) and the protocol it
    resolves agree with botocore's loaded model of every service botocore ships."""
    from harness.aws.models import (
        available_services,
        resolved_protocol_of,
        service_metadata,
        service_model,
    )
    from harness.aws.protocols import protocol_of

    differ = []
    for service in available_services():
        model = service_model(service)
        metadata = service_metadata(service)
        if metadata != dict(model.metadata) or resolved_protocol_of(metadata) != protocol_of(model):
            differ.append(service)
    assert differ == []


def test_metadata_read_from_a_model_head_in_a_fresh_process() -> None:
    """A few services, read by their heads, in a process that never loads their models."""
    code = (
        "from harness.aws import models\n"
        "found = {s: models.service_metadata(s) for s in ('dynamodb', 'sqs', 's3', 'xray')}\n"
        "loaded = models.service_model.cache_info().currsize\n"
        "assert loaded <= 1, loaded  # (s3's extras make it load its model whole)\n"
        "print(sorted((s, m['endpointPrefix'], m.get('targetPrefix')) for s, m in found.items()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "('dynamodb', 'dynamodb', 'DynamoDB_20120810')" in done.stdout
    assert "('xray', 'xray', None)" in done.stdout


def test_a_known_service_is_loaded_without_listing_every_service(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # listing botocore's ~400 service folders is ~0.03 s of a suite's start-up (issue 57): a
    # known name is loaded first; only an unknown one is looked up among all, for a close match
    from harness.aws import models

    def listed() -> tuple[str, ...]:
        raise AssertionError("listed every service")

    monkeypatch.setattr(models, "available_services", listed)
    models.service_model.cache_clear()
    try:
        assert models.service_model("xray").service_name == "xray"
        with pytest.raises(AssertionError, match="listed"):
            models.service_model("xray-not")
        with pytest.raises(AssertionError, match="listed"):
            models.service_model("XRay")  # (a folder on a case-insensitive file system)
    finally:
        models.service_model.cache_clear()
