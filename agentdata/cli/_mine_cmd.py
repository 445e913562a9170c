"""`agentdata mine`: training data (SFT, DPO, step labels, groups, curricula) from a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from agentdata.cli._common import DbOption, JsonFlag, open_store, print_json
from agentdata.errors import ConfigError, UnreplayableError
from agentdata.mining import KINDS, MineRequest, Reexecute, mine
from agentdata.mining._kinds import CYCLE_KINDS
from agentdata.replay._rebuild import EnvCache, check_version
from agentdata.replay._reexecute import load_recorded, memory_recorder, reexecute
from agentdata.store import Store


def replay_reexecute(store: Store, cache: EnvCache) -> Reexecute:
    """--verify: rebuild the episode's env from its record, re-feed the recorded actions.

    Returns, per re-executed step, (passed, failed) as the environment judges it now; None
    when the episode can no longer be rebuilt (task or package version changed, env gone).
    """

    def judge(episode_id: str, last: int) -> list[tuple[bool, bool]] | None:
        try:
            episode, steps = load_recorded(store, episode_id)
            check_version(episode)
            rec, _sink = memory_recorder(cache, episode)
            judged: list[tuple[bool, bool]] = []
            for replayed in reexecute(rec, episode, steps[: last + 1]):
                step = replayed.replayed
                if replayed.recorded is None:
                    continue
                if step is None:  # the replay raised: that step and the rest are unjudged
                    break
                label = None if step.verdict is None else step.verdict.label
                judged.append((step.failure is None and label == "correct",
                               step.failure is not None or label == "incorrect"))  # fmt: skip
        except UnreplayableError:
            return None
        return judged

    return judge


def mine_cmd(
    run: Annotated[str, typer.Option("--run", help="Run to mine (see `agentdata runs`).")],
    out: Annotated[
        Path,
        typer.Option("--out", help="Output file; with several --kind it must contain {kind}."),
    ],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help=f"Sample kind (repeatable): {', '.join(KINDS)}."),
    ] = None,
    env: Annotated[list[str] | None, typer.Option("--env", help="Only this env id.")] = None,
    error_type: Annotated[
        list[str] | None,
        typer.Option("--error-type", help="Only failed attempts of this error type."),
    ] = None,
    difficulty: Annotated[
        list[int] | None, typer.Option("--difficulty", help="Only tasks of this level.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    balance: Annotated[
        bool, typer.Option("--balance", help="Stratify by difficulty and error type.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")] = False,
    verify: Annotated[
        bool, typer.Option("--verify", help="Re-execute every fix through replay first.")
    ] = False,
    no_dedupe: Annotated[
        bool, typer.Option("--no-dedupe", help="Keep samples with identical content.")
    ] = False,
    drop_always_solved: Annotated[
        bool, typer.Option("--drop-always-solved", help="curriculum: drop tasks always solved.")
    ] = False,
    drop_never_solved: Annotated[
        bool, typer.Option("--drop-never-solved", help="curriculum: drop tasks never solved.")
    ] = False,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Mine verified training samples from a run; writes FILE and a data card beside it.

    Kinds: correction (SFT on fail→fix cycles), reflection, dpo, steps (PRM labels),
    positive (solved, no failed step), groups (per-task samples and rewards), curriculum.
    """
    kinds = list(dict.fromkeys(kind or ["correction"]))
    outs = _outputs(out, kinds)
    total: dict[str, Any] = {"samples": 0, "by_kind": {}, "by_error_type": Counter(),
                             "files": {}}  # fmt: skip
    episodes: set[str] = set()  # distinct episodes behind all the kinds' samples
    with open_store(db, readonly=True) as store:
        cache = EnvCache()
        try:
            for k, path in zip(kinds, outs, strict=True):
                request = MineRequest(
                    run_id=run, kind=k, out=path, fmt=fmt, env_ids=tuple(env or ()),
                    error_types=tuple(error_type or ()), difficulties=tuple(difficulty or ()),
                    balance=balance, force=force, dedupe=not no_dedupe,
                    drop_always_solved=drop_always_solved, drop_never_solved=drop_never_solved,
                )  # fmt: skip
                report = mine(store, request, reexecute=replay_reexecute(store, cache) if verify
                              else None)  # fmt: skip
                total["samples"] += report.samples
                total["by_kind"][k] = report.samples
                total["by_error_type"].update(report.by_error_type)
                episodes.update(report.episodes)
                total["files"][k] = str(path)
                if report.samples == 0:
                    why = "no fail→fix cycles" if k in CYCLE_KINDS else f"no {k} samples"
                    typer.echo(f"{path}: empty: run {run!r} has {why} for this selection",
                               err=True)  # fmt: skip
                elif not json_out:
                    eps = len(report.episodes)
                    typer.echo(f"{path}: {report.samples} {k} samples from {eps} episodes "
                               f"(card: {report.card})")  # fmt: skip
        finally:
            cache.close()
    if json_out:
        total["by_error_type"] = dict(sorted(total["by_error_type"].items()))
        total["episodes"] = len(episodes)
        print_json(total)


def _outputs(out: Path, kinds: Sequence[str]) -> list[Path]:
    if len(kinds) == 1:
        return [Path(str(out).replace("{kind}", kinds[0]))]
    if "{kind}" not in str(out):
        raise ConfigError("several --kind need an --out containing {kind}, e.g. data/{kind}.jsonl")
    return [Path(str(out).replace("{kind}", k)) for k in kinds]


def register(app: typer.Typer) -> None:
    """Add `mine` to the app."""
    app.command("mine")(mine_cmd)
