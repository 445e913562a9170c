"""Recording helpers for the mining tests: oracle episodes whose cycles are known independently.

The oracle itself says which mistakes it made and whether the environment caught them; that
count never looks at `retry_of`, so it checks the env's links and the mining query.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np

from agentdata._recorder import EpisodeMeta, Recorder
from agentdata._version import package_version
from agentdata.envs import register_envs
from agentdata.schemas import JsonValue, PolicySpec, RunRecord
from agentdata.store import Store


def detected_mistakes(mistakes: list[str]) -> int:
    """Slips the verifier caught: math and logic oracles append "undetected" after a missed one."""
    return len([m for m in mistakes if m != "undetected"]) - mistakes.count("undetected")


def record_oracle_run(
    store: Store,
    run_id: str,
    env_id: str,
    env_kwargs: dict[str, JsonValue],
    *,
    episodes: int,
    error_rate: float,
    seed: int = 0,
    task_ids: list[str] | None = None,
    same_seed: bool = False,
) -> dict[str, int]:
    """Record oracle episodes; episode id -> cycles the oracle made and saw caught."""
    register_envs()
    policy = PolicySpec(name="oracle", kwargs={"error_rate": error_rate})
    store.create_run(
        RunRecord(id=run_id, env_id=env_id, env_kwargs=env_kwargs, policy=policy, seed=seed,
                  episodes=episodes, package_version=package_version())
    )  # fmt: skip
    kwargs: dict[str, Any] = dict(env_kwargs)
    rec = Recorder(
        gymnasium.make(env_id, **kwargs),
        store,
        env_id=env_id,
        env_kwargs=env_kwargs,
        autoflush=False,
    )
    known: dict[str, int] = {}
    try:
        for i in range(episodes):
            episode_seed = seed if same_seed else seed + i
            episode_id = f"{run_id}-{i:03d}"
            rec.set_next_episode(EpisodeMeta(
                episode_id=episode_id, run_id=run_id, slot=i,
                policy=policy.model_copy(update={"seed": episode_seed})))  # fmt: skip
            options = {"task_id": task_ids[i % len(task_ids)]} if task_ids else None
            obs, info = rec.reset(seed=episode_seed, options=options)
            agent = rec.unwrapped.oracle(np.random.default_rng(episode_seed), error_rate)  # type: ignore[attr-defined]
            done = False
            while not done:
                obs, _reward, terminated, truncated, info = rec.step(agent.act(obs, info))
                done = terminated or truncated
            store.flush()
            mistakes = list(agent.mistakes)
            known[episode_id] = (
                detected_mistakes(mistakes)
                if not env_id.startswith("agentdata/CodeRepair")
                else len(mistakes)
            )
    finally:
        rec.close()
    store.flush()
    return known
