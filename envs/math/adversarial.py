"""Seeded adversarial math actions for fuzz tests and the step-budget benchmark.

Families: power towers, huge literals, deep nesting, claim floods, heavy symbolic identities,
unicode, broken LaTeX answers and random bytes. Randomness only from the given generator.
"""

from __future__ import annotations

import numpy as np

HEAVY = "(x+y+z+1)^16 = (x+y+z+2)^16"
"""A claim sympy needs tens of seconds to refute: only the step budget stops it."""

ADVERSARIAL_PROBLEM = "Let x, y and z be real numbers. Simplify (x + y + z + 1)^2."
"""A task whose variables make symbolic identities checkable (see `HEAVY`)."""


def _tower(rng: np.random.Generator) -> str:
    depth = int(rng.integers(2, 7))
    return "step compute: " + "^".join(str(int(rng.integers(2, 10))) for _ in range(depth)) + " = 1"


def _literal(rng: np.random.Generator) -> str:
    digits = int(rng.integers(300, 3000))
    return f"step compute: {'9' * digits} + 1 = {'1' + '0' * digits}"


def _nesting(rng: np.random.Generator) -> str:
    depth = int(rng.integers(30, 5000))
    return "answer: " + "(" * depth + "1" + ")" * depth


def _flood(rng: np.random.Generator) -> str:
    count = int(rng.integers(50, 400))
    return "\n".join(f"{i} + 1 = {i + 1}" for i in range(count))


def _heavy(rng: np.random.Generator) -> str:
    count = int(rng.integers(1, 6))
    return "\n".join(f"step expand: {HEAVY}" for _ in range(count))


def _unicode(rng: np.random.Generator) -> str:
    chars = [chr(int(c)) for c in rng.integers(0x20, 0x2FFF, size=int(rng.integers(1, 200)))]
    return "step compute: " + "".join(chars) + " = 1"


def _latex(rng: np.random.Generator) -> str:
    pieces = ["\\frac{", "\\sqrt[", "\\boxed{", "\\begin{pmatrix}", "\\\\", "&", "}", "]", "\\cup",
              "(", "[", "\\infty", "\\pi", "i", "^{", "_2", "\\text{", ",", "=", "1", "x"]
    picked = rng.choice(pieces, size=int(rng.integers(1, 40)))
    return "answer: " + "".join(str(p) for p in picked)


def _bytes(rng: np.random.Generator) -> str:
    return bytes(int(b) for b in rng.integers(0, 256, size=int(rng.integers(1, 300)))).decode(
        "latin-1"
    )


FAMILIES = {
    "power_tower": _tower,
    "huge_literal": _literal,
    "deep_nesting": _nesting,
    "claim_flood": _flood,
    "heavy_symbolic": _heavy,
    "unicode": _unicode,
    "broken_latex": _latex,
    "random_bytes": _bytes,
}


def adversarial_action(rng: np.random.Generator) -> tuple[str, str]:
    """(family, action) drawn from `rng`."""
    names = sorted(FAMILIES)
    name = names[int(rng.integers(0, len(names)))]
    return name, FAMILIES[name](rng)
