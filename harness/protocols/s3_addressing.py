"""S3's virtual-hosted requests read as the path-style requests the model describes.

"In a virtual-hosted–style URI, the bucket name is part of the domain name in the URL"
(Amazon S3 User Guide, "Virtual hosting of buckets":
https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html). botocore sends
S3 requests that way by default (its endpoint rules move the bucket into the host), while
the model's request URIs are path-style (``/{Bucket}/{Key+}``). So before a request is
routed or decoded, ``https://amzn-s3-demo-bucket.s3.us-west-2.amazonaws.com/photos/a.jpg``
is read as ``https://s3.us-west-2.amazonaws.com/amzn-s3-demo-bucket/photos/a.jpg``: the same
operation and parameters whichever addressing style the client used, so a cassette recorded
one way replays the other and is checked either way.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote, urlsplit, urlunsplit

from harness.exchange import HttpRequest

#: A bucket's own host on AWS: ``BUCKET.s3[.-]...amazonaws.com`` (regional, dual-stack,
#: accelerate and legacy ``s3-REGION`` forms; China's ``.com.cn``). The bucket is everything
#: before the first ``.s3`` label that the rest of the name follows (names may hold dots).
_VIRTUAL_HOST = re.compile(
    r"(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.(?P<endpoint>s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?)",
    re.IGNORECASE,
)


def path_style(request: HttpRequest) -> HttpRequest:
    """``request`` with the bucket of a virtual-hosted S3 host moved into its path (any other
    request unchanged)."""
    split = urlsplit(request.url)
    found = _VIRTUAL_HOST.fullmatch(split.hostname or "")
    if found is None:
        return request
    host = found["endpoint"] + (f":{split.port}" if split.port else "")
    path = "/" + quote(found["bucket"], safe="") + (split.path if split.path != "/" else "")
    return replace(request, url=urlunsplit((split.scheme, host, path, split.query, "")))
