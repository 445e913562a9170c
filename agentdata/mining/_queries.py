"""The SQL of mining: selection happens in SQL; each batch's steps come with their `retry_of`
links, which `kinds.cycles_of` follows to the fail→fix cycles.

Every query streams (server-side cursors on PostgreSQL, a stepping cursor on SQLite) and is
ordered by episode id so that episodes, their steps and their cycles can be merged one
episode at a time: memory stays flat with the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    not_,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store._codec import ESCAPED_KEY
from agentdata.store._models import Blob, Episode, Step

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""

_STREAM = {"stream_results": True, "yield_per": 2000}
_SQLITE_CACHE_KIB = 64 * 1024
BATCH_IDS = "episode_ids"
"""Bind parameter of the batched queries: the list of episode ids of one batch."""


EPISODE_COLUMNS = (
    Episode.id, Episode.run_id, Episode.env_id, Episode.task_id, Episode.task_hash, Episode.seed,
    Episode.sample_index, cast(Episode.policy, Text).label("policy"),
    Episode.package_version, Episode.success,
    Episode.total_reward, Episode.initial_observation, Episode.escaped,
)  # fmt: skip
"""The episode columns mining reads (`views.RowDecoder.episode`); the policy as its JSON text
(on every backend), parsed once per distinct spec by `views` rather than by the column type."""


def failed(step: Any) -> ColumnElement[bool]:
    """A step failed: a typed failure or an `incorrect` verdict (`views.step_failed`)."""
    return or_(step.failure_kind.is_not(None), step.verdict_label == "incorrect")


def passed(step: Any) -> ColumnElement[bool]:
    """A step passed: verified `correct` with no failure (`views.step_passed`)."""
    return and_(step.failure_kind.is_(None), step.verdict_label == "correct")


@dataclass(frozen=True)
class Selection:
    """What to mine: one run, optionally narrowed by env, error type and task ids."""

    run_id: str
    env_ids: Sequence[str] = ()
    error_types: Sequence[str] = ()
    task_ids: Sequence[str] | None = None
    """Tasks kept by a difficulty filter (None: no filter)."""

    def episode_filter(self) -> list[ColumnElement[bool]]:
        """WHERE terms on `episodes` shared by every kind."""
        terms: list[ColumnElement[bool]] = [
            Episode.run_id == self.run_id,
            Episode.status.in_(sorted(FINISHED_STATUSES)),
        ]
        if self.env_ids:
            terms.append(Episode.env_id.in_(list(self.env_ids)))
        if self.task_ids is not None:
            terms.append(Episode.task_id.in_(list(self.task_ids)))
        return terms


def episode_select(sel: Selection, *, kind: str) -> AnySelect:
    """Episodes that can give samples of `kind`, ordered by id (by task, then id, for the
    per-task kinds: groups and curriculum).

    For the cycle kinds this is every selected episode: which of them hold cycles is found
    from each batch's steps (`views.cycles_of`), not in one subquery over the whole run.
    """
    stmt = select(*EPISODE_COLUMNS).where(*sel.episode_filter())
    bad = aliased(Step)
    if kind == "positive":
        stmt = stmt.where(
            Episode.success.is_(True),
            not_(exists().where(bad.episode_id == Episode.id, failed(bad))),
        )
    elif sel.error_types and kind in ("steps", "groups"):  # a step of one of these error types
        stmt = stmt.where(
            exists().where(
                bad.episode_id == Episode.id,
                func.coalesce(bad.error_type, bad.failure_kind).in_(list(sel.error_types)),
            )
        )
    by_task = kind in ("groups", "curriculum")
    order = (Episode.task_id, Episode.id) if by_task else (Episode.id,)
    return stmt.order_by(*order)


def steps_select(dialect: str, *, with_payload: bool = False) -> AnySelect:
    """The steps of the episodes bound to `BATCH_IDS` (long texts resolved), by episode id
    and index; the payload itself only `with_payload`, and then only of failed steps (the
    reflection kind names their error from it).
    Columns in the order `views.RowDecoder.step` unpacks.

    The IN list walks the steps' primary key in order: no sort, no scan of the run. On
    SQLite the few payload fields every kind needs (verifier, its version, the escaped text
    columns) are extracted by one JSON call, as a JSON array (parsing each payload in Python
    used to be most of mining's time); PostgreSQL's JSON functions refuse payloads holding an
    escaped NUL, so there the payload is always read.
    """
    action_blob, obs_blob = aliased(Blob), aliased(Blob)
    extracted: ColumnElement[Any] = null()
    payload: ColumnElement[Any] = Step.payload.expression
    if dialect == "sqlite":
        paths = ("$.verdict.verifier", "$.verdict.verifier_version", f"$.{ESCAPED_KEY}")
        extracted = func.json_extract(Step.payload, *paths)
        payload = case((failed(Step), Step.payload), else_=null()) if with_payload else null()
    return (
        select(
            Step.episode_id, Step.idx, Step.action_raw, Step.observation, Step.retry_of,
            Step.verdict_label, func.coalesce(Step.error_type, Step.failure_kind),
            Step.failure_kind, extracted, payload,
            action_blob.data, action_blob.escaped, obs_blob.data, obs_blob.escaped,
        )
        .where(Step.episode_id.in_(bindparam(BATCH_IDS, expanding=True)))
        .outerjoin(action_blob, action_blob.hash == Step.action_ref)
        .outerjoin(obs_blob, obs_blob.hash == Step.observation_ref)
        .order_by(Step.episode_id, Step.idx)
    )  # fmt: skip


class BatchQuery:
    """A statement over `BATCH_IDS`, compiled once and run through the DBAPI cursor: its rows
    are plain tuples (SQLAlchemy's per-row result processing was a large share of mining)."""

    def __init__(self, conn: Connection, stmt: AnySelect) -> None:
        self._conn = conn
        self._compiled = _compile(conn, stmt)

    def rows(self, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """The rows for one batch of episode ids."""
        cursor = _cursor(self._conn, self._compiled, {BATCH_IDS: list(ids)})
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()


def stream_tuples(engine: Engine, stmt: AnySelect) -> Iterator[tuple[Any, ...]]:
    """`stream`, as plain tuples through the DBAPI cursor (a server-side cursor on
    PostgreSQL; SQLite's cursor steps through the result as it is read)."""
    with reading(engine) as conn:
        cursor = _cursor(conn, _compile(conn, stmt), {}, server_side=True)
        try:
            while rows := cursor.fetchmany(_STREAM["yield_per"]):
                yield from rows
        finally:
            cursor.close()


def _compile(conn: Connection, stmt: AnySelect) -> SQLCompiler:
    compiled = stmt.compile(dialect=conn.dialect)
    assert isinstance(compiled, SQLCompiler)
    return compiled


def _cursor(
    conn: Connection, compiled: SQLCompiler, params: dict[str, Any], *, server_side: bool = False
) -> Any:
    """A DBAPI cursor that executed `compiled` with `params` (expanding IN lists rendered)."""
    state = compiled.construct_expanded_state(params)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if server_side and conn.dialect.name == "postgresql":
        cursor = dbapi.cursor(name="agentdata_mining")
    else:
        cursor = dbapi.cursor()
    params_ = state.positional_parameters if compiled.positional else state.parameters
    cursor.execute(state.statement, params_)
    return cursor


def task_ids_select(sel: Selection) -> AnySelect:
    """Distinct (env_id, env_kwargs-free) task ids of the selection."""
    return (
        select(Episode.env_id, Episode.task_id)
        .where(*sel.episode_filter())
        .group_by(Episode.env_id, Episode.task_id)
        .order_by(Episode.env_id, Episode.task_id)
    )


def stream(engine: Engine, stmt: AnySelect) -> Iterator[Any]:
    """Rows of `stmt`, fetched in batches on a connection of their own."""
    with reading(engine) as conn:
        yield from conn.execution_options(**_STREAM).execute(stmt)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for mining reads; on SQLite with a page cache sized for batch look-ups.

    SQLite's default 2 MB cache re-reads the same pages from the OS for every batch; the
    larger cache is this connection's only, and put back before it returns to the pool.
    """
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            yield conn
            return
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        try:
            yield conn
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
