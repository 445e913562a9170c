"""Typed failures: anything that went wrong in a step, from bad agent input to a dead sandbox."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdata.schemas.json_types import JsonValue

FailureKind = Literal[
    "parse_error",
    "invalid_action",
    "verification_failed",
    "test_failure",
    "timeout",
    "verifier_timeout",
    "too_many_claims",
    "sandbox_error",
    "policy_error",
    "env_exception",
    "grading_tampered",
    "grading_error",
]
"""Kinds of failure recorded on a step. `grading_tampered`: the grade caught the submission
fooling the tests (reward 0); `grading_error`: grading could not run for reasons outside the
agent's reach (retryable, not counted against the policy)."""

FAILURE_KINDS: tuple[FailureKind, ...] = FailureKind.__args__  # type: ignore[attr-defined]


class Failure(BaseModel):
    """Something that went wrong in a step; the episode goes on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FailureKind = Field(description="Typed class of the failure.")
    message: str = Field(description="What went wrong, for a human.")
    detail: dict[str, JsonValue] = Field(
        default_factory=dict, description="Structured context (limits hit, exit codes, ...)."
    )
