"""`agentdata schema`: the JSON Schema of every record."""

from __future__ import annotations

from typing import Annotated

import typer

from agentdata.cli._common import print_json
from agentdata.schemas.export import json_schemas


def schema(
    name: Annotated[str | None, typer.Argument(help="One record name; all when omitted.")] = None,
) -> None:
    """Print the JSON Schema of the records (all, or one by name)."""
    schemas = json_schemas()
    if name is None:
        print_json(schemas)
        return
    if name not in schemas:
        typer.echo(f"unknown record {name!r}; choose from {', '.join(schemas)}", err=True)
        raise typer.Exit(2)
    print_json(schemas[name])


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("schema")(schema)
