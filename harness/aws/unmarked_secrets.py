"""The AWS members botocore's models fail to mark ``sensitive``, and the look-alikes that are not.

``harness.aws.sensitive`` decides every member by, in order: the model's ``sensitive`` trait,
these lists, the member's type (only text, bytes, and lists or maps of them carry a secret),
and the name rules of ``harness.aws.secret_names``. The lists hold what the rules get wrong or
cannot decide, one group per kind with the services' own words for why:

- ``SECRET_MEMBERS``: (structure shape, member) pairs whose value is a credential although
  the model does not say so and the name rules would not find it;
- ``NOT_SECRET_MEMBERS``: pairs named like a secret whose value is not one (an ARN, a
  Secrets Manager secret *name*, a public value, a handle);
- ``NOT_SECRET_NAMES``: member names that are never a secret in any model;
- ``SECRET_MAP_KEYS``: maps of attributes (SNS ``Attributes``) whose *key* names a secret
  value.

Pairs are keyed by shape name, not service (a ``Shape`` does not know its service): the
service named beside each is where the sweep (``tools/sweep_secret_members.py``) found it.
"""

from __future__ import annotations


def _pairs(*groups: tuple[str, tuple[tuple[str, str, str], ...]]) -> frozenset[tuple[str, str]]:
    # (reason, ((service, shape, member), ...)) groups -> {(shape, member)}
    return frozenset((shape, member) for _, members in groups for _, shape, member in members)


#: Secrets the rules do not find: (shape, member).
SECRET_MEMBERS: frozenset[tuple[str, str]] = _pairs(
    (
        "ECR / ECR Public GetAuthorizationToken: 'A base64-encoded string that contains "
        "authorization data ... used to access an Amazon ECR registry' (a docker password)",
        (
            ("ecr", "AuthorizationData", "authorizationToken"),
            ("ecr-public", "AuthorizationData", "authorizationToken"),
        ),
    ),
    (
        "API Gateway ApiKey.value: 'The value of the API Key' (what clients send as x-api-key)",
        (
            ("apigateway", "ApiKey", "value"),
            ("apigateway", "CreateApiKeyRequest", "value"),
        ),
    ),
    (
        "Customer Profiles GetUploadJobPath ClientToken: 'The plaintext data key used to "
        "encrypt the upload file' (an SSE-C key, named like an idempotency token)",
        (("customer-profiles", "GetUploadJobPathResponse", "ClientToken"),),
    ),
    (
        "AppFlow CustomAuthCredentials.credentialsMap: 'A map that holds custom "
        "authentication credentials' (every value is a credential)",
        (("appflow", "CustomAuthCredentials", "credentialsMap"),),
    ),
)

