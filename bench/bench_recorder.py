"""Recorder overhead: math env steps/s bare vs wrapped in `Recorder` (target: <= 10% cost).

Both arms replay the same pre-computed oracle action sequences (with mistakes), so policy
time is excluded; the recorded arm commits to a SQLite store once per batch of episodes,
as the runner does.

    python bench/bench_recorder.py [--episodes 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import gymnasium
import numpy as np

from agentdata.recorder import EpisodeMeta, Recorder
from agentdata.store import Store
from envs import register_envs

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


def measure(plan: Plan, db: Path, repeat: int, batch: int = 8) -> tuple[float, float]:
    """Total seconds (bare, recorded), the arms interleaved episode by episode.

    Interleaving puts both arms under the same machine load at every moment; the recorded
    arm commits once per `batch` episodes, as the runner does, and the commit is timed.
    """
    bare = gymnasium.make("agentdata/Math-v0")
    store = Store.open(str(db))
    recorded = Recorder(gymnasium.make("agentdata/Math-v0"), store, autoflush=False)
    for seed, actions in plan[:3]:  # warm: the sympy worker starts on first use
        episode_time(bare, seed, actions)
        episode_time(recorded, seed, actions)
    t_bare = t_rec = 0.0
    n = 0
    for _ in range(repeat):
        for seed, actions in plan:
            t_bare += episode_time(bare, seed, actions)
            recorded.set_next_episode(EpisodeMeta(episode_id=f"ep-{n}"))
            t_rec += episode_time(recorded, seed, actions)
            n += 1
            if n % batch == 0:
                started = time.perf_counter()
                store.flush()
                t_rec += time.perf_counter() - started
    started = time.perf_counter()
    store.flush()
    t_rec += time.perf_counter() - started
    bare.close()
    recorded.close()
    store.close()
    return t_bare, t_rec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    register_envs()
    plan = make_plan(args.episodes)
    n_steps = sum(len(actions) for _, actions in plan) * args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        t_bare, t_rec = measure(plan, Path(tmp) / "bench.db", args.repeat)
    overhead = t_rec / t_bare - 1
    print(
        f"math steps: {args.episodes} episodes x {args.repeat} rounds = {n_steps} steps, "
        "same actions in both arms, interleaved per episode"
    )
    print(f"  bare env          : {n_steps / t_bare:>9,.0f} steps/s")
    print(
        f"  with Recorder     : {n_steps / t_rec:>9,.0f} steps/s  (SQLite, commit per 8 episodes)"
    )
    print(
        f"  recorder overhead : {overhead * 100:>8.1f} %   (target <= 10%: "
        f"{'OK' if overhead <= 0.10 else 'MISS'})"
    )


if __name__ == "__main__":
    main()
