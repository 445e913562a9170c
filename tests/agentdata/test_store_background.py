"""The store's background writer: hand-over without waiting, acknowledgements, errors that
surface in the caller as `StoreError`, close and interpreter exit that flush (SQLite and
PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from agentdata import EpisodeMeta, Recorder, make
from agentdata.errors import StoreError
from agentdata.schemas import EpisodeRecord, Latency, StepRecord
from agentdata.store import Store
from agentdata.store._background import BackgroundWriter, Batch
from tests.agentdata.records import STATE, minimal_episode


def _episode(eid: str) -> EpisodeRecord:
    return minimal_episode(eid)


def _step(i: int) -> StepRecord:
    return StepRecord(
        index=i,
        state_before=STATE,
        state_after=STATE,
        action_raw=f"step compute: {i} + {i} = {2 * i}",
        observation=f"Step {i}: correct",
        reward=0.0,
        terminated=False,
        truncated=False,
        latency=Latency(policy_s=0.0, env_s=0.0, verifier_s=0.0),
    )


def test_handed_over_steps_are_committed_read_back_and_acknowledged(store: Store) -> None:
    acked: list[tuple[str, int]] = []
    store.on_commit = acked.extend
    for e in range(3):
        store.begin_episode(_episode(f"e{e}"))
        for i in range(5):
            store.add_step(f"e{e}", _step(i))
            store.flush(wait=False)  # returns without waiting for SQL
    assert [s.index for s in store.load_steps("e2")] == list(range(5))  # reads see own writes
    store.flush()
    assert acked == [(f"e{e}", i) for e in range(3) for i in range(5)]  # once each, in order


def test_a_failed_background_batch_is_a_store_error_at_the_next_flush(store: Store) -> None:
    acked: list[tuple[str, int]] = []
    store.on_commit = acked.extend
    store.add_step("ghost", _step(0))  # no such episode: the database refuses the whole batch
    store.flush(wait=False)  # the failure happens on the writer thread ...
    with pytest.raises(StoreError, match=r"1 steps handed to the background writer"):
        store.flush()  # ... and surfaces here, typed, naming what was lost
    assert acked == []
    store.begin_episode(_episode("e1"))  # the store is not poisoned: later batches land
    store.add_step("e1", _step(0))
    store.flush()
    assert acked == [("e1", 0)]
    assert [s.index for s in store.load_steps("e1")] == [0]


def test_a_lost_database_connection_surfaces_and_the_writer_reconnects(pg_url: str) -> None:
    from tests.conftest import reset_postgres

    reset_postgres(pg_url)
    store = Store.open(pg_url)
    store.begin_episode(_episode("e1"))
    store.add_step("e1", _step(0))
    store.flush()
    admin = create_engine(pg_url)
    with admin.begin() as conn:  # the server drops every other session (a restart, a proxy)
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    store.add_step("e1", _step(1))
    store.flush(wait=False)
    with pytest.raises(StoreError, match=r"cannot write to .*1 steps"):
        store.close()
    store = Store.open(pg_url)  # nothing half-written; a new batch goes through
    assert [s.index for s in store.load_steps("e1")] == [0]
    store.add_step("e1", _step(1))
    store.flush()
    assert [s.index for s in store.load_steps("e1")] == [0, 1]
    store.close()


def test_batches_queued_behind_a_failure_are_not_written_and_are_counted() -> None:
    release = threading.Event()
    committed: list[int] = []

    def commit(batch: Batch) -> None:
        release.wait(10)
        if batch.steps[0][1] == 0:
            raise OSError("disk full")
        committed.extend(row[1] for row in batch.steps)

    writer = BackgroundWriter(commit, lambda: "test-db")
    writer.submit(Batch(steps=[("e", 0)]))
    writer.submit(Batch(steps=[("e", 1), ("e", 2)]))  # queued while the first commits
    release.set()
    with pytest.raises(StoreError, match=r"OSError: disk full \(3 steps"):
        writer.wait()
    writer.submit(Batch(steps=[("e", 3)]))  # after the caller heard of it, writing resumes
    writer.close()
    assert committed == [3]


def test_recorder_close_commits_every_step(tmp_path: Path) -> None:
    url = str(tmp_path / "rec.db")
    store = Store.open(url)
    rec = Recorder(make("agentdata/Math-v0", family="linear"), store)
    rec.set_next_episode(EpisodeMeta(episode_id="ep-1", run_id="r"))
    rec.reset(seed=3)
    for _ in range(3):
        rec.step("step compute: 1 + 1 = 2")  # each hands over without waiting
    rec.close()
    store.close()
    reread = Store.open_readonly(url)
    assert [s.canonical() for s in reread.load_steps("ep-1")] == [s.canonical() for s in rec.steps]
    reread.close()


def test_interpreter_exit_writes_what_was_handed_over(tmp_path: Path) -> None:
    db = tmp_path / "exit.db"
    script = f"""
from datetime import datetime
from agentdata.schemas import EpisodeRecord, Latency, PolicySpec, StepRecord
from agentdata.store import Store
store = Store.open({str(db)!r})
store.begin_episode(EpisodeRecord(id="e1", run_id="r", env_id="x", task_id="t",
    task_hash="ab" * 32, seed=1, package_version="0", policy=PolicySpec(name="oracle"),
    started_at=datetime(2026, 1, 1)))
for i in range(200):
    store.add_step("e1", StepRecord(index=i, state_before="s", state_after="s",
        action_raw="a", observation="o", reward=0.0, terminated=False, truncated=False,
        latency=Latency(policy_s=0.0, env_s=0.0, verifier_s=0.0)))
    store.flush(wait=False)
# no close(): a normal exit still commits what was handed over
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    store = Store.open_readonly(str(db))
    assert len(store.load_steps("e1")) == 200
    store.close()
