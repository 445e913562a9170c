"""`--backend ray`: environment workers as Ray actors, all writing to one PostgreSQL store.

Each actor builds its own envs and policy and runs `run_rollouts` on the same run id; the
runner claims each episode's slot in the store before starting it (`Store.slot_leases`), so
the actors split the run between them, every slot is finished once, and an actor that dies
leaves its slots to the others. The policy is whatever `--policy` says, built inside each actor:
`openai` pointing at a model server (e.g. `vllm serve`, itself possibly a Ray Serve
deployment), or `vllm` with `--ray-gpus-per-worker` so each actor holds a GPU for its own
engine.
Needs the `ray` extra; `ray` is imported only when a Ray run starts.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.errors import ConfigError
from agentdata.policies._llm_common import require_extra
from agentdata.store import Store

log = logging.getLogger("agentdata.ray")


class RolloutWorker:
    """A Ray actor body: runs its share of a run against the shared store."""

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url

    def run(self, config: RolloutConfig) -> str:
        """Join the run `config.run_id` and work until it has no unclaimed slot left."""
        store = Store.open(self.store_url)
        try:
            return run_rollouts(store, config)
        finally:
            store.close()


def run_on_ray(
    store_url: str,
    config: RolloutConfig,
    *,
    address: str | None = None,
    workers: int = 1,
    cpus_per_worker: float = 1.0,
    gpus_per_worker: float = 0.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> str:
    """Run `config` on `workers` Ray actors (a local cluster when `address` is None)."""
    require_extra("ray", "ray")
    import ray

    if store_url.startswith("sqlite") or "://" not in store_url:
        raise ConfigError(
            "Ray workers share one store over the network: pass a PostgreSQL URL as --db"
        )
    if workers < 1:
        raise ConfigError(f"--ray-workers must be >= 1, got {workers}")
    run_id = config.run_id or f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-s{config.seed}"
    config = dataclasses.replace(config, run_id=run_id)
    Store.open(store_url).close()  # migrate once here, not racing in every actor
    started_here = not ray.is_initialized()
    if started_here:
        init: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address is None:
            init["num_cpus"] = max(1, int(workers * cpus_per_worker + 0.999))
            init["object_store_memory"] = 80 * 1024 * 1024
        ray.init(address=address, **init)
    try:
        actor = ray.remote(num_cpus=cpus_per_worker, num_gpus=gpus_per_worker)(RolloutWorker)
        pending = [actor.remote(store_url).run.remote(config) for _ in range(workers)]
        errors: list[BaseException] = []
        done = 0
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            try:
                ray.get(ready)
            except Exception as exc:  # the other actors take its slots over
                errors.append(exc)
            done += 1
            if on_progress:
                on_progress(done, workers)
    finally:
        if started_here:
            ray.shutdown()
    if errors:
        _report_failed_workers(store_url, run_id, config.episodes, errors)
    return run_id


def _report_failed_workers(
    store_url: str, run_id: str, episodes: int, errors: list[BaseException]
) -> None:
    """Raise the first worker error unless the others finished the whole run anyway."""
    with Store.open(store_url) as store:
        left = store.slot_leases(run_id).unfinished(episodes)
    if left:
        raise errors[0]
    for exc in errors:
        log.warning("a Ray worker failed; the others finished its slots: %s", exc)
