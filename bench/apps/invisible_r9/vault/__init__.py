"""vault: a small document archive (S3 + DynamoDB index + SQS notifications)."""

from vault.app import USER_AGENT_EXTRA, RequestAudit, Vault, client_config, sqs_attributes_md5

__all__ = ["USER_AGENT_EXTRA", "RequestAudit", "Vault", "client_config", "sqs_attributes_md5"]
