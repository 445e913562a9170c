"""Several workers at once: creating a store, sharing one run, taking over a dead worker's
slots (SQLite and PostgreSQL, real processes)."""

from __future__ import annotations

import os
import subprocess
import sys

from agentdata.store import Store
from agentdata.store._engine import current_revision
from agentdata.store._models import SCHEMA_VERSION
from agentdata.store._slots import _HOST, SlotLeases

OPEN_STORE = "import sys; from agentdata.store import Store; Store.open(sys.argv[1]).close()"


def _rollout(db: str, run: str, episodes: int) -> list[str]:
    return [
        sys.executable, "-m", "agentdata", "rollout", "--env", "agentdata/Math-v0",
        "--policy", "oracle", "--policy-arg", "error_rate=0.3", "--episodes", str(episodes),
        "--seed", "5", "--run", run, "--db", db, "--json",
    ]  # fmt: skip


def _all(cmds: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in cmds
    ]
    out = []
    for cmd, proc in zip(cmds, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr))
    return out


def test_many_processes_create_one_store(store_url: str) -> None:
    done = _all([[sys.executable, "-c", OPEN_STORE, store_url]] * 8)
    assert [p.returncode for p in done] == [0] * 8, [p.stderr[-2000:] for p in done]
    store = Store.open(store_url)
    assert current_revision(store.engine) == SCHEMA_VERSION
    store.close()


def test_a_live_lease_is_not_taken(store_url: str) -> None:
    store = Store.open(store_url)
    mine = SlotLeases(store.engine, "x", owner=f"{_HOST}:{os.getpid()}:a")
    mine.plan(3)
    assert [s for s, _ in mine.claim(2, 3)] == [0, 1]
    other = SlotLeases(store.engine, "x", owner="elsewhere:7:b")
    assert other.claim(5, 3) == [(2, 0)]
    assert mine.claim(5, 3) == []
    assert mine.held_elsewhere(3) == 1 and other.held_elsewhere(3) == 2
    other.release()
    assert mine.claim(5, 3) == [(2, 1)]  # attempts count every claim
    store.close()
