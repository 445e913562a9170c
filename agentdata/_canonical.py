"""Canonical form of recorded episodes: the deterministic content, volatile fields removed."""

from __future__ import annotations

from pydantic import JsonValue

from agentdata.schemas import EpisodeRecord, StepRecord
from agentdata.schemas.hashing import canonical_json
from agentdata.store import Store

VOLATILE_EPISODE_FIELDS = frozenset({"started_at", "ended_at"})
"""Wall-clock fields; step latencies are excluded by `StepRecord.canonical`."""


def canonical_episode(episode: EpisodeRecord, steps: list[StepRecord]) -> JsonValue:
    """The episode and its steps without timing: equal inputs give equal values."""
    return {
        "episode": episode.model_dump(mode="json", exclude=set(VOLATILE_EPISODE_FIELDS)),
        "steps": [s.canonical() for s in steps],
    }


def canonical_run_dump(store: Store, run_id: str) -> str:
    """Canonical JSON of every episode of a run, in slot order (for byte comparisons)."""
    parts = [canonical_episode(ep, store.load_steps(ep.id)) for ep in store.episodes(run_id)]
    return canonical_json(parts)
