"""CloudFormation: create and wait, outputs, paginated events, validation errors, the stack
resource, change sets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


@pytest.fixture(scope="module")
def stack(names):
    from harbor import Harbor

    h = Harbor(names)
    name = f"harbor-{h.new_id()}"
    return name, h.deploy_stack(name, "release-tag")


def test_stack_created(stack, observed):
    _, out = stack
    observed("status", out["status"])
    observed("outputs", sorted(out["outputs"]))
    observed("created_type", type(out["created"]).__name__)


def test_stack_events_paginated(harbor, stack, observed):
    name, _ = stack
    events = harbor.stack_events(name)
    observed("has_complete", "CREATE_COMPLETE" in events)
    observed("count", len(events))


def test_stack_resource(harbor, stack, observed):
    name, _ = stack
    cfn = harbor.session.resource("cloudformation")
    st = cfn.Stack(name)
    observed("status", st.stack_status)
    observed("params", [(p["ParameterKey"], p["ParameterValue"]) for p in st.parameters])
    observed("resources", sorted(r.resource_type for r in st.resource_summaries.all()))


def test_validation_error(harbor, observed):
    with pytest.raises(ClientError) as err:
        harbor.cfn.describe_stacks(StackName="harbor-missing-stack")
    observed("code", err.value.response["Error"]["Code"])
    observed("message", err.value.response["Error"]["Message"])


def test_template_round_trip(harbor, stack, observed):
    name, _ = stack
    body = harbor.cfn.get_template(StackName=name)["TemplateBody"]
    observed("type", type(body).__name__)
    observed("resources", sorted((body if isinstance(body, dict) else {}).get("Resources", {})))


def test_stack_list_search(harbor, stack, observed):
    name, _ = stack
    pages = harbor.cfn.get_paginator("list_stacks").paginate(StackStatusFilter=["CREATE_COMPLETE"])
    observed("found", name in list(pages.search("StackSummaries[].StackName")))
