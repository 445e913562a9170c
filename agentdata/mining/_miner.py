"""Streams episodes (with their steps and cycles) out of the store and builds samples.

The selected episodes stream in export order; every `BATCH` of them costs one query for
their cycles and one for their steps (walking the steps' primary key, no sort), so only
one batch is in memory and no query sorts or rescans the whole run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, case, func, select

from agentdata.mining import _queries as queries
from agentdata.mining._kinds import (
    CYCLE_KINDS,
    Cycle,
    Sample,
    curriculum_row,
    cycle_samples,
    group_sample,
    positive_sample,
    steps_sample,
)
from agentdata.mining._queries import Selection
from agentdata.mining._views import EpisodeView, episode_from_row, step_from_row
from agentdata.store._models import Episode

DifficultyOf = Callable[[str], int | None]
BATCH = 500
"""Episodes per round trip for their steps and cycles."""


def episodes_with_steps(
    engine: Engine, sel: Selection, kind: str, difficulty_of: DifficultyOf
) -> Iterator[tuple[EpisodeView, list[Cycle]]]:
    """The selected episodes in the order of `episode_select`, each with its steps and (for
    the cycle kinds, which keep only episodes that hold one) its fail→fix cycles."""
    rows = queries.stream(engine, queries.episode_select(sel, kind=kind))
    # Built once: SQLAlchemy caches their compiled form; each batch only binds its ids.
    cycles_stmt = queries.cycles_select(sel, batched=True)
    dialect = engine.dialect.name
    steps_stmt = queries.steps_select(dialect, with_payload=kind == "reflection")
    with queries.reading(engine) as conn:
        while batch := list(itertools.islice(rows, BATCH)):
            episodes = [episode_from_row(r, difficulty_of(r.task_id)) for r in batch]
            cycles: dict[str, list[Cycle]] = {}
            if kind in CYCLE_KINDS:
                ids = {queries.BATCH_IDS: [e.id for e in episodes]}
                for r in conn.execute(cycles_stmt, ids).all():
                    cycles.setdefault(r.episode_id, []).append(
                        Cycle(r.failed_idx, r.fix_idx, r.error_type)
                    )
                episodes = [e for e in episodes if e.id in cycles]
            by_id = {e.id: e for e in episodes}
            if by_id:
                for r in conn.execute(steps_stmt, {queries.BATCH_IDS: list(by_id)}).all():
                    by_id[r[0]].steps.append(step_from_row(r, extracted=dialect == "sqlite"))
            for episode in episodes:
                yield episode, cycles.get(episode.id, [])


def samples(
    engine: Engine, sel: Selection, kind: str, difficulty_of: DifficultyOf, *, k: int = 1
) -> Iterator[Sample]:
    """Every sample of `kind` in the selection (before dedupe, verify and balance)."""
    if kind == "curriculum":
        yield from _curriculum(engine, sel, difficulty_of, k)
        return
    found = episodes_with_steps(engine, sel, kind, difficulty_of)
    if kind in CYCLE_KINDS:
        for episode, cycles in found:
            yield from cycle_samples(kind, episode, cycles)
        return
    episodes = (episode for episode, _ in found)
    if kind == "steps":
        yield from (steps_sample(e) for e in episodes if e.steps)
    elif kind == "positive":
        yield from (s for e in episodes if (s := positive_sample(e)) is not None)
    else:  # groups
        for _task, group in itertools.groupby(episodes, key=lambda e: e.task_id):
            yield group_sample(list(group))


def _curriculum(
    engine: Engine, sel: Selection, difficulty_of: DifficultyOf, k: int
) -> Iterator[Sample]:
    outcomes = (
        select(
            Episode.task_id.label("o_task"),
            func.count().label("n"),
            func.sum(case((Episode.success.is_(True), 1), else_=0)).label("c"),
            func.avg(Episode.total_reward).label("mean_reward"),
            func.min(Episode.id).label("first_id"),
        )
        .where(*sel.episode_filter())
        .group_by(Episode.task_id)
        .subquery()
    )
    stmt = (
        select(*queries.EPISODE_COLUMNS, outcomes.c.n, outcomes.c.c, outcomes.c.mean_reward)
        .join(outcomes, outcomes.c.first_id == Episode.id)
        .order_by(Episode.task_id)
    )
    for row in queries.stream(engine, stmt):
        first = episode_from_row(row, difficulty_of(row.task_id))
        row_out: dict[str, Any] = curriculum_row(
            first, int(row.n), int(row.c or 0), float(row.mean_reward or 0.0), k
        )
        yield Sample(row_out)
