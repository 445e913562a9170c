"""The audit store: buffered, durable writes of runs, episodes and steps; typed reads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, select

from agentdata.errors import StoreError
from agentdata.schemas import EpisodeRecord, RunRecord, StepRecord
from agentdata.store import _codec as codec
from agentdata.store._background import BackgroundWriter, Batch
from agentdata.store._engine import open_engine, open_readonly_engine, resolve_url
from agentdata.store._models import Run
from agentdata.store._reads import StoreReader
from agentdata.store._slots import SlotLeases, insert_ignore, mark_incomplete
from agentdata.store._writer import Writer

_KNOWN_BLOBS_MAX = 200_000
log = logging.getLogger("agentdata.store")


class Store(StoreReader):
    """SQL audit store. Writes are buffered and land in one transaction per `flush()`.

    One background writer thread per store commits the batches (`flush(wait=False)` hands
    them over without waiting), so a recorder never waits on SQL; the runner hands over
    every round's steps, and a SIGKILL loses at most the batch in flight. Reads wait for
    what was handed over, so a store reads its own writes. Use one `Store` per process,
    from one thread at a time (the runner wraps it in a lock). Implements `RecordSink`.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        readonly: bool = False,
        on_commit: Callable[[list[tuple[str, int]]], None] | None = None,
    ) -> None:
        super().__init__(engine)
        self.readonly = readonly
        self.dropped: list[str] = []
        """Rows the database refused (each logged); the rest of their batch was written.
        Complete once `flush()` returned (the background writer appends to it)."""
        self.on_commit = on_commit
        """Called on the writer thread after each commit with the (episode id, step index)
        of every step it made durable: the writer's acknowledgement."""
        self._writer = Writer(engine)
        self._background = BackgroundWriter(self._commit, lambda: self.url)
        self._buffer = Batch()
        self._known_blobs: set[str] = set()
        """Blob hashes already committed (touched only by the writer thread)."""
        self._escaped: dict[str, list[str]] = {}
        self._buffered_episodes: dict[str, dict[str, Any]] = {}
        """Rows of the episodes begun since the last hand-over, by id: an update of one of
        them is merged into its row (one INSERT instead of an INSERT and an UPDATE)."""

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        on_commit: Callable[[list[tuple[str, int]]], None] | None = None,
    ) -> Store:
        """Open (and migrate) the store at `url`, $AGENTDATA_DB, or ./agentdata.db.

        `on_commit` receives the (episode id, step index) of the steps each commit made
        durable, on the writer thread (see `Store.on_commit`).
        """
        return cls(open_engine(resolve_url(url)), on_commit=on_commit)

    @classmethod
    def open_readonly(cls, url: str | None = None) -> Store:
        """Open an existing store for reading only: never creates, migrates or writes.

        Works on read-only media and on a copied file; writes raise `StoreError`.
        """
        return cls(open_readonly_engine(resolve_url(url)), readonly=True)

    def close(self) -> None:
        """Flush pending writes (waiting for the background writer) and release connections."""
        try:
            self.flush()
        finally:
            try:
                self._background.close()
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
        self._buffer.episodes.append(row)
        self._buffered_episodes[episode.id] = row

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Buffer content-addressed texts (hash -> text); committed hashes are not rewritten."""
        self._buffer.blobs.update(blobs)

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """Buffer a step; long texts go to blobs."""
        blobs: dict[str, str] = {}
        self._buffer.steps.append(
            codec.step_values(episode_id, step, blobs, standins=self._writer.standins)
        )
        if blobs:
            self._buffer.blobs.update(blobs)

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
        row = self._buffered_episodes.get(episode_id)
        if row is not None:
            row.update(fields)
        else:
            self._buffer.updates.append({"b_id": episode_id, **fields})

    def flush(self, *, wait: bool = True) -> None:
        """Hand everything buffered to the background writer, which commits it in one
        transaction; with `wait` (the default) return once it is committed.

        `flush(wait=False)` returns at once (the recorder's and runner's hot path): the
        env never waits on SQL, and a SIGKILL loses at most the batch in flight (see
        `agentdata.store._background`). The buffer is emptied whatever happens, so one failed
        batch never blocks later writes. A row the database refuses is dropped (logged, and
        kept in `dropped`) and the rest of its batch is written; a database that cannot
        write a batch at all raises `StoreError` here (or at the next flush after
        `wait=False`), never silently.
        """
        self._buffered_episodes = {}
        if self._buffer:
            batch, self._buffer = self._buffer, Batch()
            self._check_writable()
            self._background.submit(batch)
        if wait:
            self._background.wait()

    def discard(self) -> None:
        """Drop everything buffered since the last `flush()` (nothing of it is written)."""
        self._buffer = Batch()
        self._buffered_episodes = {}

    def _commit(self, batch: Batch) -> None:
        """Write one batch (on the writer thread); raise when none of it could be written."""
        blobs = {h: t for h, t in batch.blobs.items() if h not in self._known_blobs}
        ops = self._writer.ops(blobs, batch.episodes, batch.steps, batch.updates)
        dropped = self._writer.write(ops)
        for _op, message in dropped:
            log.warning("store refused and dropped %s", message)
        self.dropped.extend(message for _op, message in dropped)
        if len(self._known_blobs) > _KNOWN_BLOBS_MAX:
            self._known_blobs.clear()
        self._known_blobs.update(blobs)
        if self.on_commit is not None:
            refused = {op.rows[0][:2] for op, _message in dropped if op.kind == "step"}
            keys = [(row[0], row[1]) for op in ops if op.kind == "step" for row in op.rows]
            self.on_commit([key for key in keys if key not in refused] if refused else keys)

    def _before_read(self) -> None:
        """Reads see this store's own writes: wait until what was handed over is committed."""
        self._background.wait(raise_error=False)

    def mark_incomplete(self, run_id: str) -> list[str]:
        """Mark the run's `running` episodes (their process died) as `incomplete`."""
        self._check_writable()
        self._before_read()
        with self.engine.begin() as conn:
            return mark_incomplete(conn, run_id)

    def slot_leases(self, run_id: str, *, lease_s: float = 120.0) -> SlotLeases:
        """This worker's leases on the slots of `run_id` (see `agentdata.store._slots`)."""
        self._check_writable()
        return SlotLeases(self.engine, run_id, lease_s=lease_s)

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"the store {self.url} was opened read-only; it cannot be written")
