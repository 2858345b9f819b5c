"""Threads: shared clients, per-thread clients, clients created inside pool workers."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import boto3
import pytest
from vault import Vault, client_config

pytestmark = pytest.mark.aws_cassette


def _seed(vault, n, size=1000):
    prefix = f"par/{Vault.new_doc_id()}/"
    data = {f"{prefix}{i}": os.urandom(size) for i in range(n)}
    for key, body in data.items():
        vault.s3.put_object(Bucket=vault.bucket, Key=key, Body=body)
    return data


def test_fetch_many_shared_client(vault, observed):
    data = _seed(vault, 8)
    got = vault.fetch_many(data)
    assert got == data
    observed("n", len(got))


def test_fetch_many_per_thread_clients(vault, observed):
    data = _seed(vault, 8)
    got = vault.fetch_many(data, per_thread_clients=True)
    assert got == data


def test_put_many_in_threads_then_list(vault, observed):
    prefix = f"many/{Vault.new_doc_id()}/"
    texts = {f"{prefix}{i:02d}": f"text {i}" for i in range(10)}
    done = vault.put_many(texts)
    assert sorted(done) == sorted(texts)
    listed, _ = vault.list_keys(prefix, page_size=4)
    observed("listed", [k[len(prefix) :] for k in listed])


def test_clients_created_inside_workers(infra, observed):
    """Each worker makes its own session and client, then writes and reads back."""

    def work(i: int) -> tuple[int, str]:
        s3 = boto3.session.Session(region_name="eu-west-1").client("s3", config=client_config())
        key = Vault.new_key(f"w{i}.txt")
        s3.put_object(Bucket=infra.bucket, Key=key, Body=f"worker {i}".encode())
        return i, s3.get_object(Bucket=infra.bucket, Key=key)["Body"].read().decode()

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(f.result() for f in as_completed([pool.submit(work, i) for i in range(6)]))
    observed("results", sorted(results.items()))
    assert results == {i: f"worker {i}" for i in range(6)}


def test_plain_threads_with_shared_dynamodb_client(vault, observed):
    ids = [Vault.new_doc_id() for _ in range(6)]
    errors: list[BaseException] = []

    def write(doc_id: str) -> None:
        try:
            vault.index({"doc_id": doc_id, "name": "t"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(d,)) for d in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    found = [vault.owner_of(d) for d in ids]  # get_item: no owner yet, item exists
    observed("found", found)
    count = sum(
        1 for d in ids if "Item" in vault.table.get_item(Key={"pk": f"doc#{d}", "sk": "meta"})
    )
    observed("count", count)


def test_audit_events_from_threads(vault, observed):
    data = _seed(vault, 6, size=100)
    vault.fetch_many(data)
    calls = vault.audit.by_hook("after-call")
    observed("ops", sorted(e["op"] for e in calls))
    observed("statuses", sorted({e["status"] for e in calls}))
