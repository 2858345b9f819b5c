from ledgerline.aio import AsyncLedger
from ledgerline.app import REGION, USER_AGENT_EXTRA, Ledger, Wire, client_config

__all__ = ["REGION", "USER_AGENT_EXTRA", "AsyncLedger", "Ledger", "Wire", "client_config"]
