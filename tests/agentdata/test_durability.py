"""A rollout killed with SIGKILL keeps every committed step; resuming completes the run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from agentdata.schemas import FINISHED_STATUSES, EpisodeRecord
from agentdata.store import Store


def _rollout_cmd(db: Path, episodes: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "agentdata",
        "rollout",
        "--env",
        "agentdata/Math-v0",
        "--policy",
        "oracle",
        "--policy-arg",
        "error_rate=0.3",
        "--episodes",
        str(episodes),
        "--seed",
        "3",
        "--run",
        "killed",
        "--db",
        str(db),
        "--json",
    ]


def _resume(db: Path, episodes: int) -> tuple[Store, list[EpisodeRecord]]:
    """Resume the killed run to the end; the store and its episodes, every slot finished."""
    done = subprocess.run(
        _rollout_cmd(db, episodes), capture_output=True, text=True, timeout=600, check=True
    )
    assert '"episodes": 150' in done.stdout
    store = Store.open(str(db))
    after = store.episodes("killed")
    assert {ep.slot for ep in after if ep.status in FINISHED_STATUSES} == set(range(episodes))
    return store, after


def _count_steps(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("select count(*) from steps").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    episodes = 150
    proc = subprocess.Popen(
        _rollout_cmd(db, episodes), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while _count_steps(db) < 40:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "rollout made no progress"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    store = Store.open(str(db))
    survivors = store.episodes("killed")
    assert 0 < len(survivors) < episodes
    committed = {}
    for ep in survivors:
        steps = store.load_steps(ep.id)  # every committed row decodes
        assert [s.index for s in steps] == list(range(len(steps)))
        if ep.status in FINISHED_STATUSES:
            assert steps and (steps[-1].terminated or steps[-1].truncated)
            assert ep.num_steps == len(steps)
        else:
            assert ep.status == "running"
        committed[ep.id] = [s.canonical() for s in steps]
    unfinished = {ep.id for ep in survivors if ep.status == "running"}
    store.close()

    store, after = _resume(db, episodes)
    for ep in after:
        if ep.id in committed:  # nothing committed before the kill was lost or changed
            assert [s.canonical() for s in store.load_steps(ep.id)] == committed[ep.id]
        if ep.id in unfinished:
            assert ep.status == "incomplete"
    store.close()


ACKING_ROLLOUT = """
import sys
from agentdata import RolloutConfig, run_rollouts
from agentdata.store import Store

def ack(steps):  # runs on the writer thread, after each commit
    sys.stdout.write("".join(f"{eid} {idx}\\n" for eid, idx in steps))
    sys.stdout.flush()

store = Store.open(sys.argv[1], on_commit=ack)
run_rollouts(store, RolloutConfig(
    env_id="agentdata/Math-v0", policy="oracle", policy_kwargs={"error_rate": 0.3},
    episodes=int(sys.argv[2]), seed=3, concurrency=4, run_id="killed"))
store.close()
"""


def test_sigkill_loses_no_acknowledged_step_and_resume_completes(tmp_path: Path) -> None:
    """Every step the background writer acknowledged as committed survives a SIGKILL."""
    db = tmp_path / "acked.db"
    episodes = 150
    proc = subprocess.Popen(
        [sys.executable, "-c", ACKING_ROLLOUT, str(db), str(episodes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acked: list[tuple[str, int]] = []
    while len(acked) < 60:  # kill mid-run, while batches are in flight
        line = proc.stdout.readline()
        assert line, f"rollout ended early: {proc.stderr.read() if proc.stderr else ''}"
        eid, idx = line.split()
        acked.append((eid, int(idx)))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    store = Store.open(str(db))
    stored = {(ep.id, s.index) for ep in store.episodes("killed") for s in store.load_steps(ep.id)}
    assert set(acked) <= stored  # nothing acknowledged was lost
    assert len(stored) < 150 * 3  # and the run was really cut short
    store.close()

    store, after = _resume(db, episodes)
    final = {(ep.id, s.index) for ep in after for s in store.load_steps(ep.id)}
    assert stored <= final
    store.close()
