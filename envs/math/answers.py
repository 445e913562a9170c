"""Final-answer comparison: exact by default, rounded decimals by the precision written.

Answers are read into kinds by `answer_read.read_answer` (numbers and expressions, equations,
multiple-choice letters, words, base-b numerals, sets, lists of solutions, tuples and
intervals, unions, matrices). Comparison rules, each with an example in envs/math/README.md:

* Numbers and expressions are equal only when exactly equal: rationals in-process (`Fraction`),
  radicals, `\\pi`, complex and symbolic answers by sympy through `symbolic` (the env's isolated
  worker), on ASTs built by our own parser (never sympy's `eval`-based one).
* A numeric tolerance applies only when exactly one side is a rounded decimal (written with a
  decimal point): the exact side must round to it at the decimal's written precision
  (`0.33` accepts `1/3`). A submitted decimal needs at least `min_places` places (2 for
  answers) to be taken as rounded. Two decimals, or two exact values, must be equal.
* Sets ignore order and repeats; lists of solutions ignore order but count repeats
  (`2` is not `2, 2`); tuples, points and intervals keep order and brackets; unions of
  intervals ignore the order of their parts; matrices compare entrywise.

A text that cannot be read is an AnswerParseError (a format error), never a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from agentdata.envs.math import algebra
from agentdata.envs.math.answer_read import (
    Answer,
    Based,
    Bracketed,
    Choice,
    Equation,
    Group,
    Matrix,
    Scalar,
    Union,
    Word,
    choice_of,
    clean,
    read_answer,
)
from agentdata.envs.math.answer_words import boxed_content
from agentdata.envs.math.errors import AnswerParseError, ExactDomainError, ExactLimitError
from agentdata.envs.math.exact import Node, evaluate, literal_places, variables

__all__ = [
    "AnswerCheck",
    "boxed_content",
    "compare",
    "compare_read",
    "read_answer",
    "rounded_match",
]

ANSWER_MIN_PLACES = 2
# Two plain integers (most grade-school answers) compare exactly without the full reader.
_PLAIN_INT = re.compile(r"\s*-?[0-9]{1,18}\s*")

SymbolicRunner = Callable[..., dict[str, object]]
"""Runs `fn(*args)` where a hang cannot stall the caller (e.g. IsolatedWorker.call)."""


def run_here(fn: Callable[..., dict[str, object]], *args: object) -> dict[str, object]:
    """Run a symbolic check in this process (tests, benchmarks; the env uses its worker)."""
    return fn(*args)


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """Result of comparing an answer with the expected one."""

    correct: bool
    got: list[str]
    expected: list[str]
    reason: str


def rounded_match(
    got: Fraction,
    got_places: int | None,
    expected: Fraction,
    exp_places: int | None,
    min_places: int,
) -> bool:
    """Exact equality, or, when exactly one side is a rounded decimal with k places, the other
    side within half a unit of its last place (a submitted decimal needs k >= min_places)."""
    if got == expected:
        return True
    if (got_places is None) == (exp_places is None):
        return False
    places = exp_places if exp_places is not None else got_places
    assert places is not None
    if exp_places is None and places < min_places:
        return False
    return abs(got - expected) <= Fraction(1, 2) * Fraction(10) ** -places


class _Comparer:
    """Compares two read answers; sympy only when a side is not rational."""

    def __init__(self, symbolic: SymbolicRunner) -> None:
        self.symbolic = symbolic

    def scalar(self, got: Node, expected: Node) -> bool:
        if got == expected:
            return True
        gp, ep = literal_places(got), literal_places(expected)
        if not variables(got) and not variables(expected):
            try:
                g, e = evaluate(got), evaluate(expected)
            except ExactLimitError as exc:
                raise AnswerParseError(f"answer over the size limits: {exc}") from exc
            except ExactDomainError:
                pass  # irrational, complex or undefined: the symbolic verifier decides
            else:
                return rounded_match(g, gp, e, ep, ANSWER_MIN_PLACES)
        result = self.symbolic(algebra.scalars_equal, got, gp, expected, ep, ANSWER_MIN_PLACES)
        return result.get("equal") is True

    def matched(self, got: tuple[Answer, ...], expected: tuple[Answer, ...]) -> bool:
        """Whether the items pair up one to one, in any order (greedy: items are distinct)."""
        if len(got) != len(expected):
            return False
        left = list(got)
        for exp in expected:
            hit = next((i for i, item in enumerate(left) if self.equal(item, exp)), None)
            if hit is None:
                return False
            left.pop(hit)
        return True

    def distinct(self, items: tuple[Answer, ...]) -> tuple[Answer, ...]:
        out: list[Answer] = []
        for item in items:
            if not any(self.equal(item, seen) for seen in out):
                out.append(item)
        return tuple(out)

    def equal(self, got: Answer, expected: Answer) -> bool:
        """Whether `got` answers `expected` (rules in the module doc)."""
        if isinstance(expected, Equation):
            if isinstance(got, Equation):
                return self.scalar(got.lhs, expected.lhs) and self.scalar(got.rhs, expected.rhs)
            return (
                expected.lhs[0] == "var"
                and isinstance(got, Scalar)
                and (self.scalar(got.node, expected.rhs))
            )
        if isinstance(got, Equation) and got.lhs[0] == "var" and not isinstance(expected, Group):
            return self.equal(Scalar(got.rhs, got.text), expected)
        if isinstance(expected, Scalar):
            return isinstance(got, Scalar) and self.scalar(got.node, expected.node)
        if isinstance(expected, Choice | Word):
            return got == expected
        if isinstance(expected, Based):
            if isinstance(got, Based):
                return int(got.digits, got.base) == int(expected.digits, expected.base) and (
                    got.base == expected.base
                )
            return isinstance(got, Scalar) and got.text.upper() == expected.digits
        if isinstance(expected, Group):
            return self._group(got, expected)
        if isinstance(expected, Bracketed):
            return (
                isinstance(got, Bracketed)
                and (got.open, got.close) == (expected.open, expected.close)
                and len(got.items) == len(expected.items)
                and all(self.equal(g, e) for g, e in zip(got.items, expected.items, strict=True))
            )
        if isinstance(expected, Union):
            if isinstance(got, Bracketed):
                return self.matched((got,), expected.parts)
            return isinstance(got, Union) and self.matched(got.parts, expected.parts)
        if isinstance(expected, Matrix):
            return (
                isinstance(got, Matrix)
                and [len(r) for r in got.rows] == [len(r) for r in expected.rows]
                and all(
                    self.equal(g, e)
                    for grow, erow in zip(got.rows, expected.rows, strict=True)
                    for g, e in zip(grow, erow, strict=True)
                )
            )
        return False

    def _group(self, got: Answer, expected: Group) -> bool:
        items = got.items if isinstance(got, Group) else (got,)
        exp_items = expected.items
        named = [i for i in exp_items if isinstance(i, Equation) and i.lhs[0] == "var"]
        if named and len(named) == len(exp_items) and len({i.lhs for i in named}) > 1:
            # a system's solution `x = 1, y = 2`: every name once, values by name
            return self.matched(items, exp_items) and all(isinstance(i, Equation) for i in items)
        exp_items = tuple(
            Scalar(i.rhs, i.text) if isinstance(i, Equation) and i.lhs[0] == "var" else i
            for i in exp_items
        )
        items = tuple(
            Scalar(i.rhs, i.text) if isinstance(i, Equation) and i.lhs[0] == "var" else i
            for i in items
        )
        if expected.kind == "set" or (isinstance(got, Group) and got.kind == "set"):
            return self.matched(self.distinct(items), self.distinct(exp_items))
        return self.matched(items, exp_items)


def compare(got_text: str, expected_text: str, symbolic: SymbolicRunner = run_here) -> AnswerCheck:
    """Compare an agent's answer with the expected one (AnswerParseError if unreadable).

    `symbolic` runs sympy checks (pass the env's isolated worker; its VerifierTimeout
    propagates)."""
    if _PLAIN_INT.fullmatch(got_text) and _PLAIN_INT.fullmatch(expected_text):
        got_i, exp_i = got_text.strip(), expected_text.strip()
        same = int(got_i) == int(exp_i)
        return AnswerCheck(same, [got_i], [exp_i], "equal" if same else "values differ")
    return compare_read(got_text, expected_text, symbolic)


def compare_read(
    got_text: str, expected_text: str, symbolic: SymbolicRunner = run_here
) -> AnswerCheck:
    """`compare` through the full reader, also for two plain integers (benchmarks, tests)."""
    expected = read_answer(expected_text)
    letter = choice_of(got_text) if isinstance(expected, Choice) else None
    got = (
        Choice(letter)
        if letter is not None
        else read_answer(got_text, words=isinstance(expected, Word))
    )
    got_s, exp_s = [clean(got_text)[:200]], [clean(expected_text)[:200]]
    correct = _Comparer(symbolic).equal(got, expected)
    if correct:
        reason = "equal"
    elif type(got) is not type(expected):
        reason = (
            f"a {type(got).__name__.lower()} where a {type(expected).__name__.lower()} is expected"
        )
    else:
        reason = "values differ"
    return AnswerCheck(correct, got_s, exp_s, reason)
