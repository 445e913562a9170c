"""Streams episodes (with their steps and cycles) out of the store and builds samples.

The selected episodes stream in export order; every `BATCH` of them costs one query for
their steps (walking the steps' primary key, no sort), from which their cycles are found,
so only one batch is in memory and no query sorts or rescans the whole run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from operator import itemgetter

from sqlalchemy import Engine

from agentdata.mining import _queries as queries
from agentdata.mining._kinds import (
    CYCLE_KINDS,
    Cycle,
    Sample,
    curriculum_row,
    cycle_samples,
    cycles_of,
    group_sample,
    positive_sample,
    steps_sample,
)
from agentdata.mining._queries import Selection
from agentdata.mining._views import EPISODE_TASK_ID, EpisodeView, RowDecoder

DifficultyOf = Callable[[str], int | None]
BATCH = 500
"""Episodes per round trip for their steps and cycles."""


def episodes_with_steps(
    engine: Engine, sel: Selection, kind: str, difficulty_of: DifficultyOf
) -> Iterator[tuple[EpisodeView, list[Cycle]]]:
    """The selected episodes in the order of `episode_select`, each with its steps and (for
    the cycle kinds, which keep only episodes that hold one) its fail→fix cycles."""
    rows = queries.stream_tuples(engine, queries.episode_select(sel, kind=kind))
    dialect = engine.dialect.name
    decode = RowDecoder(extracted=dialect == "sqlite")
    cycle_kind, error_types = kind in CYCLE_KINDS, frozenset(sel.error_types)
    with queries.reading(engine) as conn:
        steps_query = queries.BatchQuery(
            conn, queries.steps_select(dialect, with_payload=kind == "reflection")
        )
        while batch := list(itertools.islice(rows, BATCH)):
            step_rows = {
                episode_id: list(group)
                for episode_id, group in itertools.groupby(
                    steps_query.rows([row[0] for row in batch]), key=itemgetter(0)
                )
            }
            for row in batch:
                found = step_rows.get(row[0], ())
                cycles = cycles_of(found, error_types) if cycle_kind else []
                if cycle_kind and not cycles:
                    continue
                episode = decode.episode(row, difficulty_of(row[EPISODE_TASK_ID]))
                episode.steps = decode.steps(found)
                yield episode, cycles


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
    """Per task (in task order), its episodes' outcomes, counted in one streamed pass (only
    each task's first episode is decoded: it gives the prompt and the provenance)."""
    decode = RowDecoder(extracted=engine.dialect.name == "sqlite")
    rows = queries.stream_tuples(engine, queries.episode_select(sel, kind="curriculum"))
    for task_id, group in itertools.groupby(rows, key=itemgetter(EPISODE_TASK_ID)):
        first = next(group)
        outcomes = [decode.outcome(row) for row in itertools.chain((first,), group)]
        yield Sample(curriculum_row(decode.episode(first, difficulty_of(task_id)), outcomes, k))
