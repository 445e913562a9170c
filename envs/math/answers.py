"""Final-answer comparison: numbers, fractions, decimals and simple LaTeX, exactly.

Accepted forms: `72`, `-3/4`, `1,000` (thousands separators), `0.25`, `25%` (compared as 25),
`$1,200.50`, `\\$5`, `\\boxed{...}`, `\\frac{a}{b}` (also `\\dfrac`, `\\tfrac`), `\\cdot`,
`\\times`, trailing unit words (`72 clips`), lists `-2, 3` / `x = 1, y = 2` / `{-2, 3}` /
`x = -2 or x = 3`.

Tolerance (documented in envs/math/README.md): values are exact rationals and must be equal,
except that a decimal written with k >= 2 decimals also matches when it is the expected value
correctly rounded to k places (|got - expected| <= 0.5 * 10^-k), and any value within a
relative 1e-9 of the expected one matches. Lists without variable names compare as sets of
values; lists with names compare by name. A text that cannot be read is an AnswerParseError
(reported as a format error), never a wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from agentdata.envs.math.errors import AnswerParseError, ExactError
from agentdata.envs.math.exact import evaluate, format_fraction, literal_places, parse, variables

MAX_ANSWER_CHARS = 1_000
ANSWER_MIN_PLACES = 2
REL_TOL = Fraction(1, 10**9)

_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_TEXT = re.compile(r"\\(?:text|mathrm|textbf|mbox)\s*\{[^{}]*\}")
_DROP = re.compile(r"\\[!,;: ]|\\left|\\right|\\displaystyle|\\\$|\$")
_LEAD = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|result)(?:\s+is)?\s*[:=]?\s*", re.I)
_UNITS = re.compile(r"(?:\s+[A-Za-z]{2,}\.?)+$")
_SPLIT = re.compile(r",(?!\d{3}(?:\D|$))|;|\s+(?:and|or)\s+")
_NAMED = re.compile(r"^\s*([A-Za-z])\s*=\s*(.+)$", re.S)


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """One value of an answer, with its variable name when one was given."""

    var: str | None
    value: Fraction
    places: int


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """Result of comparing an answer with the expected one."""

    correct: bool
    got: list[str]
    expected: list[str]
    reason: str


def boxed_content(text: str) -> str | None:
    """Content of the last `\\boxed{...}` (balanced braces), or None."""
    start = text.rfind("\\boxed")
    if start < 0:
        return None
    brace = text.find("{", start)
    if brace < 0:
        return None
    depth = 0
    for pos in range(brace, len(text)):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return text[brace + 1 : pos]
    return None


def normalize(text: str) -> str:
    """Reduce LaTeX, currency and prose around an answer to plain arithmetic text."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerParseError(f"answer longer than {MAX_ANSWER_CHARS} characters")
    boxed = boxed_content(text)
    out = (boxed if boxed is not None else text).strip()
    out = _TEXT.sub(" ", _DROP.sub("", out))
    for _ in range(8):  # innermost \frac first; 8 levels is plenty for an answer
        new = _FRAC.sub(r"((\1)/(\2))", out)
        if new == out:
            break
        out = new
    out = out.replace("\\cdot", "*").replace("\\times", "*").replace("\\div", "/")
    out = out.replace("{", "(").replace("}", ")")
    out = _LEAD.sub("", out.strip()).strip().rstrip(".").strip()
    out = _UNITS.sub("", out).strip()
    if (
        len(out) >= 2
        and out[0] in "([{"
        and out[-1] in ")]}"
        and _SPLIT.search(out[1:-1])
        and "(" not in out[1:-1]
    ):
        out = out[1:-1]
    return out


def parse_answer(text: str) -> list[AnswerItem]:
    """Read an answer into its values; raise AnswerParseError when it cannot be read."""
    plain = normalize(text)
    if not plain:
        raise AnswerParseError("empty answer")
    items: list[AnswerItem] = []
    for raw in _SPLIT.split(plain):
        piece = raw.strip().rstrip("%").strip()
        if not piece:
            raise AnswerParseError(f"empty item in answer {plain!r}")
        named = _NAMED.match(piece)
        var = named.group(1) if named else None
        expr = named.group(2).strip().rstrip("%").strip() if named else piece
        try:
            node = parse(expr)
            if variables(node):
                raise AnswerParseError(f"answer item {expr!r} is not a number")
            items.append(AnswerItem(var, evaluate(node), literal_places(node)))
        except ExactError as exc:
            raise AnswerParseError(f"cannot read {expr!r}: {exc}") from exc
        if len(items) > 16:
            raise AnswerParseError("more than 16 values in one answer")
    return items


def values_match(got: Fraction, places: int, expected: Fraction, min_places: int) -> bool:
    """Exact equality, correct rounding to the written decimals (>= min_places), or rel 1e-9."""
    diff = abs(got - expected)
    if diff <= REL_TOL * max(Fraction(1), abs(expected)):
        return True
    return places >= min_places and diff <= Fraction(1, 2 * 10**places)


def _text(items: list[AnswerItem]) -> list[str]:
    return [(f"{i.var} = " if i.var else "") + format_fraction(i.value) for i in items]


def _dedupe(items: list[AnswerItem]) -> list[AnswerItem]:
    seen: list[AnswerItem] = []
    for item in items:
        if all(item.value != other.value for other in seen):
            seen.append(item)
    return seen


def compare(got_text: str, expected_text: str) -> AnswerCheck:
    """Compare an agent's answer with the expected one (AnswerParseError if unreadable)."""
    got = parse_answer(got_text)
    expected = parse_answer(expected_text)
    got_s, exp_s = _text(got), _text(expected)
    named = all(item.var for item in expected) and all(item.var for item in got)
    if named:
        by_var = {str(item.var): item for item in got}
        if len(by_var) != len(got) or sorted(by_var) != sorted(str(i.var) for i in expected):
            return AnswerCheck(False, got_s, exp_s, "variables differ from the expected ones")
        for exp in expected:
            item = by_var[str(exp.var)]
            if not values_match(item.value, item.places, exp.value, ANSWER_MIN_PLACES):
                return AnswerCheck(False, got_s, exp_s, f"wrong value for {exp.var}")
        return AnswerCheck(True, got_s, exp_s, "equal")
    if not any(item.var for item in expected):  # a set of values: order-free, duplicates merged
        got, expected = _dedupe(got), _dedupe(expected)
        got = sorted(got, key=lambda i: i.value)
        expected = sorted(expected, key=lambda i: i.value)
    if len(got) != len(expected):
        return AnswerCheck(
            False, got_s, exp_s, f"expected {len(expected)} value(s), got {len(got)}"
        )
    for item, exp in zip(got, expected, strict=True):
        if not values_match(item.value, item.places, exp.value, ANSWER_MIN_PLACES):
            return AnswerCheck(False, got_s, exp_s, "values differ")
    return AnswerCheck(True, got_s, exp_s, "equal")
