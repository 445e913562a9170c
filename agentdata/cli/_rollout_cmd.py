"""`agentdata rollout`: run a policy against an environment and record every step."""

from __future__ import annotations

import signal
import sys
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agentdata._ray_backend import run_on_ray
from agentdata._runner import RolloutConfig, run_rollouts
from agentdata._stats import run_summary
from agentdata.cli._common import DbOption, JsonFlag, open_store, parse_kv, print_json
from agentdata.envs.registry import check_env_id
from agentdata.errors import ConfigError
from agentdata.store import resolve_url


def rollout(
    env: Annotated[str, typer.Option("--env", help="Environment id, e.g. agentdata/Math-v0.")],
    policy: Annotated[
        str, typer.Option("--policy", help="oracle, scripted, vllm or openai.")
    ] = "oracle",
    episodes: Annotated[int, typer.Option("--episodes", help="Episodes in the run.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Run seed.")] = 0,
    env_arg: Annotated[
        list[str] | None, typer.Option("--env-arg", help="Env kwarg k=v (repeatable).")
    ] = None,
    policy_arg: Annotated[
        list[str] | None, typer.Option("--policy-arg", help="Policy kwarg k=v (repeatable).")
    ] = None,
    samples_per_task: Annotated[
        int, typer.Option("--samples-per-task", help="Episodes per task (best-of-N).")
    ] = 1,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Episodes at once.")] = 1,
    run: Annotated[str | None, typer.Option("--run", help="Run name; re-use to resume.")] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="local (this process) or ray (Ray actors).")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster address (default: local).")
    ] = None,
    ray_workers: Annotated[
        int, typer.Option("--ray-workers", help="Ray env workers sharing the run.")
    ] = 1,
    ray_gpus_per_worker: Annotated[
        float,
        typer.Option(
            "--ray-gpus-per-worker",
            min=0.0,
            help="GPUs each Ray worker reserves (1 with --policy vllm on GPUs: one engine each).",
        ),
    ] = 0.0,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Run rollouts; re-running the same --run resumes it."""
    config = RolloutConfig(
        env_id=env,
        policy=policy,
        episodes=episodes,
        seed=seed,
        env_kwargs=parse_kv(env_arg, "--env-arg"),
        policy_kwargs=parse_kv(policy_arg, "--policy-arg"),
        samples_per_task=samples_per_task,
        concurrency=concurrency,
        run_id=run,
    )
    if backend not in ("local", "ray"):
        raise ConfigError(f"--backend must be local or ray, got {backend!r}")
    if backend == "ray":
        run_id = run_on_ray(
            resolve_url(db),
            config,
            address=ray_address,
            workers=ray_workers,
            gpus_per_worker=ray_gpus_per_worker,
        )
        store = open_store(db)
        try:
            _report(run_summary(store, run_id), json_out)
        finally:
            store.close()
        return
    check_env_id(env)  # a wrong --env is refused before the store is created or written
    # SIGTERM unwinds like Ctrl-C so sandboxes are closed and the store flushed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    store = open_store(db)
    try:
        show_bar = not json_out and sys.stderr.isatty()
        with Progress(
            TextColumn("[bold]rollout"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not show_bar,
            transient=True,
        ) as bar:
            task = bar.add_task("episodes", total=episodes)
            run_id = run_rollouts(
                store, config, on_progress=lambda done, _total: bar.update(task, completed=done)
            )
        summary = run_summary(store, run_id)
    finally:
        store.close()
    _report(summary, json_out)


def _report(summary: dict[str, Any], json_out: bool) -> None:
    if json_out:
        print_json(summary)
        return
    typer.echo(
        f"run {summary['run_id']}: {summary['episodes']} episodes, {summary['steps']} steps, "
        f"success rate {summary['success_rate']:.3f}"
    )
    if summary["failures"]:
        typer.echo("failures: " + ", ".join(f"{k}={v}" for k, v in summary["failures"].items()))
    if summary["error_types"]:
        typer.echo(
            "error types: " + ", ".join(f"{k}={v}" for k, v in summary["error_types"].items())
        )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("rollout")(rollout)
