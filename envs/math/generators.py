"""Seeded procedural task families with difficulty levels 1-5.

A procedural task id is `<family>-d<difficulty>-s<seed>` (e.g. `linear-d3-s1234`): the task is
rebuilt from its id alone with `np.random.Generator(np.random.PCG64(seed))`, so replaying an
episode needs nothing but the id.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from agentdata.envs.math import gen_algebra, gen_numeric
from agentdata.envs.math.gen_numeric import Generated

Family = Callable[[np.random.Generator, int], Generated]

FAMILIES: dict[str, Family] = {
    "arithmetic": gen_numeric.arithmetic,
    "fractions": gen_numeric.fractions,
    "linear": gen_algebra.linear,
    "system": gen_algebra.system,
    "quadratic": gen_algebra.quadratic,
    "word": gen_numeric.word,
}
"""Family name -> generator; read-only registry (insertion order is the documented order)."""

FAMILY_NAMES: tuple[str, ...] = tuple(sorted(FAMILIES))
DIFFICULTIES: tuple[int, ...] = (1, 2, 3, 4, 5)
MAX_SEED = 2**31 - 1
_ID = re.compile(r"^([a-z]+)-d([1-5])-s(\d{1,10})$")


def task_id(family: str, difficulty: int, seed: int) -> str:
    """The id that rebuilds this procedural task."""
    return f"{family}-d{difficulty}-s{seed}"


def parse_task_id(text: str) -> tuple[str, int, int] | None:
    """(family, difficulty, seed) of a procedural id, or None when `text` is not one."""
    match = _ID.match(text)
    if match is None or match.group(1) not in FAMILIES or int(match.group(3)) > MAX_SEED:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def generate(family: str, difficulty: int, seed: int) -> Generated:
    """Generate the task of `family` at `difficulty` from `seed` (deterministic)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILY_NAMES)}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be 1-5, got {difficulty}")
    return FAMILIES[family](np.random.Generator(np.random.PCG64(seed)), difficulty)


def draw(
    rng: np.random.Generator, family: str | None, difficulty: int | None
) -> tuple[str, int, int]:
    """Draw (family, difficulty, seed) from `rng`, keeping the fixed ones."""
    fam = family if family is not None else FAMILY_NAMES[int(rng.integers(0, len(FAMILY_NAMES)))]
    diff = difficulty if difficulty is not None else int(rng.integers(1, 6))
    return fam, diff, int(rng.integers(0, MAX_SEED + 1))
