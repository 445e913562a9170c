"""Several workers at once: creating a store, sharing one run, taking over a dead worker's
slots (SQLite and PostgreSQL, real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace

from sqlalchemy import select

from agentdata import EpisodeMeta, Recorder, RolloutConfig, run_rollouts
from agentdata._owned_finish import OwnedFinishes
from agentdata._runner import episode_id_for, make_env
from agentdata.schemas import FINISHED_STATUSES
from agentdata.store import Store
from agentdata.store._engine import current_revision
from agentdata.store._models import SCHEMA_VERSION, Slot
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


def test_workers_on_a_fresh_store_and_one_shared_run(store_url: str) -> None:
    done = _all([_rollout(store_url, "shared", 16)] * 4)
    assert [p.returncode for p in done] == [0] * 4, [p.stderr[-2000:] for p in done]
    store = Store.open(store_url)
    episodes = store.episodes("shared")
    finished = [e for e in episodes if e.status in FINISHED_STATUSES]
    assert sorted(e.slot for e in finished) == list(range(16))  # none lost, none twice
    assert len({e.id for e in episodes}) == len(episodes)
    assert len(finished) == 16
    for ep in finished:
        assert [s.index for s in store.load_steps(ep.id)] == list(range(ep.num_steps))
    store.close()


def test_a_killed_worker_leaves_its_slots_to_the_others(store_url: str) -> None:
    Store.open(store_url).close()
    cmd = _rollout(store_url, "k", 12)
    victim = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    store = Store.open(store_url)
    deadline = time.monotonic() + 300
    # Frozen while it holds a slot whose episode is unfinished: killed mid-episode for sure
    # (a victim killed between finishing an episode and claiming the next leaves nothing
    # to take over).
    while not _stopped_mid_episode(store, "k", victim.pid):
        assert victim.poll() is None and time.monotonic() < deadline, victim.communicate()
        time.sleep(0.02)
    others = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in [cmd] * 2
    ]
    victim.kill()  # mid-episode: the others take its slots over (its process is gone)
    victim.communicate()
    for proc in others:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
    finished = Counter(e.slot for e in store.episodes("k") if e.status in FINISHED_STATUSES)
    assert sorted(finished) == list(range(12)) and set(finished.values()) == {1}
    with store.engine.connect() as conn:  # the others released theirs; the dead one could not
        owners = set(conn.scalars(select(Slot.owner).where(Slot.run_id == "k")))
        claims = list(conn.scalars(select(Slot.attempts).where(Slot.run_id == "k")))
    assert max(claims) == 2  # the slot the victim held was claimed again
    assert {o.split(":")[1] for o in owners if o is not None} <= {str(victim.pid)}
    store.close()


def _unfinished_slots_held(store: Store, run: str, pid: int) -> set[int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(Slot.slot, Slot.owner).where(Slot.run_id == run)).all()
    held = {slot for slot, owner in rows if owner is not None and owner.split(":")[1] == str(pid)}
    finished = {e.slot for e in store.episodes(run) if e.status in FINISHED_STATUSES}
    return held - finished


def _stopped_mid_episode(store: Store, run: str, pid: int) -> bool:
    """SIGSTOP `pid` if it holds a slot it has not finished; True when it stays stopped."""
    if not _unfinished_slots_held(store, run, pid):
        return False
    os.kill(pid, signal.SIGSTOP)
    if _unfinished_slots_held(store, run, pid):
        return True
    os.kill(pid, signal.SIGCONT)
    return False


def _dead_pid() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_dead_and_expired_leases_are_taken_over(store_url: str) -> None:
    store = Store.open(store_url)
    cfg = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=6, run_id="r")
    run_rollouts(store, replace(cfg, episodes=0))  # creates the run, plans nothing
    # a worker of this host that died after claiming slots 0-2 and starting slot 0
    dead = SlotLeases(store.engine, "r", owner=f"{_HOST}:{_dead_pid()}:dead")
    dead.plan(6)
    assert dead.claim(3, 6) == [(0, 0), (1, 0), (2, 0)]
    rec = Recorder(make_env("agentdata/Math-v0", {}), store, env_id="agentdata/Math-v0")
    rec.set_next_episode(EpisodeMeta(episode_id=episode_id_for("r", 0, 0), run_id="r"))
    rec.reset(seed=1)
    rec.step("garbage")
    store.flush()  # the dead worker's step was committed before it died
    rec.env.close()
    # a worker elsewhere whose lease ran out (it took slot 0 over from the dead one)
    assert SlotLeases(store.engine, "r", lease_s=1e-6, owner="elsewhere:1:x").claim(1, 6) == [
        (0, 1)
    ]

    run_rollouts(store, cfg)
    finished = [e for e in store.episodes("r") if e.status in FINISHED_STATUSES]
    assert sorted(e.slot for e in finished) == list(range(6))
    left = store.get_episode(episode_id_for("r", 0, 0))
    assert (left.status, left.num_steps) == ("incomplete", 1)
    assert episode_id_for("r", 0, 2) in {e.id for e in finished}  # the third claim of slot 0
    with store.engine.connect() as conn:
        owners = set(conn.scalars(select(Slot.owner).where(Slot.run_id == "r")))
    assert owners == {None}  # a worker that ends releases its leases
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


def test_a_stalled_worker_does_not_finish_a_slot_taken_over(store_url: str) -> None:
    store = Store.open(store_url)
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0", policy="oracle", episodes=2, run_id="s",
        env_kwargs={"max_steps": 2},
    )  # fmt: skip
    run_rollouts(store, replace(cfg, episodes=0))  # creates the run, plans nothing
    # a live worker (this process) whose lease runs out while it is stalled mid-episode
    stalled = SlotLeases(store.engine, "s", lease_s=1e-6, owner=f"{_HOST}:{os.getpid()}:zz")
    stalled.plan(2)
    assert stalled.claim(1, 2) == [(0, 0)]
    sink = OwnedFinishes(store, stalled)
    rec = Recorder(make_env("agentdata/Math-v0", {"max_steps": 2}), sink, env_id="x")
    mine = episode_id_for("s", 0, 0)
    rec.set_next_episode(EpisodeMeta(episode_id=mine, run_id="s", slot=0))
    rec.reset(seed=1)
    rec.step("garbage")
    store.flush()
    other = SlotLeases(store.engine, "s", owner="elsewhere:1:taker")
    assert other.claim(1, 2) == [(0, 1)]  # the lease ran out: slot 0 is taken over
    # the stalled worker wakes up and ends its episode: recorded, but not as slot 0's
    assert rec.step("garbage")[3]  # truncated: max_steps reached
    sink.settle()
    left = store.get_episode(mine)
    assert left is not None and (left.status, left.num_steps) == ("incomplete", 2)
    assert left.error is not None and "taken over by another worker" in left.error
    assert [s.index for s in store.load_steps(mine)] == [0, 1]  # no step lost
    rec.env.close()
    other.release()
    run_rollouts(store, cfg)  # a worker that holds its slots finishes them
    finished = Counter(e.slot for e in store.episodes("s") if e.status in FINISHED_STATUSES)
    assert finished == {0: 1, 1: 1}
    store.close()
