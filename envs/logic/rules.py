"""The inference rules: does `claim` follow from the cited formulas by one named rule?

Each check is syntactic (up to renaming bound variables) and sound, so a step accepted here
needs no solver. `check_rule` returns None when the step is a valid use of the rule and a
short reason otherwise. Rules that work under universal quantifiers (`hypothetical_syllogism`,
`contraposition`, `biconditional_elim`) accept a shared prefix `∀x ∀y ...` on every formula.
"""

from __future__ import annotations

from collections.abc import Callable

from agentdata.envs.logic.formula import (
    Bin,
    Formula,
    Not,
    Quant,
    canonical,
    flatten,
    negate,
    same,
    substitute,
)
from agentdata.envs.logic.matching import aligned_bodies, free_in, match, universal_prefix

RuleCheck = Callable[[list[Formula], Formula], str | None]


def _count(n: int) -> Callable[[RuleCheck], RuleCheck]:
    def wrap(fn: RuleCheck) -> RuleCheck:
        def checked(cites: list[Formula], claim: Formula) -> str | None:
            if len(cites) != n:
                return f"{fn.__name__} cites exactly {n} formula(s), got {len(cites)}"
            return fn(cites, claim)

        checked.__name__ = fn.__name__
        checked.__doc__ = fn.__doc__
        return checked

    return wrap


def _pairs(cites: list[Formula]) -> list[tuple[Formula, Formula]]:
    return [(cites[0], cites[1]), (cites[1], cites[0])]


@_count(2)
def modus_ponens(cites: list[Formula], claim: Formula) -> str | None:
    """From `A → B` and `A`, infer `B`."""
    for imp, fact in _pairs(cites):
        if (
            isinstance(imp, Bin)
            and imp.op == "imp"
            and same(imp.left, fact)
            and same(imp.right, claim)
        ):
            return None
    return "needs `A → B` and `A`, and yields `B`"


@_count(2)
def modus_tollens(cites: list[Formula], claim: Formula) -> str | None:
    """From `A → B` and `¬B`, infer `¬A` (`¬¬C` may be written `C`, on both sides)."""
    for imp, fact in _pairs(cites):
        if not isinstance(imp, Bin) or imp.op != "imp":
            continue
        if not any(same(fact, n) for n in (Not(imp.right), negate(imp.right))):
            continue
        if any(same(claim, n) for n in (Not(imp.left), negate(imp.left))):
            return None
    return "needs `A → B` and `¬B`, and yields `¬A`"


@_count(1)
def universal_instantiation(cites: list[Formula], claim: Formula) -> str | None:
    """From `∀x φ(x)`, infer `φ(c)` for a constant c (leading quantifiers, one or more)."""
    names, _ = universal_prefix(cites[0])
    body = cites[0]
    for k in range(len(names)):
        assert isinstance(body, Quant)
        body = body.body
        sub = match(body, claim, frozenset(names[: k + 1]))
        if sub is not None:
            return None
    return "needs `∀x φ(x)` and yields `φ(c)` for a constant c"


@_count(2)
def universal_modus_ponens(cites: list[Formula], claim: Formula) -> str | None:
    """From `∀x (P(x) → Q(x))` and `P(a)`, infer `Q(a)`."""
    for rule, fact in _pairs(cites):
        names, body = universal_prefix(rule)
        if not names or not isinstance(body, Bin) or body.op != "imp":
            continue
        sub = match(body.left, fact, frozenset(names))
        if sub is None:
            continue
        result = substitute(body.right, sub)
        if free_in(result, [n for n in names if n not in sub]):
            continue
        if same(result, claim):
            return None
    return "needs `∀x (P(x) → Q(x))` and `P(a)`, and yields `Q(a)`"


@_count(1)
def existential_generalization(cites: list[Formula], claim: Formula) -> str | None:
    """From `φ(c)`, infer `∃x φ(x)`."""
    if (
        isinstance(claim, Quant)
        and claim.kind == "ex"
        and match(claim.body, cites[0], frozenset({claim.var})) is not None
    ):
        return None
    return "needs `φ(c)` and yields `∃x φ(x)`"


