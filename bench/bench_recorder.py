"""Recorder overhead: math env steps/s bare vs wrapped in `Recorder` (target: <= 10% cost).

Both arms replay the same pre-computed oracle action sequences (with mistakes), so policy
time is excluded; the recorded arm commits to a SQLite store once per K steps, as the
runner does at `--concurrency K` (one commit per batch step).

    python bench/bench_recorder.py [--episodes 300] [--repeat 3] [--commit-every 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any, SupportsFloat

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


class Timed(gymnasium.Wrapper[str, str, str, str]):
    """Accumulates the seconds spent inside the wrapped env's reset and step."""

    def __init__(self, env: gymnasium.Env[str, str]) -> None:
        super().__init__(env)
        self.inner_s = 0.0

    def reset(self, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        started = time.perf_counter()
        out = self.env.reset(**kwargs)
        self.inner_s += time.perf_counter() - started
        return out

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        started = time.perf_counter()
        out = self.env.step(action)
        self.inner_s += time.perf_counter() - started
        return out


def measure(plan: Plan, db: Path, repeat: int, commit_every: int = 8) -> dict[str, float]:
    """Seconds: two bare arms (A/A noise control), the recorded arm, and its env share.

    Arms are interleaved episode by episode. The recorder's own cost is the recorded arm's
    time minus the time spent inside its (timed) env, measured on the very same steps, so
    machine noise between arms does not enter it. Commits are included: one per
    `commit_every` steps, as the runner commits once per batch step (`--concurrency K`
    commits every K steps).
    """
    bare_a = gymnasium.make("agentdata/Math-v0")
    bare_b = gymnasium.make("agentdata/Math-v0")
    store = Store.open(str(db))
    inner = Timed(gymnasium.make("agentdata/Math-v0"))
    recorded = Recorder(inner, store, env_id="agentdata/Math-v0", autoflush=False)
    for seed, actions in plan[:3]:  # warm: the sympy worker starts on first use
        for env in (bare_a, bare_b, recorded):
            episode_time(env, seed, actions)
    store.flush()
    inner.inner_s = 0.0
    t = {"bare_a": 0.0, "bare_b": 0.0, "recorded": 0.0, "commit": 0.0}
    n = steps = pending = 0
    for _ in range(repeat):
        for seed, actions in plan:
            t["bare_a"] += episode_time(bare_a, seed, actions)
            recorded.set_next_episode(EpisodeMeta(episode_id=f"ep-{n}"))
            t["recorded"] += episode_time(recorded, seed, actions)
            t["bare_b"] += episode_time(bare_b, seed, actions)
            n += 1
            steps += len(actions)
            pending += len(actions)
            # commit-every-K-steps cadence, at episode granularity (timed per episode)
            while pending >= commit_every:
                started = time.perf_counter()
                store.flush()
                t["commit"] += time.perf_counter() - started
                pending -= commit_every
    started = time.perf_counter()
    store.flush()
    t["commit"] += time.perf_counter() - started
    t["recorded"] += t["commit"]
    t["recorded_env"] = inner.inner_s
    for env in (bare_a, bare_b, recorded):
        env.close()
    store.close()
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--commit-every", type=int, default=8, help="steps per commit (the runner's concurrency)"
    )
    args = parser.parse_args()
    register_envs()
    plan = make_plan(args.episodes)
    n = sum(len(actions) for _, actions in plan) * args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        t = measure(plan, Path(tmp) / "bench.db", args.repeat, args.commit_every)
    bare = (t["bare_a"] + t["bare_b"]) / 2
    own = t["recorded"] - t["recorded_env"]
    print(
        f"math: {args.episodes} episodes x {args.repeat} rounds = {n} steps, same actions, "
        "arms interleaved per episode"
    )
    print(
        f"  bare env A / B     : {n / t['bare_a']:>8,.0f} / {n / t['bare_b']:,.0f} steps/s  "
        f"(A/A noise {abs(t['bare_a'] / t['bare_b'] - 1) * 100:.1f} %)"
    )
    print(
        f"  with Recorder      : {n / t['recorded']:>8,.0f} steps/s  "
        f"(SQLite, one commit per {args.commit_every} steps)"
    )
    print(
        f"  recorder own time  : {own / n * 1e6:>8.1f} us/step  vs bare env "
        f"{bare / n * 1e6:.1f} us/step"
    )
    print(
        f"    of which commits : {t['commit'] / n * 1e6:>8.1f} us/step  (recorder CPU "
        f"{(own - t['commit']) / n * 1e6:.1f} us/step = {(own - t['commit']) / bare * 100:.1f} %)"
    )
    overhead = own / bare
    print(
        f"  recorder overhead  : {overhead * 100:>8.1f} %   (target <= 10%: "
        f"{'OK' if overhead <= 0.10 else 'MISS'})"
    )


if __name__ == "__main__":
    main()
