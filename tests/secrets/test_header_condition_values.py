"""An ELB listener rule's header condition whose header carries a shared secret
(``X-Origin-Verify``: the header CloudFront adds for the origin to check) has its values
redacted, in the request's form and in the XML answer; a plain header's values are kept.

From the secrets-r16 trial (fix half: ``elbv2_rule_origin_verify_header_value``):
``HttpHeaderConfig {HttpHeaderName: X-Origin-Verify, Values: [secret]}`` reached the
cassette raw both ways: the value is named by a sibling member, as a list, and no rule knew
the header's name.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import botocore.serialize
import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor, detectors

SENTINEL = "sntl16OriginVerify01xYz"
RULE = operation_model("elbv2", "CreateRule")
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _form(header: str, values: list[str]) -> bytes:
    params = {
        "ListenerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/b/c",
        "Priority": 1,
        "Conditions": [
            {
                "Field": "http-header",
                "HttpHeaderConfig": {"HttpHeaderName": header, "Values": values},
            }
        ],
        "Actions": [{"Type": "forward", "TargetGroupArn": "arn:aws:elb:tg"}],
    }
    request = botocore.serialize.create_serializer("query").serialize_to_request(params, RULE)
    return urlencode(request["body"]).encode()  # (botocore's query body: a dict, form-encoded)


@pytest.mark.parametrize("header", ["X-Origin-Verify", "x-origin-verify"])
def test_the_values_of_a_secret_header_condition_are_redacted_in_the_form(header: str) -> None:
    out = Redactor().body(_form(header, [SENTINEL, SENTINEL + "2"]), RULE, "input", FORM)
    got = dict(parse_qsl(out.decode()))
    assert SENTINEL not in out.decode()
    values = [v for k, v in got.items() if ".HttpHeaderConfig.Values.member." in k]
    assert len(values) == 2 and all(v.startswith("REDACTED") for v in values)
    assert got["Conditions.member.1.HttpHeaderConfig.HttpHeaderName"] == header


def test_the_values_of_a_plain_header_condition_are_kept() -> None:
    out = Redactor().body(_form("User-Agent", ["*Mobile*"]), RULE, "input", FORM)
    assert (
        dict(parse_qsl(out.decode()))["Conditions.member.1.HttpHeaderConfig.Values.member.1"]
        == "*Mobile*"
    )


def test_the_values_of_a_secret_header_condition_are_redacted_in_the_answer() -> None:
    xml = (
        '<DescribeRulesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'
        "<DescribeRulesResult><Rules><member><Conditions><member><Field>http-header</Field>"
        "<HttpHeaderConfig><HttpHeaderName>X-Origin-Verify</HttpHeaderName><Values>"
        f"<member>{SENTINEL}</member></Values></HttpHeaderConfig></member><member>"
        "<Field>http-header</Field><HttpHeaderConfig><HttpHeaderName>User-Agent</HttpHeaderName>"
        "<Values><member>*Mobile*</member></Values></HttpHeaderConfig></member></Conditions>"
        "</member></Rules></DescribeRulesResult></DescribeRulesResponse>"
    ).encode()
    op = operation_model("elbv2", "DescribeRules")
    out = Redactor().body(xml, op, "output", "text/xml").decode()
    assert SENTINEL not in out and "<member>REDACTED" in out and "<member>*Mobile*</member>" in out


@pytest.mark.parametrize(
    "text",
    [
        "X-Origin-Verify: {}\n",
        '{{"headers": {{"x-origin-verify": "{}"}}}}',
        "origin_verify={}&region=us-east-1",
    ],
)
def test_an_origin_verify_header_is_found_by_name_in_any_text(text: str) -> None:
    written = text.format(SENTINEL)
    found = [written[f.start : f.end] for f in detectors.find_secrets(written)]
    assert found == [SENTINEL]


def test_a_verify_flag_is_no_secret() -> None:
    assert detectors.find_secrets("ssl_verify=false&verify_peer=true") == []
