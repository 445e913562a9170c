"""The store's write path: one raw DBAPI connection, prepared SQL, one commit per batch.

Used only by the store's background writer thread (`agentdata.store._background`).

Going through SQLAlchemy Core costs ~100 µs per transaction on this path, and the runner
commits once per batch of steps so that a killed process loses at most the steps in flight.
Values are converted with SQLAlchemy's own bind processors, so rows read back through
SQLAlchemy exactly as if Core had written them.

A batch that the database refuses because of its data (not because the database is
unavailable) is split in halves and retried, so only the offending rows are dropped and
the steps around them are kept.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Literal, NamedTuple

from sqlalchemy import Boolean, Engine, Float, Integer, String, Table

from agentdata.errors import StoreError
from agentdata.store import _codec as codec
from agentdata.store._models import Episode, Step

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_MAX_ROWS_PER_INSERT = 4096
"""Rows per multi-row INSERT statement (fewer if the driver allows fewer parameters)."""
_EXACT_ROWS = 64
"""Up to this many rows go in one statement of exactly their number; more go in pieces of
powers of two, so at most ~75 distinct statements are ever prepared per row kind."""

OpKind = Literal["blob", "episode", "step", "update"]


class Op(NamedTuple):
    """Rows of one kind to write together (and, for updates, their SQL).

    One per kind and batch, not one per row: building an object per step cost the writer
    thread a tenth of its time. A batch the database refuses is split into one-row ops.
    """

    kind: OpKind
    rows: list[tuple[Any, ...]]
    sql: str = ""

    def label(self) -> str:
        """Which row this is (a one-row op), for the message when it is dropped."""
        values = self.rows[0]
        if self.kind == "step":
            return f"step {values[1]} of episode {values[0]}"
        if self.kind == "blob":
            return f"blob {values[0]}"
        if self.kind == "update":
            return f"update of episode {values[-1]}"
        return f"episode {values[0]}"


_PG_BINARY_TYPES = {Boolean: "bool", Float: "float8", Integer: "int4", String: "text"}
"""PostgreSQL types of the column types COPY sends in binary (Text is a String)."""


@dataclass(frozen=True)
class _Copy:
    """A COPY statement; binary (half the client's CPU per row) when every column's type
    has a binary form here, else text."""

    sql: str
    types: tuple[str, ...] | None


def _copy_of(table: Table, columns: Sequence[str]) -> _Copy:
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    types = []
    for name in columns:
        kind = next((t for t in _PG_BINARY_TYPES if isinstance(table.c[name].type, t)), None)
        if kind is None:
            return _Copy(sql, None)
        types.append(_PG_BINARY_TYPES[kind])
    return _Copy(sql + " (FORMAT BINARY)", tuple(types))


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
        self._operational: type[Exception] = dialect.dbapi.OperationalError  # type: ignore[union-attr]
        self._conn: Any = None
        table: Table = Episode.__table__  # type: ignore[assignment]
        self._episode_columns = [c.name for c in table.columns]
        self._processors: dict[str, Callable[[Any], Any] | None] = {
            c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns
        }
        self._episode_processors = [
            (i, proc)
            for i, c in enumerate(self._episode_columns)
            if (proc := self._processors[c]) is not None
        ]
        self.standins = not self._postgres
        """Step rows carry `codec.NULL_STANDINS` (SQLite; PostgreSQL's COPY takes None)."""
        step_marks = [
            self._mark if (standin := codec.NULL_STANDINS.get(c)) is None
            else f"NULLIF({self._mark}, {standin!r})"
            for c in codec.STEP_COLUMNS
        ]  # fmt: skip
        self._inserts: dict[str, tuple[str, Sequence[str], str, str]] = {
            "episode": ("episodes", self._episode_columns, self._marks(self._episode_columns), ""),
            "step": ("steps", codec.STEP_COLUMNS, f"({', '.join(step_marks)})", ""),
            "blob": (
                "blobs",
                codec.BLOB_COLUMNS,
                self._marks(codec.BLOB_COLUMNS),
                " ON CONFLICT (hash) DO NOTHING",
            ),
        }
        """Per row kind: table, columns, one row's VALUES, conflict clause of its INSERT."""
        self._multi_row: dict[tuple[str, int], str] = {}
        self._max_params = 0
        self._sql_updates: dict[tuple[str, ...], str] = {}
        self._copies = {
            "episode": _copy_of(table, self._episode_columns),
            "step": _copy_of(Step.__table__, codec.STEP_COLUMNS),  # type: ignore[arg-type]
        }

    def _marks(self, columns: Sequence[str]) -> str:
        return f"({', '.join([self._mark] * len(columns))})"

    def _process(self, name: str, value: Any) -> Any:
        proc = self._processors[name]
        return value if proc is None or value is None else proc(value)

    def ops(
        self,
        blobs: dict[str, str],
        episodes: list[dict[str, Any]],
        steps: list[tuple[Any, ...]],
        updates: list[dict[str, Any]],
    ) -> list[Op]:
        """The batch as ops in write order: blobs, new episodes, steps, episode updates."""
        out: list[Op] = []
        if blobs:
            out.append(Op("blob", [codec.blob_values(h, t) for h, t in blobs.items()]))
        processors = self._episode_processors
        rows: list[tuple[Any, ...]] = []
        for ep in episodes:
            row = [ep[c] for c in self._episode_columns]
            for i, proc in processors:
                if row[i] is not None:
                    row[i] = proc(row[i])
            rows.append(tuple(row))
        if rows:
            out.append(Op("episode", rows))
        if steps:
            out.append(Op("step", steps))
        for upd in updates:
            keys = tuple(k for k in upd if k != "b_id")
            sql = self._sql_updates.get(keys)
            if sql is None:
                sets = ", ".join(f"{k} = {self._mark}" for k in keys)
                sql = f"UPDATE episodes SET {sets} WHERE id = {self._mark}"
                self._sql_updates[keys] = sql
            values = (*(self._process(k, upd[k]) for k in keys), upd["b_id"])
            if out and out[-1].sql == sql:
                out[-1].rows.append(values)
            else:
                out.append(Op("update", [values], sql))
        return out

    def write(self, ops: list[Op]) -> list[tuple[Op, str]]:
        """Write `ops` atomically; returns the rows dropped because the database refused
        them (as one-row ops), each with the reason.

        A failure of the database itself (disk full, read-only, connection lost) raises and
        writes nothing; a row the database refuses is dropped alone (halving the batch).
        """
        try:
            self._transaction(ops)
        except self._operational:
            self.close()  # the connection may be dead: the next batch opens a new one
            raise
        except Exception as exc:
            dropped: list[tuple[Op, str]] = []
            single = [Op(op.kind, [row], op.sql) for op in ops for row in op.rows]
            self._salvage(single, exc, dropped)
            if len(dropped) == len(single):
                raise
            return dropped
        return []

    def _salvage(self, ops: list[Op], error: Exception, dropped: list[tuple[Op, str]]) -> None:
        if len(ops) == 1:
            dropped.append((ops[0], f"{ops[0].label()}: {type(error).__name__}: {error}"))
            return
        half = len(ops) // 2
        for part in (ops[:half], ops[half:]):
            try:
                self._transaction(part)
            except self._operational:
                raise
            except Exception as exc:
                self._salvage(part, exc, dropped)

    def _transaction(self, ops: list[Op]) -> None:
        if self._conn is None:
            self._conn = self._engine.raw_connection()
        conn = self._conn
        cur = conn.cursor()
        try:
            for kind, rows, sql in ops:
                if self._postgres and kind in self._copies:
                    self._copy(self._copies[kind], rows)
                elif kind in self._inserts:
                    self._insert_rows(cur, kind, rows)
                else:
                    cur.executemany(sql, rows)
            conn.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # a dead connection cannot roll back
                conn.rollback()
            raise
        finally:
            with contextlib.suppress(Exception):
                cur.close()

    def _insert_rows(self, cur: Any, kind: str, rows: list[tuple[Any, ...]]) -> None:
        # Many rows per statement: executemany runs one statement per row, and the sqlite3
        # module gives the GIL up and takes it back around each one; taking it back from a
        # busy caller thread waits out the switch interval, so few long statements wait less.
        table, columns, one, conflict = self._inserts[kind]
        if not self._max_params:
            self._max_params = self._variable_limit()
        most = max(1, min(_MAX_ROWS_PER_INSERT, self._max_params // len(columns)))
        start = 0
        while start < len(rows):
            # small batches (the runner's rounds) in one statement of exactly their size,
            # large ones in power-of-two pieces: a bounded set of statements to prepare
            n = min(most, len(rows) - start)
            if n > _EXACT_ROWS:
                n = 1 << (n.bit_length() - 1)
            sql = self._multi_row.get((kind, n))
            if sql is None:
                sql = self._multi_row[kind, n] = (
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                    + ", ".join([one] * n)
                    + conflict
                )
            cur.execute(sql, list(chain.from_iterable(rows[start : start + n])))
            start += n

    def _variable_limit(self) -> int:
        """Bound parameters one statement may hold (SQLite: as this build allows)."""
        if self._postgres:
            return 65_535  # the wire protocol's 16-bit parameter count
        driver = self._conn.driver_connection
        limit: int = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return limit

    def _copy(self, how: _Copy, rows: list[tuple[Any, ...]]) -> None:
        # COPY is several times faster than executemany (one statement per row) on PostgreSQL
        raw = self._conn.driver_connection.cursor()
        try:
            with raw.copy(how.sql) as copy:
                if how.types is not None:
                    copy.set_types(list(how.types))
                for row in rows:
                    copy.write_row(row)
        finally:
            raw.close()

    def close(self) -> None:
        """Return the connection to the pool (a broken one is discarded)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
