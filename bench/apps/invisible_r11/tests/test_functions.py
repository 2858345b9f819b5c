"""Lambda's function configuration (rest-json), its environment read back, paginated
listing; SESv2 identities and mails."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def test_function_configuration(harbor, names, observed):
    from conftest import DEPLOY_TOKEN

    cfg = harbor.awslambda.get_function_configuration(FunctionName=names["function"])
    observed("runtime", cfg["Runtime"])
    observed("timeout", cfg["Timeout"])
    observed("env_keys", sorted(cfg["Environment"]["Variables"]))
    observed("token_seen", cfg["Environment"]["Variables"]["DEPLOY_TOKEN"] == DEPLOY_TOKEN)
    observed("code_size_type", type(cfg["CodeSize"]).__name__)


def test_update_configuration(harbor, names, observed):
    out = harbor.awslambda.update_function_configuration(
        FunctionName=names["function"], Timeout=45, MemorySize=256
    )
    observed("timeout", out["Timeout"])
    observed("memory", out["MemorySize"])
    observed("status", out["ResponseMetadata"]["HTTPStatusCode"])


def test_functions_listed(harbor, names, observed):
    pages = harbor.awslambda.get_paginator("list_functions").paginate(
        PaginationConfig={"PageSize": 1}
    )
    observed("found", names["function"] in list(pages.search("Functions[].FunctionName")))


def test_missing_function(harbor, observed):
    with pytest.raises(ClientError) as err:
        harbor.awslambda.get_function(FunctionName="harbor-nope")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_mail_identity(harbor, names, observed):
    ident = harbor.mail.get_email_identity(EmailIdentity=names["domain"])
    observed("type", ident["IdentityType"])
    observed("keys", sorted(k for k in ident if k != "ResponseMetadata"))


def test_release_mail_sent(harbor, hooks, observed):
    mid = harbor.release_mail("1.5.0", ["ops@example.com", "dev@example.com"])
    observed("mid_len", len(mid))
    sends = hooks.by_hook("before-send")
    observed("wire", [(e["method"], e["path"], e["content_type"]) for e in sends])
