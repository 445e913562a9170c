"""Small records shared by the store and recorder tests."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from agentdata._recorder import Recorder
from agentdata._runner import make_env
from agentdata.schemas import EpisodeRecord, PolicySpec
from agentdata.schemas.hashing import text_hash
from agentdata.store import Store

STATE = text_hash("{}")


def minimal_episode(eid: str, *, observation: str = "obs") -> EpisodeRecord:
    """An episode of run "r" with fixed fields; `observation` is its initial observation."""
    return EpisodeRecord(
        id=eid,
        run_id="r",
        env_id="agentdata/Math-v0",
        task_id="t",
        task_hash="ab" * 32,
        seed=1,
        package_version="0",
        policy=PolicySpec(name="oracle"),
        started_at=datetime(2026, 1, 1),
        initial_observation=observation,
        initial_state=STATE,
    )


def record_linear_episode(store: Store, *, seed: int, oracle_seed: int) -> Recorder:
    """Record one linear-equation math episode played by the oracle (half its steps wrong)."""
    env = make_env("agentdata/Math-v0", {"family": "linear"})
    rec = Recorder(env, store)
    obs, info = rec.reset(seed=seed)
    agent = env.unwrapped.oracle(np.random.default_rng(oracle_seed), 0.5)
    done = False
    while not done:
        obs, _r, term, trunc, info = rec.step(agent.act(obs, info))
        done = term or trunc
    return rec
