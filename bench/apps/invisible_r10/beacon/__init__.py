from beacon.app import USER_AGENT_EXTRA, Beacon, HookLog, client_config

__all__ = ["USER_AGENT_EXTRA", "Beacon", "HookLog", "client_config"]
