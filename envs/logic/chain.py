"""Forward chaining with provenance: gold proofs for generated tasks, derivations for the oracle.

Facts are ground literals. From the premises it uses: ground literals, conjunctions of them
(`and_elim`), universal rules `∀x̄ (L1 ∧ ... ∧ Lk → L)` (`and_intro` then
`universal_modus_ponens`, or `universal_instantiation` + `modus_tollens` backwards through a
one-literal rule) and ground implications (`modus_ponens`). The proof of a target is the
subtree of derivations it depends on, emitted as `derive ... from ... by ...` actions whose
ids (`p<i>` premises, `s<k>` steps) are the ones the environment will assign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from agentdata.envs.logic.formula import (
    Atom,
    Bin,
    Formula,
    Not,
    constants,
    flatten,
    fmt,
    negate,
    substitute,
)
from agentdata.envs.logic.matching import universal_prefix

MAX_FACTS = 400
MAX_BINDINGS = 4096


@dataclass(frozen=True)
class Step:
    """One derivation: the formula, the sources (premise index or step), and the rule."""

    formula: Formula
    sources: tuple[Formula | int, ...]  # an int is a premise index (0-based)
    rule: str


def _literal(f: Formula) -> bool:
    return isinstance(f, Atom) or (isinstance(f, Not) and isinstance(f.body, Atom))


class Chainer:
    """Saturates the premises' ground literal consequences (bounded by MAX_FACTS)."""

    def __init__(self, premises: Sequence[Formula]) -> None:
        self.premises = list(premises)
        self.known: dict[Formula, Step | int] = {}  # fact -> how it is known
        self.domain = sorted(set().union(*(constants(p) for p in premises))) or ["_"]
        for i, p in enumerate(premises):
            if _literal(p):
                self.known.setdefault(p, i)

    def _add(self, step: Step) -> bool:
        if step.formula in self.known or len(self.known) >= MAX_FACTS:
            return False
        self.known[step.formula] = step
        return True

    def run(self, stop: Sequence[Formula] = ()) -> None:
        """Derive until nothing new, the fact limit, or a formula in `stop` is known."""
        changed = True
        while changed and not any(s in self.known for s in stop):
            changed = False
            for i, p in enumerate(self.premises):
                changed |= self._use(i, p)

    def _use(self, index: int, premise: Formula) -> bool:
        changed = False
        parts = flatten(premise, "and")
        if len(parts) > 1:
            for part in parts:
                if _literal(part):
                    changed |= self._add(Step(part, (index,), "and_elim"))
            return changed
        names, body = universal_prefix(premise)
        if not isinstance(body, Bin) or body.op != "imp" or not _literal(body.right):
            return False
        lits = flatten(body.left, "and")
        if not all(_literal(x) for x in lits):
            return False
        bindings = list(product(self.domain, repeat=len(names)))[:MAX_BINDINGS]
        for values in bindings:
            sub = dict(zip(names, values, strict=True))
            ground = [substitute(x, sub) for x in lits]
            head = substitute(body.right, sub)
            if all(g in self.known for g in ground):
                changed |= self._forward(index, names, body, sub, ground, head)
            elif len(ground) == 1 and negate(head) in self.known:
                changed |= self._backward(index, names, body, sub, ground[0], head)
        return changed

    def _forward(
        self,
        index: int,
        names: list[str],
        body: Bin,
        sub: dict[str, str],
        ground: list[Formula],
        head: Formula,
    ) -> bool:
        if head in self.known:
            return False
        if len(ground) > 1:
            conj = substitute(body.left, sub)
            self._add(Step(conj, tuple(ground), "and_intro"))
            fact: Formula = conj
        else:
            fact = ground[0]
        rule = "universal_modus_ponens" if names else "modus_ponens"
        return self._add(Step(head, (index, fact), rule))

    def _backward(
        self,
        index: int,
        names: list[str],
        body: Bin,
        sub: dict[str, str],
        ground: Formula,
        head: Formula,
    ) -> bool:
        target = negate(ground)
        if target in self.known:
            return False
        implication: Formula | int = index
        if names:
            inst = Bin("imp", ground, head)
            self._add(Step(inst, (index,), "universal_instantiation"))
            implication = inst
        return self._add(Step(target, (implication, negate(head)), "modus_tollens"))

    def proof(self, target: Formula) -> list[Step] | None:
        """The derivations `target` needs, in order (None when it is not known)."""
        if target not in self.known:
            return None
        order: list[Step] = []
        seen: set[Formula] = set()

        def visit(f: Formula) -> None:
            how = self.known.get(f)
            if f in seen or not isinstance(how, Step):
                return
            seen.add(f)
            for src in how.sources:
                if not isinstance(src, int):
                    visit(src)
            order.append(how)

        visit(target)
        return order


def to_actions(
    steps: Sequence[Step], premises: Sequence[Formula], first_step: int = 1
) -> list[str]:
    """The env actions for `steps` (derived ids numbered from `first_step`)."""
    ids: dict[Formula, str] = {}
    for i, p in enumerate(premises):
        ids.setdefault(p, f"p{i + 1}")
    out: list[str] = []
    for n, step in enumerate(steps, start=first_step):
        cites = [f"p{s + 1}" if isinstance(s, int) else ids[s] for s in step.sources]
        out.append(f"derive {fmt(step.formula)} from {', '.join(cites)} by {step.rule}")
        ids[step.formula] = f"s{n}"
    return out


def prove(premises: Sequence[Formula], goal: Formula) -> list[str] | None:
    """Actions deriving `goal` or its negation, whichever chaining finds (None: neither)."""
    chainer = Chainer(premises)
    for target in (goal, negate(goal)):
        if target in chainer.known and isinstance(chainer.known[target], int):
            return []
    chainer.run(stop=(goal, negate(goal)))
    for target in (goal, negate(goal)):
        steps = chainer.proof(target)
        if steps is not None:
            return to_actions(steps, premises)
    return None
