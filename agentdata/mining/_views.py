"""Light read-only views of stored episodes and steps, decoded from SQL rows for mining.

Mining never builds full pydantic records: it streams rows, decodes only the payload fields
it needs (verdict, failure) and keeps one episode at a time in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from agentdata.errors import CorruptRecordError
from agentdata.schemas.hashing import canonical_json


@dataclass(slots=True)
class StepView:
    """One recorded step as mining sees it."""

    idx: int
    action: str
    observation: str
    reward: float
    verdict: dict[str, Any] | None
    """The step's verdict (label, error_type, verifier, verifier_version, message, evidence)."""
    failure: dict[str, Any] | None
    retry_of: int | None

    @property
    def failed(self) -> bool:
        """A typed failure or an `incorrect` verdict (the SQL twin is `queries.FAILED`)."""
        return self.failure is not None or self.label == "incorrect"

    @property
    def passed(self) -> bool:
        """Verified correct with no failure (the SQL twin is `queries.PASSED`)."""
        return self.failure is None and self.label == "correct"

    @property
    def label(self) -> str | None:
        """Verdict label, or None when no verifier judged the step."""
        return None if self.verdict is None else str(self.verdict.get("label"))

    @property
    def error_type(self) -> str | None:
        """Taxonomy error type of the verdict, else the failure kind (as `cycles_select`)."""
        found = None if self.verdict is None else self.verdict.get("error_type")
        if found is None and self.failure is not None:
            found = self.failure.get("kind")
        return None if found is None else str(found)

    @property
    def verifier(self) -> str | None:
        """`name@version` of the verifier that judged the step."""
        if self.verdict is None:
            return None
        return f"{self.verdict.get('verifier')}@{self.verdict.get('verifier_version')}"


@dataclass(slots=True)
class EpisodeView:
    """One recorded episode as mining sees it."""

    id: str
    run_id: str
    env_id: str
    task_id: str
    task_hash: str
    seed: int | None
    sample_index: int
    policy: dict[str, Any]
    package_version: str
    success: bool | None
    total_reward: float
    initial_observation: str
    difficulty: int | None = None
    steps: list[StepView] = field(default_factory=list)

    @property
    def policy_json(self) -> str:
        """Canonical JSON of the policy spec (one string column in every export)."""
        return canonical_json(self.policy)


def step_from_row(row: Any) -> StepView:
    """Decode a streamed step row (columns of `queries.step_columns`)."""
    try:
        payload = orjson.loads(row.payload)
        action = row.action_raw if row.action_ref is None else row.action_blob
        observation = row.observation if row.observation_ref is None else row.observation_blob
        if action is None or observation is None:
            raise ValueError("a referenced blob is missing")
        return StepView(
            idx=int(row.idx),
            action=str(action),
            observation=str(observation),
            reward=float(row.reward),
            verdict=payload.get("verdict"),
            failure=payload.get("failure"),
            retry_of=row.retry_of,
        )
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
        raise CorruptRecordError(
            f"step {row.idx} of episode {row.episode_id} is corrupt: {exc}"
        ) from exc


def episode_from_row(row: Any, difficulty: int | None) -> EpisodeView:
    """Decode a streamed episode row."""
    policy = row.policy if isinstance(row.policy, dict) else orjson.loads(row.policy)
    return EpisodeView(
        id=row.id,
        run_id=row.run_id,
        env_id=row.env_id,
        task_id=row.task_id,
        task_hash=row.task_hash,
        seed=row.seed,
        sample_index=row.sample_index,
        policy=policy,
        package_version=row.package_version,
        success=None if row.success is None else bool(row.success),
        total_reward=float(row.total_reward),
        initial_observation=row.initial_observation,
        difficulty=difficulty,
    )
