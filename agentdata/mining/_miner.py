"""Streams episodes (with their steps and cycles) out of the store and builds samples.

Episodes, steps and cycles come from three streamed queries in the same order; they are
zipped one episode at a time, so only one episode (one task, for groups) is in memory.
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


def episodes_with_steps(
    engine: Engine, sel: Selection, kind: str, difficulty_of: DifficultyOf
) -> Iterator[EpisodeView]:
    """The selected episodes, each with its steps, in the order of `episode_select`."""
    episodes = queries.episode_select(sel, kind=kind)
    step_rows = queries.stream(engine, queries.steps_select(episodes, by_task=kind == "groups"))
    by_episode = itertools.groupby(step_rows, key=lambda r: r.episode_id)
    pending = next(by_episode, None)
    for row in queries.stream(engine, episodes):
        view = episode_from_row(row, difficulty_of(row.task_id))
        # Both streams share one ORDER BY; an episode without steps has no group.
        if pending is not None and pending[0] == view.id:
            view.steps.extend(step_from_row(r) for r in pending[1])
            pending = next(by_episode, None)
        yield view


def cycles_by_episode(engine: Engine, sel: Selection) -> Iterator[tuple[str, list[Cycle]]]:
    """(episode id, its cycles) in episode-id order, straight from the `retry_of` links."""
    rows = queries.stream(engine, queries.cycles_select(sel))
    for episode_id, group in itertools.groupby(rows, key=lambda r: r.episode_id):
        yield episode_id, [Cycle(r.failed_idx, r.fix_idx, r.error_type) for r in group]


def samples(
    engine: Engine, sel: Selection, kind: str, difficulty_of: DifficultyOf, *, k: int = 1
) -> Iterator[Sample]:
    """Every sample of `kind` in the selection (before dedupe, verify and balance)."""
    if kind == "curriculum":
        yield from _curriculum(engine, sel, difficulty_of, k)
        return
    episodes = episodes_with_steps(engine, sel, kind, difficulty_of)
    if kind in CYCLE_KINDS:
        for episode, (episode_id, cycles) in zip(
            episodes, cycles_by_episode(engine, sel), strict=True
        ):
            if episode.id != episode_id:  # the two streams disagree: a concurrent writer
                raise RuntimeError(f"episode streams out of step: {episode.id} vs {episode_id}")
            yield from cycle_samples(kind, episode, cycles)
    elif kind == "steps":
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
