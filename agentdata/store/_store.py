"""The audit store: buffered, durable writes of runs, episodes and steps; typed reads."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select

from agentdata.errors import StoreError
from agentdata.schemas import EpisodeRecord, RunRecord, StepRecord
from agentdata.store import _codec as codec
from agentdata.store._engine import open_engine, open_readonly_engine, resolve_url
from agentdata.store._models import Run
from agentdata.store._reads import StoreReader
from agentdata.store._slots import SlotLeases, insert_ignore, mark_incomplete
from agentdata.store._writer import Writer

_KNOWN_BLOBS_MAX = 200_000
log = logging.getLogger("agentdata.store")


class Store(StoreReader):
    """SQL audit store. Writes are buffered and land in one transaction per `flush()`.

    The runner flushes after every batch of steps, so a killed process loses at most the
    steps in flight. Use one `Store` per process; it is not shared across threads.
    Implements `RecordSink` (what a `Recorder` writes to).
    """

    def __init__(self, engine: Engine, *, readonly: bool = False) -> None:
        super().__init__(engine)
        self.readonly = readonly
        self.dropped: list[str] = []
        """Rows the database refused (each logged); the rest of their batch was written."""
        self._writer = Writer(engine)
        self._episodes: list[dict[str, Any]] = []
        self._steps: list[tuple[Any, ...]] = []
        self._updates: list[dict[str, Any]] = []
        self._blobs: dict[str, str] = {}
        self._known_blobs: set[str] = set()
        self._escaped: dict[str, list[str]] = {}

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (and migrate) the store at `url`, $AGENTDATA_DB, or ./agentdata.db."""
        return cls(open_engine(resolve_url(url)))

    @classmethod
    def open_readonly(cls, url: str | None = None) -> Store:
        """Open an existing store for reading only: never creates, migrates or writes.

        Works on read-only media and on a copied file; writes raise `StoreError`.
        """
        return cls(open_readonly_engine(resolve_url(url)), readonly=True)

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
    def create_run(self, run: RunRecord) -> RunRecord:
        """Insert a run unless one with its id exists (several workers may race to create
        it); return the stored run."""
        self._check_writable()
        with self.engine.begin() as conn:
            conn.execute(insert_ignore(conn, Run), [codec.run_row(run)])
            row = conn.execute(select(Run.__table__).where(Run.id == run.id)).mappings().one()
        return codec.run_from_row(row)

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """Buffer a new episode."""
        row = codec.episode_row(episode)
        if row["escaped"]:
            self._escaped[episode.id] = row["escaped"].split(",")
        self._episodes.append(row)

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
        escaped = self._escaped.get(episode_id, [])
        before = len(escaped)
        codec.escape_fields(fields, escaped)
        if len(escaped) > before:
            self._escaped[episode_id] = escaped
            fields["escaped"] = ",".join(sorted(set(escaped)))
        self._updates.append({"b_id": episode_id, **fields})

    def flush(self) -> None:
        """Write everything buffered in one transaction.

        The buffer is emptied whatever happens, so one failed batch never blocks later
        writes. A row the database refuses is dropped (logged, and kept in `dropped`) and
        the rest of its batch is written; a database that cannot write at all raises
        `StoreError`.
        """
        if not (self._episodes or self._steps or self._updates or self._blobs):
            return
        blobs = self._blobs
        ops = self._writer.ops(blobs, self._episodes, self._steps, self._updates)
        self.discard()
        self._check_writable()
        try:
            dropped = self._writer.write(ops)
        except Exception as exc:
            raise StoreError(f"cannot write to {self.url}: {type(exc).__name__}: {exc}") from exc
        for message in dropped:
            log.warning("store refused and dropped %s", message)
        self.dropped.extend(dropped)
        if len(self._known_blobs) > _KNOWN_BLOBS_MAX:
            self._known_blobs.clear()
        self._known_blobs.update(blobs)

    def discard(self) -> None:
        """Drop everything buffered since the last `flush()` (nothing of it is written)."""
        self._episodes, self._steps, self._updates, self._blobs = [], [], [], {}

    def mark_incomplete(self, run_id: str) -> list[str]:
        """Mark the run's `running` episodes (their process died) as `incomplete`."""
        self._check_writable()
        with self.engine.begin() as conn:
            return mark_incomplete(conn, run_id)

    def slot_leases(self, run_id: str, *, lease_s: float = 120.0) -> SlotLeases:
        """This worker's leases on the slots of `run_id` (see `agentdata.store._slots`)."""
        self._check_writable()
        return SlotLeases(self.engine, run_id, lease_s=lease_s)

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"the store {self.url} was opened read-only; it cannot be written")
