"""Registration of agentdata environments with Gymnasium (explicit, idempotent)."""

from __future__ import annotations

from typing import Any

import gymnasium

from agentdata.errors import ConfigError

ENV_ENTRY_POINTS: dict[str, str] = {
    "agentdata/Math-v0": "agentdata.envs.math.env:MathEnv",
    "agentdata/CodeRepair-v0": "agentdata.envs.code_repair.env:CodeRepairEnv",
    "agentdata/Logic-v0": "agentdata.envs.logic.env:LogicEnv",
}


def register_envs() -> list[str]:
    """Register every agentdata environment with `gymnasium`; return their ids."""
    for env_id, entry_point in ENV_ENTRY_POINTS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry_point, disable_env_checker=True)
    return list(ENV_ENTRY_POINTS)


def make(env_id: str, **kwargs: Any) -> gymnasium.Env[str, str]:
    """`gymnasium.make` with agentdata envs registered; a bad id or kwargs is a `ConfigError`."""
    register_envs()
    if env_id not in gymnasium.registry:
        known = ", ".join(sorted(k for k in gymnasium.registry if k.startswith("agentdata/")))
        raise ConfigError(f"unknown environment {env_id!r}; installed: {known}")
    try:
        return gymnasium.make(env_id, **kwargs)
    except Exception as exc:  # any constructor failure is a configuration problem to report
        raise ConfigError(f"cannot create {env_id} with {kwargs}: {exc}") from exc
