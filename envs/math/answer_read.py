"""Read a final answer (gold or submitted) into a typed structure, without any evaluation.

Kinds (see envs/math/README.md): `Scalar` (a number or expression: `\\frac43`, `3\\sqrt2`,
`2\\pi`, `3+4i`, `1.5e-3`, `30^\\circ`, `25\\%`, `\\$1,000`), `Equation` (`y = 2x + 3`),
`Choice` (`\\text{(A)}`, `(A)`, `A`), `Word` (`\\text{Monday}`), `Based` (`1011_2`),
`Group` (`\\{1, 2\\}` is a set; `1, 2` / `x = 1 or x = 2` a list of solutions), `Bracketed`
(ordered tuples, points and intervals: `(1, 2)`, `[1, 2)`, `(-\\infty, 3]`), `Union`
(`(-\\infty, 2] \\cup (3, 5)`) and `Matrix` (`pmatrix` / `bmatrix`, vectors included). Text
that fits none of them raises AnswerParseError naming what could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentdata.envs.math.answer_words import boxed_content, strip_words
from agentdata.envs.math.errors import AnswerParseError, ExactError
from agentdata.envs.math.exact import Node, parse
from agentdata.envs.math.latex import to_plain
from agentdata.envs.math.relations import inequality_interval, membership

MAX_ANSWER_CHARS = 1_000
MAX_ITEMS = 16
MAX_NESTING = 4


@dataclass(frozen=True, slots=True)
class Scalar:
    """A number or expression (variables allowed)."""

    node: Node
    text: str


@dataclass(frozen=True, slots=True)
class Equation:
    """`lhs = rhs`; a bare value matches the right-hand side when lhs is one letter."""

    lhs: Node
    rhs: Node
    text: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A multiple-choice letter A-E."""

    letter: str


@dataclass(frozen=True, slots=True)
class Word:
    """A word answer (`\\text{Tuesday}`), compared case- and space-insensitively."""

    text: str


@dataclass(frozen=True, slots=True)
class Based:
    """A numeral in a base (`1011_2`): its digits and base."""

    digits: str
    base: int


@dataclass(frozen=True, slots=True)
class Group:
    """`set` (`\\{1, 2\\}`: order and repeats ignored) or `list` (solutions: order ignored,
    repeats count)."""

    kind: str
    items: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class Bracketed:
    """An ordered tuple, point or interval with its brackets (`[1, 2)`)."""

    open: str
    close: str
    items: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class Union:
    """A union of intervals (order of the parts ignored)."""

    parts: tuple[Bracketed, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    """A matrix or vector: rows of entries."""

    rows: tuple[tuple[Answer, ...], ...]


Answer = Scalar | Equation | Choice | Word | Based | Group | Bracketed | Union | Matrix

_LEAD = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|result)(?:\s+is)?\s*[:=]?\s*", re.I)
_DROP = re.compile(r"\\left(?![a-z])|\\right(?![a-z])|\\displaystyle|\\!|\\\$|\$")
_DIGIT_SPACE = re.compile(r"(?<=\d)\\,(?=\d{3})")
_CHOICE = re.compile(r"^(?:\\text(?:bf)?\s*\{\s*)?\(?\s*([A-E])\s*\)?(?:\s*\})?$")
_CHOICE_PREFIX = re.compile(r"^(?:\\text(?:bf)?\s*\{\s*)?\(([A-E])\)")
_OTHER_CHOICE = re.compile(r"\(\s*[A-E]\s*\)|(?<![A-Za-z])[A-E](?![A-Za-z])")
_TEXT_WORD = re.compile(r"^\\(?:text|mbox|textbf|mathrm)\s*\{\s*([A-Za-z][A-Za-z '\-]*)\}$")
_PLAIN_WORD = re.compile(r"^[A-Za-z]{3,}(?: [A-Za-z]+)*$")
_BASED = re.compile(r"^([0-9A-Za-z]+)_\{?(\d{1,2})\}?$")
_MATRIX = re.compile(r"^\\begin\{([pbBvV]?matrix)\}(.*)\\end\{\1\}$", re.S)
_LETTERS = re.compile(r"[A-Za-z]{3,}")
_IMAG = re.compile(r"(?<![A-Za-z])i(?![A-Za-z])")
_SEPARATORS = (r"\cup", "∪")
_WORD_SPLIT = re.compile(r"\s+(?:and|or)\s+|\\text\s*\{\s*(?:and|or|,)\s*\}|\\quad|;")
_PLUS_MINUS = re.compile(r"\\pm(?![A-Za-z])|±")
_OPEN, _CLOSE = "([{", ")]}"


