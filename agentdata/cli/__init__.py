"""The `agentdata` command line: the composition root of the project."""

from __future__ import annotations

import sys

import click
import typer

from agentdata.cli import (
    inspect_cmds,
    replay_cmds,
    rollout_cmd,
    sandbox_cmd,
    schema_cmd,
    tasks_cmd,
)
from agentdata.errors import AgentdataError


def build_app() -> typer.Typer:
    """Assemble the CLI from the command modules."""
    app = typer.Typer(
        name="agentdata",
        help="Verified agent-trajectory data: rollouts, audit store, replay, correction mining.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for module in (rollout_cmd, inspect_cmds, replay_cmds, tasks_cmd, sandbox_cmd, schema_cmd):
        module.register(app)
    return app


def main() -> None:
    """Console-script entry point: typed errors become a message and exit status 2."""
    try:
        # standalone_mode=False makes click *return* a typer.Exit's code instead of exiting
        code = build_app()(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AgentdataError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
