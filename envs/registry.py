"""Registration of agentdata environments with Gymnasium (explicit, idempotent)."""

from __future__ import annotations

import gymnasium

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