def clean(text: str) -> str:
    """The answer without `\\boxed`, math delimiters, sizing commands and leading prose."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerParseError(f"answer longer than {MAX_ANSWER_CHARS} characters")
    boxed = boxed_content(text)
    out = _DROP.sub("", boxed if boxed is not None else text)
    out = _DIGIT_SPACE.sub("", out).replace("\\%", "%").replace("\\{", "⦃").replace("\\}", "⦄")
    out = _LEAD.sub("", out.strip()).strip()
    return out.rstrip(".").strip()


def split_top(text: str, separator: str) -> list[str]:
    """Split on `separator` outside brackets; a comma followed by 3 digits is a thousands mark."""
    parts: list[str] = []
    depth, start, pos = 0, 0, 0
    while pos < len(text):
        char = text[pos]
        if char in "([{⦃":
            depth += 1
        elif char in ")]}⦄":
            depth -= 1
        elif depth == 0 and text.startswith(separator, pos):
            thousands = (
                separator == ","
                and pos > 0
                and text[pos - 1].isdigit()
                and re.match(r",\d{3}(?!\d)", text[pos:]) is not None
            )
            if not thousands:
                parts.append(text[start:pos])
                start = pos + len(separator)
                pos = start
                continue
        pos += 1
    parts.append(text[start:])
    return parts


def _encloses(text: str) -> bool:
    """Whether the first character's bracket closes at the last character."""
    depth = 0
    for pos, char in enumerate(text):
        depth += (char in "([{⦃") - (char in ")]}⦄")
        if depth == 0:
            return pos == len(text) - 1
    return False


def choice_of(text: str) -> str | None:
    """The multiple-choice letter of an answer (`\\text{(B)}`, `(B) 12`, `B`), or None; None
    also when another letter follows the first (`(A) or (B)` hedges)."""
    cleaned = clean(text)
    match = _CHOICE.match(cleaned)
    if (
        match is None
        and (match := _CHOICE_PREFIX.match(cleaned)) is not None
        and _OTHER_CHOICE.search(cleaned[match.end() :])
    ):
        return None
    return match.group(1) if match else None


def _scalar(text: str) -> Scalar:
    plain = to_plain(text).replace("⦃", "(").replace("⦄", ")")
    plain = strip_words(plain.strip()).rstrip("%").strip()
    if not plain:
        raise AnswerParseError(f"no value in {text!r}")
    if (word := _LETTERS.search(plain)) is not None:  # `five` is a word, not f*i*v*e
        raise AnswerParseError(f"cannot read {text.strip()[:80]!r}: the word {word.group(0)!r}")
    plain = _IMAG.sub("ⅈ", plain)
    try:
        return Scalar(parse(plain), text.strip())
    except ExactError as exc:
        raise AnswerParseError(f"cannot read {text.strip()[:80]!r}: {exc}") from exc


def _items(parts: list[str], depth: int) -> tuple[Answer, ...]:
    if len(parts) > MAX_ITEMS:
        raise AnswerParseError(f"more than {MAX_ITEMS} values in one answer")
    if any(not part.strip() for part in parts):
        raise AnswerParseError("an empty item in a list")
    return tuple(_read(part.strip(), depth + 1) for part in parts)


