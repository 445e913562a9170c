"""Light read-only views of stored episodes and steps, decoded from SQL rows for mining.

Mining never builds full pydantic records: it streams rows, decodes only the payload fields
it needs (verdict, failure) and keeps one batch of episodes at a time in memory. Texts the
store escaped (lone surrogates, NUL) are decoded through its codec, as `Store` reads do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from agentdata.errors import CorruptRecordError
from agentdata.store._codec import ESCAPED_KEY, blob_from_row
from agentdata.store._textsafe import load_text, split_names

STEP_IDX, STEP_RETRY_OF, STEP_LABEL, STEP_ERROR_TYPE, STEP_FAILURE_KIND = 1, 4, 5, 6, 7
"""Positions in a step row (`queries.steps_select`) of what finding cycles reads."""


def step_failed(failure_kind: str | None, label: str | None) -> bool:
    """A step failed: a typed failure or an `incorrect` verdict (SQL twin: `queries.failed`)."""
    return failure_kind is not None or label == "incorrect"


def step_passed(failure_kind: str | None, label: str | None) -> bool:
    """A step passed: verified `correct` with no failure (SQL twin: `queries.passed`)."""
    return failure_kind is None and label == "correct"


@dataclass(slots=True)
class StepView:
    """One recorded step as mining sees it: the verdict's label, error type and verifier come
    from columns (and the database's JSON functions), not from parsing each step's payload."""

    idx: int
    action: str
    observation: str
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
        """A typed failure or an `incorrect` verdict (`step_failed`)."""
        return step_failed(self.failure_kind, self.label)

    @property
    def passed(self) -> bool:
        """Verified correct with no failure (`step_passed`)."""
        return step_passed(self.failure_kind, self.label)

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
    policy: dict[str, Any]
    """The policy spec, keys sorted (shared by the episodes of a spec: never mutate it)."""
    package_version: str
    success: bool | None
    total_reward: float
    initial_observation: str
    difficulty: int | None = None
    steps: list[StepView] = field(default_factory=list)


class Outcome(NamedTuple):
    """How one episode ended (what a curriculum row counts)."""

    episode_id: str
    success: bool
    total_reward: float


def _json(text: str) -> Any:
    """Parse stored JSON; payloads holding lone surrogates (valid JSON, `\\u` escapes that
    orjson refuses) fall back to the standard parser, which returns them as they were."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sorted_keys(value: Any) -> Any:
    """`value` with every object's keys in sorted order (as `canonical_json` writes them)."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


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


EPISODE_ID, EPISODE_TASK_ID, EPISODE_SUCCESS, EPISODE_REWARD = 0, 3, 9, 10
"""Positions in an episode row (`queries.EPISODE_COLUMNS`); the task id as stored."""
_NOTHING_ESCAPED: frozenset[str] = frozenset()
_CACHE_LIMIT = 1024
"""Distinct policies / extracted step fields a decoder remembers (a run has a handful)."""


class RowDecoder:
    """Decodes mining's rows into views; remembers the few values every row repeats (the
    run's policy spec, its verifiers) so that each is parsed and rendered once."""

    def __init__(self, *, extracted: bool) -> None:
        self.extracted = extracted
        """The database extracted the verifier and escape flags (else the payload is parsed)."""
        self._policies: dict[str, dict[str, Any]] = {}
        self._fields: dict[str, tuple[str, frozenset[str]]] = {}

    def steps(self, rows: Sequence[tuple[Any, ...]]) -> list[StepView]:
        """Decode one episode's step rows."""
        step = self.step
        return [step(row) for row in rows]

    def step(self, row: tuple[Any, ...]) -> StepView:
        """Decode a step row (columns of `queries.steps_select`, unpacked by position: this
        runs once per mined step). Escaped texts come back as recorded. Raises
        CorruptRecordError."""
        (episode_id, idx, action, observation, retry_of, label, error_type, failure_kind,
         extracted, payload, action_blob, action_escaped, observation_blob,
         observation_escaped) = row  # fmt: skip
        try:
            verifier, escaped = (
                self._extracted(extracted) if self.extracted else self._from_payload(payload)
            )
            if escaped or action is None or observation is None:
                action = _text(action, action_blob, action_escaped, "action_raw", escaped)
                observation = _text(
                    observation, observation_blob, observation_escaped, "observation", escaped
                )
            return StepView(
                idx, action, observation, retry_of, label, error_type, failure_kind,
                None if label is None else verifier, payload,
            )  # fmt: skip
        except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
            raise CorruptRecordError(
                f"step {idx} of episode {episode_id} is corrupt: {exc}"
            ) from exc

    def _extracted(self, fields: str) -> tuple[str, frozenset[str]]:
        """(verifier@version, escaped columns) from the JSON array `steps_select` extracted;
        the array repeats from step to step, so each distinct one is parsed once."""
        found = self._fields.get(fields)
        if found is None:
            if len(self._fields) >= _CACHE_LIMIT:
                self._fields.clear()
            verifier, version, escaped = _json(fields)
            found = self._fields[fields] = self._from_fields(verifier, version, escaped)
        return found

    def _from_payload(self, payload: str) -> tuple[str, frozenset[str]]:
        fields = _json(payload)
        verdict = fields.get("verdict") or {}
        return self._from_fields(
            verdict.get("verifier"), verdict.get("verifier_version"), fields.get(ESCAPED_KEY)
        )

    @staticmethod
    def _from_fields(name: Any, version: Any, escaped: Any) -> tuple[str, frozenset[str]]:
        return f"{name}@{version}", frozenset(escaped) if escaped else _NOTHING_ESCAPED

    def policy(self, stored: str) -> dict[str, Any]:
        """A stored policy spec (its JSON text) as an object with sorted keys, parsed once per
        distinct spec."""
        found = self._policies.get(stored)
        if found is None:
            if len(self._policies) >= _CACHE_LIMIT:
                self._policies.clear()
            spec = _sorted_keys(_json(stored))
            if not isinstance(spec, dict):
                raise TypeError("the policy spec is not a JSON object")
            found = self._policies[stored] = spec
        return found

    @staticmethod
    def outcome(row: Any) -> Outcome:
        """An episode row's (id, success, total reward) (columns of `queries.EPISODE_COLUMNS`)."""
        return Outcome(row[EPISODE_ID], bool(row[EPISODE_SUCCESS]), float(row[EPISODE_REWARD]))

    def episode(self, row: Any, difficulty: int | None) -> EpisodeView:
        """Decode an episode row (columns of `queries.EPISODE_COLUMNS`). Raises
        CorruptRecordError."""
        (id_, run_id, env_id, task_id, task_hash, seed, sample_index, policy, package_version,
         success, total_reward, initial_observation, escaped_names) = row  # fmt: skip
        try:
            escaped = split_names(escaped_names)
            return EpisodeView(
                id=id_,
                run_id=run_id,
                env_id=env_id,
                task_id=str(load_text(task_id, "task_id", escaped)),
                task_hash=task_hash,
                seed=seed,
                sample_index=sample_index,
                policy=self.policy(policy),
                package_version=package_version,
                success=None if success is None else bool(success),
                total_reward=float(total_reward),
                initial_observation=str(
                    load_text(initial_observation, "initial_observation", escaped)
                ),
                difficulty=difficulty,
            )
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise CorruptRecordError(f"episode {id_} is corrupt: {exc}") from exc
