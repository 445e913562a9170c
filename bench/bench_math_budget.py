"""Step time under adversarial actions: max and p99 over a few hundred seeded hostile actions.

Families from `agentdata.envs.math.adversarial` (power towers, huge literals, deep nesting,
claim floods, heavy symbolic identities, unicode, broken LaTeX, random bytes). Prints max and
p99 step time against the budget, exceptions that escaped `step`, and failure kinds. Run:
`python bench/bench_math_budget.py [--actions 300] [--budget 3.0] [--seed 0]`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from agentdata.envs.math.adversarial import ADVERSARIAL_PROBLEM, adversarial_action
from agentdata.envs.math.env import MathEnv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--budget", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tasks.jsonl"
        path.write_text(json.dumps({"id": "xyz", "problem": ADVERSARIAL_PROBLEM, "answer": "1"}))
        env = MathEnv(tasks=str(path), step_budget_s=args.budget, max_steps=10**6)
        env.reset(seed=0, options={"task_id": "xyz"})
        env.step("step expand: (x+1)^2 = x^2 + 2x + 1")  # first worker start, not measured
        rng = np.random.default_rng(args.seed)
        times: list[float] = []
        escaped = 0
        kinds: Counter[str] = Counter()
        for _ in range(args.actions):
            _, action = adversarial_action(rng)
            started = time.perf_counter()
            try:
                info = env.step(action)[4]
                failure = info["failure"]
                kinds[failure.kind if failure else str(info["verdict"].label)] += 1
            except Exception:  # the figure: anything escaping step
                escaped += 1
            times.append(time.perf_counter() - started)
        env.close()
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"adversarial actions: {len(times)} (budget {args.budget:g} s per step)")
    print(f"max step time : {max(times):.3f} s")
    print(f"p99 step time : {p99:.3f} s")
    print(f"exceptions escaped: {escaped}")
    print("outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
