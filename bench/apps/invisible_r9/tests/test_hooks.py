"""What the app's event hooks see: signing, headers, user agent, retries, statuses."""

from __future__ import annotations

import pytest
from vault import USER_AGENT_EXTRA, Vault

pytestmark = pytest.mark.aws_cassette


def _strip(events):
    return [{k: v for k, v in e.items()} for e in events]


def test_before_sign_sees_unsigned_request(vault, observed):
    vault.put_text(Vault.new_key("a.txt"), "a")
    signs = vault.audit.by_hook("before-sign")
    observed("signs", _strip(signs))
    assert signs and not any(e["signed_yet"] for e in signs)


def test_before_send_sees_signed_request(vault, observed):
    vault.put_text(Vault.new_key("b.txt"), "b")
    vault.index({"doc_id": Vault.new_doc_id(), "name": "b"})
    sends = vault.audit.by_hook("before-send")
    observed("sends", _strip(sends))
    assert all(e["scheme"] == "AWS4-HMAC-SHA256" for e in sends)
    assert all(e["has_date"] and e["has_invocation_id"] for e in sends)


def test_user_agent_extra_reaches_the_wire(vault, observed):
    vault.s3.list_objects_v2(Bucket=vault.bucket, MaxKeys=1)
    sends = vault.audit.by_hook("before-send")
    observed("ua_extra", [e["ua_extra"] for e in sends])
    assert all(e["ua_extra"] for e in sends)
    assert USER_AGENT_EXTRA in vault.s3.meta.config.user_agent_extra


def test_after_call_statuses_and_retries(vault, observed):
    vault.put_text(Vault.new_key("c.txt"), "c")
    calls = vault.audit.by_hook("after-call")
    observed("calls", _strip(calls))
    assert all(e["retries"] == 0 for e in calls)


def test_sdk_request_header_counts_attempts(vault, observed):
    vault.s3.head_bucket(Bucket=vault.bucket)
    sends = vault.audit.by_hook("before-send")
    observed("sdk_request", [e["sdk_request"] for e in sends])
    assert sends[0]["sdk_request"].startswith("attempt=1")


def test_parameter_validation_off_client(vault, observed):
    vault.notify("validated-off", {"doc_id": Vault.new_doc_id()})
    got = vault.receive()
    observed("events", [m["MessageAttributes"]["event"]["StringValue"] for m in got])


def test_hooks_see_paginated_listing(vault, observed):
    prefix = f"hooks/{Vault.new_doc_id()}/"
    for i in range(5):
        vault.put_text(f"{prefix}{i}", "x")
    vault.audit.events.clear()
    keys, _ = vault.list_keys(prefix, page_size=2)
    assert len(keys) == 5
    observed("ops", [e["op"] for e in vault.audit.by_hook("after-call")])
    observed("methods", [e["method"] for e in vault.audit.by_hook("before-send")])


def test_error_seen_by_after_call(vault, observed):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        vault.s3.get_object(Bucket=vault.bucket, Key=Vault.new_key("missing"))
    observed("code", err.value.response["Error"]["Code"])
    observed("calls", _strip(vault.audit.by_hook("after-call")))
