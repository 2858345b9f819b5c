from depot.app import Depot, client_config, new_id

__all__ = ["Depot", "client_config", "new_id"]
