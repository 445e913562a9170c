"""`RecordSink`: what a `Recorder` writes to; the SQL `Store` and an in-memory `MemorySink`."""

from __future__ import annotations

import json
from typing import Any, Protocol, runtime_checkable

from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord


@runtime_checkable
class RecordSink(Protocol):
    """Receives a recorder's episodes, steps and content-addressed texts.

    Writes may be buffered until `flush()`; `discard()` drops what is buffered.
    `flush(wait=False)` may hand them to a background writer and return before they are
    durable; `flush()` returns once they are.
    """

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """A new episode (status `running`)."""

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Content-addressed texts (hash -> text), e.g. state snapshots."""

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """One step of an episode begun earlier."""

    def update_episode(self, episode_id: str, **fields: Any) -> None:
        """New values of episode fields (status, ended_at, num_steps, ...)."""

    def flush(self, *, wait: bool = True) -> None:
        """Make everything buffered durable (`wait=False`: start to, without waiting)."""

    def discard(self) -> None:
        """Drop everything buffered since the last flush."""


class MemorySink:
    """A `RecordSink` that keeps the records in memory and writes nothing anywhere.

    Replay re-records episodes into one (the records are built exactly as when recording,
    then compared); `state(digest)` returns a snapshot the recorder hashed.
    """

    def __init__(self) -> None:
        self.episodes: dict[str, EpisodeRecord] = {}
        self.steps: dict[str, list[StepRecord]] = {}
        self.blobs: dict[str, str] = {}

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """Kept."""
        self.episodes[episode.id] = episode
        self.steps[episode.id] = []

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Kept."""
        self.blobs.update(blobs)

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """Kept."""
        self.steps.setdefault(episode_id, []).append(step)

    def update_episode(self, episode_id: str, **fields: Any) -> None:
        """Applied to the kept episode."""
        if episode_id in self.episodes:
            self.episodes[episode_id] = self.episodes[episode_id].model_copy(update=fields)

    def flush(self, *, wait: bool = True) -> None:
        """Nothing to write."""

    def discard(self) -> None:
        """Nothing is buffered: everything is kept as it arrives."""

    def state(self, digest: str) -> JsonValue | None:
        """The snapshot hashed to `digest`, or None."""
        text = self.blobs.get(digest)
        return None if text is None else json.loads(text)
