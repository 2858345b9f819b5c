from harbor.app import REGION, USER_AGENT_EXTRA, Harbor, HookLog, client_config

__all__ = ["REGION", "USER_AGENT_EXTRA", "Harbor", "HookLog", "client_config"]
