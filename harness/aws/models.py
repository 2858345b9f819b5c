"""The only module that loads botocore data: service and operation models, by name.

Everything model-driven in the harness (schemas, wire decoding, matching, strategies,
the synthetic backend) asks this module for botocore's ``ServiceModel`` and
``OperationModel`` objects, so there is one cache and one place that turns a mistyped
name into a helpful error.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from typing import TYPE_CHECKING, Any

import botocore
import botocore.exceptions
import botocore.loaders
import botocore.session
from botocore.model import ServiceModel

from harness.aws.protocols import protocol_of
from harness.errors import HarnessUsageError, UnsupportedProtocolError, did_you_mean

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

#: Protocols with a JSON wire form: strategies, pagination fuzzing and the synthetic backend.
SUPPORTED_PROTOCOLS = ("json", "rest-json")

#: Protocols whose traffic has schemas and contract checks: every protocol botocore speaks.
#: The json ones are checked in wire form; the others (XML, CBOR) as botocore parses them.
CHECKED_PROTOCOLS = ("json", "rest-json", "rest-xml", "query", "ec2", "smithy-rpc-v2-cbor")


def botocore_version() -> str:
    """The version of the installed botocore, recorded in every generated schema."""
    return str(botocore.__version__)


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    # A private session with its own data loader: loading models never reads the user's AWS
    # config (a missing AWS_PROFILE would otherwise raise ProfileNotFound) or credentials.
    session = botocore.session.Session()
    session.register_component("data_loader", botocore.loaders.create_loader())
    return session


@functools.lru_cache(maxsize=1)
def available_services() -> tuple[str, ...]:
    """Names of every service model the installed botocore ships."""
    return tuple(sorted(_session().get_available_services()))


@functools.cache
def service_model(service: str) -> ServiceModel:
    """Return botocore's model of ``service``; unknown names raise with a close match."""
    # loaded first, listed only for an unknown name: a suite that names known services need
    # not list the ~400 folders of botocore's data (~0.03 s of its start-up, issue 57)
    try:
        # (botocore's names are lower case, a folder each: never a path, whatever the file
        # system's case rules)
        if (
            isinstance(service, str)
            and service == service.lower()
            and service.strip("./\\")
            and not set("/\\") & set(service)
        ):
            return _session().get_service_model(service)
    except botocore.exceptions.DataNotFoundError:
        pass
    if service not in available_services():
        raise HarnessUsageError(
            f"Unknown service {service!r}: botocore {botocore_version()} has no model of "
            f"that name.{did_you_mean(service, available_services())} Use the service name "
            "as boto3.client() takes it, for example 'xray' or 'cloudtrail'."
        )
    return _session().get_service_model(service)


@functools.cache
def service_metadata(service: str) -> dict[str, Any]:
    """The ``metadata`` of a service's model (protocol, target prefix, signing name, endpoint
    prefix), read without building the model: routing a request among every service of
    botocore needs this of all 400 and the rest of none, and whole models take seconds to
    load. A model with SDK extras, or one not read this way, is loaded whole."""
    loader = _session().get_component("data_loader")
    try:
        version = loader.determine_latest_version(service, "service-2")
        for base in loader.search_paths:
            folder = os.path.join(base, service, version)
            if os.path.exists(os.path.join(folder, "service-2.sdk-extras.json")):
                break  # (extras may change the metadata: botocore merges them)
            found = _metadata_in(os.path.join(folder, "service-2.json"))
            if found is not None:
                return found
    except Exception:  # (whatever went wrong, the model itself says)
        pass
    return dict(service_model(service).metadata)


def _metadata_in(path: str) -> dict[str, Any] | None:
    """The top-level ``metadata`` object of a model file (``.json`` or ``.json.gz``), read
    from the file's head (a model begins ``{"version":..., "metadata":{...}``)."""
    for name, opener in ((path, open), (path + ".gz", gzip.open)):
        if not os.path.exists(name):
            continue
        with opener(name, "rt", encoding="utf-8") as handle:
            text = handle.read(_HEAD_CHARACTERS)
            at = text.find('"metadata"', 0, 200)
            start = text.find("{", at) if at >= 0 else -1
            if start < 0:
                return None
            try:
                value, _ = _DECODER.raw_decode(text, start)
            except json.JSONDecodeError:  # (metadata longer than the head: read on)
                value, _ = _DECODER.raw_decode(text + handle.read(), start)
        return value if isinstance(value, dict) and "endpointPrefix" in value else None
    return None


#: Characters of a model file read for its metadata (the largest is under 2,000).
_HEAD_CHARACTERS = 8192
_DECODER = json.JSONDecoder()


def resolved_protocol_of(metadata: dict[str, Any]) -> str:
    """The protocol botocore speaks to a service with this ``metadata`` (its own rule:
    ``ServiceModel.resolved_protocol`` of a model holding only the metadata)."""
    bare = ServiceModel({"metadata": metadata, "operations": {}, "shapes": {}})
    return str(getattr(bare, "resolved_protocol", None) or bare.protocol)


def protocol(service: str) -> str:
    """The wire protocol botocore uses for ``service`` (``json``, ``rest-json``, ...)."""
    return str(protocol_of(service_model(service)))


def require_supported(service: str) -> ServiceModel:
    """Return the model of ``service``, or raise if its protocol has no JSON wire form."""
    model = service_model(service)
    if protocol_of(model) not in SUPPORTED_PROTOCOLS:
        raise UnsupportedProtocolError(
            f"Service {service!r} speaks the {protocol_of(model)!r} protocol: "
            "botocore-harness's strategies, paginator fuzzing and synthetic traffic need a "
            f"JSON wire form (supported: {', '.join(SUPPORTED_PROTOCOLS)}). Record, replay, "
            "schemas and contract checks work for every protocol; open an issue if you need "
            "this one."
        )
    return model


