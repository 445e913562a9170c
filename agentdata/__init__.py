"""agentdata: verified agent-trajectory data from Gymnasium environments."""

from agentdata.errors import AgentdataError, ConfigError, NotFoundError, StoreError
from agentdata.store import Store

__all__ = ["AgentdataError", "ConfigError", "NotFoundError", "Store", "StoreError"]
