"""Claim verification: exact rationals in-process first, sympy in the isolated worker second.

A claim is judged as follows (first rule that applies):

1. Sides that do not parse: format error (strict claims) or skipped (prose).
2. A letter that is not a variable of the problem: hallucinated step (strict) or skipped.
3. No variables: both sides are evaluated exactly; unequal is an arithmetic error. A decimal
   written with k >= 1 places matches the exact value rounded to k places (GSM8K writes
   `<<10/3=3.33>>`).
4. Variables, with the task's solutions known: the claim must hold at every solution (else an
   illegal transformation: the step lost a solution). A one-variable claim must moreover not
   add solutions: linear claims are settled exactly in-process, others by sympy in the worker
   (e.g. squaring `x = 2` into `x^2 = 4` adds -2: illegal transformation).
5. Variables, solutions unknown (task files): sympy decides whether the claim is an identity;
   if not, the claim is unverifiable (neutral).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from agentdata.envs.isolation import IsolationError, VerifierTimeout
from agentdata.envs.math import algebra
from agentdata.envs.math.actions import Claim
from agentdata.envs.math.answers import rounded_match
from agentdata.envs.math.errors import ExactDomainError, ExactError, ExactLimitError
from agentdata.envs.math.exact import (
    Node,
    evaluate,
    format_fraction,
    literal_places,
    parse,
    variables,
)

EXACT = ("math.exact", "1")
CLAIM_MIN_PLACES = 1

SymbolicRunner = Callable[..., dict[str, object]]
"""Runs `fn(*args)` where a hang cannot stall the caller (e.g. IsolatedWorker.call)."""


@cache  # distribution metadata is slow to read and fixed for the process
def sympy_verifier() -> tuple[str, str]:
    """Name and version of the symbolic verifier (includes the sympy version)."""
    try:
        return "math.sympy", f"1+sympy{version('sympy')}"
    except PackageNotFoundError:
        return "math.sympy", "1"


@dataclass
class ClaimResult:
    """Judgement of one claim; status is correct | incorrect | skipped | neutral | limit |
    timeout | format."""

    claim: Claim
    status: str
    error_type: str | None = None
    verifier: tuple[str, str] = EXACT
    message: str = ""
    evidence: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """Compact JSON evidence for the verdict."""
        out: dict[str, object] = {"claim": self.claim.text[:300], "source": self.claim.source}
        out["status"] = self.status
        if self.error_type:
            out["error_type"] = self.error_type
        out.update(self.evidence)
        return out


def _degree(node: Node, var: str) -> int | None:
    """Polynomial degree of `node` in `var`; None when not a polynomial (var in a denominator)."""
    op = node[0]
    if op in ("num", "const"):
        return 0
    if op == "var":
        return 1 if node[1] == var else 0
    kids = [k for k in node[1:] if isinstance(k, tuple)]
    degs = [_degree(k, var) for k in kids]
    if any(d is None for d in degs):
        return None
    ds = [d for d in degs if d is not None]
    if op in ("neg", "pct"):
        return ds[0]
    if op in ("add", "sub"):
        return max(ds)
    if op == "mul":
        return ds[0] + ds[1]
    if op == "div":
        return ds[0] if ds[1] == 0 else None
    if op == "pow":
        if ds[1] != 0:
            return None
        try:
            exponent = evaluate(kids[1])
        except ExactError:
            return None
        if exponent.denominator != 1 or exponent < 0:
            return None if ds[0] else 0
        return ds[0] * int(exponent) if ds[0] else 0
    return None


class Checker:
    """Judges claims for one task (its variables and, when known, its solutions)."""

    def __init__(
        self,
        task_variables: frozenset[str],
        solutions: list[dict[str, Fraction]] | None,
        symbolic: SymbolicRunner,
    ) -> None:
        self.task_variables = task_variables
        self.solutions = solutions
        self.symbolic = symbolic
        self.sympy = sympy_verifier()

    def check(self, claim: Claim) -> ClaimResult:
        """Judge one claim; never raises on agent input."""
        try:
            lhs, rhs = parse(claim.lhs), parse(claim.rhs)
        except ExactLimitError as exc:
            return ClaimResult(claim, "limit", message=str(exc), evidence={"limit": exc.limit})
        except ExactError as exc:
            status = "format" if claim.strict else "skipped"
            err = "format_error" if claim.strict else None
            return ClaimResult(claim, status, err, message=f"cannot parse: {exc}")
        names = variables(lhs) | variables(rhs)
        unknown = sorted(names - self.task_variables)
        if unknown:
            if not claim.strict:
                return ClaimResult(claim, "skipped", message="unknown letters in prose")
            return ClaimResult(
                claim,
                "incorrect",
                "hallucinated_step",
                message=f"symbol(s) {', '.join(unknown)} do not appear in the problem",
                evidence={"unknown_symbols": list(unknown)},
            )
        try:
            if not names:
                return self._numeric(claim, lhs, rhs)
            if self.solutions:
                return self._with_solutions(claim, lhs, rhs, sorted(names))
            return self._identity(claim, lhs, rhs)
        except ExactLimitError as exc:
            return ClaimResult(claim, "limit", message=str(exc), evidence={"limit": exc.limit})

    def _numeric(self, claim: Claim, lhs: Node, rhs: Node) -> ClaimResult:
        try:
            left = evaluate(lhs)
        except ExactDomainError as exc:
            return ClaimResult(claim, "incorrect", "arithmetic_error", message=str(exc))
        try:
            right = evaluate(rhs)
        except ExactDomainError as exc:
            return ClaimResult(claim, "incorrect", "arithmetic_error", message=str(exc))
        lp, rp = literal_places(lhs), literal_places(rhs)
        evidence: dict[str, object] = {
            "expected": format_fraction(left),
            "got": format_fraction(right),
        }
        # "1/5 = 20%" and "100 - 50 = 50%" are both written: with a %, a factor 100 is allowed
        scales = (1, 100, Fraction(1, 100)) if "%" in claim.lhs + claim.rhs else (1,)
        for scale in scales:
            if rounded_match(right * scale, rp, left, lp, CLAIM_MIN_PLACES):
                return ClaimResult(claim, "correct", evidence=evidence)
        return ClaimResult(
            claim,
            "incorrect",
            "arithmetic_error",
            message=f"{claim.lhs} is {format_fraction(left)}, not {claim.rhs}",
            evidence=evidence,
        )

    def _with_solutions(self, claim: Claim, lhs: Node, rhs: Node, names: list[str]) -> ClaimResult:
        assert self.solutions is not None
        for solution in self.solutions:
            shown = ", ".join(f"{k} = {format_fraction(v)}" for k, v in sorted(solution.items()))
            try:
                residual = evaluate(lhs, solution) - evaluate(rhs, solution)
            except ExactDomainError as exc:
                return ClaimResult(
                    claim,
                    "incorrect",
                    "illegal_transformation",
                    message=f"undefined at the solution {shown}: {exc}",
                    evidence={"solution": shown},
                )
            if residual != 0:
                return ClaimResult(
                    claim,
                    "incorrect",
                    "illegal_transformation",
                    message=f"does not hold at the solution {shown}; the step changed the "
                    "solution set",
                    evidence={"solution": shown, "residual": format_fraction(residual)},
                )
        if len(names) != 1:
            return ClaimResult(claim, "correct", evidence={"holds_at_solutions": True})
        var = names[0]
        values = sorted({s[var] for s in self.solutions if var in s})
        deg_l, deg_r = _degree(lhs, var), _degree(rhs, var)
        linear = deg_l is not None and deg_r is not None and max(deg_l, deg_r) <= 1
        if linear and len(values) == 1:
            probe = {var: values[0] + 1}
            identity = evaluate(lhs, probe) == evaluate(rhs, probe)
            note = "identity" if identity else "equivalent"
            return ClaimResult(claim, "correct", evidence={"solution_set": note})
        return self._sympy(claim, algebra.check_solution_set, lhs, rhs, var, values)

    def _identity(self, claim: Claim, lhs: Node, rhs: Node) -> ClaimResult:
        return self._sympy(claim, algebra.check_identity, lhs, rhs)

    def _sympy(self, claim: Claim, fn: Callable[..., object], *args: object) -> ClaimResult:
        try:
            result = self.symbolic(fn, *args)
        except VerifierTimeout as exc:
            return ClaimResult(claim, "timeout", verifier=self.sympy, message=str(exc))
        except IsolationError as exc:
            return ClaimResult(claim, "neutral", verifier=self.sympy, message=f"sympy: {exc}")
        status = str(result.get("status"))
        evidence = {k: v for k, v in sorted(result.items()) if k != "status"}
        evidence["sympy_status"] = status
        if status in ("equivalent", "identity"):
            return ClaimResult(claim, "correct", verifier=self.sympy, evidence=evidence)
        if status in ("extraneous", "missing"):
            return ClaimResult(
                claim,
                "incorrect",
                "illegal_transformation",
                verifier=self.sympy,
                message=f"the step {'adds' if status == 'extraneous' else 'loses'} solutions "
                f"{result.get('extra') or result.get('missing')}",
                evidence=evidence,
            )
        return ClaimResult(
            claim, "neutral", verifier=self.sympy, message="not verifiable", evidence=evidence
        )
