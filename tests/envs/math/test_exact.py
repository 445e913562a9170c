"""Exact evaluator: values, limits that reject hostile input fast, typed errors only."""

from __future__ import annotations

import contextlib
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentdata.envs.math.errors import (
    ExactDomainError,
    ExactError,
    ExactLimitError,
    ExactSyntaxError,
)
from agentdata.envs.math.exact import evaluate, format_fraction, literal_places, parse, variables


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("48/2", Fraction(24)),
        ("100-50-30-15", Fraction(5)),
        ("0.2*50", Fraction(10)),
        ("12/60", Fraction(1, 5)),
        ("2^-1", Fraction(1, 2)),
        ("2**3**2", Fraction(512)),
        ("-3^2", Fraction(-9)),
        ("1,000 + 2", Fraction(1002)),
        ("50%", Fraction(1, 2)),
        ("7 // 2", Fraction(3)),
        ("3 × 4 ÷ 6", Fraction(2)),
        (".5 + 1.25", Fraction(7, 4)),
    ],
)
def test_values(text: str, value: Fraction) -> None:
    assert evaluate(parse(text)) == value


def test_variables_and_implicit_multiplication() -> None:
    node = parse("2x(x + 1) - 3y")
    assert sorted(variables(node)) == ["x", "y"]
    assert evaluate(node, {"x": Fraction(2), "y": Fraction(1)}) == 9
    with pytest.raises(ExactDomainError):
        evaluate(node, {"x": Fraction(1)})


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("10**10**10", "exponent"),
        ("9**9**9**9", "exponent"),
        ("2^4000 * 2^4000", "bits"),
        ("(" * 60 + "1" + ")" * 60, "depth"),
        ("(" * 5000 + "1" + ")" * 5000, "chars"),
        ("-" * 100 + "1", "depth"),
        ("9" * 401, "digits"),
        ("1+" * 400 + "1", "tokens"),
    ],
)
def test_limits_reject_fast(text: str, limit: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ExactLimitError) as info:
        evaluate(parse(text))
    assert info.value.limit == limit
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("text", ["", "1 +", "(1", "1)", "2 3", "x y =", "#", "1/0"])
def test_bad_input_is_typed(text: str) -> None:
    with pytest.raises((ExactSyntaxError, ExactDomainError)):
        evaluate(parse(text))


def test_literal_places_and_format() -> None:
    assert literal_places(parse("0.33")) == 2
    assert literal_places(parse("-1.5")) == 1
    assert literal_places(parse("33.3%")) == 3
    assert literal_places(parse("1/3")) is None
    assert literal_places(parse("1e-10")) is None
    assert literal_places(parse("1.5e3")) == -2
    assert literal_places(parse("1.5 * 10^3")) == -2
    assert format_fraction(Fraction(-7, 2)) == "-7/2"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-*/^().%x ,", max_size=80))
def test_fuzz_arithmetic_alphabet(text: str) -> None:
    with contextlib.suppress(ExactError):
        evaluate(parse(text), {"x": Fraction(3)})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_any_text(text: str) -> None:
    with contextlib.suppress(ExactError):
        evaluate(parse(text))
