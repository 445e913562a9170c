"""Seeded procedural task families with difficulty levels 1-5.

A procedural task id is `<family>-d<difficulty>-s<seed>` (e.g. `linear-d3-s1234`): the task is
rebuilt from its id alone with `np.random.Generator(np.random.PCG64(seed))`, so replaying an
episode needs nothing but the id.
"""

from __future__ import annotations

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





def generate(family: str, difficulty: int, seed: int) -> Generated:
    """Generate the task of `family` at `difficulty` from `seed` (deterministic)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILY_NAMES)}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be 1-5, got {difficulty}")
    return FAMILIES[family](np.random.Generator(np.random.PCG64(seed)), difficulty)
