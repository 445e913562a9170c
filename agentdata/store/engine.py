"""Engines and schema migration: SQLite (WAL) by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect, make_url

from agentdata.errors import SchemaVersionError, StoreError
from agentdata.store.models import SCHEMA_REVISIONS, SCHEMA_VERSION

DEFAULT_DB = "sqlite:///agentdata.db"
ENV_VAR = "AGENTDATA_DB"


def resolve_url(url: str | None = None) -> str:
    """`url`, else $AGENTDATA_DB, else ./agentdata.db. A bare path means a SQLite file."""
    chosen = url or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser()}"
    return chosen


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database)).expanduser()


def require_existing(url: str) -> None:
    """Refuse a SQLite file that does not exist (opening it would create an empty store)."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise StoreError(f"no store at {path} (record some episodes first, or pass --db)")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, synchronous=NORMAL and a busy timeout."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot open store {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL + NORMAL: a commit reaches the OS before returning, so SIGKILL of the writer
    # loses nothing committed; only a power loss could drop the last transactions.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("agentdata.store") / "migrations"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """Alembic revision of the database, or None when it holds no agentdata tables."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database to this version's schema; refuse one written by a newer version."""
    try:
        revision = current_revision(engine)
    except Exception as exc:
        raise StoreError(f"cannot read store {engine.url!r}: {exc}") from exc
    if revision == SCHEMA_VERSION:
        return
    known = set(SCHEMA_REVISIONS)
    if revision is not None and revision not in known:
        raise SchemaVersionError(
            f"store schema revision {revision!r} is newer than this agentdata "
            f"(expects {SCHEMA_VERSION!r}); upgrade agentdata to read it"
        )
    if revision is None and "steps" in inspect(engine).get_table_names():
        raise SchemaVersionError(
            "store has agentdata tables but no alembic revision; "
            "run `alembic stamp` or start a new database"
        )
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
