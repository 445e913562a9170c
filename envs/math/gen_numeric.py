"""Numeric task families: multi-step arithmetic, fractions and word problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from agentdata.envs.math.exact import format_fraction


@dataclass
class Generated:
    """A generated problem with its answer and the reference actions that solve it."""

    prompt: str
    answer: str
    reference: list[str]
    variables: list[str] = field(default_factory=list)
    solutions: list[dict[str, str]] = field(default_factory=list)


def ri(rng: np.random.Generator, low: int, high: int) -> int:
    """Uniform integer in [low, high]."""
    return int(rng.integers(low, high + 1))


def pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    """Uniform choice from a tuple (the tuple's order is fixed, so this is deterministic)."""
    return options[int(rng.integers(0, len(options)))]


def arithmetic(rng: np.random.Generator, difficulty: int) -> Generated:
    """Multi-step integer arithmetic: difficulty sets the operation count and magnitudes."""
    top = 10 * difficulty
    value = ri(rng, 1, top)
    expr, loose = str(value), False  # loose: top level is + or -, needs parentheses for * and /
    steps: list[str] = []
    for _ in range(difficulty + 1):
        op = pick(rng, ("+", "-", "*", "/") if difficulty >= 3 else ("+", "-", "*"))
        divisors = [k for k in range(2, 13) if value % k == 0] if value else []
        if op == "/" and not divisors:
            op = "+"
        if op in "+-":
            operand = ri(rng, 1, top)
        elif op == "*":
            operand = ri(rng, 2, 9 + difficulty)
        else:
            operand = divisors[int(rng.integers(0, len(divisors)))]
        new = {"+": value + operand, "-": value - operand, "*": value * operand}.get(
            op, value // operand if operand else 0
        )
        left = f"({expr})" if loose and op in "*/" else expr
        expr, loose = f"{left} {op} {operand}", op in "+-"
        steps.append(f"step compute: {value} {op} {operand} = {new}")
        value = new
    return Generated(f"Compute {expr}.", str(value), [*steps, f"answer: {value}"])


def fractions(rng: np.random.Generator, difficulty: int) -> Generated:
    """Sums, differences (and from difficulty 3 products) of fractions, in lowest terms."""
    terms = 2 + (difficulty - 1) // 2
    max_den = 4 + 2 * difficulty

    def term() -> Fraction:
        den = ri(rng, 2, max_den)
        return Fraction(ri(rng, 1, den * 2 - 1), den)

    first = term()
    value, expr = first, f"{first.numerator}/{first.denominator}"
    steps: list[str] = []
    for _ in range(terms - 1):
        op = pick(rng, ("+", "-", "*") if difficulty >= 3 else ("+", "-"))
        operand = term()
        shown = f"{operand.numerator}/{operand.denominator}"
        new = value + operand if op == "+" else value - operand if op == "-" else value * operand
        expr = f"({expr}) * {shown}" if op == "*" else f"{expr} {op} {shown}"
        left = format_fraction(value)
        left = f"({left})" if op == "*" and "/" in left else left
        steps.append(f"step compute: {left} {op} {shown} = {format_fraction(new)}")
        value = new
    answer = format_fraction(value)
    prompt = f"Compute {expr}. Give the answer as a fraction in lowest terms."
    return Generated(prompt, answer, [*steps, f"answer: {answer}"])


_NAMES = ("Ava", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo")
_ITEMS = ("apple", "notebook", "pencil", "sticker", "muffin", "marble")


def word(rng: np.random.Generator, difficulty: int) -> Generated:
    """Word problems from templates; difficulty adds steps and grows the numbers."""
    kind = pick(rng, ("shopping", "travel", "sharing"))
    name = pick(rng, _NAMES)
    scale = difficulty
    steps: list[str] = []

    def calc(a: int, op: str, b: int) -> int:
        out = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a // b
        steps.append(f"step compute: {a} {op} {b} = {out}")
        return out

    if kind == "shopping":
        item, other = pick(rng, _ITEMS), pick(rng, _ITEMS[::-1])
        n1, p1, n2, p2 = ri(rng, 2, 4 * scale), ri(rng, 1, 5 * scale), ri(rng, 2, 9), ri(rng, 1, 9)
        total = calc(n1, "*", p1)
        parts = f"{name} buys {n1} {item}s at ${p1} each"
        if difficulty >= 2:
            total = calc(total, "+", calc(n2, "*", p2))
            parts += f" and {n2} {other}s at ${p2} each"
        if difficulty >= 4:
            coupon = ri(rng, 1, max(1, total // 4))
            total = calc(total, "-", coupon)
            parts += f", and uses a ${coupon} coupon"
        if difficulty >= 3:
            bill = (total // 50 + 1) * 50
            answer = calc(bill, "-", total)
            prompt = f"{parts}. {name} pays with ${bill}. How much change does {name} get?"
        else:
            answer = total
            prompt = f"{parts}. How much does {name} spend in dollars?"
    elif kind == "travel":
        v1, t1, v2, t2 = (
            ri(rng, 20, 40 * scale),
            ri(rng, 1, 3 + scale),
            ri(rng, 10, 60),
            ri(rng, 1, 4),
        )
        answer = calc(v1, "*", t1)
        prompt = f"A train travels at {v1} km/h for {t1} hours"
        if difficulty >= 2:
            answer = calc(answer, "+", calc(v2, "*", t2))
            prompt += f", then at {v2} km/h for {t2} hours"
        if difficulty >= 3:
            trips = ri(rng, 2, 2 + scale)
            answer = calc(answer, "*", trips)
            prompt += f". It makes this journey {trips} times"
        prompt += ". How many kilometres does it travel in total?"
    else:
        friends, each, jars = ri(rng, 2, 3 + scale), ri(rng, 2, 4 + scale), ri(rng, 2, 5)
        rest = jars * ri(rng, 1, 5 * scale)
        candies = friends * each + rest
        prompt = f"{name} has {candies} candies and gives {each} to each of {friends} friends."
        answer = calc(candies, "-", calc(friends, "*", each))
        if difficulty >= 2:
            answer = calc(answer, "/", jars)
            prompt += (
                f" The rest is shared equally among {jars} jars. How many candies go in each jar?"
            )
        else:
            prompt += " How many candies are left?"
        if difficulty >= 4:
            eaten = ri(rng, 0, answer)
            answer = calc(answer, "-", eaten)
            prompt = (
                prompt[: prompt.rfind(" How")] + f" Then {eaten} candies are eaten from one jar."
            )
            prompt += " How many candies are left in that jar?"
    return Generated(prompt, str(answer), [*steps, f"answer: {answer}"])
