"""`agentdata replay | fork | audit determinism | export-html`: the replay package's CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agentdata.cli._common import DbOption, JsonFlag, open_store, parse_kv, print_json
from agentdata.cli._inspect_cmds import audit_store_cmd
from agentdata.errors import ConfigError, NotFoundError
from agentdata.replay._audit import run_audit
from agentdata.replay._fork import fork_episode
from agentdata.replay._html import export_html
from agentdata.replay._replayer import ReplayResult, replay_many
from agentdata.store import Store, resolve_url

AllowVersion = Annotated[
    bool,
    typer.Option(
        "--allow-version-mismatch",
        help="Replay episodes recorded by another agentdata version instead of refusing.",
    ),
]


def _print_result(result: ReplayResult) -> None:
    if result.status == "unreplayable" and result.unreplayable is not None:
        typer.echo(
            f"{result.episode_id}: UNREPLAYABLE {result.unreplayable.code}: "
            f"{result.unreplayable.message}"
        )
        return
    if result.status == "diverged" and result.first_divergence is not None:
        div = result.first_divergence
        where = "reset" if div.step is None else f"step {div.step}"
        others = [d.field for d in result.divergences[1:]]
        extra = f" (also: {', '.join(others)})" if others else ""
        typer.echo(f"{result.episode_id}: DIVERGED at {where}, field {div.field}{extra}")
        typer.echo(div.diff)
        return
    note = f"  [{result.note}]" if result.note else ""
    typer.echo(
        f"{result.episode_id}: identical ({result.steps_replayed}/{result.steps_recorded} steps)"
        f"{note}"
    )


def replay(
    episode_id: Annotated[str | None, typer.Argument(help="Episode to replay.")] = None,
    run: Annotated[str | None, typer.Option("--run", help="Replay every episode of a run.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Replay every episode in the store.")] = False,
    allow_version_mismatch: AllowVersion = False,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Re-execute episodes from the store and diff every step against the record.

    Exit status 1 when any episode diverged or could not be replayed. Nothing is written.
    """
    if sum(x is not None and x is not False for x in (episode_id, run, all_)) != 1:
        raise ConfigError("give exactly one of EPISODE_ID, --run RUN or --all")
    store = Store.open_readonly(db)
    try:
        if episode_id is not None:
            try:
                store.get_episode(episode_id)
            except NotFoundError:
                raise NotFoundError(f"no episode {episode_id!r} in {resolve_url(db)}") from None
            ids = [episode_id]
        else:
            ids = store.episode_ids(run)
        report = replay_many(
            store,
            ids,
            allow_version_mismatch=allow_version_mismatch,
            on_result=None if json_out else _print_result,
        )
    finally:
        store.close()
    if json_out:
        print_json(report)
    else:
        diverged = report["diverged"]
        unrep = report["unreplayable"]
        assert isinstance(diverged, list) and isinstance(unrep, list)
        typer.echo(
            f"checked {report['checked']}: {report['identical']} identical, "
            f"{len(diverged)} diverged, {len(unrep)} unreplayable"
        )
    if report["diverged"] or report["unreplayable"]:
        raise typer.Exit(1)


def fork(
    episode_id: Annotated[str, typer.Argument(help="Episode to fork.")],
    at: Annotated[int, typer.Option("--at", help="Replay the first K steps, then the policy.")],
    policy: Annotated[str, typer.Option("--policy", help="oracle or scripted.")],
    policy_arg: Annotated[
        list[str] | None, typer.Option("--policy-arg", help="Policy kwarg k=v (repeatable).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Policy seed.")] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="Run id of the fork (default <parent run>/forks).")
    ] = None,
    allow_version_mismatch: AllowVersion = False,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Fork an episode at step K: the prefix is re-executed and checked, the policy goes on."""
    with open_store(db) as store:
        new_id = fork_episode(
            store,
            episode_id,
            at=at,
            policy=policy,
            policy_kwargs=parse_kv(policy_arg, "--policy-arg"),
            seed=seed,
            run_id=run,
            allow_version_mismatch=allow_version_mismatch,
        )
        child = store.get_episode(new_id)
    if json_out:
        print_json(child.model_dump(mode="json"))
        return
    typer.echo(
        f"{new_id}: forked from {episode_id} at step {at}; {child.status} after "
        f"{child.num_steps} steps, reward {child.total_reward:g}, success {child.success}"
    )


def determinism(
    env: Annotated[
        list[str] | None, typer.Option("--env", help="Environment id (repeatable; default all).")
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per action source.")] = 3,
    json_out: JsonFlag = False,
) -> None:
    """Run seeded random and oracle episodes twice in separate processes; compare bytes."""
    if seeds < 1:
        raise ConfigError("--seeds must be >= 1")
    audits = run_audit(env or None, seeds=range(seeds))
    if json_out:
        print_json({"ok": all(a.ok for a in audits), "envs": [a.as_json() for a in audits]})
    else:
        for a in audits:
            verdict = "identical" if a.ok else "NOT DETERMINISTIC"
            if a.error:
                verdict = f"ERROR {a.error}"
            typer.echo(f"{a.env_id}: {verdict} ({a.episodes} episodes, {a.steps} steps)")
            for m in a.mismatches:
                typer.echo(f"  {m['episode']}: step {m['step']} field {m['field']}")
    if not all(a.ok for a in audits):
        raise typer.Exit(1)


def export_html_cmd(
    episode_id: Annotated[str, typer.Argument(help="Episode to export.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    db: DbOption = None,
) -> None:
    """Write a self-contained HTML page of an episode (works offline)."""
    store = Store.open_readonly(db)
    try:
        path = export_html(store, episode_id, output)
    finally:
        store.close()
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add replay, fork, audit determinism and export-html to the app."""
    app.command("replay")(replay)
    app.command("fork")(fork)
    app.command("export-html")(export_html_cmd)
    audit = typer.Typer(help="Audits of the environments and the store.", no_args_is_help=True)
    audit.command("determinism")(determinism)
    audit.command("store")(audit_store_cmd)
    app.add_typer(audit, name="audit")
