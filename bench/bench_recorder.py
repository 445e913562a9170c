"""Recorder overhead: math env steps/s bare vs wrapped in `Recorder` (target: <= 10% cost).

Every arm replays the same pre-computed oracle action sequences (with mistakes), so policy
time is excluded. Before/after in one run: the recorded arms hand their steps to a SQLite
store once per K steps, as the runner does at `--concurrency K`, either waiting for the
commit (`flush()`, the old path) or not (`flush(wait=False)`, the background writer).

    python bench/bench_recorder.py [--episodes 300] [--repeat 3] [--commit-every 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import gymnasium
import numpy as np

from agentdata._recorder import EpisodeMeta, Recorder
from agentdata.envs import register_envs
from agentdata.store import Store

Plan = list[tuple[int, list[str]]]


def make_plan(episodes: int) -> Plan:
    """(seed, actions) per episode from the oracle with a 30% error rate."""
    env = gymnasium.make("agentdata/Math-v0")
    plan: Plan = []
    for seed in range(episodes):
        obs, info = env.reset(seed=seed)
        agent = env.unwrapped.oracle(np.random.default_rng(seed), 0.3)
        actions: list[str] = []
        done = False
        while not done:
            action = agent.act(obs, info)
            actions.append(action)
            obs, _r, term, trunc, info = env.step(action)
            done = term or trunc
        plan.append((seed, actions))
    env.close()
    return plan


def episode_time(env: gymnasium.Env[str, str], seed: int, actions: list[str]) -> float:
    """Seconds to reset and play one episode."""
    started = time.perf_counter()
    env.reset(seed=seed)
    for action in actions:
        env.step(action)
    return time.perf_counter() - started


ARMS = ("bare_a", "sync", "background", "bare_b")


def measure(
    plan: Plan, tmp: Path, repeat: int, commit_every: int = 8, block: int = 20
) -> dict[str, float]:
    """Seconds per arm: two bare arms (A/A noise control) and two recorded arms.

    `sync` (before) commits with `flush()` every `commit_every` steps, as the runner did;
    `background` (after) hands over with `flush(wait=False)` at the same cadence, as the
    runner does now (`--concurrency K` hands over every K steps). Arms take turns in blocks
    of `block` episodes, in a rotating order; each recorded block ends with `flush()`,
    timed in its arm, so no writer work of one arm runs during another's block (what the
    background writer did not hide behind the recorded arm's own env steps is charged to it).
    """
    stores = {arm: Store.open(str(tmp / f"{arm}.db")) for arm in ("sync", "background")}
    recorders = {
        arm: Recorder(gymnasium.make("agentdata/Math-v0"), store, autoflush=False)
        for arm, store in stores.items()
    }
    envs: dict[str, gymnasium.Env[str, str]] = {
        arm: recorders.get(arm) or gymnasium.make("agentdata/Math-v0") for arm in ARMS
    }
    for seed, actions in plan[:3]:  # warm: the sympy worker starts on first use
        for env in envs.values():
            episode_time(env, seed, actions)
    for warmed in stores.values():
        warmed.flush()
    t = dict.fromkeys(ARMS, 0.0)
    t["sync_commit"] = 0.0
    cpu = dict.fromkeys(ARMS, 0.0)
    n = 0
    for _ in range(repeat):
        for turn, first in enumerate(range(0, len(plan), block)):
            k = turn % len(ARMS)  # rotate the order: no arm always follows another
            for arm in ARMS[k:] + ARMS[:k]:
                store = stores.get(arm)
                pending = 0
                cpu_started = time.process_time()
                for seed, actions in plan[first : first + block]:
                    if arm in recorders:
                        recorders[arm].set_next_episode(EpisodeMeta(episode_id=f"ep-{n}"))
                        n += 1
                    t[arm] += episode_time(envs[arm], seed, actions)
                    pending += len(actions)
                    while store is not None and pending >= commit_every:
                        started = time.perf_counter()
                        store.flush(wait=arm == "sync")
                        elapsed = time.perf_counter() - started
                        t[arm] += elapsed
                        if arm == "sync":
                            t["sync_commit"] += elapsed
                        pending -= commit_every
                if store is not None:  # end of block: everything committed, timed
                    started = time.perf_counter()
                    store.flush()
                    t[arm] += time.perf_counter() - started
                cpu[arm] += time.process_time() - cpu_started
    t.update({f"{arm}_cpu": cpu[arm] for arm in ARMS})
    for env in envs.values():
        env.close()
    for done in stores.values():
        done.close()
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--commit-every", type=int, default=8, help="steps per commit (the runner's concurrency)"
    )
    parser.add_argument("--block", type=int, default=20, help="episodes per arm turn")
    args = parser.parse_args()
    register_envs()
    plan = make_plan(args.episodes)
    n = sum(len(actions) for _, actions in plan) * args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        t = measure(plan, Path(tmp), args.repeat, args.commit_every, args.block)
    bare = (t["bare_a"] + t["bare_b"]) / 2
    print(
        f"math: {args.episodes} episodes x {args.repeat} rounds = {n} steps, same actions, "
        f"arms take turns every {args.block} episodes; SQLite, one hand-over per "
        f"{args.commit_every} steps"
    )
    print(
        f"  bare env A / B              : {n / t['bare_a']:>8,.0f} / {n / t['bare_b']:,.0f} "
        f"steps/s  (A/A noise {abs(t['bare_a'] / t['bare_b'] - 1) * 100:.1f} %)"
    )
    for arm, label in (("sync", "before: flush() waits"), ("background", "after: background")):
        print(
            f"  Recorder, {label:<18}: {n / t[arm]:>8,.0f} steps/s  overhead "
            f"{(t[arm] / bare - 1) * 100:5.1f} %  ({(t[arm] - bare) / n * 1e6:.0f} us/step)"
        )
    print(f"    commits waited on (before) : {t['sync_commit'] / n * 1e6:>8.0f} us/step")
    # CPU of this process (the background writer included, the env's sympy worker process
    # not): steadier than wall time, which the worker's latency makes noisy on a small box
    bare_cpu = (t["bare_a_cpu"] + t["bare_b_cpu"]) / 2
    print(
        f"  CPU of this process, bare   : {bare_cpu / n * 1e6:>8.0f} us/step; recorder adds "
        + ", ".join(
            f"{label} {(t[f'{arm}_cpu'] - bare_cpu) / n * 1e6:.0f} us/step"
            for arm, label in (("sync", "before"), ("background", "after"))
        )
    )
    overhead = t["background"] / bare - 1
    print(
        f"  recorder overhead (after)   : {overhead * 100:>8.1f} %   (target <= 10%: "
        f"{'OK' if overhead <= 0.10 else 'MISS'})"
    )


if __name__ == "__main__":
    main()
