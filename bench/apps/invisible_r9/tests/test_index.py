"""DynamoDB index: batch writes, transactions with client tokens, queries, scans."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
from vault import Vault

pytestmark = pytest.mark.aws_cassette


def _docs(n):
    return [{"doc_id": Vault.new_doc_id(), "name": f"doc-{i}"} for i in range(n)]


def test_batch_write_rounds(vault, observed):
    docs = _docs(25)
    rounds = vault.index_batch(docs)
    observed("rounds", rounds)
    for d in docs[:3]:
        assert (
            vault.table.get_item(Key={"pk": f"doc#{d['doc_id']}", "sk": "meta"})["Item"]["name"]
            == d["name"]
        )


def test_transact_with_client_token(vault, observed):
    docs = _docs(3)
    vault.index_batch(docs)
    token = str(uuid.uuid4())
    vault.transfer([d["doc_id"] for d in docs], "alice", token)
    owners = [vault.owner_of(d["doc_id"]) for d in docs]
    observed("owners", owners)
    assert owners == ["alice"] * 3


def test_transact_same_token_twice(vault, observed):
    docs = _docs(2)
    vault.index_batch(docs)
    token = str(uuid.uuid4())
    vault.transfer([d["doc_id"] for d in docs], "bob", token)
    vault.transfer([d["doc_id"] for d in docs], "bob", token)
    observed("owners", [vault.owner_of(d["doc_id"]) for d in docs])


def test_transact_without_token_botocore_generates_one(vault, observed):
    docs = _docs(2)
    vault.index_batch(docs)
    vault.transfer([d["doc_id"] for d in docs], "carol")
    vault.transfer([d["doc_id"] for d in docs], "dave")
    observed("owners", [vault.owner_of(d["doc_id"]) for d in docs])


def test_transact_cancelled_for_missing_doc(vault, observed):
    docs = _docs(1)
    vault.index_batch(docs)
    with pytest.raises(ClientError) as err:
        vault.transfer([docs[0]["doc_id"], Vault.new_doc_id()], "eve")
    observed("code", err.value.response["Error"]["Code"])
    observed("reasons", [r.get("Code") for r in err.value.response.get("CancellationReasons", [])])
    assert vault.owner_of(docs[0]["doc_id"]) is None


def test_versions_query_order(vault, observed):
    doc_id = Vault.new_doc_id()
    for v in [3, 1, 2, 5, 4]:
        vault.add_version(doc_id, v, f"note {v}")
    newest = vault.versions(doc_id)
    oldest = vault.versions(doc_id, newest_first=False)
    observed("newest", newest)
    assert newest == list(reversed(oldest))
    assert newest[0] == "v#0005"


def test_scan_count_paginated(infra, observed):
    v = Vault(infra.bucket, infra.table, infra.queue_url)  # client created in the test body
    before = v.count_index()
    v.index_batch(_docs(4))
    after = v.count_index(page_size=2)
    assert after == before + 4


def test_table_resource_update_returns_new_values(vault, observed):
    doc_id = Vault.new_doc_id()
    vault.index({"doc_id": doc_id, "name": "x", "size": 1})
    res = vault.table.update_item(
        Key={"pk": f"doc#{doc_id}", "sk": "meta"},
        UpdateExpression="ADD downloads :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    observed("downloads", int(res["Attributes"]["downloads"]))
