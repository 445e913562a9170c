"""The audit store: buffered, durable writes of runs, episodes and steps; typed reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from agentdata.errors import NotFoundError, StoreError
from agentdata.schemas import EpisodeRecord, RunRecord, StepRecord
from agentdata.store import codec
from agentdata.store.engine import make_engine, migrate, resolve_url
from agentdata.store.models import Blob, Episode, Run, Step
from agentdata.store.writer import Writer

_KNOWN_BLOBS_MAX = 200_000


class Store:
    """SQL audit store. Writes are buffered and land in one transaction per `flush()`.

    The runner flushes after every batch of steps, so a killed process loses at most the
    steps in flight. Use one `Store` per process; it is not shared across threads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = Writer(engine)
        self._episodes: list[dict[str, Any]] = []
        self._steps: list[tuple[Any, ...]] = []
        self._updates: list[dict[str, Any]] = []
        self._blobs: dict[str, str] = {}
        self._known_blobs: set[str] = set()

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (and migrate) the store at `url`, $AGENTDATA_DB, or ./agentdata.db."""
        engine = make_engine(resolve_url(url))
        migrate(engine)
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Flush pending writes and release connections."""
        try:
            self.flush()
        finally:
            self._writer.close()
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ---------------------------------------------------------------------------
    def create_run(self, run: RunRecord) -> None:
        """Insert a run (immediately)."""
        with self.engine.begin() as conn:
            conn.execute(insert(Run), [codec.run_row(run)])

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """Buffer a new episode."""
        self._episodes.append(codec.episode_row(episode))

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Buffer content-addressed texts (hash -> text); known hashes are skipped."""
        for digest, text in blobs.items():
            if digest not in self._known_blobs:
                self._blobs[digest] = text

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """Buffer a step; long texts go to blobs."""
        blobs: dict[str, str] = {}
        self._steps.append(codec.step_values(episode_id, step, blobs))
        if blobs:
            self.add_blobs(blobs)

    def add_steps(self, episode_id: str, steps: Iterable[StepRecord]) -> None:
        """Buffer many steps of one episode."""
        for step in steps:
            self.add_step(episode_id, step)

    def update_episode(self, episode_id: str, **fields: Any) -> None:
        """Buffer an update of episode columns (status, ended_at, num_steps, ...)."""
        unknown = set(fields) - set(codec.EPISODE_FIELDS)
        if unknown:
            raise StoreError(f"unknown episode fields: {sorted(unknown)}")
        self._updates.append({"b_id": episode_id, **fields})

    def flush(self) -> None:
        """Write everything buffered in one transaction."""
        if not (self._episodes or self._steps or self._updates or self._blobs):
            return
        try:
            self._writer.write(self._blobs, self._episodes, self._steps, self._updates)
        except Exception as exc:
            raise StoreError(f"cannot write to {self.url}: {type(exc).__name__}: {exc}") from exc
        if len(self._known_blobs) > _KNOWN_BLOBS_MAX:
            self._known_blobs.clear()
        self._known_blobs.update(self._blobs)
        self._episodes, self._steps, self._updates, self._blobs = [], [], [], {}

    def discard(self) -> None:
        """Drop everything buffered since the last `flush()` (nothing of it is written)."""
        self._episodes, self._steps, self._updates, self._blobs = [], [], [], {}

    def mark_incomplete(self, run_id: str) -> list[str]:
        """Mark the run's `running` episodes (their process died) as `incomplete`."""
        with self.engine.begin() as conn:
            ids = list(
                conn.scalars(
                    select(Episode.id).where(Episode.run_id == run_id, Episode.status == "running")
                )
            )
            if ids:
                conn.execute(update(Episode).where(Episode.id.in_(ids)).values(status="incomplete"))
                counts = conn.execute(
                    select(Step.episode_id, func.count())
                    .where(Step.episode_id.in_(ids))
                    .group_by(Step.episode_id)
                ).all()
                for episode_id, n in counts:
                    conn.execute(
                        update(Episode).where(Episode.id == episode_id).values(num_steps=n)
                    )
        return ids

    # -- reads ----------------------------------------------------------------------------
    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(Run.__table__).where(Run.id == run_id)).mappings().first()
        return codec.run_from_row(row) if row else None

    def list_runs(self) -> list[RunRecord]:
        """All runs, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(Run.__table__).order_by(Run.created_at, Run.id)).mappings()
            return [codec.run_from_row(r) for r in rows]

    def get_episode(self, episode_id: str) -> EpisodeRecord:
        """The episode; NotFoundError when absent."""
        with self.engine.connect() as conn:
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
        stmt = select(Episode.__table__).order_by(Episode.run_id, Episode.slot, Episode.id)
        if run_id is not None:
            stmt = stmt.where(Episode.run_id == run_id)
        if statuses is not None:
            stmt = stmt.where(Episode.status.in_(list(statuses)))
        if parent_id is not None:
            stmt = stmt.where(Episode.parent_id == parent_id)
        with self.engine.connect() as conn:
            return [codec.episode_from_row(r) for r in conn.execute(stmt).mappings()]

    def load_steps(self, episode_id: str) -> list[StepRecord]:
        """The episode's steps in order (long texts resolved)."""
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    select(Step.__table__).where(Step.episode_id == episode_id).order_by(Step.idx)
                ).mappings()
            )
            refs = {r[k] for r in rows for k in ("action_ref", "observation_ref") if r[k]}
            texts = self._blobs_by_hash(conn, refs)
        return [codec.step_from_row(r, lambda h: _lookup(texts, h)) for r in rows]

    def blob(self, digest: str) -> str:
        """The text stored under `digest`; NotFoundError when absent."""
        with self.engine.connect() as conn:
            return _lookup(self._blobs_by_hash(conn, {digest}), digest)

    @staticmethod
    def _blobs_by_hash(conn: Any, digests: set[str]) -> dict[str, str]:
        if not digests:
            return {}
        rows = conn.execute(select(Blob.hash, Blob.data).where(Blob.hash.in_(sorted(digests))))
        return {h: d for h, d in rows}


def _lookup(texts: dict[str, str], digest: str) -> str:
    try:
        return texts[digest]
    except KeyError:
        raise NotFoundError(f"blob {digest} is missing from the store") from None
