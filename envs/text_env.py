"""Shared parts of the step-verified text environments (math, logic).

Each env hands in its own generators module (`FAMILY_NAMES`, `DIFFICULTIES`, `draw`,
`parse_task_id`) and task builder; this module holds what is the same for all of them:
generated task ids (`<family>-d<difficulty>-s<seed>`), `build_task` (a TaskSpec whose hash
covers its content), the constructor checks, task selection from a file or the generators
(`TaskSource`) and the env base class (`StepVerifiedEnv`). The Verdict builder and the episode
score live in `text_score`, the oracle base in `text_oracle`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from agentdata.envs.base import Outcome, TextEnv
from agentdata.envs.text_score import REWARD_MODES, EpisodeScore
from agentdata.schemas import Failure, JsonValue, TaskSpec, Verdict
from agentdata.schemas.hashing import content_hash

MAX_SEED = 2**31 - 1
_ID = re.compile(r"^([a-z_]+)-d([1-5])-s(\d{1,10})$")


def task_id(family: str, difficulty: int, seed: int) -> str:
    """The id that rebuilds this generated task."""
    return f"{family}-d{difficulty}-s{seed}"


def parse_task_id(text: str, families: Collection[str]) -> tuple[str, int, int] | None:
    """(family, difficulty, seed) of a generated id, or None when `text` is not one."""
    match = _ID.match(text)
    if match is None or match.group(1) not in families or int(match.group(3)) > MAX_SEED:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def draw(
    rng: np.random.Generator,
    family_names: Sequence[str],
    family: str | None,
    difficulty: int | None,
) -> tuple[str, int, int]:
    """Draw (family, difficulty, seed) from `rng`, keeping the fixed ones."""
    fam = family if family is not None else family_names[int(rng.integers(0, len(family_names)))]
    diff = difficulty if difficulty is not None else int(rng.integers(1, 6))
    return fam, diff, int(rng.integers(0, MAX_SEED + 1))


def build_task(
    tid: str,
    prompt: str,
    *,
    family: str | None,
    difficulty: int | None,
    metadata: dict[str, JsonValue],
) -> TaskSpec:
    """A TaskSpec whose hash covers all of its content."""
    content: dict[str, JsonValue] = {
        "id": tid,
        "prompt": prompt,
        "family": family,
        "difficulty": difficulty,
        "metadata": metadata,
    }
    return TaskSpec(
        id=tid,
        hash=content_hash(content),
        prompt=prompt,
        family=family,
        difficulty=difficulty,
        metadata=metadata,
    )


class Generators(Protocol):
    """What a text env's generators module provides (families and levels; ids and draws are
    built here from them)."""

    FAMILY_NAMES: tuple[str, ...]
    DIFFICULTIES: tuple[int, ...]


class Judged(Protocol):
    """A judged step: its verdict, failure and feedback line."""

    @property
    def verdict(self) -> Verdict:
        """The step's verdict."""
        ...

    @property
    def failure(self) -> Failure | None:
        """The step's failure, if any."""
        ...

    @property
    def feedback(self) -> str:
        """The feedback line shown to the agent."""
        ...


class LoadedTasks(Protocol):
    """A loaded task file: ids in file order and tasks by id."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Task ids in file order."""
        ...

    @property
    def tasks(self) -> Mapping[str, TaskSpec]:
        """Tasks by id."""
        ...


def check_config(
    error: Callable[[str], Exception],
    generators: Generators,
    *,
    tasks: str | None,
    family: str | None,
    difficulty: int | None,
    reward_mode: str,
) -> None:
    """The constructor checks every text env shares; raises `error(message)`."""
    if reward_mode not in REWARD_MODES:
        raise error(f"reward_mode must be one of {REWARD_MODES}, got {reward_mode!r}")
    if family is not None and family not in generators.FAMILY_NAMES:
        raise error(f"unknown family {family!r}; choose from {generators.FAMILY_NAMES}")
    if difficulty is not None and int(difficulty) not in generators.DIFFICULTIES:
        raise error(f"difficulty must be 1-5, got {difficulty!r}")
    if tasks is not None and (family is not None or difficulty is not None):
        raise error("give either tasks=PATH or family/difficulty, not both")


