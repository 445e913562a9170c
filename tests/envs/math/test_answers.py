"""Final-answer comparison: forms, tolerance, unparseable apart from wrong."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentdata.envs.math.answers import compare, parse_answer
from agentdata.envs.math.errors import AnswerParseError


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ("72", "72"),
        ("\\boxed{72}", "72"),
        ("$1,000", "1000"),
        ("\\$1,000.00", "1,000"),
        ("\\frac{3}{4}", "3/4"),
        ("\\dfrac{-3}{4}", "-0.75"),
        ("0.75", "3/4"),
        ("0.33", "1/3"),
        ("72 clips", "72"),
        ("25%", "25"),
        ("The answer is 5", "5"),
        ("x = 5", "x = 5"),
        ("5", "x = 5"),
        ("3, -2", "-2, 3"),
        ("x = -2 or x = 3", "-2, 3"),
        ("{-2, 3}", "-2, 3"),
        ("y = 2, x = 1", "x = 1, y = 2"),
        ("\\boxed{\\frac{1}{2}}", "0.5"),
    ],
)
def test_equal(got: str, expected: str) -> None:
    assert compare(got, expected).correct


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ("73", "72"),
        ("0.3", "1/3"),
        ("0.34", "1/3"),
        ("3", "-2, 3"),
        ("x = 2, y = 1", "x = 1, y = 2"),
        ("1,5", "15"),
    ],
)
def test_wrong(got: str, expected: str) -> None:
    assert not compare(got, expected).correct


@pytest.mark.parametrize("got", ["", "banana", "\\sqrt{2}", "x + 1", "1 +", "9**9**9**9"])
def test_unparseable_is_not_wrong(got: str) -> None:
    with pytest.raises(AnswerParseError):
        compare(got, "72")


def test_items() -> None:
    items = parse_answer("x = 1/2, y = -3")
    assert [(i.var, str(i.value)) for i in items] == [("x", "1/2"), ("y", "-3")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_fuzz(text: str) -> None:
    with contextlib.suppress(AnswerParseError):
        compare(text, "42")
