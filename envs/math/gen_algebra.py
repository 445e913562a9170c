"""Algebra task families: linear equations, two-variable linear systems, quadratics."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from agentdata.envs.math.exact import format_fraction
from agentdata.envs.math.gen_numeric import Generated, ri


def _num(value: int | Fraction) -> str:
    """A number as a term: parenthesised when negative (`7 - (-3)`)."""
    text = format_fraction(Fraction(value))
    return f"({text})" if value < 0 or "/" in text else text


def poly(coefs: list[tuple[int | Fraction, str]]) -> str:
    """Render sum of coefficient*monomial terms: [(3, "x"), (-1, "y"), (4, "")] -> 3x - y + 4."""
    out = ""
    for coef, mono in coefs:
        if coef == 0:
            continue
        mag = abs(Fraction(coef))
        body = format_fraction(mag) if (mag != 1 or not mono) else ""
        if mono and "/" in body:
            body = f"({body})"
        sign = "-" if coef < 0 else "+"
        out += (f" {sign} " if out else ("-" if coef < 0 else "")) + body + mono
    return out or "0"


def _nonzero(rng: np.random.Generator, low: int, high: int, negative: bool) -> int:
    value = ri(rng, low, high)
    return -value if negative and rng.random() < 0.5 else value


def linear(rng: np.random.Generator, difficulty: int) -> Generated:
    """`a x + b = c x + e` with an integer (difficulty >= 4: fractional) solution."""
    span = 5 * difficulty
    if difficulty >= 4:
        q = ri(rng, 2, 5)
        x0 = Fraction(_nonzero(rng, 1, span, True), q)
        a_minus_c = q * _nonzero(rng, 1, 3, True)
    else:
        x0, a_minus_c = Fraction(ri(rng, -span, span)), _nonzero(rng, 1, 3 + difficulty, True)
    c = _nonzero(rng, 1, 4 + difficulty, True) if difficulty >= 2 else 0
    a = a_minus_c + c
    if a == 0:
        a, c = a + 1, c + 1
        a_minus_c = a - c
    b = ri(rng, -span, span)
    e = a_minus_c * x0 + b
    assert e.denominator == 1
    right = poly([(c, "x"), (int(e), "")])
    steps: list[str] = []
    if difficulty >= 5 and b % a == 0:
        left = f"{_num(a) if a != 1 else ''}(x + {_num(b // a)})" if b else poly([(a, "x")])
        steps.append(f"step distribute: {poly([(a, 'x'), (b, '')])} = {right}")
    else:
        left = poly([(a, "x"), (b, "")])
    moved = poly([(a, "x")]) + (f" - {_num(c)}x" if c else "")
    steps.append(f"step transpose: {moved} = {int(e)} - {_num(b)}")
    steps.append(f"step combine: {poly([(a_minus_c, 'x')])} = {int(e) - b}")
    steps.append(f"step divide: x = {format_fraction(x0)}")
    answer = f"x = {format_fraction(x0)}"
    return Generated(
        f"Solve for x: {left} = {right}",
        answer,
        [*steps, f"answer: {answer}"],
        variables=["x"],
        solutions=[{"x": format_fraction(x0)}],
    )


def system(rng: np.random.Generator, difficulty: int) -> Generated:
    """Two equations in x and y with an integer solution, solved by elimination."""
    span = 3 + 2 * difficulty
    x0, y0 = ri(rng, -span, span), ri(rng, -span, span)
    while True:
        a1, b1 = _nonzero(rng, 1, 2 + difficulty, True), _nonzero(rng, 1, 2 + difficulty, True)
        a2, b2 = _nonzero(rng, 1, 2 + difficulty, True), _nonzero(rng, 1, 2 + difficulty, True)
        if a1 * b2 - a2 * b1 != 0:
            break
    c1, c2 = a1 * x0 + b1 * y0, a2 * x0 + b2 * y0
    eq1 = f"{poly([(a1, 'x'), (b1, 'y')])} = {c1}"
    eq2 = f"{poly([(a2, 'x'), (b2, 'y')])} = {c2}"
    det, num = b2 * a1 - b1 * a2, b2 * c1 - b1 * c2
    steps = [
        f"step eliminate: {poly([(det, 'x')])} = {num}",
        f"step divide: x = {x0}",
        f"step substitute: {poly([(b1, 'y')])} = {c1} - {_num(a1)} * {_num(x0)}",
        f"step divide: y = {y0}",
    ]
    answer = f"x = {x0}, y = {y0}"
    prompt = f"Solve the system of equations: {eq1} and {eq2}. Answer as `x = ..., y = ...`."
    return Generated(
        prompt,
        answer,
        [*steps, f"answer: {answer}"],
        variables=["x", "y"],
        solutions=[{"x": str(x0), "y": str(y0)}],
    )


def _factor(root: int) -> str:
    return f"(x - {root})" if root > 0 else f"(x + {-root})" if root < 0 else "x"


def quadratic(rng: np.random.Generator, difficulty: int) -> Generated:
    """`k x^2 + b x + c = 0` with two distinct integer roots; higher levels scale and move terms."""
    span = 3 + 2 * difficulty
    r1 = ri(rng, -span, span)
    r2 = ri(rng, -span, span - 1)
    r2 = r2 + 1 if r2 >= r1 else r2
    k = 1 if difficulty <= 2 else _nonzero(rng, 2, 3, difficulty >= 4)
    b, c = -k * (r1 + r2), k * r1 * r2
    full = poly([(k, "x^2"), (b, "x"), (c, "")])
    steps: list[str] = []
    if difficulty >= 5 and c != 0:
        shown = f"{poly([(k, 'x^2'), (b, 'x')])} = {-c}"
        steps.append(f"step transpose: {full} = 0")
    else:
        shown = f"{full} = 0"
    if k != 1:
        steps.append(f"step divide: {poly([(1, 'x^2'), (b // k, 'x'), (c // k, '')])} = 0")
    low, high = sorted((r1, r2))
    steps.append(f"step factor: {_factor(low)}{_factor(high)} = 0")
    answer = f"{low}, {high}"
    return Generated(
        f"Solve for x: {shown}. Give all real solutions separated by commas.",
        answer,
        [*steps, f"answer: {answer}"],
        variables=["x"],
        solutions=[{"x": str(low)}, {"x": str(high)}],
    )
