"""Step verdicts: what a verifier concluded about one step."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdata.schemas.json_types import JsonValue

VerdictLabel = Literal["correct", "incorrect", "neutral"]
"""PRM800K-style step rating: +1 correct, -1 incorrect, 0 neutral/unverifiable."""

ErrorType = Literal[
    "arithmetic_error",
    "illegal_transformation",
    "logical_leap",
    "hallucinated_step",
    "exceeding_rule_scope",
    "inconsistent_step",
    "redundant_step",
    "pseudo_fix",
    "wrong_answer",
    "format_error",
    "reward_hacking",
]
"""The reasoning-data error taxonomy of the design brief."""

ERROR_TYPES: tuple[ErrorType, ...] = ErrorType.__args__  # type: ignore[attr-defined]


class Verdict(BaseModel):
    """A verifier's judgement of one step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: VerdictLabel = Field(description="correct, incorrect or neutral (unverifiable).")
    error_type: ErrorType | None = Field(
        default=None, description="Taxonomy class of the error when the label is incorrect."
    )
    verifier: str = Field(description="Name of the verifier that produced this verdict.")
    verifier_version: str = Field(description="Version of that verifier.")
    message: str = Field(default="", description="Short human-readable explanation.")
    evidence: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="Machine-readable evidence: failing test ids, sympy residual, claims checked.",
    )

    @property
    def score(self) -> int:
        """PRM800K rating: +1, -1 or 0."""
        return {"correct": 1, "incorrect": -1, "neutral": 0}[self.label]
