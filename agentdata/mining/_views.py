"""Light read-only views of stored episodes and steps, decoded from SQL rows for mining.

Mining never builds full pydantic records: it streams rows, decodes only the payload fields
it needs (verdict, failure) and keeps one batch of episodes at a time in memory. Texts the
store escaped (lone surrogates, NUL) are decoded through its codec, as `Store` reads do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from agentdata.errors import CorruptRecordError
from agentdata.schemas.hashing import canonical_json
from agentdata.store._codec import ESCAPED_KEY, blob_from_row
from agentdata.store._textsafe import load_text, split_names


@dataclass(slots=True)
class StepView:
    """One recorded step as mining sees it: the verdict's label, error type and verifier come
    from columns (and the database's JSON functions), not from parsing each step's payload."""

    idx: int
    action: str
    observation: str
    reward: float
    retry_of: int | None
    label: str | None
    """Verdict label, or None when no verifier judged the step."""
    error_type: str | None
    """Taxonomy error type of the verdict, else the failure kind (as `cycles_select`)."""
    failure_kind: str | None
    """Kind of the step's typed failure (None: no failure)."""
    verifier: str | None
    """`name@version` of the verifier that judged the step."""
    payload: str | None = None
    """The stored payload JSON, read only when the sample needs the verdict's details."""

    @property
    def failed(self) -> bool:
        """A typed failure or an `incorrect` verdict (the SQL twin is `queries.failed`)."""
        return self.failure_kind is not None or self.label == "incorrect"

    @property
    def passed(self) -> bool:
        """Verified correct with no failure (the SQL twin is `queries.passed`)."""
        return self.failure_kind is None and self.label == "correct"

    @property
    def judged(self) -> bool:
        """A verifier judged the step or it failed with a typed failure."""
        return self.label is not None or self.failure_kind is not None

    def details(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(verdict, failure) as recorded (empty dicts when absent), from the payload."""
        if self.payload is None:
            raise ValueError(f"step {self.idx} was read without its payload")
        payload = _json(self.payload)
        return payload.get("verdict") or {}, payload.get("failure") or {}


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
    policy_json: str
    """Canonical JSON of the policy spec (one string column in every export)."""
    package_version: str
    success: bool | None
    total_reward: float
    initial_observation: str
    difficulty: int | None = None
    steps: list[StepView] = field(default_factory=list)


def _json(text: str) -> Any:
    """Parse stored JSON; payloads holding lone surrogates (valid JSON, `\\u` escapes that
    orjson refuses) fall back to the standard parser, which returns them as they were."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _text(
    inline: str | None,
    blob: str | None,
    blob_escaped: bool | None,
    column: str,
    escaped: frozenset[str],
) -> str:
    """An inline text column or, when it lives in `blobs`, its blob, decoded through the
    store's codec (see `textsafe`)."""
    if inline is not None:
        return str(load_text(inline, column, escaped))
    if blob is None:
        raise ValueError(f"the {column} text (or its blob) is missing")
    return blob_from_row(blob, blob_escaped)


def step_from_row(row: Any, *, extracted: bool) -> StepView:
    """Decode a step row (columns of `queries.steps_select`, unpacked by position: this runs
    once per mined step); `extracted`: the database extracted the verifier and escape flags
    (else they are read from the payload). Escaped texts come back as recorded. Raises
    CorruptRecordError."""
    (episode_id, idx, action, observation, reward, retry_of, label, error_type, failure_kind,
     verifier, verifier_version, escaped_json, payload, action_blob, action_escaped,
     observation_blob, observation_escaped) = row  # fmt: skip
    try:
        if extracted:
            escaped = frozenset(_json(escaped_json)) if escaped_json else frozenset()
        else:
            fields = _json(payload)
            verdict = fields.get("verdict") or {}
            verifier, verifier_version = verdict.get("verifier"), verdict.get("verifier_version")
            escaped = frozenset(fields.get(ESCAPED_KEY) or ())
        return StepView(
            idx=int(idx),
            action=_text(action, action_blob, action_escaped, "action_raw", escaped),
            observation=_text(
                observation, observation_blob, observation_escaped, "observation", escaped
            ),
            reward=float(reward),
            retry_of=retry_of,
            label=label,
            error_type=error_type,
            failure_kind=failure_kind,
            verifier=None if label is None else f"{verifier}@{verifier_version}",
            payload=payload,
        )
    except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
        raise CorruptRecordError(f"step {idx} of episode {episode_id} is corrupt: {exc}") from exc


def episode_from_row(row: Any, difficulty: int | None) -> EpisodeView:
    """Decode an episode row (columns of `queries.EPISODE_COLUMNS`). Raises CorruptRecordError."""
    try:
        escaped = split_names(row.escaped)
        policy = row.policy if isinstance(row.policy, dict) else _json(row.policy)
        return EpisodeView(
            id=row.id,
            run_id=row.run_id,
            env_id=row.env_id,
            task_id=str(load_text(row.task_id, "task_id", escaped)),
            task_hash=row.task_hash,
            seed=row.seed,
            sample_index=row.sample_index,
            policy_json=canonical_json(policy),
            package_version=row.package_version,
            success=None if row.success is None else bool(row.success),
            total_reward=float(row.total_reward),
            initial_observation=str(
                load_text(row.initial_observation, "initial_observation", escaped)
            ),
            difficulty=difficulty,
        )
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise CorruptRecordError(f"episode {row.id} is corrupt: {exc}") from exc
