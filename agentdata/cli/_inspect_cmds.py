"""`agentdata runs | show | stats`: read the store."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from agentdata._stats import run_stats
from agentdata.cli._common import DbOption, JsonFlag, open_store, print_json
from agentdata.schemas import EpisodeRecord, StepRecord
from agentdata.store._audit import audit_store, count_rows


def runs(db: DbOption = None, json_out: JsonFlag = False) -> None:
    """List the runs in the store with their episode counts."""
    with open_store(db, readonly=True) as store:
        rows: list[dict[str, Any]] = []
        for run in store.list_runs():
            eps = store.episodes(run.id)
            rows.append(
                {
                    "run_id": run.id,
                    "env_id": run.env_id,
                    "policy": run.policy.name,
                    "seed": run.seed,
                    "planned": run.episodes,
                    "finished": sum(1 for e in eps if e.finished),
                    "created_at": run.created_at.isoformat() if run.created_at else None,
                }
            )
    if json_out:
        print_json(rows)
        return
    table = Table("run", "env", "policy", "seed", "finished/planned", "created")
    for r in rows:
        table.add_row(
            str(r["run_id"]),
            str(r["env_id"]),
            str(r["policy"]),
            str(r["seed"]),
            f"{r['finished']}/{r['planned']}",
            str(r["created_at"] or ""),
        )
    Console().print(table)


def show(
    episode_id: Annotated[str, typer.Argument(help="Episode id (see `agentdata runs`/`stats`).")],
    step: Annotated[int | None, typer.Option("--step", help="Show only step K.")] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Show an episode step by step: observation, action, verdict, failure, retries, latency."""
    with open_store(db, readonly=True) as store:
        episode = store.get_episode(episode_id)
        steps = store.load_steps(episode_id)
        children = store.episodes(parent_id=episode_id)
    if step is not None and not 0 <= step < len(steps):
        typer.echo(f"episode {episode_id} has steps 0..{len(steps) - 1}, not {step}", err=True)
        raise typer.Exit(2)
    chosen = steps if step is None else [steps[step]]
    if json_out:
        print_json(
            {
                "episode": episode.model_dump(mode="json"),
                "steps": [s.model_dump(mode="json") for s in chosen],
                "children": [c.id for c in children],
            }
        )
        return
    console = Console()
    console.print(_header(episode, children))
    if step is None:
        console.print(Panel(episode.initial_observation, title="reset", border_style="blue"))
    for s in chosen:
        console.print(_step_panel(s))


def _header(episode: EpisodeRecord, children: list[EpisodeRecord]) -> str:
    lines = [
        f"[bold]episode {episode.id}[/bold]  run {episode.run_id}  slot {episode.slot}"
        f"  sample {episode.sample_index}",
        f"env {episode.env_id} {episode.env_kwargs}  task {episode.task_id}"
        f"  seed {episode.seed}  policy {episode.policy.name} {episode.policy.kwargs}",
        f"status [bold]{episode.status}[/bold]  steps {episode.num_steps}"
        f"  reward {episode.total_reward:g}  success {episode.success}",
    ]
    if episode.parent_id:
        lines.append(f"forked from {episode.parent_id} at step {episode.fork_step}")
    if episode.error:
        lines.append(f"[red]error: {episode.error}[/red]")
    for child in children:
        lines.append(f"  └─ fork {child.id} at step {child.fork_step} ({child.status})")
    return "\n".join(lines)


def _step_panel(s: StepRecord) -> Panel:
    verdict = "-"
    if s.verdict:
        colour = {"correct": "green", "incorrect": "red", "neutral": "yellow"}[s.verdict.label]
        verdict = f"[{colour}]{s.verdict.label}[/{colour}]"
        if s.verdict.error_type:
            verdict += f" ({s.verdict.error_type})"
        if s.verdict.message:
            verdict += f": {s.verdict.message}"
    body = [f"[bold]action[/bold] {s.action_raw}", f"[bold]verdict[/bold] {verdict}"]
    if s.failure:
        body.append(f"[bold red]failure[/bold red] {s.failure.kind}: {s.failure.message}")
    if s.retry_of is not None:
        body.append(f"[bold]retry of step[/bold] {s.retry_of}")
    body.append(f"[bold]observation[/bold]\n{s.observation}")
    lat = s.latency
    title = (
        f"step {s.index}  reward {s.reward:g}"
        f"{'  terminated' if s.terminated else ''}{'  truncated' if s.truncated else ''}"
        f"  policy {lat.policy_s * 1e3:.1f} ms  env {lat.env_s * 1e3:.1f} ms"
        f"  verifier {lat.verifier_s * 1e3:.1f} ms"
    )
    return Panel("\n".join(body), title=title, title_align="left")


def stats(
    run: Annotated[str | None, typer.Option("--run", help="Only this run.")] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Counts, success rate, pass@k, failures, error types, retries and latencies."""
    with open_store(db, readonly=True) as store:
        data = run_stats(store, run)
    if json_out:
        print_json(data)
        return
    console = Console()
    console.print(
        f"[bold]{data['run_id'] or 'all runs'}[/bold]: {data['episodes']} episodes "
        f"({data['tasks']} tasks), {data['steps']} steps, "
        f"success rate {data['success_rate']:.3f}"
    )
    console.print("statuses: " + ", ".join(f"{k}={v}" for k, v in data["statuses"].items()))
    if data["pass_at_k"]:
        console.print("  ".join(f"{k}={v:.3f}" for k, v in data["pass_at_k"].items()))
    for title in ("failures", "error_types"):
        if data[title]:
            console.print(f"{title}: " + ", ".join(f"{k}={v}" for k, v in data[title].items()))
    console.print(
        f"retries: agent={data['retries']['agent']} infra={data['retries']['infrastructure']}"
    )
    for name, lat in data["latency"].items():
        console.print(
            f"{name}: mean {lat['mean'] * 1e3:.2f} ms  p50 {lat['p50'] * 1e3:.2f} ms"
            f"  p95 {lat['p95'] * 1e3:.2f} ms"
        )


def audit_store_cmd(
    run: Annotated[str | None, typer.Option("--run", help="Only this run's episodes.")] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Check the store against itself: database integrity, derived columns, step indexes,
    episode counts, blobs and their hashes. Exit 1 naming each inconsistency."""
    with open_store(db, readonly=True) as store:
        found = audit_store(store, run)
        counted = count_rows(store, run)
    if json_out:
        print_json({"ok": not found, **counted, "inconsistencies": [f.as_json() for f in found]})
    else:
        for item in found:
            typer.echo(str(item))
        verdict = "consistent" if not found else f"{len(found)} inconsistencies"
        typer.echo(f"checked {counted['episodes']} episodes, {counted['steps']} steps: {verdict}")
    if found:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("runs")(runs)
    app.command("show")(show)
    app.command("stats")(stats)
