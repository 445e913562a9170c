"""Declared task difficulty: asked of the environment that recorded the run (never guessed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from agentdata._runner import make_env
from agentdata.envs.base import TextEnv
from agentdata.errors import ConfigError
from agentdata.schemas import JsonValue


def declared_difficulties(
    env_id: str, env_kwargs: dict[str, JsonValue], task_ids: Iterable[str]
) -> dict[str, int | None]:
    """Task id -> the difficulty its `TaskSpec` declares (None when unknown or unavailable).

    The environment is built once from the run's env id and kwargs; tasks are loaded without
    starting an episode (no sandbox). An environment that cannot be built gives None for all.
    """
    ids = list(task_ids)
    try:
        env = make_env(env_id, env_kwargs)
    except ConfigError:
        return dict.fromkeys(ids)
    try:
        base = env.unwrapped
        if not isinstance(base, TextEnv):
            return dict.fromkeys(ids)
        out: dict[str, int | None] = {}
        for task_id in ids:
            try:
                out[task_id] = base.task_spec(task_id).difficulty
            except Exception:  # a task the env no longer has: its difficulty is unknown
                out[task_id] = None
        return out
    finally:
        with contextlib.suppress(Exception):
            env.close()
