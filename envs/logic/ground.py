"""A fast exact decider for the Bernays–Schönfinkel fragment (∃*∀* sentences, no functions).

Every generated family (rule chains, rule bases, knights and knaves, syllogisms, propositional
puzzles) lies in this fragment, where satisfiability is decidable by Herbrand's theorem:
Skolemize the outer existentials into fresh constants, instantiate every universal over the
finite set of constants, and decide the propositional result (here: a Plaisted–Greenbaum
clause form and a small DPLL). Generators check every answer with it, thousands of times a
second; z3 (`solver.py`) decides the agent's steps and the task files, and the tests check
that both agree. Formulas outside the fragment, or whose grounding passes `MAX_GROUND_NODES`,
give None (undecided here).
"""

from __future__ import annotations

from collections.abc import Sequence

from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant
from agentdata.envs.logic.truthtable import TruthTable, table_atoms
from agentdata.errors import VerifierError

MAX_GROUND_NODES = 20_000
Clause = list[int]


class _OutOfFragment(VerifierError):
    """An existential under a universal, or a grounding beyond the size limit."""


class _Grounder:
    """Grounds closed formulas over a fixed domain into clauses over integer atoms."""

    def __init__(self, domain: Sequence[str]) -> None:
        self.domain = list(domain) or ["_"]
        self.ids: dict[tuple[str, tuple[str, ...]], int] = {}
        self.next_var = 0
        self.nodes = 0
        self.skolems = 0

    def _atom(self, atom: Atom, env: dict[str, str]) -> int:
        key = (atom.pred, tuple([env.get(a, a) for a in atom.args]) if env else atom.args)
        found = self.ids.get(key)
        if found is None:
            self.next_var += 1
            found = self.ids[key] = self.next_var
        return found

    def clauses(self, f: Formula, pol: bool, env: dict[str, str], under_all: bool) -> list[Clause]:
        """CNF (as clauses) of `f` (negated when not `pol`)."""
        self.nodes += 1
        if self.nodes > MAX_GROUND_NODES:
            raise _OutOfFragment("grounding too large")
        if isinstance(f, Atom):
            v = self._atom(f, env)
            return [[v if pol else -v]]
        if isinstance(f, Not):
            return self.clauses(f.body, not pol, env, under_all)
        if isinstance(f, Quant):
            universal = (f.kind == "all") == pol
            if universal:
                out: list[Clause] = []
                for c in self.domain:
                    out += self.clauses(f.body, pol, {**env, f.var: c}, True)
                return out
            if under_all:
                raise _OutOfFragment("existential under a universal")
            self.skolems += 1
            return self.clauses(f.body, pol, {**env, f.var: f"_sk{self.skolems}"}, under_all)
        return self._binary(f, pol, env, under_all)

    def _binary(self, f: Bin, pol: bool, env: dict[str, str], under_all: bool) -> list[Clause]:
        a, b, op = f.left, f.right, f.op
        if (op == "and" and pol) or (op == "or" and not pol):
            return self.clauses(a, pol, env, under_all) + self.clauses(b, pol, env, under_all)
        if op == "or":  # pol is True
            return self._disj([(a, True), (b, True)], env, under_all)
        if op == "and":  # pol is False
            return self._disj([(a, False), (b, False)], env, under_all)
        if op == "imp":
            if pol:
                return self._disj([(a, False), (b, True)], env, under_all)
            return self.clauses(a, True, env, under_all) + self.clauses(b, False, env, under_all)
        same = (op == "iff") == pol  # iff, or a negated xor: both equal
        if same:
            return self._disj([(a, False), (b, True)], env, under_all) + self._disj(
                [(a, True), (b, False)], env, under_all
            )
        return self._disj([(a, True), (b, True)], env, under_all) + self._disj(
            [(a, False), (b, False)], env, under_all
        )

    def _disj(
        self, parts: list[tuple[Formula, bool]], env: dict[str, str], under_all: bool
    ) -> list[Clause]:
        """Clauses of a disjunction: one clause of literals, named subformulas for the rest."""
        head: Clause = []
        extra: list[Clause] = []
        for part, pol in parts:
            sub = self.clauses(part, pol, env, under_all)
            if len(sub) == 1:
                head += sub[0]
                continue
            self.next_var += 1
            name = self.next_var
            head.append(name)
            extra += [[-name, *clause] for clause in sub]  # name -> part
        return [head, *extra]


def satisfiable(clauses: list[Clause]) -> bool:
    """DPLL with unit propagation (all current unit clauses at once)."""
    if any(not c for c in clauses):
        return False
    return _dpll(clauses)


def _dpll(clauses: list[Clause] | None) -> bool:
    while clauses:
        units = {c[0] for c in clauses if len(c) == 1}
        if not units:
            lit = clauses[0][0]
            return _dpll(_assign(clauses, {lit})) or _dpll(_assign(clauses, {-lit}))
        if any(-u in units for u in units):
            return False
        clauses = _assign(clauses, units)
    return clauses is not None


