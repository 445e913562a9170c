"""Sample builders, one per kind: each turns an episode (and its cycles) into export rows.

Every row carries `error_type`, `difficulty` and `provenance`; a `Sample` also carries the
claims `--verify` re-checks by re-executing the episode (which steps must fail or pass).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agentdata._stats import pass_at_k
from agentdata.mining import _render as render
from agentdata.mining._views import (
    STEP_ERROR_TYPE,
    STEP_FAILURE_KIND,
    STEP_IDX,
    STEP_LABEL,
    STEP_RETRY_OF,
    EpisodeView,
    Outcome,
    StepView,
    step_failed,
    step_passed,
)

Kind = Literal["correction", "reflection", "dpo", "steps", "positive", "groups", "curriculum"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
CYCLE_KINDS = frozenset({"correction", "reflection", "dpo"})
Claim = tuple[int, Literal["failed", "passed", "not_failed"]]


@dataclass(frozen=True)
class Cycle:
    """A fail→fix cycle: step `failed` failed, step `fix` (retry_of = failed) passed."""

    failed: int
    fix: int
    error_type: str | None


def cycles_of(rows: Sequence[tuple[Any, ...]], error_types: frozenset[str]) -> list[Cycle]:
    """The fail→fix cycles of one episode, from its step rows (`queries.steps_select`, in
    index order; read before decoding them, so episodes without a cycle are never decoded).

    The fix is the first step that passed and links back (`retry_of`) to a failed step: a
    step whose sub-goal failed at step k and is now achieved (see each env's README). The
    error type is the failed step's verdict's, or its failure kind when the verifier names
    none (a failing test run is a `test_failure`); `error_types` (if any) keeps only those.
    """
    by_idx: dict[int, tuple[Any, ...]] | None = None
    achieved: set[int] = set()
    out: list[Cycle] = []
    for fix in rows:
        target = fix[STEP_RETRY_OF]
        if target is None or target in achieved:
            continue
        if not step_passed(fix[STEP_FAILURE_KIND], fix[STEP_LABEL]):
            continue
        achieved.add(target)  # a later step passing the same sub-goal is no new fix
        by_idx = by_idx or {r[STEP_IDX]: r for r in rows}
        bad = by_idx.get(target)
        if bad is None or not step_failed(bad[STEP_FAILURE_KIND], bad[STEP_LABEL]):
            continue
        if not error_types or bad[STEP_ERROR_TYPE] in error_types:
            out.append(Cycle(bad[STEP_IDX], fix[STEP_IDX], bad[STEP_ERROR_TYPE]))
    return out


@dataclass
class Sample:
    """One export row and what `--verify` must find when the episode is re-executed."""

    row: dict[str, Any]
    episode_id: str | None = None
    claims: tuple[Claim, ...] = ()

    @property
    def error_type(self) -> str | None:
        """Error type of the sample's failed attempt (None for clean samples)."""
        value = self.row.get("error_type")
        return None if value is None else str(value)

    @property
    def difficulty(self) -> int | None:
        """Declared difficulty of the task, when the environment knows it."""
        value = self.row.get("difficulty")
        return None if value is None else int(value)

    @property
    def env_id(self) -> str:
        """Environment of the sample."""
        return str(self.row["provenance"]["env_id"])


def provenance(
    episode: EpisodeView,
    steps: list[StepView],
    *,
    error_type: str | None = None,
    failed: int | None = None,
    fix: int | None = None,
    episode_ids: list[str] | None = None,
) -> dict[str, Any]:
    """Where a sample comes from: run, episode and step ids, env, task, verifiers, policy."""
    verifiers = sorted({v for s in steps if (v := s.verifier) is not None})
    return {
        "run_id": episode.run_id,
        "episode_ids": episode_ids if episode_ids is not None else [episode.id],
        "step_ids": [s.idx for s in steps],
        "failed_step": failed,
        "fix_step": fix,
        "env_id": episode.env_id,
        "task_id": episode.task_id,
        "task_hash": episode.task_hash,
        "verifiers": verifiers,
        "policy": episode.policy,
        "error_type": error_type,
        "package_version": episode.package_version,
    }


def _attempt_start(steps: list[StepView], failed: int) -> int:
    """First step of the failed attempt: just after the last judged step before it."""
    for i in range(failed - 1, -1, -1):
        if steps[i].judged:
            return i + 1
    return 0


def _fix_start(steps: list[StepView], cycle: Cycle) -> int:
    """First step of the fix: just after the last failed re-attempt before the fix."""
    return 1 + max(i for i in range(cycle.failed, cycle.fix) if steps[i].failed)


def cycle_samples(kind: str, episode: EpisodeView, cycles: list[Cycle]) -> Iterator[Sample]:
    """correction / reflection / dpo samples of one episode's cycles."""
    steps = episode.steps
    pairs, opening = render.turn_pairs(steps), render.opening(episode)
    for cycle in cycles:
        start, fix_from = _attempt_start(steps, cycle.failed), _fix_start(steps, cycle)
        bad, fix = steps[start : cycle.failed + 1], steps[fix_from : cycle.fix + 1]
        used = steps[start : cycle.fix + 1] if kind == "correction" else [*bad, *fix]
        common = {
            "error_type": cycle.error_type,
            "difficulty": episode.difficulty,
            "provenance": provenance(
                episode, used, error_type=cycle.error_type, failed=cycle.failed, fix=cycle.fix
            ),
        }
        fixed = render.pair_turns(pairs, fix_from, cycle.fix + 1, last_feedback=False)
        if kind == "correction":
            row = {"prompt": opening + render.pair_turns(pairs, 0, fix_from), "completion": fixed}
        elif kind == "reflection":
            text = "\n\n".join(
                [render.transcript(bad), render.reflection(steps[cycle.failed]),
                 render.transcript(fix)]
            )  # fmt: skip
            row = {
                "prompt": opening + render.pair_turns(pairs, 0, start),
                "completion": [{"role": "assistant", "content": text}],
            }
        else:
            row = {
                "prompt": opening + render.pair_turns(pairs, 0, start),
                "chosen": fixed,
                "rejected": render.pair_turns(pairs, start, cycle.failed + 1, last_feedback=False),
            }
        claims: tuple[Claim, ...] = ((cycle.failed, "failed"), (cycle.fix, "passed"))
        yield Sample({**row, **common}, episode.id, claims)


def steps_sample(episode: EpisodeView) -> Sample:
    """TRL stepwise supervision: the problem, each step's action, its label from the verdict."""
    steps = episode.steps
    failed = [s.failed for s in steps]
    marked = list(zip(steps, failed, strict=True))
    first_error = next((s.error_type for s, f in marked if f and s.error_type), None)
    row = {
        "prompt": episode.initial_observation,
        "completions": [s.action for s in steps],
        "labels": [not f for f in failed],
        "error_type": first_error,
        "difficulty": episode.difficulty,
        "provenance": provenance(episode, steps, error_type=first_error),
    }
    claims: tuple[Claim, ...] = tuple(
        (s.idx, "failed" if f else "not_failed") for s, f in marked
    )
    return Sample(row, episode.id, claims)


def positive_sample(episode: EpisodeView) -> Sample | None:
    """A solved episode with no failed step (rejection sampling); None otherwise."""
    steps = episode.steps
    if not episode.success or not steps or any(s.failed for s in steps):
        return None
    row = {
        "messages": render.opening(episode) + render.turns(steps, last_feedback=False),
        "error_type": None,
        "difficulty": episode.difficulty,
        "provenance": provenance(episode, steps),
    }
    return Sample(row, episode.id, tuple((s.idx, "not_failed") for s in steps))


def group_sample(episodes: list[EpisodeView]) -> Sample:
    """RLVR group: one task's sampled completions with their rewards."""
    first = episodes[0]
    row = {
        "task_id": first.task_id,
        "prompt": render.opening(first),
        "completions": [render.transcript(e.steps) for e in episodes],
        "rewards": [e.total_reward for e in episodes],
        "successes": [bool(e.success) for e in episodes],
        "error_type": None,
        "difficulty": first.difficulty,
        "provenance": provenance(
            first, [s for e in episodes for s in e.steps], episode_ids=[e.id for e in episodes]
        ),
    }
    return Sample(row)


def curriculum_row(first: EpisodeView, outcomes: list[Outcome], k: int) -> dict[str, Any]:
    """Per task (its first episode, every episode's outcome by id): pass rate and pass@k over
    the run's samples, mean reward, declared difficulty; the provenance lists every episode."""
    n = len(outcomes)
    c = sum(1 for o in outcomes if o.success)
    return {
        "task_id": first.task_id,
        "prompt": first.initial_observation,
        "samples": n,
        "successes": c,
        "pass_rate": c / n,
        "pass_at_1": pass_at_k(n, c, 1),
        "pass_at_k": pass_at_k(n, c, min(k, n)),
        "k": min(k, n),
        "mean_reward": math.fsum(o.total_reward for o in outcomes) / n,
        "error_type": None,
        "difficulty": first.difficulty,
        "provenance": provenance(first, [], episode_ids=[o.episode_id for o in outcomes]),
    }
