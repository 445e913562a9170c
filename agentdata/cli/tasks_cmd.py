"""`agentdata tasks ...`: generate (and, with the code-repair env, validate) task suites."""

from __future__ import annotations

from pathlib import Path

import typer

from agentdata.envs.code_repair.generate import GenerateError, generate_suite
from agentdata.envs.code_repair.taskformat import TaskFormatError


def generate(
    out: Path = typer.Option(..., "--out", help="Empty or new directory for the task suite."),
    seed: int = typer.Option(..., "--seed", help="Seed: same seed, byte-identical tasks."),
    count: int = typer.Option(100, "--count", min=1, help="Number of tasks to write."),
    workers: int = typer.Option(2, "--workers", min=1, help="Parallel pytest processes."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Inject bugs into the built-in libraries and write validated tasks to --out."""
    try:
        report = generate_suite(out, seed, count, workers=workers)
    except (GenerateError, TaskFormatError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(report.to_json())
        return
    levels = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_difficulty.items()))
    libs = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_library.items()))
    typer.echo(f"wrote {report.tasks} tasks to {out} in {report.seconds:.1f} s")
    typer.echo(f"  libraries: {libs}")
    typer.echo(f"  difficulty: {levels}")
    typer.echo(f"  candidates tried: {report.candidates_tried}, rejected: {report.rejected}")


def validate(
    suite: Path = typer.Argument(..., help="Suite directory (a directory of task directories)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    workers: int = typer.Option(2, "--workers", min=1, help="Sandboxes run in parallel."),
    timeout: float = typer.Option(120.0, "--timeout", min=1, help="Seconds per test run."),
) -> None:
    """Check every task in Docker: buggy repo fails FAIL_TO_PASS, passes PASS_TO_PASS; with
    the reference patch every listed test passes. Exit 1 if any task is invalid."""
    from agentdata.envs.code_repair.sandbox import SandboxError
    from agentdata.envs.code_repair.validate import validate_suite

    def progress(task_id: str, reason: str | None) -> None:
        if not as_json:
            typer.echo(
                f"{'ok     ' if reason is None else 'INVALID'} {task_id}"
                + ("" if reason is None else f": {reason}")
            )

    try:
        report = validate_suite(suite, workers=workers, timeout=timeout, progress=progress)
    except (TaskFormatError, SandboxError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(report.to_json())
    else:
        typer.echo(f"{report.valid} of {report.tasks} tasks valid")
    if report.invalid:
        raise typer.Exit(code=1)


def build_tasks_app() -> typer.Typer:
    """The `tasks` command group."""
    app = typer.Typer(help="Code-repair task suites: generate and validate.", no_args_is_help=True)
    app.command("generate")(generate)
    app.command("validate")(validate)
    return app


def register(app: typer.Typer) -> None:
    """Add the `tasks` command group to the CLI."""
    app.add_typer(build_tasks_app(), name="tasks")
