"""Run statistics: counts, success rate, unbiased pass@k, failures, error types, latencies."""

from __future__ import annotations

from collections import Counter, defaultdict
from math import comb
from typing import Any

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store._reads import StoreReader


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k estimator (Chen et al. 2021): 1 - C(n-c, k) / C(n, k)."""
    if k > n:
        raise ValueError(f"k={k} exceeds the number of samples n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[pos]


def run_summary(store: StoreReader, run_id: str | None = None) -> dict[str, Any]:
    """The `rollout --json` object: run_id, episodes, steps, success_rate, failures, error_types."""
    counts = store.finished_summary(run_id)
    n_eps = counts["episodes"]
    failures, errors = counts["failures"], counts["error_types"]
    return {
        "run_id": run_id,
        "episodes": n_eps,
        "steps": counts["steps"],
        "success_rate": counts["successes"] / n_eps if n_eps else 0.0,
        "failures": {k: failures[k] for k in sorted(failures)},
        "error_types": {k: errors[k] for k in sorted(errors)},
    }


def run_stats(store: StoreReader, run_id: str | None = None) -> dict[str, Any]:
    """`agentdata stats`: the summary plus statuses, pass@k, retries and latencies."""
    summary = run_summary(store, run_id)
    episodes = store.episodes(run_id)
    statuses = Counter(e.status for e in episodes)
    per_task: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for e in episodes:
        if e.status in FINISHED_STATUSES:
            per_task[(e.run_id, e.task_id)].append(bool(e.success))
    pass_k: dict[str, float] = {}
    if per_task:
        n_min = min(len(v) for v in per_task.values())
        ks = sorted({k for k in (1, 2, 4, 8, 16, 32, 64, 128, n_min) if k <= n_min})
        for k in ks:
            scores = [pass_at_k(len(v), sum(v), k) for v in per_task.values()]
            pass_k[f"pass@{k}"] = sum(scores) / len(scores)
    rows = store.step_timings(run_id)
    latency: dict[str, dict[str, float]] = {}
    for i, name in enumerate(("policy_s", "env_s", "verifier_s"), start=2):
        values = [float(r[i] or 0.0) for r in rows]
        latency[name] = {
            "mean": sum(values) / len(values) if values else 0.0,
            "p50": _percentile(values, 0.5),
            "p95": _percentile(values, 0.95),
        }
    return {
        **summary,
        "statuses": dict(sorted(statuses.items())),
        "tasks": len(per_task),
        "pass_at_k": pass_k,
        "retries": {
            "agent": sum(1 for r in rows if r[0] is not None),
            "infrastructure": sum(int(r[1]) for r in rows),
        },
        "latency": latency,
    }
