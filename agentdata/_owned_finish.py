"""Finish only if owner: the runner's recorders finish slot episodes through `OwnedFinishes`.

A recorder ends an episode by writing its final fields (status, reward, outcome, ...). For
an episode of a run slot, this sink writes those fields with the status still `running`
and holds the final status back; `settle()` commits what is buffered and then sets the held
statuses with `SlotLeases.finish_owned`, which checks in the same transaction that the slot
is still this worker's. So a worker that stalled past its lease, and whose slot another
worker took over, never finishes that slot a second time: its episode stays recorded, with
all its steps, as `incomplete` (see `agentdata.store._slots`).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from agentdata.schemas import FINISHED_STATUSES, EpisodeRecord, StepRecord
from agentdata.store._sink import RecordSink
from agentdata.store._slots import SlotLeases

log = logging.getLogger("agentdata.runner")


class OwnedFinishes:
    """A `RecordSink` in front of `sink` (thread-safe, like it) that holds back the final
    status of slot episodes until `settle()` (see the module docstring)."""

    def __init__(self, sink: RecordSink, leases: SlotLeases) -> None:
        self._sink = sink
        self._leases = leases
        self._lock = threading.Lock()
        self._slots: dict[str, int] = {}
        self._held: dict[str, tuple[str, str | None]] = {}

    def begin_episode(self, episode: EpisodeRecord) -> None:
        """Passed on; one that ends at once (crashed at reset) has its status held too."""
        with self._lock:
            self._slots[episode.id] = episode.slot
        if episode.status in FINISHED_STATUSES:
            self._hold(episode.id, episode.status, episode.error)
            episode = episode.model_copy(update={"status": "running"})
        self._sink.begin_episode(episode)

    def update_episode(self, episode_id: str, **fields: Any) -> None:
        """Passed on, with a final status of a slot episode held back."""
        status = fields.get("status")
        if status in FINISHED_STATUSES and episode_id in self._slots:
            self._hold(episode_id, str(status), fields.get("error"))
            fields["status"] = "running"
        self._sink.update_episode(episode_id, **fields)

    def add_blobs(self, blobs: dict[str, str]) -> None:
        """Passed on."""
        self._sink.add_blobs(blobs)

    def add_step(self, episode_id: str, step: StepRecord) -> None:
        """Passed on."""
        self._sink.add_step(episode_id, step)

    def flush(self, *, wait: bool = True) -> None:
        """Passed on (held statuses wait for `settle`)."""
        self._sink.flush(wait=wait)

    def discard(self) -> None:
        """Passed on."""
        self._sink.discard()

    def settle(self) -> None:
        """Hand everything buffered to the store; when statuses are held, wait for the commit
        and set them where this worker still holds the slot (the others become incomplete)."""
        with self._lock:
            held, self._held = self._held, {}
            finishes = [(ep, self._slots.pop(ep), st, err) for ep, (st, err) in held.items()]
        self._sink.flush(wait=bool(finishes))
        if not finishes:
            return
        for episode_id in self._leases.finish_owned(finishes):
            log.warning(
                "episode %s is kept as incomplete: its slot was taken over by another worker "
                "after this worker's lease on run %s ran out",
                episode_id,
                self._leases.run_id,
            )

    def _hold(self, episode_id: str, status: str, error: str | None) -> None:
        with self._lock:
            self._held[episode_id] = (status, error)
