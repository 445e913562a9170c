"""The store's write path: one raw DBAPI connection, prepared SQL, one commit per flush.

Going through SQLAlchemy Core costs ~100 µs per transaction on this path, and the runner
commits once per batch of steps so that a killed process loses at most the steps in flight.
Values are converted with SQLAlchemy's own bind processors, so rows read back through
SQLAlchemy exactly as if Core had written them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, Table

from agentdata.errors import StoreError
from agentdata.store import codec
from agentdata.store.models import Episode

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class Writer:
    """Buffers nothing itself: `write` puts one batch in one transaction."""

    def __init__(self, engine: Engine) -> None:
        dialect = engine.dialect
        if dialect.name not in ("sqlite", "postgresql"):
            raise StoreError(f"unsupported database {dialect.name!r} (use SQLite or PostgreSQL)")
        if dialect.paramstyle not in _MARKS:
            raise StoreError(f"unsupported driver paramstyle {dialect.paramstyle!r}")
        self._postgres = dialect.name == "postgresql"
        self._mark = _MARKS[dialect.paramstyle]
        self._engine = engine
        self._conn: Any = None
        table: Table = Episode.__table__  # type: ignore[assignment]
        self._episode_columns = [c.name for c in table.columns]
        self._processors: dict[str, Callable[[Any], Any] | None] = {
            c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns
        }
        self._sql_episode = self._insert("episodes", self._episode_columns)
        self._sql_step = self._insert("steps", codec.STEP_COLUMNS)
        conflict = " ON CONFLICT (hash) DO NOTHING"
        self._sql_blob = self._insert("blobs", ("hash", "size", "data")) + conflict
        self._sql_updates: dict[tuple[str, ...], str] = {}

    def _insert(self, table: str, columns: Sequence[str]) -> str:
        marks = ", ".join([self._mark] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def _process(self, name: str, value: Any) -> Any:
        proc = self._processors[name]
        return value if proc is None or value is None else proc(value)

    def write(
        self,
        blobs: dict[str, str],
        episodes: list[dict[str, Any]],
        steps: list[tuple[Any, ...]],
        updates: list[dict[str, Any]],
    ) -> None:
        """Write one batch atomically: blobs, new episodes, steps, then episode updates."""
        if self._conn is None:
            self._conn = self._engine.raw_connection()
        conn = self._conn
        cur = conn.cursor()
        try:
            if blobs:
                cur.executemany(self._sql_blob, [(h, len(t), t) for h, t in blobs.items()])
            if episodes:
                rows = [
                    tuple(self._process(c, ep[c]) for c in self._episode_columns) for ep in episodes
                ]
                cur.executemany(self._sql_episode, rows)
            if steps:
                self._write_steps(cur, steps)
            for upd in updates:
                keys = tuple(k for k in upd if k != "b_id")
                sql = self._sql_updates.get(keys)
                if sql is None:
                    sets = ", ".join(f"{k} = {self._mark}" for k in keys)
                    sql = f"UPDATE episodes SET {sets} WHERE id = {self._mark}"
                    self._sql_updates[keys] = sql
                cur.execute(sql, (*(self._process(k, upd[k]) for k in keys), upd["b_id"]))
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        finally:
            cur.close()

    def _write_steps(self, cur: Any, steps: list[tuple[Any, ...]]) -> None:
        if self._postgres:  # COPY is several times faster than executemany on PostgreSQL
            raw = self._conn.driver_connection.cursor()
            with raw.copy(f"COPY steps ({', '.join(codec.STEP_COLUMNS)}) FROM STDIN") as copy:
                for row in steps:
                    copy.write_row(row)
            raw.close()
        else:
            cur.executemany(self._sql_step, steps)

    def close(self) -> None:
        """Return the connection to the pool."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
