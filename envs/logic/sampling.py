"""Draws from a numpy Generator through `random()` only: numpy's `choice`, `integers` and
`permutation` cost 20-230 µs a call, which would dominate the generators' time per task."""

from __future__ import annotations

import numpy as np


def index(rng: np.random.Generator, n: int) -> int:
    """A uniform index in [0, n)."""
    return min(int(rng.random() * n), n - 1)


def sample(rng: np.random.Generator, n: int, k: int) -> list[int]:
    """`k` distinct uniform indices in [0, n), in random order (partial Fisher–Yates)."""
    pool = list(range(n))
    for i in range(k):
        j = i + index(rng, n - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def order(rng: np.random.Generator, n: int) -> list[int]:
    """A uniform permutation of range(n)."""
    return sample(rng, n, n)


def chance(rng: np.random.Generator, p: float) -> bool:
    """True with probability p."""
    return bool(rng.random() < p)