def _assign(clauses: list[Clause], lits: set[int]) -> list[Clause] | None:
    """The clauses left once `lits` are true; None when one becomes empty (a conflict)."""
    out: list[Clause] = []
    for c in clauses:
        if any(x in lits for x in c):
            continue
        reduced = [x for x in c if -x not in lits]
        if not reduced:
            return None
        out.append(reduced)
    return out


def _domain(formulas: Sequence[Formula]) -> list[str]:  # sorted constants
    from agentdata.envs.logic.formula import constants

    names: set[str] = set()
    for f in formulas:
        names |= constants(f)
    return sorted(names)


def ground_sat(formulas: Sequence[Formula]) -> bool | None:
    """Whether the closed `formulas` have a model; None outside the fragment or too large."""
    domain = _domain(formulas)
    skolem_count = _count_skolems(formulas)
    if skolem_count is None:
        return None
    grounder = _Grounder(domain + [f"_sk{i + 1}" for i in range(skolem_count)])
    try:
        clauses: list[Clause] = []
        for f in formulas:
            clauses += grounder.clauses(f, True, {}, False)
    except _OutOfFragment:
        return None
    return satisfiable(clauses)


def _count_skolems(formulas: Sequence[Formula]) -> int | None:
    """How many existentials will become constants (a dry run that grounds nothing)."""
    count = 0

    def walk(f: Formula, pol: bool) -> None:
        nonlocal count
        if isinstance(f, Atom):
            return
        if isinstance(f, Not):
            walk(f.body, not pol)
        elif isinstance(f, Quant):
            if (f.kind == "all") != pol:
                count += 1
            walk(f.body, pol)
        elif f.op in ("iff", "xor"):  # both polarities occur
            for side in (f.left, f.right):
                walk(side, pol)
                walk(side, not pol)
        else:
            walk(f.left, pol if f.op != "imp" else not pol)
            walk(f.right, pol)

    for f in formulas:
        walk(f, True)
    return count


def ground_entails(premises: Sequence[Formula], goal: Formula) -> str | None:
    """'entailed', 'refuted', 'neither' or 'inconsistent' (premises unsatisfiable); None when
    undecided here (outside the fragment). Quantifier-free problems over at most
    `MAX_TABLE_ATOMS` atoms are decided by a truth table, the others by grounding + DPLL."""
    atoms = table_atoms([*premises, goal])
    if atoms is not None:
        table = TruthTable(atoms)
        models = table.full
        for f in premises:
            models &= table.rows(f)
        goal_rows = table.rows(goal)
        return _verdict(models & ~goal_rows == 0, models & goal_rows == 0)
    return Theory(premises, [goal]).entails(goal)


def _verdict(entailed: bool, refuted: bool) -> str:
    if entailed and refuted:
        return "inconsistent"
    return "entailed" if entailed else "refuted" if refuted else "neither"


class Theory:
    """Premises grounded once, then asked about many goals (`entails`).

    The domain holds every constant of the premises and of the `expected` goals, plus the
    Skolem constants of the premises and of both polarities of those goals (extra domain
    elements keep a Herbrand expansion equisatisfiable). A goal with constants or existentials
    the domain did not plan for is decided by a fresh Theory."""

    def __init__(self, premises: Sequence[Formula], expected: Sequence[Formula] = ()) -> None:
        self.premises = list(premises)
        self.premise_skolems = _count_skolems(self.premises) or 0
        # each goal is grounded on its own, numbering its Skolem constants after the
        # premises' ones, so the domain needs the most any one goal needs, not the sum
        self.skolems_left = max(
            ((_count_skolems([Not(g)]) or 0) + (_count_skolems([g]) or 0) for g in expected),
            default=0,
        )
        total = self.premise_skolems + self.skolems_left
        domain = _domain([*self.premises, *expected])
        self.names = set(domain)
        self.grounder = _Grounder(domain + [f"_sk{i + 1}" for i in range(total)])
        self.base: list[Clause] | None = []
        try:
            for f in self.premises:
                self.base += self.grounder.clauses(f, True, {}, False)
        except _OutOfFragment:
            self.base = None

    def entails(self, goal: Formula) -> str | None:
        """Decide `premises ⊨ goal` and `premises ⊨ ¬goal` (see `ground_entails`)."""
        if self.base is None:
            return None
        needs = (_count_skolems([goal]) or 0) + (_count_skolems([Not(goal)]) or 0)
        if needs > self.skolems_left or not set(_domain([goal])) <= self.names:
            return Theory(self.premises, [goal]).entails(goal)
        try:  # the goal's Skolem constants are numbered after the premises' ones
            self.grounder.skolems = self.premise_skolems
            negative = self.grounder.clauses(goal, False, {}, False)
            positive = self.grounder.clauses(goal, True, {}, False)
        except _OutOfFragment:
            return None
        return _verdict(
            not satisfiable(self.base + negative), not satisfiable(self.base + positive)
        )
