"""Logic env throughput: step verifications/s and generated tasks/s per family, side by side
with reasoning-gym's knights-and-knaves generator measured in the same run.

reasoning-gym lives in its own virtual environment (it pins its own dependencies): create one
with `python -m venv /tmp/rg && /tmp/rg/bin/pip install reasoning-gym` and pass
`--rg-python /tmp/rg/bin/python`. Rounds alternate between the two so that load on a shared
machine hits both alike. Run: `python bench/bench_logic.py [--tasks N] [--rounds R]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time

from agentdata.envs.logic.env import LogicEnv, procedural_task
from agentdata.envs.logic.generators import FAMILY_NAMES

RG_SNIPPET = """
import sys, time, reasoning_gym
n, seed = int(sys.argv[1]), int(sys.argv[2])
ds = reasoning_gym.create_dataset("knights_knaves", size=n, seed=seed)
started = time.perf_counter()
items = [ds[i] for i in range(n)]
print(n / (time.perf_counter() - started))
"""


def generator_rate(family: str, n: int, first_seed: int) -> float:
    """Tasks/s of `procedural_task` (generation, solver check, TaskSpec) over levels 1-5."""
    started = time.perf_counter()
    for i in range(n):
        procedural_task(family, 1 + i % 5, first_seed + i)
    return n / (time.perf_counter() - started)


def reasoning_gym_rate(python: str, n: int, seed: int) -> float:
    """Tasks/s of reasoning-gym's knights_knaves, generated in its own interpreter."""
    out = subprocess.run([python, "-c", RG_SNIPPET, str(n), str(seed)], capture_output=True,
                         text=True, check=True, timeout=600)
    return float(out.stdout.strip().splitlines()[-1])


def step_rates(n_tasks: int) -> tuple[float, float, int]:
    """(correct steps/s, rejected steps/s) through `LogicEnv.step` on ProntoQA gold proofs;
    a rejected step (the right formula under the wrong rule) goes to z3 in the worker."""
    env = LogicEnv(verifier_timeout_s=5.0, max_steps=200)
    good_s = bad_s = 0.0
    good = bad = 0
    try:
        for seed in range(n_tasks):
            _, info = env.reset(seed=seed, options={"task_id": f"prontoqa-d5-s{seed}"})
            for action in info["task"].metadata["proof"]:
                wrong = action.replace("universal_modus_ponens", "modus_ponens")
                started = time.perf_counter()
                env.step(wrong)
                bad_s += time.perf_counter() - started
                started = time.perf_counter()
                env.step(action)
                good_s += time.perf_counter() - started
                good += 1
                bad += 1
    finally:
        env.close()
    return good / good_s, bad / bad_s, good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300, help="tasks per family per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rg-python", default=None, help="python of a venv with reasoning-gym")
    args = parser.parse_args()
    procedural_task("prontoqa", 1, 0)  # import and warm up (grammar tables, caches)
    rates: dict[str, list[float]] = {f: [] for f in FAMILY_NAMES}
    rg: list[float] = []
    for r in range(args.rounds):
        for family in FAMILY_NAMES:
            rates[family].append(generator_rate(family, args.tasks, 10_000 * r))
        if args.rg_python:
            rg.append(reasoning_gym_rate(args.rg_python, args.tasks, r))
    print(f"generated tasks/s (median of {args.rounds} rounds x {args.tasks} tasks, levels 1-5)")
    base = statistics.median(rg) if rg else None
    if base is not None:
        print(f"  {'reasoning-gym knights_knaves':32s} {base:9.0f}   1.00x")
    for family, values in rates.items():
        rate = statistics.median(values)
        ratio = f"{rate / base:6.2f}x" if base else ""
        print(f"  {'agentdata ' + family:32s} {rate:9.0f}   {ratio}")
    good, bad, n = step_rates(40)
    print(f"step verifications/s through LogicEnv.step ({n} ProntoQA d5 gold steps)")
    print(f"  correct steps (rule check)          {good:9.0f}")
    print(f"  rejected steps (rule check + z3)    {bad:9.0f}")


if __name__ == "__main__":
    main()
