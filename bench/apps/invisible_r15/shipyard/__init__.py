from shipyard.app import API_TOKEN_HEADER, REGION, Shipyard, client_config, yard_id

__all__ = ["API_TOKEN_HEADER", "REGION", "Shipyard", "client_config", "yard_id"]
