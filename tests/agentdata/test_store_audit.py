"""`agentdata audit store` finds what replay cannot: edited summary columns, lost steps,
wrong counts, missing or altered blobs, corrupt index pages (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.store import Store
from agentdata.store._audit import audit_store


def _recorded(url: str) -> tuple[Store, list[str]]:
    store = Store.open(url)
    cfg = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=4, seed=2,
                        run_id="a", policy_kwargs={"error_rate": 0.6})  # fmt: skip
    run_rollouts(store, cfg)
    return store, store.episode_ids("a")


def _sql(store: Store, statement: str, **params: object) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_a_recorded_store_is_consistent_and_each_edit_is_named(store_url: str) -> None:
    store, ids = _recorded(store_url)
    assert audit_store(store) == []
    failing = next(
        (e, s.index) for e in ids for s in store.load_steps(e) if s.failure is not None
    )
    _sql(store, "update steps set verdict_label='correct', failure_kind=NULL "
         "where episode_id=:e and idx=:i", e=failing[0], i=failing[1])  # fmt: skip
    _sql(store, "delete from steps where episode_id=:e and idx=1", e=ids[1])
    _sql(store, "update episodes set num_steps=99, success=false where id=:e", e=ids[2])
    observation = store.load_steps(ids[3])[0].observation
    _sql(store, "update blobs set data='{\"edited\": 1}' where hash = "
         "(select state_after from steps where episode_id=:e and idx=0)", e=ids[3])  # fmt: skip
    found = {(f.check, f.episode, f.step, f.column) for f in audit_store(store)}
    assert ("derived_column", failing[0], failing[1], "verdict_label") in found
    assert ("derived_column", failing[0], failing[1], "failure_kind") in found
    assert ("step_index", ids[1], None, None) in found
    assert ("episode_count", ids[1], None, "num_steps") in found
    assert ("episode_count", ids[2], None, "num_steps") in found
    assert ("episode_success", ids[2], None, "success") in found
    assert any(f[0] == "blob" for f in found)
    assert observation  # the edit was behind a hash, not in a column replay would read
    _sql(store, "delete from blobs where hash = (select initial_state from episodes "
         "where id=:e)", e=ids[0])  # fmt: skip
    assert ("missing_blob", ids[0], None, "initial_state") in {
        (f.check, f.episode, f.step, f.column) for f in audit_store(store, "a")
    }
    store.close()


def test_cli_exit_codes_and_a_corrupt_sqlite_index(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store, _ids = _recorded(str(db))
    store.close()
    cmd = [sys.executable, "-m", "agentdata", "audit", "store", "--db", str(db)]
    ok = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and "consistent" in ok.stdout, ok.stderr
    # rewrite an index definition behind SQLite's back: its pages no longer match the rows
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, 'IS NOT NULL', 'IS NULL') "
        "WHERE name = 'ix_steps_failure_kind'"
    )
    conn.commit()
    conn.close()
    bad = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1, bad.stderr
    report = json.loads(bad.stdout)
    assert not report["ok"]
    assert any(i["check"] == "integrity_check" for i in report["inconsistencies"])