def _matrix(body: str, depth: int) -> Matrix:
    rows = [row for row in re.split(r"\\\\", body) if row.strip()]
    if not rows or len(rows) > MAX_ITEMS:
        raise AnswerParseError("a matrix needs 1 to 16 rows")
    cells = tuple(_items(row.split("&"), depth) for row in rows)
    if len({len(row) for row in cells}) != 1:
        raise AnswerParseError("matrix rows of different lengths")
    return Matrix(cells)


def _read(text: str, depth: int, words: bool = False) -> Answer:
    if depth > MAX_NESTING:
        raise AnswerParseError("answer nested too deeply")
    if not text:
        raise AnswerParseError("empty answer")
    if (member := membership(text)) is not None:  # `x \in [1, 2)`
        return _read(member.strip(), depth + 1, words)
    if (matrix := _MATRIX.match(text)) is not None:
        return _matrix(matrix.group(2), depth)
    if (choice := _CHOICE.match(text)) is not None:
        return Choice(choice.group(1))
    if (word := _TEXT_WORD.match(text)) is not None:
        return Word(" ".join(word.group(1).lower().split()))
    if words and _PLAIN_WORD.match(text):
        return Word(" ".join(text.lower().split()))
    for sep in _SEPARATORS:
        pieces = split_top(text, sep)
        if len(pieces) > 1:
            parts = _items(pieces, depth)
            if all(isinstance(p, Group) and p.kind == "set" for p in parts):  # a union of sets
                members = tuple(i for p in parts if isinstance(p, Group) for i in p.items)
                if len(members) > MAX_ITEMS:
                    raise AnswerParseError(f"more than {MAX_ITEMS} values in one answer")
                return Group("set", members)
            if not all(isinstance(p, Bracketed) and len(p.items) == 2 for p in parts):
                raise AnswerParseError("a union of things that are not intervals")
            return Union(tuple(p for p in parts if isinstance(p, Bracketed)))
    if text[0] == "⦃" and text[-1] == "⦄" and _encloses(text):
        return Group("set", _items(split_top(text[1:-1], ","), depth) if text[1:-1].strip() else ())
    if text[0] in "([" and text[-1] in ")]" and _encloses(text):
        inner = split_top(text[1:-1], ",")
        if len(inner) > 1:
            return Bracketed(text[0], text[-1], _items(inner, depth))
    pieces = [p for chunk in split_top(text, ",") for p in _WORD_SPLIT.split(chunk)]
    if len(pieces) > 1:
        return Group("list", _items(pieces, depth))
    if len(pm := _PLUS_MINUS.findall(text)) == 1:  # `a \pm b`: the two solutions a + b, a - b
        plus, minus = (_PLUS_MINUS.sub(sign, text) for sign in ("+", "-"))
        return Group("list", (_read(plus, depth + 1), _read(minus, depth + 1)))
    if pm:
        raise AnswerParseError("more than one \\pm in an answer")
    if (interval := inequality_interval(text)) is not None:  # `x \geq 3`: [3, \infty)
        return _read(interval, depth + 1)
    sides = split_top(text, "=")
    if len(sides) == 2:
        lhs, rhs = _scalar(sides[0]), _scalar(sides[1])
        return Equation(lhs.node, rhs.node, text)
    if len(sides) > 2:
        raise AnswerParseError("more than one `=` in an answer")
    if (based := _BASED.match(text)) is not None:
        digits, base = based.group(1), int(based.group(2))
        try:
            int(digits, base)
        except ValueError as exc:
            raise AnswerParseError(f"{digits!r} is not a numeral in base {base}") from exc
        return Based(digits.upper(), base)
    return _scalar(text)


def read_answer(text: str, *, words: bool = True) -> Answer:
    """Read an answer; raise AnswerParseError (with the reason) when it cannot be read.

    `words`: whether a plain word (`Tuesday`, no `\\text{}`) is a Word answer; submissions
    are read with it only when the gold is a word, so `five` for 5 is a format error."""
    return _read(clean(text), 0, words)
