"""The `agentdata` command line: the composition root of the project."""

from __future__ import annotations

import sys

import typer

from agentdata.cli import (
    _inspect_cmds as inspect_cmds,
)
from agentdata.cli import (
    _mine_cmd as mine_cmd,
)
from agentdata.cli import (
    _replay_cmds as replay_cmds,
)
from agentdata.cli import (
    _rollout_cmd as rollout_cmd,
)
from agentdata.cli import (
    _sandbox_cmd as sandbox_cmd,
)
from agentdata.cli import (
    _schema_cmd as schema_cmd,
)
from agentdata.cli import (
    _tasks_cmd as tasks_cmd,
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
    for module in (
        rollout_cmd, inspect_cmds, replay_cmds, mine_cmd, tasks_cmd, sandbox_cmd, schema_cmd
    ):
        module.register(app)
    return app


def main() -> None:
    """Console-script entry point: typed errors become a message and exit status 2.

    Click runs in standalone mode, so usage errors print the usage and exit 2, and a
    command's `typer.Exit(code)` exits with that code.
    """
    try:
        build_app()()
    except AgentdataError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
