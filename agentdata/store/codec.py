"""Conversion between pydantic records and table rows (the only place that knows both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from agentdata.errors import CorruptRecordError
from schemas import EpisodeRecord, Failure, Latency, PolicyOutput, RunRecord, StepRecord, Verdict
from schemas.hashing import text_hash

INLINE_LIMIT = 2048
"""Texts up to this many characters are stored inline; longer ones once, as blobs."""


def split_text(text: str, blobs: dict[str, str]) -> tuple[str | None, str | None]:
    """(inline, ref): short text inline, long text as a content-addressed blob added to `blobs`."""
    if len(text) <= INLINE_LIMIT:
        return text, None
    digest = text_hash(text)
    blobs[digest] = text
    return None, digest


def step_row(episode_id: str, step: StepRecord, blobs: dict[str, str]) -> dict[str, Any]:
    """Row of the `steps` table for `step`; long texts are moved into `blobs`."""
    action, action_ref = split_text(step.action_raw, blobs)
    observation, observation_ref = split_text(step.observation, blobs)
    verdict = step.verdict
    failure = step.failure
    return {
        "episode_id": episode_id,
        "idx": step.index,
        "state_before": step.state_before,
        "state_after": step.state_after,
        "action_raw": action,
        "action_ref": action_ref,
        "action_parsed": step.action_parsed,
        "observation": observation,
        "observation_ref": observation_ref,
        "reward": step.reward,
        "terminated": step.terminated,
        "truncated": step.truncated,
        "verdict_label": verdict.label if verdict else None,
        "error_type": verdict.error_type if verdict else None,
        "verdict": verdict.model_dump(mode="json") if verdict else None,
        "failure_kind": failure.kind if failure else None,
        "failure": failure.model_dump(mode="json") if failure else None,
        "retry_of": step.retry_of,
        "infra_retries": step.infra_retries,
        "policy_s": step.latency.policy_s,
        "env_s": step.latency.env_s,
        "verifier_s": step.latency.verifier_s,
        "policy_output": (
            step.policy_output.model_dump(mode="json") if step.policy_output else None
        ),
        "info": step.info,
    }


def step_from_row(row: Any, blob: Callable[[str], str]) -> StepRecord:
    """Decode a `steps` row; `blob` resolves content hashes. Raises CorruptRecordError."""
    try:
        return StepRecord(
            index=row["idx"],
            state_before=row["state_before"],
            state_after=row["state_after"],
            action_raw=row["action_raw"] if row["action_ref"] is None else blob(row["action_ref"]),
            action_parsed=row["action_parsed"],
            observation=(
                row["observation"]
                if row["observation_ref"] is None
                else blob(row["observation_ref"])
            ),
            reward=row["reward"],
            terminated=row["terminated"],
            truncated=row["truncated"],
            verdict=Verdict.model_validate(row["verdict"]) if row["verdict"] else None,
            failure=Failure.model_validate(row["failure"]) if row["failure"] else None,
            retry_of=row["retry_of"],
            infra_retries=row["infra_retries"],
            latency=Latency(
                policy_s=row["policy_s"], env_s=row["env_s"], verifier_s=row["verifier_s"]
            ),
            policy_output=(
                PolicyOutput.model_validate(row["policy_output"]) if row["policy_output"] else None
            ),
            info=row["info"],
        )
    except (ValidationError, KeyError, TypeError) as exc:
        raise CorruptRecordError(
            f"step {row.get('idx')} of episode {row.get('episode_id')} is corrupt: {exc}"
        ) from exc


EPISODE_FIELDS = tuple(EpisodeRecord.model_fields)
RUN_FIELDS = tuple(RunRecord.model_fields)


def episode_row(episode: EpisodeRecord) -> dict[str, Any]:
    """Row of the `episodes` table."""
    row = episode.model_dump(mode="python")
    row["policy"] = episode.policy.model_dump(mode="json")
    return row


def episode_from_row(row: Any) -> EpisodeRecord:
    """Decode an `episodes` row. Raises CorruptRecordError."""
    try:
        return EpisodeRecord.model_validate({k: row[k] for k in EPISODE_FIELDS})
    except (ValidationError, KeyError) as exc:
        raise CorruptRecordError(f"episode {row.get('id')} is corrupt: {exc}") from exc


def run_row(run: RunRecord) -> dict[str, Any]:
    """Row of the `runs` table."""
    row = run.model_dump(mode="python")
    row["policy"] = run.policy.model_dump(mode="json")
    return row


def run_from_row(row: Any) -> RunRecord:
    """Decode a `runs` row. Raises CorruptRecordError."""
    try:
        return RunRecord.model_validate({k: row[k] for k in RUN_FIELDS})
    except (ValidationError, KeyError) as exc:
        raise CorruptRecordError(f"run {row.get('id')} is corrupt: {exc}") from exc
