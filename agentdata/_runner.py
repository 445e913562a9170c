"""The rollout runner: many episodes of one policy against one environment, batched and resumable.

Plan: slot `s` of a run is sample `s % N` of task `s // N` (N = samples per task). A task's
reset seed derives from the run seed and the task index, so all samples of a task see the
same task; the policy's seed derives from the slot. Re-running a run id resumes: finished
slots are kept, episodes whose process died are marked `incomplete` and their slots re-run.
Several workers (processes, hosts, Ray actors) given one run id share it: each claims
unstarted slots under a lease before starting them (`agentdata.store._slots`) and finishes an
episode only while it still holds its slot (`agentdata._owned_finish`), so every slot is
finished once; a worker out of slots waits while others hold some, and takes over the
slots of one that died.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gymnasium
from pydantic import JsonValue

from agentdata._owned_finish import OwnedFinishes
from agentdata._pipeline import STRAGGLER_WAIT_S, Active, LockedStore, act, drive, step
from agentdata._recorder import EpisodeMeta, Recorder
from agentdata._version import package_version
from agentdata.envs import make
from agentdata.envs.contract import ReportingEnv, task_ids_of
from agentdata.errors import ConfigError, RunMismatchError
from agentdata.policies import Policy, make_policy
from agentdata.schemas import PolicySpec, RunRecord
from agentdata.store import Store
from agentdata.store._slots import Heartbeat, SlotLeases


@dataclass(frozen=True)
class RolloutConfig:
    """Everything a run needs; stored with the run so a resume can check it."""

    env_id: str
    policy: str
    episodes: int
    seed: int = 0
    env_kwargs: dict[str, JsonValue] = field(default_factory=dict)
    policy_kwargs: dict[str, JsonValue] = field(default_factory=dict)
    samples_per_task: int = 1
    concurrency: int = 1
    run_id: str | None = None
    lease_s: float = 120.0
    """Seconds a worker's claim on a slot lasts unless its heartbeat renews it (a dead
    worker's slots are taken over after this; at once when it was a process of this host)."""


log = logging.getLogger("agentdata.runner")


