"""Task descriptions common to every environment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentdata.schemas.json_types import JsonValue


class TaskSpec(BaseModel):
    """What the agent is asked to do; `hash` covers the full task content."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Task id, unique within its source.")
    hash: str = Field(description="sha256 of the task's canonical content.")
    prompt: str = Field(description="Problem statement shown to the agent.")
    family: str | None = Field(default=None, description="Generator family or suite name.")
    difficulty: int | None = Field(default=None, description="Difficulty level, if known.")
    metadata: dict[str, JsonValue] = Field(
        default_factory=dict, description="Source-specific data."
    )
