"""Step verifications/s on GSM8K calculator annotations: exact fast path vs sympy alone.

Also prints math env steps/s (oracle actions through `MathEnv.step`). Run:
`python bench/bench_verify.py [--limit N]`. Single process, single core for the fast path.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np

from agentdata.envs.math.actions import Claim
from agentdata.envs.math.checks import Checker
from agentdata.envs.math.env import MathEnv
from agentdata.envs.math.tasks import load_task_file

GSM8K = Path(__file__).resolve().parents[1] / "tests" / "data" / "gsm8k" / "train.jsonl"
ANNOTATION = re.compile(r"<<([^<>=]*)=([^<>]*)>>")


def gsm8k_annotations(limit: int) -> list[tuple[str, str]]:
    tasks = load_task_file(GSM8K)
    out: list[tuple[str, str]] = []
    for task in tasks.tasks.values():
        out += ANNOTATION.findall(str(task.metadata.get("solution", "")))
    return out[:limit]


def no_symbolic(*_: object) -> dict[str, object]:
    raise RuntimeError("numeric claims never reach the symbolic verifier")


def bench_exact(pairs: list[tuple[str, str]]) -> tuple[float, int]:
    checker = Checker(frozenset(), None, no_symbolic)
    claims = [Claim(lhs, rhs, "annotation", True) for lhs, rhs in pairs]
    started = time.perf_counter()
    correct = sum(checker.check(c).status == "correct" for c in claims)
    return len(claims) / (time.perf_counter() - started), correct


def bench_sympy(pairs: list[tuple[str, str]]) -> tuple[float, int]:
    """Baseline: what a sympy-only checker does (parse both sides, simplify the difference)."""
    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    started = time.perf_counter()
    correct = 0
    for lhs, rhs in pairs:
        try:
            diff = sympy.nsimplify(parse_expr(lhs)) - sympy.nsimplify(parse_expr(rhs))
            correct += abs(float(diff)) < 1e-9 or bool(sympy.simplify(diff) == 0)
        except Exception:  # the baseline's own failures count as unverified
            pass
    return len(pairs) / (time.perf_counter() - started), correct


def bench_env(episodes: int, *, gsm8k: bool) -> float:
    """Oracle (error_rate 0.2) steps/s on GSM8K tasks or on the generated families."""
    env = MathEnv(tasks=str(GSM8K)) if gsm8k else MathEnv()
    ids = list(env.list_tasks() or [])
    steps = 0
    started = time.perf_counter()
    for i in range(episodes):
        options = {"task_id": ids[i % len(ids)]} if ids else None
        obs, info = env.reset(seed=i, options=options)
        agent = env.oracle(np.random.default_rng(i), 0.2)
        done = False
        while not done:
            obs, _, term, trunc, info = env.step(agent.act(obs, info))
            steps += 1
            done = term or trunc
    env.close()
    return steps / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=3000, help="annotations for the sympy run")
    parser.add_argument("--episodes", type=int, default=1000)
    args = parser.parse_args()
    pairs = gsm8k_annotations(10**9)
    fast, ok_fast = bench_exact(pairs)
    subset = pairs[: args.limit]
    slow, ok_slow = bench_sympy(subset)
    print(f"GSM8K calculator annotations: {len(pairs)} (sympy baseline on {len(subset)})")
    print(f"exact fast path : {fast:12,.0f} verifications/s  ({ok_fast}/{len(pairs)} correct)")
    print(f"sympy alone     : {slow:12,.0f} verifications/s  ({ok_slow}/{len(subset)} correct)")
    print(f"ratio           : {fast / slow:12,.1f}x  (target: fast path >= 5,000/s)")
    on_gsm8k = bench_env(args.episodes, gsm8k=True)
    print(f"math env, GSM8K oracle (error_rate 0.2): {on_gsm8k:,.0f} steps/s")
    generated = bench_env(args.episodes, gsm8k=False)
    print(f"math env, generated tasks (error_rate 0.2): {generated:,.0f} steps/s")


if __name__ == "__main__":
    main()