def require_checkable(service: str) -> ServiceModel:
    """Return the model of ``service``, or raise if no schema can describe its traffic."""
    model = service_model(service)
    if protocol_of(model) not in CHECKED_PROTOCOLS:
        raise UnsupportedProtocolError(
            f"Service {service!r} speaks the {protocol_of(model)!r} protocol, which "
            "botocore-harness's schemas and contract checks do not know (known: "
            f"{', '.join(CHECKED_PROTOCOLS)}). Record and replay still work; upgrade "
            "botocore-harness or open an issue naming the service."
        )
    return model


@functools.lru_cache(maxsize=1)
def supported_services() -> tuple[str, ...]:
    """Every installed service whose protocol the harness supports."""
    return tuple(
        name
        for name in available_services()
        if protocol_of(service_model(name)) in SUPPORTED_PROTOCOLS
    )


@functools.cache
def operation_model(service: str, operation: str) -> OperationModel:
    """Return botocore's model of ``service:operation``; unknown names raise with a close match."""
    model = service_model(service)
    names = model.operation_names
    if operation not in names:
        raise HarnessUsageError(
            f"Unknown operation {operation!r} of service {service!r} (botocore "
            f"{botocore_version()}).{did_you_mean(operation, names)} Operation names are "
            "CamelCase as in the API reference, for example 'GetInsight'."
        )
    return model.operation_model(operation)


@functools.cache
def pagination_tokens(service: str, operation: str) -> tuple[str, ...]:
    """The request members botocore's paginator of the operation fills from the previous
    page (``NextToken``, ``Marker``, ``ContinuationToken``...); none without a paginator."""
    from botocore.exceptions import DataNotFoundError

    try:
        config = _session().get_component("data_loader").load_service_model(service, "paginators-1")
    except DataNotFoundError:
        return ()
    tokens = config.get("pagination", {}).get(operation, {}).get("input_token") or ()
    return (tokens,) if isinstance(tokens, str) else tuple(tokens)


def parse_target(target: str) -> tuple[str, str | None]:
    """Split ``"service"`` or ``"service:Operation"``, checking both names exist."""
    service, sep, operation = target.partition(":")
    if not service or (sep and not operation):
        raise HarnessUsageError(
            f"Cannot read target {target!r}: write 'service' or 'service:Operation', for "
            "example 'xray' or 'cloudtrail:ListInsightsData'."
        )
    service_model(service)
    if operation:
        operation_model(service, operation)
        return service, operation
    return service, None


def operation_label(service: str, operation: str) -> str:
    """The label used in every message: ``cloudtrail:ListInsightsMetricData``."""
    return f"{service}:{operation}"


@functools.lru_cache(maxsize=8192)
def members_by_key(shape: Shape) -> dict[str, Shape]:
    """A structure's members by member name and by wire name (``locationName``)."""
    found: dict[str, Shape] = {}
    for name, member in shape.members.items():
        found[name] = member
        found[str(member.serialization.get("name") or name)] = member
    return found


@functools.cache
def paginator_config(service: str, operation: str) -> dict[str, Any] | None:
    """botocore's paginator of ``service:operation`` (``input_token``, ``output_token``,
    ``more_results``, ``result_key``, as ``paginators-1.json`` writes them), or None when the
    operation has none (or the service ships no paginators)."""
    try:
        model = _session().get_paginator_model(service)
        return dict(model.get_paginator(operation))
    except (
        ValueError,
        botocore.exceptions.DataNotFoundError,
        botocore.exceptions.UnknownServiceError,
    ):
        return None


@functools.cache  # (the rule tree is walked once per service: S3's is large)
def signing_names(service: str) -> frozenset[str]:
    """Every SigV4 signing name a request to ``service`` may carry: the model's, and those
    its endpoint rules switch to (S3 signs as ``s3express``, ``s3-object-lambda`` and
    ``s3-outposts`` for directory buckets, Object Lambda and Outposts)."""
    model = service_model(service)
    names = {model.signing_name or model.endpoint_prefix}
    try:
        rules = (
            _session()
            .get_component("data_loader")
            .load_service_model(service, "endpoint-rule-set-1")
        )
    except botocore.exceptions.DataNotFoundError:
        return frozenset(names)
    pending: list[object] = [rules]
    while pending:  # the auth schemes sit at any depth of the rule tree
        node = pending.pop()
        if isinstance(node, dict):
            name = node.get("signingName")
            if isinstance(name, str):
                names.add(name)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(names)


@functools.lru_cache(maxsize=1)
def _partitions() -> tuple[tuple[str, re.Pattern[str], frozenset[str], str], ...]:
    data = _session().get_component("data_loader").load_data("partitions")
    return tuple(
        (
            str(p["id"]),
            re.compile(str(p["regionRegex"])),
            frozenset(p.get("regions", {})),
            str(p["outputs"]["dnsSuffix"]),
        )
        for p in data["partitions"]
    )


def partition_of(region: str) -> str:
    """The partition (``aws``, ``aws-cn``, ``aws-us-gov``...) botocore places ``region`` in."""
    for partition, _, regions, _ in _partitions():
        if region in regions:
            return partition
    for partition, pattern, _, _ in _partitions():
        if pattern.match(region):
            return partition
    return "aws"


def dns_suffixes() -> tuple[str, ...]:
    """The DNS suffix of every partition (``amazonaws.com``, ``amazonaws.com.cn``...)."""
    return tuple(dict.fromkeys(suffix for *_, suffix in _partitions()))
