"""Engines and schema migration: SQLite (WAL) by default, any SQLAlchemy URL otherwise.

Writers open with `open_engine` (migrating under a lock, so several workers can create a
store at once); readers open with `open_readonly_engine` (never creates, migrates or
writes, and works on read-only media and on a copied file).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text

from agentdata.errors import SchemaVersionError, StoreError
from agentdata.store._models import SCHEMA_REVISIONS, SCHEMA_VERSION

DEFAULT_DB = "sqlite:///agentdata.db"
ENV_VAR = "AGENTDATA_DB"
_KNOWN = frozenset(SCHEMA_REVISIONS)
MIGRATION_LOCK_KEY = 0x61676E74646174  # PostgreSQL advisory lock id of schema migration


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


def readonly_media(path: Path) -> bool:
    """True when the SQLite file or its directory cannot be written (read-only media)."""
    folder = path.resolve().parent
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, synchronous=NORMAL and a busy timeout.

    `readonly` sets nothing that writes (SQLite) or opens read-only sessions (PostgreSQL).
    """
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif readonly and url.startswith("postgresql"):
        kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot open store {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_reader_pragmas if readonly else _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL + NORMAL: a commit reaches the OS before returning, so SIGKILL of the writer
    # loses nothing committed; only a power loss could drop the last transactions.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # A checkpoint fsyncs the WAL and the database file; at the default 1,000 pages (4 MB)
    # a rollout checkpoints every few commits and ingest waits on the disk. 10,000 pages
    # (40 MB of WAL at most) makes those waits ten times rarer; what a crash can lose is
    # unchanged (a commit is in the WAL either way).
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
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
    """Bring the database to this version's schema; refuse one written by a newer version.

    Several processes may open a new store at once: the upgrade runs under a lock (an
    exclusive SQLite transaction, a PostgreSQL advisory lock) and re-reads the revision
    inside it, so exactly one of them creates the tables and the others see them.
    """
    try:
        if current_revision(engine) == SCHEMA_VERSION:
            return
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN EXCLUSIVE")
            else:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            _upgrade_locked(conn)
            conn.commit()
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot open store {engine.url!r}: {type(exc).__name__}: {exc}") from exc


def _upgrade_locked(conn: Connection) -> None:
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision == SCHEMA_VERSION:
        return  # another process migrated while we waited for the lock
    if revision is not None and revision not in _KNOWN:
        raise SchemaVersionError(
            f"store schema revision {revision!r} is newer than this agentdata "
            f"(expects {SCHEMA_VERSION!r}); upgrade agentdata to read it"
        )
    if revision is None and "steps" in inspect(conn).get_table_names():
        raise SchemaVersionError(
            "store has agentdata tables but no alembic revision; "
            "run `alembic stamp` or start a new database"
        )
    cfg = _alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def open_engine(url: str) -> Engine:
    """A migrated engine for writing; a SQLite store on read-only media is refused clearly."""
    path = sqlite_file(url)
    if path is not None and readonly_media(path):
        raise StoreError(
            f"the store {path} is on read-only media (cannot write {path.resolve().parent}); "
            "reading commands (runs, stats, show, replay, export-*) work on it, "
            "writing needs a writable copy"
        )
    engine = make_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_readonly_engine(url: str) -> Engine:
    """An engine that only reads: never creates, migrates or writes.

    SQLite opens with `mode=ro`; where that cannot work (WAL mode on a read-only
    directory, which cannot hold the `-shm` file) with `immutable=1`. A store whose schema
    differs from this version's is refused with what to do about it.
    """
    require_existing(url)
    path = sqlite_file(url)
    candidates = [url]
    if path is not None:
        uri = f"sqlite:///file:{path.resolve()}?uri=true"
        candidates = [uri.replace("?", "?mode=ro&"), uri.replace("?", "?immutable=1&")]
    last: Exception | None = None
    for candidate in candidates:
        engine = make_engine(candidate, readonly=True)
        try:
            revision = current_revision(engine)
        except Exception as exc:
            engine.dispose()
            last = exc
            continue
        if revision != SCHEMA_VERSION:
            engine.dispose()
            _refuse_revision(url, revision)
        if path is not None and "immutable" in candidate and _wal_pending(path):
            engine.dispose()
            raise StoreError(
                f"{path} has a write-ahead log ({path.name}-wal) that a read-only directory "
                "cannot open: copy the .db and its -wal file to writable storage to read it"
            )
        return engine
    raise StoreError(f"cannot read store {url!r}: {last}") from last


def _wal_pending(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _refuse_revision(url: str, revision: str | None) -> None:
    if revision is None:
        raise StoreError(f"{url!r} is not an agentdata store (no schema revision)")
    if revision in _KNOWN:
        raise SchemaVersionError(
            f"store schema revision {revision!r} is older than this agentdata's "
            f"{SCHEMA_VERSION!r}: migrate it once with a writing command "
            "(e.g. `agentdata rollout ... --db URL` or `Store.open(URL)`) on writable media"
        )
    raise SchemaVersionError(
        f"store schema revision {revision!r} is newer than this agentdata's "
        f"{SCHEMA_VERSION!r}; upgrade agentdata to read it"
    )
