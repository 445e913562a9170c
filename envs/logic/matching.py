"""Matching formulas up to renaming bound variables, and aligning shared `∀` prefixes.

The rule checks (`rules.py`) are syntactic: a cited formula is matched against a pattern
whose free variables stand for constants, and rules that work under universal quantifiers
first strip the same leading `∀x ∀y ...` from every formula, renamed to the claim's names.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant, substitute


def match(
    pattern: Formula, target: Formula, variables: frozenset[str], sub: dict[str, str] | None = None
) -> dict[str, str] | None:
    """A substitution of `variables` by constants that turns `pattern` into `target`."""
    out = dict(sub or {})
    return out if _match(pattern, target, variables, out, {}, frozenset()) else None


def _match(
    p: Formula,
    t: Formula,
    variables: frozenset[str],
    sub: dict[str, str],
    pairs: dict[str, str],
    t_bound: frozenset[str],
) -> bool:
    if isinstance(p, Atom):
        if not isinstance(t, Atom) or p.pred != t.pred or len(p.args) != len(t.args):
            return False
        for a, b in zip(p.args, t.args, strict=True):
            if a in pairs:
                if pairs[a] != b:
                    return False
            elif b in t_bound:
                return False
            elif a in variables:
                if sub.setdefault(a, b) != b:
                    return False
            elif a != b:
                return False
        return True
    if isinstance(p, Not):
        return isinstance(t, Not) and _match(p.body, t.body, variables, sub, pairs, t_bound)
    if isinstance(p, Bin):
        return (
            isinstance(t, Bin)
            and p.op == t.op
            and _match(p.left, t.left, variables, sub, pairs, t_bound)
            and _match(p.right, t.right, variables, sub, pairs, t_bound)
        )
    if not isinstance(t, Quant) or p.kind != t.kind:
        return False
    inner = {**pairs, p.var: t.var}
    return _match(p.body, t.body, variables - {p.var}, sub, inner, t_bound | {t.var})


def universal_prefix(f: Formula) -> tuple[list[str], Formula]:
    """The leading `∀` variables and the body under them."""
    names: list[str] = []
    while isinstance(f, Quant) and f.kind == "all":
        names.append(f.var)
        f = f.body
    return names, f


def free_in(f: Formula, names: Sequence[str]) -> bool:
    """Whether any of `names` occurs as an argument of an atom of `f`."""
    return bool(set(names) & {a for atom in atoms(f) for a in atom.args})


def atoms(f: Formula) -> list[Atom]:
    """The atoms of `f`, left to right (bound variables not renamed)."""
    if isinstance(f, Atom):
        return [f]
    if isinstance(f, Not | Quant):
        return atoms(f.body)
    return atoms(f.left) + atoms(f.right)


def aligned_bodies(cites: list[Formula], claim: Formula) -> tuple[list[Formula], Formula] | None:
    """Strip the same number of leading `∀` from all formulas, renamed to the claim's names."""
    names, body = universal_prefix(claim)
    bodies: list[Formula] = []
    for cite in cites:
        cite_names, cite_body = universal_prefix(cite)
        if len(cite_names) < len(names):
            return None
        extra = cite_names[len(names) :]
        for var in reversed(extra):
            cite_body = Quant("all", var, cite_body)
        bodies.append(substitute(cite_body, dict(zip(cite_names, names, strict=False))))
    return bodies, body
