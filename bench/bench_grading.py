"""Benchmark of the submit grade: the fresh-sandbox grade against the old in-place grade.

For each built-in task: reset, apply the reference fix through the `edit` tool (what the
oracle does), then grade the same workspace both ways, side by side in one run:

* new: `grader.grade_fresh` (scan the workspace, graded tree with canaries, a fresh
  sandbox from the warm pool, pytest the grader's way, report checks, audit) and its verdict;
* old: the grade before this change (hidden files written over the agent's own workspace,
  the task's test command run there), reconstructed from the public helpers.

Prints grading latency p50/p95 of both and their ratio (target: new <= 1.5x old), and the
oracle's success on the suite under the new grade (target: every task reward 1).

Usage: python bench/bench_grading.py [--backend docker|bwrap] [--tasks N] [--pool N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from agentdata.envs.code_repair.env import CodeRepairEnv
from agentdata.envs.code_repair.grader import grade_fresh
from agentdata.envs.code_repair.grading import graded_test_files, run_tests, write_files
from agentdata.envs.code_repair.sandbox import Sandbox
from agentdata.envs.code_repair.submit_verdict import judge_fresh_submit
from agentdata.envs.code_repair.taskformat import LoadedTask
from agentdata.envs.code_repair.tools import tool_call


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, in ms."""
    return float(np.quantile(np.array(values), q)) * 1000


def old_grade(box: Sandbox, task: LoadedTask, timeout: float) -> bool:
    """The grade before the fresh sandbox: hidden files over the agent's workspace."""
    write_files(box, graded_test_files(task))
    run = run_tests(box, task, timeout=timeout)
    return (run.report is not None and not run.failed_ids(task.task.fail_to_pass)
            and not run.failed_ids(task.task.pass_to_pass))  # fmt: skip


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="docker", choices=("docker", "bwrap"))
    ap.add_argument("--tasks", type=int, default=0, help="first N tasks (0: all)")
    ap.add_argument("--pool", type=int, default=2, help="warm containers (docker)")
    args = ap.parse_args()
    env = CodeRepairEnv(backend=args.backend, pool_size=args.pool, test_timeout_s=60)
    ids = env.list_tasks()[: args.tasks or None]
    new_s: list[float] = []
    old_s: list[float] = []
    solved, old_solved, failures = 0, 0, []
    try:
        for i, task_id in enumerate(ids):
            env.reset(seed=i, options={"task_id": task_id})
            loaded = env.loaded
            assert loaded is not None and env._box is not None
            patch = loaded.reference_patch_text()
            assert patch is not None
            env.step(tool_call("edit", patch=patch))
            box = env._box
            time.sleep(0.3)  # let the pool refill, as between real episodes
            t = time.perf_counter()
            graded = grade_fresh(box, loaded, lambda root, t=loaded: env._acquire(t, root),
                                 timeout=60, seed=i)
            out = judge_fresh_submit(loaded, graded, 60)
            new_s.append(time.perf_counter() - t)
            if out.reward == 1.0:
                solved += 1
            else:
                failures.append(f"{task_id}: {out.observation[:200]}")
            t = time.perf_counter()
            old_solved += old_grade(box, loaded, 60)
            old_s.append(time.perf_counter() - t)
    finally:
        env.close()
    n = len(ids)
    print(f"backend {args.backend}, {n} built-in tasks, reference fix applied with `edit`")
    print(f"grade, old (in the agent's sandbox): p50 {pct(old_s, 0.5):.0f} ms, "
          f"p95 {pct(old_s, 0.95):.0f} ms; reward 1 on {old_solved}/{n}")
    print(f"grade, new (fresh sandbox + canaries + audit): p50 {pct(new_s, 0.5):.0f} ms, "
          f"p95 {pct(new_s, 0.95):.0f} ms; reward 1 on {solved}/{n}")
    print(f"new / old: p50 x{pct(new_s, 0.5) / pct(old_s, 0.5):.2f}, "
          f"p95 x{pct(new_s, 0.95) / pct(old_s, 0.95):.2f} (target <= 1.5)")
    for line in failures[:20]:
        print("  not solved:", line)


if __name__ == "__main__":
    main()
