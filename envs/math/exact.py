"""Safe exact-rational arithmetic: a bounded tokenizer, parser and evaluator (no `eval`).

Expressions parse into a small tuple AST (picklable, so the sympy worker can rebuild them) and
evaluate to `fractions.Fraction`. Every resource is bounded before it is spent: input length,
token count, nesting depth, literal digits, exponent size and the bit length of every
intermediate value. `10**10**10` or `9**9**9**9` is rejected from the exponent's size before any
power is computed, and 10,000 nested parentheses fail on the length or depth limit at once.

Grammar (usual precedence, `^`/`**` right-associative, implicit multiplication as in `2x` or
`3(x+1)`, postfix `%` divides by 100)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/" | "//" | implicit) unary)*
    unary := ("-" | "+") unary | power
    power := postfix (("^" | "**") unary)?
    postfix := atom "%"*
    atom  := NUMBER | LETTER | CONST | "(" expr ")"

Variables are single ASCII letters (`xy` is `x*y`). Numbers may use scientific notation
(`1.5e-3`). Constants `π`, `∞` and `ⅈ` (the imaginary unit) have no rational value: they parse,
and only the symbolic verifier can compare them. A rational exponent is exact when the result
is rational (`8^(1/3)` is 2, `2^(1/2)` is left to the symbolic verifier).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from agentdata.envs.math.errors import (
    ExactDomainError,
    ExactError,
    ExactLimitError,
    ExactSyntaxError,
)
from agentdata.envs.math.powers import MAX_BITS, power

MAX_CHARS = 2_000
MAX_TOKENS = 600
MAX_DEPTH = 48
MAX_LITERAL_DIGITS = 400

Node = tuple[object, ...]
"""AST node: ("num", Fraction, places) | ("var", name) | ("neg", a) | ("pct", a) |
("const", "pi"|"inf"|"i") | ("add"|"sub"|"mul"|"div"|"floordiv"|"pow", a, b); `places`: the
decimal places written (`0.33` -> 2, `1.5e3` -> -2), or None for a literal without a decimal
point (exact)."""

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>(?:\d+(?:\.\d*)?|\.\d+)[eE][-+]?\d{1,4}(?![\d.])"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d*|\.\d+|\d+)"
    r"|(?P<var>[A-Za-z])"
    r"|(?P<const>[π∞ⅈ])"
    r"|(?P<op>\*\*|//|[-+*/^()%×÷·−–])"
    r")"
)
CONSTANTS = {"π": "pi", "∞": "inf", "ⅈ": "i"}
_OP_ALIASES = {"×": "*", "·": "*", "÷": "/", "−": "-", "–": "-", "**": "^"}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: kind is num, var or op."""

    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; raise ExactSyntaxError/ExactLimitError on bad input."""
    if len(text) > MAX_CHARS:
        raise ExactLimitError(f"expression longer than {MAX_CHARS} characters", limit="chars")
    tokens: list[Token] = []
    pos = 0
    end = len(text.rstrip())
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExactSyntaxError(f"unexpected character {text[pos : pos + 1]!r} at {pos}")
        kind = match.lastgroup or "op"
        value = match.group(kind)
        tokens.append(Token(kind, _OP_ALIASES.get(value, value)))
        if len(tokens) > MAX_TOKENS:
            raise ExactLimitError(f"more than {MAX_TOKENS} tokens", limit="tokens")
        pos = match.end()
    if not tokens:
        raise ExactSyntaxError("empty expression")
    return tokens


def parse_number(text: str) -> tuple[Fraction, int | None]:
    """Parse a numeric literal (thousands separators, scientific notation) into (value,
    decimal places written; None without a decimal point)."""
    digits = text.replace(",", "")
    mantissa, _, exp_text = digits.lower().partition("e")
    exponent = int(exp_text) if exp_text else 0
    if len(mantissa) > MAX_LITERAL_DIGITS or abs(exponent) > MAX_LITERAL_DIGITS:
        raise ExactLimitError(f"literal with more than {MAX_LITERAL_DIGITS} digits", limit="digits")
    places: int | None = None
    value = Fraction(int(mantissa.replace(".", "") or "0"))
    if "." in mantissa:
        places = len(mantissa.split(".", 1)[1])
        value /= 10**places
        places -= exponent
    return value * Fraction(10) ** exponent, places


class _Parser:
    """Recursive-descent parser with an explicit depth budget (never hits RecursionError)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExactLimitError(f"nesting deeper than {MAX_DEPTH}", limit="depth")

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            node = ("add" if tok.text == "+" else "sub", node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) is not None:
            if tok.kind == "op" and tok.text in ("*", "/", "//"):
                self.take()
                kind = {"*": "mul", "/": "div", "//": "floordiv"}[tok.text]
                node = (kind, node, self.unary())
            elif tok.kind in ("var", "const") or (tok.kind == "op" and tok.text == "("):
                node = ("mul", node, self.unary())  # implicit: 2x, 3(x+1), (x-1)(x+2)
            else:
                break
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return operand if tok.text == "+" else ("neg", operand)
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text == "^":
            self.take()
            self.enter()
            exponent = self.unary()
            self.depth -= 1
            return ("pow", base, exponent)
        return base

    def postfix(self) -> Node:
        node = self.atom()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "%":
            self.take()
            node = ("pct", node)
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ExactSyntaxError("unexpected end of expression")
        self.take()
        if tok.kind == "num":
            value, places = parse_number(tok.text)
            return ("num", value, places)
        if tok.kind == "var":
            return ("var", tok.text)
        if tok.kind == "const":
            return ("const", CONSTANTS[tok.text])
        if tok.text == "(":
            self.enter()
            node = self.expr()
            self.depth -= 1
            close = self.peek()
            if close is None or close.text != ")":
                raise ExactSyntaxError("missing closing parenthesis")
            self.take()
            return node
        raise ExactSyntaxError(f"unexpected {tok.text!r}")


