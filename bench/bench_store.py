"""Raw store ingest: steps/s written through `Store` on SQLite and PostgreSQL.

Baseline in the same run: the bare driver (`sqlite3` executemany of the same rows) so the
ratio shows what the store layer (pydantic -> rows, blobs, SQLAlchemy) costs.
Targets (issue 2): >= 50,000 steps/s on SQLite, >= 20,000 steps/s on PostgreSQL.

    python bench/bench_store.py [--steps 100000] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from agentdata.schemas import (
    EpisodeRecord,
    Failure,
    Latency,
    PolicySpec,
    RunRecord,
    StepRecord,
    Verdict,
)
from agentdata.store import Store
from agentdata.store._codec import STEP_COLUMNS, step_values

STEPS_PER_EPISODE = 20
FLUSH_EVERY = 1000


def make_steps(n: int) -> list[StepRecord]:
    """Realistic math steps: verdicts on all, failures on some."""
    steps = []
    for i in range(n):
        bad = i % 5 == 0
        steps.append(
            StepRecord(
                index=i % STEPS_PER_EPISODE,
                state_before=f"{i:064x}",
                state_after=f"{i + 1:064x}",
                action_raw=f"step compute: {i} + {i} = {2 * i + int(bad)}",
                action_parsed={"kind": "step", "label": "compute", "claim": f"{i}+{i}"},
                observation=f"Step {i % STEPS_PER_EPISODE}: {'incorrect' if bad else 'correct'}",
                reward=0.0,
                terminated=False,
                truncated=False,
                verdict=Verdict(
                    label="incorrect" if bad else "correct",
                    error_type="arithmetic_error" if bad else None,
                    verifier="math.exact",
                    verifier_version="1",
                    evidence={"expected": str(2 * i), "got": str(2 * i + int(bad))},
                ),
                failure=Failure(kind="verification_failed", message="wrong sum") if bad else None,
                latency=Latency(policy_s=0.001, env_s=0.0002, verifier_s=0.0001),
                info={"process_score": 0.8},
            )
        )
    return steps


def ingest(url: str, steps: list[StepRecord]) -> float:
    """Write `steps` through the Store; return steps/s."""
    store = Store.open(url)
    store.create_run(
        RunRecord(
            id="bench",
            env_id="agentdata/Math-v0",
            policy=PolicySpec(name="oracle"),
            seed=0,
            episodes=len(steps) // STEPS_PER_EPISODE,
            package_version="bench",
            created_at=datetime(2026, 1, 1),
        )
    )
    started = time.perf_counter()
    for start in range(0, len(steps), STEPS_PER_EPISODE):
        eid = f"ep-{start}"
        store.begin_episode(
            EpisodeRecord(
                id=eid,
                run_id="bench",
                env_id="agentdata/Math-v0",
                task_id="t",
                task_hash="0" * 64,
                seed=0,
                package_version="bench",
                policy=PolicySpec(name="oracle"),
            )
        )
        store.add_steps(eid, steps[start : start + STEPS_PER_EPISODE])
        store.update_episode(eid, status="terminated", num_steps=STEPS_PER_EPISODE)
        if (start + STEPS_PER_EPISODE) % FLUSH_EVERY == 0:
            store.flush()
    store.flush()
    elapsed = time.perf_counter() - started
    store.close()
    return len(steps) / elapsed


def sqlite_baseline(path: Path, steps: list[StepRecord]) -> float:
    """Bare sqlite3 executemany of the same rows, already serialised (the driver's floor)."""
    rows = [step_values("e", st, {}) for st in steps]
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode=WAL")
    conn.execute("pragma synchronous=NORMAL")
    conn.execute(f"create table s ({', '.join(STEP_COLUMNS)})")
    sql = f"insert into s values ({', '.join('?' * len(STEP_COLUMNS))})"
    started = time.perf_counter()
    for start in range(0, len(rows), FLUSH_EVERY):
        conn.executemany(sql, rows[start : start + FLUSH_EVERY])
        conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return len(steps) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("AGENTDATA_TEST_PG_URL"))
    args = parser.parse_args()
    steps = make_steps(args.steps)
    with tempfile.TemporaryDirectory() as tmp:
        base = sqlite_baseline(Path(tmp) / "raw.db", steps)
        rate = ingest(f"sqlite:///{Path(tmp) / 'store.db'}", steps)
    print(f"sqlite  bare sqlite3 executemany : {base:>10,.0f} steps/s  (pre-serialised rows)")
    print(
        f"sqlite  Store ingest             : {rate:>10,.0f} steps/s  "
        f"(ratio {rate / base:.2f} of bare; target >= 50,000: {'OK' if rate >= 50_000 else 'MISS'})"
    )
    if args.pg:
        engine = create_engine(args.pg)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        pg = ingest(args.pg, steps)
        print(
            f"postgres Store ingest            : {pg:>10,.0f} steps/s  "
            f"(target >= 20,000: {'OK' if pg >= 20_000 else 'MISS'})"
        )
    else:
        print("postgres: skipped (pass --pg URL or set AGENTDATA_TEST_PG_URL)")


if __name__ == "__main__":
    main()
