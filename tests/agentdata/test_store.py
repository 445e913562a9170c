"""The SQL store: round-trips, blobs, buffering, migrations, typed errors (SQLite + PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from agentdata.errors import CorruptRecordError, NotFoundError, SchemaVersionError, StoreError
from agentdata.schemas import (
    EpisodeRecord,
    Failure,
    Latency,
    PolicyOutput,
    PolicySpec,
    RunRecord,
    StepRecord,
    Verdict,
)
from agentdata.store import Store
from agentdata.store._codec import INLINE_LIMIT
from agentdata.store._models import Blob


def _run(run_id: str = "r1") -> RunRecord:
    return RunRecord(
        id=run_id,
        env_id="agentdata/Math-v0",
        env_kwargs={"family": "linear", "difficulty": 2},
        policy=PolicySpec(name="oracle", kwargs={"error_rate": 0.2}),
        seed=7,
        episodes=3,
        samples_per_task=1,
        package_version="0.1.0",
        created_at=datetime(2026, 1, 2, 3, 4, 5),
    )


def _episode(eid: str = "e1", run_id: str = "r1") -> EpisodeRecord:
    return EpisodeRecord(
        id=eid,
        run_id=run_id,
        env_id="agentdata/Math-v0",
        env_kwargs={"family": "linear"},
        task_id="linear/d2/s5",
        task_hash="ab" * 32,
        seed=5,
        package_version="0.1.0",
        policy=PolicySpec(name="oracle", seed=3, sampling={"temperature": 0.7}),
        started_at=datetime(2026, 1, 2, 3, 4, 6),
        initial_observation="Solve 2x + 3 = 7",
        initial_state="cd" * 32,
    )


def _step(i: int, *, obs: str = "ok", action: str = "step compute: 2*x = 4") -> StepRecord:
    return StepRecord(
        index=i,
        state_before=f"{i:064x}",
        state_after=f"{i + 1:064x}",
        action_raw=action,
        action_parsed={"kind": "step", "label": "compute", "claim": "2*x = 4"},
        observation=obs,
        reward=0.5 * i,
        terminated=i == 2,
        truncated=False,
        verdict=Verdict(
            label="incorrect" if i == 1 else "correct",
            error_type="arithmetic_error" if i == 1 else None,
            verifier="math.exact",
            verifier_version="1",
            message="2*3 is 6",
            evidence={"expected": "6", "got": "5", "nested": [1, {"a": None}]},
        ),
        failure=Failure(kind="verification_failed", message="wrong") if i == 1 else None,
        retry_of=1 if i == 2 else None,
        infra_retries=i % 2,
        latency=Latency(policy_s=0.25, env_s=0.125, verifier_s=0.0625),
        policy_output=PolicyOutput(
            prompt_token_ids=[1, 2, 3],
            completion_token_ids=[4],
            logprobs=[-0.5],
            finish_reason="stop",
        ),
        info={"process_score": 0.5, "unicode": "∀x ∈ ℝ"},
    )


def test_round_trip_is_equal(store: Store) -> None:
    store.create_run(_run())
    store.begin_episode(_episode())
    steps = [_step(0), _step(1, obs="x" * (INLINE_LIMIT + 1)), _step(2, action="é" * 5000)]
    store.add_steps("e1", steps)
    store.update_episode("e1", status="terminated", num_steps=3, total_reward=1.5, success=True)
    store.flush()
    assert store.get_run("r1") == _run()
    assert store.load_steps("e1") == steps
    got = store.get_episode("e1")
    assert got.status == "terminated" and got.success is True and got.num_steps == 3
    assert (
        got.model_copy(
            update={"status": "running", "num_steps": 0, "total_reward": 0.0, "success": None}
        )
        == _episode()
    )


def test_usually_null_columns_hold_real_nulls(store: Store) -> None:
    """SQLite's insert path binds stand-ins for NULL (faster to bind); what lands is NULL,
    and values next to the stand-ins (retry_of=0, no verdict at all) survive as they are."""
    store.create_run(_run())
    store.begin_episode(_episode())
    bare = _step(0).model_copy(update={"verdict": None, "failure": None, "retry_of": 0})
    steps = [bare, _step(1), _step(2, obs="x" * (INLINE_LIMIT + 1))]
    store.add_steps("e1", steps)
    store.flush()
    assert store.load_steps("e1") == steps
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT idx, action_ref, observation_ref IS NULL, verdict_label, error_type,"
                " failure_kind, retry_of, terminated FROM steps ORDER BY idx"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (0, None, True, None, None, None, 0, False),
        (1, None, True, "incorrect", "arithmetic_error", "verification_failed", None, False),
        (2, None, False, "correct", None, None, 1, True),
    ]
    with pytest.raises(ValueError, match="retry_of"):  # -1 is a stand-in: never a value
        StepRecord.model_validate({**_step(0).model_dump(), "retry_of": -1})


@pytest.mark.parametrize("n", [1, 63, 64, 65, 200])
def test_any_batch_size_lands_whole_and_in_order(store: Store, n: int) -> None:
    """Batches of up to 64 rows of a kind go in one INSERT of exactly their size, larger
    ones in power-of-two pieces: every size lands whole, in order."""
    store.create_run(_run())
    episodes = [_episode(f"e{k}") for k in range(n)]
    for episode in episodes:
        store.begin_episode(episode)
    steps = [_step(i, obs=f"observation {i}") for i in range(n)]
    store.add_steps("e0", steps)
    store.flush()
    assert store.load_steps("e0") == steps
    assert [store.get_episode(f"e{k}") for k in range(n)] == episodes


def test_long_texts_are_stored_once(store: Store) -> None:
    store.create_run(_run())
    big = "long observation " * 500
    for e in ("e1", "e2"):
        store.begin_episode(_episode(e))
        store.add_steps(e, [_step(i, obs=big) for i in range(3)])
    store.flush()
    with store.engine.connect() as conn:
        n_blobs = conn.execute(text("select count(*) from blobs")).scalar_one()
    assert n_blobs == 1
    assert store.load_steps("e2")[2].observation == big


def test_nothing_lands_before_flush_and_everything_after(store: Store, store_url: str) -> None:
    store.create_run(_run())
    store.begin_episode(_episode())
    store.add_step("e1", _step(0))
    other = Store.open(store_url)
    with pytest.raises(NotFoundError):
        other.get_episode("e1")
    store.flush()
    assert other.load_steps("e1") == [_step(0)]
    other.close()


def test_mark_incomplete_counts_steps(store: Store) -> None:
    store.create_run(_run())
    store.begin_episode(_episode("e1"))
    store.begin_episode(_episode("e2"))
    store.add_steps("e1", [_step(0), _step(1)])
    store.update_episode("e2", status="terminated")
    store.flush()
    assert store.mark_incomplete("r1") == ["e1"]
    e1 = store.get_episode("e1")
    assert (e1.status, e1.num_steps) == ("incomplete", 2)
    assert store.get_episode("e2").status == "terminated"


def test_unknown_ids_raise_typed_errors(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no episode 'nope'"):
        store.get_episode("nope")
    with pytest.raises(NotFoundError):
        store.blob("0" * 64)
    assert store.get_run("nope") is None
    with pytest.raises(StoreError):
        store.update_episode("e1", not_a_column=1)


def test_corrupt_step_row_is_reported(store: Store) -> None:
    store.create_run(_run())
    store.begin_episode(_episode())
    store.add_step("e1", _step(1))
    store.flush()
    with store.engine.begin() as conn:
        conn.execute(text("update steps set payload=:v"), {"v": '{"verdict": {"label": "bogus"}}'})
    with pytest.raises(CorruptRecordError, match="step 1 of episode e1"):
        store.load_steps("e1")


def test_reopen_is_idempotent_and_blob_table_exists(store_url: str) -> None:
    Store.open(store_url).close()
    s = Store.open(store_url)
    with s.engine.connect() as conn:
        assert conn.execute(text(f"select count(*) from {Blob.__tablename__}")).scalar_one() == 0
    s.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Store.open(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num='9999'"))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="newer"):
        Store.open(url)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store.open(str(bad))


def test_sqlite_uses_wal(sqlite_store: Store) -> None:
    path = sqlite_store.engine.url.database
    assert path is not None
    conn = sqlite3.connect(path)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_large_batch_round_trips_in_order(store: Store) -> None:
    # 2,501 steps in one commit: several multi-row statements of different sizes on SQLite,
    # one COPY on PostgreSQL; an update of an episode begun in an earlier batch is an UPDATE,
    # one begun in the same batch is merged into its row.
    store.create_run(_run())
    store.begin_episode(_episode("early"))
    store.flush()
    store.begin_episode(_episode("big"))
    steps = [_step(i).model_copy(update={"observation": f"obs {i}"}) for i in range(2501)]
    store.add_steps("big", steps)
    store.update_episode("big", status="terminated", num_steps=2501)
    store.update_episode("early", status="truncated", num_steps=0)
    store.flush()
    assert store.load_steps("big") == steps
    assert store.get_episode("big").status == "terminated"
    assert store.get_episode("big").num_steps == 2501
    assert store.get_episode("early").status == "truncated"