#: Named like secrets, but not secret: (shape, member).
NOT_SECRET_MEMBERS: frozenset[tuple[str, str]] = _pairs(
    (
        "IAM role ARNs: API Gateway 'Specifies the required credentials as an IAM role ... "
        "use the role's Amazon Resource Name (ARN)'",
        (
            ("apigateway", "Authorizer", "authorizerCredentials"),
            ("apigateway", "CreateAuthorizerRequest", "authorizerCredentials"),
            ("apigateway", "Integration", "credentials"),
            ("apigateway", "PutIntegrationRequest", "credentials"),
        ),
    ),
    (
        "Secrets Manager ARNs or names, not the secret: 'The ARN or name of credentials "
        "created using Secrets Manager', 'The ARN of an Secrets Manager secret', 'the full "
        "ARN of the Secrets Manager secret or ... parameter'",
        (
            ("apprunner", "CodeConfigurationValues", "RuntimeEnvironmentSecrets"),
            ("apprunner", "ImageConfiguration", "RuntimeEnvironmentSecrets"),
            ("codebuild", "RegistryCredential", "credential"),
            ("securityhub", "AwsCodeBuildProjectEnvironmentRegistryCredential", "Credential"),
            ("kendra", "BasicAuthenticationConfiguration", "Credentials"),
            ("kendra", "ProxyConfiguration", "Credentials"),
        ),
    ),
    (
        "KMS keys by reference: License Manager 'Asymmetric KMS key from Key Management "
        "Service'; IAM UpdateSAMLProvider RemovePrivateKey 'The Key ID of the private key to "
        "remove'",
        (
            ("license-manager", "Issuer", "SignKey"),
            ("license-manager", "IssuerDetails", "SignKey"),
            ("iam", "UpdateSAMLProviderRequest", "RemovePrivateKey"),
        ),
    ),
    (
        "Handles named Token that grant nothing without credentials: paging (Pinpoint "
        "'The NextToken string'), revisions (Entity Resolution 'A unique identifier for the "
        "current revision of the policy'), approvals and callbacks (CodePipeline, Transfer), "
        "S3 Object Lock's enabling token, Neptune's fast-reset UUID, a crypto-currency token "
        "name (Bedrock AgentCore payments), CloudWatch Logs pattern tokens, public DNS/HTTP "
        "verification values (Security Agent, SES/Pinpoint DKIM CNAMEs), CloudFormation's "
        "registration id",
        (
            ("pinpoint", "GetAppsRequest", "Token"),
            ("pinpoint", "GetCampaignActivitiesRequest", "Token"),
            ("pinpoint", "GetCampaignVersionsRequest", "Token"),
            ("pinpoint", "GetCampaignsRequest", "Token"),
            ("pinpoint", "GetExportJobsRequest", "Token"),
            ("pinpoint", "GetImportJobsRequest", "Token"),
            ("pinpoint", "GetJourneyRunsRequest", "Token"),
            ("pinpoint", "GetRecommenderConfigurationsRequest", "Token"),
            ("pinpoint", "GetSegmentExportJobsRequest", "Token"),
            ("pinpoint", "GetSegmentImportJobsRequest", "Token"),
            ("pinpoint", "GetSegmentVersionsRequest", "Token"),
            ("pinpoint", "GetSegmentsRequest", "Token"),
            ("pinpoint", "ListJourneysRequest", "Token"),
            ("entityresolution", "AddPolicyStatementOutput", "token"),
            ("entityresolution", "DeletePolicyStatementOutput", "token"),
            ("entityresolution", "GetPolicyOutput", "token"),
            ("entityresolution", "PutPolicyInput", "token"),
            ("entityresolution", "PutPolicyOutput", "token"),
            ("codepipeline", "ActionExecution", "token"),
            ("codepipeline", "PutApprovalResultInput", "token"),
            ("codepipeline", "RuleExecution", "token"),
            ("transfer", "SendWorkflowStepStateRequest", "Token"),
            ("s3", "PutBucketReplicationRequest", "Token"),
            ("s3", "PutObjectLockConfigurationRequest", "Token"),
            ("neptunedata", "ExecuteFastResetInput", "token"),
            ("neptunedata", "FastResetToken", "token"),
            ("bedrock-agentcore", "GetPaymentInstrumentBalanceRequest", "token"),
            ("bedrock-agentcore", "TokenBalance", "token"),
            ("logs", "PatternToken", "tokenString"),
            ("securityagent", "DnsVerification", "token"),
            ("securityagent", "HttpVerification", "token"),
            ("pinpoint-email", "DkimAttributes", "Tokens"),
            ("sesv2", "DkimAttributes", "Tokens"),
            ("cloudformation", "DescribeTypeRegistrationInput", "RegistrationToken"),
            ("cloudformation", "RegisterTypeOutput", "RegistrationToken"),
        ),
    ),
    (
        "Push-notification device tokens: 'The push notification token issued by the Apple "
        "or Google gateways', SNS 'Unique identifier created by the notification service for "
        "an app on a device' (an address; sending to it needs the platform credential)",
        (
            ("connect", "CreatePushNotificationRegistrationRequest", "DeviceToken"),
            ("cognito-sync", "RegisterDeviceRequest", "Token"),
            ("sns", "CreatePlatformEndpointInput", "Token"),
        ),
    ),
    (
        "Enum values and descriptions: Bedrock AgentCore 'The secrets to rotate ... API_KEY, "
        "WALLET_SECRET'; 'The content type for the actor token'",
        (
            ("bedrock-agentcore-control", "CoinbaseCdpRotationTargets", "secrets"),
            ("bedrock-agentcore-control", "TokenExchangeGrantTypeConfigType", "actorTokenContent"),
        ),
    ),
    (
        "API Gateway TestInvokeAuthorizer 'The authorization response' (the policy's "
        "context, not a credential)",
        (("apigateway", "TestInvokeAuthorizerResponse", "authorization"),),
    ),
    (
        "Public keys: Lightsail InstanceAccessDetails.certKey 'the public key to use when "
        "accessing your instance ... save this value to tempkey-cert.pub'",
        (("lightsail", "InstanceAccessDetails", "certKey"),),
    ),
)

