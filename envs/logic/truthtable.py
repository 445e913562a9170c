"""Truth tables as bit masks: quantifier-free problems over a few atoms, decided at once.

`ground_entails` (`ground.py`) decides a quantifier-free problem over at most
`MAX_TABLE_ATOMS` atoms with one table instead of grounding and DPLL; the propositional
puzzle generators enumerate models with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant

MAX_TABLE_ATOMS = 12


def table_atoms(formulas: Sequence[Formula]) -> list[Atom] | None:
    """The atoms of quantifier-free formulas (None: a quantifier, or too many atoms)."""
    found: dict[Atom, None] = {}
    stack = list(formulas)
    while stack:
        f = stack.pop()
        if isinstance(f, Atom):
            found[f] = None
        elif isinstance(f, Not):
            stack.append(f.body)
        elif isinstance(f, Bin):
            stack += (f.left, f.right)
        else:
            return None
    return list(found) if len(found) <= MAX_TABLE_ATOMS else None


@cache  # pure: the row mask of atom i among n
def _atom_rows(n: int, i: int) -> int:
    return sum(1 << r for r in range(1 << n) if r >> i & 1)


class TruthTable:
    """Truth tables as bit masks: bit r of `rows(f)` is f's value in row r (atom i is true in
    row r when bit i of r is set), so whole tables combine in one integer operation."""

    def __init__(self, atoms: Sequence[Formula]) -> None:
        self.full = (1 << (1 << len(atoms))) - 1
        self.atoms = {atom: _atom_rows(len(atoms), i) for i, atom in enumerate(atoms)}

    def rows(self, f: Formula) -> int:
        """The rows where `f` (quantifier-free, over the table's atoms) is true."""
        if isinstance(f, Atom):
            return self.atoms[f]
        if isinstance(f, Not):
            return self.full & ~self.rows(f.body)
        if isinstance(f, Quant):
            raise ValueError("a quantifier in a truth table")
        a, b = self.rows(f.left), self.rows(f.right)
        if f.op == "and":
            return a & b
        if f.op == "or":
            return a | b
        if f.op == "xor":
            return a ^ b
        if f.op == "imp":
            return (self.full & ~a) | b
        return self.full & ~(a ^ b)
