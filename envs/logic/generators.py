"""Seeded task families with difficulty levels 1-5; every answer is decided by a solver.

A generated task id is `<family>-d<difficulty>-s<seed>` (e.g. `prontoqa-d3-s42`) and is
rebuilt from the id alone with `np.random.Generator(np.random.PCG64(seed))`. A family builds
premises, a conclusion and natural-language renderings; `generate` then decides the answer
with the exact Bernays–Schönfinkel decider (`ground.py`) — never only by construction — and
raises GeneratorError when a family's intended answer disagrees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from agentdata.envs import text_env
from agentdata.envs.logic.errors import LogicEnvError
from agentdata.envs.logic.formula import Formula
from agentdata.errors import TaskError

DIFFICULTIES: tuple[int, ...] = (1, 2, 3, 4, 5)
ANSWER_OF = {"entailed": "True", "refuted": "False", "neither": "Unknown"}


class GeneratorError(LogicEnvError, TaskError):
    """A generator produced a task its intended answer and the solver disagree on."""


@dataclass
class Generated:
    """A generated problem before it becomes a TaskSpec."""

    premises: list[Formula]
    conclusion: Formula
    premises_text: list[str]
    conclusion_text: str
    intended: str | None = None  # the answer the construction aims at, checked by the solver
    proof: list[str] = field(default_factory=list)


Family = Callable[[np.random.Generator, int], Generated]


def families() -> dict[str, Family]:
    """Family name -> builder (a fresh dict; the order is the documented order)."""
    from agentdata.envs.logic import gen_chains, gen_puzzles

    return {
        "prontoqa": gen_chains.prontoqa,
        "proofwriter": gen_chains.proofwriter,
        "knights": gen_puzzles.knights,
        "syllogism": gen_puzzles.syllogism,
        "propositional": gen_puzzles.propositional,
    }


FAMILY_NAMES: tuple[str, ...] = ("knights", "prontoqa", "proofwriter", "propositional", "syllogism")





def decide(premises: list[Formula], conclusion: Formula) -> str:
    """True / False / Unknown by the exact decider; GeneratorError when it cannot decide."""
    from agentdata.envs.logic.ground import ground_entails

    result = ground_entails(premises, conclusion)
    if result not in ANSWER_OF:
        raise GeneratorError(f"generated premises are {result or 'outside the fragment'}")
    return ANSWER_OF[result]


def generate(family: str, difficulty: int, seed: int) -> tuple[Generated, str]:
    """The problem of `family` at `difficulty` from `seed` and its solver-decided answer."""
    builders = families()
    if family not in builders:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILY_NAMES)}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be 1-5, got {difficulty}")
    gen = builders[family](np.random.Generator(np.random.PCG64(seed)), difficulty)
    answer = decide(gen.premises, gen.conclusion)
    if gen.intended is not None and gen.intended != answer:
        tid = text_env.task_id(family, difficulty, seed)
        raise GeneratorError(f"{tid}: built for {gen.intended}, solver says {answer}")
    return gen, answer
