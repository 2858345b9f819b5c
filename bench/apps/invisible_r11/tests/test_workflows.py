"""Step Functions (json 1.0): executions started by a hook-named run, described, listed with
MaxItems; time-dependent code under freezegun."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from freezegun import freeze_time
from harbor.app import elapsed_ms, now_iso

pytestmark = pytest.mark.aws_cassette


def test_run_workflow_named_by_hook(harbor, observed):
    run = harbor.run_workflow({"version": "1.4.2"})
    desc = run["desc"]
    observed("name_prefix", desc["name"].split("-")[0])
    observed("status", desc["status"])
    observed("input", json.loads(desc["input"]))
    observed("started_tz", run["started"].tzinfo is not None)
    observed("same_start", run["started"] == desc["startDate"])


def test_run_workflow_explicit_name(harbor, observed):
    name = f"release-{harbor.new_id()}"
    run = harbor.run_workflow({"version": "1.4.3"}, name=name)
    observed("name_is_ours", run["desc"]["name"] == name)
    observed("arn_tail", run["arn"].rsplit(":", 1)[1] == name)


def test_executions_listed(harbor, observed):
    names = [f"list-{harbor.new_id()}" for _ in range(3)]
    for n in names:
        harbor.run_workflow({"n": n}, name=n)
    listed = harbor.executions(max_items=50)
    observed("all_listed", all(n in listed for n in names))


def test_duplicate_execution_name(harbor, observed):
    name = f"dup-{harbor.new_id()}"
    harbor.run_workflow({"a": 1}, name=name)
    with pytest.raises(harbor.sfn.exceptions.ExecutionAlreadyExists) as err:
        harbor.sfn.start_execution(
            stateMachineArn=harbor.names["machine"], name=name, input='{"a": 2}'
        )
    observed("code", err.value.response["Error"]["Code"])


def test_machine_definition(harbor, names, observed):
    out = harbor.sfn.describe_state_machine(stateMachineArn=names["machine"])
    observed("states", sorted(json.loads(out["definition"])["States"]))
    observed("created_type", type(out["creationDate"]).__name__)
    observed("status", out.get("status"))


@freeze_time("2026-03-01 09:30:00")
def test_release_mail_under_frozen_clock(harbor, observed):
    observed("now", now_iso())
    mid = harbor.release_mail("1.4.2", ["ops@example.com"])
    observed("mid_len", len(mid))
    observed("clock_after", datetime.now(timezone.utc).isoformat())


def test_elapsed_time_measured(harbor, observed):
    started = time.monotonic()
    harbor.run_workflow({"timed": True})
    ms = elapsed_ms(started)
    observed("non_negative", ms >= 0)
    observed("under_a_minute", ms < 60_000)


def test_execution_history(harbor, observed):
    run = harbor.run_workflow({"history": True})
    pages = harbor.sfn.get_paginator("get_execution_history").paginate(
        executionArn=run["arn"], PaginationConfig={"PageSize": 2}
    )
    observed("types", [e["type"] for e in pages.search("events[]")][:2])
