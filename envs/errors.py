"""The error branches environments raise (re-exported from `agentdata.errors`, the one tree).

`EnvError` is kept as another name of `AgentdataError` for code written before the tree
had branches; new code raises a branch (`TaskError`, `ActionError`, `VerifierError`,
`SandboxError`, `ConfigError`).
"""

from __future__ import annotations

from agentdata.errors import (
    ActionError,
    AgentdataError,
    ConfigError,
    SandboxError,
    TaskError,
    VerifierError,
)

EnvError = AgentdataError

__all__ = [
    "ActionError",
    "AgentdataError",
    "ConfigError",
    "EnvError",
    "SandboxError",
    "TaskError",
    "VerifierError",
]
