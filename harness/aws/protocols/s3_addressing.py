"""S3 requests whose bucket travels in the host, read as the model's path-style requests.

"In a virtual-hosted–style URI, the bucket name is part of the domain name in the URL"
(Amazon S3 User Guide, "Virtual hosting of buckets":
https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html). botocore's
endpoint rules move the bucket into the host in many ways, while the model's request URIs
are path-style (``/{Bucket}/{Key+}``). So before a request is routed or decoded, the bucket
is taken out of the host and put in front of the path, as the caller passed it:

==========================================================  ==================================
host botocore writes                                        ``Bucket`` the caller passed
==========================================================  ==================================
``b.s3.us-west-2.amazonaws.com`` (also ``s3-fips``,         ``b`` (dots allowed)
``s3.dualstack``, ``s3-accelerate``, legacy ``s3-REGION``,
every partition's DNS suffix)
``b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2...``       ``b--usw2-az1--x-s3`` (directory
(and an Outposts alias ``...--op-s3.op-ID.s3-outposts...``) bucket: on any host)
``ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com``  ``arn:aws:s3:us-west-2:123456789012:
(``s3-object-lambda``, ``OUTPOST.s3-outposts``; fips,       accesspoint/ap`` (the ARN, its
dualstack)                                                  partition from botocore's data)
``alias.mrap.accesspoint.s3-global.amazonaws.com``          ``alias.mrap`` (the ARN's account
                                                            is not on the wire)
``b.localhost:4566``, ``b.localhost.localstack.cloud``,     ``b``
``b.s3.localhost.localstack.cloud``, ``b.s3.example.com``
``b.vpce-ID.s3.REGION.vpce.amazonaws.com``                  ``b`` (a leading ``bucket.`` is
                                                            the endpoint's own label)
==========================================================  ==================================

Any other host (an IP address, ``s3.us-east-1.amazonaws.com``, ``minio:9000``) is path-style
already. What the wire cannot say is left: a bucket virtual-hosted on a custom endpoint with
no ``s3`` label and not on ``localhost`` (``b.minio:9000`` reads as host ``b.minio``).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import replace
from urllib.parse import quote, urlsplit, urlunsplit

from harness.exchange import HttpRequest

_REGION = r"[a-z]{2,4}(?:-[a-z]+)+-\d+"

#: A directory bucket (``--x-s3``) or an Outposts access point alias (``--op-s3``): a name
#: no other host starts with, so it is the bucket on whatever endpoint follows.
_SUFFIXED_BUCKET = re.compile(r"(?P<bucket>[a-z0-9][a-z0-9-]*--(?:x|op)-s3)\.(?P<endpoint>.+)")

#: An S3 interface VPC endpoint: ``[bucket.]vpce-ID.s3.REGION.vpce.amazonaws.com``; the
#: ``bucket``/``accesspoint``/``control`` label AWS's docs put in front is the endpoint's own.
_VPCE = re.compile(
    r"(?:(?P<bucket>.+?)\.)??(?P<endpoint>(?:(?:bucket|accesspoint|control)\.)?"
    rf"vpce-[a-z0-9-]+\.s3\.{_REGION}\.vpce\.amazonaws\.com)"
)

_BEFORE_IP = re.compile(r"(?P<bucket>.+)\.(?P<endpoint>\d{1,3}(?:\.\d{1,3}){3})")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


#: Hosts a local S3 (LocalStack, ``harness serve``) answers on, a bucket label in front.
LOCAL_ENDPOINTS = ("localhost.localstack.cloud", "localhost")


@functools.cache
def _aws_patterns() -> tuple[re.Pattern[str], ...]:
    from harness.aws.models import dns_suffixes  # (the models module loads botocore's data)

    suffix = "(?:" + "|".join(re.escape(s) for s in dns_suffixes()) + ")"
    endpoint = (
        rf"s3(?:-fips|-accelerate|-external-1|-{_REGION})?"
        rf"(?:\.dualstack)?(?:\.{_REGION})?\.{suffix}"
    )
    # greedy: a dotted bucket may hold an ``s3`` label of its own
    virtual = re.compile(rf"(?P<bucket>[a-z0-9][a-z0-9.-]*)\.(?P<endpoint>{endpoint})")
    # the hosts of S3 itself, no bucket in front (path-style, directory bucket control)
    own = re.compile(
        rf"{endpoint}|s3express-control(?:-fips)?(?:\.dualstack)?\.{_REGION}\.{suffix}"
    )
    access_point = re.compile(
        r"(?P<name>[a-z0-9][a-z0-9-]*)-(?P<account>\d{12})\.(?:(?P<outpost>op-[a-z0-9]+)\.)?"
        r"(?P<service>s3-accesspoint|s3-object-lambda|s3-outposts)(?:-fips)?(?:\.dualstack)?"
        rf"\.(?P<region>{_REGION})\.{suffix}"
    )
    multi_region = re.compile(rf"(?P<alias>[a-z0-9.-]+\.mrap)\.accesspoint\.s3-global\.{suffix}")
    return virtual, access_point, multi_region, own


def bucket_in_host(host: str) -> tuple[str, str] | None:
    """``(Bucket, endpoint host)`` when ``host`` carries an S3 bucket (see the module
    docstring), else None."""
    host = host.lower().rstrip(".")
    if _is_ip(host):
        return None
    if (found := _BEFORE_IP.fullmatch(host)) and _is_ip(found["endpoint"]):
        # botocore path-styles a plain bucket on an IP endpoint, but a dotted one with
        # addressing_style=virtual goes in front of the address
        return found["bucket"], found["endpoint"]
    if found := _SUFFIXED_BUCKET.fullmatch(host):
        return found["bucket"], found["endpoint"]
    if found := _VPCE.fullmatch(host):
        return (found["bucket"], found["endpoint"]) if found["bucket"] else None
    virtual, access_point, multi_region, _ = _aws_patterns()
    if found := access_point.fullmatch(host):
        return _access_point_arn(found), host.split(".", 1 + bool(found["outpost"]))[-1]
    if found := multi_region.fullmatch(host):
        return found["alias"], host[len(found["alias"]) + 1 :]
    if found := virtual.fullmatch(host):
        return found["bucket"], found["endpoint"]
    return _custom_endpoint_bucket(host)


def s3_endpoint_of(host: str) -> str | None:
    """The S3 endpoint host of ``host`` when it is one of S3's own or carries a bucket
    (``s3express-control.us-west-2.amazonaws.com``; ``localhost`` for ``b.localhost``)."""
    found = bucket_in_host(host)
    if found is not None:
        return found[1]
    host = host.lower().rstrip(".")
    return host if _aws_patterns()[3].fullmatch(host) else None


def uses_express_control(host: str) -> bool:
    """True for the host of S3's directory bucket control plane (``s3express-control...``):
    the operations whose model sets ``UseS3ExpressControlEndpoint`` go there."""
    return host.lower().startswith("s3express-control")


def _access_point_arn(found: re.Match[str]) -> str:
    from harness.aws.models import partition_of

    region, account, name = found["region"], found["account"], found["name"]
    service = "s3" if found["service"] == "s3-accesspoint" else found["service"]
    resource = f"accesspoint/{name}"
    if found["outpost"]:
        resource = f"outpost/{found['outpost']}/{resource}"
    return f"arn:{partition_of(region)}:{service}:{region}:{account}:{resource}"


def _custom_endpoint_bucket(host: str) -> tuple[str, str] | None:
    """A bucket in front of a local endpoint (``b.localhost``, ``b.localhost.localstack.cloud``,
    ``b.s3.localhost.localstack.cloud``) or of a custom one's last ``s3`` label
    (``b.s3.example.com``)."""
    for suffix in LOCAL_ENDPOINTS:
        if host.endswith("." + suffix):
            bucket = host[: -len(suffix) - 1]
            if bucket == "s3" or bucket.endswith(".s3"):  # LocalStack's s3.localhost... host
                bucket, suffix = bucket[:-3], "s3." + suffix
            return (bucket, suffix) if bucket else None
    labels = host.split(".")
    if "s3" in labels[1:]:
        at = len(labels) - 1 - labels[::-1].index("s3")
        return ".".join(labels[:at]), ".".join(labels[at:])
    return None


def path_style(request: HttpRequest) -> HttpRequest:
    """``request`` with the bucket its host carries moved into its path, as the caller's
    ``Bucket`` (any other request unchanged)."""
    split = urlsplit(request.url)
    found = bucket_in_host(split.hostname or "")
    if found is None:
        return request
    bucket, endpoint = found
    host = endpoint + (f":{split.port}" if split.port else "")
    path = "/" + quote(bucket, safe="") + (split.path if split.path != "/" else "")
    return replace(request, url=urlunsplit((split.scheme, host, path, split.query, "")))
