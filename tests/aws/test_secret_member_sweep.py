"""Members botocore's models fail to mark ``sensitive`` are secret all the same.

(a) ``is_secret_name`` on names in every case style, secret and not; (b) the credentials an
adversarial round found unmarked resolve to secret places of the real operations, in
requests and responses, on every protocol; (c) the sweep of ``tools/sweep_secret_members.py``
leaves no secret-ish member undecided: over every model (``-m slow``, so a new botocore is
checked) and over a fixed sample of services in the normal suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from harness.aws import sensitive, unmarked_secrets
from harness.aws.models import service_model
from harness.aws.secret_names import is_secret_name, judge_name, words

SECRET_NAMES = [
    # AWS members the models leave unmarked
    "MasterUserPassword", "masterUserPassword", "AuthToken", "authToken", "KdcAdminPassword",
    "CrossRealmTrustPrincipalPassword", "ADDomainJoinPassword", "ServiceAccountPassword",
    "HsmPartitionPassword", "PlatformCredential", "authKey", "AuthKey", "Token", "token",
    "PreSharedKey", "SecretAccessKey", "secretAccessKey", "SessionToken", "PrivateKey",
    "privateKeyBase64", "certificatePrivateKey", "ClientSecret", "ConnectionToken",
    "ParticipantToken", "HECToken", "TokenCode", "AuthenticationCode1", "OneTimePassword",
    "Otp", "PersonalPIN", "Passwords", "PasswordData", "SecretString", "TokenValue",
    "AppKey", "NwkSKey", "ActivationKey", "StaticKeyValue", "ProcurementPortalSharedSecret",
    "PasswordVerifier", "PasswordHash", "Pin", "pin",
    # OAuth, API keys and the like, in every case style
    "access_token", "refresh_token", "id_token", "client_secret", "ACCESS_TOKEN",
    "CLIENT_SECRET", "accessToken", "AccessToken", "refreshToken", "IdToken",
    "X-Api-Key", "x-api-key", "X-APIKEY", "apiKey", "api_key", "ApiKey", "APIKey",
    "x-functions-key", "authorization", "Authorization", "password", "PASSWORD", "passwd",
    "pwd", "db_pass", "DB_PASSWORD", "KAFKA_SASL_SCRAM_PASSWORD", "secret", "secret_key",
    "aws_secret_access_key", "bearer-token", "sessionCookie", "auth_code", "authorization-code",
]  # fmt: skip
NOT_SECRET_NAMES = [
    # paging, idempotency, locking
    "NextToken", "nextToken", "next_token", "PaginationToken", "ContinuationToken",
    "NextContinuationToken", "StartingToken", "startingToken", "nextPageToken", "page_token",
    "Marker", "NextMarker", "KeyMarker", "ClientToken", "clientToken", "ClientRequestToken",
    "client_request_token", "IdempotencyToken", "ChangeToken", "LockToken", "UpdateToken",
    "SequenceToken", "TaskToken", "taskToken", "GrantTokens",
    # about a secret, not one
    "KeyName", "KeyId", "KmsKeyId", "kms_key_id", "KMSKeyArn", "SecretArn", "SecretId",
    "SecretName", "secret_arn", "PasswordLength", "PasswordPolicy", "MinimumPasswordLength",
    "PasswordResetRequired", "AuthTokenEnabled", "AuthTokenExpirationTime", "TokenType",
    "token_type", "PasswordLastUsed", "CredentialProvider", "credentialsArn",
    "MasterUserSecretKmsKeyId", "SecretVersion", "TokenId",
    "AccessKeyId", "access_key_id", "ServiceSpecificCredentialId", "PasswordCount",
    "PasswordVersion", "AuthType", "auth_type", "AuthenticationMode", "CertificateArn",
    "ApiKeySelectionExpression", "PublicKey", "public_key", "SSHPublicKey", "KeyPair",
    "PrivateIpAddress", "private_ip_address", "PrivateDnsName", "ForgotPasswordLink",
    "PasswordFieldXpath", "tokenEndpoint", "token_url", "AuthorizationScopes",
    "PrivateKeyCiphertextBlob", "EncryptedKeyMaterial", "kmsEncryptionKey",
    # keys that name or locate
    "Key", "key", "Keys", "TagKey", "tag_key", "TagKeys", "PartitionKey", "SortKey",
    "HashKey", "RangeKey", "S3Key", "s3_key", "ObjectKey", "KeyPrefix", "PrimaryKey",
    "ExclusiveStartKey", "LastEvaluatedKey", "apiKeySecretJsonKey", "SecretStringKey",
    "DeviceKey", "AccessKey", "access_key", "SshKey", "HostKey",
    # not secret at all
    "code", "Code", "ErrorCode", "StatusCode", "Author", "Mapping", "Shipping",
    "Certificate", "CertificateChain", "CertificateBody", "PinBlockFormat", "RotateSecret",
    "ManageMasterUserPassword", "IncludePublicKey", "GenerateSecret", "HasCredential",
]  # fmt: skip


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name), (name, words(name), judge_name(name))


@pytest.mark.parametrize("name", NOT_SECRET_NAMES)
def test_names_that_are_not_secret(name: str) -> None:
    assert not is_secret_name(name), (name, words(name), judge_name(name))


def test_words_in_every_case_style() -> None:
    assert words("MasterUserPassword") == ("master", "user", "password")
    assert words("client_secret") == ("client", "secret")
    assert words("X-Api-Key") == ("x", "api", "key")
    assert words("authKey") == ("auth", "key")
    assert words("KAFKA_SASL_SCRAM_PASSWORD") == ("kafka", "sasl", "scram", "password")
    assert words("SecretARN") == ("secret", "arn")
    assert words("apikey") == ("api", "key")


# --------------------------------------------------------------------------- real operations

#: (service, operation, direction, member or map key): credentials the models leave unmarked.
UNMARKED = [
    ("docdb", "CreateDBCluster", "input", "MasterUserPassword"),  # query
    ("neptune", "CreateDBCluster", "input", "MasterUserPassword"),
    ("rds", "ModifyDBCluster", "input", "MasterUserPassword"),
    ("elasticache", "CreateReplicationGroup", "input", "AuthToken"),
    ("elasticache", "ModifyReplicationGroup", "input", "AuthToken"),
    ("elasticache", "CreateUser", "input", "Passwords"),
    ("emr", "RunJobFlow", "input", "KdcAdminPassword"),  # json
    ("emr", "RunJobFlow", "input", "CrossRealmTrustPrincipalPassword"),
    ("emr", "RunJobFlow", "input", "ADDomainJoinPassword"),
    ("glue", "UpdateJobFromSourceControl", "input", "AuthToken"),
    ("glue", "UpdateSourceControlFromJob", "input", "AuthToken"),
    ("mq", "CreateBroker", "input", "serviceAccountPassword"),  # rest-json
    ("mq", "UpdateBroker", "input", "serviceAccountPassword"),
    ("redshift", "CreateHsmConfiguration", "input", "HsmPartitionPassword"),
    ("directconnect", "CreateBGPPeer", "input", "authKey"),
    ("directconnect", "AllocatePrivateVirtualInterface", "input", "authKey"),
    ("directconnect", "DescribeVirtualInterfaces", "output", "authKey"),
    ("athena", "GetSessionEndpoint", "output", "AuthToken"),
    ("athena", "CreatePresignedNotebookUrl", "output", "AuthToken"),
    ("workmail", "AssumeImpersonationRole", "output", "Token"),
    ("license-manager", "CreateToken", "output", "Token"),
    ("license-manager", "GetAccessToken", "input", "Token"),
    ("sts", "GetSessionToken", "input", "TokenCode"),
    ("ec2", "CreateVpnConnection", "input", "PreSharedKey"),  # ec2
    ("connectparticipant", "CreateParticipantConnection", "output", "ConnectionToken"),
    ("customer-profiles", "GetUploadJobPath", "output", "ClientToken"),  # a plaintext key
]


@pytest.mark.parametrize(("service", "operation", "direction", "member"), UNMARKED)
def test_unmarked_credentials_are_secret_places(
    service: str, operation: str, direction: str, member: str
) -> None:
    op = service_model(service).operation_model(operation)
    found = sensitive.places(op, direction)
    assert member in found.names | found.headers | found.query | found.uri, sorted(found.names)


@pytest.mark.parametrize(
    ("operation", "direction"),
    [
        ("CreatePlatformApplication", "input"),
        ("SetPlatformApplicationAttributes", "input"),
        ("GetPlatformApplicationAttributes", "output"),
    ],
)
def test_sns_platform_credentials_are_secret_map_keys(operation: str, direction: str) -> None:
    found = sensitive.places(service_model("sns").operation_model(operation), direction)
    assert {"PlatformCredential", "PlatformPrincipal"} <= found.map_keys
    assert found.any
    assert found.is_secret_key("PlatformCredential")
    assert found.is_secret_key("Password")  # any key named like a secret, in any map
    assert not found.is_secret_key("EventEndpointCreated")


def test_a_credential_structure_is_judged_by_its_members() -> None:
    # STS Credentials: the secret key and session token are secret, the expiration is not
    shape = service_model("sts").operation_model("AssumeRole").output_shape
    credentials = shape.members["Credentials"]
    assert not sensitive.is_secret_member(shape, "Credentials", credentials)
    secret = {
        n for n, m in credentials.members.items() if sensitive.is_secret_member(credentials, n, m)
    }
    assert {"SecretAccessKey", "SessionToken"} <= secret
    assert "Expiration" not in secret and "AccessKeyId" not in secret


def test_paging_and_idempotency_tokens_stay_out() -> None:
    op = service_model("secretsmanager").operation_model("ListSecrets")
    assert "NextToken" not in sensitive.places(op, "input").names
    op = service_model("elasticache").operation_model("CreateReplicationGroup")
    names = sensitive.places(op, "input").names
    assert "AuthToken" in names and "ReplicationGroupId" not in names
    op = service_model("rds").operation_model("CreateDBCluster")
    assert "MasterUserSecretKmsKeyId" not in sensitive.places(op, "input").names
    assert "ManageMasterUserPassword" not in sensitive.places(op, "input").names


# --------------------------------------------------------------------------- the sweep


def _tool() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "tools" / "sweep_secret_members.py"
    spec = importlib.util.spec_from_file_location("sweep_secret_members", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


#: Services whose models hold many unmarked credentials and look-alikes, every protocol.
SAMPLE_SERVICES = (
    "apigateway", "appflow", "athena", "codebuild", "customer-profiles", "directconnect",
    "docdb", "ec2", "elasticache", "emr", "glue", "iam", "license-manager", "mq", "pinpoint",
    "rds", "redshift", "s3", "sns", "sts", "workmail", "cloudwatchomni",
)  # fmt: skip


def _undecided(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [
        f"{r.service} {r.shape}.{r.member} ({r.type})" for r in rows if r.verdict == "UNDECIDED"
    ]


def test_sample_sweep_leaves_nothing_undecided() -> None:
    rows = _tool().sweep(s for s in SAMPLE_SERVICES if s in _tool().services())
    assert len(rows) > 2000
    undecided = _undecided(rows)
    assert not undecided, "decide these in harness/unmarked_secrets.py:\n" + "\n".join(undecided)
    verdicts = {r.verdict for r in rows}
    assert {sensitive.TRAIT, sensitive.NAMED, sensitive.LISTED, sensitive.LISTED_NOT} <= verdicts


@pytest.mark.slow
def test_whole_sweep_leaves_nothing_undecided() -> None:
    rows = _tool().sweep()
    undecided = _undecided(rows)
    assert not undecided, f"{len(undecided)} undecided; decide them in " + (
        "harness/unmarked_secrets.py:\n" + "\n".join(undecided)
    )
    # every curated pair still names a member of some model (a stale list hides nothing)
    found = {(r.shape, r.member) for r in rows}
    listed = unmarked_secrets.SECRET_MEMBERS | unmarked_secrets.NOT_SECRET_MEMBERS
    assert not listed - found, sorted(listed - found)
    names = {r.member for r in rows}
    import botocore

    installed = tuple(int(p) for p in botocore.__version__.split(".")[:3])
    newer = {n for n, since in unmarked_secrets.SINCE_BOTOCORE.items() if since > installed}
    assert not unmarked_secrets.NOT_SECRET_NAMES - names - newer


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("NPM_TOKEN", True),  # round 4's b03: a CodeBuild PLAINTEXT variable
        ("HF_TOKEN", True),  # round 5: a SageMaker container's Environment
        ("OPENAI_KEY", True),  # round 5: Amplify environmentVariables
        ("HONEYCOMB_KEY", True),
        ("NEXT_TOKEN", False),  # handles the rules decide stay plain
        ("CACHE_KEY", False),
        ("S3_KEY", False),
        ("KMS_KEY_ID", False),
        ("AUTH_URL", False),  # secret-ish words that are no secret's head
        ("PRIVATE_SUBNET", False),
        ("NpmToken", False),  # a member name of that shape stays with the model's sweep
    ],
)
def test_an_environment_variable_named_after_a_vendor_is_secret(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret
