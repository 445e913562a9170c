"""Small records shared by the store tests."""

from __future__ import annotations

from datetime import datetime

from agentdata.schemas import EpisodeRecord, PolicySpec
from agentdata.schemas.hashing import text_hash

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
