"""The store's queries: typed reads of runs, episodes, steps and blobs, and stats aggregates.

Every SQL statement that reads the store lives here (or in the store's other modules);
stats, replay and the CLI go through these methods instead of the ORM models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Integer, func, select

from agentdata.errors import NotFoundError
from agentdata.schemas import FINISHED_STATUSES, EpisodeRecord, RunRecord, StepRecord
from agentdata.store import _codec as codec
from agentdata.store._models import Blob, Episode, Run, Step


class StoreReader:
    """Reads of the SQL store (the base of `Store`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _connect(self) -> Connection:
        """A read connection (a `Store` first waits for the writes it handed over)."""
        self._before_read()
        return self.engine.connect()

    def _before_read(self) -> None:
        """Nothing to wait for in a plain reader."""

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None."""
        with self._connect() as conn:
            row = conn.execute(select(Run.__table__).where(Run.id == run_id)).mappings().first()
        return codec.run_from_row(row) if row else None

    def list_runs(self) -> list[RunRecord]:
        """All runs, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(select(Run.__table__).order_by(Run.created_at, Run.id)).mappings()
            return [codec.run_from_row(r) for r in rows]

    def get_episode(self, episode_id: str) -> EpisodeRecord:
        """The episode; NotFoundError when absent."""
        with self._connect() as conn:
            row = (
                conn.execute(select(Episode.__table__).where(Episode.id == episode_id))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(f"no episode {episode_id!r} in {self.url}")
        return codec.episode_from_row(row)

    def episodes(
        self,
        run_id: str | None = None,
        *,
        statuses: Sequence[str] | None = None,
        parent_id: str | None = None,
    ) -> list[EpisodeRecord]:
        """Episodes filtered by run, status and parent, in run/slot order."""
        stmt = _filtered(select(Episode.__table__), run_id, statuses, parent_id)
        with self._connect() as conn:
            return [codec.episode_from_row(r) for r in conn.execute(stmt).mappings()]

    def episode_ids(
        self,
        run_id: str | None = None,
        *,
        statuses: Sequence[str] | None = None,
        parent_id: str | None = None,
    ) -> list[str]:
        """Ids of `episodes(...)`, reading only the id column (a corrupt row still lists).

        NotFoundError when `run_id` names no run and no episode.
        """
        stmt = _filtered(select(Episode.id), run_id, statuses, parent_id)
        with self._connect() as conn:
            ids = list(conn.scalars(stmt))
        if run_id is not None and not ids and self.get_run(run_id) is None:
            raise NotFoundError(f"no run {run_id!r} in {self.url}")
        return ids

    def load_steps(self, episode_id: str) -> list[StepRecord]:
        """The episode's steps in order (long texts resolved)."""
        with self._connect() as conn:
            rows = list(
                conn.execute(
                    select(Step.__table__).where(Step.episode_id == episode_id).order_by(Step.idx)
                ).mappings()
            )
            refs = {r[k] for r in rows for k in ("action_ref", "observation_ref") if r[k]}
            texts = _blobs_by_hash(conn, refs)
        return [codec.step_from_row(r, lambda h: _lookup(texts, h)) for r in rows]

    def blob(self, digest: str) -> str:
        """The text stored under `digest`; NotFoundError when absent."""
        with self._connect() as conn:
            return _lookup(_blobs_by_hash(conn, {digest}), digest)

    # -- aggregates for `agentdata stats` -------------------------------------------------
    def finished_summary(self, run_id: str | None = None) -> dict[str, Any]:
        """Counts over finished episodes: episodes, successes, steps, failures, error types."""
        ep_filter: list[Any] = [Episode.status.in_(sorted(FINISHED_STATUSES))]
        if run_id is not None:
            ep_filter.append(Episode.run_id == run_id)
        success = func.sum(func.coalesce(Episode.success, False).cast(Integer))
        ids = select(Episode.id).where(*ep_filter).scalar_subquery()
        with self._connect() as conn:
            n_eps, n_success = conn.execute(select(func.count(), success).where(*ep_filter)).one()
            n_steps = conn.execute(select(func.count()).where(Step.episode_id.in_(ids))).scalar()
            by: dict[str, dict[str, int]] = {}
            for name, column in (("failures", Step.failure_kind), ("errors", Step.error_type)):
                rows = conn.execute(
                    select(column, func.count())
                    .where(Step.episode_id.in_(ids), column.is_not(None))
                    .group_by(column)
                ).all()
                by[name] = {str(k): int(v) for k, v in rows}
        return {
            "episodes": int(n_eps),
            "successes": int(n_success or 0),
            "steps": int(n_steps or 0),
            "failures": by["failures"],
            "error_types": by["errors"],
        }

    def step_timings(self, run_id: str | None = None) -> list[tuple[Any, ...]]:
        """(retry_of, infra_retries, policy_s, env_s, verifier_s) of every finished step."""
        ep_filter: list[Any] = [Episode.status.in_(sorted(FINISHED_STATUSES))]
        if run_id is not None:
            ep_filter.append(Episode.run_id == run_id)
        ids = select(Episode.id).where(*ep_filter).scalar_subquery()
        stmt = select(
            Step.retry_of, Step.infra_retries, Step.policy_s, Step.env_s, Step.verifier_s
        ).where(Step.episode_id.in_(ids))
        with self._connect() as conn:
            return [tuple(r) for r in conn.execute(stmt).all()]


def _filtered(
    stmt: Any, run_id: str | None, statuses: Sequence[str] | None, parent_id: str | None
) -> Any:
    stmt = stmt.order_by(Episode.run_id, Episode.slot, Episode.id)
    if run_id is not None:
        stmt = stmt.where(Episode.run_id == run_id)
    if statuses is not None:
        stmt = stmt.where(Episode.status.in_(list(statuses)))
    if parent_id is not None:
        stmt = stmt.where(Episode.parent_id == parent_id)
    return stmt


def _blobs_by_hash(conn: Any, digests: set[str]) -> dict[str, str]:
    if not digests:
        return {}
    rows = conn.execute(
        select(Blob.hash, Blob.data, Blob.escaped).where(Blob.hash.in_(sorted(digests)))
    )
    return {h: codec.blob_from_row(d, e) for h, d, e in rows}


def _lookup(texts: dict[str, str], digest: str) -> str:
    try:
        return texts[digest]
    except KeyError:
        raise NotFoundError(f"blob {digest} is missing from the store") from None
