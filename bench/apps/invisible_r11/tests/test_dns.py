"""Route 53 (rest-xml): change batches, the resource_record_sets_changed waiter, paginated
record sets, errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def test_publish_name_and_wait(harbor, observed):
    change = harbor.publish_name(f"api-{harbor.new_id()}", ["10.0.1.10", "10.0.1.11"])
    observed("change_prefix", change.split("/")[1] if "/" in change else change[:1])
    info = harbor.route53.get_change(Id=change)["ChangeInfo"]
    observed("status", info["Status"])
    observed("submitted_type", type(info["SubmittedAt"]).__name__)


def test_record_sets_paginated(harbor, names, observed):
    for host in ("a", "b", "c"):
        harbor.publish_name(host, ["10.0.1.20"])
    records = harbor.names_in_zone(page_size=2)
    observed("records", sorted(records))


def test_zone_details(harbor, names, observed):
    zone = harbor.route53.get_hosted_zone(Id=names["zone"])
    observed("name", zone["HostedZone"]["Name"] == names["domain"] + ".")
    observed("ns_count", len(zone.get("DelegationSet", {}).get("NameServers", [])))
    observed("count_type", type(zone["HostedZone"]["ResourceRecordSetCount"]).__name__)


def test_bad_change_error(harbor, names, observed):
    with pytest.raises(ClientError) as err:
        harbor.route53.change_resource_record_sets(
            HostedZoneId=names["zone"],
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "DELETE",
                        "ResourceRecordSet": {
                            "Name": f"gone.{names['domain']}",
                            "Type": "A",
                            "TTL": 60,
                            "ResourceRecords": [{"Value": "10.9.9.9"}],
                        },
                    }
                ]
            },
        )
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_no_such_zone(harbor, observed):
    with pytest.raises(harbor.route53.exceptions.NoSuchHostedZone) as err:
        harbor.route53.get_hosted_zone(Id="Z0000000NOPE")
    observed("code", err.value.response["Error"]["Code"])


def test_zones_by_name(harbor, names, observed):
    out = harbor.route53.list_hosted_zones_by_name(DNSName=names["domain"], MaxItems="1")
    observed("first_is_ours", out["HostedZones"][0]["Name"] == names["domain"] + ".")
    observed("max_items", out.get("MaxItems"))
