"""One recorded environment step with all its audit fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentdata.schemas.failures import Failure
from agentdata.schemas.json_types import JsonValue
from agentdata.schemas.verdicts import Verdict


class Latency(BaseModel):
    """Wall-clock seconds spent in each part of a step (volatile: excluded from replay diffs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_s: float = Field(default=0.0, description="Time the policy took to produce the action.")
    env_s: float = Field(default=0.0, description="Time env.step took, verifier included.")
    verifier_s: float = Field(default=0.0, description="Time spent inside verifiers.")


class PolicyOutput(BaseModel):
    """What the policy returned besides the action text, when it provides it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt_token_ids: list[int] | None = Field(default=None, description="Prompt token ids.")
    completion_token_ids: list[int] | None = Field(default=None, description="Completion ids.")
    logprobs: list[float] | None = Field(default=None, description="Per-token logprobs.")
    finish_reason: str | None = Field(default=None, description="stop, length, ...")
    infra_retries: int = Field(
        default=0,
        ge=0,
        description="Retries the policy needed to get this output (timeouts, server errors).",
    )
    extra: dict[str, JsonValue] = Field(default_factory=dict, description="Policy-specific data.")


class StepRecord(BaseModel):
    """A single `env.step`: state before and after, action, observation, verdict, failure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0, description="0-based position of the step in its episode.")
    state_before: str = Field(description="Content hash of the state snapshot before the step.")
    state_after: str = Field(description="Content hash of the state snapshot after the step.")
    action_raw: str = Field(description="The action text exactly as the policy emitted it.")
    action_parsed: dict[str, JsonValue] | None = Field(
        default=None, description="The parsed action, or None when it did not parse."
    )
    observation: str = Field(description="Observation text returned by the step.")
    reward: float = Field(description="Reward returned by the step.")
    terminated: bool = Field(description="Episode ended by reaching a terminal state.")
    truncated: bool = Field(description="Episode cut by the step budget.")
    verdict: Verdict | None = Field(default=None, description="Step verdict, if any verifier ran.")
    failure: Failure | None = Field(default=None, description="Typed failure, if any.")
    retry_of: int | None = Field(
        default=None,
        ge=0,
        description="Index of the earlier failed step whose sub-goal this re-attempts.",
    )
    infra_retries: int = Field(default=0, ge=0, description="Infrastructure retries (not agent).")
    latency: Latency = Field(default_factory=Latency, description="Timing (volatile).")
    policy_output: PolicyOutput | None = Field(default=None, description="Policy metadata.")
    info: dict[str, JsonValue] = Field(
        default_factory=dict, description="Extra env info that is JSON (e.g. process score)."
    )

    def canonical(self) -> dict[str, JsonValue]:
        """The deterministic content of the step: everything except volatile timing."""
        data: dict[str, JsonValue] = self.model_dump(mode="json", exclude={"latency"})
        return data
