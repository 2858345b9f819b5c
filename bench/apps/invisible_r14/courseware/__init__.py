from courseware.app import REGION, USER_AGENT_EXTRA, Courseware, client_config

__all__ = ["REGION", "USER_AGENT_EXTRA", "Courseware", "client_config"]
