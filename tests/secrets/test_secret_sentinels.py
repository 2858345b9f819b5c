"""No secret reaches a cassette: sentinels in every secret member, recorded for real.

For operations with a secret member (``harness.aws.sensitive.is_secret_member``: the model's
``sensitive`` trait, and the credentials it fails to mark, found by name or listed in
``harness.aws.unmarked_secrets``, attribute-map keys such as SNS ``PlatformCredential``
included), a request carrying a unique sentinel in every secret member (and a response
carrying them in every secret output member) is recorded through a real botocore client
against a loopback server, and the cassette file must not hold any sentinel, nor its
base64, URL-encoded or JSON-escaped form. A deterministic sample spread over every protocol
runs in the normal suite; the whole sweep is ``-m slow``. Credentials get the same proof.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import botocore.config
import botocore.exceptions
import botocore.session
import pytest

from harness.aws import protocols, sensitive, unmarked_secrets
from harness.aws.models import available_services, service_model
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer

SENTINEL = "SNTL{:05d}zq"


def secret_operations_of(service: str) -> tuple[str, ...]:
    """The operations of ``service`` with a secret member in their input or output."""
    model = service_model(service)
    found = []
    for name in model.operation_names:
        op = model.operation_model(name)
        if op.has_event_stream_input or op.has_event_stream_output:
            continue  # streams of events are covered by harness.aws.eventstream's tests
        if any(sensitive.places(op, d).any for d in ("input", "output")):
            found.append(name)
    return tuple(found)


#: The normal suite's sample: the secrets users meet most, in every protocol. (Finding
#: every operation means loading every model: that is the slow sweep's job.)
SAMPLE: tuple[tuple[str, str], ...] = (
    ("secretsmanager", "GetSecretValue"),  # json
    ("secretsmanager", "CreateSecret"),
    ("ssm", "GetParameter"),
    ("ssm", "PutParameter"),
    ("kms", "Decrypt"),
    ("cognito-idp", "InitiateAuth"),
    ("cognito-idp", "SignUp"),
    ("sso-oidc", "RegisterClient"),  # rest-json
    ("ecr", "GetAuthorizationToken"),
    ("lambda", "CreateFunction"),
    ("lambda", "GetFunctionConfiguration"),
    ("apigateway", "GetApiKey"),
    ("connect", "UpdateUserPhoneConfig"),
    ("s3", "PutObject"),  # rest-xml: SSE-C key in a header
    ("cloudfront", "CreateDistributionWithTags"),
    ("iam", "ChangePassword"),  # query
    ("iam", "ResetServiceSpecificCredential"),
    ("rds", "CreateDBInstance"),
    ("sns", "ListPhoneNumbersOptedOut"),  # a list of secrets: XML items are <member>
    ("workspaces-web", "UntagResource"),  # a list of secrets in the query string
    ("ec2", "GetPasswordData"),  # ec2
    ("ec2", "CreateKeyPair"),
    ("cloudwatchomni", "GetSpaceCredentialsForOrganization"),  # smithy-rpc-v2-cbor
    ("eventbridgev2", "CreateEventSource"),
    # credentials the models do not mark sensitive (harness.aws.unmarked_secrets, secret_names)
    ("docdb", "CreateDBCluster"),  # query: MasterUserPassword
    ("neptune", "CreateDBCluster"),
    ("elasticache", "CreateReplicationGroup"),  # AuthToken
    ("redshift", "CreateHsmConfiguration"),  # HsmPartitionPassword
    ("sns", "CreatePlatformApplication"),  # PlatformCredential in a query request's map
    ("sns", "GetPlatformApplicationAttributes"),  # ... and in an XML response's map
    ("emr", "RunJobFlow"),  # json: Kerberos KdcAdminPassword, ADDomainJoinPassword...
    ("glue", "UpdateJobFromSourceControl"),  # AuthToken
    ("directconnect", "CreateBGPPeer"),  # authKey
    ("athena", "GetSessionEndpoint"),  # AuthToken in a response
    ("workmail", "AssumeImpersonationRole"),  # Token in a response
    ("license-manager", "CreateToken"),  # Token (a refresh token) in a response
    ("mq", "CreateBroker"),  # rest-json: LDAP serviceAccountPassword
    ("iotwireless", "CreateWirelessDevice"),  # LoRaWAN AppKey, NwkSKey...
    ("ec2", "CreateVpnConnection"),  # ec2: tunnel PreSharedKey
)


class Sentinels:
    """Values for a shape: sentinels in secret places, plain valid values elsewhere."""

    def __init__(self) -> None:
        self.planted: list[str] = []

    def _next(self) -> str:
        value = SENTINEL.format(len(self.planted))
        self.planted.append(value)
        return value

    def value(self, shape: Any, secret: bool = False, depth: int = 0) -> Any:
        secret = secret or sensitive.is_sensitive(shape)
        kind = shape.type_name
        if kind == "structure":
            if depth > 6:
                return {}
            members = shape.members
            chosen = [
                n
                for n, m in members.items()
                if n in shape.required_members
                or secret
                or _holds_secret(m)
                or sensitive.is_secret_member(shape, n, m)
                or (shape.name, n) in unmarked_secrets.SECRET_MAP_KEYS
            ]
            if shape.metadata.get("union"):
                chosen = chosen[:1] or list(members)[:1]
            return {
                n: 200  # an HTTP status the server can send
                if members[n].serialization.get("location") == "statusCode"
                else self._member(shape, n, members[n], secret, depth)
                for n in chosen
                if not members[n].metadata.get("document")
            }
        if kind == "list":
            return [self.value(shape.member, secret, depth + 1)]
        if kind == "map":
            return {"k": self.value(shape.value, secret, depth + 1)}
        if kind == "string":
            if secret:
                return self._next()
            if shape.enum:
                return shape.enum[0]
            return "x" * max(1, shape.metadata.get("min", 1))
        if kind == "blob":
            return self._next().encode() if secret else b"x"
        if kind == "boolean":
            return True
        if kind in ("integer", "long"):
            return max(1, int(shape.metadata.get("min", 1)))
        if kind in ("float", "double"):
            return 1.5
        if kind == "timestamp":
            return dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        return "x"

    def _member(self, parent: Any, name: str, member: Any, secret: bool, depth: int) -> Any:
        keys = unmarked_secrets.SECRET_MAP_KEYS.get((parent.name, name))
        if keys and not secret:  # an attribute map whose keys name secrets: one sentinel each
            return {key: self._next() for key in sorted(keys)}
        return self.value(
            member, secret or sensitive.is_secret_member(parent, name, member), depth + 1
        )


def _holds_secret(shape: Any) -> bool:
    return (
        sensitive.is_sensitive(shape)
        or any(True for _ in sensitive._secret_members(shape))
        or any(True for _ in sensitive._map_keys(shape, set()))
    )


def forms(value: str) -> list[str]:
    """How a sentinel could appear in a file."""
    raw = value.encode()
    return [
        value,
        base64.b64encode(raw).decode(),
        quote(value, safe=""),
        quote_plus(value),
        json.dumps(value)[1:-1],
    ]


class Unsent(Exception):
    """botocore refused to send the call before any byte left: there is nothing to prove."""


def record(service: str, operation: str, folder: Path) -> tuple[Path, list[str]]:
    """Record one call with sentinels in and out; the cassette path and the sentinels."""
    model = service_model(service)
    op = model.operation_model(operation)
    planted = Sentinels()
    params = planted.value(op.input_shape) if op.input_shape is not None else {}
    result = planted.value(op.output_shape) if op.output_shape is not None else {}

    def answer(request: HttpRequest) -> HttpResponse:
        return protocols.encode_response(op, result)

    if model.signature_version == "bearer":
        return folder / "none.yaml", []  # needs an SSO token provider: covered separately

    session = _session()
    path = folder / f"{service}-{operation}.yaml"
    recorder = CassetteRecorder(path, "all")
    config = botocore.config.Config(
        inject_host_prefix=False, retries={"max_attempts": 1}, parameter_validation=False
    )
    with LoopbackServer(answer) as server, recorder.activate():
        client = session.create_client(
            service, region_name="us-east-1", endpoint_url=server.endpoint_url, config=config
        )
        method = getattr(client, _snake(client, operation))
        try:
            method(**params)
        except (
            botocore.exceptions.MissingDependencyException,  # SigV4a needs botocore[crt]
            botocore.exceptions.EndpointResolutionError,  # the rules want a real ARN
            botocore.exceptions.EndpointConnectionError,  # the rules put an id in the host
        ) as exc:
            raise Unsent(f"{service}:{operation}: {exc}") from None
        except Exception:  # the answer may not parse: the call is recorded all the same
            pass
    recorder.save()
    return path, planted.planted


@functools.cache
def _session() -> botocore.session.Session:
    # one session for every call: it caches the models and endpoint data it loads
    session = botocore.session.Session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "secret-not-a-sentinel")
    return session


def _snake(client: Any, operation: str) -> str:
    return next(k for k, v in client.meta.method_to_api_mapping.items() if v == operation)


def assert_no_sentinel(path: Path, planted: list[str]) -> None:
    assert path.exists(), "nothing was recorded"
    text = path.read_text("utf-8", "replace")
    leaks = [s for s in planted for form in forms(s) if form in text]
    assert not leaks, f"{path.name} holds {sorted(set(leaks))}"


@pytest.mark.parametrize(("service", "operation"), SAMPLE)
def test_sensitive_members_never_reach_the_cassette(
    service: str, operation: str, tmp_path: Path
) -> None:
    path, planted = record(service, operation, tmp_path)
    assert planted, "the sample holds an operation with no secret member"
    assert_no_sentinel(path, planted)


@pytest.mark.slow
@pytest.mark.parametrize("service", available_services())
def test_whole_sweep(service: str, tmp_path: Path) -> None:
    leaks, unsent = [], []
    for operation in secret_operations_of(service):
        try:
            path, planted = record(service, operation, tmp_path)
        except Unsent as exc:
            unsent.append(str(exc))
            continue
        if planted:
            try:
                assert_no_sentinel(path, planted)
            except AssertionError as exc:
                leaks.append(f"{service}:{operation}: {exc}".splitlines()[0])
    assert not leaks, f"{len(leaks)} operations leak:\n" + "\n".join(leaks)
    if unsent:
        pytest.skip(f"{len(unsent)} calls botocore would not send, e.g. {unsent[0]}")


def test_the_sample_covers_every_protocol_with_real_secrets() -> None:
    found = {protocols.protocol_of(service_model(s)) for s, _ in SAMPLE}
    assert found == set(protocols.CODECS)
    for service, operation in SAMPLE:
        op = service_model(service).operation_model(operation)
        assert any(sensitive.places(op, d).any for d in ("input", "output")), operation


@pytest.mark.slow
def test_hundreds_of_operations_have_secrets() -> None:
    assert sum(len(secret_operations_of(s)) for s in available_services()) > 1000


# --------------------------------------------------------------------------- credentials

ACCESS_KEY = "ASIASNTLCREDKEY77777"
SECRET_KEY = "SntlSecretAccessKeyValue0123456789abcdeF"
TOKEN = "IQoJSntlSessionTokenValueForTheCassetteTest"


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    yield


def test_credentials_leave_no_trace(env_credentials: None, tmp_path: Path) -> None:
    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}")

    path = tmp_path / "c.yaml"
    recorder = CassetteRecorder(path, "all")
    with LoopbackServer(answer) as server, recorder.activate():
        client = botocore.session.Session().create_client(
            "cloudtrail", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        client.list_trails()
        # a presigned URL made while recording carries the credentials in its query string
        s3 = botocore.session.Session().create_client("s3", region_name="us-east-1")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
        assert ACCESS_KEY in url or quote(ACCESS_KEY) in url
    recorder.save()
    text = path.read_text()
    # the access key id is an identifier: it may appear only as its keyed pseudonym
    for secret in (SECRET_KEY, TOKEN, ACCESS_KEY):
        for form in forms(secret):
            assert form not in text
