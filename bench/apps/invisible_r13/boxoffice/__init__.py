from boxoffice.app import REGION, USER_AGENT_EXTRA, BoxOffice, client_config

__all__ = ["REGION", "USER_AGENT_EXTRA", "BoxOffice", "client_config"]
