"""The fleet on EC2: launches with default tags, filters, paginators with JMESPath, the
instance_running waiter, security group rules, error codes of the ec2 protocol."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, WaiterError

pytestmark = pytest.mark.aws_cassette


def test_launch_and_find_by_tag(harbor, instances, observed):
    found = harbor.fleet(role="web")
    observed("count", len(found))
    observed("ids_match", sorted(f["id"] for f in found) == sorted(instances))
    observed("states", sorted({f["state"] for f in found}))
    observed("launched_type", type(found[0]["launched"]).__name__)
    observed("ip_prefix", sorted(f["private_ip"].rsplit(".", 1)[0] for f in found))


def test_default_tags_from_hook(harbor, hooks, instances, observed):
    out = harbor.ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": instances}, {"Name": "key", "Values": ["team"]}]
    )
    observed("team_tags", sorted(t["Value"] for t in out["Tags"]))
    observed("calls", [e["op"] for e in hooks.by_hook("after-call")])


def test_fleet_paginated_small_pages(harbor, names, observed):
    ids = harbor.launch(3, role="worker")
    seen = []
    pages = harbor.ec2.get_paginator("describe_instances").paginate(
        Filters=[
            {"Name": "tag:role", "Values": ["worker"]},
            {"Name": "tag:fleet", "Values": [names["fleet"]]},
        ],
        PaginationConfig={"PageSize": 5, "MaxItems": 10},
    )
    for page in pages:
        seen.append(len(page["Reservations"]))
    observed("pages", seen)
    found = list(pages.search("Reservations[].Instances[].InstanceId"))
    observed("found_all", sorted(found) == sorted(ids))


def test_wait_running_then_describe_status(harbor, instances, observed):
    harbor.wait_running(instances)
    status = harbor.ec2.describe_instance_status(InstanceIds=instances)["InstanceStatuses"]
    observed("states", sorted(s["InstanceState"]["Name"] for s in status))


def test_terminate_then_filter_out(harbor, names, observed):
    ids = harbor.launch(1, role="batch")
    observed("terminating", harbor.retire(ids))
    observed("left", [f["id"] for f in harbor.fleet(role="batch")])


def test_unknown_instance_error_code(harbor, observed):
    with pytest.raises(ClientError) as err:
        harbor.ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    e = err.value.response
    observed("code", e["Error"]["Code"])
    observed("status", e["ResponseMetadata"]["HTTPStatusCode"])
    observed("op", err.value.operation_name)
    observed("message_has_id", "i-0123456789abcdef0" in e["Error"]["Message"])


def test_waiter_gives_up(harbor, observed):
    with pytest.raises(WaiterError) as err:
        harbor.ec2.get_waiter("instance_exists").wait(
            InstanceIds=["i-0fedcba9876543210"], WaiterConfig={"Delay": 1, "MaxAttempts": 2}
        )
    observed("reason", err.value.kwargs.get("reason"))
    observed("last_code", err.value.last_response.get("Error", {}).get("Code"))


def test_security_group_rules(harbor, names, observed):
    out = harbor.open_port(8443)
    observed("return", out.get("Return"))
    observed("rule_count", len(out.get("SecurityGroupRules", [])))
    sg = harbor.ec2.describe_security_groups(GroupIds=[names["sg"]])["SecurityGroups"][0]
    ports = sorted(p.get("FromPort", -1) for p in sg["IpPermissions"])
    observed("has_port", 8443 in ports)
    with pytest.raises(ClientError) as err:
        harbor.open_port(8443)
    observed("dup_code", err.value.response["Error"]["Code"])


def test_ec2_resource_collection(harbor, names, instances, observed):
    ec2 = harbor.session.resource("ec2")
    vpc = ec2.Vpc(names["vpc"])
    observed("cidr", vpc.cidr_block)
    running = list(
        vpc.instances.filter(Filters=[{"Name": "tag:fleet", "Values": [names["fleet"]]}])
    )
    observed("in_vpc", len(running) >= 2)
    inst = ec2.Instance(instances[0])
    observed("type", inst.instance_type)
    observed("tags", sorted(t["Key"] for t in inst.tags))


def test_dry_run_error(harbor, observed):
    with pytest.raises(ClientError) as err:
        harbor.ec2.describe_vpcs(DryRun=True)
    observed("code", err.value.response["Error"]["Code"])


def test_regions_and_zones(harbor, observed):
    zones = harbor.ec2.describe_availability_zones()["AvailabilityZones"]
    observed("zones", sorted(z["ZoneName"] for z in zones))
    regions = harbor.ec2.describe_regions(RegionNames=["eu-west-1", "us-east-1"])["Regions"]
    observed("endpoints_suffix", sorted(r["Endpoint"].split(".", 1)[1] for r in regions))