def _keys(parts: list[Formula]) -> set[Formula]:
    return {canonical(p) for p in parts}


def and_intro(cites: list[Formula], claim: Formula) -> str | None:
    """From `A`, `B` (two or more), infer `A ∧ B`."""
    if len(cites) >= 2 and isinstance(claim, Bin) and claim.op == "and":
        cited: list[Formula] = [x for c in cites for x in flatten(c, "and")]
        if _keys(flatten(claim, "and")) == _keys(cited):
            return None
    return "needs two or more formulas and yields their conjunction"


@_count(1)
def and_elim(cites: list[Formula], claim: Formula) -> str | None:
    """From `A ∧ B`, infer `A` (or `B`, or any part of a longer conjunction)."""
    parts = flatten(cites[0], "and")
    if len(parts) > 1 and _keys(flatten(claim, "and")) <= _keys(parts):
        return None
    return "needs a conjunction and yields one of its conjuncts"


@_count(1)
def or_intro(cites: list[Formula], claim: Formula) -> str | None:
    """From `A`, infer `A ∨ B`."""
    parts = flatten(claim, "or")
    if len(parts) > 1 and _keys(flatten(cites[0], "or")) <= _keys(parts):
        return None
    return "needs `A` and yields a disjunction containing it"


def disjunctive_syllogism(cites: list[Formula], claim: Formula) -> str | None:
    """From `A ∨ B` and `¬A`, infer `B` (several negated disjuncts may be cited)."""
    for i, disj in enumerate(cites):
        parts = flatten(disj, "or")
        if len(cites) < 2 or len(parts) < 2:
            continue
        denied = _keys([negate(c) for j, c in enumerate(cites) if j != i])
        left = [p for p in parts if canonical(p) not in denied]
        removed_all = len(left) == len(parts) - (len(cites) - 1)
        if removed_all and left and _keys(flatten(claim, "or")) == _keys(left):
            return None
    return "needs `A ∨ B` and `¬A`, and yields `B`"


@_count(2)
def hypothetical_syllogism(cites: list[Formula], claim: Formula) -> str | None:
    """From `A → B` and `B → C`, infer `A → C` (under a shared `∀` prefix)."""
    aligned = aligned_bodies(cites, claim)
    if aligned is not None:
        (first, second), body = aligned
        for ab, bc in ((first, second), (second, first)):
            if all(isinstance(f, Bin) and f.op == "imp" for f in (ab, bc, body)):
                assert isinstance(ab, Bin) and isinstance(bc, Bin) and isinstance(body, Bin)
                chained = same(ab.right, bc.left) and same(body.left, ab.left)
                if chained and same(body.right, bc.right):
                    return None
    return "needs `A → B` and `B → C`, and yields `A → C`"


@_count(1)
def contraposition(cites: list[Formula], claim: Formula) -> str | None:
    """From `A → B`, infer `¬B → ¬A` (under a shared `∀` prefix)."""
    aligned = aligned_bodies(cites, claim)
    if aligned is not None:
        (imp,), body = aligned
        if (
            isinstance(imp, Bin)
            and imp.op == "imp"
            and isinstance(body, Bin)
            and body.op == "imp"
            and any(same(body.left, n) for n in (Not(imp.right), negate(imp.right)))
            and any(same(body.right, n) for n in (Not(imp.left), negate(imp.left)))
        ):
            return None
    return "needs `A → B` and yields `¬B → ¬A`"


@_count(1)
def double_negation(cites: list[Formula], claim: Formula) -> str | None:
    """From `¬¬A`, infer `A`; from `A`, infer `¬¬A`."""
    if same(cites[0], Not(Not(claim))) or same(claim, Not(Not(cites[0]))):
        return None
    return "relates `¬¬A` and `A`"


