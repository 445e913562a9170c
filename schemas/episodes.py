"""Runs and episodes: everything needed to rebuild an episode."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdata.schemas.json_types import JsonValue

EpisodeStatus = Literal["running", "terminated", "truncated", "crashed", "incomplete"]
"""`running` until it ends; `incomplete` when its process died and a resume superseded it."""

FINISHED_STATUSES: frozenset[str] = frozenset({"terminated", "truncated", "crashed"})


class PolicySpec(BaseModel):
    """Which policy acted, enough to run it again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Registered policy name: oracle, scripted, openai, vllm ...")
    model: str | None = Field(default=None, description="Model name or path, for LLM policies.")
    revision: str | None = Field(default=None, description="Model revision or hash.")
    sampling: dict[str, JsonValue] = Field(default_factory=dict, description="Sampling params.")
    seed: int | None = Field(default=None, description="Policy seed for this episode.")
    kwargs: dict[str, JsonValue] = Field(default_factory=dict, description="Other policy args.")


class EpisodeRecord(BaseModel):
    """One episode: how to rebuild it, and how it ended."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Episode id (unique in the store).")
    run_id: str = Field(description="Run this episode belongs to.")
    slot: int = Field(default=0, ge=0, description="Position in the run's plan.")
    sample_index: int = Field(default=0, ge=0, description="Sample number of its task (best-of-N).")
    env_id: str = Field(description="Gymnasium id, e.g. agentdata/Math-v0.")
    env_kwargs: dict[str, JsonValue] = Field(
        default_factory=dict, description="gymnasium.make kwargs."
    )
    task_id: str = Field(description="Task id inside the environment.")
    task_hash: str = Field(description="Content hash of the task.")
    seed: int | None = Field(description="Seed handed to reset.")
    reset_options: dict[str, JsonValue] | None = Field(
        default=None,
        description="Options handed to reset ({} for none, e.g. {'task_id': ...}); None in "
        "records made before agentdata recorded them.",
    )
    package_version: str = Field(description="agentdata version that recorded it.")
    policy: PolicySpec = Field(description="Policy that acted.")
    parent_id: str | None = Field(default=None, description="Parent episode when forked.")
    fork_step: int | None = Field(default=None, description="Steps replayed from the parent.")
    status: EpisodeStatus = Field(default="running", description="Lifecycle status.")
    started_at: datetime | None = Field(default=None, description="UTC start time (volatile).")
    ended_at: datetime | None = Field(default=None, description="UTC end time (volatile).")
    num_steps: int = Field(default=0, ge=0, description="Steps recorded.")
    total_reward: float = Field(default=0.0, description="Sum of step rewards.")
    success: bool | None = Field(default=None, description="Outcome: task solved.")
    outcome: dict[str, JsonValue] = Field(default_factory=dict, description="Final env info.")
    initial_observation: str = Field(default="", description="Observation returned by reset.")
    initial_state: str = Field(default="", description="Hash of the state snapshot after reset.")
    error: str | None = Field(default=None, description="Crash message when status is crashed.")

    @property
    def finished(self) -> bool:
        """True when the episode reached an end (terminated, truncated or crashed)."""
        return self.status in FINISHED_STATUSES


class RunRecord(BaseModel):
    """A rollout run: a plan of episodes over one environment with one policy."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Run id (the --run name when given).")
    env_id: str = Field(description="Environment id.")
    env_kwargs: dict[str, JsonValue] = Field(default_factory=dict, description="Env kwargs.")
    policy: PolicySpec = Field(description="Policy spec (seed unset: per episode).")
    seed: int = Field(description="Run seed; every episode seed derives from it.")
    episodes: int = Field(ge=0, description="Episodes planned.")
    samples_per_task: int = Field(default=1, ge=1, description="Samples per task.")
    package_version: str = Field(description="agentdata version.")
    created_at: datetime | None = Field(default=None, description="UTC creation time.")
