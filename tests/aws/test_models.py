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
