"""Helpers shared by the CLI commands: k=v parsing, store opening, JSON output."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import JsonValue

from agentdata.errors import ConfigError
from agentdata.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL or SQLite path (default $AGENTDATA_DB or ./agentdata.db)."
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def parse_kv(pairs: list[str] | None, what: str) -> dict[str, JsonValue]:
    """Parse `k=v` pairs; values that are JSON (numbers, true, lists) are decoded."""
    out: dict[str, JsonValue] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"{what} must look like key=value, got {pair!r}")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def open_store(db: str | None, *, readonly: bool = False) -> Store:
    """Open the store named on the command line; reading commands pass `readonly=True`
    (never creates or migrates; works on read-only media and copied files)."""
    return Store.open_readonly(db) if readonly else Store.open(db)


def print_json(value: Any) -> None:
    """Print `value` as one line of JSON."""
    typer.echo(json.dumps(value, sort_keys=True, default=str))
