"""Store access for replay: open read-only, and a store that keeps nothing.

Replay never writes: the CLI opens SQLite stores with `mode=ro` (the database refuses any
write), never migrates, and re-executes episodes through a `Recorder` whose store is a
`NullStore` (the records are built exactly as when recording, then compared, not stored).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

from agentdata.errors import SchemaVersionError, StoreError
from agentdata.schemas import EpisodeRecord, JsonValue, RunRecord, StepRecord
from agentdata.store import Store, resolve_url
from agentdata.store.engine import current_revision, make_engine, require_existing, sqlite_file
from agentdata.store.models import SCHEMA_VERSION


class NullStore(Store):
    """A `Store` whose writes go nowhere; it only remembers the state snapshots it is given.

    `blobs` maps content hash -> canonical JSON text of every snapshot the recorder hashed,
    so a replay can show the replayed state next to the recorded one.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.blobs: dict[str, str] = {}

    def create_run(self, run: RunRecord) -> None:
        """Discarded."""

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """Discarded."""

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Kept in memory (state snapshots), never written."""
        self.blobs.update(blobs)

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """Discarded."""

    def add_steps(self, episode_id: str, steps: Iterable[StepRecord]) -> None:
        """Discarded."""

    def update_episode(self, episode_id: str, **fields: Any) -> None:
        """Discarded."""

    def flush(self) -> None:
        """Nothing to write."""

    def mark_incomplete(self, run_id: str) -> list[str]:
        """Nothing to mark."""
        return []

    def close(self) -> None:
        """The engine belongs to the real store; leave it open."""

    def state(self, digest: str) -> JsonValue | None:
        """The snapshot hashed to `digest` during this replay, or None."""
        text = self.blobs.get(digest)
        return None if text is None else json.loads(text)


def open_readonly(url: str | None = None) -> Store:
    """Open an existing store for reading only; never creates, migrates or writes.

    A SQLite file that does not exist is an error (opening would create it). A store whose
    schema differs from this version's is refused with what to do about it.
    """
    resolved = resolve_url(url)
    require_existing(resolved)
    path = sqlite_file(resolved)
    engine: Engine | None = None
    if path is not None:
        ro = make_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
        try:
            revision = current_revision(ro)
            engine = ro
        except Exception:  # WAL files not present and not creatable read-only: plain open
            ro.dispose()
    if engine is None:
        engine = make_engine(resolved)
        try:
            revision = current_revision(engine)
        except Exception as exc:
            engine.dispose()
            raise StoreError(f"cannot read store {resolved!r}: {exc}") from exc
    if revision != SCHEMA_VERSION:
        engine.dispose()
        if revision is None:
            raise StoreError(f"{resolved!r} is not an agentdata store (no schema revision)")
        raise SchemaVersionError(
            f"store schema revision {revision!r} differs from this agentdata's "
            f"{SCHEMA_VERSION!r}: if it is older, migrate it once with a writing command "
            f"(e.g. `agentdata runs --db URL`); if newer, upgrade agentdata"
        )
    return Store(engine)
