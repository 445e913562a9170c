"""`agentdata tasks ...`: generate and validate code-repair suites; check task files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer

from agentdata.envs.code_repair.generate import GenerateError, generate_suite
from agentdata.envs.code_repair.taskformat import TaskFormatError
from agentdata.envs.task_check import TaskFileReport
from agentdata.errors import ConfigError


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
    the reference patch every listed test passes. Exit 1 if any task is invalid, 2 if the
    suite cannot be validated at all (with --json, stdout then holds `{"error": ...}`)."""
    from agentdata.envs.code_repair.validate import validate_suite
    from agentdata.envs.errors import EnvError
    from agentdata.errors import AgentdataError

    def progress(task_id: str, reason: str | None) -> None:
        if not as_json:
            typer.echo(
                f"{'ok     ' if reason is None else 'INVALID'} {task_id}"
                + ("" if reason is None else f": {reason}")
            )

    try:
        report = validate_suite(suite, workers=workers, timeout=timeout, progress=progress)
    except (AgentdataError, EnvError) as exc:
        typer.echo(f"error: {exc}", err=True)
        if as_json:
            error = {"type": type(exc).__name__, "message": str(exc)}
            typer.echo(json.dumps({"error": error}, indent=2))
        raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(report.to_json())
    else:
        typer.echo(f"{report.valid} of {report.tasks} tasks valid")
    if report.invalid:
        raise typer.Exit(code=1)


def _check_math(path: Path) -> TaskFileReport:
    from agentdata.envs.math.errors import TaskFileError
    from agentdata.envs.math.tasks import check_task_file

    try:
        return check_task_file(path)
    except TaskFileError as exc:  # the file itself is unreadable: a usage error, exit 2
        raise ConfigError(str(exc)) from exc


def _check_logic(path: Path) -> TaskFileReport:
    from agentdata.envs.logic.tasks import check_task_file

    return check_task_file(path)  # an unreadable file raises TaskFileError (an AgentdataError)


TASK_FILE_CHECKERS: dict[str, Callable[[Path], TaskFileReport]] = {
    "math": _check_math,
    "logic": _check_logic,
}
"""Task-file checkers by environment family: each reads a file the way its env does."""


def check(
    file: Path = typer.Argument(..., help="JSONL task file."),
    env: str = typer.Option(
        "math", "--env", help=f"Environment family: {', '.join(sorted(TASK_FILE_CHECKERS))}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """List the records of a task file that cannot be used, one per line with its reason.
    Exit 1 if any record is rejected, 2 if the file cannot be read."""
    checker = TASK_FILE_CHECKERS.get(env)
    if checker is None:
        known = sorted(TASK_FILE_CHECKERS)
        typer.echo(f"error: unknown env {env!r}; choose from {known}", err=True)
        raise typer.Exit(code=2)
    report = checker(file)  # a file that cannot be read at all raises a typed AgentdataError
    if as_json:
        typer.echo(report.to_json())
    else:
        for bad in report.rejected:
            name = f" [{bad.task_id}]" if bad.task_id is not None else ""
            typer.echo(f"{report.path}:{bad.line}:{name} {bad.reason}")
        typer.echo(f"{report.loaded} task(s) usable, {len(report.rejected)} rejected")
    if report.rejected:
        raise typer.Exit(code=1)


def build_tasks_app() -> typer.Typer:
    """The `tasks` command group."""
    app = typer.Typer(
        help="Task files and suites: check task files, generate and validate code-repair suites.",
        no_args_is_help=True,
    )
    app.command("generate")(generate)
    app.command("validate")(validate)
    app.command("check")(check)
    return app


def register(app: typer.Typer) -> None:
    """Add the `tasks` command group to the CLI."""
    app.add_typer(build_tasks_app(), name="tasks")
