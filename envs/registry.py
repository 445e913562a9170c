"""Registration of agentdata environments with Gymnasium (explicit, idempotent)."""

from __future__ import annotations

from typing import Any

import gymnasium
from gymnasium.envs.registration import load_env_creator

from agentdata.envs.base import TextEnv
from agentdata.errors import ConfigError, UnknownEnvError

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


def installed_env_ids() -> str:
    """The registered agentdata environment ids, comma-separated."""
    return ", ".join(sorted(k for k in gymnasium.registry if k.startswith("agentdata/")))


def check_env_id(env_id: str) -> None:
    """Refuse, without building it, an id that is not registered (`UnknownEnvError`) or
    whose entry point is a class that is not an agentdata `TextEnv` (`ConfigError`)."""
    register_envs()
    if env_id not in gymnasium.registry:
        raise UnknownEnvError(f"unknown environment {env_id!r}; installed: {installed_env_ids()}")
    entry = gymnasium.spec(env_id).entry_point
    try:
        creator = load_env_creator(entry) if isinstance(entry, str) else entry
    except Exception as exc:  # its module does not import
        raise ConfigError(f"cannot load environment {env_id!r}: {exc}") from exc
    if isinstance(creator, type) and not issubclass(creator, TextEnv):
        raise _not_ours(env_id)


def _not_ours(env_id: str) -> ConfigError:
    return ConfigError(
        f"{env_id!r} is not an agentdata environment (the recorder and policies need an "
        f"agentdata.envs.base.TextEnv); agentdata environments: {installed_env_ids()}"
    )


def make(env_id: str, **kwargs: Any) -> gymnasium.Env[str, str]:
    """`gymnasium.make` of an agentdata environment (the one way agentdata builds one).

    `UnknownEnvError` for an id that is not registered, `ConfigError` for one that is not
    an agentdata environment or whose constructor fails.
    """
    check_env_id(env_id)
    try:
        env = gymnasium.make(env_id, **kwargs)
    except Exception as exc:  # any constructor failure is a configuration problem to report
        raise ConfigError(f"cannot create {env_id} with {kwargs}: {exc}") from exc
    if not isinstance(env.unwrapped, TextEnv):
        env.close()
        raise _not_ours(env_id)
    return env
