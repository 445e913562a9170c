"""Parser of FOLIO-notation first-order formulas (a `lark` LALR grammar) with hard limits.

Operators, loosest binding first: `↔` (`<->`), `→` (`->`, right-associative), `⊕` (`^`),
`∨` (`|`), `∧` (`&`), then the prefix operators `¬` (`~`), `∀x` (`forall x`) and `∃x`
(`exists x`), which bind tightest: `∀x P(x) → Q(x)` is `(∀x P(x)) → Q(x)`, so write
`∀x (P(x) → Q(x))`. Atoms are `Pred(a, b)` or a bare `Name` (arity 0). Names are ASCII
letters, digits and `_`; any other character is rejected with its column, so a Cyrillic `а`
posing as a Latin `a` cannot smuggle in a new constant.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from agentdata.envs.logic.errors import FormulaError
from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant

MAX_FORMULA_CHARS = 4000
MAX_NODES = 600
MAX_DEPTH = 64
MAX_QUANTIFIER_DEPTH = 8
MAX_ARITY = 8
OPERATOR_CHARS = frozenset("∀∃¬∧∨⊕→↔")

GRAMMAR = r"""
?start: iff
?iff: imp
    | iff IFF imp -> iff
?imp: xor
    | xor IMP imp -> imp
?xor: disj
    | xor XOR disj -> xor
?disj: conj
    | disj OR conj -> or_
?conj: unary
    | conj AND unary -> and_
?unary: NOT unary -> neg
    | quantifier NAME unary -> quant
    | NAME "(" NAME ("," NAME)* ")" -> atom
    | NAME -> prop
    | "(" iff ")"
quantifier: FORALL | EXISTS | ALL_SYM | EX_SYM
FORALL: "forall"
EXISTS: "exists"
ALL_SYM: "∀"
EX_SYM: "∃"
NOT: "¬" | "~"
AND: "∧" | "&"
OR: "∨" | "|"
XOR: "⊕" | "^"
IMP: "→" | "->"
IFF: "↔" | "<->"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /[ \t\r\n]+/
"""


@dataclass(frozen=True, slots=True)
class _Built:
    """A subformula with its measures, checked against the limits as it is reduced."""

    node: Formula
    nodes: int
    depth: int
    quantifiers: int


def _check(built: _Built) -> _Built:
    if built.nodes > MAX_NODES:
        raise FormulaError(f"formula has more than {MAX_NODES} nodes", limit="nodes")
    if built.depth > MAX_DEPTH:
        raise FormulaError(f"formula nests deeper than {MAX_DEPTH}", limit="depth")
    if built.quantifiers > MAX_QUANTIFIER_DEPTH:
        raise FormulaError(
            f"more than {MAX_QUANTIFIER_DEPTH} nested quantifiers", limit="quantifier_depth"
        )
    return built


class _Build(Transformer[Token, _Built]):
    """Inline (LALR) transformer: builds the AST bottom-up, no recursion."""

    def atom(self, children: list[Any]) -> _Built:
        name, *args = (str(c) for c in children)
        if len(args) > MAX_ARITY:
            raise FormulaError(
                f"predicate {name} has more than {MAX_ARITY} arguments", limit="arity"
            )
        return _Built(Atom(name, tuple(args)), 1 + len(args), 1, 0)

    def prop(self, children: list[Any]) -> _Built:
        return _Built(Atom(str(children[0])), 1, 1, 0)

    def neg(self, children: list[Any]) -> _Built:
        b: _Built = children[1]
        return _check(_Built(Not(b.node), b.nodes + 1, b.depth + 1, b.quantifiers))

    def quantifier(self, children: list[Any]) -> str:
        return "all" if children[0].type in ("FORALL", "ALL_SYM") else "ex"

    def quant(self, children: list[Any]) -> _Built:
        kind, var, b = children[0], str(children[1]), children[2]
        node = Quant(kind, var, b.node)
        return _check(_Built(node, b.nodes + 1, b.depth + 1, b.quantifiers + 1))

    def _binary(self, op: str, children: list[Any]) -> _Built:
        left, right = children[0], children[2]
        return _check(
            _Built(
                Bin(op, left.node, right.node),
                left.nodes + right.nodes + 1,
                max(left.depth, right.depth) + 1,
                max(left.quantifiers, right.quantifiers),
            )
        )

    def iff(self, children: list[Any]) -> _Built:
        return self._binary("iff", children)

    def imp(self, children: list[Any]) -> _Built:
        return self._binary("imp", children)

    def xor(self, children: list[Any]) -> _Built:
        return self._binary("xor", children)

    def or_(self, children: list[Any]) -> _Built:
        return self._binary("or", children)

    def and_(self, children: list[Any]) -> _Built:
        return self._binary("and", children)


@cache  # the grammar tables are built once per process; the parser object is stateless
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", transformer=_Build(), maybe_placeholders=False)


def _scan(text: str) -> None:
    """Reject characters the grammar would only report vaguely (look-alikes, controls)."""
    for index, ch in enumerate(text):
        if ch.isascii() and (ch.isprintable() or ch in " \t\r\n"):
            continue
        if ch in OPERATOR_CHARS:
            continue
        name = unicodedata.name(ch, "unnamed")
        folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        hint = f" (looks like {folded!r})" if folded.isalnum() else ""
        raise FormulaError(
            f"column {index + 1}: character {ch!r} U+{ord(ch):04X} {name}{hint} is not allowed;"
            " names are ASCII letters, digits and _",
            text=text,
            column=index + 1,
        )


def parse_formula(text: str) -> Formula:
    """Parse one formula; raise FormulaError (with `column`) when it does not parse or is
    beyond the limits (characters, nodes, depth, nested quantifiers, arity)."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(
            f"formula longer than {MAX_FORMULA_CHARS} characters", text=text[:80], limit="chars"
        )
    if not text.strip():
        raise FormulaError("empty formula", text=text, column=1)
    _scan(text)
    try:
        built = _parser().parse(text)
    except FormulaError as exc:
        exc.text = text
        raise
    except VisitError as exc:
        if isinstance(exc.orig_exc, FormulaError):
            exc.orig_exc.text = text
            raise exc.orig_exc from None
        raise
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    assert isinstance(built, _Built)
    return built.node


def _syntax_error(text: str, exc: UnexpectedInput) -> FormulaError:
    token = getattr(exc, "token", None)
    at_end = token is not None and getattr(token, "type", "") == "$END"
    if isinstance(exc, UnexpectedEOF) or at_end or getattr(exc, "column", -1) in (-1, None):
        column = len(text.rstrip()) + 1
        return FormulaError(f"column {column}: formula ends too early", text=text, column=column)
    column = int(exc.column)
    if isinstance(exc, UnexpectedCharacters):
        what = f"unexpected character {text[int(exc.pos_in_stream or 0)]!r}"
    else:
        what = f"unexpected {str(token)!r}" if token is not None else "syntax error"
    pointer = text.replace("\n", " ") + "\n" + " " * (column - 1) + "^"
    return FormulaError(f"column {column}: {what}\n{pointer}", text=text, column=column)
