"""Final answers: every kind loads as a gold, matches itself and an equivalent form, and
rejects a near miss; each comparison rule of envs/math/README.md is tested both ways."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentdata.envs.math.answer_read import read_answer
from agentdata.envs.math.answers import compare, compare_read
from agentdata.envs.math.errors import AnswerParseError

# kind, gold, an equivalent submission, a near miss that must be rejected
KINDS = [
    ("integer", "72", "\\boxed{72}", "73"),
    ("frac shorthand", "\\frac43", "\\dfrac{4}{3}", "\\frac34"),
    ("tfrac", "\\tfrac{1}{2}", "1/2", "\\tfrac{1}{3}"),
    ("sqrt shorthand", "\\sqrt2", "\\sqrt{2}", "\\sqrt3"),
    ("radical", "\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt2}", "\\frac{\\sqrt{3}}{2}"),
    ("nth root", "\\sqrt[3]{x}", "x^{1/3}", "\\sqrt{x}"),
    ("pi", "2\\pi", "\\pi \\cdot 2", "3\\pi"),
    ("infinity", "\\infty", "\\infty", "-\\infty"),
    ("degrees", "30^\\circ", "30^{\\circ}", "31^\\circ"),
    ("text unit", "5\\text{ cm}", "5", "6 \\mbox{ cm}"),
    ("word", "\\text{Tuesday}", "tuesday", "\\text{Monday}"),
    ("dollars", "\\$1,200.50", "1200.5", "\\$1,200.05"),
    ("percent", "25\\%", "25", "26\\%"),
    ("thousands", "1,000,000", "1{,}000{,}000", "100,000"),
    ("scientific", "1.5 \\times 10^{3}", "1500", "1.5 \\times 10^{4}"),
    ("e notation", "2.5e-3", "0.0025", "2.5e-4"),
    ("base subscript", "1011_2", "1011", "1101_2"),
    ("complex", "3+4i", "4i + 3", "3-4i"),
    ("equation", "y = 2x + 3", "2x + 3", "y = 2x - 3"),
    ("set", "\\{1, 2\\}", "\\{2, 1\\}", "\\{1, 3\\}"),
    ("interval", "[1, 2)", "[1,2)", "[1, 2]"),
    (
        "union",
        "(-\\infty, 2] \\cup (3, 5)",
        "(3, 5) \\cup (-\\infty, 2]",
        "(-\\infty, 2) \\cup (3, 5)",
    ),
    ("ordered tuple", "(1, 2)", "(1,2)", "(2, 1)"),
    ("solution list", "-2, 3", "x = 3 \\text{ or } x = -2", "-2, 2"),
    ("named values", "x = 1, y = 2", "y = 2, x = 1", "x = 2, y = 1"),
    ("choice", "\\text{(A)}", "A", "(B)"),
    ("choice paren", "(C)", "\\textbf{(C)} 12", "D"),
    (
        "pmatrix",
        "\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}",
        "\\begin{bmatrix}1\\\\-2\\end{bmatrix}",
        "\\begin{pmatrix} -2 \\\\ 1 \\end{pmatrix}",
    ),
    (
        "bmatrix",
        "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
        "\\begin{bmatrix} 1 & 3 \\\\ 2 & 4 \\end{bmatrix}",
    ),
]


@pytest.mark.parametrize(("kind", "gold", "same", "near"), KINDS, ids=[k[0] for k in KINDS])
def test_kind_loads_matches_and_rejects_a_near_miss(
    kind: str, gold: str, same: str, near: str
) -> None:
    read_answer(gold)  # loads as a gold
    assert compare(gold, gold).correct, "self-match"
    assert compare(same, gold).correct, "equivalent form"
    assert not compare(near, gold).correct, "near miss"


# rule, (accepted got, gold), (rejected got, gold)
RULES = [
    ("rationals exact", ("\\frac{2}{6}", "1/3"), ("\\frac{1}{2^{99}}", "\\frac{1}{2^{98}}")),
    ("integers exact", ("10^9", "1000000000"), ("1000000001", "10^9")),
    ("big integers exact", ("10^{100}+1", "10^{100}+1"), ("10^{100}+1", "10^{100}")),
    ("radicals exact", ("2\\sqrt{2}", "\\sqrt{8}"), ("\\sqrt{2}", "\\sqrt{2}+10^{-12}")),
    ("gold rounded decimal", ("1/3", "0.33"), ("1/4", "0.33")),
    ("submitted rounded decimal", ("0.33", "1/3"), ("0.3", "1/3")),
    ("decimal of an irrational", ("1.41", "\\sqrt2"), ("1.42", "\\sqrt2")),
    ("two decimals compare exactly", ("0.50", "0.5"), ("0.333", "0.33")),
    ("no decimal point: exact", ("0.0000000001", "1e-10"), ("0", "1e-10")),
    ("e notation is exact", ("1e-10", "1e-10"), ("2e-10", "1e-10")),
    ("scientific precision", ("1523", "1.5 \\times 10^{3}"), ("1.5 \\times 10^{3}", "1523")),
    ("interval brackets", ("[1, 2)", "[1, 2)"), ("[1, 2)", "[1, 2]")),
    ("points are ordered", ("(1, 2)", "(1, 2)"), ("(2, 1)", "(1, 2)")),
    ("repeats count in lists", ("2, 2", "2, 2"), ("2, 2", "2")),
    ("sets ignore repeats", ("\\{2, 2, 1\\}", "\\{1, 2\\}"), ("\\{1\\}", "\\{1, 2\\}")),
    ("equations vs rhs", ("5", "x = 5"), ("x = 5", "x = 6")),
    ("symbolic exact", ("(x+1)^2", "x^2 + 2x + 1"), ("x^2 + 1", "(x+1)^2")),
    ("complex exact", ("(1+i)^2", "2i"), ("2", "2i")),
    ("percent as written", ("25\\%", "25"), ("0.25", "25\\%")),
    (
        "union of sets is a set",
        ("\\{1\\} \\cup \\{2, 3\\}", "\\{1, 2, 3\\}"),
        ("\\{1\\} \\cup \\{3\\}", "\\{1, 2, 3\\}"),
    ),
    ("membership", ("x \\in [1, 2)", "[1, 2)"), ("x \\in [1, 2]", "[1, 2)")),
    ("one-sided inequality", ("x \\geq 3", "[3, \\infty)"), ("x > 3", "[3, \\infty)")),
    ("bound on the left", ("3 > x", "(-\\infty, 3)"), ("3 < x", "(-\\infty, 3)")),
    ("two-sided inequality", ("1 \\le x < 2", "[1, 2)"), ("1 < x < 2", "[1, 2)")),
    ("an inequality is not a value", ("x = 2", "2"), ("x \\geq 2", "2")),
    ("plus-minus is two solutions", ("2, -2", "\\pm 2"), ("2", "\\pm 2")),
]


@pytest.mark.parametrize(("rule", "accepted", "rejected"), RULES, ids=[r[0] for r in RULES])
def test_rule_both_ways(rule: str, accepted: tuple[str, str], rejected: tuple[str, str]) -> None:
    assert compare(*accepted).correct, f"{rule}: {accepted} should match"
    assert not compare(*rejected).correct, f"{rule}: {rejected} should not match"


@pytest.mark.parametrize(
    "gold",
    ["\\frac{1}{", "\\unknown{3}", "1 +", "\\begin{pmatrix}1 & 2\\\\3\\end{pmatrix}", "1012_2", ""],
)
def test_unreadable_gold_is_a_parse_error(gold: str) -> None:
    with pytest.raises(AnswerParseError):
        read_answer(gold)


@pytest.mark.parametrize("got", ["", "\\frac{1}{", "1 +", "9**9**9**9", "x = = 2"])
def test_unparseable_is_not_wrong(got: str) -> None:
    with pytest.raises(AnswerParseError):
        compare(got, "72")


def test_reasons_name_the_kind() -> None:
    check = compare("(1, 2)", "\\{1, 2\\}")
    assert not check.correct and "bracketed" in check.reason
    assert compare("73", "72").reason == "values differ"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_fuzz(text: str) -> None:
    with contextlib.suppress(AnswerParseError):
        compare(text, "42")
        compare(text, "\\{1, \\sqrt2\\}")


@given(st.integers(-(10**17), 10**17), st.integers(-(10**17), 10**17), st.booleans())
def test_plain_integer_fast_path_agrees_with_the_reader(a: int, b: int, same: bool) -> None:
    got, expected = str(a), str(a if same else b)
    assert compare(got, expected) == compare_read(got, expected)