def _de_morgan(f: Formula) -> Formula | None:
    """The De Morgan dual of `f` (propositional and quantifier forms), either direction."""
    if isinstance(f, Not):
        g = f.body
        if isinstance(g, Bin) and g.op in ("and", "or"):
            return Bin("or" if g.op == "and" else "and", Not(g.left), Not(g.right))
        if isinstance(g, Quant):
            return Quant("ex" if g.kind == "all" else "all", g.var, Not(g.body))
        return None
    if (
        isinstance(f, Bin)
        and f.op in ("and", "or")
        and isinstance(f.left, Not)
        and isinstance(f.right, Not)
    ):
        return Not(Bin("or" if f.op == "and" else "and", f.left.body, f.right.body))
    if isinstance(f, Quant) and isinstance(f.body, Not):
        return Not(Quant("ex" if f.kind == "all" else "all", f.var, f.body.body))
    return None


@_count(1)
def de_morgan(cites: list[Formula], claim: Formula) -> str | None:
    """`¬(A ∧ B)` ⇔ `¬A ∨ ¬B`, `¬(A ∨ B)` ⇔ `¬A ∧ ¬B`, `¬∀x φ` ⇔ `∃x ¬φ`, `¬∃x φ` ⇔ `∀x ¬φ`."""
    dual = _de_morgan(cites[0])
    if dual is not None and same(dual, claim):
        return None
    return "rewrites `¬(A ∧ B)` as `¬A ∨ ¬B` (and the other De Morgan laws)"


def biconditional_elim(cites: list[Formula], claim: Formula) -> str | None:
    """From `A ↔ B`, infer `A → B` or `B → A`; from `A ↔ B` and `A` (or `¬A`), infer `B`
    (or `¬B`), and symmetrically."""
    if len(cites) == 1:
        aligned = aligned_bodies(cites, claim)
        if aligned is not None:
            (iff,), body = aligned
            if isinstance(iff, Bin) and iff.op == "iff":
                for a, b in ((iff.left, iff.right), (iff.right, iff.left)):
                    if same(body, Bin("imp", a, b)):
                        return None
    elif len(cites) == 2:
        for iff, fact in _pairs(cites):
            if isinstance(iff, Bin) and iff.op == "iff":
                for a, b in ((iff.left, iff.right), (iff.right, iff.left)):
                    if same(fact, a) and same(claim, b):
                        return None
                    if same(fact, negate(a)) and same(claim, negate(b)):
                        return None
    return "needs `A ↔ B` (and `A`) and yields `A → B` (or `B`)"


@_count(2)
def xor_elim(cites: list[Formula], claim: Formula) -> str | None:
    """From `A ⊕ B` and `A`, infer `¬B`; from `A ⊕ B` and `¬A`, infer `B` (and symmetrically)."""
    for xor, fact in _pairs(cites):
        if isinstance(xor, Bin) and xor.op == "xor":
            for a, b in ((xor.left, xor.right), (xor.right, xor.left)):
                if same(fact, a) and same(claim, negate(b)):
                    return None
                if same(fact, negate(a)) and same(claim, b):
                    return None
    return "needs `A ⊕ B` and `A` (or `¬A`), and yields `¬B` (or `B`)"


RULES: dict[str, RuleCheck] = {
    "modus_ponens": modus_ponens,
    "modus_tollens": modus_tollens,
    "universal_instantiation": universal_instantiation,
    "universal_modus_ponens": universal_modus_ponens,
    "existential_generalization": existential_generalization,
    "and_intro": and_intro,
    "and_elim": and_elim,
    "or_intro": or_intro,
    "disjunctive_syllogism": disjunctive_syllogism,
    "hypothetical_syllogism": hypothetical_syllogism,
    "contraposition": contraposition,
    "double_negation": double_negation,
    "de_morgan": de_morgan,
    "biconditional_elim": biconditional_elim,
    "xor_elim": xor_elim,
}
"""Rule name -> check; the documented whitelist (read-only)."""

RULE_NAMES: tuple[str, ...] = tuple(RULES)


def check_rule(rule: str, cites: list[Formula], claim: Formula) -> str | None:
    """None when `claim` follows from `cites` by `rule`, else why not."""
    return RULES[rule](cites, claim)
