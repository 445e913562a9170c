"""The SQL of mining: fail→fix cycles follow the `retry_of` links, selection happens in SQL.

Every query streams (server-side cursors on PostgreSQL, a stepping cursor on SQLite) and is
ordered by episode id so that episodes, their steps and their cycles can be merged one
episode at a time: memory stays flat with the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store._models import Blob, Episode, Step

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""

_STREAM = {"stream_results": True, "yield_per": 2000}


EPISODE_COLUMNS = (
    Episode.id, Episode.run_id, Episode.env_id, Episode.task_id, Episode.task_hash, Episode.seed,
    Episode.sample_index, Episode.policy, Episode.package_version, Episode.success,
    Episode.total_reward, Episode.initial_observation,
)  # fmt: skip
"""The episode columns mining reads (`views.episode_from_row`)."""


def failed(step: Any) -> ColumnElement[bool]:
    """A step failed: a typed failure or an `incorrect` verdict (`StepView.failed`)."""
    return or_(step.failure_kind.is_not(None), step.verdict_label == "incorrect")


def passed(step: Any) -> ColumnElement[bool]:
    """A step passed: verified `correct` with no failure (`StepView.passed`)."""
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


def cycles_select(sel: Selection) -> AnySelect:
    """Fail→fix cycles: (episode_id, failed idx, fix idx, error type of the failed step).

    The error type is the verdict's, or the failure kind when the verifier names none
    (a failing test run is a `test_failure`).

    The fix is the first step that passed and links back (`retry_of`) to a failed step: a
    step whose sub-goal failed at step k and is now achieved (see each env's README).
    """
    fix, bad, earlier = aliased(Step), aliased(Step), aliased(Step)
    first_fix = not_(
        exists().where(
            earlier.episode_id == fix.episode_id,
            earlier.retry_of == fix.retry_of,
            earlier.idx < fix.idx,
            passed(earlier),
        )
    )
    error_type = func.coalesce(bad.error_type, bad.failure_kind)
    stmt = (
        select(fix.episode_id, bad.idx.label("failed_idx"), fix.idx.label("fix_idx"),
               error_type.label("error_type"))
        .join(Episode, Episode.id == fix.episode_id)
        .join(bad, and_(bad.episode_id == fix.episode_id, bad.idx == fix.retry_of))
        .where(*sel.episode_filter(), fix.retry_of.is_not(None), passed(fix), failed(bad),
               first_fix)
        .order_by(fix.episode_id, fix.idx)
    )  # fmt: skip
    if sel.error_types:
        stmt = stmt.where(error_type.in_(list(sel.error_types)))
    return stmt


def episode_select(sel: Selection, *, kind: str) -> AnySelect:
    """Episodes that can give samples of `kind`, ordered by id (or task, id for groups)."""
    stmt = select(*EPISODE_COLUMNS).where(*sel.episode_filter())
    bad = aliased(Step)
    if kind in ("correction", "reflection", "dpo"):
        cycles = cycles_select(sel).subquery()
        stmt = stmt.where(Episode.id.in_(select(cycles.c.episode_id)))
    elif kind == "positive":
        stmt = stmt.where(
            Episode.success.is_(True),
            not_(exists().where(bad.episode_id == Episode.id, failed(bad))),
        )
    elif sel.error_types:  # steps, groups: episodes with a step of one of these error types
        stmt = stmt.where(
            exists().where(
                bad.episode_id == Episode.id,
                func.coalesce(bad.error_type, bad.failure_kind).in_(list(sel.error_types)),
            )
        )
    order = (Episode.task_id, Episode.id) if kind == "groups" else (Episode.id,)
    return stmt.order_by(*order)


def steps_select(episodes: AnySelect, *, by_task: bool) -> AnySelect:
    """The steps of `episodes` (long texts resolved), in the same order as `episodes`."""
    eps = episodes.subquery()
    action_blob, obs_blob = aliased(Blob), aliased(Blob)
    order = (eps.c.task_id, Step.episode_id, Step.idx) if by_task else (Step.episode_id, Step.idx)
    return (
        select(
            Step.episode_id, Step.idx, Step.action_raw, Step.action_ref, Step.observation,
            Step.observation_ref, Step.reward, Step.retry_of, Step.payload,
            action_blob.data.label("action_blob"), obs_blob.data.label("observation_blob"),
        )
        .join(eps, eps.c.id == Step.episode_id)
        .outerjoin(action_blob, action_blob.hash == Step.action_ref)
        .outerjoin(obs_blob, obs_blob.hash == Step.observation_ref)
        .order_by(*order)
    )  # fmt: skip


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
    with engine.connect() as conn:
        yield from conn.execution_options(**_STREAM).execute(stmt)
