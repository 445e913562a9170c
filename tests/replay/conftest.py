"""Fixtures for replay tests: episodes recorded by the real runner on every registered env."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.envs import register_envs
from agentdata.store import Store
from agentdata.store._models import Base, Episode, Step

ENV_IDS = register_envs()

Recorder = Callable[..., list[str]]


def record_episodes(
    store: Store, env_id: str, *, episodes: int = 2, seed: int = 3, error_rate: float = 0.4
) -> list[str]:
    """Record `episodes` oracle episodes (with mistakes, so fail→fix cycles) and return ids."""
    run_id = run_rollouts(
        store,
        RolloutConfig(
            env_id=env_id,
            policy="oracle",
            episodes=episodes,
            seed=seed,
            policy_kwargs={"error_rate": error_rate},
            run_id=f"run-{seed}",
        ),
    )
    store.flush()
    return [e.id for e in store.episodes(run_id)]


def dump(store: Store) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table, sorted: compare before/after to prove nothing was written."""
    out = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = sorted((tuple(map(repr, r)) for r in conn.execute(select(table))), key=repr)
            out.append((table.name, rows))
    return out


def tamper_step(store: Store, episode_id: str, idx: int, **values: Any) -> None:
    """UPDATE one steps row (tampering with the record behind the library's back)."""
    with store.engine.begin() as conn:
        conn.execute(
            update(Step.__table__)
            .where(Step.episode_id == episode_id, Step.idx == idx)
            .values(**values)
        )


def tamper_episode(store: Store, episode_id: str, **values: Any) -> None:
    """UPDATE one episodes row."""
    with store.engine.begin() as conn:
        conn.execute(update(Episode.__table__).where(Episode.id == episode_id).values(**values))


@pytest.fixture(params=ENV_IDS)
def env_id(request: pytest.FixtureRequest) -> str:
    """Every registered environment."""
    return str(request.param)
