"""Conversion between pydantic records and table rows (the only place that knows both)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError, to_json, to_jsonable_python

from agentdata.errors import CorruptRecordError
from agentdata.schemas import EpisodeRecord, RunRecord, StepRecord
from agentdata.schemas.hashing import text_hash
from agentdata.store._textsafe import join_names, load_text, split_names, store_text, unescape

INLINE_LIMIT = 2048
"""Texts up to this many characters are stored inline; longer ones once, as blobs."""


def split_text(text: str, blobs: dict[str, str]) -> tuple[str | None, str | None]:
    """(inline, ref): short text inline, long text as a content-addressed blob added to `blobs`."""
    if len(text) <= INLINE_LIMIT:
        return text, None
    digest = text_hash(text)
    blobs[digest] = text
    return None, digest


BLOB_COLUMNS: tuple[str, ...] = ("hash", "size", "data", "escaped")
"""Column order of `blob_values`."""


def blob_values(digest: str, text: str) -> tuple[Any, ...]:
    """Values of a `blobs` row: texts UTF-8 cannot carry are stored escaped and flagged."""
    escaped: list[str] = []
    data = store_text(text, "data", escaped)
    return (digest, len(text), data, bool(escaped))


def blob_from_row(data: str, escaped: bool | None) -> str:
    """The original text of a `blobs` row."""
    return unescape(data) if escaped else data


STEP_COLUMNS: tuple[str, ...] = (
    "episode_id", "idx", "state_before", "state_after", "action_raw", "action_ref",
    "observation", "observation_ref", "reward", "terminated", "truncated", "verdict_label",
    "error_type", "failure_kind", "retry_of", "infra_retries", "policy_s", "env_s",
    "verifier_s", "payload",
)  # fmt: skip
"""Column order of `step_values` (the hot insert path bypasses SQLAlchemy's binds)."""


NULL_STANDINS: dict[str, str | int] = {
    "action_ref": "",
    "observation_ref": "",
    "verdict_label": "",
    "error_type": "",
    "failure_kind": "",
    "retry_of": -1,
}
"""Stand-ins for NULL in the `steps` columns that are usually NULL, on SQLite's insert
path (`step_values(..., standins=True)`); the INSERT turns each back into NULL with
`NULLIF`. The sqlite3 module binds None (and bool) several times slower than a str or an
int, which cost a quarter of the writer's time. No stand-in is a value its column can hold
(hashes, literal labels, step indexes >= 0)."""


def step_values(
    episode_id: str, step: StepRecord, blobs: dict[str, str], *, standins: bool = False
) -> tuple[Any, ...]:
    """Values of a `steps` row in `STEP_COLUMNS` order; long texts are moved into `blobs`.

    With `standins`, the usually-NULL columns carry `NULL_STANDINS` instead of None and
    booleans are ints (SQLite's insert path). The nested records are serialised in one
    pydantic-core (Rust) call: per-field `json.dumps` used to dominate ingest time, and
    `model_dump_json(include=...)` costs twice as much as `to_json` on a dict. This runs
    once per recorded step on the caller's thread.
    """
    action, action_ref = split_text(step.action_raw, blobs)
    observation, observation_ref = split_text(step.observation, blobs)
    escaped: list[str] = []
    action = store_text(action, "action_raw", escaped)
    observation = store_text(observation, "observation", escaped)
    verdict = step.verdict
    failure = step.failure
    latency = step.latency
    payload: dict[str, Any] = {
        "verdict": verdict,
        "failure": failure,
        "action_parsed": step.action_parsed,
        "policy_output": step.policy_output,
        "info": step.info,
    }
    if escaped:
        payload[ESCAPED_KEY] = escaped
    label: str | None = None
    error_type: str | None = None
    if verdict is not None:
        label, error_type = verdict.label, verdict.error_type
    failure_kind: str | None = None if failure is None else failure.kind
    retry_of = step.retry_of
    terminated: bool | int = step.terminated
    truncated: bool | int = step.truncated
    if standins:  # keep in step with NULL_STANDINS
        action_ref = action_ref or ""
        observation_ref = observation_ref or ""
        label = label or ""
        error_type = error_type or ""
        failure_kind = failure_kind or ""
        retry_of = -1 if retry_of is None else retry_of
        terminated, truncated = int(terminated), int(truncated)
    return (
        episode_id,
        step.index,
        step.state_before,
        step.state_after,
        action,
        action_ref,
        observation,
        observation_ref,
        step.reward,
        terminated,
        truncated,
        label,
        error_type,
        failure_kind,
        retry_of,
        step.infra_retries,
        latency.policy_s,
        latency.env_s,
        latency.verifier_s,
        payload_json(payload),
    )


ESCAPED_KEY = "escaped"
"""Payload key listing the step's text columns stored JSON-escaped (see `textsafe`)."""


def payload_json(payload: dict[str, Any]) -> str:
    """JSON text of a step payload; strings UTF-8 cannot carry are kept as `\\u` escapes."""
    try:
        return to_json(payload).decode()
    except PydanticSerializationError:  # lone surrogates: ASCII JSON keeps them losslessly
        return json.dumps(to_jsonable_python(payload), ensure_ascii=True)


def step_from_row(row: Any, blob: Callable[[str], str]) -> StepRecord:
    """Decode a `steps` row; `blob` resolves content hashes. Raises CorruptRecordError."""
    try:
        payload = json.loads(row["payload"])
        if not isinstance(payload, dict):
            raise TypeError("payload is not a JSON object")
        escaped = frozenset(payload.pop(ESCAPED_KEY, ()))
        return StepRecord.model_validate(
            {
                **payload,
                "index": row["idx"],
                "state_before": row["state_before"],
                "state_after": row["state_after"],
                "action_raw": (
                    load_text(row["action_raw"], "action_raw", escaped)
                    if row["action_ref"] is None
                    else blob(row["action_ref"])
                ),
                "observation": (
                    load_text(row["observation"], "observation", escaped)
                    if row["observation_ref"] is None
                    else blob(row["observation_ref"])
                ),
                "reward": row["reward"],
                "terminated": row["terminated"],
                "truncated": row["truncated"],
                "retry_of": row["retry_of"],
                "infra_retries": row["infra_retries"],
                "latency": {
                    "policy_s": row["policy_s"],
                    "env_s": row["env_s"],
                    "verifier_s": row["verifier_s"],
                },
            }
        )
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        raise CorruptRecordError(
            f"step {row.get('idx')} of episode {row.get('episode_id')} is corrupt: {exc}"
        ) from exc


EPISODE_FIELDS = tuple(EpisodeRecord.model_fields)
RUN_FIELDS = tuple(RunRecord.model_fields)


def episode_row(episode: EpisodeRecord) -> dict[str, Any]:
    """Row of the `episodes` table (texts UTF-8 cannot carry escaped and named in `escaped`)."""
    row = episode.model_dump(mode="python")
    row["policy"] = episode.policy.model_dump(mode="json")
    escaped: list[str] = []
    escape_fields(row, escaped)
    row["escaped"] = join_names(escaped)
    return row


def escape_fields(fields: dict[str, Any], escaped: list[str]) -> None:
    """Escape, in place, the str values of `fields` that UTF-8 or PostgreSQL cannot carry."""
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = store_text(value, name, escaped)


def episode_from_row(row: Any) -> EpisodeRecord:
    """Decode an `episodes` row. Raises CorruptRecordError."""
    try:
        escaped = split_names(row["escaped"])
        return EpisodeRecord.model_validate(
            {k: load_text(row[k], k, escaped) if k in escaped else row[k] for k in EPISODE_FIELDS}
        )
    except (ValidationError, KeyError, ValueError) as exc:
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
