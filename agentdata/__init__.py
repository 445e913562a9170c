"""agentdata: verified agent-trajectory data from Gymnasium environments.

The names in `__all__` are the public API; every other module is internal and may change.
They load on first use (module `__getattr__`), so `import agentdata` imports neither the
SQL stack, sympy nor the Docker client, and installs no signal handler.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from agentdata.errors import (
    ActionError,
    AgentdataError,
    ConfigError,
    CorruptRecordError,
    ForkDivergedError,
    NotFoundError,
    RecordError,
    ReplayError,
    RunMismatchError,
    SandboxError,
    SchemaVersionError,
    StoreError,
    TaskError,
    UnreplayableError,
    VerifierError,
)

if TYPE_CHECKING:
    from agentdata._recorder import EpisodeMeta, Recorder
    from agentdata._runner import RolloutConfig, run_rollouts
    from agentdata.envs import make, register_envs
    from agentdata.policies import Action, Policy, Turn
    from agentdata.replay._fork import fork_episode
    from agentdata.replay._replayer import ReplayResult, replay_episode
    from agentdata.schemas import (
        EpisodeRecord,
        Failure,
        Latency,
        PolicyOutput,
        PolicySpec,
        RunRecord,
        StepRecord,
        TaskSpec,
        Verdict,
    )
    from agentdata.store import Store

# public name -> the module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "Store": "agentdata.store",
    "Recorder": "agentdata._recorder",
    "EpisodeMeta": "agentdata._recorder",
    "RolloutConfig": "agentdata._runner",
    "run_rollouts": "agentdata._runner",
    "Action": "agentdata.policies",
    "Policy": "agentdata.policies",
    "Turn": "agentdata.policies",
    "make": "agentdata.envs",
    "register_envs": "agentdata.envs",
    "ReplayResult": "agentdata.replay._replayer",
    "replay_episode": "agentdata.replay._replayer",
    "fork_episode": "agentdata.replay._fork",
    "EpisodeRecord": "agentdata.schemas",
    "Failure": "agentdata.schemas",
    "Latency": "agentdata.schemas",
    "PolicyOutput": "agentdata.schemas",
    "PolicySpec": "agentdata.schemas",
    "RunRecord": "agentdata.schemas",
    "StepRecord": "agentdata.schemas",
    "TaskSpec": "agentdata.schemas",
    "Verdict": "agentdata.schemas",
}

__all__ = [
    "Action",
    "ActionError",
    "AgentdataError",
    "ConfigError",
    "CorruptRecordError",
    "EpisodeMeta",
    "EpisodeRecord",
    "Failure",
    "ForkDivergedError",
    "Latency",
    "NotFoundError",
    "Policy",
    "PolicyOutput",
    "PolicySpec",
    "RecordError",
    "Recorder",
    "ReplayError",
    "ReplayResult",
    "RolloutConfig",
    "RunMismatchError",
    "RunRecord",
    "SandboxError",
    "SchemaVersionError",
    "StepRecord",
    "Store",
    "StoreError",
    "TaskError",
    "TaskSpec",
    "Turn",
    "UnreplayableError",
    "Verdict",
    "VerifierError",
    "fork_episode",
    "make",
    "register_envs",
    "replay_episode",
    "run_rollouts",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentdata' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
