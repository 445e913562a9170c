"""`agentdata audit store`: check that a store is internally consistent.

Replay checks each step's payload against the environment; this checks the store against
itself, so that an edited summary column, a lost step or a corrupt page is found:

- the database's own check (SQLite `integrity_check` and `foreign_key_check`);
- every derived column (verdict label, error type, failure kind) equals its payload, and
  every escaped text decodes;
- step indexes are 0..n-1, the state hashes chain, and only the last step ends the episode;
- a finished episode's step count, total reward and success agree with its steps;
- at most one finished episode per slot of a run;
- every referenced blob exists, and every blob's content matches its hash and size.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from agentdata.schemas import FINISHED_STATUSES
from agentdata.schemas.hashing import text_hash
from agentdata.store._codec import ESCAPED_KEY, blob_from_row
from agentdata.store._models import Blob, Episode, Step
from agentdata.store._reads import StoreReader
from agentdata.store._textsafe import split_names, unescape

_CHUNK = 2000


@dataclass(frozen=True)
class Inconsistency:
    """One thing the store contradicts itself about."""

    check: str
    message: str
    episode: str | None = None
    step: int | None = None
    column: str | None = None

    def as_json(self) -> dict[str, Any]:
        """JSON form for `--json`."""
        return {
            "check": self.check,
            "episode": self.episode,
            "step": self.step,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = [f"episode {self.episode}"] if self.episode else []
        where += [f"step {self.step}"] if self.step is not None else []
        where += [f"column {self.column}"] if self.column else []
        return f"{self.check}: {', '.join(where) + ': ' if where else ''}{self.message}"


def audit_store(store: StoreReader, run_id: str | None = None) -> list[Inconsistency]:
    """Every inconsistency of the store (of one run's episodes with `run_id`)."""
    found: list[Inconsistency] = []
    with store.engine.connect() as conn:
        found += _database_check(conn)
        episodes = _episode_rows(conn, run_id)
        found += _duplicate_slots(episodes)
        for episode_id, steps in _steps_by_episode(conn, run_id):
            found += _check_episode(episodes.pop(episode_id, None), episode_id, steps)
        for row in episodes.values():  # episodes without any step
            found += _check_episode(row, row["id"], [])
        found += _missing_blobs(conn, run_id)
        if run_id is None:
            found += _bad_blobs(conn)
    return found


def _database_check(conn: Connection) -> list[Inconsistency]:
    if conn.dialect.name != "sqlite":
        return []  # PostgreSQL checks its pages itself (data checksums); amcheck needs rights
    out = [
        Inconsistency("integrity_check", str(row[0]))
        for row in conn.exec_driver_sql("PRAGMA integrity_check").all()
        if row[0] != "ok"
    ]
    for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check").all():
        out.append(Inconsistency("foreign_key", f"{table} row {rowid} has no {parent} row"))
    return out


def _episode_rows(conn: Connection, run_id: str | None) -> dict[str, dict[str, Any]]:
    stmt = select(Episode.__table__)
    if run_id is not None:
        stmt = stmt.where(Episode.run_id == run_id)
    return {r["id"]: dict(r) for r in conn.execute(stmt).mappings()}


def _steps_by_episode(
    conn: Connection, run_id: str | None
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    stmt = select(Step.__table__).order_by(Step.episode_id, Step.idx)
    if run_id is not None:
        stmt = stmt.where(Step.episode_id.in_(select(Episode.id).where(Episode.run_id == run_id)))
    current: str | None = None
    batch: list[dict[str, Any]] = []
    for row in conn.execution_options(yield_per=_CHUNK).execute(stmt).mappings():
        if row["episode_id"] != current:
            if current is not None:
                yield current, batch
            current, batch = row["episode_id"], []
        batch.append(dict(row))
    if current is not None:
        yield current, batch


def _duplicate_slots(episodes: dict[str, dict[str, Any]]) -> list[Inconsistency]:
    seen: dict[tuple[str, int], str] = {}
    out = []
    for row in sorted(episodes.values(), key=lambda r: (r["run_id"], r["slot"], r["id"])):
        if row["status"] not in FINISHED_STATUSES or row["parent_id"] is not None:
            continue
        key = (row["run_id"], row["slot"])
        if key in seen:
            out.append(
                Inconsistency(
                    "duplicate_slot",
                    f"slot {row['slot']} of run {row['run_id']} is also finished by {seen[key]}",
                    episode=row["id"],
                    column="slot",
                )
            )
        else:
            seen[key] = row["id"]
    return out


def _check_episode(
    episode: dict[str, Any] | None, episode_id: str, steps: list[dict[str, Any]]
) -> list[Inconsistency]:
    def issue(check: str, message: str, step: int | None = None, column: str | None = None) -> None:
        out.append(Inconsistency(check, message, episode_id, step, column))

    out: list[Inconsistency] = []
    if episode is None:
        issue("orphan_steps", f"{len(steps)} steps belong to no episode")
        return out
    for name in split_names(episode["escaped"]):
        try:
            unescape(str(episode.get(name)))
        except (ValueError, TypeError):
            issue("escaped_text", "flagged escaped but does not decode", column=name)
    payloads = [_check_step(row, issue) for row in steps]
    indexes = [row["idx"] for row in steps]
    if indexes != list(range(len(steps))):
        missing = sorted(set(range(max(indexes, default=-1) + 1)) - set(indexes))
        issue("step_index", f"step indexes are not 0..{len(steps) - 1}; missing {missing[:10]}")
    previous = episode["initial_state"]
    for row in steps:
        if previous and row["state_before"] != previous:
            issue(
                "state_chain", "state_before is not the previous state", row["idx"], "state_before"
            )
        previous = row["state_after"]
        if (row["terminated"] or row["truncated"]) and row is not steps[-1]:
            issue("step_order", "a step after the one that ended the episode", row["idx"])
    if episode["status"] not in FINISHED_STATUSES:
        return out
    if episode["num_steps"] != len(steps):
        issue("episode_count", f"num_steps {episode['num_steps']}, {len(steps)} steps stored",
              column="num_steps")  # fmt: skip
    total = sum(float(r["reward"]) for r in steps)
    if not math.isclose(float(episode["total_reward"]), total, rel_tol=1e-9, abs_tol=1e-9):
        issue("episode_reward", f"total_reward {episode['total_reward']}, steps sum to {total}",
              column="total_reward")  # fmt: skip
    if episode["status"] == "terminated" and not (steps and steps[-1]["terminated"]):
        issue("episode_status", "status terminated but no step terminated", column="status")
    if steps and payloads[-1] is not None:
        declared = (payloads[-1].get("info") or {}).get("success")
        last = steps[-1]
        expected = (
            declared
            if isinstance(declared, bool)
            else bool(last["terminated"] and float(last["reward"]) > 0)
        )
        if episode["success"] is not None and bool(episode["success"]) != expected:
            issue("episode_success", f"success {episode['success']}, its steps say {expected}",
                  column="success")  # fmt: skip
    return out


def _check_step(row: dict[str, Any], issue: Any) -> dict[str, Any] | None:
    idx = row["idx"]
    try:
        payload = json.loads(row["payload"])
        if not isinstance(payload, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        issue("payload", f"payload is not JSON: {exc}", idx, "payload")
        return None
    verdict = payload.get("verdict") or {}
    failure = payload.get("failure") or {}
    for column, expected in (
        ("verdict_label", verdict.get("label")),
        ("error_type", verdict.get("error_type")),
        ("failure_kind", failure.get("kind")),
    ):
        if row[column] != expected:
            issue("derived_column", f"{row[column]!r}, payload says {expected!r}", idx, column)
    for column in payload.get(ESCAPED_KEY, ()):
        try:
            unescape(str(row.get(column)))
        except (ValueError, TypeError):
            issue("escaped_text", "flagged escaped but does not decode", idx, column)
    return payload


def _missing_blobs(conn: Connection, run_id: str | None) -> list[Inconsistency]:
    out = []
    for column in ("action_ref", "observation_ref", "state_before", "state_after"):
        ref = getattr(Step, column)
        stmt = (
            select(Step.episode_id, Step.idx, ref)
            .outerjoin(Blob, Blob.hash == ref)
            .where(ref.is_not(None), ref != "", Blob.hash.is_(None))
        )
        if run_id is not None:
            stmt = stmt.where(
                Step.episode_id.in_(select(Episode.id).where(Episode.run_id == run_id))
            )
        for episode_id, idx, digest in conn.execute(stmt).all():
            out.append(Inconsistency("missing_blob", f"blob {digest} is missing",
                                     episode_id, idx, column))  # fmt: skip
    stmt = (
        select(Episode.id, Episode.initial_state)
        .outerjoin(Blob, Blob.hash == Episode.initial_state)
        .where(Episode.initial_state != "", Blob.hash.is_(None))
    )
    if run_id is not None:
        stmt = stmt.where(Episode.run_id == run_id)
    for episode_id, digest in conn.execute(stmt).all():
        out.append(Inconsistency("missing_blob", f"blob {digest} is missing", episode_id,
                                 None, "initial_state"))  # fmt: skip
    return out


def _bad_blobs(conn: Connection) -> list[Inconsistency]:
    out = []
    stmt = select(Blob.hash, Blob.size, Blob.data, Blob.escaped).order_by(Blob.hash)
    for digest, size, data, escaped in conn.execution_options(yield_per=_CHUNK).execute(stmt):
        try:
            text = blob_from_row(data, escaped)
        except ValueError:
            out.append(
                Inconsistency("blob", f"blob {digest} is flagged escaped but does not decode")
            )
            continue
        if text_hash(text) != digest:
            out.append(Inconsistency("blob", f"blob {digest}: content does not match its hash"))
        elif size != len(text):
            out.append(Inconsistency("blob", f"blob {digest}: size {size}, content {len(text)}"))
    return out


def count_rows(store: StoreReader, run_id: str | None = None) -> dict[str, int]:
    """Episodes and steps checked (for the audit's summary line)."""
    with store.engine.connect() as conn:
        eps = select(func.count()).select_from(Episode)
        steps = select(func.count()).select_from(Step)
        if run_id is not None:
            eps = eps.where(Episode.run_id == run_id)
            steps = steps.where(
                Step.episode_id.in_(select(Episode.id).where(Episode.run_id == run_id))
            )
        return {
            "episodes": int(conn.execute(eps).scalar_one()),
            "steps": int(conn.execute(steps).scalar_one()),
        }