def parse(text: str) -> Node:
    """Parse an expression into an AST; raise a typed ExactError on bad or oversized input."""
    parser = _Parser(tokenize(text))
    node = parser.expr()
    if parser.pos != len(parser.tokens):
        raise ExactSyntaxError(f"unexpected {parser.tokens[parser.pos].text!r} after expression")
    return node


def variables(node: Node) -> set[str]:
    """The variable names used in `node` (callers sort before producing output)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current[0] == "var":
            found.add(str(current[1]))
        elif current[0] not in ("num", "const"):
            stack.extend(child for child in current[1:] if isinstance(child, tuple))
    return found


def _check_size(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
        raise ExactLimitError(f"intermediate value exceeds {MAX_BITS} bits", limit="bits")
    return value


def evaluate(node: Node, env: Mapping[str, Fraction] | None = None) -> Fraction:
    """Evaluate an AST exactly; variables come from `env` (ExactDomainError when unbound)."""
    op = node[0]
    if op == "num":
        value = node[1]
        assert isinstance(value, Fraction)
        return value
    if op == "var":
        name = str(node[1])
        if env is None or name not in env:
            raise ExactDomainError(f"unbound variable {name!r}")
        return env[name]
    if op == "const":
        raise ExactDomainError(f"the constant {node[1]} has no exact rational value")
    a = node[1]
    assert isinstance(a, tuple)
    if op == "neg":
        return -evaluate(a, env)
    if op == "pct":
        return evaluate(a, env) / 100
    b = node[2]
    assert isinstance(b, tuple)
    left, right = evaluate(a, env), evaluate(b, env)
    if op == "add":
        return _check_size(left + right)
    if op == "sub":
        return _check_size(left - right)
    if op == "mul":
        return _check_size(left * right)
    if op in ("div", "floordiv"):
        if right == 0:
            raise ExactDomainError("division by zero")
        quotient = _check_size(left / right)
        return quotient if op == "div" else Fraction(quotient.numerator // quotient.denominator)
    if op == "pow":
        return power(left, right)
    raise ExactSyntaxError(f"unknown node {op!r}")


def literal_places(node: Node) -> int | None:
    """Decimal places of a number written as a rounded decimal, None when written exactly.

    `0.33` -> 2, `-1.5` -> 1, `33.3%` -> 3, `1.5e3` and `1.5 * 10^3` -> -2 (rounded to the
    hundreds); `1/3`, `12`, `1e-10` -> None (no decimal point: exact)."""
    op = node[0]
    if op == "num":
        places = node[2]
        return places if isinstance(places, int) else None
    inner = node[1]
    if not isinstance(inner, tuple):
        return None
    if op == "neg":
        return literal_places(inner)
    if op == "pct":
        places = literal_places(inner)
        return None if places is None else places + 2
    other = node[2] if len(node) > 2 else None
    if op == "mul" and isinstance(other, tuple) and other[0] == "pow":
        base, exponent = other[1], other[2]
        places = literal_places(inner)
        if places is not None and base == ("num", Fraction(10), None):
            assert isinstance(exponent, tuple)
            try:
                shift = evaluate(exponent)
            except ExactError:
                return None
            if shift.denominator == 1 and abs(shift) <= MAX_LITERAL_DIGITS:
                return places - int(shift)
    return None


def format_fraction(value: Fraction) -> str:
    """Canonical text of a rational: `3`, `-7/2`."""
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )
