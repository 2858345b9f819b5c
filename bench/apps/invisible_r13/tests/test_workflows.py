"""The sale saga on Step Functions, door openings on EventBridge Scheduler, announcements
by EventBridge rules delivered to SQS."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette

ROLE = "arn:aws:iam::123456789012:role/boxoffice-saga"
DEFINITION = json.dumps(
    {
        "StartAt": "Reserve",
        "States": {
            "Reserve": {"Type": "Pass", "Result": {"reserved": True}, "Next": "Charge"},
            "Charge": {"Type": "Pass", "End": True},
        },
    }
)


@pytest.fixture
def machine(box, suffix):
    return box.client("stepfunctions").create_state_machine(
        name=f"saga-{suffix}", definition=DEFINITION, roleArn=ROLE
    )["stateMachineArn"]


def test_start_and_describe_execution(box, machine, observed):
    sfn = box.client("stepfunctions")
    name = f"order-{uuid.uuid4()}"
    out = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps({"seat": "A-1"}))
    observed("arn_ends_with_name", out["executionArn"].endswith(name))
    desc = sfn.describe_execution(executionArn=out["executionArn"])
    observed("name_matches", desc["name"] == name)
    observed("input", json.loads(desc["input"]))
    observed("status", desc["status"])
    started = desc["startDate"]
    observed(
        "started_recently",
        abs((dt.datetime.now(dt.timezone.utc) - started).total_seconds()) < 120,
    )


def test_duplicate_execution_name(box, machine, observed):
    sfn = box.client("stepfunctions")
    name = f"dup-{uuid.uuid4().hex}"
    sfn.start_execution(stateMachineArn=machine, name=name, input="{}")
    try:
        sfn.start_execution(stateMachineArn=machine, name=name, input='{"other": 1}')
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])


def test_executions_paginated(box, machine, observed):
    sfn = box.client("stepfunctions")
    arns = [
        sfn.start_execution(stateMachineArn=machine, name=f"p-{i}-{uuid.uuid4().hex[:8]}")[
            "executionArn"
        ]
        for i in range(5)
    ]
    pages = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=machine, PaginationConfig={"PageSize": 2, "MaxItems": 4}
    )
    listed = []
    token = None
    for page in pages:
        listed.extend(e["executionArn"] for e in page["executions"])
    token = pages.resume_token
    observed("first_four", len(listed))
    observed("all_known", set(listed) <= set(arns))
    observed("resume", bool(token))
    rest = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=machine, PaginationConfig={"PageSize": 2, "StartingToken": token}
    )
    more = [e["executionArn"] for page in rest for e in page["executions"]]
    observed("total", len(set(listed) | set(more)))


def test_stop_execution(box, machine, observed):
    sfn = box.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    stopped = sfn.stop_execution(executionArn=arn, error="Cancelled", cause="fan left")
    observed("stop_date_type", type(stopped["stopDate"]).__name__)
    observed("status", sfn.describe_execution(executionArn=arn)["status"])


def test_machine_tags_and_definition(box, machine, observed):
    sfn = box.client("stepfunctions")
    sfn.tag_resource(resourceArn=machine, tags=[{"key": "venue", "value": "arena"}])
    observed("tags", sfn.list_tags_for_resource(resourceArn=machine)["tags"])
    desc = sfn.describe_state_machine(stateMachineArn=machine)
    observed("definition", json.loads(desc["definition"]))
    observed("role", desc["roleArn"])


@pytest.fixture
def group(box, suffix):
    name = f"doors-{suffix}"
    box.client("scheduler").create_schedule_group(Name=name)
    return name


def test_schedule_door_opening(box, group, suffix, observed):
    sch = box.client("scheduler")
    opens = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).replace(microsecond=0)
    expr = f"at({opens.strftime('%Y-%m-%dT%H:%M:%S')})"
    sch.create_schedule(
        Name=f"open-{suffix}",
        GroupName=group,
        ScheduleExpression=expr,
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:sqs:ap-southeast-2:123456789012:doors", "RoleArn": ROLE},
    )
    got = sch.get_schedule(Name=f"open-{suffix}", GroupName=group)
    observed("expression_is_ours", got["ScheduleExpression"] == expr)
    observed("state", got["State"])
    observed("window", got["FlexibleTimeWindow"])


def test_schedule_window_update(box, group, suffix, observed):
    sch = box.client("scheduler")
    name = f"rate-{suffix}"
    base = dict(
        Name=name,
        GroupName=group,
        ScheduleExpression="rate(5 minutes)",
        Target={"Arn": "arn:aws:sqs:ap-southeast-2:123456789012:doors", "RoleArn": ROLE},
    )
    sch.create_schedule(FlexibleTimeWindow={"Mode": "OFF"}, **base)
    end = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(microsecond=0)
    sch.update_schedule(
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10},
        EndDate=end,
        State="DISABLED",
        **base,
    )
    got = sch.get_schedule(Name=name, GroupName=group)
    observed("window", got["FlexibleTimeWindow"])
    observed("state", got["State"])
    observed("end_matches", got.get("EndDate") == end if got.get("EndDate") else None)


def test_schedules_listed_by_group(box, group, suffix, observed):
    sch = box.client("scheduler")
    for i in range(3):
        sch.create_schedule(
            Name=f"s{i}-{suffix}",
            GroupName=group,
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:sqs:ap-southeast-2:123456789012:doors", "RoleArn": ROLE},
        )
    pages = sch.get_paginator("list_schedules").paginate(
        GroupName=group, PaginationConfig={"PageSize": 2}
    )
    names = sorted(s["Name"] for page in pages for s in page["Schedules"])
    observed("names", [n.split("-")[0] for n in names])


def test_missing_schedule(box, group, observed):
    try:
        box.client("scheduler").get_schedule(Name="nope", GroupName=group)
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
        observed("status", e.response["ResponseMetadata"]["HTTPStatusCode"])


def test_rule_delivers_to_queue(box, suffix, observed):
    events = box.client("events")
    sqs = box.client("sqs")
    url = sqs.create_queue(QueueName=f"announce-{suffix}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bus = f"venue-{suffix}"
    events.create_event_bus(Name=bus)
    events.put_rule(
        Name=f"doors-{suffix}",
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["boxoffice"], "detail-type": ["DoorsOpen"]}),
    )
    events.put_targets(Rule=f"doors-{suffix}", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    out = events.put_events(
        Entries=[
            {
                "Source": "boxoffice",
                "DetailType": "DoorsOpen",
                "Detail": json.dumps({"gate": "north"}),
                "EventBusName": bus,
            },
            {
                "Source": "boxoffice",
                "DetailType": "Other",
                "Detail": "{}",
                "EventBusName": bus,
            },
        ]
    )
    observed("failed", out["FailedEntryCount"])
    got = box.drain(url, want=1, rounds=3)
    bodies = [json.loads(m["Body"]) for m in got]
    observed("detail_types", [b["detail-type"] for b in bodies])
    observed("details", [b["detail"] for b in bodies])
    observed("id_matches", [b["id"] for b in bodies] == [out["Entries"][0]["EventId"]])


def test_scheduled_rule(box, suffix, observed):
    events = box.client("events")
    events.put_rule(Name=f"nightly-{suffix}", ScheduleExpression="cron(0 3 * * ? *)")
    events.put_targets(
        Rule=f"nightly-{suffix}",
        Targets=[
            {
                "Id": "t",
                "Arn": "arn:aws:sqs:ap-southeast-2:123456789012:nightly",
                "Input": json.dumps({"job": "reconcile"}),
            }
        ],
    )
    targets = events.list_targets_by_rule(Rule=f"nightly-{suffix}")["Targets"]
    observed("targets", targets)
    rule = events.describe_rule(Name=f"nightly-{suffix}")
    observed("expr", rule["ScheduleExpression"])
    observed("state", rule["State"])
