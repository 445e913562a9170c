"""Entailment and consistency with z3, under a time budget, where a hang cannot stall the caller.

Formulas become SMT-LIB text over one uninterpreted sort (`Obj`): predicates are functions to
Bool, constants are `Obj` constants, names are prefixed by kind so that nothing the agent
writes can clash with an SMT-LIB keyword. z3 checks `premises ∧ ¬goal` and `premises ∧ goal`
with its own `timeout` (a soft limit: z3 answers `unknown`), and `Prover` runs z3 in an
`IsolatedWorker`, a separate process that is killed when it overruns the hard limit. A time-out
or an `unknown` is the verdict "undecided", never a yes or a no.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from agentdata.envs.isolation import IsolatedWorker, IsolationError
from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, signature

HARD_LIMIT_GRACE_S = 2.0
_SMT_OPS = {"and": "and", "or": "or", "xor": "xor", "imp": "=>", "iff": "="}
DECISIONS = ("entailed", "refuted", "neither", "inconsistent", "unknown")


@cache  # distribution metadata is slow to read and fixed for the process
def z3_verifier() -> tuple[str, str]:
    """Name and version of the z3 verifier."""
    try:
        return "logic.z3", f"1+z3-{version('z3-solver')}"
    except PackageNotFoundError:
        return "logic.z3", "1"


def _term(name: str, bound: frozenset[str]) -> str:
    return f"v_{name}" if name in bound else f"c_{name}"


def _pred(atom: Atom) -> str:
    return f"p_{atom.pred}_{len(atom.args)}"


def _smt(f: Formula, bound: frozenset[str] = frozenset()) -> str:
    if isinstance(f, Atom):
        if not f.args:
            return _pred(f)
        return f"({_pred(f)} {' '.join(_term(a, bound) for a in f.args)})"
    if isinstance(f, Not):
        return f"(not {_smt(f.body, bound)})"
    if isinstance(f, Bin):
        return f"({_SMT_OPS[f.op]} {_smt(f.left, bound)} {_smt(f.right, bound)})"
    q = "forall" if f.kind == "all" else "exists"
    return f"({q} ((v_{f.var} Obj)) {_smt(f.body, bound | {f.var})})"


def smt_problem(premises: Sequence[Formula], goal: Formula) -> str:
    """SMT-LIB text: declarations, the premises, and `goal` behind two assumption literals
    (`a_neg` asserts ¬goal, `a_pos` asserts goal)."""
    preds: set[tuple[str, int]] = set()
    consts: set[str] = set()
    for f in (*premises, goal):
        p, c = signature(f)
        preds |= p
        consts |= c
    lines = ["(declare-sort Obj 0)"]
    for name, arity in sorted(preds):
        lines.append(f"(declare-fun p_{name}_{arity} ({' '.join(['Obj'] * arity)}) Bool)")
    lines += [f"(declare-const c_{c} Obj)" for c in sorted(consts)]
    lines += ["(declare-const a_neg Bool)", "(declare-const a_pos Bool)"]
    lines += [f"(assert {_smt(p)})" for p in premises]
    g = _smt(goal)
    lines += [f"(assert (=> a_neg (not {g})))", f"(assert (=> a_pos {g}))"]
    return "\n".join(lines)


def decide_smt(text: str, timeout_ms: int) -> str:
    """Run z3 on `smt_problem` text: one of DECISIONS. Runs in the isolated worker."""
    import z3

    ctx = z3.Context()  # a private context: z3 contexts are not thread-safe
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", max(1, int(timeout_ms) // 2))  # two checks share the budget
    solver.from_string(text)
    neg = solver.check(z3.Bool("a_neg", ctx))
    pos = solver.check(z3.Bool("a_pos", ctx))
    if z3.unknown in (neg, pos):
        # one side decided as unsat is still a sound answer
        if neg == z3.unsat:
            return "entailed"
        if pos == z3.unsat:
            return "refuted"
        return "unknown"
    if neg == z3.unsat and pos == z3.unsat:
        return "inconsistent"
    if neg == z3.unsat:
        return "entailed"
    if pos == z3.unsat:
        return "refuted"
    return "neither"


@dataclass(frozen=True)
class Decision:
    """What z3 concluded; `reason` says why a decision is `unknown`."""

    result: str
    reason: str = ""

    @property
    def decided(self) -> bool:
        """False for a time-out, a crash or z3's own `unknown`."""
        return self.result != "unknown"


class Prover:
    """z3 in a killable worker process, one call at a time (thread-safe); close() it."""

    def __init__(self, timeout_s: float = 5.0) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.timeout_s = float(timeout_s)
        self._worker: IsolatedWorker | None = None

    def entails(self, premises: Sequence[Formula], goal: Formula) -> Decision:
        """Decide `premises ⊨ goal` (and `⊨ ¬goal`) within the budget."""
        if self._worker is None:
            self._worker = IsolatedWorker(
                timeout_s=self.timeout_s + HARD_LIMIT_GRACE_S, preload=("z3",)
            )
        text = smt_problem(premises, goal)
        try:
            result = self._worker.call(decide_smt, text, int(self.timeout_s * 1000))
        except IsolationError as exc:
            return Decision("unknown", f"{type(exc).__name__}: {exc}")
        if result == "unknown":
            return Decision("unknown", f"z3 gave no answer within {self.timeout_s}s")
        return Decision(str(result))

    def close(self) -> None:
        """Stop the worker (a later call starts a new one)."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