def derive_seed(seed: int, *labels: object) -> int:
    """A 31-bit seed derived from `seed` and labels (stable across processes)."""
    text = ":".join([str(seed), *map(str, labels)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") >> 1


def episode_id_for(run_id: str, slot: int, attempt: int) -> str:
    """Deterministic episode id of a slot's n-th attempt."""
    digest = hashlib.sha256(f"{run_id}:{slot}:{attempt}".encode()).hexdigest()[:16]
    return f"ep-{digest}"


def make_env(env_id: str, env_kwargs: dict[str, JsonValue]) -> gymnasium.Env[str, str]:
    """`agentdata.make` with the kwargs as recorded (a dict)."""
    return make(env_id, **env_kwargs)


def run_rollouts(
    store: Store,
    config: RolloutConfig,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    straggler_s: float = STRAGGLER_WAIT_S,
    policy: Policy | None = None,
) -> str:
    """Run (or resume, or join) the rollout described by `config`; returns the run id.

    Env steps run in worker threads beside generation (see `agentdata._pipeline`). Each
    episode's slot is claimed in the store before it starts, so workers given the same
    `run_id` split the run; this one returns when every slot is finished. `policy`, when
    given, is used instead of building `config.policy` (e.g. to reuse a loaded engine); the
    run records its `spec()`, and it is closed at the end like a built one.
    """
    if config.episodes < 0 or config.samples_per_task < 1 or config.concurrency < 1:
        raise ConfigError("episodes >= 0, samples_per_task >= 1 and concurrency >= 1 required")
    if config.lease_s <= 0:
        raise ConfigError("lease_s must be > 0")
    if policy is None:
        policy = make_policy(config.policy, dict(config.policy_kwargs))
    try:
        run = _open_run(store, config, policy.spec())
        leases = store.slot_leases(run.id, lease_s=config.lease_s)
        leases.plan(config.episodes)
        total = config.episodes
        done = total - leases.unfinished(total)
    except BaseException:
        policy.close()
        raise
    if on_progress:
        on_progress(done, total)
    if done == total:
        policy.close()
        return run.id

    workers = min(config.concurrency, total - done)
    sink = OwnedFinishes(LockedStore(store), leases)  # finish only if owner
    envs = [make_env(config.env_id, config.env_kwargs) for _ in range(workers)]
    recorders = [
        Recorder(e, sink, env_id=config.env_id, env_kwargs=config.env_kwargs, autoflush=False)
        for e in envs
    ]
    task_ids = task_ids_of(envs[0])
    pool = ThreadPoolExecutor(max_workers=workers)
    idle = list(recorders)
    active: list[Active] = []
    claimed: list[tuple[int, int]] = []
    state = {"done": done, "exhausted": False}

    def start_next() -> Active | bool | None:
        if not idle or state["exhausted"]:
            return False
        if not claimed:  # one short write transaction claims a slot for each free worker
            claimed.extend(leases.claim(len(idle), total))
            if not claimed:
                state["exhausted"] = True  # look again only when this worker is idle
                return False
        rec = idle.pop()
        slot, attempt = claimed.pop(0)
        started = _start_episode(rec, policy, run, config, slot, attempt, task_ids)
        if started is None:
            idle.append(rec)
            state["done"] += 1
        else:
            active.append(started)
        return started

    def on_round(finished: list[Active]) -> None:
        sink.settle()  # the background writer commits while the next round runs
        for item in finished:
            active.remove(item)
            policy.end(item.key)
            idle.append(item.recorder)
        state["done"] += len(finished)
        if on_progress:
            on_progress(min(state["done"], total), total)

    def when_idle() -> bool:
        sink.settle()  # this worker's finished episodes are committed before it looks
        sink.flush()
        return _wait_for_others(leases, total, config.lease_s, state, on_progress)

    heartbeat = Heartbeat(leases)
    try:
        drive(policy, pool, start_next, on_round, straggler_s=straggler_s, when_idle=when_idle)
    finally:
        pool.shutdown(wait=True)
        for item in active:
            item.recorder.crash("runner stopped")
        try:
            for rec in recorders:
                rec.close()
            sink.settle()
        finally:
            heartbeat.stop()
            _release(leases)
            policy.close()
    return run.id


def _wait_for_others(
    leases: SlotLeases,
    total: int,
    lease_s: float,
    state: dict[str, Any],
    on_progress: Callable[[int, int], None] | None,
) -> bool:
    """This worker is idle and found no free slot: True (after a pause) to look again while
    some slot is unfinished (another worker holds it, or may die and leave it), else False."""
    left = leases.unfinished(total)
    state["done"], state["exhausted"] = total - left, False
    if on_progress:
        on_progress(total - left, total)
    if left == 0:
        return False
    time.sleep(min(1.0, lease_s / 4))
    return True


def _release(leases: SlotLeases) -> None:
    # Everything this worker started is finished and flushed by now; a release that fails
    # (the database went away) only delays the others until the lease runs out.
    try:
        leases.release()
    except Exception as exc:
        log.warning("could not release slot leases of run %s: %s", leases.run_id, exc)


def _open_run(store: Store, config: RolloutConfig, spec: PolicySpec) -> RunRecord:
    run_id = config.run_id or f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-s{config.seed}"
    wanted = RunRecord(
        id=run_id,
        env_id=config.env_id,
        env_kwargs=config.env_kwargs,
        policy=spec,
        seed=config.seed,
        episodes=config.episodes,
        samples_per_task=config.samples_per_task,
        package_version=package_version(),
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    # workers joining one run may race to create it: the first insert wins, all check it
    existing = store.get_run(run_id) or store.create_run(wanted)
    for name in ("env_id", "env_kwargs", "policy", "seed", "samples_per_task"):
        if getattr(existing, name) != getattr(wanted, name):
            raise RunMismatchError(
                f"run {run_id!r} was started with {name}={getattr(existing, name)!r}, "
                f"not {getattr(wanted, name)!r}; use another --run name"
            )
    return existing


def _start_episode(
    rec: Recorder,
    policy: Policy,
    run: RunRecord,
    config: RolloutConfig,
    slot: int,
    attempt: int,
    task_ids: Sequence[str] | None,
) -> Active | None:
    task_index, sample_index = divmod(slot, config.samples_per_task)
    episode_id = episode_id_for(run.id, slot, attempt)
    reset_seed = derive_seed(config.seed, "task", task_index)
    policy_seed = derive_seed(config.seed, "policy", slot)
    options = {"task_id": task_ids[task_index % len(task_ids)]} if task_ids else None
    spec = run.policy.model_copy(update={"seed": policy_seed})
    rec.set_next_episode(
        EpisodeMeta(
            episode_id=episode_id,
            run_id=run.id,
            slot=slot,
            sample_index=sample_index,
            policy=spec,
        )
    )
    try:
        obs, info = rec.reset(seed=reset_seed, options=options)
    except Exception:  # the recorder has recorded the episode as crashed at reset
        return None
    if not _start_policy(rec, policy, episode_id, info, policy_seed):
        return None
    return Active(recorder=rec, key=episode_id, observation=obs, info=info)


def _start_policy(rec: Recorder, policy: Policy, key: str, info: dict[str, Any], seed: int) -> bool:
    try:
        reporter = rec.unwrapped  # the Recorder only wraps envs that report their resets
        report = reporter.last_reset if isinstance(reporter, ReportingEnv) else None
        if report is None:
            raise ConfigError("the environment reported no task (not an agentdata env?)")
        policy.start(key, rec, report.task, seed)
    except Exception as exc:
        rec.crash(f"policy_error: {type(exc).__name__}: {exc}")
        return False
    return True


def play_episode(
    rec: Recorder, policy: Policy, key: str, obs: str, info: dict[str, Any], seed: int
) -> None:
    """Let `policy` act on `rec` from `obs`/`info` until the episode ends (one episode).

    The same stepping as the batched runner: policy errors and env exceptions crash the
    episode in the record instead of propagating. Used by fork and the determinism audit.
    """
    if not _start_policy(rec, policy, key, info, seed):
        return
    item = Active(recorder=rec, key=key, observation=obs, info=info)
    while True:
        actions, per_turn = act(policy, [item])
        if step(item, actions[0], per_turn):
            break
    policy.end(key)
