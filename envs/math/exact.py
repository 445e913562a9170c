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
    atom  := NUMBER | LETTER | "(" expr ")"

Variables are single ASCII letters (`xy` is `x*y`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from agentdata.envs.math.errors import ExactDomainError, ExactLimitError, ExactSyntaxError

MAX_CHARS = 2_000
MAX_TOKENS = 600
MAX_DEPTH = 48
MAX_LITERAL_DIGITS = 400
MAX_BITS = 4_096
MAX_EXPONENT = 4_096

Node = tuple[object, ...]
"""AST node: ("num", Fraction, places) | ("var", name) | ("neg", a) | ("pct", a) |
("add"|"sub"|"mul"|"div"|"floordiv"|"pow", a, b); `places`: decimals written, or -1."""

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d*|\.\d+|\d+)"
    r"|(?P<var>[A-Za-z])"
    r"|(?P<op>\*\*|//|[-+*/^()%×÷·−–])"
    r")"
)
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


def parse_number(text: str) -> tuple[Fraction, int]:
    """Parse a numeric literal (thousands separators allowed) into (value, decimal places)."""
    digits = text.replace(",", "")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise ExactLimitError(f"literal with more than {MAX_LITERAL_DIGITS} digits", limit="digits")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        scale = 10 ** len(frac)
        return Fraction(int(whole or "0") * scale + int(frac or "0"), scale), len(frac)
    return Fraction(int(digits)), -1


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
            elif tok.kind == "var" or (tok.kind == "op" and tok.text == "("):
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
        elif current[0] != "num":
            stack.extend(child for child in current[1:] if isinstance(child, tuple))
    return found


def _check_size(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
        raise ExactLimitError(f"intermediate value exceeds {MAX_BITS} bits", limit="bits")
    return value


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    if exponent.denominator != 1:
        raise ExactDomainError("non-integer exponent has no exact rational value")
    exp = exponent.numerator
    if base == 0 and exp < 0:
        raise ExactDomainError("zero to a negative power")
    if base in (0, 1):
        return base
    if base == -1:
        return Fraction(-1 if exp % 2 else 1)
    if abs(exp) > MAX_EXPONENT:
        raise ExactLimitError(f"exponent {exp} exceeds {MAX_EXPONENT}", limit="exponent")
    size = max(base.numerator.bit_length(), base.denominator.bit_length())
    if size * abs(exp) > MAX_BITS:
        raise ExactLimitError(f"power would exceed {MAX_BITS} bits", limit="bits")
    return base**exp


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
        return _power(left, right)
    raise ExactSyntaxError(f"unknown node {op!r}")


def literal_places(node: Node) -> int:
    """Decimal places written in a bare literal (`0.33` -> 2); -1 for anything else."""
    if node[0] == "num":
        places = node[2]
        return places if isinstance(places, int) else -1
    inner = node[1]
    if node[0] == "neg" and isinstance(inner, tuple):
        return literal_places(inner)
    if node[0] == "pct" and isinstance(inner, tuple):
        places = literal_places(inner)
        return max(places, 0) + 2 if places != -1 or inner[0] == "num" else -1
    return -1


def format_fraction(value: Fraction) -> str:
    """Canonical text of a rational: `3`, `-7/2`."""
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )
