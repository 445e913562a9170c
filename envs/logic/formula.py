"""First-order formulas: a small immutable AST, printing in FOLIO notation, substitution.

Terms are names. Whether a name is a variable or a constant depends on where it stands: a name
bound by an enclosing quantifier is a variable, any other name is a constant (FOLIO premises
are closed, so free names are the problem's individuals). Predicates have any arity, 0 included
(propositional atoms such as `Rain`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

BINARY_OPS = ("and", "or", "xor", "imp", "iff")
SYMBOLS = {"and": "∧", "or": "∨", "xor": "⊕", "imp": "→", "iff": "↔"}


@dataclass(frozen=True, slots=True)
class Atom:
    """`Pred(t1, ..., tn)`; `args` are names (variables or constants)."""

    pred: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Not:
    """`¬body`."""

    body: Formula


@dataclass(frozen=True, slots=True)
class Bin:
    """`left <op> right` with op one of `BINARY_OPS`."""

    op: str
    left: Formula
    right: Formula


@dataclass(frozen=True, slots=True)
class Quant:
    """`∀var body` (kind "all") or `∃var body` (kind "ex")."""

    kind: str
    var: str
    body: Formula


Formula = Atom | Not | Bin | Quant


def conj(left: Formula, right: Formula) -> Bin:
    """`left ∧ right`."""
    return Bin("and", left, right)


def implies(left: Formula, right: Formula) -> Bin:
    """`left → right`."""
    return Bin("imp", left, right)


def forall(var: str, body: Formula) -> Quant:
    """`∀var body`."""
    return Quant("all", var, body)


def negate(f: Formula) -> Formula:
    """`¬f`, except that the negation of `¬g` is `g` (no double negation is built)."""
    return f.body if isinstance(f, Not) else Not(f)


def fmt(f: Formula) -> str:
    """FOLIO notation, parenthesised so that it parses back to the same tree."""
    if isinstance(f, Atom):
        return f"{f.pred}({', '.join(f.args)})" if f.args else f.pred
    if isinstance(f, Not):
        return "¬" + _operand(f.body)
    if isinstance(f, Quant):
        return ("∀" if f.kind == "all" else "∃") + f.var + " " + _operand(f.body)
    return f"{_operand(f.left)} {SYMBOLS[f.op]} {_operand(f.right)}"


def _operand(f: Formula) -> str:
    return f"({fmt(f)})" if isinstance(f, Bin) else fmt(f)


def flatten(f: Formula, op: str) -> list[Formula]:
    """The operands of a chain of `op` (`A ∧ (B ∧ C)` -> [A, B, C]); [f] when f is not one."""
    if isinstance(f, Bin) and f.op == op:
        return flatten(f.left, op) + flatten(f.right, op)
    return [f]


def fold(op: str, parts: list[Formula]) -> Formula:
    """Left-nested chain `((p0 op p1) op p2) ...` of at least one part."""
    out = parts[0]
    for part in parts[1:]:
        out = Bin(op, out, part)
    return out


def substitute(f: Formula, mapping: Mapping[str, str]) -> Formula:
    """Replace free occurrences of the names in `mapping` (variables bound above `f`)."""
    if not mapping:
        return f
    if isinstance(f, Atom):
        return Atom(f.pred, tuple(mapping.get(a, a) for a in f.args))
    if isinstance(f, Not):
        return Not(substitute(f.body, mapping))
    if isinstance(f, Bin):
        return Bin(f.op, substitute(f.left, mapping), substitute(f.right, mapping))
    inner = {k: v for k, v in mapping.items() if k != f.var}
    return Quant(f.kind, f.var, substitute(f.body, inner))


def canonical(f: Formula, bound: tuple[str, ...] = ()) -> Formula:
    """Alpha-normal form: bound variables renamed `_0, _1, ...` by depth (`∀x P(x)` equals
    `∀y P(y)` after this)."""
    if isinstance(f, Atom):
        if not bound:
            return f
        rename = {v: f"_{i}" for i, v in enumerate(bound)}  # inner binders shadow outer ones
        return Atom(f.pred, tuple(rename.get(a, a) for a in f.args))
    if isinstance(f, Not):
        return Not(canonical(f.body, bound))
    if isinstance(f, Bin):
        return Bin(f.op, canonical(f.left, bound), canonical(f.right, bound))
    return Quant(f.kind, f"_{len(bound)}", canonical(f.body, (*bound, f.var)))


def same(a: Formula, b: Formula) -> bool:
    """Equal up to the names of bound variables."""
    return a == b or canonical(a) == canonical(b)


def atoms(f: Formula, bound: frozenset[str] = frozenset()) -> Iterator[tuple[Atom, frozenset[str]]]:
    """Every atom with the set of variables bound at its position."""
    if isinstance(f, Atom):
        yield f, bound
    elif isinstance(f, Not):
        yield from atoms(f.body, bound)
    elif isinstance(f, Bin):
        yield from atoms(f.left, bound)
        yield from atoms(f.right, bound)
    else:
        yield from atoms(f.body, bound | {f.var})


def signature(f: Formula) -> tuple[set[tuple[str, int]], set[str]]:
    """(predicates as (name, arity), constants) used by `f`."""
    preds: set[tuple[str, int]] = set()
    consts: set[str] = set()
    for atom, bound in atoms(f):
        preds.add((atom.pred, len(atom.args)))
        consts.update(a for a in atom.args if a not in bound)
    return preds, consts


def constants(f: Formula) -> set[str]:
    """Constants (free names) of `f`."""
    return signature(f)[1]


def size(f: Formula) -> int:
    """Number of nodes."""
    if isinstance(f, Atom):
        return 1
    if isinstance(f, Not | Quant):
        return 1 + size(f.body)
    return 1 + size(f.left) + size(f.right)
