"""agentdata environments: `register_envs()` then `gymnasium.make("agentdata/Math-v0")`."""

from agentdata.envs.base import OracleAgent, Outcome, TextEnv
from agentdata.envs.registry import ENV_ENTRY_POINTS, make, register_envs
from agentdata.envs.spaces import UnicodeText

__all__ = [
    "ENV_ENTRY_POINTS",
    "OracleAgent",
    "Outcome",
    "TextEnv",
    "UnicodeText",
    "make",
    "register_envs",
]
