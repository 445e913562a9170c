"""Benchmark of CodeRepair-v0: run_tests overhead, reset latency, graded tasks per hour.

Prints:
* `run_tests` through the env against a bare `docker exec` of the same pytest command in the
  same kind of container (target overhead <= 10%),
* `reset` latency p50/p95 with the warm pool against a cold container start,
* oracle episodes (read, edit, run_tests, submit) per hour on this machine, one env.

Usage: python bench/bench_code_repair.py [--rounds N] [--episodes N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time

import numpy as np

from agentdata.envs.code_repair.env import CodeRepairEnv
from agentdata.envs.code_repair.sandbox import DEFAULT_IMAGE, DockerSandbox
from agentdata.envs.code_repair.taskformat import DEFAULT_TEST_COMMAND
from agentdata.envs.code_repair.tools import tool_call


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, in ms."""
    return float(np.quantile(np.array(values), q)) * 1000


def bench_run_tests(env: CodeRepairEnv, task_id: str, rounds: int) -> None:
    env.reset(seed=0, options={"task_id": task_id})
    assert env._box is not None and env.loaded is not None
    container = str(getattr(env._box, "container_id", ""))
    cmd = f"cd /workspace && {DEFAULT_TEST_COMMAND} --junitxml=/tmp/bare.xml >/dev/null 2>&1"
    bare, through = [], []
    for _ in range(rounds):  # interleaved so both see the same machine load
        t = time.perf_counter()
        subprocess.run(["docker", "exec", "-u", "1000", container, "sh", "-c", cmd], check=False)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        env.step(tool_call("run_tests"))
        through.append(time.perf_counter() - t)
    b, e = statistics.median(bare), statistics.median(through)
    print(f"run_tests via env step: p50 {e * 1000:.0f} ms; bare `docker exec` pytest: "
          f"p50 {b * 1000:.0f} ms; overhead {100 * (e - b) / b:+.1f}% (target <= 10%)")


def bench_reset(env: CodeRepairEnv, ids: list[str], rounds: int) -> None:
    warm: list[float] = []
    for i in range(rounds):
        t = time.perf_counter()
        env.reset(seed=i, options={"task_id": ids[i % len(ids)]})
        warm.append(time.perf_counter() - t)
        time.sleep(0.5)  # let the pool refill, as between real episodes
    cold: list[float] = []
    assert env.loaded is not None
    for _ in range(max(3, rounds // 4)):
        t = time.perf_counter()
        box = DockerSandbox(env.loaded.repo_dir)
        box.start()
        cold.append(time.perf_counter() - t)
        box.close()
    print(f"reset (warm pool): p50 {pct(warm, .5):.0f} ms, p95 {pct(warm, .95):.0f} ms; "
          f"cold sandbox start: p50 {pct(cold, .5):.0f} ms "
          f"(warm/cold {pct(warm, .5) / pct(cold, .5):.2f}; target p50 <= 150 ms)")


def bench_oracle(env: CodeRepairEnv, ids: list[str], episodes: int) -> None:
    started = time.perf_counter()
    solved = 0
    for i in range(episodes):
        obs, info = env.reset(seed=i, options={"task_id": ids[i % len(ids)]})
        agent = env.oracle(np.random.default_rng(i), 0.0)
        done, reward = False, 0.0
        while not done:
            obs, reward, term, trunc, info = env.step(agent.act(obs, info))
            done = term or trunc
        solved += reward == 1.0
    took = time.perf_counter() - started
    print(f"oracle episodes: {episodes} in {took:.1f} s ({solved} resolved) -> "
          f"{3600 * episodes / took:.0f} graded tasks/hour (one env, one process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--episodes", type=int, default=10)
    args = parser.parse_args()
    env = CodeRepairEnv(pool_size=2)
    try:
        ids = list(env.list_tasks())
        print(f"image {DEFAULT_IMAGE}; built-in suite: {len(ids)} tasks")
        bench_run_tests(env, ids[0], args.rounds)
        bench_reset(env, ids, args.rounds)
        bench_oracle(env, ids, args.episodes)
    finally:
        env.close()


if __name__ == "__main__":
    main()