@dataclass(frozen=True)
class TaskSource:
    """Where an env's tasks come from: its task file, else its generators (family and
    difficulty fixed when given, else drawn from the reset's generator)."""

    file: LoadedTasks | None
    generators: Generators
    procedural: Callable[[str, int, int], TaskSpec]
    """Builds the generated task (family, difficulty, seed)."""
    family: str | None
    difficulty: int | None
    unknown: Callable[[str], Exception]
    """The env's error for an id that names no task."""

    def ids(self) -> Sequence[str] | None:
        """Ids of the task file, or None for generated tasks."""
        return None if self.file is None else self.file.ids

    def load(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        """The task `task_id`, or one drawn from `rng` when it is None."""
        if task_id is None:
            if self.file is not None:
                return self.file.tasks[self.file.ids[int(rng.integers(0, len(self.file.ids)))]]
            names = self.generators.FAMILY_NAMES
            return self.procedural(*draw(rng, names, self.family, self.difficulty))
        if self.file is not None and task_id in self.file.tasks:
            return self.file.tasks[task_id]
        parsed = parse_task_id(task_id, self.generators.FAMILY_NAMES)
        if parsed is None:
            raise self.unknown(f"unknown task id {task_id!r}")
        return self.procedural(*parsed)


class StepVerifiedEnv(TextEnv):
    """A TextEnv whose tasks come from a task file or its generators (`TaskSource`), with the
    shared constructor checks and the episode score (`EpisodeScore`). Subclasses call
    `_use_tasks` once their task file (if any) is loaded."""

    def __init__(
        self,
        generators: Generators,
        config_error: Callable[[str], Exception],
        tasks: str | None,
        family: str | None,
        difficulty: int | None,
        reward_mode: str,
        max_steps: int,
        render_mode: str | None,
    ) -> None:
        """`generators`: the env's generators module; `config_error`: its ConfigError; the
        rest are the env's kwargs of the same names."""
        super().__init__(max_steps=int(max_steps), render_mode=render_mode)
        check_config(
            config_error,
            generators,
            tasks=tasks,
            family=family,
            difficulty=difficulty,
            reward_mode=reward_mode,
        )
        self.generators = generators
        self.family = family
        self.difficulty = None if difficulty is None else int(difficulty)
        self.reward_mode = reward_mode
        self._score = EpisodeScore(reward_mode)
        self._source: TaskSource | None = None

    def _use_tasks(
        self,
        file: LoadedTasks | None,
        procedural: Callable[[str, int, int], TaskSpec],
        unknown: Callable[[str], Exception],
    ) -> None:
        self._source = TaskSource(
            file, self.generators, procedural, self.family, self.difficulty, unknown
        )

    def list_tasks(self) -> Sequence[str] | None:
        """Ids of the task file, or None for generated tasks."""
        assert self._source is not None
        return self._source.ids()

    def _load_task(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        assert self._source is not None
        return self._source.load(task_id, rng)

    def _scored(
        self,
        judgement: Judged,
        answer_correct: bool | None,
        parsed: dict[str, JsonValue] | None,
        verifier_s: float,
        extra: dict[str, JsonValue] | None = None,
    ) -> Outcome:
        """Count the judged step in the episode score and build its Outcome."""
        return self._score.outcome(
            verdict=judgement.verdict,
            failure=judgement.failure,
            feedback=judgement.feedback,
            answer_correct=answer_correct,
            step=(self.steps_taken, self.max_steps, self.task.id if self.task else None),
            parsed=parsed,
            verifier_s=verifier_s,
            extra=extra,
        )
