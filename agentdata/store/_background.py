"""The store's background writer: one thread per `Store` commits batches off the hot path.

A recorder (or the runner, once per round) hands its buffered rows over with
`Store.flush(wait=False)` and goes on stepping; this thread turns them into SQL rows and
commits them, one transaction per batch. Batches handed over while one commits are merged
(in order) into the next, so the caller waits only when more than `max_queued_steps` steps
are queued behind the commit (backpressure keeps memory, and what a crash loses, bounded).

Durability: a step is committed once `on_commit` reported it, or `Store.flush()` (which
waits) returned after it was handed over. A SIGKILL loses at most the batch in flight: the
rows the writer is committing, those queued behind them, and the rows the recorders buffered
since their last hand-over. A normal interpreter exit writes what was handed over.

Errors: a batch the database cannot write (disk full, connection lost, every row refused)
is not retried; the batches queued behind it are not written either (they may reference its
episodes), and the caller's next `flush`/`close` raises one `StoreError` that says how many
steps were lost. Rows the database refuses one by one are dropped alone and logged, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentdata.errors import StoreError

MAX_QUEUED_STEPS = 20_000
"""Steps that may wait behind the commit in progress before `flush(wait=False)` blocks."""
_IDLE_POLL_S = 0.2
"""How often an idle writer checks whether the interpreter is shutting down."""


@dataclass
class Batch:
    """Rows handed over together: blobs, new episodes, step rows, episode updates."""

    blobs: dict[str, str] = field(default_factory=dict)
    episodes: list[dict[str, Any]] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.blobs or self.episodes or self.steps or self.updates)

    def extend(self, later: Batch) -> None:
        """Append `later`'s rows (one transaction writes blobs, episodes, steps, updates in
        that order, so the merge writes exactly what the two batches would)."""
        self.blobs.update(later.blobs)
        self.episodes += later.episodes
        self.steps += later.steps
        self.updates += later.updates


class BackgroundWriter:
    """Commits handed-over batches in order on one thread (started on first use).

    `commit(batch)` runs on that thread and raises when nothing of the batch could be
    written. The thread is the only user of the store's write connection.
    """

    def __init__(
        self,
        commit: Callable[[Batch], None],
        describe: Callable[[], str],
        *,
        max_queued_steps: int = MAX_QUEUED_STEPS,
    ) -> None:
        self._commit = commit
        self._describe = describe
        self._max_queued = max_queued_steps
        self._cond = threading.Condition()
        self._queued = Batch()
        self._busy = False
        self._closing = False
        self._error: BaseException | None = None
        self._lost_steps = 0
        self._thread: threading.Thread | None = None

    def submit(self, batch: Batch) -> None:
        """Queue `batch` for the writer and return (blocks only under backpressure).

        Raises `StoreError` when an earlier batch failed; `batch` is then not written either.
        """
        with self._cond:
            if self._error is not None:
                self._lost_steps += len(batch.steps)
                self._raise_error()
            while len(self._queued.steps) > self._max_queued and self._error is None:
                self._cond.wait()
            if self._error is not None:
                self._lost_steps += len(batch.steps)
                self._raise_error()
            self._queued.extend(batch)
            self._ensure_thread()
            self._cond.notify_all()

    def wait(self, *, raise_error: bool = True) -> None:
        """Block until everything submitted is committed; raise a failure as `StoreError`."""
        with self._cond:
            while (self._queued or self._busy) and self._thread_alive():
                self._cond.wait()
            if raise_error:
                self._raise_error()

    def close(self) -> None:
        """Commit what is queued, stop the thread, raise a pending failure."""
        try:
            self.wait()
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
                thread = self._thread
            if thread is not None:
                thread.join()
            self._thread = None

    # -- the writer thread ---------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if not self._thread_alive():
            self._closing = False
            self._thread = threading.Thread(target=self._run, name="agentdata-store-writer")
            self._thread.start()

    def _thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queued and not self._closing:
                    # Not a daemon: at interpreter exit (main thread gone) write what was
                    # handed over, then stop, so a normal exit never loses a batch.
                    if not threading.main_thread().is_alive():
                        self._closing = True
                        break
                    self._cond.wait(_IDLE_POLL_S)
                if not self._queued:
                    self._cond.notify_all()
                    return
                batch, self._queued = self._queued, Batch()
                self._busy = True
                self._cond.notify_all()  # room for the next batch to queue
            failure: BaseException | None = None
            try:
                self._commit(batch)
            except BaseException as exc:  # surfaced in the caller, never swallowed
                failure = exc
            with self._cond:
                self._busy = False
                if failure is not None and self._error is None:
                    self._error = failure
                    self._lost_steps += len(batch.steps)
                if self._error is not None:  # what queued behind a failure is not written
                    self._lost_steps += len(self._queued.steps)
                    self._queued = Batch()
                self._cond.notify_all()

    def _raise_error(self) -> None:
        """Raise (once) the failure of a batch; later batches are written normally again."""
        error, lost = self._error, self._lost_steps
        if error is None:
            return
        self._error, self._lost_steps = None, 0
        raise StoreError(
            f"cannot write to {self._describe()}: {type(error).__name__}: {error} "
            f"({lost} steps handed to the background writer were not written)"
        ) from error