#: Names that are never a secret, in any structure of any model.
NOT_SECRET_NAMES: frozenset[str] = frozenset(
    {
        # IAM ContextProviderKeyDefinition (botocore 1.43.118+): the name of a context key
        # a provider sets, as in 'TargetKey: the context key to populate'. A key name.
        "TargetKey",
        # KMS keys by reference (codeartifact, codebuild, customer-profiles, logs, proton,
        # securityhub, workspaces, mgn): 'The ARN of an Key Management Service (KMS) key',
        # 'The customer provided KMS key used to encrypt'. Not raw key material.
        "encryptionKey",
        "EncryptionKey",
        "DefaultEncryptionKey",
        "VolumeEncryptionKey",
        "parametersEncryptionKey",
        # Secrets Manager secret ARNs or names: EC2 'The ARN of the Secrets Manager secret
        # containing the SQL Server access credentials'; FSx 'The Amazon Resource Name (ARN)
        # of the ... secret containing the service account credentials'; MediaConvert 'the
        # name or ARN of the AWS Secrets Manager secret'; MediaPackage 'The Amazon Resource
        # Name (ARN) for the secret in Secrets Manager'.
        "SqlServerCredentials",
        "DomainJoinServiceAccountSecret",
        "CertificateSecret",
        "CdnIdentifierSecret",
    }
)

#: Entries named by models newer than the lowest botocore the harness supports, with the
#: first botocore that has them: a sweep on an older botocore does not call them stale.
SINCE_BOTOCORE: dict[str, tuple[int, ...]] = {"TargetKey": (1, 43, 118)}

#: Maps whose keys name their values: (shape, member) -> keys whose value is secret.
SECRET_MAP_KEYS: dict[tuple[str, str], frozenset[str]] = {
    # SNS platform application attributes: 'PlatformCredential – The credential received
    # from the notification service' (APNs private key, FCM server key, Baidu secret key);
    # 'PlatformPrincipal – ... For Baidu, PlatformPrincipal is API key' (an APNs certificate
    # or signing key id otherwise).
    ("CreatePlatformApplicationInput", "Attributes"): frozenset(
        {"PlatformCredential", "PlatformPrincipal"}
    ),
    ("SetPlatformApplicationAttributesInput", "Attributes"): frozenset(
        {"PlatformCredential", "PlatformPrincipal"}
    ),
    ("GetPlatformApplicationAttributesResponse", "Attributes"): frozenset(
        {"PlatformCredential", "PlatformPrincipal"}
    ),
}

#: Members the model marks ``sensitive`` whose value is plain when a sibling member says so:
#: (shape, member) -> (sibling member, the sibling's values that make it plain). The value
#: is judged by the service's own signal, not by its name: without the sibling, or with any
#: other value of it, the member stays secret.
PLAIN_WHEN_SIBLING: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    # SSM Parameter Store (User Guide, "Parameter types"): "Parameter Store provides support
    # for three types of parameters: String, StringList, and SecureString", and "A
    # SecureString parameter is any sensitive data that needs to be stored and referenced in
    # a secure manner". The model marks every parameter's Value sensitive (PSParameterValue):
    # a String holds a bucket name or a feature flag the code under test must get back.
    # https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-about.html
    **{
        (shape, "Value"): ("Type", frozenset({"String", "StringList"}))
        for shape in ("PutParameterRequest", "Parameter", "ParameterHistory")
    },
}
